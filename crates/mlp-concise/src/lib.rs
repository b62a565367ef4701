//! # 4.3 Concise implementation of multilayer perceptrons
//!
//! The same MLP as 4.2, built from candle-nn layers the way the book builds it from `torch.nn`:
//! `Sequential(Flatten, Linear(784, 256), ReLU, Linear(256, 10))`. As in the book's
//! `init_weights`, the weights are drawn from N(0, 0.01²) while the biases keep PyTorch's
//! default U(±1/√fan_in) (all from the seeded RNG, since candle's own initialisers cannot be
//! seeded and use Kaiming-normal weights). It trains with candle-nn's `SGD` at learning rate 0.1
//! for 10 epochs with batch 256 and reaches a test accuracy of about 0.84.
//!
//! ```sh
//! cargo run --release -p mlp-concise
//! ```
//!
//! From code, on a small configuration:
//!
//! ```
//! use mlp_concise::{Config, run};
//! use d2l_core::classifier::Recording;
//! let data = fashion_mnist::FashionMnist::load(None).unwrap();
//! let (_model, summary) = run(&Config { num_epochs: 2, ..Config::default() }, &data, Recording::default()).unwrap();
//! assert!(summary.test_acc > 0.7);
//! ```

pub mod model;

use candle_nn::Optimizer;
use d2l_core::classifier::{Classifier, Recording, Summary, fit};
use d2l_core::{Result, loss, rng, validate};
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

pub use model::MlpConcise;

/// The experiment's hyperparameters; `Default` is the book's setup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Width of each hidden layer (256).
    pub num_hiddens: usize,
    /// Number of hidden layers (1).
    pub num_layers: usize,
    /// Learning rate (0.1).
    pub lr: f64,
    /// Epochs (10).
    pub num_epochs: usize,
    /// Minibatch size (256).
    pub batch_size: usize,
    /// Standard deviation of the initial weights (0.01, the book's `init_weights`).
    pub sigma: f64,
    /// Seed for initialisation and shuffling.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            num_hiddens: 256,
            num_layers: 1,
            lr: 0.1,
            num_epochs: 10,
            batch_size: 256,
            sigma: 0.01,
            seed: 0,
        }
    }
}

impl Config {
    /// Checks every hyperparameter, with a message that states the broken rule.
    pub fn validate(&self) -> Result<()> {
        validate::positive_usize("num_hiddens", self.num_hiddens)?;
        validate::positive_usize("num_layers", self.num_layers)?;
        validate::positive_f64("lr", self.lr)?;
        validate::positive_usize("num_epochs", self.num_epochs)?;
        validate::positive_usize("batch_size", self.batch_size)?;
        validate::positive_f64("sigma", self.sigma)
    }

    /// The layer widths, input to output: `[784, hidden…, 10]`.
    pub fn widths(&self) -> Vec<usize> {
        fashion_mnist::mlp_widths(self.num_hiddens, self.num_layers)
    }
}

/// Builds the model of `config` from its seed.
pub fn build(config: &Config) -> Result<MlpConcise> {
    config.validate()?;
    MlpConcise::new(
        &config.widths(),
        config.sigma,
        &mut rng::seeded(config.seed),
    )
}

/// Trains the model of `config` on `data` with candle-nn's SGD (the book's `train_ch3`) and
/// returns it with the final numbers, recording the run where `recording` says.
pub fn run(
    config: &Config,
    data: &FashionMnist,
    recording: Recording<'_>,
) -> Result<(MlpConcise, Summary)> {
    let net = build(config)?;
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
