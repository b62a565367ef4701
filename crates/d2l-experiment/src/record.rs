//! `config.json`: what a run was asked to do and where it ran, so that any run folder can be
//! reproduced from its own record.

use serde::Serialize;

/// Where a run ran: device, threads, CPU model and versions.
#[derive(Clone, Debug, Serialize)]
pub struct Runtime {
    /// `cpu` (or `cuda` in a CUDA build).
    pub device: String,
    /// Threads for matrix products.
    pub threads: usize,
    /// The processor, as the operating system names it.
    pub cpu: String,
    /// The chapter crate's version (the workspace versions all its crates together).
    pub version: String,
}

impl Runtime {
    /// The facts of this process for a chapter of version `version`.
    pub fn new(device: &candle_core::Device, threads: usize, version: &str) -> Self {
        Self {
            device: if device.is_cuda() { "cuda" } else { "cpu" }.into(),
            threads,
            cpu: cpu_model(),
            version: version.into(),
        }
    }
}

/// The processor's model name (`model name` in `/proc/cpuinfo` on Linux), or the
/// architecture where the system does not say.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// The contents of `config.json`.
#[derive(Clone, Debug, Serialize)]
pub struct RunConfig<'a, C: Serialize> {
    /// The chapter crate, e.g. `mlp-scratch`.
    pub chapter: &'a str,
    /// The command-line arguments after the program name: what `--resume` runs again.
    pub argv: Vec<String>,
    /// Every hyperparameter and flag of the chapter, the seed included.
    pub config: &'a C,
    /// Device, threads, CPU, versions.
    pub runtime: Runtime,
}
