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
//! | [`linreg`] | `linreg`, `nn.Linear(d, 1, bias=False)` |
//! | [`loss`] | `CrossEntropyLoss(reduction='none')`, `squared_loss`, `MSELoss` |
//! | [`dropout`] | `dropout_layer`, a seeded dropout layer |
//! | [`metrics`] | `Accumulator`, `accuracy`, `evaluate_accuracy`, `evaluate_loss` |
//! | [`optim`] | `sgd`, `torch.optim.SGD` with per-group weight decay, the updater interface |
//! | [`train`] | `train_epoch_ch3`, `train_ch3` (divergence-checked), the regression loop |
//! | [`classifier`] | `train_ch3` with the run record, checkpoints, `predict_ch3` |
//! | [`animator`] | `Animator`: live figure and metrics file |
//! | [`progress`] | progress bars (plain lines off a terminal) |
//! | [`plot`] | `plot`, `show_images`, histograms (SVG and PNG) |
//! | [`report`] | the run folder: config, metrics, summary, checkpoints, atomic writes |
//! | [`fused`] | the fast path: a fused linear(+ReLU) op that can skip the data's gradient |
//! | [`validate`] | hyperparameter checks with messages that state the rule |
//! | [`device`] | device and thread settings |
//! | [`cli`] | shared flags, one-line errors and exit statuses for binaries |
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
