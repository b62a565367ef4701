//! Dropout with masks from the seeded RNG (candle's own `ops::dropout` cannot be seeded and
//! refuses p = 1).
//!
//! [`dropout_layer`] is the book's function: `p = 0` returns `X`, `p = 1` returns zeros, and
//! otherwise every entry is kept with probability `1 − p` and scaled by `1/(1 − p)`
//! ("inverted dropout"), so the expectation of the output equals `X`.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use d2l_core::{dropout::dropout_layer, rng};
//! let x = Tensor::arange(0f32, 16., &Device::Cpu).unwrap().reshape((2, 8)).unwrap();
//! let mut r = rng::seeded(0);
//! let y = dropout_layer(&x, 0.5, &mut r).unwrap().to_vec2::<f32>().unwrap();
//! // Every entry is either dropped or doubled.
//! for (row, orig) in y.iter().zip([[0f32, 1., 2., 3., 4., 5., 6., 7.], [8., 9., 10., 11., 12., 13., 14., 15.]]) {
//!     assert!(row.iter().zip(orig).all(|(v, o)| *v == 0.0 || *v == 2.0 * o));
//! }
//! ```

use std::sync::{Mutex, MutexGuard};

use candle_core::{ModuleT, Tensor};

use crate::error::{Error, Result};
use crate::ops;
use crate::rng::{self, Generators, RngState, SeededRng};
use crate::validate;

/// The book's `dropout_layer(X, dropout)`.
// ANCHOR: dropout_layer
pub fn dropout_layer(x: &Tensor, p: f64, rng: &mut SeededRng) -> Result<Tensor> {
    validate::probability("dropout", p)?;
    if p == 0.0 {
        return Ok(x.clone());
    }
    if p == 1.0 {
        return Ok(x.zeros_like()?);
    }
    let mask = rng::keep_mask(rng, x.shape(), 1.0 - p, x.device())?;
    // `mask * X / (1.0 - dropout)`, in one pass (see d2l_core::ops).
    Ok(ops::masked_scale(x, &mask, 1.0 / (1.0 - p))?)
}
// ANCHOR_END: dropout_layer

/// A dropout layer: [`dropout_layer`] in training mode, the identity in evaluation mode.
/// It owns its generator, so a model built from a seed drops the same units every run.
#[derive(Debug)]
pub struct Dropout {
    p: f64,
    rng: Mutex<SeededRng>,
}

impl Dropout {
    /// Dropout with probability `p` in [0, 1], masks drawn from a generator seeded by `seed`.
    pub fn new(p: f64, seed: u64) -> Result<Self> {
        validate::probability("dropout", p)?;
        Ok(Self {
            p,
            rng: Mutex::new(rng::seeded(seed)),
        })
    }

    /// The dropout probability.
    pub fn p(&self) -> f64 {
        self.p
    }
}

impl ModuleT for Dropout {
    fn forward_t(&self, xs: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        if !train {
            return Ok(xs.clone());
        }
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        dropout_layer(xs, self.p, &mut rng).map_err(|e| candle_core::Error::Msg(e.to_string()))
    }
}

/// The mask generators of a model with several dropout layers, one per layer, seeded apart
/// from the model's initialisation and the loader's shuffling (the book draws every mask
/// from PyTorch's one global generator): `generator(k)` is layer `k`'s, seeded with `seed +
/// 11 + k`. They are the model's [`Generators`], so a resumed run draws the same masks.
#[derive(Debug)]
pub struct Masks {
    layers: Vec<Mutex<SeededRng>>,
}

impl Masks {
    /// Generators for `layers` dropout layers of a model built from `seed`.
    pub fn new(seed: u64, layers: usize) -> Self {
        let layers = (0..layers as u64)
            .map(|k| Mutex::new(rng::seeded(seed.wrapping_add(11 + k))))
            .collect();
        Self { layers }
    }

    /// The generator of dropout layer `k` (0-based), for [`dropout_layer`].
    ///
    /// # Panics
    /// If `k` is not a layer of these masks.
    pub fn generator(&self, k: usize) -> MutexGuard<'_, SeededRng> {
        self.layers[k]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Generators for Masks {
    fn generator_states(&self) -> Vec<RngState> {
        (0..self.layers.len())
            .map(|k| RngState::of(&self.generator(k)))
            .collect()
    }

    fn restore_generators(&self, states: &[RngState]) -> Result<()> {
        if states.len() != self.layers.len() {
            return Err(Error::Resume(format!(
                "{} mask generator state(s) were saved, and this model has {}",
                states.len(),
                self.layers.len()
            )));
        }
        for (k, state) in states.iter().enumerate() {
            *self.generator(k) = state.restore();
        }
        Ok(())
    }
}
