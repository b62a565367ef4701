//! The classifier training loop with the book's `train_ch3` semantics.
//!
//! Per epoch:
//! - **train loss**: the mean per-example loss over the epoch, taken from the training-mode
//!   forward of each batch *before* its update (dropout active);
//! - **train accuracy**: the fraction correct of those same forwards (no second pass);
//! - **test accuracy**: [`evaluate_accuracy`] in evaluation mode after the epoch.
//!
//! Every batch loss is checked: a NaN or infinite loss, or one that has exploded to more than
//! [`EXPLOSION_FACTOR`] times the epoch's first batch loss (floored at 1), stops training with
//! [`Error::Diverged`], naming the epoch and batch, before the bad update is applied. (With a
//! numerically stable cross-entropy a far too large learning rate often gives huge but finite
//! losses rather than NaN; both are divergence.) So is an epoch whose mean loss has grown to
//! more than [`EXPLOSION_FACTOR`] times the first epoch's, however slowly it got there.
//! Progress goes to a [`Reporter`] (progress bar, metrics file, live figure), which can also
//! ask the loop to stop.

use candle_core::{DType, ModuleT, Tensor, Var};
use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::classifier::Classifier;
use crate::data::DataLoader;
use crate::error::{Error, Result};
use crate::metrics::{Accumulator, correct_count, evaluate_accuracy};
use crate::optim::Updater;
use crate::rng::RngState;

/// A batch's mean loss above this many times the epoch's first batch mean loss (or above this
/// many times 1, whichever is larger) counts as divergence.
pub const EXPLOSION_FACTOR: f64 = 1e3;

/// What one epoch of classifier training measured.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean per-example training loss over the epoch.
    pub train_loss: f64,
    /// Training accuracy over the epoch's training-mode forwards.
    pub train_acc: f64,
    /// Test accuracy in evaluation mode after the epoch.
    pub test_acc: f64,
    /// Wall-clock seconds for the epoch, evaluation included. Not serialised: the recorded
    /// metrics of a seed are the same on every run, resumed or not.
    #[serde(skip)]
    pub seconds: f64,
}

/// Everything a classifier run needs besides its parameters to continue after an epoch
/// exactly as if it had never stopped: a checkpoint's contents. (The SGD updaters keep no
/// state of their own.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainState {
    /// The metrics of the epochs finished so far.
    pub history: Vec<EpochMetrics>,
    /// The training loader's shuffling generator.
    pub shuffle: Option<RngState>,
    /// The model's own generators (dropout masks).
    pub model_rngs: Vec<RngState>,
}

/// Where an epoch stands after a batch: the running means of the epoch so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchProgress {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based batch within the epoch.
    pub batch: usize,
    /// Batches per epoch.
    pub num_batches: usize,
    /// Examples seen in this epoch so far.
    pub examples: usize,
    /// Mean per-example training loss of the epoch so far.
    pub train_loss: f64,
    /// Training accuracy of the epoch so far.
    pub train_acc: f64,
}

/// Receives progress events from the training loop, and can ask it to stop. Every method has
/// a default (do nothing, never stop), and `()` is the reporter that ignores everything.
pub trait Reporter {
    /// A line of context from the caller, e.g. which configuration of a sweep trains next.
    fn on_note(&mut self, _note: &str) {}
    /// Called before the first epoch of a training run, with the model's named parameters
    /// (what a checkpoint holds).
    fn on_start(&mut self, _num_epochs: usize, _num_batches: usize, _params: &[(String, Var)]) {}
    /// Asked once, right after `on_start`: the state to continue from when the run resumes
    /// an earlier one, whose parameters the reporter has loaded into those `on_start` gave.
    /// `None` (the default) starts afresh.
    fn resume(&mut self) -> Result<Option<TrainState>> {
        Ok(None)
    }
    /// Called after each batch's update.
    fn on_batch(&mut self, _progress: &BatchProgress) {}
    /// Called after each epoch's evaluation. An error stops training.
    fn on_epoch(&mut self, _metrics: &EpochMetrics) -> Result<()> {
        Ok(())
    }
    /// Called after each epoch's `on_epoch` with the state a checkpoint holds besides the
    /// parameters. An error stops training.
    fn on_checkpoint(&mut self, _state: &TrainState) -> Result<()> {
        Ok(())
    }
    /// Called with each record of a regression run ([`train_regression`]). An error stops
    /// training.
    fn on_losses(&mut self, _record: &LossRecord) -> Result<()> {
        Ok(())
    }
    /// Asked after every batch: `true` stops training there with [`Error::Stopped`].
    fn should_stop(&self) -> bool {
        false
    }
}

