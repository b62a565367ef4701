//! `step-windows [--threads N] [--windows W]`: the scratch MLP's training step (the chapter's
//! own model and default updater on one Fashion-MNIST batch of 256: forward, cross-entropy,
//! backward, SGD) timed in windows of 400 steps, each after the cache-line round trip between
//! two threads, one JSON line per window. On a virtual machine it shows how the two-thread
//! step follows where the host places the vCPUs (`docs/src/performance.md`, "The machine").

use std::time::Instant;

use candle_core::{Device, ModuleT};
use candle_nn::Optimizer;
use d2l_core::classifier::Classifier;
use d2l_core::loss::cross_entropy;
use d2l_core::optim::{Sgd, SgdConfig, Updater};

/// This binary allocates through mimalloc, as the chapter binaries do.
#[global_allocator]
static ALLOCATOR: d2l_benches::MiMalloc = d2l_benches::MiMalloc;

fn main() -> anyhow::Result<()> {
    let (mut threads, mut windows) = (2, 20);
    d2l_benches::positive_flags(
        "step-windows [--threads N] [--windows W]",
        &mut [("--threads", &mut threads), ("--windows", &mut windows)],
    );
    // SAFETY: before any other thread exists (flags are parsed on this thread alone).
    unsafe { d2l_benches::set_threads(threads) };
    d2l_benches::in_pool(threads, || {
        let device = Device::Cpu;
        let config = mlp_scratch::Config::default();
        let data = fashion_mnist::FashionMnist::load(None, &device)?;
        let batch = data.loaders(256, 1)?.0.epoch().next().expect("a batch")?;
        let net = mlp_scratch::build(&config, &device)?;
        let sgd_config = SgdConfig {
            lr: config.lr,
            weight_decay: 0.0,
        };
        let mut sgd = Sgd::new(net.parameters(), sgd_config)?;
        let mut step = || -> anyhow::Result<()> {
            let l = cross_entropy(&net.forward_t(&batch.x, true)?, &batch.y)?;
            Ok(sgd.update(&l)?)
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
            let line = serde_json::json!({
                "threads": threads,
                "round_trip_ns": round_trip.round(),
                "step_us": (us * 10.0).round() / 10.0,
            });
            println!("{line}");
        }
        Ok(())
    })
}
