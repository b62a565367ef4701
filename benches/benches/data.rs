//! Loading and batching Fashion-MNIST.

use criterion::{Criterion, criterion_group};
use fashion_mnist::{FashionMnist, locate};

fn data(c: &mut Criterion) {
    let dir = locate::find_data_dir(None).expect("Fashion-MNIST is committed under datasets/");
    let mut group = c.benchmark_group("data");
    group.sample_size(10);
    group.bench_function("decode both splits (gz IDX -> f32 tensors)", |b| {
        b.iter(|| FashionMnist::load_from(&dir, &candle_core::Device::Cpu).unwrap())
    });
    let d = FashionMnist::load_from(&dir, &candle_core::Device::Cpu).unwrap();
    let (mut train, _) = d.loaders(256, 0).unwrap();
    group.bench_function("one shuffled epoch of 235 batches of 256", |b| {
        b.iter(|| train.epoch().map(|b| b.unwrap().len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, data);
d2l_benches::bench_main!(benches);
