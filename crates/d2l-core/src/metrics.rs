//! Counting what the book counts: an [`Accumulator`] of running sums, the number of correct
//! predictions, and the two evaluation passes `evaluate_accuracy` and `evaluate_loss`.
//!
//! ```
//! use d2l_core::metrics::Accumulator;
//! let mut acc = Accumulator::new(2);
//! acc.add(&[3.0, 4.0]);
//! acc.add(&[1.0, 4.0]);
//! assert_eq!(acc[0] / acc[1], 0.5);
//! ```

use candle_core::{D, DType, ModuleT, Tensor};

use crate::data::DataLoader;
use crate::error::Result;

/// `n` running sums in f64 (the book's `Accumulator`).
#[derive(Clone, Debug, PartialEq)]
pub struct Accumulator {
    sums: Vec<f64>,
}

impl Accumulator {
    /// `n` sums, all zero.
    pub fn new(n: usize) -> Self {
        Self { sums: vec![0.0; n] }
    }

    /// Adds `values[i]` to sum `i`. Panics if the lengths differ (a programming error).
    pub fn add(&mut self, values: &[f64]) {
        assert_eq!(
            values.len(),
            self.sums.len(),
            "Accumulator::add: wrong number of values"
        );
        for (s, v) in self.sums.iter_mut().zip(values) {
            *s += v;
        }
    }

    /// Sets every sum back to zero.
    pub fn reset(&mut self) {
        self.sums.iter_mut().for_each(|s| *s = 0.0);
    }
}

impl std::ops::Index<usize> for Accumulator {
    type Output = f64;
    fn index(&self, i: usize) -> &f64 {
        &self.sums[i]
    }
}

/// The number of correct predictions (the book's `accuracy`, which returns a count).
///
/// `y_hat` of shape `(N, C)` with `C > 1` is reduced by argmax over classes; otherwise its values
/// are compared to `y` directly (for regression outputs this is ≈ 0 and harmless, as in the book).
pub fn correct_count(y_hat: &Tensor, y: &Tensor) -> Result<f64> {
    let (pred, y) = if y_hat.rank() == 2 && y_hat.dim(1)? > 1 {
        (y_hat.argmax(D::Minus1)?, y.to_dtype(DType::U32)?)
    } else {
        (
            y_hat.flatten_all()?,
            y.flatten_all()?.to_dtype(y_hat.dtype())?,
        )
    };
    let hits = pred
        .eq(&y)?
        .to_dtype(DType::F32)?
        .sum_all()?
        .to_scalar::<f32>()?;
    Ok(hits as f64)
}

/// Fraction of correct predictions of `net` in evaluation mode over one pass of `data`.
pub fn evaluate_accuracy<M: ModuleT + ?Sized>(net: &M, data: &mut DataLoader) -> Result<f64> {
    let mut metric = Accumulator::new(2);
    for batch in data.epoch() {
        let batch = batch?;
        let y_hat = net.forward_t(&batch.x, false)?;
        metric.add(&[correct_count(&y_hat, &batch.y)?, batch.len() as f64]);
    }
    Ok(metric[0] / metric[1])
}

/// Mean per-element `loss` of `net` in evaluation mode over one pass of `data` (the book's
/// `evaluate_loss`; for networks without dropout the mode makes no difference).
pub fn evaluate_loss<M, L>(net: &M, data: &mut DataLoader, loss: &L) -> Result<f64>
where
    M: ModuleT + ?Sized,
    L: Fn(&Tensor, &Tensor) -> Result<Tensor> + ?Sized,
{
    let mut metric = Accumulator::new(2);
    for batch in data.epoch() {
        let batch = batch?;
        let l = loss(&net.forward_t(&batch.x, false)?, &batch.y)?;
        metric.add(&[
            l.sum_all()?.to_dtype(DType::F64)?.to_scalar::<f64>()?,
            l.elem_count() as f64,
        ]);
    }
    Ok(metric[0] / metric[1])
}
