//! The book's training figures: `train_ch3`'s animator figure and the loss curves of
//! sections 4.4 and 4.5.

use d2l_core::train::{EpochMetrics, LossRecord};

use crate::line::{LegendPosition, LinePlot};
use crate::style::Scale;

/// The `train_ch3` figure for the given epochs: train loss (solid), train accuracy (magenta
/// dashed) and test accuracy (green dash-dot) against epoch, x from 1 to `num_epochs`, y from
/// 0.3 to 0.9, as the book's `Animator` draws it.
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

/// The loss figure of sections 4.4 and 4.5: train (solid blue) and test (magenta dashed)
/// loss against epoch on a log y axis.
pub fn loss_figure(records: &[LossRecord], xlabel: &str, xlim: (f64, f64)) -> LinePlot {
    let x: Vec<f64> = records.iter().map(|r| r.epoch as f64).collect();
    let train: Vec<f64> = records.iter().map(|r| r.train_loss).collect();
    let test: Vec<f64> = records.iter().map(|r| r.test_loss).collect();
    LinePlot::new()
        .xlabel(xlabel)
        .ylabel("loss")
        .yscale(Scale::Log)
        .xlim(xlim.0, xlim.1)
        .series_fmt("train", &x, &train, "-")
        .series_fmt("test", &x, &test, "m--")
}
