//! # 4.7 Forward propagation, backward propagation and computational graphs
//!
//! The book's section has no code: it derives, for a one-hidden-layer network without biases
//! and with an L2 penalty, what autograd computes. This crate writes that derivation out and
//! checks it:
//!
//! - [`Net::forward`] is forward propagation, keeping every intermediate the backward pass
//!   needs: `z = W⁽¹⁾x`, `h = φ(z)`, `o = W⁽²⁾h`, `L = l(o, y)`,
//!   `s = λ/2 (‖W⁽¹⁾‖²_F + ‖W⁽²⁾‖²_F)` and `J = L + s`;
//! - [`Net::backward`] is backward propagation by hand, the chain rule from `J` down to the
//!   parameters: `∂J/∂W⁽²⁾ = (∂J/∂o) hᵀ + λW⁽²⁾`, `∂J/∂h = W⁽²⁾ᵀ ∂J/∂o`,
//!   `∂J/∂z = ∂J/∂h ⊙ φ′(z)`, `∂J/∂W⁽¹⁾ = (∂J/∂z) xᵀ + λW⁽¹⁾`;
//! - [`Net::autograd`] asks candle for the same gradients, and [`finite_difference`] nudges
//!   one weight at a time;
//! - [`graph::svg`] draws the computational graph.
//!
//! Here `φ` is ReLU and `l` the softmax cross-entropy, on a minibatch: the rows of `X` are
//! examples, so `Z = X W⁽¹⁾ᵀ`, `O = H W⁽²⁾ᵀ`, and `L` is the mean over the batch. The
//! exercise's hidden bias (not regularised) is [`Config::bias`].
//!
//! ```sh
//! cargo run --release -p backprop
//! ```
//!
//! ```
//! use backprop::{Config, Net, batch};
//! let config = Config::default();
//! let net = Net::new(&config, &candle_core::Device::Cpu).unwrap();
//! let (x, y) = batch(&config, &candle_core::Device::Cpu).unwrap();
//! let forward = net.forward(&x, &y).unwrap();
//! let by_hand = net.backward(&x, &y, &forward).unwrap();
//! let autograd = net.autograd(&x, &y).unwrap();
//! assert!(by_hand.max_difference(&autograd).unwrap() < 1e-6);
//! ```

pub mod graph;
pub mod memory;

use candle_core::{D, DType, Device, Tensor, Var};
use d2l_core::validate::{self, Validate};
use d2l_core::{Result, rng};
use serde::{Deserialize, Serialize};

/// The section's settings. [`Config::BOOK`] (the `Default`) is a small network on a random
/// minibatch, and the fields are the binary's flags, with the same names in `config.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct Config {
    /// Inputs per example (d).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_inputs))]
    pub num_inputs: usize,
    /// Hidden units (h).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_hiddens))]
    pub num_hiddens: usize,
    /// Outputs, one per class (q).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.num_outputs))]
    pub num_outputs: usize,
    /// Examples in the minibatch (n).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.batch_size))]
    pub batch_size: usize,
    /// The L2 penalty's λ.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.lambd))]
    pub lambd: f64,
    /// Add a hidden bias b⁽¹⁾ (not penalised): the section's second exercise.
    #[cfg_attr(feature = "cli", arg(long))]
    pub bias: bool,
    /// Seed for the weights and the minibatch.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = Config::BOOK.seed))]
    pub seed: u64,
}

impl Config {
    /// 20 inputs, 16 hidden units, 5 classes, a batch of 8, λ = 0.1, no bias.
    pub const BOOK: Config = Config {
        num_inputs: 20,
        num_hiddens: 16,
        num_outputs: 5,
        batch_size: 8,
        lambd: 0.1,
        bias: false,
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
        validate::positive_usize("num_inputs", self.num_inputs)?;
        validate::positive_usize("num_hiddens", self.num_hiddens)?;
        validate::positive_usize("num_outputs", self.num_outputs)?;
        validate::positive_usize("batch_size", self.batch_size)?;
        validate::non_negative_f64("lambd", self.lambd)
    }
}

/// A random minibatch for `config`: `X` `(n, d)` from N(0, 1), and labels `y` `(n,)` in
/// `0..q`, drawn from `seed + 1`.
pub fn batch(config: &Config, device: &Device) -> Result<(Tensor, Tensor)> {
    config.validate()?;
    let mut r = rng::seeded(config.seed.wrapping_add(1));
    let x = rng::normal(
        &mut r,
        (config.batch_size, config.num_inputs),
        0.0,
        1.0,
        device,
    )?;
    let labels: Vec<u32> = rng::permutation(&mut r, config.batch_size * config.num_outputs)
        .into_iter()
        .take(config.batch_size)
        .map(|i| i % config.num_outputs as u32)
        .collect();
    let y = Tensor::from_vec(labels, config.batch_size, device)?;
    Ok((x, y))
}

