//! Exercise 2 of 4.4 as features: the final train and test loss against the polynomial degree
//! (0..19) and against the number of training examples.

use candle_core::Device;
use d2l_core::Result;
use d2l_core::train::final_losses;
use d2l_plot::{LinePlot, Scale};
use serde::Serialize;

use crate::{Config, Fit, MAX_DEGREE, PolyData, train};

/// Final losses of one fit in a sweep.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SweepPoint {
    /// The swept value (degree or number of training examples).
    pub x: usize,
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
            let (train_loss, test_loss) =
                final_losses(&train(data, &fit, config, &mut ())?.records)?;
            Ok(SweepPoint {
                x: degree,
                train_loss,
                test_loss,
            })
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
            let (train_loss, test_loss) =
                final_losses(&train(&data, &fit, config, &mut ())?.records)?;
            Ok(SweepPoint {
                x: n,
                train_loss,
                test_loss,
            })
        })
        .collect()
}

/// Train and test loss against the swept value, log y (and log x for sizes).
pub fn sweep_figure(points: &[SweepPoint], xlabel: &str, xscale: Scale) -> LinePlot {
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
