//! The section's exercises as a feature: train one configuration per point of a grid over
//! hidden width, learning rate and number of hidden layers (or a random sample of that grid),
//! then compare them in a table and a figure of test accuracy per configuration.

use d2l_core::classifier::Summary;
use d2l_core::train::Reporter;
use d2l_core::{Result, rng, validate};
use d2l_plot::{LegendPosition, LinePlot, Scale};
use fashion_mnist::FashionMnist;
use serde::Serialize;

use crate::{Config, run};

/// The values to try for each hyperparameter (an empty list keeps the base configuration's
/// value). These are the binary's `--sweep-*` flags, which train, so `--eval-only` refuses
/// them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Sweep {
    /// Sweep: hidden widths to try, e.g. 16,64,256,1024.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', conflicts_with = "eval_only")
    )]
    pub sweep_hiddens: Vec<usize>,
    /// Sweep: learning rates to try, e.g. 0.03,0.1,0.3.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', conflicts_with = "eval_only")
    )]
    pub sweep_lrs: Vec<f64>,
    /// Sweep: numbers of hidden layers to try, e.g. 1,2,3.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', conflicts_with = "eval_only")
    )]
    pub sweep_layers: Vec<usize>,
    /// Random search: train only N configurations drawn from the sweep grid.
    #[cfg_attr(feature = "cli", arg(long, conflicts_with = "eval_only"))]
    pub random_search: Option<usize>,
}

/// One trained configuration, a row of the comparison. A configuration that diverged is
/// recorded as such (its last loss, no accuracies), and the sweep goes on.
#[derive(Clone, Debug, Serialize)]
pub struct SweepResult {
    /// `finished` or `diverged`.
    pub status: &'static str,
    /// Hidden width.
    pub num_hiddens: usize,
    /// Hidden layers.
    pub num_layers: usize,
    /// Learning rate.
    pub lr: f64,
    /// Last epoch's mean training loss (for a diverged run, the loss that diverged).
    pub train_loss: f64,
    /// Last epoch's training accuracy.
    pub train_acc: Option<f64>,
    /// Test accuracy after the last epoch.
    pub test_acc: Option<f64>,
    /// Mean wall-clock seconds per epoch trained.
    pub seconds_per_epoch: f64,
}

impl SweepResult {
    /// The row of `config`, from its run's outcome and the wall-clock seconds it took.
    fn new(config: &Config, outcome: Result<Summary>, seconds: f64) -> Result<Self> {
        let (status, train_loss, accuracies, epochs) = match outcome {
            Ok(s) => (
                "finished",
                s.train_loss,
                Some((s.train_acc, s.test_acc)),
                s.epochs,
            ),
            Err(d2l_core::Error::Diverged { epoch, loss, .. }) => ("diverged", loss, None, epoch),
            Err(e) => return Err(e),
        };
        Ok(Self {
            status,
            num_hiddens: config.num_hiddens,
            num_layers: config.num_layers,
            lr: config.lr,
            train_loss,
            train_acc: accuracies.map(|a| a.0),
            test_acc: accuracies.map(|a| a.1),
            seconds_per_epoch: seconds / epochs.max(1) as f64,
        })
    }
}

impl Sweep {
    /// True when no sweep was asked for.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks every value of the grid.
    pub fn validate(&self) -> Result<()> {
        for &h in &self.sweep_hiddens {
            validate::positive_usize("sweep_hiddens", h)?;
        }
        for &l in &self.sweep_layers {
            validate::positive_usize("sweep_layers", l)?;
        }
        for &lr in &self.sweep_lrs {
            validate::positive_f64("sweep_lrs", lr)?;
        }
        if let Some(n) = self.random_search {
            validate::positive_usize("random_search", n)?;
        }
        Ok(())
    }

