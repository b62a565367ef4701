//! The book's training loops: [`train_epoch_ch3`] and [`train_ch3`] for the classifiers,
//! [`train_regression`] for the regressions of sections 4.4 and 4.5.
//!
//! Per epoch of [`train_ch3`]:
//! - **train loss**: the mean per-example loss over the epoch, taken from the training-mode
//!   forward of each batch (dropout active);
//! - **train accuracy**: the fraction correct of those same forwards (no second pass);
//! - **test accuracy**: [`evaluate_accuracy`] in evaluation mode after the epoch.
//!
//! The book's loop prints nothing and checks nothing until its final asserts. Here every
//! batch ends with one call to a hook, which the loops use for three things: a divergence
//! check (a NaN or infinite batch loss, or one that has exploded to more than
//! [`EXPLOSION_FACTOR`] times the epoch's first, floored at 1, stops training with
//! [`Error::Diverged`]: with a numerically stable cross-entropy, a far too large learning
//! rate often gives huge but finite losses rather than NaN), progress for a [`Reporter`],
//! and the reporter's requests to stop. An epoch whose mean loss has grown to more than
//! [`EXPLOSION_FACTOR`] times the first epoch's, however slowly, is divergence too.

use candle_core::{DType, ModuleT, Tensor, Var};
use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::classifier::Classifier;
use crate::data::{Batch, DataLoader};
use crate::error::{Error, Result};
use crate::metrics::{Accumulator, correct_count, evaluate_accuracy};
use crate::optim::Updater;
use crate::rng::Generators;

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

/// What a classifier run holds besides its metrics: the model's named parameters, the
/// model's own generators, and the training loader (whose generator shuffles). A reporter
/// that keeps checkpoints saves it after each epoch and restores it before the first.
pub struct TrainingState<'a> {
    /// The model's parameters, with the names of a checkpoint.
    pub params: &'a [(String, Var)],
    /// The model's generators (dropout masks); none for most models.
    pub generators: &'a dyn Generators,
    /// The training loader.
    pub loader: &'a mut DataLoader,
}

