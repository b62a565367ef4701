//! Exercise 7 of d2l 5.2 (4.8's setting): does the size of a square matrix product matter
//! beyond its FLOP count? Times candle's `A @ B` for n = 1024, 1025, 1026, 1028, 1032, then
//! prints the rate of each in GFLOP/s (2·n³ FLOPs per product) and this machine's peak sgemm
//! rate on the same threads.

use candle_core::{Device, Tensor};
use criterion::{BenchmarkId, Criterion, criterion_group};

const SIZES: [usize; 5] = [1024, 1025, 1026, 1028, 1032];

fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    group.sample_size(10);
    let mut r = d2l_core::rng::seeded(0);
    let mut rates = Vec::new();
    for n in SIZES {
        let a: Tensor = d2l_core::rng::normal(&mut r, (n, n), 0.0, 1.0, &Device::Cpu).unwrap();
        let b: Tensor = d2l_core::rng::normal(&mut r, (n, n), 0.0, 1.0, &Device::Cpu).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| {
            bench.iter(|| a.matmul(&b).unwrap())
        });
        // The rate, from the best of a few products timed the same way as the peak.
        let best = (0..10)
            .map(|_| {
                let start = std::time::Instant::now();
                std::hint::black_box(a.matmul(&b).unwrap());
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        rates.push((n, 2.0 * (n as f64).powi(3) / best / 1e9));
    }
    group.finish();
    let threads = d2l_core::ops::num_threads();
    for (n, gflops) in rates {
        println!("matmul/{n}: {gflops:.0} GFLOP/s on {threads} thread(s)");
    }
    let peak = d2l_benches::sgemm_gflops(1024, threads, 30);
    println!("sgemm peak (gemm, 1024³, best of 30): {peak:.0} GFLOP/s on {threads} thread(s)");
}

criterion_group!(benches, matmul);
d2l_benches::bench_main!(benches);
