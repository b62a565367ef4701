//! One error type for the whole core, so a binary can print a single clear line.

use std::path::PathBuf;

/// Everything that can go wrong in `d2l-core`.
///
/// Each variant's message says what happened and, where there is one, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A hyperparameter broke its rule, e.g. `dropout must be in [0, 1], got 1.5`.
    #[error("{name} must be {rule}, got {value}")]
    InvalidHyperparameter {
        /// The flag or field name, e.g. `lr`.
        name: &'static str,
        /// The rule it must satisfy, e.g. `a finite number > 0`.
        rule: &'static str,
        /// The offending value as the user gave it.
        value: String,
    },
    /// Two inputs that must agree do not (shapes, lengths, counts).
    #[error("{0}")]
    Mismatch(String),
    /// The loss became NaN, infinite or exploded: training diverged.
    #[error(
        "training diverged at epoch {epoch}, batch {batch}: the mean loss is {loss:.4e} \
         (NaN, infinite, or exploded). Try a smaller learning rate (this run used {lr})"
    )]
    Diverged {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// The batch's mean loss.
        loss: f64,
        /// The learning rate the run used.
        lr: f64,
    },
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing: `cannot write`, `cannot create directory`, ...
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying OS error.
        source: std::io::Error,
    },
    /// Drawing a figure failed.
    #[error("cannot draw figure {path}: {message}")]
    Plot {
        /// The figure's output path.
        path: PathBuf,
        /// What plotters reported.
        message: String,
    },
    /// JSON (de)serialisation failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// An error from candle (tensor shapes, dtypes, safetensors, ...).
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Wraps an I/O error with what was being done and to which path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// True for errors caused by the user's input (bad hyperparameters), which binaries
    /// report with exit status 2.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::InvalidHyperparameter { .. })
    }
}
