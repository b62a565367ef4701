//! # 4.5 Weight decay
//!
//! High-dimensional linear regression with far too little data: 200 inputs, 20 training
//! examples, `y = 0.05 + Σ 0.01·xᵢ + ε`. Without regularisation the model fits the 20 examples
//! exactly and fails on the test set; with an L2 penalty λ‖w‖²/2 the weights stay small and the
//! test loss drops by orders of magnitude. Two implementations, as in the book:
//!
//! - **scratch**: the penalty is added to the squared loss and the book's `sgd` updates `w`, `b`
//!   (w ~ N(0, 1), b = 0);
//! - **concise**: a linear layer (weight and bias ~ N(0, 1)) trained on the MSE by
//!   [`d2l_core::optim::Sgd`] with weight decay on the weight only, like
//!   `torch.optim.SGD([{"params": w, "weight_decay": wd}, {"params": b}])`.
//!
//! Defaults: λ ∈ {0, 3}, lr 0.003, 100 epochs, batch 5, losses recorded every 5 epochs.
//!
//! ```sh
//! cargo run --release -p weight-decay
//! ```
//!
//! ```
//! use weight_decay::{Config, Data, Variant, train};
//! let config = Config { num_epochs: 10, ..Config::default() };
//! let data = Data::generate(&config, &candle_core::Device::Cpu).unwrap();
//! let run = train(&data, Variant::Scratch, 3.0, &config, &mut ()).unwrap();
//! assert_eq!(run.records.len(), 2);
//! ```

pub mod sweep;

use candle_core::{Device, Module, Tensor, Var};
use d2l_core::data::{DataLoader, load_array, synthetic_data};
use d2l_core::linreg::linreg;
use d2l_core::optim::{ParamGroup, ScratchSgd, Sgd};
use d2l_core::train::{LossRecord, Reporter, train_regression};
use d2l_core::validate::{self, Validate};
use d2l_core::{Result, loss, rng};
use serde::{Deserialize, Serialize};

/// The regularisation penalty of the scratch variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Penalty {
    /// λ‖w‖²/2 (weight decay), the book's `l2_penalty`.
    L2,
    /// λ‖w‖₁ (exercise 3: the lasso), whose update pushes weights by a constant λ·lr·sign(w).
    L1,
}

/// Which implementation of the section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// Penalty in the loss, the book's scratch `sgd`.
    Scratch,
    /// Weight decay in the optimizer, on the weight only.
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

/// The section's settings. [`Config::BOOK`] (the `Default`) is the book's, and the fields are
/// the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Config {
    /// Training examples.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.n_train))]
    pub n_train: usize,
    /// Test examples.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.n_test))]
    pub n_test: usize,
    /// Input dimension.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_inputs))]
    pub num_inputs: usize,
    /// Minibatch size.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.batch_size))]
    pub batch_size: usize,
    /// Learning rate.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.lr))]
    pub lr: f64,
    /// Training epochs.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_epochs))]
    pub num_epochs: usize,
    /// The scratch variant's penalty: l2 (weight decay) or l1.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Config::BOOK.penalty))]
    pub penalty: Penalty,
    /// Seed for data, initialisation and shuffling.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// The book's settings: 20 training and 100 test examples of 200 inputs, batch 5,
    /// lr 0.003, 100 epochs, the L2 penalty.
    pub const BOOK: Config = Config {
        n_train: 20,
        n_test: 100,
        num_inputs: 200,
        batch_size: 5,
        lr: 0.003,
        num_epochs: 100,
        penalty: Penalty::L2,
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
        validate::positive_usize("n_train", self.n_train)?;
        validate::positive_usize("n_test", self.n_test)?;
        validate::positive_usize("num_inputs", self.num_inputs)?;
        validate::positive_usize("batch_size", self.batch_size)?;
        validate::positive_f64("lr", self.lr)?;
        validate::positive_usize("num_epochs", self.num_epochs)
    }

    /// Both sets' features and labels, three times over (the data, a batch gathered from it,
    /// the evaluation's products), and the model.
    fn memory_estimate(&self) -> u64 {
        let examples = (self.n_train as u64).saturating_add(self.n_test as u64);
        let values = examples.saturating_mul(self.num_inputs as u64 + 1);
        validate::f32_bytes(values.saturating_mul(3)).saturating_add(validate::mlp_memory(
            &[self.num_inputs, 1],
            self.batch_size.min(self.n_train),
        ))
    }
}

/// True weight of every input (0.01) and the true bias (0.05).
pub const TRUE_W: f32 = 0.01;
/// The true bias.
pub const TRUE_B: f32 = 0.05;

/// The synthetic training and test sets (`d2l.synthetic_data`).
#[derive(Clone, Debug)]
pub struct Data {
    /// Training features `(n_train, 200)` and labels `(n_train, 1)`.
    pub train: (Tensor, Tensor),
    /// Test features and labels.
    pub test: (Tensor, Tensor),
}

impl Data {
    /// Draws both sets from `config.seed`, on `device`.
    pub fn generate(config: &Config, device: &Device) -> Result<Self> {
        config.validate()?;
        let w = vec![TRUE_W; config.num_inputs];
        let mut r = rng::seeded(config.seed);
        let train = synthetic_data(&w, TRUE_B, config.n_train, &mut r, device)?;
        let test = synthetic_data(&w, TRUE_B, config.n_test, &mut r, device)?;
        Ok(Self { train, test })
    }

