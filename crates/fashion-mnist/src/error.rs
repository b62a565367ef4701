//! What can be wrong with the Fashion-MNIST files, one variant per problem, each naming the file.

use std::path::PathBuf;

/// An error reading Fashion-MNIST.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No directory holds the four files.
    #[error(
        "Fashion-MNIST not found. Looked for {files} in:\n{places}\n\
         Fix: run from a checkout of d2l-rs (the data is committed under datasets/fashion-mnist/), \
         pass --data-dir DIR or set D2L_DATA_DIR to a folder holding the four files, \
         or install Debian's copy with `apt-get install dataset-fashion-mnist`.",
        files = crate::locate::FILE_NAMES.map(|n| format!("{n}[.gz]")).join(", "),
        places = .searched.iter().map(|p| format!("  - {}", p.display())).collect::<Vec<_>>().join("\n")
    )]
    NotFound {
        /// Every directory that was searched, in order.
        searched: Vec<PathBuf>,
    },
    /// A data file's name holds something that is not a file.
    #[error(
        "{path} is {what}, not a data file: put the file itself there, or pass --data-dir \
         to a folder holding the four files"
    )]
    NotAFile {
        /// The data file's path.
        path: PathBuf,
        /// What is there instead (`a folder`, `a FIFO (named pipe)`, …).
        what: &'static str,
    },
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The gzip stream decompresses to far more than any Fashion-MNIST file.
    #[error(
        "{path} decompresses to more than {limit_mib} MiB, more than any Fashion-MNIST file: \
         it is not one; restore it from datasets/fashion-mnist/"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The most it may decompress to, in MiB.
        limit_mib: u64,
    },
    /// The gzip stream is damaged or cut short.
    #[error(
        "{path} is not a valid gzip file ({source}); the download may be truncated: restore it from datasets/fashion-mnist/"
    )]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What the decoder reported.
        source: std::io::Error,
    },
    /// The IDX magic number is not the expected one.
    #[error(
        "{path} is not an IDX {kind} file: magic number {found:#010x}, expected {expected:#010x}"
    )]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// `images` or `labels`.
        kind: &'static str,
        /// The magic number read.
        found: u32,
        /// The magic number expected.
        expected: u32,
    },
    /// The header's dimensions are not Fashion-MNIST's.
    #[error("{path}: images are {rows}x{cols}, expected 28x28")]
    BadDimensions {
        /// The file.
        path: PathBuf,
        /// Rows per image in the header.
        rows: usize,
        /// Columns per image in the header.
        cols: usize,
    },
    /// The payload length disagrees with the header (a truncated or padded file).
    #[error(
        "{path}: the header announces {count} items ({expected} bytes of data) but the file holds {found} bytes"
    )]
    Length {
        /// The file.
        path: PathBuf,
        /// Item count in the header.
        count: usize,
        /// Payload bytes the header implies.
        expected: usize,
        /// Payload bytes present.
        found: usize,
    },
    /// The file is shorter than its header.
    #[error("{path}: file too short for an IDX header ({found} bytes)")]
    TruncatedHeader {
        /// The file.
        path: PathBuf,
        /// Bytes present.
        found: usize,
    },
    /// A split holds no examples: nothing to train or test on.
    #[error("{path} holds no images: a split needs at least one example")]
    NoExamples {
        /// The image file.
        path: PathBuf,
    },
    /// Image and label files of one split disagree on the number of examples.
    #[error("{images} holds {n_images} images but {labels} holds {n_labels} labels")]
    CountMismatch {
        /// The image file.
        images: PathBuf,
        /// Its image count.
        n_images: usize,
        /// The label file.
        labels: PathBuf,
        /// Its label count.
        n_labels: usize,
    },
    /// A label is not one of the ten classes.
    #[error("{path}: label {label} at index {index} is not a class in 0..=9")]
    BadLabel {
        /// The file.
        path: PathBuf,
        /// Position of the bad label.
        index: usize,
        /// Its value.
        label: u8,
    },
    /// A file does not have the published SHA-256.
    #[error("{path}: SHA-256 is {found}, expected {expected}")]
    Checksum {
        /// The file.
        path: PathBuf,
        /// The published digest.
        expected: &'static str,
        /// The computed digest.
        found: String,
    },
    /// Building tensors failed.
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    /// An error from d2l-core (e.g. an invalid batch size).
    #[error(transparent)]
    Core(#[from] d2l_core::Error),
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
