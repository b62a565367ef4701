//! The plotting crate's error.

use std::path::PathBuf;

/// What can go wrong when a figure is drawn or saved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// plotters could not draw the figure.
    #[error("cannot draw figure {path}: {message}")]
    Draw {
        /// The figure's output path.
        path: PathBuf,
        /// What plotters reported.
        message: String,
    },
    /// Writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done: `cannot write`, ...
        action: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
