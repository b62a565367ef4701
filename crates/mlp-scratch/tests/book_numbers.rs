//! The book's experiment on the real data lands in the book's range, reproducibly, and its
//! checkpoint reloads to the same accuracy.

use d2l_core::classifier::{Classifier, Recording, load_checkpoint};
use d2l_core::metrics::evaluate_accuracy;
use d2l_core::report::RunDir;
use fashion_mnist::FashionMnist;
use mlp_scratch::{Config, MlpScratch, UpdaterKind, build, run};

fn data() -> FashionMnist {
    FashionMnist::load(None).expect("the committed Fashion-MNIST loads")
}

#[test]
fn the_default_run_reaches_the_books_numbers_and_its_checkpoint_reloads() {
    let data = data();
    let dir = tempfile::tempdir().unwrap();
    let out = RunDir::create(dir.path()).unwrap();
    let config = Config::default();
    let (net, s) = run(
        &config,
        &data,
        Recording {
            run: Some(&out),
            show_progress: false,
        },
    )
    .unwrap();
    assert_eq!(net.num_parameters(), 203_530);
    assert!(
        (0.36..=0.41).contains(&s.train_loss),
        "train loss {}",
        s.train_loss
    );
    assert!(s.train_acc >= 0.85, "train acc {}", s.train_acc);
    assert!(
        (0.81..=0.87).contains(&s.test_acc),
        "test acc {}",
        s.test_acc
    );
    // The book's own final asserts in train_ch3.
    assert!(s.train_loss < 0.5 && s.train_acc > 0.7 && s.test_acc > 0.7);

    // The run record is complete: one metrics row per epoch, the figures, the checkpoint.
    let metrics = std::fs::read_to_string(out.file("metrics.csv")).unwrap();
    assert_eq!(metrics.lines().count(), 1 + 10);
    for f in [
        "summary.json",
        "training.svg",
        "training.png",
        "model.safetensors",
    ] {
        assert!(out.file(f).is_file(), "{f} missing");
    }

    // Reloading the checkpoint gives the same test accuracy, both ways.
    let (_, mut test_iter) = data.loaders(256, 0).unwrap();
    let reloaded = MlpScratch::from_checkpoint(&out.file("model.safetensors")).unwrap();
    assert_eq!(reloaded.widths(), [784, 256, 10]);
    assert_eq!(
        evaluate_accuracy(&reloaded, &mut test_iter).unwrap(),
        s.test_acc
    );
    let fresh = build(&Config { seed: 99, ..config }).unwrap();
    load_checkpoint(&out.file("model.safetensors"), &fresh.named_parameters()).unwrap();
    assert_eq!(
        evaluate_accuracy(&fresh, &mut test_iter).unwrap(),
        s.test_acc
    );
}

#[test]
fn the_same_seed_gives_identical_numbers_and_both_updaters_agree() {
    let data = data();
    let short = Config {
        num_epochs: 1,
        ..Config::default()
    };
    let (_, a) = run(&short, &data, Recording::default()).unwrap();
    let (_, b) = run(&short, &data, Recording::default()).unwrap();
    assert_eq!(
        (a.train_loss, a.train_acc, a.test_acc),
        (b.train_loss, b.train_acc, b.test_acc)
    );
    // The scratch sgd (sum, then /batch) and candle-nn's SGD (mean) are the same update.
    let scratch = Config {
        updater: UpdaterKind::Scratch,
        ..short.clone()
    };
    let (_, c) = run(&scratch, &data, Recording::default()).unwrap();
    assert!((a.train_loss - c.train_loss).abs() < 1e-3, "{a:?} vs {c:?}");
    assert!((a.test_acc - c.test_acc).abs() < 0.01, "{a:?} vs {c:?}");
    // Another seed gives another run.
    let (_, d) = run(&Config { seed: 1, ..short }, &data, Recording::default()).unwrap();
    assert_ne!(a.train_loss, d.train_loss);
}

#[test]
fn initialisation_follows_the_book() {
    let net = build(&Config::default()).unwrap();
    let params = net.named_parameters();
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["W1", "b1", "W2", "b2"]);
    let w1 = params[0].1.as_tensor();
    assert_eq!(w1.dims(), [784, 256]);
    let std = w1
        .sqr()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
        .sqrt();
    assert!((std - 0.01).abs() < 2e-4, "W1 std {std}");
    assert_eq!(
        params[1]
            .1
            .as_tensor()
            .abs()
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap(),
        0.0
    );
    let x = candle_core::Tensor::new(&[-2f32, 0., 3.], &candle_core::Device::Cpu).unwrap();
    assert_eq!(
        mlp_scratch::relu(&x).unwrap().to_vec1::<f32>().unwrap(),
        [0.0, 0.0, 3.0]
    );
}

#[test]
fn the_fused_forward_equals_the_books_formula() {
    use candle_core::Module;
    let net = build(&Config {
        num_layers: 2,
        ..Config::default()
    })
    .unwrap();
    let x = d2l_core::rng::uniform(
        &mut d2l_core::rng::seeded(5),
        (64, 784),
        0.0,
        1.0,
        &candle_core::Device::Cpu,
    )
    .unwrap();
    let fast = net.forward(&x).unwrap();
    let book = net.forward_reference(&x).unwrap();
    let diff = (fast - book)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(diff < 1e-5, "max difference {diff}");
}
