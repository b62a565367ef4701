//! Checks for hyperparameters, run before any work so that a bad flag fails in
//! milliseconds with a message that states the rule.
//!
//! ```
//! use d2l_core::validate;
//! assert!(validate::positive_f64("lr", 0.1).is_ok());
//! let err = validate::probability("dropout", 1.5).unwrap_err();
//! assert_eq!(err.to_string(), "dropout must be in [0, 1], got 1.5");
//! ```

use crate::error::{Error, Result};

/// `value` must be finite and strictly positive (learning rates, scales), also as the f32 the
/// tensors compute in.
pub fn positive_f64(name: &'static str, value: f64) -> Result<()> {
    if !(value.is_finite() && value > 0.0) {
        return Err(invalid(name, "a finite number > 0", value));
    }
    within_f32(name, value)
}

/// `value` must be finite and ≥ 0 (weight decay, penalties), also as an f32.
pub fn non_negative_f64(name: &'static str, value: f64) -> Result<()> {
    if !(value.is_finite() && value >= 0.0) {
        return Err(invalid(name, "a finite number >= 0", value));
    }
    within_f32(name, value)
}

/// A finite f64 must stay finite as the f32 the tensors compute in.
fn within_f32(name: &'static str, value: f64) -> Result<()> {
    if (value as f32).is_finite() {
        Ok(())
    } else {
        Err(invalid(
            name,
            "at most 3.4e38 in size (tensors compute in f32)",
            value,
        ))
    }
}

/// `value` must be finite, also as the f32 it is computed in (activation parameters).
pub fn finite_f32(name: &'static str, value: f64) -> Result<()> {
    if (value as f32).is_finite() {
        Ok(())
    } else {
        Err(invalid(
            name,
            "a finite number within f32 range (|x| < 3.4e38)",
            value,
        ))
    }
}

/// `value` must be in the closed interval [0, 1] (dropout probabilities).
pub fn probability(name: &'static str, value: f64) -> Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(invalid(name, "in [0, 1]", value))
    }
}

/// `value` must be at least 1 (epochs, batch sizes, layer widths).
pub fn positive_usize(name: &'static str, value: usize) -> Result<()> {
    if value >= 1 {
        Ok(())
    } else {
        Err(invalid(name, "at least 1", value))
    }
}

fn invalid(name: &'static str, rule: &'static str, value: impl Shown) -> Error {
    Error::InvalidHyperparameter {
        name,
        rule,
        value: value.shown(),
    }
}

/// A value as a message shows it: as given for ordinary numbers, in scientific notation for
/// huge or tiny floats (not 309 digits for 1e308).
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for f64 {
    fn shown(&self) -> String {
        let a = self.abs();
        if a.is_finite() && a != 0.0 && !(1e-4..1e16).contains(&a) {
            format!("{self:e}")
        } else {
            self.to_string()
        }
    }
}

impl Shown for usize {
    fn shown(&self) -> String {
        self.to_string()
    }
}

/// A set of hyperparameters that can check itself before any work starts.
///
/// Every chapter's `Config` implements it; the experiment harness calls it before it creates
/// a run folder.
pub trait Validate {
    /// Checks every value, with a message that states the broken rule.
    fn validate(&self) -> Result<()>;

    /// About how many bytes of memory the configuration needs at its peak (parameters, their
    /// gradients, activations, data), so that a program can refuse, before any work, one
    /// that cannot fit. The default, 0, is for configurations that are small whatever their
    /// values.
    fn memory_estimate(&self) -> u64 {
        0
    }
}

/// The bytes of `count` f32 values (saturating at `u64::MAX`).
pub fn f32_bytes(count: u64) -> u64 {
    count.saturating_mul(4)
}

/// About the memory to train a dense MLP with layer `widths` on batches of `batch_size`, in
/// f32: each weight and bias three times (the parameter, its gradient, the update's
/// temporary) and each layer's activations four times (the product, the activation, and
/// their gradients).
///
/// ```
/// // The book's 784-256-10 net on batches of 256: about 7 MB.
/// let bytes = d2l_core::validate::mlp_memory(&[784, 256, 10], 256);
/// assert!((6_000_000..8_000_000).contains(&bytes));
/// ```
pub fn mlp_memory(widths: &[usize], batch_size: usize) -> u64 {
    let params = widths
        .windows(2)
        .map(|w| (w[0] as u64 + 1).saturating_mul(w[1] as u64))
        .fold(0u64, u64::saturating_add);
    let units = widths
        .iter()
        .map(|&w| w as u64)
        .fold(0u64, u64::saturating_add);
    f32_bytes(
        params
            .saturating_mul(3)
            .saturating_add(units.saturating_mul(batch_size as u64).saturating_mul(4)),
    )
}
