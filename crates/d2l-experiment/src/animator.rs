//! The book's `Animator` for `train_ch3`, as files: after every epoch it rewrites
//! `metrics.csv`, `timings.csv` and the training figure, so a viewer that reloads the PNG or
//! SVG watches the curves grow, and saves the checkpoint (`model.safetensors`, parameters and
//! training state), so a run that stops at any moment keeps complete records of the epochs
//! it finished and resumes from the last of them.

use std::time::Instant;

use candle_core::Var;
use d2l_core::train::{EpochMetrics, Reporter, TrainingState};
use d2l_plot::{Figure, training_figure};
use serde::{Deserialize, Serialize};

use crate::checkpoint::{self, TrainState};
use crate::run_dir::RunDir;

/// A [`Reporter`] that keeps the run's records and checkpoint up to date. The files are
/// written by a thread of their own, in order, so that drawing the figure and syncing files
/// to disk do not hold up training; [`Animator::finish`] waits for the last of them.
pub struct Animator {
    run: RunDir,
    figure: String,
    resuming: bool,
    num_epochs: usize,
    history: Vec<EpochMetrics>,
    timings: Vec<Timing>,
    /// When the last epoch was recorded (or training started): the start of the next
    /// epoch's wall-clock span.
    epoch_mark: Instant,
    writer: Writer,
}

/// A file-writing job of the [`Writer`].
type Job = Box<dyn FnOnce() -> anyhow::Result<()> + Send>;

/// One thread that runs file-writing jobs in the order they come, and keeps the first error.
struct Writer {
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
}

impl Writer {
    fn start() -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("d2l-records".into())
            .spawn(move || {
                // After a failure the later jobs are skipped: the records stop at a whole
                // epoch, and the error ends the run.
                queue.into_iter().try_for_each(|job| job())
            })
            .ok();
        Self {
            jobs: thread.as_ref().map(|_| jobs),
            thread,
        }
    }

    /// Runs `job` on the writer thread (or here, when there is none).
    fn send(&mut self, job: Job) -> anyhow::Result<()> {
        match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => Ok(()),
                // The thread ended on an error: report it.
                Err(_) => self.finish(),
            },
            None => job(),
        }
    }

    /// Waits for every job sent so far; the first error, if any.
    fn finish(&mut self) -> anyhow::Result<()> {
        self.jobs = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => anyhow::bail!("the thread writing the run's records failed"),
            None => Ok(()),
        }
    }
}

/// One row of `timings.csv`. Kept apart from `metrics.csv`, which holds only what the seed
/// decides.
#[derive(Clone, Serialize, Deserialize)]
struct Timing {
    epoch: usize,
    /// The epoch's training and test passes.
    seconds: f64,
    /// The wall-clock time from the previous epoch's record to this one's: the passes plus
    /// everything the run does between epochs (progress, handing records and the checkpoint
    /// to the writer thread), so that against `seconds` it tells what those cost. (Absent in
    /// runs recorded before it existed.)
    #[serde(default)]
    wall_seconds: f64,
}

impl Animator {
    /// Writes `metrics.csv`, `timings.csv`, `<figure>.svg/.png` and the checkpoint into
    /// `run` after every epoch. When `resuming`, it continues from the checkpoint in `run`,
    /// if there is one.
    pub fn new(run: RunDir, figure: impl Into<String>, resuming: bool) -> Self {
        Self {
            run,
            figure: figure.into(),
            resuming,
            num_epochs: 0,
            history: Vec::new(),
            timings: Vec::new(),
            epoch_mark: Instant::now(),
            writer: Writer::start(),
        }
    }

    /// Waits until every record and checkpoint sent so far is on disk; the first error
    /// writing them, if any.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.writer.finish()
    }

    /// The epochs recorded so far.
    pub fn history(&self) -> &[EpochMetrics] {
        &self.history
    }

    /// Mean seconds per epoch of the epochs this process trained (`None` before the first).
    pub fn seconds_per_epoch(&self) -> Option<f64> {
        let n = self.timings.len();
        (n > 0).then(|| self.timings.iter().map(|t| t.seconds).sum::<f64>() / n as f64)
    }

    /// Sends the writing of `metrics.csv`, `timings.csv` and the figure, as they are now.
    fn record(&mut self) -> anyhow::Result<()> {
        let (run, figure) = (self.run.clone(), self.run.file(&self.figure));
        let (history, timings, num_epochs) =
            (self.history.clone(), self.timings.clone(), self.num_epochs);
        self.writer.send(Box::new(move || {
            run.write_csv("metrics.csv", &history)?;
            run.write_csv("timings.csv", &timings)?;
            training_figure(&history, num_epochs).save(figure)?;
            Ok(())
        }))
    }

    /// The checkpoint in the run folder, loaded into `params`, and the rows of
    /// `timings.csv` up to its last epoch; `None` when the run stopped before its first
    /// checkpoint.
    fn load_checkpoint(&mut self, params: &[(String, Var)]) -> Result<Option<TrainState>, String> {
        let path = self.run.file(checkpoint::FILE);
        if !path.exists() {
            // Stopped before its first epoch ended: it starts again from the seed.
            return Ok(None);
        }
        let device = match params.first() {
            Some((_, v)) => v.device().clone(),
            None => candle_core::Device::Cpu,
        };
        let bytes = checkpoint::read_bytes(&path, checkpoint::max_bytes(params))?;
        let saved = checkpoint::decode(&bytes, &device)?;
        checkpoint::load_into(&saved, params)?;
        let state = saved.state.ok_or("it holds no training state")?;
        agrees_with_metrics(&state.history, &self.run.file("metrics.csv"))?;
        let done = state.history.len();
        self.timings = csv::Reader::from_path(self.run.file("timings.csv"))
            .map(|mut r| r.deserialize().filter_map(|t| t.ok()).collect())
            .unwrap_or_default();
        self.timings.retain(|t: &Timing| t.epoch <= done);
        Ok(Some(state))
    }
}

