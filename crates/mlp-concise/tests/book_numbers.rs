//! The concise MLP on the real data: the book's range, reproducibility, checkpoint reload.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use d2l_core::classifier::Classifier;
use d2l_core::metrics::evaluate_accuracy;
use fashion_mnist::FashionMnist;
use mlp_concise::{Config, MlpConcise, build, run};

const CPU: Device = Device::Cpu;

#[test]
fn the_default_run_reaches_the_books_numbers_and_its_parameters_reload() {
    let data = FashionMnist::load(None, &CPU).unwrap();
    let (net, s) = run(&Config::default(), &data, &mut ()).unwrap();
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
    let tensors: HashMap<String, Tensor> = net
        .named_parameters()
        .into_iter()
        .map(|(n, v)| (n, v.as_tensor().copy().unwrap()))
        .collect();
    let reloaded = MlpConcise::from_tensors(&tensors).unwrap();
    assert_eq!(reloaded.widths(), [784, 256, 10]);
    let (_, mut test_iter) = data.loaders(256, 0).unwrap();
    assert_eq!(
        evaluate_accuracy(&reloaded, &mut test_iter).unwrap(),
        s.test_acc
    );
}

#[test]
fn one_epoch_is_reproducible() {
    let data = FashionMnist::load(None, &CPU).unwrap();
    let short = Config {
        num_epochs: 1,
        ..Config::default()
    };
    let (_, a) = run(&short, &data, &mut ()).unwrap();
    let (_, b) = run(&short, &data, &mut ()).unwrap();
    assert_eq!((a.train_loss, a.test_acc), (b.train_loss, b.test_acc));
}

#[test]
fn parameters_are_named_and_initialised_like_the_book() {
    let net = build(
        &Config {
            num_layers: 2,
            ..Config::default()
        },
        &CPU,
    )
    .unwrap();
    let params = net.named_parameters();
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"
        ]
    );
    assert_eq!(net.widths(), [784, 256, 256, 10]);
    let w = params[0].1.as_tensor();
    assert_eq!(w.dims(), [256, 784]);
    let std = w
        .sqr()
        .unwrap()
        .mean_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
        .sqrt();
    assert!((std - 0.01).abs() < 2e-4, "weight std {std}");
    // Bias: PyTorch's default U(±1/√784) = U(±0.0357): bounded, and spread like a uniform.
    let b: Vec<f32> = params[1].1.to_vec1().unwrap();
    assert!(b.iter().all(|v| v.abs() <= 1.0 / 28.0));
    let var = b.iter().map(|v| v * v).sum::<f32>() / b.len() as f32;
    assert!(
        (var / (1.0 / 784.0 / 3.0) - 1.0).abs() < 0.25,
        "bias variance {var}"
    );
}
