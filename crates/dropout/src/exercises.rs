//! The section's exercises as features:
//!
//! - [`rate_grid`]: test accuracy for a grid of dropout rates (the same p on both layers,
//!   or any `(p1, p2)` pairs, e.g. the swapped rates (0.5, 0.2));
//! - [`compare_with_without`]: the same network trained with and without dropout for more
//!   epochs, recording the train/test accuracy gap and the variance of each hidden layer's
//!   activations (in training mode, so with the dropout noise) after every epoch.

use d2l_core::classifier::Summary;
use d2l_core::metrics::evaluate_accuracy;
use d2l_core::train::Reporter;
use d2l_core::{Result, loss, train};
use d2l_plot::{LegendPosition, LinePlot};
use fashion_mnist::FashionMnist;
use serde::Serialize;

use crate::{Config, Variant, build, optimizer, run};

/// One trained pair of rates: its final numbers, or the divergence that stopped it.
#[derive(Clone, Debug, Serialize)]
pub struct RatePoint {
    /// Dropout after the first hidden layer.
    pub dropout1: f64,
    /// Dropout after the second hidden layer.
    pub dropout2: f64,
    /// Final numbers (none when training diverged).
    #[serde(flatten)]
    pub summary: Option<Summary>,
    /// Why training stopped, when it diverged.
    pub diverged: Option<String>,
}

/// Trains one model per `(p1, p2)` pair, telling `reporter` which pair trains before each. A
/// pair whose training diverges is recorded as such, and the grid goes on.
pub fn rate_grid<R: Reporter + ?Sized>(
    config: &Config,
    variant: Variant,
    pairs: &[(f64, f64)],
    data: &FashionMnist,
    reporter: &mut R,
) -> Result<Vec<RatePoint>> {
    pairs
        .iter()
        .map(|&(dropout1, dropout2)| {
            reporter.on_note(&format!("dropout ({dropout1}, {dropout2})"));
            let c = Config {
                dropout1,
                dropout2,
                ..config.clone()
            };
            let (summary, diverged) = match run(&c, variant, data, reporter) {
                Ok((_, summary)) => (Some(summary), None),
                Err(e @ d2l_core::Error::Diverged { .. }) => (None, Some(e.to_string())),
                Err(e) => return Err(e),
            };
            Ok(RatePoint {
                dropout1,
                dropout2,
                summary,
                diverged,
            })
        })
        .collect()
}

/// Train and test accuracy against the dropout rate (for a grid with p1 = p2), over the pairs
/// that trained to the end.
pub fn rate_figure(points: &[RatePoint]) -> LinePlot {
    let finished: Vec<(f64, &Summary)> = points
        .iter()
        .filter_map(|p| Some((p.dropout1, p.summary.as_ref()?)))
        .collect();
    let x: Vec<f64> = finished.iter().map(|(p, _)| *p).collect();
    let col = |f: fn(&Summary) -> f64| finished.iter().map(|(_, s)| f(s)).collect::<Vec<f64>>();
    LinePlot::new()
        .xlabel("dropout p (both layers)")
        .ylabel("accuracy")
        .markers(true)
        .legend_position(LegendPosition::LowerLeft)
        .series_fmt("train acc", &x, &col(|s| s.train_acc), "m--")
        .series_fmt("test acc", &x, &col(|s| s.test_acc), "g-.")
}

/// One epoch of the with/without comparison.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CompareRow {
    /// Whether this model uses dropout.
    pub dropout: bool,
    /// 1-based epoch.
    pub epoch: usize,
    /// Training loss over the epoch.
    pub train_loss: f64,
    /// Training accuracy over the epoch.
    pub train_acc: f64,
    /// Test accuracy after the epoch.
    pub test_acc: f64,
    /// Variance of the first hidden layer's activations (training mode).
    pub var_hidden1: f64,
    /// Variance of the second hidden layer's activations (training mode).
    pub var_hidden2: f64,
}

/// Trains the model of `config` and the same model without dropout for `config.num_epochs`.
pub fn compare_with_without(
    config: &Config,
    variant: Variant,
    data: &FashionMnist,
) -> Result<Vec<CompareRow>> {
    let probe = data.train.images.narrow(0, 0, 1024)?;
    let mut rows = Vec::new();
    for with in [true, false] {
        let c = if with {
            config.clone()
        } else {
            Config {
                dropout1: 0.0,
                dropout2: 0.0,
                ..config.clone()
            }
        };
        let net = build(&c, variant, data.device())?;
        let (mut train_iter, mut test_iter) = data.loaders(c.batch_size, c.seed.wrapping_add(1))?;
        let mut sgd = optimizer(&net, &c)?;
        for epoch in 1..=c.num_epochs {
            let mut checks = train::batch_checks((), epoch, train_iter.num_batches(), c.lr);
            let (train_loss, train_acc) = train::train_epoch_ch3(
                &net,
                &mut train_iter,
                &loss::cross_entropy,
                &mut sgd,
                &mut checks,
            )?;
            let test_acc = evaluate_accuracy(&net, &mut test_iter)?;
            let [h1, h2, _] = net.forward_all(&probe, true)?;
            let var = |h: &candle_core::Tensor| -> Result<f64> {
                let centred = h.broadcast_sub(&h.mean_all()?)?;
                Ok(centred.sqr()?.mean_all()?.to_scalar::<f32>()? as f64)
            };
            rows.push(CompareRow {
                dropout: with,
                epoch,
                train_loss,
                train_acc,
                test_acc,
                var_hidden1: var(&h1)?,
                var_hidden2: var(&h2)?,
            });
        }
    }
    Ok(rows)
}

fn series(rows: &[CompareRow], with: bool, f: fn(&CompareRow) -> f64) -> (Vec<f64>, Vec<f64>) {
    rows.iter()
        .filter(|r| r.dropout == with)
        .map(|r| (r.epoch as f64, f(r)))
        .unzip()
}

/// Train accuracy minus test accuracy per epoch, with and without dropout.
pub fn gap_figure(rows: &[CompareRow]) -> LinePlot {
    let (x1, y1) = series(rows, true, |r| r.train_acc - r.test_acc);
    let (x0, y0) = series(rows, false, |r| r.train_acc - r.test_acc);
    LinePlot::new()
        .xlabel("epoch")
        .ylabel("train acc - test acc")
        .legend_position(LegendPosition::UpperLeft)
        .series_fmt("with dropout", &x1, &y1, "-")
        .series_fmt("without dropout", &x0, &y0, "m--")
}

/// Hidden-activation variance per epoch, both layers, with and without dropout.
pub fn variance_figure(rows: &[CompareRow]) -> LinePlot {
    let (x, a) = series(rows, true, |r| r.var_hidden1);
    let (_, b) = series(rows, true, |r| r.var_hidden2);
    let (_, c) = series(rows, false, |r| r.var_hidden1);
    let (_, d) = series(rows, false, |r| r.var_hidden2);
    LinePlot::new()
        .xlabel("epoch")
        .ylabel("activation variance")
        .figsize(4.5, 3.0)
        .legend_position(LegendPosition::LowerRight)
        .series_fmt("hidden 1, dropout", &x, &a, "-")
        .series_fmt("hidden 2, dropout", &x, &b, "g-.")
        .series_fmt("hidden 1, none", &x, &c, "m--")
        .series_fmt("hidden 2, none", &x, &d, "r:")
}
