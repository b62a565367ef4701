//! Training cost of every chapter model: one step (batch 256), one full epoch over
//! Fashion-MNIST, the evaluation pass, the small regression chapters, and activation
//! forward+backward. Run one topic with e.g. `cargo bench -- epoch/mlp-scratch`.

use candle_core::Device;
use candle_nn::Optimizer;
use criterion::{Criterion, criterion_group};
use d2l_core::classifier::Classifier;
use d2l_core::metrics::evaluate_accuracy;
use d2l_core::{loss, train};
use fashion_mnist::FashionMnist;

fn data() -> FashionMnist {
    FashionMnist::load(None, &Device::Cpu).expect("Fashion-MNIST is committed under datasets/")
}

/// Benches one optimizer step and one epoch of `net`.
fn bench_classifier<M: Classifier>(
    c: &mut Criterion,
    name: &str,
    net: &M,
    lr: f64,
    data: &FashionMnist,
) {
    let (mut train_iter, mut test_iter) = data.loaders(256, 1).unwrap();
    let mut sgd = candle_nn::SGD::new(net.parameters(), lr).unwrap();
    let batch = train_iter.epoch().next().unwrap().unwrap();
    let mut group = c.benchmark_group("train_step");
    group.bench_function(name, |b| {
        b.iter(|| {
            let l = loss::cross_entropy(&net.forward_t(&batch.x, true).unwrap(), &batch.y).unwrap();
            d2l_core::optim::Updater::update(&mut sgd, &l).unwrap();
        })
    });
    group.finish();
    let mut group = c.benchmark_group("epoch");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter(|| {
            train::train_epoch_ch3(
                net,
                &mut train_iter,
                &loss::cross_entropy,
                &mut sgd,
                &mut |_, _| Ok(()),
            )
            .unwrap()
        })
    });
    group.finish();
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter(|| evaluate_accuracy(net, &mut test_iter).unwrap())
    });
    group.finish();
}

fn classifiers(c: &mut Criterion) {
    let data = data();
    let scratch = mlp_scratch::build(&mlp_scratch::Config::default(), &Device::Cpu).unwrap();
    bench_classifier(c, "mlp-scratch", &scratch, 0.1, &data);
    let concise = mlp_concise::build(&mlp_concise::Config::default(), &Device::Cpu).unwrap();
    bench_classifier(c, "mlp-concise", &concise, 0.1, &data);
    let dropout_net = dropout::build(
        &dropout::Config::default(),
        dropout::Variant::Scratch,
        &Device::Cpu,
    )
    .unwrap();
    bench_classifier(c, "dropout", &dropout_net, 0.5, &data);
}

fn regression(c: &mut Criterion) {
    let mut group = c.benchmark_group("regression");
    group.sample_size(10);
    let poly = model_selection::PolyData::generate(0, &Device::Cpu).unwrap();
    let cubic = model_selection::Fit {
        name: "normal".into(),
        num_features: 4,
        num_epochs: 400,
    };
    let config = model_selection::Config::default();
    group.bench_function("polynomial cubic, 400 epochs", |b| {
        b.iter(|| model_selection::train(&poly, &cubic, &config, &mut ()).unwrap())
    });
    let wd = weight_decay::Config::default();
    let wd_data = weight_decay::Data::generate(&wd, &Device::Cpu).unwrap();
    group.bench_function("weight decay scratch, 100 epochs", |b| {
        b.iter(|| {
            weight_decay::train(&wd_data, weight_decay::Variant::Scratch, 3.0, &wd, &mut ())
                .unwrap()
        })
    });
    group.finish();
}

fn activation_grads(c: &mut Criterion) {
    let x = activations::grid(&Device::Cpu).unwrap();
    let mut group = c.benchmark_group("activations");
    for act in [
        activations::Activation::Relu,
        activations::Activation::Sigmoid,
        activations::Activation::Tanh,
    ] {
        group.bench_function(
            format!("{} forward+backward, 160 points", act.name()),
            |b| b.iter(|| act.value_and_autograd(&x).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, classifiers, regression, activation_grads);
d2l_benches::bench_main!(benches);