/// Receives progress events from the training loops, and can ask them to stop. Every method
/// has a default (do nothing, never stop), and `()` is the reporter that ignores everything.
pub trait Reporter {
    /// A line of context from the caller, e.g. which configuration of a sweep trains next.
    fn on_note(&mut self, _note: &str) {}
    /// Called before the first epoch of a training run.
    fn on_start(&mut self, _num_epochs: usize, _num_batches: usize) {}
    /// Asked once by [`train_ch3`], right after `on_start`: the epochs an earlier run
    /// finished, when this run continues it, with `state` set to where that run stood
    /// (its parameters, generators and loader). The default continues nothing.
    fn resume(&mut self, _state: TrainingState<'_>) -> Result<Vec<EpochMetrics>> {
        Ok(Vec::new())
    }
    /// Called after each batch's update.
    fn on_batch(&mut self, _progress: &BatchProgress) {}
    /// Called after each epoch's evaluation. An error stops training.
    fn on_epoch(&mut self, _metrics: &EpochMetrics) -> Result<()> {
        Ok(())
    }
    /// Called by [`train_ch3`] after each epoch's `on_epoch`, with the metrics of every
    /// epoch so far and the state a checkpoint holds besides them. An error stops training.
    fn on_checkpoint(
        &mut self,
        _history: &[EpochMetrics],
        _state: TrainingState<'_>,
    ) -> Result<()> {
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

impl EpochMetrics {
    /// The line printed after this epoch of `num_epochs`, as in
    /// `epoch  3/10  train loss 0.5219  train acc 0.8169  test acc 0.8150  (1.21 s)`.
    pub fn line(&self, num_epochs: usize) -> String {
        let width = num_epochs.to_string().len();
        format!(
            "epoch {:>width$}/{num_epochs}  train loss {:.4}  train acc {:.4}  test acc {:.4}  ({:.2} s)",
            self.epoch, self.train_loss, self.train_acc, self.test_acc, self.seconds
        )
    }
}

impl LossRecord {
    /// The line printed for this record of a run of `num_epochs`, as in
    /// `epoch  20/400  train loss 0.012345  test loss 0.014567`.
    pub fn line(&self, num_epochs: usize) -> String {
        let width = num_epochs.to_string().len();
        format!(
            "epoch {:>width$}/{num_epochs}  train loss {:.6}  test loss {:.6}",
            self.epoch, self.train_loss, self.test_loss
        )
    }
}

/// A [`Reporter`] that prints each epoch's line (and each note and regression record) on
/// stdout as it comes: what a notebook cell or a short program of a course shows while it
/// trains, with no dependency on the command-line harness.
///
/// ```
/// use d2l_core::train::{PrintEpochs, Reporter};
/// let mut printer = PrintEpochs::default();
/// printer.on_note("training the book's MLP");
/// ```
#[derive(Debug, Default)]
pub struct PrintEpochs {
    num_epochs: usize,
}

impl Reporter for PrintEpochs {
    fn on_note(&mut self, note: &str) {
        println!("{note}");
    }

    fn on_start(&mut self, num_epochs: usize, _num_batches: usize) {
        self.num_epochs = num_epochs;
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        println!("{}", metrics.line(self.num_epochs));
        Ok(())
    }

    fn on_losses(&mut self, record: &LossRecord) -> Result<()> {
        println!("{}", record.line(self.num_epochs));
        Ok(())
    }
}

/// A reporter lent to a loop (`&mut reporter`).
impl<R: Reporter + ?Sized> Reporter for &mut R {
    fn on_note(&mut self, note: &str) {
        (**self).on_note(note);
    }

    fn on_start(&mut self, num_epochs: usize, num_batches: usize) {
        (**self).on_start(num_epochs, num_batches);
    }

    fn resume(&mut self, state: TrainingState<'_>) -> Result<Vec<EpochMetrics>> {
        (**self).resume(state)
    }

    fn on_batch(&mut self, progress: &BatchProgress) {
        (**self).on_batch(progress);
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        (**self).on_epoch(metrics)
    }

    fn on_checkpoint(&mut self, history: &[EpochMetrics], state: TrainingState<'_>) -> Result<()> {
        (**self).on_checkpoint(history, state)
    }

    fn on_losses(&mut self, record: &LossRecord) -> Result<()> {
        (**self).on_losses(record)
    }

    fn should_stop(&self) -> bool {
        (**self).should_stop()
    }
}

/// Reporting to two reporters at once, e.g. `(progress, record)`.
impl<A: Reporter, B: Reporter> Reporter for (A, B) {
    fn on_note(&mut self, note: &str) {
        self.0.on_note(note);
        self.1.on_note(note);
    }

    fn on_start(&mut self, num_epochs: usize, num_batches: usize) {
        self.0.on_start(num_epochs, num_batches);
        self.1.on_start(num_epochs, num_batches);
    }

    fn resume(&mut self, state: TrainingState<'_>) -> Result<Vec<EpochMetrics>> {
        let TrainingState {
            params,
            generators,
            loader,
        } = state;
        let history = self.0.resume(TrainingState {
            params,
            generators,
            loader: &mut *loader,
        })?;
        if !history.is_empty() {
            return Ok(history);
        }
        self.1.resume(TrainingState {
            params,
            generators,
            loader,
        })
    }

    fn on_batch(&mut self, progress: &BatchProgress) {
        self.0.on_batch(progress);
        self.1.on_batch(progress);
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        self.0.on_epoch(metrics)?;
        self.1.on_epoch(metrics)
    }

    fn on_checkpoint(&mut self, history: &[EpochMetrics], state: TrainingState<'_>) -> Result<()> {
        let TrainingState {
            params,
            generators,
            loader,
        } = state;
        self.0.on_checkpoint(
            history,
            TrainingState {
                params,
                generators,
                loader: &mut *loader,
            },
        )?;
        self.1.on_checkpoint(
            history,
            TrainingState {
                params,
                generators,
                loader,
            },
        )
    }

    fn on_losses(&mut self, record: &LossRecord) -> Result<()> {
        self.0.on_losses(record)?;
        self.1.on_losses(record)
    }

    fn should_stop(&self) -> bool {
        self.0.should_stop() || self.1.should_stop()
    }
}

/// The book's per-example loss signature: `(ŷ, y) -> l` with one value per example.
pub trait LossFn: Fn(&Tensor, &Tensor) -> Result<Tensor> {}
impl<F: Fn(&Tensor, &Tensor) -> Result<Tensor>> LossFn for F {}

/// The sum of a tensor's elements as an f64 (the book's `float(l.sum())`).
fn sum(l: &Tensor) -> Result<f64> {
    Ok(l.sum_all()?.to_dtype(DType::F64)?.to_scalar::<f64>()?)
}

/// One epoch of training, the book's `train_epoch_ch3`: returns the epoch's mean loss and
/// accuracy over its training-mode forwards. `after_batch` is called once per batch with
/// the epoch's sums so far (loss, correct, examples) and the batch's mean loss: the training
/// loops use it for divergence checks, progress and stop requests.
// ANCHOR: train_epoch
pub fn train_epoch_ch3<M, L, U>(
    net: &M,
    train_iter: &mut DataLoader,
    loss: &L,
    updater: &mut U,
    after_batch: &mut dyn FnMut(&Accumulator, f64) -> Result<()>,
) -> Result<(f64, f64)>
where
    M: ModuleT + ?Sized,
    L: LossFn + ?Sized,
    U: Updater + ?Sized,
{
    // ANCHOR: train_epoch_body
    // Sum of per-example losses, number correct, number of examples.
    let mut metric = Accumulator::new(3);
    for batch in train_iter.epoch() {
        let Batch { x, y } = batch?;
        let y_hat = net.forward_t(&x, true)?;
        let l = loss(&y_hat, &y)?;
        updater.update(&l)?;
        let l_sum = sum(&l)?;
        metric.add(&[l_sum, correct_count(&y_hat, &y)?, y.dim(0)? as f64]);
        after_batch(&metric, l_sum / l.elem_count().max(1) as f64)?;
    }
    Ok((metric[0] / metric[2], metric[1] / metric[2]))
    // ANCHOR_END: train_epoch_body
}
// ANCHOR_END: train_epoch

/// The hook the training loops give [`train_epoch_ch3`] for epoch `epoch` (of `num_batches`
/// batches, at learning rate `lr`, named in a divergence error): the divergence check of
/// every batch, progress for `reporter`, and its requests to stop.
///
/// ```no_run
/// # fn epoch(net: &impl candle_core::ModuleT, train_iter: &mut d2l_core::data::DataLoader,
/// #     updater: &mut d2l_core::optim::ScratchSgd) -> d2l_core::Result<()> {
/// use d2l_core::train::{batch_checks, train_epoch_ch3};
/// let mut checks = batch_checks((), 1, train_iter.num_batches(), 0.1);
/// train_epoch_ch3(net, train_iter, &d2l_core::loss::cross_entropy, updater, &mut checks)?;
/// # Ok(()) }
/// ```
pub fn batch_checks<R: Reporter>(
    mut reporter: R,
    epoch: usize,
    num_batches: usize,
    lr: f64,
) -> impl FnMut(&Accumulator, f64) -> Result<()> {
    let mut batch = 0;
    let mut limit = f64::INFINITY;
    move |metric, loss| {
        batch += 1;
        if !loss.is_finite() || loss > limit {
            return Err(Error::Diverged {
                epoch,
                batch,
                loss,
                lr,
            });
        }
        if batch == 1 {
            limit = EXPLOSION_FACTOR * loss.max(1.0);
        }
        reporter.on_batch(&BatchProgress {
            epoch,
            batch,
            num_batches,
            examples: metric[2] as usize,
            train_loss: metric[0] / metric[2],
            train_acc: metric[1] / metric[2],
        });
        if reporter.should_stop() {
            return Err(Error::Stopped { epoch, batch });
        }
        Ok(())
    }
}

/// The book's `train_ch3`: `num_epochs` of [`train_epoch_ch3`], each followed by a
/// test-accuracy pass, reported to `reporter`. Returns the metrics of every epoch; a reporter
/// that asks to stop ends it with [`Error::Stopped`] after the batch it asked in. A reporter
/// that resumes an earlier run ([`Reporter::resume`]) makes it continue after the epochs that
/// run finished.
// ANCHOR: train_ch3
pub fn train_ch3<M, L, U, R>(
    net: &M,
    train_iter: &mut DataLoader,
    test_iter: &mut DataLoader,
    loss: &L,
    num_epochs: usize,
    updater: &mut U,
    reporter: &mut R,
) -> Result<Vec<EpochMetrics>>
where
    M: Classifier + Generators,
    L: LossFn + ?Sized,
    U: Updater + ?Sized,
    R: Reporter + ?Sized,
{
    let num_batches = train_iter.num_batches();
    let params = net.named_parameters();
    reporter.on_start(num_epochs, num_batches);
    let mut history = reporter.resume(TrainingState {
        params: &params,
        generators: net,
        loader: train_iter,
    })?;
    check_resumed(&history, num_epochs)?;
    if !history.is_empty() {
        reporter.on_note(&format!("resumed after epoch {}", history.len()));
    }
    let mut watch = RunWatch::after(&history);
    for epoch in history.len() + 1..=num_epochs {
        let start = Instant::now();
        let lr = updater.learning_rate();
        let mut checks = batch_checks(&mut *reporter, epoch, num_batches, lr);
        let (train_loss, train_acc) = train_epoch_ch3(net, train_iter, loss, updater, &mut checks)?;
        drop(checks);
        watch.check(epoch, train_loss, num_batches, lr)?;
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
        let state = TrainingState {
            params: &params,
            generators: net,
            loader: train_iter,
        };
        reporter.on_checkpoint(&history, state)?;
    }
    Ok(history)
}
// ANCHOR_END: train_ch3

/// Refuses a resumed history that does not fit this run: more epochs than it trains, or
/// epochs not numbered 1, 2, 3, ...
fn check_resumed(history: &[EpochMetrics], num_epochs: usize) -> Result<()> {
    let done = history.len();
    if done > num_epochs {
        return Err(Error::Resume(format!(
            "the checkpoint has {done} epochs, and this run trains {num_epochs}"
        )));
    }
    if let Some((i, m)) = history.iter().enumerate().find(|(i, m)| m.epoch != i + 1) {
        return Err(Error::Resume(format!(
            "its record {} is numbered epoch {}",
            i + 1,
            m.epoch
        )));
    }
    Ok(())
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

/// The regression loop of sections 4.4 and 4.5: `num_epochs` of [`train_epoch_ch3`] with the
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
    let num_batches = train_iter.num_batches();
    reporter.on_start(num_epochs, num_batches);
    let mut watch = RunWatch::after(&[]);
    for epoch in 1..=num_epochs {
        let lr = updater.learning_rate();
        let mut checks = batch_checks(&mut *reporter, epoch, num_batches, lr);
        let (train_loss, _) = train_epoch_ch3(net, train_iter, loss, updater, &mut checks)?;
        drop(checks);
        watch.check(epoch, train_loss, num_batches, lr)?;
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
