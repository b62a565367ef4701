//! # 4.6 Dropout
//!
//! Inverted dropout zeroes each hidden activation with probability p during training and
//! scales the survivors by 1/(1 − p), so the expected activation is unchanged; at test time it
//! does nothing. The book trains a 784-256-256-10 MLP with dropout 0.2 after the first hidden
//! layer and 0.5 after the second, lr 0.5, 10 epochs, batch 256, two ways:
//!
//! - **scratch**: [`dropout_layer`] written out, linear layers with PyTorch's default
//!   initialisation U(±1/√fan_in), computed with d2l-core's fused linear op (the fast path);
//! - **concise**: candle-nn `Linear` layers with N(0, 0.01²) weights and a dropout layer.
//!   candle-nn's own `Dropout` draws from an unseeded RNG and refuses p = 1, so the layer is
//!   [`d2l_core::dropout::Dropout`]: the same inverted dropout, seeded, for p in [0, 1].
//!
//! ```sh
//! cargo run --release -p dropout
//! ```
//!
//! ```
//! use dropout::{Config, Variant, run};
//! use d2l_core::classifier::Recording;
//! let data = fashion_mnist::FashionMnist::load(None).unwrap();
//! let config = Config { num_epochs: 2, ..Config::default() };
//! let (_net, summary) = run(&config, Variant::Scratch, &data, Recording::default()).unwrap();
//! assert!(summary.test_acc > 0.7);
//! ```

pub mod exercises;
pub mod model;

use candle_nn::Optimizer;
use clap::ValueEnum;
use d2l_core::classifier::{Classifier, Recording, Summary, fit};
use d2l_core::{Result, loss, validate};
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

pub use d2l_core::dropout::dropout_layer;
pub use model::DropoutMlp;

/// Which of the book's two implementations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// Hand-written dropout, PyTorch-default linear init.
    Scratch,
    /// Dropout layers, N(0, 0.01²) weights.
    Concise,
}

impl Variant {
    /// `scratch` or `concise`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Scratch => "scratch",
            Variant::Concise => "concise",
        }
    }
}

/// The experiment's hyperparameters; `Default` is the book's (v0.17).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Width of the first hidden layer (256).
    pub num_hiddens1: usize,
    /// Width of the second hidden layer (256).
    pub num_hiddens2: usize,
    /// Dropout after the first hidden layer (0.2).
    pub dropout1: f64,
    /// Dropout after the second hidden layer (0.5).
    pub dropout2: f64,
    /// Learning rate (0.5).
    pub lr: f64,
    /// Epochs (10).
    pub num_epochs: usize,
    /// Minibatch size (256).
    pub batch_size: usize,
    /// Seed for initialisation, shuffling and dropout masks.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            num_hiddens1: 256,
            num_hiddens2: 256,
            dropout1: 0.2,
            dropout2: 0.5,
            lr: 0.5,
            num_epochs: 10,
            batch_size: 256,
            seed: 0,
        }
    }
}

impl Config {
    /// Checks every hyperparameter, with a message that states the broken rule.
    pub fn validate(&self) -> Result<()> {
        validate::positive_usize("num_hiddens1", self.num_hiddens1)?;
        validate::positive_usize("num_hiddens2", self.num_hiddens2)?;
        validate::probability("dropout1", self.dropout1)?;
        validate::probability("dropout2", self.dropout2)?;
        validate::positive_f64("lr", self.lr)?;
        validate::positive_usize("num_epochs", self.num_epochs)?;
        validate::positive_usize("batch_size", self.batch_size)
    }
}

/// Builds the `variant` model of `config` from its seed.
pub fn build(config: &Config, variant: Variant) -> Result<DropoutMlp> {
    config.validate()?;
    DropoutMlp::new(config, variant)
}

/// Trains the `variant` model of `config` on `data` with SGD (the book's `train_ch3`),
/// recording the run where `recording` says.
pub fn run(
    config: &Config,
    variant: Variant,
    data: &FashionMnist,
    recording: Recording<'_>,
) -> Result<(DropoutMlp, Summary)> {
    let net = build(config, variant)?;
    let (mut train_iter, mut test_iter) =
        data.loaders(config.batch_size, config.seed.wrapping_add(1))?;
    let mut sgd = candle_nn::SGD::new(net.parameters(), config.lr)?;
    let summary = fit(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::cross_entropy,
        config.num_epochs,
        &mut sgd,
        recording,
    )?;
    Ok((net, summary))
}
