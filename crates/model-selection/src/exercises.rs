//! Exercise 2 of 4.4 as features: the final train and test loss against the polynomial degree
//! (0..19) and against the number of training examples.

use candle_core::Device;
use d2l_core::Result;
use d2l_core::train::final_losses;
use d2l_plot::{LinePlot, Scale};
use serde::Serialize;

use crate::{Config, Fit, MAX_DEGREE, PolyData, train};

/// Final losses of one fit in a sweep (NaN, and `diverged`, when the fit diverged: the
/// sweep records it and goes on).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SweepPoint {
    /// The swept value (degree or number of training examples).
    pub x: usize,
    /// The fit diverged.
    pub diverged: bool,
    /// Final training loss.
    pub train_loss: f64,
    /// Final test loss.
    pub test_loss: f64,
}

/// Fits polynomials of every degree 0..=19 (1..=20 features) for `num_epochs` each.
pub fn loss_vs_degree(
    data: &PolyData,
    num_epochs: usize,
    config: &Config,
) -> Result<Vec<SweepPoint>> {
    (0..MAX_DEGREE)
        .map(|degree| {
            let fit = Fit {
                name: format!("degree {degree}"),
                num_features: degree + 1,
                num_epochs,
            };
            point(degree, train(data, &fit, config, &mut ()))
        })
        .collect()
}

/// Fits `num_features` features on fresh data sets of each training size (100 test examples),
/// on `device`.
pub fn loss_vs_train_size(
    sizes: &[usize],
    num_features: usize,
    num_epochs: usize,
    config: &Config,
    device: &Device,
) -> Result<Vec<SweepPoint>> {
    sizes
        .iter()
        .map(|&n| {
            let data = PolyData::generate_sized(n, 100, config.seed, device)?;
            let fit = Fit {
                name: format!("{n} examples"),
                num_features,
                num_epochs,
            };
            point(n, train(&data, &fit, config, &mut ()))
        })
        .collect()
}

/// The sweep's point at `x` from the fit's outcome: its final losses, or diverged.
fn point(x: usize, fit: Result<crate::FitResult>) -> Result<SweepPoint> {
    let (diverged, (train_loss, test_loss)) = match fit {
        Ok(fit) => (false, final_losses(&fit.records)?),
        Err(d2l_core::Error::Diverged { .. }) => (true, (f64::NAN, f64::NAN)),
        Err(e) => return Err(e),
    };
    Ok(SweepPoint {
        x,
        diverged,
        train_loss,
        test_loss,
    })
}

/// Train and test loss against the swept value, log y (and log x for sizes), over the fits
/// that did not diverge.
pub fn sweep_figure(points: &[SweepPoint], xlabel: &str, xscale: Scale) -> LinePlot {
    let points: Vec<&SweepPoint> = points.iter().filter(|p| !p.diverged).collect();
    let x: Vec<f64> = points.iter().map(|p| p.x as f64).collect();
    let train: Vec<f64> = points.iter().map(|p| p.train_loss).collect();
    let test: Vec<f64> = points.iter().map(|p| p.test_loss).collect();
    LinePlot::new()
        .xlabel(xlabel)
        .ylabel("loss")
        .xscale(xscale)
        .yscale(Scale::Log)
        .markers(true)
        .figsize(4.5, 2.5)
        .series_fmt("train", &x, &train, "-")
        .series_fmt("test", &x, &test, "m--")
}
