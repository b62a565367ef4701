//! `sgemm-peak [--threads N] [--size N]`: the sgemm rate of this machine, the best of 30
//! square f32 products with gemm's fastest kernels, as one JSON line. The compare script
//! divides each experiment's FLOPs by it for the FLOP floor.
//!
//! `sgemm-peak [--threads N] --width W`: each matrix product of a training step of the
//! scratch MLP 784-W-10 (batch 256) through `d2l_core::ops::linear`, as the step computes it,
//! the best of 30 each, one JSON line per product and one for the step's products together.
//!
//! `sgemm-peak --round-trip`: the cache-line round trip between two threads, in ns, as one
//! JSON line (how far apart the host has placed two vCPUs, which two-thread timings depend
//! on).

use std::time::Instant;

/// This binary allocates through mimalloc, as the chapter binaries do.
#[global_allocator]
static ALLOCATOR: d2l_benches::MiMalloc = d2l_benches::MiMalloc;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--round-trip") {
        let ns = d2l_benches::core_round_trip_ns(20_000);
        println!("{}", serde_json::json!({ "round_trip_ns": ns }));
        return;
    }
    let (mut threads, mut n, mut width) = (1, 1024, 0);
    d2l_benches::positive_flags(
        "sgemm-peak [--threads N] [--size N | --width W] | sgemm-peak --round-trip",
        &mut [
            ("--threads", &mut threads),
            ("--size", &mut n),
            ("--width", &mut width),
        ],
    );
    if width > 0 {
        // SAFETY: before any other thread exists (flags are parsed on this thread alone).
        unsafe { d2l_benches::set_threads(threads) };
        return d2l_benches::in_pool(threads, || step_products(width, threads));
    }
    let gflops = d2l_benches::sgemm_gflops(n, threads, 30);
    println!(
        "{}",
        serde_json::json!({ "threads": threads, "size": n, "gflops": gflops })
    );
}

/// Prints each product of the scratch step at `width`, then their sum, with GFLOP/s.
fn step_products(width: usize, threads: usize) {
    let (mut seconds, mut flops) = (0.0, 0.0);
    for (name, m, n, k) in products_of_step(width) {
        let s = linear_seconds((m, n, k), 30);
        let f = 2.0 * (m * n * k) as f64;
        (seconds, flops) = (seconds + s, flops + f);
        let shape = format!("{m}x{n}x{k}");
        println!(
            "{}",
            serde_json::json!({ "threads": threads, "product": name, "shape": shape,
                "us": s * 1e6, "gflops": f / s / 1e9 })
        );
    }
    println!(
        "{}",
        serde_json::json!({ "threads": threads, "product": "step", "width": width,
            "us": seconds * 1e6, "gflops": flops / seconds / 1e9 })
    );
}

/// The matrix products of one training step of the scratch MLP 784-`width`-10 on a batch of
/// 256, as `(name, m, n, k)`: the two layers' forward products, the weight gradients, and the
/// output layer's input gradient (the images need none).
fn products_of_step(width: usize) -> [(&'static str, usize, usize, usize); 5] {
    [
        ("X @ W1", 256, width, 784),
        ("H @ W2", 256, 10, width),
        ("dW1 = Xᵀ @ G1", 784, width, 256),
        ("dW2 = Hᵀ @ G2", width, 10, 256),
        ("dH = G2 @ W2ᵀ", 256, width, 10),
    ]
}

/// The seconds of one `(m × k) @ (k × n)` f32 product through `d2l_core::ops::linear` (the
/// path of every product of a training step, bias included), the best of `reps`, on the
/// threads of the current pool that `ops` allows.
fn linear_seconds((m, n, k): (usize, usize, usize), reps: usize) -> f64 {
    let d = candle_core::Device::Cpu;
    let x = candle_core::Tensor::ones((m, k), candle_core::DType::F32, &d).expect("x");
    let w = candle_core::Tensor::ones((k, n), candle_core::DType::F32, &d).expect("w");
    let b = candle_core::Tensor::zeros(n, candle_core::DType::F32, &d).expect("b");
    (0..reps.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(d2l_core::ops::linear(&x, &w, &b).expect("the product"));
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}
