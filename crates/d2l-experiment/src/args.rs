//! The flags every chapter binary shares, and the data flags of the Fashion-MNIST chapters.
//! A chapter's own hyperparameters are its `Config`, which derives `clap::Args` itself, so
//! each flag's name, default, help text and `config.json` key are written once.

use std::path::PathBuf;

use clap::ValueEnum;
use serde::Serialize;

/// Where tensors live and compute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DeviceArg {
    /// The CPU (matrix products through gemm on `--threads` threads).
    #[default]
    Cpu,
}

impl DeviceArg {
    /// The candle device.
    pub fn device(self) -> candle_core::Device {
        match self {
            DeviceArg::Cpu => candle_core::Device::Cpu,
        }
    }
}

/// Flags of every chapter binary: threads, device, output folder, quiet.
#[derive(clap::Args, Clone, Debug, Serialize)]
pub struct CommonArgs {
    /// CPU threads for matrix products (default: the physical core count for Fashion-MNIST
    /// chapters, 1 for the small chapters, where threads cost more than they save).
    #[arg(long)]
    pub threads: Option<usize>,
    /// The device to compute on.
    #[arg(long, value_enum, default_value_t)]
    pub device: DeviceArg,
    /// Output folder (default: runs/CHAPTER/UTC-TIMESTAMP-PID/). A run creates it or takes
    /// it empty, and holds it locked while it runs.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Empty an existing --out folder first instead of refusing it.
    #[arg(long)]
    pub overwrite: bool,
    /// Continue the interrupted or killed training run in this folder from its last
    /// checkpoint, with the flags it was started with (to the same numbers, bit for bit).
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Print only the final summary, no progress.
    #[arg(long)]
    pub quiet: bool,
    /// Close the terminal dashboard when training ends instead of waiting for a key.
    #[arg(long)]
    pub no_wait: bool,
}

/// Flags of the Fashion-MNIST chapters: the data folder and checkpoint evaluation.
#[derive(clap::Args, Clone, Debug, Serialize)]
pub struct DataArgs {
    /// Folder with the Fashion-MNIST files, the only place looked (default: $D2L_DATA_DIR
    /// alone when set, else the workspace's datasets/fashion-mnist/, then
    /// /usr/share/datasets/fashion-mnist/).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Train on the first N training images only (the playground's subset; default: all).
    #[arg(long, value_name = "N")]
    pub train_examples: Option<usize>,
    /// A model.safetensors written by an earlier run (use with --eval-only).
    #[arg(long, requires = "eval_only")]
    pub checkpoint: Option<PathBuf>,
    /// Only evaluate --checkpoint: test accuracy and the predict view, no training.
    #[arg(long, requires = "checkpoint", conflicts_with = "resume")]
    pub eval_only: bool,
}
