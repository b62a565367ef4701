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

/// The `train_ch3` figure of the first of `runs` (seed 0, say), over a band per curve that
/// spans every run's values at each epoch: how much of a curve's wiggle the seed decides.
/// Epochs are matched by number; an epoch some run lacks is left out of the bands.
pub fn seed_band_figure(runs: &[Vec<EpochMetrics>], num_epochs: usize) -> LinePlot {
    let Some(first) = runs.first() else {
        return training_figure(&[], num_epochs);
    };
    let epochs: Vec<usize> = first
        .iter()
        .map(|m| m.epoch)
        .filter(|&e| runs.iter().all(|r| r.iter().any(|m| m.epoch == e)))
        .collect();
    let x: Vec<f64> = epochs.iter().map(|&e| e as f64).collect();
    let spread = |f: fn(&EpochMetrics) -> f64| -> (Vec<f64>, Vec<f64>) {
        epochs
            .iter()
            .map(|&e| {
                let values = runs
                    .iter()
                    .filter_map(|r| r.iter().find(|m| m.epoch == e).map(f));
                values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
            })
            .unzip()
    };
    type Metric = fn(&EpochMetrics) -> f64;
    let metrics: [(Metric, &str); 3] = [
        (|m| m.train_loss, "-"),
        (|m| m.train_acc, "m"),
        (|m| m.test_acc, "g"),
    ];
    metrics
        .into_iter()
        .fold(training_figure(first, num_epochs), |figure, (f, color)| {
            let (low, high) = spread(f);
            figure.band(&x, &low, &high, color)
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Figure;

    #[test]
    fn the_seed_band_figure_draws_seed_zero_over_one_band_per_curve() {
        let run = |shift: f64| -> Vec<EpochMetrics> {
            (1..=3)
                .map(|epoch| EpochMetrics {
                    epoch,
                    train_loss: 0.6 - 0.05 * epoch as f64 + shift,
                    train_acc: 0.7 + 0.05 * epoch as f64,
                    test_acc: 0.68 + 0.05 * epoch as f64 - shift,
                    seconds: 0.0,
                })
                .collect()
        };
        let figure = seed_band_figure(&[run(0.0), run(0.02), run(-0.01)], 3);
        assert_eq!(figure.series_list().len(), 3);
        let (x, y) = figure.series_list()[2].points[0];
        assert!(x == 1.0 && (y - 0.73).abs() < 1e-12, "seed 0 drawn: {y}");
        let svg = figure.to_svg().unwrap();
        assert_eq!(svg.matches("<polygon").count(), 3, "one band per curve");
    }
}
