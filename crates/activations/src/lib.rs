//! # 4.1 Multilayer perceptrons: activation functions
//!
//! ReLU, sigmoid and tanh on the book's grid `arange(-8, 8, 0.1)` (160 points), with their
//! derivatives computed two ways: by candle's autograd (`y.backward()` on the sum, as the book
//! does with `y.backward(torch.ones_like(x))`) and by the closed forms
//! `sigmoid' = s(1 − s)`, `tanh' = 1 − tanh²`, `relu' = [x > 0]`. The exercises add pReLU and
//! Swish with their derivatives and the identity `tanh(x) + 1 = 2·sigmoid(2x)`.
//!
//! **ReLU at exactly 0.** The derivative does not exist there; the book's text and PyTorch
//! use 0. candle's autograd uses 1 (its mask is `x >= 0`). This crate's closed form
//! [`relu_grad`] follows the book (0 at 0), and the grid contains x = 0 exactly (index 80,
//! computed as −8 + 0.1·i), so the autograd curve differs from it at that one point; the tests
//! and [`Activation::Relu`]'s documentation say so.
//!
//! ```sh
//! cargo run --release -p activations
//! ```
//!
//! ```
//! use activations::{Activation, grid};
//! let x = grid(&candle_core::Device::Cpu).unwrap();
//! let (y, dy) = Activation::Sigmoid.value_and_autograd(&x).unwrap();
//! let peak = dy.max_all().unwrap().to_scalar::<f32>().unwrap();
//! assert!((peak - 0.25).abs() < 1e-6);
//! # let _ = y;
//! ```

pub mod config;

use candle_core::{DType, Device, Tensor, Var};
use d2l_core::Result;
use serde::Serialize;

pub use config::Config;

/// The book's grid `torch.arange(-8.0, 8.0, 0.1)`: 160 f32 points −8.0, −7.9, …, 7.9, on
/// `device`.
pub fn grid(device: &Device) -> Result<Tensor> {
    let xs: Vec<f32> = (0..160).map(|i| (-8.0 + 0.1 * i as f64) as f32).collect();
    Ok(Tensor::from_vec(xs, 160, device)?)
}

/// The activation functions of the section and its exercises.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Activation {
    /// `max(x, 0)`. Closed-form derivative 0 at x = 0 (the book's convention); candle's
    /// autograd gives 1 there.
    Relu,
    /// `1 / (1 + e^−x)`.
    Sigmoid,
    /// `(1 − e^−2x) / (1 + e^−2x)`.
    Tanh,
    /// `max(0, x) + α·min(0, x)` (parametric ReLU).
    Prelu {
        /// Slope for negative inputs.
        alpha: f64,
    },
    /// `x · sigmoid(βx)`.
    Swish {
        /// Sharpness β.
        beta: f64,
    },
}

impl Activation {
    /// The name used in figure labels and file names.
    pub fn name(&self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Prelu { .. } => "prelu",
            Activation::Swish { .. } => "swish",
        }
    }

    /// True for the functions with a kink at 0 (ReLU, pReLU), where the derivative is a
    /// convention rather than a number.
    pub fn kinked_at_zero(&self) -> bool {
        matches!(self, Activation::Relu | Activation::Prelu { .. })
    }

    /// The function, with candle ops (so autograd can differentiate it).
    pub fn apply(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match *self {
            Activation::Relu => x.relu(),
            Activation::Sigmoid => candle_nn::ops::sigmoid(x),
            Activation::Tanh => x.tanh(),
            Activation::Prelu { alpha } => x.relu()? + (x.minimum(0f32)? * alpha)?,
            Activation::Swish { beta } => x * candle_nn::ops::sigmoid(&(x * beta)?)?,
        }
    }

    /// The function's values and its derivative from candle's autograd, at every point of `x`.
    pub fn value_and_autograd(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let var = Var::from_tensor(x)?;
        let y = self.apply(var.as_tensor())?;
        let grads = y.sum_all()?.backward()?;
        let dy = grads
            .get(&var)
            .cloned()
            .unwrap_or(var.as_tensor().zeros_like()?);
        Ok((y.detach(), dy))
    }

    /// The derivative in closed form.
    // ANCHOR: closed_forms
    pub fn closed_form_grad(&self, x: &Tensor) -> Result<Tensor> {
        Ok(match *self {
            Activation::Relu => relu_grad(x)?,
            Activation::Sigmoid => {
                let s = candle_nn::ops::sigmoid(x)?;
                (&s * (1.0 - &s)?)?
            }
            Activation::Tanh => (1.0 - x.tanh()?.sqr()?)?,
            Activation::Prelu { alpha } => {
                let pos = x.gt(0f32)?.to_dtype(DType::F32)?;
                (&pos + ((1.0 - &pos)? * alpha)?)?
            }
            Activation::Swish { beta } => {
                let s = candle_nn::ops::sigmoid(&(x * beta)?)?;
                // d/dx x·σ(βx) = σ(βx) + βx·σ(βx)(1 − σ(βx))
                (&s + ((x * beta)? * &s)?.mul(&(1.0 - &s)?)?)?
            }
        })
    }
    // ANCHOR_END: closed_forms

    /// The derivative by central finite differences in f64, step `h`.
    pub fn finite_difference(&self, x: &Tensor, h: f64) -> Result<Vec<f64>> {
        let xs: Vec<f32> = x.to_vec1()?;
        let f = |v: f64| self.scalar(v);
        Ok(xs
            .iter()
            .map(|&v| (f(v as f64 + h) - f(v as f64 - h)) / (2.0 * h))
            .collect())
    }

    /// The function of one f64 value (for finite differences).
    pub fn scalar(&self, x: f64) -> f64 {
        let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
        match *self {
            Activation::Relu => x.max(0.0),
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => x.tanh(),
            Activation::Prelu { alpha } => x.max(0.0) + alpha * x.min(0.0),
            Activation::Swish { beta } => x * sigmoid(beta * x),
        }
    }
}

