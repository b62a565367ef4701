//! Device and thread settings, recorded in every run's `config.json`.

use candle_core::Device;
use serde::Serialize;

/// The compute device: CUDA when built with a CUDA-enabled candle and a GPU is present,
/// otherwise the CPU.
pub fn default_device() -> Device {
    Device::cuda_if_available(0).unwrap_or(Device::Cpu)
}

/// Sets the number of CPU threads candle uses for matrix products (through rayon's
/// `RAYON_NUM_THREADS`, which candle reads). Call it before the first tensor operation.
/// `None` pins candle's default (the physical core count).
///
/// Pinning matters for speed, not only for control: when the variable is unset, candle
/// recomputes the physical core count, by parsing `/proc/cpuinfo`, on every matrix product.
pub fn set_threads(threads: Option<usize>) {
    let n = threads.unwrap_or_else(candle_core::utils::get_num_threads);
    // SAFETY: called at start-up, before any thread that reads the environment is spawned.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", n.to_string()) };
}

/// What a run record states about where it ran.
#[derive(Clone, Debug, Serialize)]
pub struct RuntimeInfo {
    /// `cpu` or `cuda`.
    pub device: String,
    /// Threads candle uses for matrix products.
    pub threads: usize,
    /// The d2l-core version.
    pub d2l_core_version: &'static str,
}

impl RuntimeInfo {
    /// The runtime facts for `device`.
    pub fn new(device: &Device) -> Self {
        let device = if device.is_cuda() { "cuda" } else { "cpu" }.to_string();
        Self {
            device,
            threads: candle_core::utils::get_num_threads(),
            d2l_core_version: env!("CARGO_PKG_VERSION"),
        }
    }
}
