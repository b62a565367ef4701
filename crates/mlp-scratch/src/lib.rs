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
//! use d2l_core::classifier::Recording;
//! let data = fashion_mnist::FashionMnist::load(None).unwrap();
//! let config = Config { num_epochs: 2, ..Config::default() };
//! let (_model, summary) = run(&config, &data, Recording::default()).unwrap();
//! assert!(summary.test_acc > 0.7);
//! ```

pub mod model;
pub mod sweep;

use candle_core::Var;
use candle_nn::Optimizer;
use clap::ValueEnum;
use d2l_core::classifier::{Recording, Summary, fit};
use d2l_core::optim::{ScratchSgd, Sgd, SgdConfig, Updater};
use d2l_core::{Result, loss, rng, validate};
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

pub use model::{MlpScratch, relu};

/// Which of the book's two updaters trains the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum UpdaterKind {
    /// The book's `torch.optim.SGD` in 4.2: [`d2l_core::optim::Sgd`], a candle-nn `Optimizer`
    /// stepping on the batch mean, updating the parameters in place.
    #[default]
    Optimizer,
    /// candle-nn's own `SGD` (the same update, through `Var::set`).
    CandleSgd,
    /// The book's from-scratch `sgd(params, lr, batch_size)` after `l.sum().backward()`.
    Scratch,
}

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
    /// Standard deviation of the initial weights (0.01).
    pub sigma: f64,
    /// The updater (candle-nn SGD, as the book's `torch.optim.SGD`).
    pub updater: UpdaterKind,
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
            updater: UpdaterKind::Optimizer,
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
pub fn build(config: &Config) -> Result<MlpScratch> {
    config.validate()?;
    let mut rng = rng::seeded(config.seed);
    MlpScratch::new(&config.widths(), config.sigma, &mut rng)
}

/// Trains the model of `config` on `data` (the book's `train_ch3`) and returns it with the
/// final numbers. With a run folder in `recording`, it writes the metrics, the training figure,
/// `summary.json` and `model.safetensors` there.
pub fn run(
    config: &Config,
    data: &FashionMnist,
    recording: Recording<'_>,
) -> Result<(MlpScratch, Summary)> {
    let net = build(config)?;
    // The shuffling RNG is seeded apart from the initialisation RNG.
    let (mut train_iter, mut test_iter) =
        data.loaders(config.batch_size, config.seed.wrapping_add(1))?;
    let params: Vec<Var> = d2l_core::classifier::Classifier::parameters(&net);
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
    let summary = fit(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::cross_entropy,
        config.num_epochs,
        updater.as_mut(),
        recording,
    )?;
    Ok((net, summary))
}
