//! # 4.2 Implementation of multilayer perceptrons from scratch
//!
//! The book's first MLP, written out by hand: parameters are candle [`Var`]s, the weights are
//! drawn from N(0, 0.01²) (seeded), the biases start at zero, ReLU is `max(X, 0)`, and the loss
//! is the per-example cross-entropy. It trains with the book's `train_ch3` loop on the real
//! Fashion-MNIST: 784-256-10, batch 256, learning rate 0.1, 10 epochs, reaching a test accuracy
//! of about 0.85.
//!
//! ```sh
//! cargo run --release -p mlp-scratch             # the book's experiment
//! cargo run --release -p mlp-scratch -- --help   # every hyperparameter, sweeps, checkpoints
//! ```
//!
//! From code, on a small configuration (two epochs):
//!
//! ```
//! use mlp_scratch::{Config, run};
//! let data = fashion_mnist::FashionMnist::load(None, &candle_core::Device::Cpu).unwrap();
//! let config = Config { num_epochs: 2, ..Config::default() };
//! let (_model, summary) = run(&config, &data, &mut ()).unwrap();
//! assert!(summary.test_acc > 0.7);
//! ```

#[cfg(feature = "cli")]
pub mod cli;
pub mod model;
pub mod sweep;

use candle_core::{Device, Var};
use candle_nn::Optimizer;
use d2l_core::classifier::{Classifier, Summary};
use d2l_core::optim::{ScratchSgd, Sgd, SgdConfig, Updater};
use d2l_core::train::{Reporter, train_ch3};
use d2l_core::validate::{self, Validate};
use d2l_core::{Result, loss, rng};
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

pub use model::{MlpScratch, relu};

/// Which of the book's two updaters trains the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum UpdaterKind {
    /// The book's `torch.optim.SGD` in 4.2: [`d2l_core::optim::Sgd`], a candle-nn `Optimizer`
    /// stepping on the batch mean, updating the parameters in place (the default).
    Optimizer,
    /// candle-nn's own `SGD` (the same update, through `Var::set`).
    CandleSgd,
    /// The book's from-scratch `sgd(params, lr, batch_size)` after `l.sum().backward()`.
    Scratch,
}

/// The experiment's hyperparameters. [`Config::BOOK`] (the `Default`) is the book's setup,
/// and the fields are the binary's flags (`--num-hiddens 512`), with the same names in
/// `config.json`.
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
    /// Standard deviation of the initial weights.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.sigma))]
    pub sigma: f64,
    /// The updater: optimizer (the book's torch.optim.SGD), candle-sgd (candle-nn's SGD) or
    /// scratch (the book's sgd).
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Config::BOOK.updater))]
    pub updater: UpdaterKind,
    /// Seed for initialisation and shuffling.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// The book's setup: 784-256-10, lr 0.1, 10 epochs, batch 256, σ 0.01, `torch.optim.SGD`.
    pub const BOOK: Config = Config {
        num_hiddens: 256,
        num_layers: 1,
        lr: 0.1,
        num_epochs: 10,
        batch_size: 256,
        sigma: 0.01,
        updater: UpdaterKind::Optimizer,
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
pub fn build(config: &Config, device: &Device) -> Result<MlpScratch> {
    config.validate()?;
    let mut rng = rng::seeded(config.seed);
    MlpScratch::new(&config.widths(), config.sigma, &mut rng, device)
}

/// Trains the model of `config` on `data` (the book's `train_ch3`), reporting each batch and
/// epoch to `reporter`, and returns it with the final numbers.
pub fn run<R: Reporter + ?Sized>(
    config: &Config,
    data: &FashionMnist,
    reporter: &mut R,
) -> Result<(MlpScratch, Summary)> {
    let net = build(config, data.device())?;
    // The shuffling RNG is seeded apart from the initialisation RNG.
    let (mut train_iter, mut test_iter) =
        data.loaders(config.batch_size, config.seed.wrapping_add(1))?;
    let params: Vec<Var> = net.parameters();
    let mut updater: Box<dyn Updater> = match config.updater {
        UpdaterKind::Optimizer => {
            let sgd_config = SgdConfig {
                lr: config.lr,
                weight_decay: 0.0,
            };
            Box::new(Sgd::new(params, sgd_config)?)
        }
        UpdaterKind::CandleSgd => Box::new(candle_nn::SGD::new(params, config.lr)?),
        UpdaterKind::Scratch => Box::new(ScratchSgd::new(params, config.lr)),
    };
    let history = train_ch3(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::cross_entropy,
        config.num_epochs,
        updater.as_mut(),
        reporter,
    )?;
    Ok((net, Summary::from_history(&history)?))
}