    /// Every configuration of the grid (or the random sample of it), built on `base`.
    pub fn configs(&self, base: &Config) -> Result<Vec<Config>> {
        self.validate()?;
        let or = |v: &[usize], d: usize| if v.is_empty() { vec![d] } else { v.to_vec() };
        let lrs = if self.sweep_lrs.is_empty() {
            vec![base.lr]
        } else {
            self.sweep_lrs.clone()
        };
        let mut grid = Vec::new();
        for num_layers in or(&self.sweep_layers, base.num_layers) {
            for &lr in &lrs {
                for num_hiddens in or(&self.sweep_hiddens, base.num_hiddens) {
                    grid.push(Config {
                        num_hiddens,
                        num_layers,
                        lr,
                        ..base.clone()
                    });
                }
            }
        }
        if let Some(n) = self.random_search {
            if n > grid.len() {
                return Err(d2l_core::Error::InvalidHyperparameter {
                    name: "random_search",
                    rule: "at most the number of configurations in the grid",
                    value: format!("{n} (the grid has {})", grid.len()),
                });
            }
            let order = rng::permutation(&mut rng::seeded(base.seed), grid.len());
            let mut picked: Vec<usize> = order.into_iter().take(n).map(|i| i as usize).collect();
            picked.sort_unstable();
            grid = picked.into_iter().map(|i| grid[i].clone()).collect();
        }
        Ok(grid)
    }
}

/// What a sweep trained: a row per finished (or diverged) configuration, in order, and the
/// stop that ended it early, if one did (a `q`, a signal): the rows before it are kept.
#[derive(Debug)]
pub struct SweepOutcome {
    /// The configurations trained to the end (or to their divergence).
    pub points: Vec<SweepResult>,
    /// The request to stop that ended the sweep before its last configuration.
    pub stopped: Option<d2l_core::Error>,
}

/// Trains every configuration of `sweep` built on `base`, telling `reporter` which one
/// trains before each. A stop asked by `reporter` ends the sweep after the configurations
/// already trained, which the outcome keeps.
pub fn sweep<R: Reporter + ?Sized>(
    base: &Config,
    sweep: &Sweep,
    data: &FashionMnist,
    reporter: &mut R,
) -> Result<SweepOutcome> {
    let configs = sweep.configs(base)?;
    let mut points = Vec::with_capacity(configs.len());
    for (i, config) in configs.iter().enumerate() {
        // `[2/12] 256×1 lr 0.1`: hidden width × hidden layers, learning rate.
        reporter.on_note(&format!(
            "[{}/{}] {}×{} lr {}",
            i + 1,
            configs.len(),
            config.num_hiddens,
            config.num_layers,
            config.lr
        ));
        let start = web_time::Instant::now();
        let outcome = run(config, data, reporter).map(|(_, summary)| summary);
        let seconds = start.elapsed().as_secs_f64();
        match outcome {
            Err(stop @ d2l_core::Error::Stopped { .. }) => {
                return Ok(SweepOutcome {
                    points,
                    stopped: Some(stop),
                });
            }
            outcome => points.push(SweepResult::new(config, outcome, seconds)?),
        }
    }
    Ok(SweepOutcome {
        points,
        stopped: None,
    })
}

/// The comparison as a Markdown table.
pub fn markdown_table(results: &[SweepResult]) -> String {
    let mut s = String::from(
        "| hidden | layers | lr | train loss | train acc | test acc | s/epoch |\n|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let acc = |a: Option<f64>| a.map_or("diverged".to_string(), |a| format!("{a:.4}"));
    for r in results {
        s.push_str(&format!(
            "| {} | {} | {} | {:.4} | {} | {} | {:.2} |\n",
            r.num_hiddens,
            r.num_layers,
            r.lr,
            r.train_loss,
            acc(r.train_acc),
            acc(r.test_acc),
            r.seconds_per_epoch
        ));
    }
    s
}

/// The figure: test accuracy against hidden width (log axis), one line per (layers, lr).
pub fn figure(results: &[SweepResult]) -> LinePlot {
    let mut groups: Vec<(usize, f64)> = Vec::new();
    for r in results {
        if !groups.contains(&(r.num_layers, r.lr)) {
            groups.push((r.num_layers, r.lr));
        }
    }
    let mut plot = LinePlot::new()
        .xlabel("hidden units")
        .ylabel("test acc")
        .xscale(Scale::Log)
        .markers(true)
        .figsize(5.0, 3.0)
        .legend_position(LegendPosition::LowerRight);
    for (layers, lr) in groups {
        let mut pts: Vec<(f64, f64)> = results
            .iter()
            .filter(|r| r.num_layers == layers && r.lr == lr)
            .filter_map(|r| Some((r.num_hiddens as f64, r.test_acc?)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (x, y): (Vec<f64>, Vec<f64>) = pts.into_iter().unzip();
        plot = plot.series(&format!("{layers} layer(s), lr {lr}"), &x, &y);
    }
    plot
}