/// The section's network: `W⁽¹⁾` `(h, d)`, `W⁽²⁾` `(q, h)`, and with [`Config::bias`] a
/// hidden bias `b⁽¹⁾` `(h,)`.
#[derive(Clone, Debug)]
pub struct Net {
    /// `W⁽¹⁾`, `(h, d)`.
    pub w1: Var,
    /// `W⁽²⁾`, `(q, h)`.
    pub w2: Var,
    /// `b⁽¹⁾`, `(h,)`, when the network has one.
    pub b1: Option<Var>,
    /// The penalty's λ.
    pub lambd: f64,
}

/// Forward propagation's intermediates, kept for the backward pass.
#[derive(Clone, Debug)]
pub struct Forward {
    /// `Z = X W⁽¹⁾ᵀ (+ b⁽¹⁾)`, `(n, h)`.
    pub z: Tensor,
    /// `H = φ(Z)`, `(n, h)`.
    pub h: Tensor,
    /// `O = H W⁽²⁾ᵀ`, `(n, q)`.
    pub o: Tensor,
    /// The mean loss `L`.
    pub loss: f64,
    /// The penalty `s`.
    pub penalty: f64,
    /// The objective `J = L + s`.
    pub objective: f64,
}

/// The gradients of `J` with respect to the parameters.
#[derive(Clone, Debug)]
pub struct Gradients {
    /// `∂J/∂W⁽¹⁾`, `(h, d)`.
    pub w1: Tensor,
    /// `∂J/∂W⁽²⁾`, `(q, h)`.
    pub w2: Tensor,
    /// `∂J/∂b⁽¹⁾`, `(h,)`, when the network has a bias.
    pub b1: Option<Tensor>,
}

impl Gradients {
    /// The largest absolute difference between these gradients and `other`'s.
    pub fn max_difference(&self, other: &Gradients) -> Result<f64> {
        let diff = |a: &Tensor, b: &Tensor| -> Result<f64> {
            let d = (a - b)?.abs()?.max_all()?.to_dtype(DType::F64)?;
            Ok(d.to_scalar::<f64>()?)
        };
        let mut worst = diff(&self.w1, &other.w1)?.max(diff(&self.w2, &other.w2)?);
        if let (Some(a), Some(b)) = (&self.b1, &other.b1) {
            worst = worst.max(diff(a, b)?);
        }
        Ok(worst)
    }

    /// `(name, shape)` of each gradient, for the first exercise: every gradient has its
    /// parameter's shape, whatever the batch size.
    pub fn shapes(&self) -> Vec<(&'static str, Vec<usize>)> {
        let mut shapes = vec![
            ("dJ/dW1", self.w1.dims().to_vec()),
            ("dJ/dW2", self.w2.dims().to_vec()),
        ];
        if let Some(b) = &self.b1 {
            shapes.push(("dJ/db1", b.dims().to_vec()));
        }
        shapes
    }
}

/// A scalar tensor's value as f64.
fn scalar(t: &Tensor) -> Result<f64> {
    Ok(t.to_dtype(DType::F64)?.to_scalar::<f64>()?)
}

impl Net {
    /// The network of `config`, its weights N(0, 0.1²) from `seed` (and a zero bias), in f32
    /// on `device`.
    pub fn new(config: &Config, device: &Device) -> Result<Self> {
        config.validate()?;
        let mut r = rng::seeded(config.seed);
        let (d, h, q) = (config.num_inputs, config.num_hiddens, config.num_outputs);
        let w1 = Var::from_tensor(&rng::normal(&mut r, (h, d), 0.0, 0.1, device)?)?;
        let w2 = Var::from_tensor(&rng::normal(&mut r, (q, h), 0.0, 0.1, device)?)?;
        let b1 = match config.bias {
            true => Some(Var::zeros(h, DType::F32, device)?),
            false => None,
        };
        Ok(Self {
            w1,
            w2,
            b1,
            lambd: config.lambd,
        })
    }

    /// The same network with its parameters in `dtype` (f64 for finite differences).
    pub fn to_dtype(&self, dtype: DType) -> Result<Self> {
        let cast = |v: &Var| -> Result<Var> { Ok(Var::from_tensor(&v.to_dtype(dtype)?)?) };
        Ok(Self {
            w1: cast(&self.w1)?,
            w2: cast(&self.w2)?,
            b1: self.b1.as_ref().map(cast).transpose()?,
            lambd: self.lambd,
        })
    }

    /// The objective as a tensor, for autograd: forward propagation without keeping anything.
    fn objective(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let (_, _, _, _, j) = self.graph(x, y)?;
        Ok(j)
    }

    /// Forward propagation as tensors: `(z, h, o, s, J)`.
    // ANCHOR: forward
    #[allow(clippy::type_complexity)]
    fn graph(&self, x: &Tensor, y: &Tensor) -> Result<(Tensor, Tensor, Tensor, Tensor, Tensor)> {
        let (w1, w2) = (self.w1.as_tensor(), self.w2.as_tensor());
        // z = W1 x (+ b1), one row per example
        let mut z = x.matmul(&w1.t()?)?;
        if let Some(b1) = &self.b1 {
            z = z.broadcast_add(b1.as_tensor())?;
        }
        // h = φ(z)
        let h = z.relu()?;
        // o = W2 h
        let o = h.matmul(&w2.t()?)?;
        // L = l(o, y): the mean softmax cross-entropy over the batch
        let loss = candle_nn::loss::cross_entropy(&o, y)?;
        // s = λ/2 (‖W1‖²_F + ‖W2‖²_F)
        let s = ((w1.sqr()?.sum_all()? + w2.sqr()?.sum_all()?)? * (self.lambd / 2.0))?;
        // J = L + s
        let j = (loss + &s)?;
        Ok((z, h, o, s, j))
    }
    // ANCHOR_END: forward

