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
use d2l_kernels::scaled_update;

use crate::error::Result;

/// The book's `sgd(params, lr, batch_size)`: `p -= lr * grad / batch_size` for every parameter
/// that has a gradient in `grads`.
// ANCHOR: sgd
pub fn sgd(params: &[Var], grads: &GradStore, lr: f64, batch_size: usize) -> Result<()> {
    let scale = lr / batch_size as f64;
    for p in params {
        if let Some(g) = grads.get(p) {
            // p -= lr * g / batch_size, in place (see d2l_kernels::scaled_update)
            scaled_update(p, g, 1.0, -scale)?;
        }
    }
    Ok(())
}
// ANCHOR_END: sgd

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

/// A group of parameters sharing a weight decay (PyTorch's `{"params": …, "weight_decay": …}`).
#[derive(Clone, Debug)]
pub struct ParamGroup {
    /// The parameters, updated in this order.
    pub params: Vec<Var>,
    /// L2 weight decay λ: the update uses `grad + λ·w`.
    pub weight_decay: f64,
}

impl ParamGroup {
    /// A group with weight decay `weight_decay`.
    pub fn new(params: Vec<Var>, weight_decay: f64) -> Self {
        Self {
            params,
            weight_decay,
        }
    }
}

/// Settings of [`Sgd`] when built through candle-nn's `Optimizer::new` (one group).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Learning rate.
    pub lr: f64,
    /// Weight decay of the single group.
    pub weight_decay: f64,
}

/// Minibatch SGD with weight decay per parameter group, as `torch.optim.SGD` (without
/// momentum): `w ← w − lr·(∇w + λ_group·w)`. candle-nn's own `SGD` has no weight decay.
///
/// The book's concise weight decay decays the weight but not the bias:
///
/// ```
/// use candle_core::{Device, Var};
/// use d2l_core::optim::{ParamGroup, Sgd};
/// let w = Var::new(&[1f32, 2.], &Device::Cpu).unwrap();
/// let b = Var::new(&[1f32], &Device::Cpu).unwrap();
/// let sgd = Sgd::with_groups(vec![ParamGroup::new(vec![w], 3.0), ParamGroup::new(vec![b], 0.0)], 0.003).unwrap();
/// assert_eq!(sgd.groups().len(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct Sgd {
    groups: Vec<ParamGroup>,
    lr: f64,
}

impl Sgd {
    /// SGD over `groups` (updated in the order given) with learning rate `lr`.
    pub fn with_groups(groups: Vec<ParamGroup>, lr: f64) -> Result<Self> {
        crate::validate::positive_f64("lr", lr)?;
        for g in &groups {
            crate::validate::non_negative_f64("weight_decay", g.weight_decay)?;
        }
        Ok(Self { groups, lr })
    }

    /// The book's `torch.optim.SGD(params, lr=lr)`: one group, no weight decay.
    pub fn with_lr(params: Vec<Var>, lr: f64) -> Result<Self> {
        Self::with_groups(vec![ParamGroup::new(params, 0.0)], lr)
    }

    /// The parameter groups.
    pub fn groups(&self) -> &[ParamGroup] {
        &self.groups
    }
}

impl Optimizer for Sgd {
    type Config = SgdConfig;

    fn new(vars: Vec<Var>, config: SgdConfig) -> candle_core::Result<Self> {
        Self::with_groups(vec![ParamGroup::new(vars, config.weight_decay)], config.lr)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))
    }

    fn step(&mut self, grads: &GradStore) -> candle_core::Result<()> {
        for group in &self.groups {
            for p in &group.params {
                let Some(g) = grads.get(p) else { continue };
                // w - lr·(g + λw) = (1 - lr·λ)·w - lr·g
                scaled_update(p, g, 1.0 - self.lr * group.weight_decay, -self.lr)?;
            }
        }
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.lr = lr;
    }
}
