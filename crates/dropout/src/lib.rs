//! # 4.6 Dropout
//!
//! Inverted dropout zeroes each hidden activation with probability p during training and
//! scales the survivors by 1/(1 − p), so the expected activation is unchanged; at test time it
//! does nothing. The book trains a 784-256-256-10 MLP with dropout 0.2 after the first hidden
//! layer and 0.5 after the second, lr 0.5, 10 epochs, batch 256, two ways:
//!
//! - **scratch**: the book's `Net`, calling [`dropout_layer`] after each hidden ReLU while
//!   training, with PyTorch's default initialisation U(±1/√fan_in);
//! - **concise**: the book's `Sequential` with `nn.Dropout` layers and N(0, 0.01²) weights.
//!   In training mode `nn.Dropout(p)` computes exactly `dropout_layer(X, p)` (candle-nn's own
//!   dropout cannot be seeded and refuses p = 1), so both variants run the same
//!   [`DropoutMlp::forward_all`] and differ only in their initialisation.
//!
//! Both compute their linear layers with d2l-core's `linear_layer`, which skips the gradient
//! of the input images.
//!
//! ```sh
//! cargo run --release -p dropout
//! ```
//!
//! ```
//! use dropout::{Config, Variant, run};
//! let data = fashion_mnist::FashionMnist::load(None, &candle_core::Device::Cpu).unwrap();
//! let config = Config { num_epochs: 2, ..Config::default() };
//! let (_net, summary) = run(&config, Variant::Scratch, &data, &mut ()).unwrap();
//! assert!(summary.test_acc > 0.7);
//! ```

pub mod exercises;
pub mod model;

use candle_core::Device;
use d2l_core::classifier::{Classifier, Summary};
use d2l_core::optim::{ParamGroup, Sgd};
use d2l_core::train::{Reporter, train_ch3};
use d2l_core::validate::{self, Validate};
use d2l_core::{Result, loss};
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

pub use d2l_core::dropout::dropout_layer;
pub use model::DropoutMlp;

/// Which of the book's two implementations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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

/// The experiment's hyperparameters. [`Config::BOOK`] (the `Default`) is the book's setup
/// (v0.17), and the fields are the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Config {
    /// Width of the first hidden layer.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_hiddens1))]
    pub num_hiddens1: usize,
    /// Width of the second hidden layer.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_hiddens2))]
    pub num_hiddens2: usize,
    /// Dropout after the first hidden layer.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.dropout1))]
    pub dropout1: f64,
    /// Dropout after the second hidden layer.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.dropout2))]
    pub dropout2: f64,
    /// Learning rate.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.lr))]
    pub lr: f64,
    /// Training epochs.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_epochs))]
    pub num_epochs: usize,
    /// Minibatch size.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.batch_size))]
    pub batch_size: usize,
    /// Seed for initialisation, shuffling and dropout masks.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
    /// Exercise 5: L2 weight decay λ on the three weight matrices (the biases are not
    /// decayed, as in section 4.5). The book's 0 is none.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.weight_decay))]
    pub weight_decay: f64,
    /// Exercise 6: drop individual weights of the two hidden layers (DropConnect, one mask
    /// per minibatch) at the rates --dropout1 and --dropout2, instead of their units.
    #[cfg_attr(feature = "cli", arg(long))]
    pub drop_weights: bool,
}

impl Config {
    /// The book's setup: 784-256-256-10, dropout 0.2 and 0.5, lr 0.5, 10 epochs, batch 256.
    pub const BOOK: Config = Config {
        num_hiddens1: 256,
        num_hiddens2: 256,
        dropout1: 0.2,
        dropout2: 0.5,
        lr: 0.5,
        num_epochs: 10,
        batch_size: 256,
        seed: 0,
        weight_decay: 0.0,
        drop_weights: false,
    };
}

impl Default for Config {
    fn default() -> Self {
        Self::BOOK
    }
}

impl Validate for Config {
    fn validate(&self) -> Result<()> {
        validate::positive_usize("num_hiddens1", self.num_hiddens1)?;
        validate::positive_usize("num_hiddens2", self.num_hiddens2)?;
        validate::probability("dropout1", self.dropout1)?;
        validate::probability("dropout2", self.dropout2)?;
        validate::positive_f64("lr", self.lr)?;
        validate::positive_usize("num_epochs", self.num_epochs)?;
        validate::positive_usize("batch_size", self.batch_size)?;
        validate::non_negative_f64("weight_decay", self.weight_decay)
    }

    fn memory_estimate(&self) -> u64 {
        let widths = [
            fashion_mnist::PIXELS,
            self.num_hiddens1,
            self.num_hiddens2,
            fashion_mnist::LABELS.len(),
        ];
        validate::mlp_memory(&widths, self.batch_size).saturating_add(fashion_mnist::MEMORY_BYTES)
    }
}

/// Builds the `variant` model of `config` from its seed, on `device`.
pub fn build(config: &Config, variant: Variant, device: &Device) -> Result<DropoutMlp> {
    config.validate()?;
    DropoutMlp::new(config, variant, device)
}

/// Trains the `variant` model of `config` on `data` with SGD (the book's `train_ch3`),
/// reporting to `reporter`, and returns it with the final numbers.
pub fn run<R: Reporter + ?Sized>(
    config: &Config,
    variant: Variant,
    data: &FashionMnist,
    reporter: &mut R,
) -> Result<(DropoutMlp, Summary)> {
    let net = build(config, variant, data.device())?;
    let (mut train_iter, mut test_iter) =
        data.loaders(config.batch_size, config.seed.wrapping_add(1))?;
    let mut sgd = optimizer(&net, config)?;
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

/// The book's `torch.optim.SGD(net.parameters(), lr=lr)`: in place, in one pass. With
/// exercise 5's `weight_decay`, the weights form a group decayed by λ and the biases one
/// without, as in section 4.5's concise version.
pub fn optimizer(net: &DropoutMlp, config: &Config) -> Result<Sgd> {
    if config.weight_decay == 0.0 {
        return Sgd::with_lr(net.parameters(), config.lr);
    }
    let (weights, biases): (Vec<_>, Vec<_>) = net
        .named_parameters()
        .into_iter()
        .partition(|(name, _)| name.ends_with(".weight"));
    let vars = |named: Vec<(String, candle_core::Var)>| named.into_iter().map(|(_, v)| v).collect();
    Sgd::with_groups(
        vec![
            ParamGroup::new(vars(weights), config.weight_decay),
            ParamGroup::new(vars(biases), 0.0),
        ],
        config.lr,
    )
}
