//! The section's settings: the training demo through both custom layers.

use d2l_core::Result;
use d2l_core::validate::{self, Validate};
use serde::{Deserialize, Serialize};

/// The training demo's settings. [`Config::BOOK`] (the `Default`) is this crate's demo, and
/// the fields are the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Config {
    /// Epochs of the training demo.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.epochs))]
    pub epochs: usize,
    /// Learning rate of the training demo.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.lr))]
    pub lr: f64,
    /// Seed for every random draw.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// 10 epochs at learning rate 0.01.
    pub const BOOK: Config = Config {
        epochs: 10,
        lr: 0.01,
        seed: 0,
    };
}

impl Default for Config {
    fn default() -> Self {
        Self::BOOK
    }
}

impl Validate for Config {
    fn validate(&self) -> Result<()> {
        validate::positive_usize("epochs", self.epochs)?;
        validate::positive_f64("lr", self.lr)
    }
}
