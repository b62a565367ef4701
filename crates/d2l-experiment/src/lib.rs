//! # d2l-experiment
//!
//! Running a d2l-rs chapter from the command line: the experiment harness that every chapter
//! binary goes through, kept apart from the book's library (`d2l-core`) so that course
//! material links the library without a command-line parser or a progress bar.
//!
//! | module | what it does |
//! |---|---|
//! | [`runner`] | the generic chapter `main`: flags, validation, threads, run folder, `config.json`, exit status |
//! | [`classifier`] | the Fashion-MNIST chapters: data, training with records, checkpoint, `--eval-only`, `predict_ch3` |
//! | [`args`] | the shared flags (`--threads`, `--device`, `--out`, `--quiet`) and the data flags |
//! | [`checkpoint`] | `model.safetensors`: parameters and the training state `--resume` continues from |
//! | [`run_dir`] | the run folder, its lock, and its atomic JSON, CSV and byte files |
//! | [`record`] | `config.json`: hyperparameters, device, threads, CPU, versions |
//! | [`display`] | how progress shows: the dashboard, plain lines, or nothing |
//! | [`dashboard`] | the live training dashboard in the terminal (ratatui) |
//! | [`progress`] | plain lines per epoch (and a bar on stderr when it is a terminal) |
//! | [`animator`] | the book's `Animator`: `metrics.csv` and the training figure after every epoch |
//! | [`memory`] | refuses a configuration that cannot fit in the memory available |
//! | [`exit`] | one-line errors and exit statuses |
//! | [`signals`] | Ctrl-C and SIGTERM stop a run after the current batch |

pub mod animator;
pub mod args;
pub mod checkpoint;
pub mod classifier;
pub mod dashboard;
pub mod display;
pub mod exit;
pub mod memory;
pub mod progress;
pub mod record;
pub mod run_dir;
pub mod runner;
pub mod signals;

pub use exit::InputError;
pub use run_dir::RunDir;
pub use runner::{Chapter, Run};

/// The allocator every chapter binary declares for itself (`#[global_allocator] static
/// ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;` in its `main.rs`):
/// mimalloc. The system allocator hands a training step's large buffers (activations and
/// gradients, fresh every step) back to the kernel and takes fresh pages for the next, a page
/// fault per 4 KiB: at width 4096 that was 1.6 million faults and 45 % of the first epoch.
/// This library installs no allocator itself: a program that links it chooses its own.
#[cfg(feature = "mimalloc")]
pub use mimalloc::MiMalloc;