    fn loaders(&self, config: &Config) -> Result<(DataLoader, DataLoader)> {
        let (x, y) = self.train.clone();
        let train = load_array(x, y, config.batch_size, true, config.seed.wrapping_add(2))?;
        let (x, y) = self.test.clone();
        let test = load_array(x, y, config.batch_size, false, 0)?;
        Ok((train, test))
    }
}

/// What one run produced.
#[derive(Clone, Debug, Serialize)]
pub struct WeightDecayRun {
    /// Scratch or concise.
    pub variant: Variant,
    /// λ (the penalty's or the optimizer's weight decay).
    pub lambda: f64,
    /// ‖w‖₂ after training (the book prints it).
    pub w_l2_norm: f64,
    /// Train and test loss every 5 epochs (scratch: squared loss with ½; concise: MSE).
    pub records: Vec<LossRecord>,
    /// The trained weight as a column `(d, 1)`.
    #[serde(skip)]
    pub weight: Tensor,
    /// The trained bias `(1,)`.
    #[serde(skip)]
    pub bias: Tensor,
}

impl WeightDecayRun {
    /// The trained model's mean loss on `(x, y)`, with the loss its variant reports
    /// (scratch: squared loss with ½; concise: MSE).
    pub fn loss_on(&self, x: &Tensor, y: &Tensor) -> Result<f64> {
        let y_hat = linreg(x, &self.weight, &self.bias)?;
        let l = match self.variant {
            Variant::Scratch => loss::squared_loss(&y_hat, y)?,
            Variant::Concise => loss::squared_error(&y_hat, y)?,
        };
        Ok(l.mean_all()?.to_scalar::<f32>()? as f64)
    }
}

/// The L2 penalty ‖w‖²/2 (`l2_penalty`).
pub fn l2_penalty(w: &Tensor) -> candle_core::Result<Tensor> {
    w.sqr()?.sum_all()? / 2.0
}

/// The L1 penalty ‖w‖₁.
pub fn l1_penalty(w: &Tensor) -> candle_core::Result<Tensor> {
    w.abs()?.sum_all()
}

fn l2_norm(w: &Tensor) -> Result<f64> {
    Ok(w.sqr()?.sum_all()?.to_scalar::<f32>()?.sqrt() as f64)
}

/// Trains one variant with regularisation strength `lambda` on `data`, reporting the losses to
/// `reporter`.
pub fn train<R: Reporter + ?Sized>(
    data: &Data,
    variant: Variant,
    lambda: f64,
    config: &Config,
    reporter: &mut R,
) -> Result<WeightDecayRun> {
    config.validate()?;
    validate::non_negative_f64("lambda", lambda)?;
    let (mut train_iter, mut test_iter) = data.loaders(config)?;
    // The book records every 5 epochs; the last epoch is recorded too, so that a run of any
    // length ends on a record (the book's 100 epochs end on one anyway).
    let record = |epoch: usize| epoch % 5 == 0 || epoch == config.num_epochs;
    let mut init_rng = rng::seeded(config.seed.wrapping_add(1));
    let d = config.num_inputs;
    let device = data.train.0.device();
    let (records, w, b) = match variant {
        Variant::Scratch => {
            let w = Var::from_tensor(&rng::normal(&mut init_rng, (d, 1), 0.0, 1.0, device)?)?;
            let b = Var::zeros(1, candle_core::DType::F32, device)?;
            let net = |x: &Tensor| linreg(x, w.as_tensor(), b.as_tensor());
            let penalty = config.penalty;
            // ANCHOR: penalty_loss
            // The book adds λ·penalty(w) to every example's loss.
            let train_loss = |y_hat: &Tensor, y: &Tensor| -> Result<Tensor> {
                let p = match penalty {
                    Penalty::L2 => l2_penalty(w.as_tensor())?,
                    Penalty::L1 => l1_penalty(w.as_tensor())?,
                };
                Ok(loss::squared_loss(y_hat, y)?.broadcast_add(&(p * lambda)?)?)
            };
            // ANCHOR_END: penalty_loss
            let mut sgd = ScratchSgd::new(vec![w.clone(), b.clone()], config.lr);
            let records = train_regression(
                &net,
                &mut train_iter,
                &mut test_iter,
                &train_loss,
                &loss::squared_loss,
                config.num_epochs,
                record,
                &mut sgd,
                reporter,
            )?;
            (records, w.as_tensor().clone(), b.as_tensor().clone())
        }
        Variant::Concise => {
            let w = Var::from_tensor(&rng::normal(&mut init_rng, (1, d), 0.0, 1.0, device)?)?;
            let b = Var::from_tensor(&rng::normal(&mut init_rng, 1, 0.0, 1.0, device)?)?;
            let net = candle_nn::Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
            // ANCHOR: param_groups
            let groups = vec![
                ParamGroup::new(vec![w.clone()], lambda),
                ParamGroup::new(vec![b.clone()], 0.0),
            ];
            let mut sgd = Sgd::with_groups(groups, config.lr)?;
            // ANCHOR_END: param_groups
            let net = |x: &Tensor| net.forward(x);
            let records = train_regression(
                &net,
                &mut train_iter,
                &mut test_iter,
                &loss::squared_error,
                &loss::squared_error,
                config.num_epochs,
                record,
                &mut sgd,
                reporter,
            )?;
            (records, w.as_tensor().t()?, b.as_tensor().clone())
        }
    };
    let (weight, bias) = (w.copy()?, b.copy()?);
    Ok(WeightDecayRun {
        variant,
        lambda,
        w_l2_norm: l2_norm(&weight)?,
        records,
        weight,
        bias,
    })
}
