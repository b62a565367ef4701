//! The training figure of several seeds of one experiment, as the course book shows it: the
//! seed-0 curves over a band per curve spanning every seed, and a table of the final numbers.
//!
//! ```sh
//! cargo run --release -p d2l-plot --example seed_band -- DIR NUM_EPOCHS
//! ```
//!
//! `DIR` holds one run folder per seed, `seed-0`, `seed-1`, … (each with its `metrics.csv`);
//! the example writes `DIR/band.svg`, `DIR/band.png` and `DIR/spread.md`.

use std::path::{Path, PathBuf};

use d2l_core::train::EpochMetrics;
use d2l_plot::{Figure, seed_band_figure};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: seed_band DIR NUM_EPOCHS";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let num_epochs: usize = args.next().ok_or(usage)?.parse()?;
    let mut runs = Vec::new();
    for seed in 0.. {
        let metrics = dir.join(format!("seed-{seed}")).join("metrics.csv");
        if !metrics.is_file() {
            break;
        }
        runs.push(read_metrics(&metrics)?);
    }
    if runs.is_empty() {
        return Err(format!("no {}/seed-0/metrics.csv", dir.display()).into());
    }
    seed_band_figure(&runs, num_epochs).save(dir.join("band"))?;
    std::fs::write(dir.join("spread.md"), spread_table(&runs))?;
    Ok(())
}

fn read_metrics(path: &Path) -> Result<Vec<EpochMetrics>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    Ok(reader.deserialize().collect::<Result<_, _>>()?)
}

/// Each seed's final epoch, then the smallest and largest value of each column.
fn spread_table(runs: &[Vec<EpochMetrics>]) -> String {
    let finals: Vec<EpochMetrics> = runs.iter().filter_map(|r| r.last().copied()).collect();
    let mut table =
        String::from("| seed | train loss | train acc | test acc |\n|---:|---:|---:|---:|\n");
    for (seed, m) in finals.iter().enumerate() {
        table.push_str(&format!(
            "| {seed} | {:.4} | {:.4} | {:.4} |\n",
            m.train_loss, m.train_acc, m.test_acc
        ));
    }
    let range = |f: fn(&EpochMetrics) -> f64| {
        let (lo, hi) = finals
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        format!("{lo:.4} – {hi:.4}")
    };
    table.push_str(&format!(
        "| all {} | {} | {} | {} |\n",
        finals.len(),
        range(|m| m.train_loss),
        range(|m| m.train_acc),
        range(|m| m.test_acc)
    ));
    table
}
