//! `step-windows [--threads N] [--windows W]`: the scratch MLP's training step (784-256-10,
//! batch 256: forward, cross-entropy, backward, SGD) timed in windows of 400 steps, each
//! after the cache-line round trip between two threads, one JSON line per window. On a
//! virtual machine it shows how the two-thread step follows where the host places the vCPUs
//! (`docs/src/performance.md`, "The machine").

use std::time::Instant;

use candle_core::{DType, Device, Tensor, Var};
use d2l_core::ops::{linear, maximum};

fn main() -> candle_core::Result<()> {
    let (mut threads, mut windows) = (2, 20);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--threads", Some(t)) if t > 0 => threads = t,
            ("--windows", Some(w)) if w > 0 => windows = w,
            _ => {
                eprintln!("usage: step-windows [--threads N] [--windows W]");
                std::process::exit(2);
            }
        }
    }
    d2l_experiment::runner::pin_threads(threads);
    d2l_benches::in_pool(threads, || {
        let d = Device::Cpu;
        let x = Tensor::randn(0f32, 1., (256, 784), &d)?;
        let y = Tensor::from_vec((0..256u32).map(|i| (i % 10) as u8).collect(), 256, &d)?;
        let w1 = Var::from_tensor(&(Tensor::randn(0f32, 1., (784, 256), &d)? * 0.01)?)?;
        let b1 = Var::zeros(256, DType::F32, &d)?;
        let w2 = Var::from_tensor(&(Tensor::randn(0f32, 1., (256, 10), &d)? * 0.01)?)?;
        let b2 = Var::zeros(10, DType::F32, &d)?;
        let params = [w1.clone(), b1.clone(), w2.clone(), b2.clone()];
        let step = || -> candle_core::Result<()> {
            let h = linear(&x, &w1, &b1)?;
            let h = maximum(&h, &h.zeros_like()?)?;
            let l = d2l_core::loss::cross_entropy(&linear(&h, &w2, &b2)?, &y)
                .map_err(candle_core::Error::wrap)?;
            let grads = l.sum_all()?.backward()?;
            // A zero learning rate keeps every window's work the same.
            d2l_core::optim::sgd(&params, &grads, 0.0, 256).map_err(candle_core::Error::wrap)
        };
        for _ in 0..windows {
            let round_trip = d2l_benches::core_round_trip_ns(3_000);
            for _ in 0..20 {
                step()?;
            }
            let start = Instant::now();
            for _ in 0..400 {
                step()?;
            }
            let us = start.elapsed().as_secs_f64() / 400.0 * 1e6;
            println!(
                "{}",
                serde_json::json!({ "threads": threads, "round_trip_ns": round_trip.round(), "step_us": (us * 10.0).round() / 10.0 })
            );
        }
        Ok(())
    })
}