    /// Forward propagation on the minibatch `x` `(n, d)` with labels `y` `(n,)`: every
    /// intermediate, and `L`, `s` and `J`.
    pub fn forward(&self, x: &Tensor, y: &Tensor) -> Result<Forward> {
        let (z, h, o, s, j) = self.graph(x, y)?;
        let (penalty, objective) = (scalar(&s)?, scalar(&j)?);
        Ok(Forward {
            loss: objective - penalty,
            penalty,
            objective,
            z: z.detach(),
            h: h.detach(),
            o: o.detach(),
        })
    }

    /// Backward propagation by hand, from the intermediates `f` that forward propagation
    /// kept: the chain rule from `J` down to each parameter.
    // ANCHOR: backward
    pub fn backward(&self, x: &Tensor, y: &Tensor, f: &Forward) -> Result<Gradients> {
        let (w1, w2) = (self.w1.as_tensor(), self.w2.as_tensor());
        let n = x.dim(0)? as f64;
        // ∂J/∂o = ∂L/∂o: softmax(o) − onehot(y), over n for the batch mean
        let onehot = candle_nn::encoding::one_hot(y.clone(), f.o.dim(1)?, 1f32, 0f32)?;
        let d_o = ((candle_nn::ops::softmax(&f.o, D::Minus1)? - onehot)? / n)?;
        // ∂J/∂W2 = (∂J/∂o) hᵀ + λ W2
        let d_w2 = (d_o.t()?.matmul(&f.h)? + (w2 * self.lambd)?)?;
        // ∂J/∂h = W2ᵀ ∂J/∂o
        let d_h = d_o.matmul(w2)?;
        // ∂J/∂z = ∂J/∂h ⊙ φ′(z), with φ′(z) = 1 where z > 0
        let d_z = (d_h * f.z.gt(0.0)?.to_dtype(f.z.dtype())?)?;
        // ∂J/∂W1 = (∂J/∂z) xᵀ + λ W1
        let d_w1 = (d_z.t()?.matmul(x)? + (w1 * self.lambd)?)?;
        // ∂J/∂b1 = ∂J/∂z summed over the batch (the bias is not penalised)
        let d_b1 = match self.b1 {
            Some(_) => Some(d_z.sum(0)?),
            None => None,
        };
        Ok(Gradients {
            w1: d_w1,
            w2: d_w2,
            b1: d_b1,
        })
    }
    // ANCHOR_END: backward

    /// The same gradients from candle's autograd: `J.backward()`.
    pub fn autograd(&self, x: &Tensor, y: &Tensor) -> Result<Gradients> {
        let grads = self.objective(x, y)?.backward()?;
        let get = |v: &Var| {
            grads
                .get(v)
                .cloned()
                .ok_or(d2l_core::Error::MissingParameter {
                    name: "a gradient of J".into(),
                })
        };
        Ok(Gradients {
            w1: get(&self.w1)?,
            w2: get(&self.w2)?,
            b1: self.b1.as_ref().map(get).transpose()?,
        })
    }
}

/// A parameter of [`Net`], for [`finite_difference`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `W⁽¹⁾`.
    W1,
    /// `W⁽²⁾`.
    W2,
    /// `b⁽¹⁾`.
    B1,
}

/// `∂J/∂θ` for entry `index` (row-major) of parameter `which`, by central differences:
/// `(J(θ + ε) − J(θ − ε)) / 2ε`. Run it on an f64 copy of the network
/// ([`Net::to_dtype`]): in f32 the difference of two nearly equal objectives loses most of
/// its digits.
pub fn finite_difference(
    net: &Net,
    x: &Tensor,
    y: &Tensor,
    which: Param,
    index: usize,
    eps: f64,
) -> Result<f64> {
    let var = match which {
        Param::W1 => &net.w1,
        Param::W2 => &net.w2,
        Param::B1 => net
            .b1
            .as_ref()
            .ok_or(d2l_core::Error::MissingParameter { name: "b1".into() })?,
    };
    let original = var.as_tensor().copy()?;
    let shape = original.shape().clone();
    let nudged = |delta: f64| -> Result<f64> {
        let mut values: Vec<f64> = original.flatten_all()?.to_dtype(DType::F64)?.to_vec1()?;
        values[index] += delta;
        let t = Tensor::from_vec(values, shape.clone(), original.device())?;
        var.set(&t.to_dtype(original.dtype())?)?;
        scalar(&net.objective(&x.to_dtype(original.dtype())?, y)?)
    };
    let (plus, minus) = (nudged(eps)?, nudged(-eps)?);
    var.set(&original)?;
    Ok((plus - minus) / (2.0 * eps))
}
