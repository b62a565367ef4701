//! # 4.4 Model selection, underfitting, and overfitting
//!
//! Polynomial regression on the book's synthetic data: `y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε`
//! with ε ~ N(0, 0.1²), 100 training and 100 test examples, features `xⁱ/i!` for i < 20.
//! Fitting the first 4 features recovers the cubic (normal fit), the first 2 cannot (underfit),
//! and all 20 features over 1500 epochs fit the noise (overfit). Each fit is a bias-free linear
//! layer with PyTorch's default initialisation, trained by minibatch SGD (batch 10, lr 0.01) on
//! the mean squared error (no ½), with train and test loss recorded at epoch 1 and every 20.
//!
//! ```sh
//! cargo run --release -p model-selection
//! ```
//!
//! ```
//! use model_selection::{Config, Fit, PolyData, train};
//! let data = PolyData::generate(0, &candle_core::Device::Cpu).unwrap();
//! let fit = Fit { name: "normal".into(), num_features: 4, num_epochs: 50 };
//! let run = train(&data, &fit, &Config::default(), &mut ()).unwrap();
//! assert_eq!(run.weights.len(), 4);
//! assert!(run.records.last().unwrap().train_loss < run.records[0].train_loss);
//! ```

pub mod closed_form;
pub mod data;
pub mod exercises;

use candle_nn::Optimizer;
use d2l_core::data::load_array;
use d2l_core::linreg::LinearNoBias;
use d2l_core::train::{LossRecord, Reporter, train_regression};
use d2l_core::validate::{self, Validate};
use d2l_core::{Result, loss, rng};
use serde::{Deserialize, Serialize};

pub use data::{MAX_DEGREE, PolyData, TRUE_W};

/// The optimisation settings shared by every fit. [`Config::BOOK`] (the `Default`) is the
/// book's, and the fields are the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Config {
    /// Learning rate.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.lr))]
    pub lr: f64,
    /// Minibatch size (the book uses min(10, n_train)).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.batch_size))]
    pub batch_size: usize,
    /// Seed for the data, the initial weights and the shuffling.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// The book's settings: lr 0.01, batch 10.
    pub const BOOK: Config = Config {
        lr: 0.01,
        batch_size: 10,
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
        validate::positive_f64("lr", self.lr)?;
        validate::positive_usize("batch_size", self.batch_size)
    }
}

/// Epochs of the book's normal and underfit fits.
pub const EPOCHS: usize = 400;
/// Epochs of the book's overfit fit.
pub const OVERFIT_EPOCHS: usize = 1500;

/// One of the book's fits: how many leading features and how many epochs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// `normal`, `underfit`, `overfit`, …
    pub name: String,
    /// The first `num_features` polynomial features are used.
    pub num_features: usize,
    /// Training epochs.
    pub num_epochs: usize,
}

impl Fit {
    /// The book's three fits: normal (4 features, 400 epochs), underfit (2, 400), overfit (20, 1500).
    pub fn book() -> Vec<Fit> {
        vec![
            Fit {
                name: "normal".into(),
                num_features: 4,
                num_epochs: EPOCHS,
            },
            Fit {
                name: "underfit".into(),
                num_features: 2,
                num_epochs: EPOCHS,
            },
            Fit {
                name: "overfit".into(),
                num_features: MAX_DEGREE,
                num_epochs: OVERFIT_EPOCHS,
            },
        ]
    }

    /// Checks the fit against the data's width.
    pub fn validate(&self) -> Result<()> {
        validate::positive_usize("num_features", self.num_features)?;
        validate::positive_usize("num_epochs", self.num_epochs)?;
        if self.num_features > MAX_DEGREE {
            return Err(d2l_core::Error::InvalidHyperparameter {
                name: "num_features",
                rule: "at most 20 (the data has 20 polynomial features)",
                value: self.num_features.to_string(),
            });
        }
        Ok(())
    }
}

/// What one fit produced.
#[derive(Clone, Debug, Serialize)]
pub struct FitResult {
    /// The fit.
    pub fit: Fit,
    /// The learned weights (the book prints them).
    pub weights: Vec<f32>,
    /// Train/test loss at epoch 1 and every 20 epochs.
    pub records: Vec<LossRecord>,
}

/// The book's `train`: fits the first `fit.num_features` features of `data` and records the
/// losses at epoch 1 and every 20 epochs, reporting them to `reporter`. `config.seed` draws the
/// initial weights and the shuffling.
pub fn train<R: Reporter + ?Sized>(
    data: &PolyData,
    fit: &Fit,
    config: &Config,
    reporter: &mut R,
) -> Result<FitResult> {
    fit.validate()?;
    config.validate()?;
    let seed = config.seed;
    let d = fit.num_features;
    let (train_x, test_x) = (data.train_features(d)?, data.test_features(d)?);
    let n_train = train_x.dim(0)?;
    let batch_size = config.batch_size.min(n_train);
    let mut train_iter = load_array(
        train_x,
        data.train_labels.clone(),
        batch_size,
        true,
        seed.wrapping_add(1),
    )?;
    let mut test_iter = load_array(test_x, data.test_labels.clone(), batch_size, false, 0)?;
    // ANCHOR: train
    let net = LinearNoBias::new(d, &mut rng::seeded(seed), data.train_labels.device())?;
    let mut sgd = candle_nn::SGD::new(vec![net.weight.clone()], config.lr)?;
    let records = train_regression(
        &net,
        &mut train_iter,
        &mut test_iter,
        &loss::squared_error,
        &loss::squared_error,
        fit.num_epochs,
        |epoch| epoch == 1 || epoch % 20 == 0,
        &mut sgd,
        reporter,
    )?;
    // ANCHOR_END: train
    Ok(FitResult {
        fit: fit.clone(),
        weights: net.weights()?,
        records,
    })
}
