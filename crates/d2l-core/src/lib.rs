//! # d2l-core
//!
//! The helpers of the book's `d2l` package, rebuilt on candle: what the chapters' code calls
//! to load data, initialise, compute losses and metrics, update parameters and train. It
//! depends on candle, the fast operations of `d2l-kernels`, rand, serde, thiserror and
//! web-time only, so a course's own crate can link it without a command-line parser, a
//! terminal or a plotting library. Figures live in `d2l-plot`, and running an experiment
//! from the command line (flags, run folders, progress, checkpoints, resuming) in
//! `d2l-experiment`.
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
//! | [`classifier`] | named parameters (`state_dict`), the run summary, `predict_ch3` |
//! | [`ops`] | the fast operations of `d2l-kernels`: `X W + b` that skips the data's gradient, ReLU, `max`, dropout's masked scale |
//! | [`validate`] | hyperparameter checks with messages that state the rule |
//! | [`error`] | the [`Error`] type |
//!
//! Every function that creates tensors takes the [`Device`](candle_core::Device) to create
//! them on; nothing here assumes the CPU.
//!
//! Crate naming: candle's name on the crates registry is `candle-core`, used here as
//! `candle_core::…` (candle's own examples rename it to `candle`).

pub mod classifier;
pub mod data;
pub mod dropout;
pub mod error;
pub mod init;
pub mod linreg;
pub mod loss;
pub mod metrics;
pub mod optim;
pub mod rng;
pub mod train;
pub mod validate;

pub use error::{Error, Result};

/// The fast operations the book's code calls (`d2l_core::ops::linear` is `X @ W + b`): the
/// crate `d2l-kernels`, re-exported. Each falls back to candle's own composition on any
/// device or dtype its CPU kernel does not cover.
pub use d2l_kernels as ops;
