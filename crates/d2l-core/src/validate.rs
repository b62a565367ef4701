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

/// `value` must be finite and strictly positive (learning rates, scales).
pub fn positive_f64(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(name, "a finite number > 0", value))
    }
}

/// `value` must be finite and ≥ 0 (weight decay, penalties).
pub fn non_negative_f64(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(invalid(name, "a finite number >= 0", value))
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

fn invalid(name: &'static str, rule: &'static str, value: impl std::fmt::Display) -> Error {
    Error::InvalidHyperparameter {
        name,
        rule,
        value: value.to_string(),
    }
}

/// A set of hyperparameters that can check itself before any work starts.
///
/// Every chapter's `Config` implements it; the experiment harness calls it before it creates
/// a run folder.
pub trait Validate {
    /// Checks every value, with a message that states the broken rule.
    fn validate(&self) -> Result<()>;
}
