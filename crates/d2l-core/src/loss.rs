//! Losses as the book defines them: **per example** (PyTorch's `reduction='none'`), so the
//! training loop can report the exact epoch means the book reports. Take `.mean_all()` for
//! the mean that optimizers step on.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use d2l_core::loss;
//! let logits = Tensor::new(&[[0f32, 0.], [10., 0.]], &Device::Cpu).unwrap();
//! let labels = Tensor::new(&[1u32, 0], &Device::Cpu).unwrap();
//! let l = loss::cross_entropy(&logits, &labels).unwrap().to_vec1::<f32>().unwrap();
//! assert!((l[0] - 2f32.ln()).abs() < 1e-6 && l[1] < 1e-4);
//! ```

use candle_core::{D, DType, Tensor};

use crate::error::Result;

/// Per-example cross-entropy of `logits` `(N, C)` against class indices `labels` `(N,)`:
/// `-log softmax(logits)[label]`, computed stably through `log_softmax`. Returns `(N,)`.
pub fn cross_entropy(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let log_probs = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let labels = labels.to_dtype(DType::U32)?.unsqueeze(1)?;
    Ok(log_probs.gather(&labels, 1)?.squeeze(1)?.neg()?)
}

/// The book's `squared_loss`: `(ŷ - y)² / 2` per element, with `y` reshaped to `ŷ`'s shape.
pub fn squared_loss(y_hat: &Tensor, y: &Tensor) -> Result<Tensor> {
    let diff = (y_hat - y.reshape(y_hat.shape())?)?;
    Ok((diff.sqr()? * 0.5)?)
}

/// `nn.MSELoss(reduction='none')`: `(ŷ - y)²` per element, **without** the ½.
pub fn squared_error(y_hat: &Tensor, y: &Tensor) -> Result<Tensor> {
    Ok((y_hat - y.reshape(y_hat.shape())?)?.sqr()?)
}