impl Reporter for () {}

/// Reporting to two reporters at once, e.g. `(progress, record)`.
impl<A: Reporter, B: Reporter> Reporter for (A, B) {
    fn on_note(&mut self, note: &str) {
        self.0.on_note(note);
        self.1.on_note(note);
    }

    fn on_start(&mut self, num_epochs: usize, num_batches: usize, params: &[(String, Var)]) {
        self.0.on_start(num_epochs, num_batches, params);
        self.1.on_start(num_epochs, num_batches, params);
    }

    fn resume(&mut self) -> Result<Option<TrainState>> {
        match self.0.resume()? {
            Some(state) => Ok(Some(state)),
            None => self.1.resume(),
        }
    }

    fn on_batch(&mut self, progress: &BatchProgress) {
        self.0.on_batch(progress);
        self.1.on_batch(progress);
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        self.0.on_epoch(metrics)?;
        self.1.on_epoch(metrics)
    }

    fn on_checkpoint(&mut self, state: &TrainState) -> Result<()> {
        self.0.on_checkpoint(state)?;
        self.1.on_checkpoint(state)
    }

    fn on_losses(&mut self, record: &LossRecord) -> Result<()> {
        self.0.on_losses(record)?;
        self.1.on_losses(record)
    }

    fn should_stop(&self) -> bool {
        self.0.should_stop() || self.1.should_stop()
    }
}

/// An optional reporter: `None` ignores everything.
impl<R: Reporter> Reporter for Option<R> {
    fn on_note(&mut self, note: &str) {
        if let Some(r) = self {
            r.on_note(note);
        }
    }

    fn on_start(&mut self, num_epochs: usize, num_batches: usize, params: &[(String, Var)]) {
        if let Some(r) = self {
            r.on_start(num_epochs, num_batches, params);
        }
    }

    fn resume(&mut self) -> Result<Option<TrainState>> {
        self.as_mut().map_or(Ok(None), R::resume)
    }

    fn on_batch(&mut self, progress: &BatchProgress) {
        if let Some(r) = self {
            r.on_batch(progress);
        }
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        self.as_mut().map_or(Ok(()), |r| r.on_epoch(metrics))
    }

    fn on_checkpoint(&mut self, state: &TrainState) -> Result<()> {
        self.as_mut().map_or(Ok(()), |r| r.on_checkpoint(state))
    }

    fn on_losses(&mut self, record: &LossRecord) -> Result<()> {
        self.as_mut().map_or(Ok(()), |r| r.on_losses(record))
    }

    fn should_stop(&self) -> bool {
        self.as_ref().is_some_and(R::should_stop)
    }
}

/// The book's per-example loss signature: `(ŷ, y) -> l` with one value per example.
pub trait LossFn: Fn(&Tensor, &Tensor) -> Result<Tensor> {}
impl<F: Fn(&Tensor, &Tensor) -> Result<Tensor>> LossFn for F {}

