//! dropout_layer's contract, the train/eval switch, and the book's numbers.

use candle_core::{DType, Device, ModuleT, Tensor};
use d2l_core::classifier::Classifier;
use d2l_core::dropout::Dropout;
use d2l_core::rng;
use dropout::{Config, Variant, build, dropout_layer, run};
use fashion_mnist::FashionMnist;

const CPU: Device = Device::Cpu;

#[test]
fn edge_cases_follow_the_book() {
    let x = Tensor::arange(0f32, 16., &CPU)
        .unwrap()
        .reshape((2, 8))
        .unwrap();
    let mut r = rng::seeded(0);
    let same: Vec<Vec<f32>> = dropout_layer(&x, 0.0, &mut r).unwrap().to_vec2().unwrap();
    assert_eq!(same, x.to_vec2::<f32>().unwrap());
    let zeros = dropout_layer(&x, 1.0, &mut r).unwrap();
    assert_eq!(
        zeros
            .abs()
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap(),
        0.0
    );
    for p in [0.2, 0.5, 0.8] {
        let y: Vec<f32> = dropout_layer(&x, p, &mut r)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        for (v, o) in y.iter().zip(0..16) {
            let kept = o as f32 / (1.0 - p as f32);
            assert!(
                *v == 0.0 || (v - kept).abs() < 1e-5,
                "p {p}: {v} is neither 0 nor {kept}"
            );
        }
    }
    for bad in [1.5, -0.1, f64::NAN] {
        let err = dropout_layer(&x, bad, &mut r).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("dropout must be in [0, 1], got"),
            "{err}"
        );
    }
}

#[test]
fn the_mean_over_many_draws_equals_the_input() {
    // Each output is x/(1-p) with probability 1-p, else 0: mean x, standard deviation
    // x·sqrt(p/(1-p)). Over n draws the sample mean is within 5 standard errors of x.
    let n = 1_000_000;
    let x = Tensor::ones(n, DType::F32, &CPU).unwrap();
    let mut r = rng::seeded(42);
    for p in [0.2, 0.5, 0.9] {
        let mean = dropout_layer(&x, p, &mut r)
            .unwrap()
            .mean_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap() as f64;
        let se = (p / (1.0 - p)).sqrt() / (n as f64).sqrt();
        assert!(
            (mean - 1.0).abs() < 5.0 * se,
            "p {p}: mean {mean}, tolerance {}",
            5.0 * se
        );
    }
}

#[test]
fn evaluation_mode_is_deterministic_and_mask_free() {
    let layer = Dropout::new(0.5, 0).unwrap();
    let x = rng::normal(&mut rng::seeded(1), (8, 32), 0.0, 1.0, &CPU).unwrap();
    let eval: Vec<Vec<f32>> = layer.forward_t(&x, false).unwrap().to_vec2().unwrap();
    assert_eq!(eval, x.to_vec2::<f32>().unwrap());
    let net = build(&Config::default(), Variant::Scratch, &CPU).unwrap();
    let images = rng::uniform(&mut rng::seeded(2), (4, 784), 0.0, 1.0, &CPU).unwrap();
    let a: Vec<Vec<f32>> = net.forward_t(&images, false).unwrap().to_vec2().unwrap();
    let b: Vec<Vec<f32>> = net.forward_t(&images, false).unwrap().to_vec2().unwrap();
    assert_eq!(a, b);
    // Training mode draws fresh masks each call.
    let c: Vec<Vec<f32>> = net.forward_t(&images, true).unwrap().to_vec2().unwrap();
    let d: Vec<Vec<f32>> = net.forward_t(&images, true).unwrap().to_vec2().unwrap();
    assert_ne!(c, d);
}

