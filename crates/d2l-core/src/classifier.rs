//! What the book's classifier helpers share: the [`Classifier`] interface (a model whose
//! parameters have names, as in a PyTorch `state_dict`), the final numbers of a run
//! ([`Summary`]), and `predict_ch3`'s predictions ([`predict`]).

use std::collections::HashMap;

use candle_core::{D, DType, ModuleT, Tensor, Var};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::train::EpochMetrics;

/// A model with named trainable parameters: what a training loop updates and a checkpoint
/// stores.
pub trait Classifier: ModuleT {
    /// Every trainable parameter with a stable name, in a fixed order. The names are the
    /// checkpoint's keys (PyTorch `state_dict` style, e.g. `1.weight`).
    fn named_parameters(&self) -> Vec<(String, Var)>;

    /// The parameters without names, in the same order.
    fn parameters(&self) -> Vec<Var> {
        self.named_parameters()
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    }
}

/// The tensor called `name` in a set of named tensors (a loaded checkpoint).
pub fn named_tensor(tensors: &HashMap<String, Tensor>, name: &str) -> Result<Tensor> {
    tensors
        .get(name)
        .cloned()
        .ok_or_else(|| Error::MissingParameter { name: name.into() })
}

/// The final numbers of a classifier run (`summary.json`): the same for the same seed, so
/// its timing is kept apart ([`EpochMetrics::seconds`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Last epoch's mean training loss.
    pub train_loss: f64,
    /// Last epoch's training accuracy.
    pub train_acc: f64,
    /// Test accuracy after the last epoch.
    pub test_acc: f64,
    /// Epochs trained.
    pub epochs: usize,
}

impl Summary {
    /// The summary of a training history; an empty history (zero epochs) is an error.
    pub fn from_history(history: &[EpochMetrics]) -> Result<Self> {
        let last = history.last().ok_or(Error::Empty("the training history"))?;
        Ok(Self {
            train_loss: last.train_loss,
            train_acc: last.train_acc,
            test_acc: last.test_acc,
            epochs: history.len(),
        })
    }
}

/// One prediction of [`predict`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Prediction {
    /// The true class name.
    pub truth: String,
    /// The predicted class name.
    pub predicted: String,
}

/// The predictions of `predict_ch3`: classifies the first `n` rows of `images` in
/// evaluation mode and names the true and predicted classes (`?` for an index outside
/// `names`).
pub fn predict<M: ModuleT + ?Sized>(
    net: &M,
    images: &Tensor,
    labels: &Tensor,
    names: &[&str],
    n: usize,
) -> Result<Vec<Prediction>> {
    let n = n.min(images.dim(0)?);
    let predicted: Vec<u32> = net
        .forward_t(&images.narrow(0, 0, n)?, false)?
        .argmax(D::Minus1)?
        .to_vec1()?;
    let truth: Vec<u32> = labels.narrow(0, 0, n)?.to_dtype(DType::U32)?.to_vec1()?;
    let name = |i: u32| names.get(i as usize).copied().unwrap_or("?").to_string();
    Ok(truth
        .iter()
        .zip(&predicted)
        .map(|(&t, &p)| Prediction {
            truth: name(t),
            predicted: name(p),
        })
        .collect())
}
