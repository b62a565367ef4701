//! Updating parameters: the book's scratch `sgd`, and the [`Updater`] trait through which the
//! training loop drives either it or any candle-nn `Optimizer`, exactly as `train_epoch_ch3`
//! does:
//!
//! - a scratch updater gets `l.sum().backward()` and divides by the batch length itself;
//! - an `Optimizer` gets `l.mean().backward()` and steps.
//!
//! Both give the update `w -= lr * mean gradient`; the last short batch is divided by its own
//! length.

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use candle_nn::Optimizer;

use crate::error::Result;

/// The book's `sgd(params, lr, batch_size)`: `p -= lr * grad / batch_size` for every parameter
/// that has a gradient in `grads`.
pub fn sgd(params: &[Var], grads: &GradStore, lr: f64, batch_size: usize) -> Result<()> {
    let scale = lr / batch_size as f64;
    for p in params {
        if let Some(g) = grads.get(p) {
            p.set(&(p.as_tensor() - (g * scale)?)?)?;
        }
    }
    Ok(())
}

/// Something that turns a batch's per-example losses into a parameter update.
pub trait Updater {
    /// Back-propagates `per_example_loss` (shape `(N,)` or `(N, 1)`) and updates the parameters.
    fn update(&mut self, per_example_loss: &Tensor) -> Result<()>;
    /// The current learning rate (reported when a run diverges).
    fn learning_rate(&self) -> f64;
}

/// The book's from-scratch minibatch SGD over a fixed list of parameters.
#[derive(Clone, Debug)]
pub struct ScratchSgd {
    params: Vec<Var>,
    lr: f64,
}

impl ScratchSgd {
    /// SGD with learning rate `lr` over `params`.
    pub fn new(params: Vec<Var>, lr: f64) -> Self {
        Self { params, lr }
    }

    /// The parameters it updates.
    pub fn params(&self) -> &[Var] {
        &self.params
    }
}

impl Updater for ScratchSgd {
    fn update(&mut self, per_example_loss: &Tensor) -> Result<()> {
        let batch_size = per_example_loss.dim(0)?;
        let grads = per_example_loss.sum_all()?.backward()?;
        sgd(&self.params, &grads, self.lr, batch_size)
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Any candle-nn optimizer steps on the batch mean (`l.mean().backward(); step()`).
impl<O: Optimizer> Updater for O {
    fn update(&mut self, per_example_loss: &Tensor) -> Result<()> {
        Ok(self.backward_step(&per_example_loss.mean_all()?)?)
    }

    fn learning_rate(&self) -> f64 {
        Optimizer::learning_rate(self)
    }
}
