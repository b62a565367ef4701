//! The command line of `cargo run --release -p mlp-scratch` (the `cli` feature): the book's
//! section 4.2 experiment, a sweep over its exercises, or the evaluation of a saved checkpoint.
//! The binary is this module's [`main`]; so is the harness's own test chapter
//! (`crates/d2l-experiment/examples/mlp-scratch.rs`), which its tests drive.

use std::process::ExitCode;

use crate::sweep::{Sweep, figure, markdown_table, sweep};
use crate::{Config, MlpScratch};
use d2l_core::validate::Validate;
use d2l_plot::Figure;
use fashion_mnist::FashionMnist;
use serde::Serialize;

/// The book's hyperparameters and the sweep of its exercises.
#[derive(clap::Args, Serialize)]
struct Args {
    #[command(flatten)]
    #[serde(flatten)]
    config: Config,
    #[command(flatten)]
    #[serde(flatten)]
    sweep: Sweep,
}

impl Validate for Args {
    fn validate(&self) -> d2l_core::Result<()> {
        self.config.validate()?;
        // The grid itself: a random search larger than the grid is refused before any work.
        self.sweep.configs(&self.config).map(|_| ())
    }

    /// The largest configuration of the sweep (they train one after another).
    fn memory_estimate(&self) -> u64 {
        let configs = self.sweep.configs(&self.config).unwrap_or_default();
        configs
            .iter()
            .chain([&self.config])
            .map(Validate::memory_estimate)
            .max()
            .unwrap_or(0)
    }
}

/// The binary: parses the flags, runs the experiment (or the sweep, or `--eval-only`), and
/// returns the exit status (0, 2 for bad input, 130/143 after a signal).
pub fn main() -> ExitCode {
    d2l_experiment::chapter!().classifier(MlpScratch::from_tensors, |args: Args, run| {
        let data: &FashionMnist = &run.data;
        if args.sweep.is_empty() {
            return run.train(|reporter| crate::run(&args.config, data, reporter));
        }
        run.fresh_only("a sweep")?;
        let mut display = run.display();
        let total = args.sweep.configs(&args.config)?.len();
        let outcome = sweep(&args.config, &args.sweep, data, &mut display)?;
        let results = &outcome.points;
        let dir = &run.dir;
        dir.write_csv("sweep.csv", results)?;
        let table = markdown_table(results);
        dir.write_bytes("sweep.md", table.as_bytes())?;
        if !results.is_empty() {
            figure(results).save(dir.file("sweep"))?;
        }
        // Last: summary.json, whose status says whether the sweep is complete. A sweep
        // stopped early (`q`, a signal) keeps the configurations it finished.
        let signal = d2l_experiment::signals::received();
        let status = match (&outcome.stopped, signal) {
            (None, _) => "finished",
            (Some(_), Some(_)) => "interrupted",
            (Some(_), None) => "stopped",
        };
        let summary = serde_json::json!({ "status": status, "points": results });
        dir.write_json("summary.json", &summary)?;
        let mut lines: Vec<String> = table.lines().map(String::from).collect();
        if outcome.stopped.is_some() {
            let line = format!(
                "{status} after {} of {total} configurations: their rows are in {}",
                results.len(),
                dir.path().display()
            );
            if let Some(signal) = signal {
                display.finish(&[], false);
                print!("{table}");
                let name = d2l_experiment::signals::name(signal);
                return Err(d2l_experiment::exit::Interrupted {
                    signal,
                    message: format!("{line} ({name})"),
                }
                .into());
            }
            lines.push(line);
        }
        display.finish(&lines, run.wait);
        lines.iter().for_each(|line| println!("{line}"));
        Ok(())
    })
}
