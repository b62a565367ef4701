//! Exercises 1 and 2 of 4.5: train and test loss against λ, and λ chosen on a validation set
//! drawn from the same distribution (never on the test set).

use d2l_core::Result;
use d2l_core::train::final_losses;
use d2l_plot::{LinePlot, Scale};
use serde::Serialize;

use crate::{Config, Data, Variant, train};

/// The book-suggested grid of λ values.
pub const DEFAULT_LAMBDAS: [f64; 7] = [0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0];

/// Final losses at one λ (NaN, and `diverged`, when training at that λ diverged).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LambdaPoint {
    /// λ.
    pub lambda: f64,
    /// Training diverged at this λ: the sweep recorded it and went on.
    pub diverged: bool,
    /// ‖w‖₂ after training.
    pub w_l2_norm: f64,
    /// Final training loss.
    pub train_loss: f64,
    /// Final loss on the validation set (used to choose λ).
    pub validation_loss: f64,
    /// Final test loss.
    pub test_loss: f64,
}

/// The sweep and the λ it chose.
#[derive(Clone, Debug, Serialize)]
pub struct LambdaSweep {
    /// One point per λ.
    pub points: Vec<LambdaPoint>,
    /// The λ with the lowest validation loss.
    pub chosen_lambda: f64,
    /// Its test loss.
    pub chosen_test_loss: f64,
}

/// Trains `variant` at every λ and picks the one with the lowest validation loss. The
/// validation set has `config.n_test` examples drawn independently of the train and test sets.
/// A λ whose training diverges is recorded as diverged, and the sweep goes on.
pub fn lambda_sweep(
    data: &Data,
    variant: Variant,
    lambdas: &[f64],
    config: &Config,
) -> Result<LambdaSweep> {
    let validation_config = Config {
        seed: config.seed.wrapping_add(1_000),
        ..config.clone()
    };
    let validation = Data::generate(&validation_config, data.train.0.device())?.test;
    let mut points = Vec::with_capacity(lambdas.len());
    for &lambda in lambdas {
        let run = match train(data, variant, lambda, config, &mut ()) {
            Err(d2l_core::Error::Diverged { .. }) => {
                points.push(LambdaPoint {
                    lambda,
                    diverged: true,
                    w_l2_norm: f64::NAN,
                    train_loss: f64::NAN,
                    validation_loss: f64::NAN,
                    test_loss: f64::NAN,
                });
                continue;
            }
            run => run?,
        };
        let (train_loss, test_loss) = final_losses(&run.records)?;
        let validation_loss = run.loss_on(&validation.0, &validation.1)?;
        points.push(LambdaPoint {
            lambda,
            diverged: false,
            w_l2_norm: run.w_l2_norm,
            train_loss,
            validation_loss,
            test_loss,
        });
    }
    let best = points
        .iter()
        .filter(|p| !p.diverged)
        .min_by(|a, b| a.validation_loss.total_cmp(&b.validation_loss))
        .copied()
        .ok_or(d2l_core::Error::Empty(
            "the λ sweep's values that trained without diverging",
        ))?;
    Ok(LambdaSweep {
        points,
        chosen_lambda: best.lambda,
        chosen_test_loss: best.test_loss,
    })
}

/// Train, validation and test loss against λ (log axes; λ = 0 is listed in the table only).
pub fn lambda_figure(sweep: &LambdaSweep) -> LinePlot {
    let pts: Vec<&LambdaPoint> = sweep
        .points
        .iter()
        .filter(|p| p.lambda > 0.0 && !p.diverged)
        .collect();
    let x: Vec<f64> = pts.iter().map(|p| p.lambda).collect();
    let col = |f: fn(&LambdaPoint) -> f64| pts.iter().map(|p| f(p)).collect::<Vec<f64>>();
    LinePlot::new()
        .xlabel("lambda")
        .ylabel("loss")
        .xscale(Scale::Log)
        .yscale(Scale::Log)
        .markers(true)
        .figsize(4.5, 3.0)
        .series_fmt("train", &x, &col(|p| p.train_loss), "-")
        .series_fmt("validation", &x, &col(|p| p.validation_loss), "g-.")
        .series_fmt("test", &x, &col(|p| p.test_loss), "m--")
}
