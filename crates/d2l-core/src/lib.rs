//! # d2l-core
//!
//! The shared core of d2l-rs: the helpers of the book's `d2l` package, rebuilt on candle and
//! used by every chapter crate. One module per concern:
//!
//! | module | the book's helpers |
//! |---|---|
//! | [`rng`] | seeded randomness (`torch.manual_seed`), tensor draws |
//! | [`data`] | `load_array`, `synthetic_data`, the `DataLoader` minibatch iterator |
//! | [`init`] | `normal_(std=0.01)`, PyTorch's default `nn.Linear` init, Xavier |
//! | [`loss`] | `CrossEntropyLoss(reduction='none')`, `squared_loss`, `MSELoss` |
//! | [`metrics`] | `Accumulator`, `accuracy`, `evaluate_accuracy`, `evaluate_loss` |
//! | [`optim`] | `sgd`, and the updater interface for candle-nn optimizers |
//! | [`train`] | `train_epoch_ch3`, `train_ch3` (NaN-checked) |
//! | [`animator`] | `Animator` for `train_ch3`: live figure + metrics file |
//! | [`progress`] | progress bars (plain lines off a terminal) |
//! | [`plot`] | `plot`, `show_images` (SVG and PNG) |
//! | [`report`] | the run record: config, metrics, summary, checkpoints, atomic writes |
//! | [`validate`] | hyperparameter checks with messages that state the rule |
//! | [`device`] | device and thread settings |
//! | [`error`] | the [`Error`] type |
//!
//! Crate naming: candle's crates.io name is `candle-core`, used here as `candle_core::…`
//! (candle's own examples rename it to `candle`).

pub mod animator;
pub mod classifier;
pub mod cli;
pub mod data;
pub mod device;
pub mod dropout;
pub mod error;
pub mod fused;
pub mod init;
pub mod linreg;
pub mod loss;
pub mod metrics;
pub mod optim;
pub mod plot;
pub mod progress;
pub mod report;
pub mod rng;
pub mod train;
pub mod validate;

pub use error::{Error, Result};
