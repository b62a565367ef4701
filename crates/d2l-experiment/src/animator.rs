//! The book's `Animator` for `train_ch3`, as files: after every epoch it rewrites
//! `metrics.csv` and the training figure, so a viewer that reloads the PNG or SVG watches the
//! curves grow, and a run that stops early still leaves complete records of the epochs it
//! finished. It also keeps the model's parameters, to write the checkpoint wherever the run
//! ends.

use candle_core::Var;
use d2l_core::train::{EpochMetrics, Reporter};
use d2l_plot::{Figure, training_figure};

use crate::run_dir::RunDir;

/// A [`Reporter`] that keeps the run's `metrics.csv` and `<figure>.svg/.png` up to date.
pub struct Animator {
    run: RunDir,
    figure: String,
    num_epochs: usize,
    history: Vec<EpochMetrics>,
    params: Vec<(String, Var)>,
}

impl Animator {
    /// Writes `metrics.csv` and `<figure>.svg/.png` into `run` after every epoch.
    pub fn new(run: RunDir, figure: impl Into<String>) -> Self {
        Self {
            run,
            figure: figure.into(),
            num_epochs: 0,
            history: Vec::new(),
            params: Vec::new(),
        }
    }

    /// The epochs recorded so far.
    pub fn history(&self) -> &[EpochMetrics] {
        &self.history
    }

    /// Writes the model's parameters as they are now to `model.safetensors`.
    pub fn save_checkpoint(&self) -> anyhow::Result<()> {
        self.run
            .write_safetensors("model.safetensors", &self.params)?;
        Ok(())
    }

    fn record(&self) -> anyhow::Result<()> {
        self.run.write_csv("metrics.csv", &self.history)?;
        training_figure(&self.history, self.num_epochs).save(self.run.file(&self.figure))?;
        Ok(())
    }
}

impl Reporter for Animator {
    fn on_start(&mut self, num_epochs: usize, _num_batches: usize, params: &[(String, Var)]) {
        self.num_epochs = num_epochs;
        self.history.clear();
        self.params = params.to_vec();
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> d2l_core::Result<()> {
        self.history.push(*metrics);
        self.record().map_err(|e| d2l_core::Error::Report(e.into()))
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
