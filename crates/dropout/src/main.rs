//! `cargo run --release -p dropout`: the book's dropout demo and MLP (scratch or concise), the
//! exercises on request, or the evaluation of a saved checkpoint.

use std::process::ExitCode;

use candle_core::Tensor;
use d2l_core::validate::{self, Validate};
use d2l_plot::Figure;
use dropout::exercises::{
    compare_with_without, gap_figure, rate_figure, rate_grid, variance_figure,
};
use dropout::{Config, DropoutMlp, Variant, dropout_layer};
use serde::Serialize;

/// The book's hyperparameters, the implementation, and the exercises.
#[derive(clap::Args, Serialize)]
struct Args {
    /// Which implementation: scratch (default init, dropout_layer) or concise (N(0, 0.01²)).
    #[arg(long, value_enum, default_value_t = Variant::Scratch)]
    variant: Variant,
    #[command(flatten)]
    #[serde(flatten)]
    config: Config,
    /// Exercise: train once per rate p (both layers), e.g. 0,0.2,0.5,0.8.
    #[arg(long, value_delimiter = ',', conflicts_with = "eval_only")]
    grid: Vec<f64>,
    /// Exercise: train with and without dropout for --num-epochs and plot the gap and
    /// variances.
    #[arg(long, conflicts_with_all = ["eval_only", "grid"])]
    compare: bool,
}

impl Validate for Args {
    fn validate(&self) -> d2l_core::Result<()> {
        self.config.validate()?;
        self.grid
            .iter()
            .try_for_each(|&p| validate::probability("grid", p))
    }

    fn memory_estimate(&self) -> u64 {
        self.config.memory_estimate()
    }
}

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!().classifier(DropoutMlp::from_tensors, |args: Args, run| {
        let (config, dir) = (&args.config, &run.dir);
        if !args.grid.is_empty() {
            run.fresh_only("a rate grid")?;
            let pairs: Vec<(f64, f64)> = args.grid.iter().map(|&p| (p, p)).collect();
            let mut display = run.display();
            let points = rate_grid(config, args.variant, &pairs, &run.data, &mut display)?;
            display.finish(&[], false);
            for p in &points {
                match (&p.summary, &p.diverged) {
                    (Some(s), _) => println!(
                        "p = {:.2}: train acc {:.4}, test acc {:.4}",
                        p.dropout1, s.train_acc, s.test_acc
                    ),
                    (None, why) => println!("p = {:.2}: {}", p.dropout1, why.as_deref().unwrap_or("")),
                }
            }
            dir.write_json("grid.json", &points)?;
            rate_figure(&points).save(dir.file("grid"))?;
            dir.write_json("summary.json", &serde_json::json!({ "status": "finished", "grid": points }))?;
            return Ok(());
        }
        if args.compare {
            run.fresh_only("a comparison")?;
            let rows = compare_with_without(config, args.variant, &run.data)?;
            for r in &rows {
                println!(
                    "{:<8} epoch {:>3}: train acc {:.4} test acc {:.4} gap {:+.4}  var h1 {:.3e} h2 {:.3e}",
                    if r.dropout { "dropout" } else { "none" },
                    r.epoch,
                    r.train_acc,
                    r.test_acc,
                    r.train_acc - r.test_acc,
                    r.var_hidden1,
                    r.var_hidden2
                );
            }
            dir.write_json("compare.json", &rows)?;
            gap_figure(&rows).save(dir.file("gap"))?;
            variance_figure(&rows).save(dir.file("hidden-variance"))?;
            let last = |with: bool| rows.iter().rev().find(|r| r.dropout == with);
            let summary = serde_json::json!({
                "status": "finished",
                "with_dropout": last(true),
                "without_dropout": last(false),
            });
            dir.write_json("summary.json", &summary)?;
            return Ok(());
        }
        // The book's demo on X = arange(16).reshape(2, 8).
        let x = Tensor::arange(0f32, 16.0, &run.device)?.reshape((2, 8))?;
        let mut r = d2l_core::rng::seeded(config.seed);
        for p in [0.0, 0.5, 1.0] {
            println!("dropout_layer(X, {p}):\n{}", dropout_layer(&x, p, &mut r)?);
        }
        run.train(|reporter| dropout::run(config, args.variant, &run.data, reporter))
    })
}