/// One epoch of training (`train_epoch_ch3`): returns `(train_loss, train_acc)`.
pub fn train_epoch<M, L, U, R>(
    net: &M,
    train_iter: &mut DataLoader,
    loss: &L,
    updater: &mut U,
    epoch: usize,
    reporter: &mut R,
) -> Result<(f64, f64)>
where
    M: ModuleT + ?Sized,
    L: LossFn + ?Sized,
    U: Updater + ?Sized,
    R: Reporter + ?Sized,
{
    // ANCHOR: train_epoch_body
    // Sum of per-example losses, number correct, number of examples.
    let mut metric = Accumulator::new(3);
    let num_batches = train_iter.num_batches();
    let mut limit = f64::INFINITY;
    for (i, batch) in train_iter.epoch().enumerate() {
        let batch = batch?;
        let y_hat = net.forward_t(&batch.x, true)?;
        let l = loss(&y_hat, &batch.y)?;
        let loss_sum = l.sum_all()?.to_dtype(DType::F64)?.to_scalar::<f64>()?;
        let mean = loss_sum / l.elem_count().max(1) as f64;
        if !mean.is_finite() || mean > limit {
            let lr = updater.learning_rate();
            return Err(Error::Diverged {
                epoch,
                batch: i + 1,
                loss: mean,
                lr,
            });
        }
        if i == 0 {
            limit = EXPLOSION_FACTOR * mean.max(1.0);
        }
        updater.update(&l)?;
        metric.add(&[
            loss_sum,
            correct_count(&y_hat, &batch.y)?,
            batch.len() as f64,
        ]);
        reporter.on_batch(&BatchProgress {
            epoch,
            batch: i + 1,
            num_batches,
            examples: metric[2] as usize,
            train_loss: metric[0] / metric[2],
            train_acc: metric[1] / metric[2],
        });
        if reporter.should_stop() {
            return Err(Error::Stopped {
                epoch,
                batch: i + 1,
            });
        }
    }
    Ok((metric[0] / metric[2], metric[1] / metric[2]))
    // ANCHOR_END: train_epoch_body
}

/// The book's `train_ch3`: `num_epochs` of [`train_epoch`], each followed by a test-accuracy
/// pass, reported to `reporter`. Returns the metrics of every epoch; a reporter that asks to
/// stop ends it with [`Error::Stopped`] after the batch it asked in.
pub fn train_classifier<M, L, U, R>(
    net: &M,
    train_iter: &mut DataLoader,
    test_iter: &mut DataLoader,
    loss: &L,
    num_epochs: usize,
    updater: &mut U,
    reporter: &mut R,
) -> Result<Vec<EpochMetrics>>
where
    M: Classifier + ?Sized,
    L: LossFn + ?Sized,
    U: Updater + ?Sized,
    R: Reporter + ?Sized,
{
    reporter.on_start(
        num_epochs,
        train_iter.num_batches(),
        &net.named_parameters(),
    );
    // A resumed run goes on after the epochs it had finished, its generators where they were.
    let mut history = resume(net, train_iter, num_epochs, reporter)?;
    let mut watch = RunWatch::after(&history);
    for epoch in history.len() + 1..=num_epochs {
        let start = Instant::now();
        let (train_loss, train_acc) = train_epoch(net, train_iter, loss, updater, epoch, reporter)?;
        watch.check(
            epoch,
            train_loss,
            train_iter.num_batches(),
            updater.learning_rate(),
        )?;
        let test_acc = evaluate_accuracy(net, test_iter)?;
        let metrics = EpochMetrics {
            epoch,
            train_loss,
            train_acc,
            test_acc,
            seconds: start.elapsed().as_secs_f64(),
        };
        reporter.on_epoch(&metrics)?;
        history.push(metrics);
        reporter.on_checkpoint(&TrainState {
            history: history.clone(),
            shuffle: train_iter.shuffle_state(),
            model_rngs: net.rng_states(),
        })?;
    }
    Ok(history)
}

