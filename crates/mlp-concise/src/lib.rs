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
//! let data = fashion_mnist::FashionMnist::load(None, &candle_core::Device::Cpu).unwrap();
//! let (_model, summary) = run(&Config { num_epochs: 2, ..Config::default() }, &data, &mut ()).unwrap();
//! assert!(summary.test_acc > 0.7);
//! ```

pub mod model;

use candle_core::Device;
use d2l_core::classifier::{Classifier, Summary};
use d2l_core::optim::Sgd;
use d2l_core::train::{Reporter, train_ch3};
use d2l_core::validate::{self, Validate};
use d2l_core::{Result, loss, rng};
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

pub use model::{Activation, Init, MlpConcise};

/// The experiment's hyperparameters. [`Config::BOOK`] (the `Default`) is the book's setup,
/// and the fields are the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Config {
    /// Width of each hidden layer.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_hiddens))]
    pub num_hiddens: usize,
    /// Number of hidden layers.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_layers))]
    pub num_layers: usize,
    /// Learning rate.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.lr))]
    pub lr: f64,
    /// Training epochs.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_epochs))]
    pub num_epochs: usize,
    /// Minibatch size.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.batch_size))]
    pub batch_size: usize,
    /// Standard deviation of the initial weights (the book's `init_weights`).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.sigma))]
    pub sigma: f64,
    /// The hidden layers' activation: relu (the book's), sigmoid or tanh.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Config::BOOK.activation))]
    pub activation: Activation,
    /// How the weights start: normal (N(0, sigma²), the book's), xavier or default (PyTorch's).
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Config::BOOK.init))]
    pub init: Init,
    /// Seed for initialisation and shuffling.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// The book's setup: 784-256-10, lr 0.1, 10 epochs, batch 256, σ 0.01, ReLU.
    pub const BOOK: Config = Config {
        num_hiddens: 256,
        num_layers: 1,
        lr: 0.1,
        num_epochs: 10,
        batch_size: 256,
        sigma: 0.01,
        activation: Activation::Relu,
        init: Init::Normal,
        seed: 0,
    };

    /// The layer widths, input to output: `[784, hidden…, 10]`.
    pub fn widths(&self) -> Vec<usize> {
        fashion_mnist::mlp_widths(self.num_hiddens, self.num_layers)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::BOOK
    }
}

impl Validate for Config {
    fn validate(&self) -> Result<()> {
        validate::positive_usize("num_hiddens", self.num_hiddens)?;
        validate::positive_usize("num_layers", self.num_layers)?;
        validate::positive_f64("lr", self.lr)?;
        validate::positive_usize("num_epochs", self.num_epochs)?;
        validate::positive_usize("batch_size", self.batch_size)?;
        validate::positive_f64("sigma", self.sigma)
    }

    fn memory_estimate(&self) -> u64 {
        let widths = fashion_mnist::mlp_widths(self.num_hiddens, self.num_layers);
        validate::mlp_memory(&widths, self.batch_size).saturating_add(fashion_mnist::MEMORY_BYTES)
    }
}

/// Builds the model of `config` from its seed, on `device`.
pub fn build(config: &Config, device: &Device) -> Result<MlpConcise> {
    config.validate()?;
    MlpConcise::with(
        &config.widths(),
        config.init,
        config.sigma,
        config.activation,
        &mut rng::seeded(config.seed),
        device,
    )
}

/// Trains the model of `config` on `data` with candle-nn's SGD (the book's `train_ch3`),
/// reporting to `reporter`, and returns it with the final numbers.
pub fn run<R: Reporter + ?Sized>(
    config: &Config,
    data: &FashionMnist,
    reporter: &mut R,
) -> Result<(MlpConcise, Summary)> {
    let net = build(config, data.device())?;
    let (mut train_iter, mut test_iter) =
        data.loaders(config.batch_size, config.seed.wrapping_add(1))?;
    // The book's `torch.optim.SGD(net.parameters(), lr=lr)`: in place, in one pass.
    let mut sgd = Sgd::with_lr(net.parameters(), config.lr)?;
    let history = train_ch3(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::cross_entropy,
        config.num_epochs,
        &mut sgd,
        reporter,
    )?;
    Ok((net, Summary::from_history(&history)?))
}