/// Exercise 6: `--drop-weights` thins the hidden layers' weights, not their units. Every unit
/// of the first hidden layer stays on (a unit is zero only where its input makes it so), the
/// gradient reaches the weights, and evaluation uses the full weights.
#[test]
fn dropping_weights_keeps_every_unit_and_trains_the_weights() {
    let config = Config {
        drop_weights: true,
        ..Config::default()
    };
    let net = build(&config, Variant::Scratch, &CPU).unwrap();
    let book = build(&Config::default(), Variant::Scratch, &CPU).unwrap();
    let images = rng::uniform(&mut rng::seeded(2), (64, 784), 0.0, 1.0, &CPU).unwrap();
    let eval: Vec<Vec<f32>> = net.forward_t(&images, false).unwrap().to_vec2().unwrap();
    let book_eval: Vec<Vec<f32>> = book.forward_t(&images, false).unwrap().to_vec2().unwrap();
    assert_eq!(eval, book_eval, "evaluation ignores --drop-weights");
    let zeros = |net: &dropout::DropoutMlp| {
        let [h1, ..] = net.forward_all(&images, true).unwrap();
        let h1: Vec<f32> = h1.flatten_all().unwrap().to_vec1().unwrap();
        h1.iter().filter(|&&v| v == 0.0).count() as f64 / h1.len() as f64
    };
    let (without_units, with_units) = (zeros(&net), zeros(&book));
    // Dropping units zeroes a fifth of H1 on top of ReLU's zeros; dropping weights does not.
    assert!(
        with_units > without_units + 0.05,
        "{with_units} vs {without_units}"
    );
    // The share of W1's entries that get no gradient in one training step.
    let no_gradient = |net: &dropout::DropoutMlp| {
        let [_, _, out] = net.forward_all(&images, true).unwrap();
        let grads = out.sqr().unwrap().sum_all().unwrap().backward().unwrap();
        let params = net.named_parameters();
        let w1 = &params.iter().find(|(n, _)| n == "1.weight").unwrap().1;
        let g: Vec<f32> = grads
            .get(w1)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        g.iter().filter(|&&v| v == 0.0).count() as f64 / g.len() as f64
    };
    let kept_all = Config {
        dropout1: 0.0,
        dropout2: 0.0,
        ..config.clone()
    };
    let baseline = no_gradient(&build(&kept_all, Variant::Scratch, &CPU).unwrap());
    let dropped = no_gradient(&net);
    // A fifth of W1's entries are dropped for the step and get no gradient, on top of those
    // of units that no example of the batch turns on.
    let expected = baseline + 0.2 * (1.0 - baseline);
    assert!((dropped - expected).abs() < 0.03, "{dropped} vs {expected}");
}

/// Exercise 5: `--weight-decay λ` decays the weights and not the biases, as in 4.5.
#[test]
fn weight_decay_applies_to_the_weights_only() {
    let config = Config {
        weight_decay: 1e-3,
        ..Config::default()
    };
    let net = build(&config, Variant::Scratch, &CPU).unwrap();
    let sgd = dropout::optimizer(&net, &config).unwrap();
    let groups: Vec<(usize, f64)> = sgd
        .groups()
        .iter()
        .map(|g| (g.params.len(), g.weight_decay))
        .collect();
    assert_eq!(groups, [(3, 1e-3), (3, 0.0)]);
    let book = dropout::optimizer(&net, &Config::default()).unwrap();
    assert_eq!(book.groups().len(), 1);
    assert_eq!(book.groups()[0].weight_decay, 0.0);
}

#[test]
fn default_runs_reach_the_books_numbers() {
    let data = FashionMnist::load(None, &CPU).unwrap();
    for variant in [Variant::Scratch, Variant::Concise] {
        let (_, s) = run(&Config::default(), variant, &data, &mut ()).unwrap();
        assert!(
            (0.83..=0.88).contains(&s.test_acc),
            "{variant:?}: test acc {}",
            s.test_acc
        );
        assert!(
            (0.33..=0.38).contains(&s.train_loss),
            "{variant:?}: train loss {}",
            s.train_loss
        );
    }
}

#[test]
fn bad_rates_exit_2_with_one_line() {
    for (flag, value) in [
        ("--dropout1", "1.5"),
        ("--dropout2", "-0.1"),
        ("--dropout1", "NaN"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dropout"))
            .args([flag, value])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        let name = flag.trim_start_matches("--");
        assert_eq!(
            stderr.trim(),
            format!("error: {name} must be in [0, 1], got {value}")
        );
    }
}
