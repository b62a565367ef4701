//! Exercise 7 of d2l 5.2 (4.8's setting): does the size of a square matrix product matter
//! beyond its FLOP count? Times `A @ B` for n = 1024, 1025, 1026, 1028, 1032 and reports
//! throughput in elements, so GFLOP/s = 2·n³ / time.

use candle_core::{Device, Tensor};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};

fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    group.sample_size(10);
    let mut r = d2l_core::rng::seeded(0);
    for n in [1024usize, 1025, 1026, 1028, 1032] {
        let a: Tensor = d2l_core::rng::normal(&mut r, (n, n), 0.0, 1.0, &Device::Cpu).unwrap();
        let b: Tensor = d2l_core::rng::normal(&mut r, (n, n), 0.0, 1.0, &Device::Cpu).unwrap();
        group.throughput(Throughput::Elements(2 * (n as u64).pow(3)));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| {
            bench.iter(|| a.matmul(&b).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, matmul);
d2l_benches::bench_main!(benches);