/// Checks a checkpoint's training state against the run's `metrics.csv`: its epochs must be
/// the file's first rows, value for value, and the file may hold at most one epoch more (a
/// crash between writing that epoch's metrics and its checkpoint). Anything else (an emptied
/// or edited history, edited metrics) would resume a run that is not the one recorded.
fn agrees_with_metrics(history: &[EpochMetrics], metrics: &std::path::Path) -> Result<(), String> {
    let recorded: Vec<EpochMetrics> = match csv::Reader::from_path(metrics) {
        Ok(mut reader) => reader
            .deserialize()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{} cannot be read back: {e}", metrics.display()))?,
        Err(_) if history.is_empty() => return Ok(()),
        Err(e) => {
            return Err(format!(
                "its training state records {} epoch(s), and {} cannot be read ({e})",
                history.len(),
                metrics.display()
            ));
        }
    };
    let (saved, listed) = (history.len(), recorded.len());
    if listed < saved || listed > saved + 1 {
        return Err(format!(
            "its training state records {saved} epoch(s), and {} lists {listed}: they must \
             agree (the folder was edited)",
            metrics.display()
        ));
    }
    match history.iter().zip(&recorded).find(|(a, b)| a != b) {
        Some((a, _)) => Err(format!(
            "epoch {} of its training state differs from that row of {} (the folder was edited)",
            a.epoch,
            metrics.display()
        )),
        None => Ok(()),
    }
}

/// A harness error as the core's reporting error.
fn report(e: anyhow::Error) -> d2l_core::Error {
    d2l_core::Error::Report(e.into())
}

impl Reporter for Animator {
    fn on_start(&mut self, num_epochs: usize, _num_batches: usize) {
        self.num_epochs = num_epochs;
        self.history.clear();
        self.timings.clear();
        self.epoch_mark = Instant::now();
    }

    /// A resumed run (`--resume`) continues from the checkpoint in its folder: its
    /// parameters, the loader's and the model's generators, and its epochs.
    fn resume(&mut self, state: TrainingState<'_>) -> d2l_core::Result<Vec<EpochMetrics>> {
        if !self.resuming {
            return Ok(Vec::new());
        }
        let path = self.run.file(checkpoint::FILE);
        let refuse = |why: String| d2l_core::Error::Resume(format!("{}: {why}", path.display()));
        let Some(saved) = self.load_checkpoint(state.params).map_err(refuse)? else {
            return Ok(Vec::new());
        };
        state.loader.restore_shuffle(saved.shuffle.as_ref())?;
        state.generators.restore_generators(&saved.model_rngs)?;
        self.history.clone_from(&saved.history);
        Ok(saved.history)
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> d2l_core::Result<()> {
        self.history.push(*metrics);
        let now = Instant::now();
        self.timings.push(Timing {
            epoch: metrics.epoch,
            seconds: metrics.seconds,
            wall_seconds: (now - self.epoch_mark).as_secs_f64(),
        });
        self.epoch_mark = now;
        self.record().map_err(report)
    }

    fn on_checkpoint(
        &mut self,
        history: &[EpochMetrics],
        state: TrainingState<'_>,
    ) -> d2l_core::Result<()> {
        let saved = TrainState {
            history: history.to_vec(),
            shuffle: state.loader.shuffle_state(),
            model_rngs: state.generators.generator_states(),
        };
        // The parameters as they are now, encoded here; written by the writer thread.
        let bytes = checkpoint::encode(state.params, Some(&saved)).map_err(report)?;
        let run = self.run.clone();
        self.writer
            .send(Box::new(move || {
                run.write_bytes(checkpoint::FILE, &bytes)?;
                Ok(())
            }))
            .map_err(report)
    }
}

/// Records a regression run of sections 4.4 and 4.5: `<name>.csv` (epoch, train and test
/// loss) and its loss `figure` as `<name>.svg/.png`.
pub fn record_losses(
    dir: &RunDir,
    name: &str,
    records: &[d2l_core::train::LossRecord],
    figure: d2l_plot::LinePlot,
) -> anyhow::Result<()> {
    dir.write_csv(&format!("{name}.csv"), records)?;
    figure.save(dir.file(name))?;
    Ok(())
}
