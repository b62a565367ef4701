//! The section's exercises as a feature: train one configuration per point of a grid over
//! hidden width, learning rate and number of hidden layers (or a random sample of that grid),
//! then write a comparison table (`sweep.csv`, `sweep.md`) and a figure of test accuracy per
//! configuration (`sweep.svg/.png`).

use d2l_core::classifier::{Recording, Summary};
use d2l_core::plot::{LegendPosition, LinePlot, Scale};
use d2l_core::report::RunDir;
use d2l_core::{Result, rng, validate};
use fashion_mnist::FashionMnist;
use serde::Serialize;

use crate::{Config, run};

/// The values to try for each hyperparameter.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    /// Hidden widths, e.g. 16, 64, 256, 1024.
    pub num_hiddens: Vec<usize>,
    /// Learning rates, e.g. 0.03, 0.1, 0.3.
    pub lrs: Vec<f64>,
    /// Numbers of hidden layers, e.g. 1, 2, 3.
    pub num_layers: Vec<usize>,
    /// Train only this many configurations drawn at random from the grid (a random search).
    pub sample: Option<usize>,
}

/// One trained configuration.
#[derive(Clone, Debug, Serialize)]
pub struct SweepResult {
    /// Hidden width.
    pub num_hiddens: usize,
    /// Hidden layers.
    pub num_layers: usize,
    /// Learning rate.
    pub lr: f64,
    /// Its final numbers.
    #[serde(flatten)]
    pub summary: Summary,
}

impl SweepSpec {
    /// Every configuration of the grid (or the random sample of it), built on `base`.
    pub fn configs(&self, base: &Config) -> Result<Vec<Config>> {
        for &h in &self.num_hiddens {
            validate::positive_usize("num_hiddens", h)?;
        }
        for &l in &self.num_layers {
            validate::positive_usize("num_layers", l)?;
        }
        for &lr in &self.lrs {
            validate::positive_f64("lr", lr)?;
        }
        let mut grid = Vec::new();
        for &num_layers in &self.num_layers {
            for &lr in &self.lrs {
                for &num_hiddens in &self.num_hiddens {
                    grid.push(Config {
                        num_hiddens,
                        num_layers,
                        lr,
                        ..base.clone()
                    });
                }
            }
        }
        if let Some(n) = self.sample {
            validate::positive_usize("random_search", n)?;
            let order = rng::permutation(&mut rng::seeded(base.seed), grid.len());
            let mut picked: Vec<usize> = order.into_iter().take(n).map(|i| i as usize).collect();
            picked.sort_unstable();
            grid = picked.into_iter().map(|i| grid[i].clone()).collect();
        }
        Ok(grid)
    }
}

/// Trains every configuration of `spec` and, with a run folder, writes the comparison.
pub fn sweep(
    base: &Config,
    spec: &SweepSpec,
    data: &FashionMnist,
    out: Option<&RunDir>,
    show_progress: bool,
) -> Result<Vec<SweepResult>> {
    let configs = spec.configs(base)?;
    let mut results = Vec::with_capacity(configs.len());
    for (i, config) in configs.iter().enumerate() {
        if show_progress {
            println!(
                "[{}/{}] hidden {} x {} layer(s), lr {}",
                i + 1,
                configs.len(),
                config.num_hiddens,
                config.num_layers,
                config.lr
            );
        }
        let recording = Recording {
            run: None,
            show_progress,
        };
        let (_, summary) = run(config, data, recording)?;
        results.push(SweepResult {
            num_hiddens: config.num_hiddens,
            num_layers: config.num_layers,
            lr: config.lr,
            summary,
        });
        if let Some(out) = out {
            write_report(out, &results)?;
        }
    }
    Ok(results)
}

/// The comparison as a Markdown table.
pub fn markdown_table(results: &[SweepResult]) -> String {
    let mut s = String::from(
        "| hidden | layers | lr | train loss | train acc | test acc | s/epoch |\n|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in results {
        s.push_str(&format!(
            "| {} | {} | {} | {:.4} | {:.4} | {:.4} | {:.2} |\n",
            r.num_hiddens,
            r.num_layers,
            r.lr,
            r.summary.train_loss,
            r.summary.train_acc,
            r.summary.test_acc,
            r.summary.seconds_per_epoch
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
            .map(|r| (r.num_hiddens as f64, r.summary.test_acc))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (x, y): (Vec<f64>, Vec<f64>) = pts.into_iter().unzip();
        plot = plot.series(&format!("{layers} layer(s), lr {lr}"), &x, &y);
    }
    plot
}

/// Writes `sweep.csv`, `sweep.md` and `sweep.svg/.png` into `out`.
pub fn write_report(out: &RunDir, results: &[SweepResult]) -> Result<()> {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.num_hiddens.to_string(),
                r.num_layers.to_string(),
                r.lr.to_string(),
                format!("{:.6}", r.summary.train_loss),
                format!("{:.6}", r.summary.train_acc),
                format!("{:.6}", r.summary.test_acc),
                format!("{:.3}", r.summary.seconds_per_epoch),
            ]
        })
        .collect();
    let header = [
        "num_hiddens",
        "num_layers",
        "lr",
        "train_loss",
        "train_acc",
        "test_acc",
        "seconds_per_epoch",
    ];
    out.write_csv("sweep.csv", &header, &rows)?;
    out.write_bytes("sweep.md", markdown_table(results).as_bytes())?;
    out.write_json("summary.json", results)?;
    figure(results).save(out.file("sweep"))?;
    Ok(())
}
