//! The section's settings: the sizes of its demos.

use d2l_core::Result;
use d2l_core::validate::{self, Validate};
use serde::{Deserialize, Serialize};

/// The demos' sizes. [`Config::BOOK`] (the `Default`) is the book's, and the fields are the
/// binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Config {
    /// Matrix multiplications in the exploding-product demo.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.steps))]
    pub steps: usize,
    /// Seeds for the histogram of the product's size.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.histogram_seeds))]
    pub histogram_seeds: u64,
    /// Depth of the network in the variance-per-layer demo.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.depth))]
    pub depth: usize,
    /// Width of its layers.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.width))]
    pub width: usize,
    /// Hidden units of the symmetry demo.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.hidden))]
    pub hidden: usize,
    /// Dropout probability that breaks the symmetry.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.dropout))]
    pub dropout: f64,
    /// Seed for every random draw.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// 100 products of 4×4 matrices (1000 seeds for the spread), a 10-layer net of width 256,
    /// 4 hidden units with dropout 0.5 for the symmetry demo.
    pub const BOOK: Config = Config {
        steps: 100,
        histogram_seeds: 1000,
        depth: 10,
        width: 256,
        hidden: 4,
        dropout: 0.5,
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
        validate::positive_usize("steps", self.steps)?;
        validate::positive_usize("histogram_seeds", self.histogram_seeds as usize)?;
        validate::positive_usize("depth", self.depth)?;
        validate::positive_usize("width", self.width)?;
        validate::positive_usize("hidden", self.hidden)?;
        validate::probability("dropout", self.dropout)
    }

    /// The variance demo's `width × width` weights and 512-row activations, and the symmetry
    /// demo's net (`hidden` units, well under 64 values each).
    fn memory_estimate(&self) -> u64 {
        let width = self.width as u64;
        validate::f32_bytes(
            width
                .saturating_mul(width)
                .saturating_mul(3)
                .saturating_add(width.saturating_mul(512 * 3))
                .saturating_add((self.hidden as u64).saturating_mul(64)),
        )
    }
}
