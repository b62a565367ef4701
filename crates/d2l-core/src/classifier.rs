//! Running a Fashion-MNIST-style classifier experiment end to end: train with the book's
//! `train_ch3` semantics while showing progress and keeping the run record up to date, write
//! the summary and the checkpoint, reload a checkpoint, and draw the `predict_ch3` view.
//!
//! Chapter crates implement [`Classifier`] for their models and call [`fit`].

use std::collections::HashMap;
use std::path::Path;

use candle_core::{D, Device, ModuleT, Tensor, Var};
use serde::{Deserialize, Serialize};

use crate::animator::Animator;
use crate::data::DataLoader;
use crate::error::{Error, Result};
use crate::optim::Updater;
use crate::plot::{GrayImage, ImageGrid};
use crate::progress::EpochProgress;
use crate::report::{RunDir, save_safetensors};
use crate::train::{EpochMetrics, LossFn, train_classifier};

/// A model the experiment harness can train, checkpoint and reload.
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

/// The final numbers of a classifier run (`summary.json`).
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
    /// Mean wall-clock seconds per epoch, evaluation included.
    pub seconds_per_epoch: f64,
}

impl Summary {
    /// The summary of a training history (`None` when it is empty).
    pub fn from_history(history: &[EpochMetrics]) -> Option<Self> {
        let last = history.last()?;
        Some(Self {
            train_loss: last.train_loss,
            train_acc: last.train_acc,
            test_acc: last.test_acc,
            epochs: history.len(),
            seconds_per_epoch: history.iter().map(|m| m.seconds).sum::<f64>()
                / history.len() as f64,
        })
    }
}

/// How [`fit`] reports: where the run record goes and whether progress is shown.
#[derive(Clone, Debug, Default)]
pub struct Recording<'a> {
    /// The run folder for `metrics.csv`, the `training` figure, `summary.json` and
    /// `model.safetensors`; `None` writes nothing.
    pub run: Option<&'a RunDir>,
    /// Print progress (a bar on a terminal, one line per epoch otherwise).
    pub show_progress: bool,
}

/// Trains `net` for `num_epochs` with the `train_ch3` loop and records the run: after every
/// epoch `metrics.csv` and `training.svg/.png`; at the end `summary.json` and
/// `model.safetensors`. A diverging run returns [`Error::Diverged`] and leaves the records of
/// the epochs before it complete.
#[allow(clippy::too_many_arguments)]
pub fn fit<M, L, U>(
    net: &M,
    train_iter: &mut DataLoader,
    test_iter: &mut DataLoader,
    loss: &L,
    num_epochs: usize,
    updater: &mut U,
    recording: Recording<'_>,
) -> Result<Summary>
where
    M: Classifier + ?Sized,
    L: LossFn + ?Sized,
    U: Updater + ?Sized,
{
    let batches = train_iter.num_batches();
    let progress = if recording.show_progress {
        EpochProgress::new(num_epochs, batches)
    } else {
        EpochProgress::hidden(num_epochs, batches)
    };
    let animator = recording
        .run
        .map(|run| Animator::new(run.clone(), "training", num_epochs));
    let mut reporter = (progress, animator);
    let history = train_classifier(
        net,
        train_iter,
        test_iter,
        loss,
        num_epochs,
        updater,
        &mut reporter,
    )?;
    let summary = Summary::from_history(&history).ok_or(Error::InvalidHyperparameter {
        name: "epochs",
        rule: "at least 1",
        value: "0".into(),
    })?;
    if let Some(run) = recording.run {
        run.write_json("summary.json", &summary)?;
        save_checkpoint(&run.file("model.safetensors"), &net.named_parameters())?;
    }
    Ok(summary)
}

/// Saves named parameters as safetensors, atomically.
pub fn save_checkpoint(path: &Path, params: &[(String, Var)]) -> Result<()> {
    let tensors: Vec<(&str, &Tensor)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_tensor()))
        .collect();
    save_safetensors(path, &tensors)
}

/// Reads a safetensors checkpoint into a name → tensor map on `device`.
pub fn read_checkpoint(path: &Path, device: &Device) -> Result<HashMap<String, Tensor>> {
    if !path.is_file() {
        return Err(Error::io(
            "cannot read checkpoint",
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    candle_core::safetensors::load(path, device).map_err(|e| {
        Error::Mismatch(format!(
            "cannot read checkpoint {}: {e} (is it a model.safetensors written by a run?)",
            path.display()
        ))
    })
}

/// Loads a checkpoint into `params`: every name must be present with the same shape.
pub fn load_checkpoint(path: &Path, params: &[(String, Var)]) -> Result<()> {
    let device = params
        .first()
        .map(|(_, v)| v.device().clone())
        .unwrap_or(Device::Cpu);
    let tensors = read_checkpoint(path, &device)?;
    for (name, var) in params {
        let t = tensors.get(name).ok_or_else(|| {
            Error::Mismatch(format!(
                "checkpoint {} has no tensor named {name}",
                path.display()
            ))
        })?;
        if t.dims() != var.dims() {
            return Err(Error::Mismatch(format!(
                "checkpoint {}: {name} has shape {:?} but the model expects {:?}",
                path.display(),
                t.dims(),
                var.dims()
            )));
        }
        var.set(t)?;
    }
    Ok(())
}

/// One prediction of [`predict_view`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Prediction {
    /// The true class name.
    pub truth: String,
    /// The predicted class name.
    pub predicted: String,
}

/// The book's `predict_ch3`: classifies the first `n` images (rows of `side × side` pixels) in
/// evaluation mode and draws them in one row titled "true / predicted" into `<stem>.svg/.png`.
pub fn predict_view<M: ModuleT + ?Sized>(
    net: &M,
    images: &Tensor,
    labels: &Tensor,
    names: &[&str],
    side: usize,
    n: usize,
    stem: &Path,
) -> Result<Vec<Prediction>> {
    let n = n.min(images.dim(0)?);
    let x = images.narrow(0, 0, n)?;
    let predicted: Vec<u32> = net.forward_t(&x, false)?.argmax(D::Minus1)?.to_vec1()?;
    let truth: Vec<u32> = labels
        .narrow(0, 0, n)?
        .to_dtype(candle_core::DType::U32)?
        .to_vec1()?;
    let name = |i: u32| names.get(i as usize).copied().unwrap_or("?").to_string();
    let preds: Vec<Prediction> = truth
        .iter()
        .zip(&predicted)
        .map(|(&t, &p)| Prediction {
            truth: name(t),
            predicted: name(p),
        })
        .collect();
    let pixels: Vec<Vec<f32>> = x
        .flatten_from(1)?
        .to_dtype(candle_core::DType::F32)?
        .to_vec2()?;
    let grid = pixels
        .into_iter()
        .zip(&preds)
        .fold(ImageGrid::new(1, n, 1.5), |grid, (px, p)| {
            grid.push(
                GrayImage {
                    height: side,
                    width: side,
                    pixels: px,
                },
                format!("{}\n{}", p.truth, p.predicted),
            )
        });
    grid.save(stem)?;
    Ok(preds)
}