/// The epochs an earlier run had finished, with the loader's and the model's generators set
/// where they were, when the reporter resumes one; none otherwise.
fn resume<M, R>(
    net: &M,
    train_iter: &mut DataLoader,
    num_epochs: usize,
    reporter: &mut R,
) -> Result<Vec<EpochMetrics>>
where
    M: Classifier + ?Sized,
    R: Reporter + ?Sized,
{
    let Some(state) = reporter.resume()? else {
        return Ok(Vec::new());
    };
    let done = state.history.len();
    if done > num_epochs {
        return Err(Error::Resume(format!(
            "the checkpoint has {done} epochs, and this run trains {num_epochs}"
        )));
    }
    train_iter.restore_shuffle(state.shuffle.as_ref())?;
    net.restore_rngs(&state.model_rngs)?;
    reporter.on_note(&format!("resumed after epoch {done}"));
    Ok(state.history)
}

/// Divergence over a whole run: an epoch whose mean training loss exceeds
/// [`EXPLOSION_FACTOR`] times the first epoch's (floored at 1), which the check inside an
/// epoch misses when the loss grows a little every epoch.
struct RunWatch {
    limit: Option<f64>,
}

impl RunWatch {
    /// The watch of a run that has finished the epochs of `history`.
    fn after(history: &[EpochMetrics]) -> Self {
        Self {
            limit: history
                .first()
                .map(|m| EXPLOSION_FACTOR * m.train_loss.max(1.0)),
        }
    }

    fn check(&mut self, epoch: usize, loss: f64, batches: usize, lr: f64) -> Result<()> {
        let limit = *self.limit.get_or_insert(EXPLOSION_FACTOR * loss.max(1.0));
        if loss.is_finite() && loss <= limit {
            return Ok(());
        }
        Err(Error::Diverged {
            epoch,
            batch: batches,
            loss,
            lr,
        })
    }
}

/// Train and test loss at one recorded epoch of a regression run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossRecord {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean per-element loss on the training set (the book's `evaluate_loss`).
    pub train_loss: f64,
    /// Mean per-element loss on the test set.
    pub test_loss: f64,
}

/// The train and test loss of the last recorded epoch; an error when nothing was recorded
/// (a run of zero epochs).
pub fn final_losses(records: &[LossRecord]) -> Result<(f64, f64)> {
    let last = records.last().ok_or(Error::Empty("the recorded losses"))?;
    Ok((last.train_loss, last.test_loss))
}

/// The regression loop of sections 4.4 and 4.5: `num_epochs` of [`train_epoch`] with the
/// training `loss` (which may include a penalty), recording `evaluate_loss` with `eval_loss` on
/// both sets after every epoch for which `record(epoch)` is true, and reporting each record to
/// `reporter`.
#[allow(clippy::too_many_arguments)]
pub fn train_regression<M, L, E, U, R>(
    net: &M,
    train_iter: &mut DataLoader,
    test_iter: &mut DataLoader,
    loss: &L,
    eval_loss: &E,
    num_epochs: usize,
    record: impl Fn(usize) -> bool,
    updater: &mut U,
    reporter: &mut R,
) -> Result<Vec<LossRecord>>
where
    M: ModuleT + ?Sized,
    L: LossFn + ?Sized,
    E: LossFn + ?Sized,
    U: Updater + ?Sized,
    R: Reporter + ?Sized,
{
    let mut records = Vec::new();
    reporter.on_start(num_epochs, train_iter.num_batches(), &[]);
    let mut watch = RunWatch::after(&[]);
    for epoch in 1..=num_epochs {
        let (train_loss, _) = train_epoch(net, train_iter, loss, updater, epoch, reporter)?;
        watch.check(
            epoch,
            train_loss,
            train_iter.num_batches(),
            updater.learning_rate(),
        )?;
        if record(epoch) {
            let train_loss = crate::metrics::evaluate_loss(net, train_iter, eval_loss)?;
            let test_loss = crate::metrics::evaluate_loss(net, test_iter, eval_loss)?;
            let r = LossRecord {
                epoch,
                train_loss,
                test_loss,
            };
            reporter.on_losses(&r)?;
            records.push(r);
        }
    }
    Ok(records)
}
