//! The book's `Animator` for `train_ch3`, as files: after every epoch it rewrites
//! `metrics.csv`, `timings.csv` and the training figure, so a viewer that reloads the PNG or
//! SVG watches the curves grow, and saves the checkpoint (`model.safetensors`, parameters and
//! training state), so a run that stops at any moment keeps complete records of the epochs
//! it finished and resumes from the last of them.

use candle_core::Var;
use d2l_core::train::{EpochMetrics, Reporter, TrainState};
use d2l_plot::{Figure, training_figure};
use serde::{Deserialize, Serialize};

use crate::checkpoint;
use crate::run_dir::RunDir;

/// A [`Reporter`] that keeps the run's records and checkpoint up to date.
pub struct Animator {
    run: RunDir,
    figure: String,
    resuming: bool,
    num_epochs: usize,
    history: Vec<EpochMetrics>,
    timings: Vec<Timing>,
    params: Vec<(String, Var)>,
}

/// One row of `timings.csv`. Kept apart from `metrics.csv`, which holds only what the seed
/// decides.
#[derive(Serialize, Deserialize)]
struct Timing {
    epoch: usize,
    seconds: f64,
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
            params: Vec::new(),
        }
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

    fn record(&self) -> anyhow::Result<()> {
        self.run.write_csv("metrics.csv", &self.history)?;
        self.run.write_csv("timings.csv", &self.timings)?;
        training_figure(&self.history, self.num_epochs).save(self.run.file(&self.figure))?;
        Ok(())
    }

    /// The checkpoint in the run folder, loaded into the model's parameters, and the rows of
    /// `timings.csv` up to its last epoch.
    fn load_checkpoint(&mut self) -> Result<Option<TrainState>, String> {
        let path = self.run.file(checkpoint::FILE);
        if !path.exists() {
            // Stopped before its first epoch ended: it starts again from the seed.
            return Ok(None);
        }
        let device = match self.params.first() {
            Some((_, v)) => v.device().clone(),
            None => candle_core::Device::Cpu,
        };
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let saved = checkpoint::decode(&bytes, &device)?;
        checkpoint::load_into(&saved, &self.params)?;
        let state = saved.state.ok_or("it holds no training state")?;
        let done = state.history.len();
        self.timings = csv::Reader::from_path(self.run.file("timings.csv"))
            .map(|mut r| r.deserialize().filter_map(|t| t.ok()).collect())
            .unwrap_or_default();
        self.timings.retain(|t: &Timing| t.epoch <= done);
        Ok(Some(state))
    }
}

/// A harness error as the core's reporting error.
fn report(e: anyhow::Error) -> d2l_core::Error {
    d2l_core::Error::Report(e.into())
}

impl Reporter for Animator {
    fn on_start(&mut self, num_epochs: usize, _num_batches: usize, params: &[(String, Var)]) {
        self.num_epochs = num_epochs;
        self.history.clear();
        self.timings.clear();
        self.params = params.to_vec();
    }

    fn resume(&mut self) -> d2l_core::Result<Option<TrainState>> {
        if !self.resuming {
            return Ok(None);
        }
        let path = self.run.file(checkpoint::FILE);
        let state = self
            .load_checkpoint()
            .map_err(|why| d2l_core::Error::Resume(format!("{}: {why}", path.display())))?;
        if let Some(state) = &state {
            self.history.clone_from(&state.history);
        }
        Ok(state)
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> d2l_core::Result<()> {
        self.history.push(*metrics);
        self.timings.push(Timing {
            epoch: metrics.epoch,
            seconds: metrics.seconds,
        });
        self.record().map_err(report)
    }

    fn on_checkpoint(&mut self, state: &TrainState) -> d2l_core::Result<()> {
        let bytes = checkpoint::encode(&self.params, Some(state)).map_err(report)?;
        self.run
            .write_bytes(checkpoint::FILE, &bytes)
            .map_err(report)?;
        Ok(())
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
