//! The section's settings: the exercises' activation parameters.

use d2l_core::Result;
use d2l_core::validate::{self, Validate};
use serde::{Deserialize, Serialize};

/// The exercises' parameters. [`Config::BOOK`] (the `Default`) is the book's, and the fields
/// are the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Config {
    /// pReLU's slope for negative inputs.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.prelu_alpha))]
    pub prelu_alpha: f64,
    /// Swish's β.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.swish_beta))]
    pub swish_beta: f64,
    /// Seed (this section draws nothing at random; recorded like every run's).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// pReLU with α = 0.1, Swish with β = 1 (the SiLU).
    pub const BOOK: Config = Config {
        prelu_alpha: 0.1,
        swish_beta: 1.0,
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
        validate::finite_f32("prelu_alpha", self.prelu_alpha)?;
        validate::finite_f32("swish_beta", self.swish_beta)
    }
}
