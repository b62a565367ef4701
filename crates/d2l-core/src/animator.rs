//! The book's `Animator` for `train_ch3`: after every epoch it rewrites `metrics.csv` and the
//! training figure (train loss, train acc, test acc against epoch; x from 1 to the epoch count,
//! y from 0.3 to 0.9), so a viewer that reloads the PNG or SVG watches the curves grow, and a
//! run that stops early still leaves complete records of the epochs it finished.

use crate::error::Result;
use crate::plot::{LegendPosition, LinePlot};
use crate::report::RunDir;
use crate::train::{EpochMetrics, Reporter};

/// Header of the classifier `metrics.csv`.
pub const METRICS_HEADER: [&str; 5] = ["epoch", "train_loss", "train_acc", "test_acc", "seconds"];

/// A [`Reporter`] that keeps the run's metrics file and training figure up to date.
pub struct Animator {
    run: RunDir,
    figure: String,
    num_epochs: usize,
    history: Vec<EpochMetrics>,
}

impl Animator {
    /// Writes `metrics.csv` and `<figure>.svg/.png` into `run` after every epoch.
    pub fn new(run: RunDir, figure: impl Into<String>, num_epochs: usize) -> Self {
        Self {
            run,
            figure: figure.into(),
            num_epochs,
            history: Vec::new(),
        }
    }

    /// The epochs recorded so far.
    pub fn history(&self) -> &[EpochMetrics] {
        &self.history
    }
}

/// The `train_ch3` figure for the given epochs: the book's series, styles and limits.
pub fn training_figure(history: &[EpochMetrics], num_epochs: usize) -> LinePlot {
    let x: Vec<f64> = history.iter().map(|m| m.epoch as f64).collect();
    let pick = |f: fn(&EpochMetrics) -> f64| history.iter().map(f).collect::<Vec<f64>>();
    LinePlot::new()
        .xlabel("epoch")
        .xlim(1.0, num_epochs.max(2) as f64)
        .ylim(0.3, 0.9)
        .legend_position(LegendPosition::MiddleRight)
        .series_fmt("train loss", &x, &pick(|m| m.train_loss), "-")
        .series_fmt("train acc", &x, &pick(|m| m.train_acc), "m--")
        .series_fmt("test acc", &x, &pick(|m| m.test_acc), "g-.")
}

/// Writes the classifier metrics table (one row per epoch) into `run` as `name`.
pub fn write_metrics_csv(run: &RunDir, name: &str, history: &[EpochMetrics]) -> Result<()> {
    let rows: Vec<Vec<String>> = history
        .iter()
        .map(|m| {
            vec![
                m.epoch.to_string(),
                format!("{:.6}", m.train_loss),
                format!("{:.6}", m.train_acc),
                format!("{:.6}", m.test_acc),
                format!("{:.3}", m.seconds),
            ]
        })
        .collect();
    run.write_csv(name, &METRICS_HEADER, &rows)?;
    Ok(())
}

impl Reporter for Animator {
    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        self.history.push(*metrics);
        write_metrics_csv(&self.run, "metrics.csv", &self.history)?;
        training_figure(&self.history, self.num_epochs).save(self.run.file(&self.figure))?;
        Ok(())
    }
}

/// The loss figure of sections 4.4 and 4.5: train (solid blue) and test (magenta dashed)
/// loss against epoch on a log y axis.
pub fn loss_figure(
    records: &[crate::train::LossRecord],
    xlabel: &str,
    xlim: (f64, f64),
) -> LinePlot {
    let x: Vec<f64> = records.iter().map(|r| r.epoch as f64).collect();
    let train: Vec<f64> = records.iter().map(|r| r.train_loss).collect();
    let test: Vec<f64> = records.iter().map(|r| r.test_loss).collect();
    LinePlot::new()
        .xlabel(xlabel)
        .ylabel("loss")
        .yscale(crate::plot::Scale::Log)
        .xlim(xlim.0, xlim.1)
        .series_fmt("train", &x, &train, "-")
        .series_fmt("test", &x, &test, "m--")
}

/// Writes a regression run's records (`epoch,train_loss,test_loss`) into `run` as `name`.
pub fn write_loss_csv(
    run: &RunDir,
    name: &str,
    records: &[crate::train::LossRecord],
) -> Result<()> {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                r.epoch.to_string(),
                format!("{:.6e}", r.train_loss),
                format!("{:.6e}", r.test_loss),
            ]
        })
        .collect();
    run.write_csv(name, &["epoch", "train_loss", "test_loss"], &rows)?;
    Ok(())
}