/// ReLU's derivative with the book's convention: 1 for x > 0, 0 for x ≤ 0.
pub fn relu_grad(x: &Tensor) -> candle_core::Result<Tensor> {
    x.gt(0f32)?.to_dtype(DType::F32)
}

/// The exercise identity `tanh(x) + 1 = 2·sigmoid(2x)`: the largest absolute difference of the
/// two sides on `x`.
pub fn tanh_sigmoid_identity_gap(x: &Tensor) -> Result<f32> {
    let lhs = (x.tanh()? + 1.0)?;
    let rhs = (candle_nn::ops::sigmoid(&(x * 2.0)?)? * 2.0)?;
    Ok((lhs - rhs)?.abs()?.max_all()?.to_scalar()?)
}

/// The largest absolute difference between two tensors.
pub fn max_abs_diff(a: &Tensor, b: &Tensor) -> Result<f32> {
    Ok((a - b)?.abs()?.max_all()?.to_scalar()?)
}

/// The largest absolute difference between two gradients over the points of `x`, leaving out
/// x = 0 when `act` has a kink there.
pub fn grad_gap(act: &Activation, x: &Tensor, a: &Tensor, b: &Tensor) -> Result<f32> {
    let xs: Vec<f32> = x.to_vec1()?;
    let (a, b): (Vec<f32>, Vec<f32>) = (a.to_vec1()?, b.to_vec1()?);
    Ok(xs
        .iter()
        .zip(a.iter().zip(&b))
        .filter(|(x, _)| !(act.kinked_at_zero() && **x == 0.0))
        .map(|(_, (p, q))| (p - q).abs())
        .fold(0.0, f32::max))
}

/// One activation's row of the section's check table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// The activation's name.
    pub activation: &'static str,
    /// The largest gradient on the grid (autograd).
    pub grad_max: f32,
    /// Where on the grid it is reached.
    pub grad_argmax_x: f32,
    /// Largest |autograd − closed form| (away from a kink at 0).
    pub autograd_vs_closed_form: f32,
    /// Largest |closed form − central finite difference| (away from 0).
    pub closed_form_vs_finite_difference: f64,
}

/// Checks `act`'s gradient on the grid `x`: its maximum, and its agreement between candle's
/// autograd, the closed form and finite differences.
pub fn check(act: &Activation, x: &Tensor) -> Result<Check> {
    let xs: Vec<f32> = x.to_vec1()?;
    let (_, dy) = act.value_and_autograd(x)?;
    let closed = act.closed_form_grad(x)?;
    let fd = act.finite_difference(x, 1e-4)?;
    let closed_v: Vec<f32> = closed.to_vec1()?;
    // Finite differences are meaningless at ReLU-type kinks; skip x = 0 for them.
    let fd_gap = xs
        .iter()
        .zip(closed_v.iter().zip(&fd))
        .filter(|(x, _)| x.abs() > 1e-3)
        .map(|(_, (c, f))| (*c as f64 - f).abs())
        .fold(0.0, f64::max);
    let dyv: Vec<f32> = dy.to_vec1()?;
    let (i_max, grad_max) = dyv
        .iter()
        .copied()
        .enumerate()
        .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
    Ok(Check {
        activation: act.name(),
        grad_max,
        grad_argmax_x: xs[i_max],
        autograd_vs_closed_form: grad_gap(act, x, &dy, &closed)?,
        closed_form_vs_finite_difference: fd_gap,
    })
}
