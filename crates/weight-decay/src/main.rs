//! `cargo run --release -p weight-decay`: the book's four runs (scratch and concise, λ = 0 and
//! 3) with their figures and weight norms, plus the λ sweep on request.

use std::process::ExitCode;

use d2l_core::train::{Reporter, final_losses};
use d2l_core::validate::{self, Validate};
use d2l_experiment::animator::record_losses;
use d2l_plot::{Figure, loss_figure};
use serde::Serialize;
use weight_decay::sweep::{lambda_figure, lambda_sweep};
use weight_decay::{Config, Data, Variant, train};

/// The book's settings, the runs to make, and the exercise's sweep.
#[derive(clap::Args, Serialize)]
struct Args {
    #[command(flatten)]
    #[serde(flatten)]
    config: Config,
    /// Regularisation strengths λ to run, for each variant.
    #[arg(long, value_delimiter = ',', default_value = "0,3")]
    lambdas: Vec<f64>,
    /// Which implementations to run.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "scratch,concise"
    )]
    variants: Vec<Variant>,
    /// Exercise: also sweep these λ values (scratch variant), choosing λ on a validation set.
    #[arg(long, value_delimiter = ',', num_args = 0.., default_missing_value = "0,0.1,0.3,1,3,10,30")]
    sweep: Option<Vec<f64>>,
}

impl Validate for Args {
    fn validate(&self) -> d2l_core::Result<()> {
        self.config.validate()?;
        for &l in &self.lambdas {
            validate::non_negative_f64("lambdas", l)?;
        }
        self.sweep
            .iter()
            .flatten()
            .try_for_each(|&l| validate::non_negative_f64("sweep", l))
    }

    fn memory_estimate(&self) -> u64 {
        self.config.memory_estimate()
    }
}

/// `summary.json`: the status of the whole run (the record contract of every binary), then
/// each run's entry.
#[derive(Serialize)]
struct Summary<'a> {
    status: &'static str,
    runs: &'a [RunSummary],
}

/// One run's entry of `summary.json`: its final numbers, or why it stopped.
#[derive(Serialize)]
struct RunSummary {
    variant: Variant,
    lambda: f64,
    /// `finished` or `diverged`.
    status: &'static str,
    w_l2_norm: Option<f64>,
    train_loss: Option<f64>,
    test_loss: Option<f64>,
    error: Option<String>,
}

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!().single_threaded().main(|args: Args, run| {
        let config = &args.config;
        let data = Data::generate(config, &run.device)?;
        let mut display = run.display();
        let mut summaries = Vec::new();
        let mut lines = Vec::new();
        for &variant in &args.variants {
            for &lambda in &args.lambdas {
                display.on_note(&format!("{} λ = {lambda}", variant.name()));
                // A diverged run is recorded as such, and the others still train.
                let r = match train(&data, variant, lambda, config, &mut display) {
                    Err(e @ d2l_core::Error::Diverged { .. }) => {
                        let error = with_decay_advice(e.to_string(), config.lr, lambda);
                        lines.push(format!("{} λ = {lambda}: {error}", variant.name()));
                        summaries.push(RunSummary {
                            variant,
                            lambda,
                            status: "diverged",
                            w_l2_norm: None,
                            train_loss: None,
                            test_loss: None,
                            error: Some(error),
                        });
                        continue;
                    }
                    r => r?,
                };
                display.note_result(&format!("‖w‖ {:.4}", r.w_l2_norm));
                let (train_loss, test_loss) = final_losses(&r.records)?;
                // How many of the weights the penalty drove to (nearly) zero: the L1 penalty's
                // mark (exercise 3).
                let w = r.weight.flatten_all()?.to_vec1::<f32>()?;
                let small = w.iter().filter(|v| v.abs() < 0.01).count();
                lines.push(format!(
                    "{} λ = {lambda}: L2 norm of w: {:.6}, {small} of {} weights below 0.01  (train loss {train_loss:.4e}, test loss {test_loss:.4e})",
                    variant.name(),
                    r.w_l2_norm,
                    w.len()
                ));
                let xlim = (5.0, config.num_epochs.max(10) as f64);
                let name = format!("{}-lambda-{lambda}", variant.name());
                record_losses(&run.dir, &name, &r.records, loss_figure(&r.records, "epochs", xlim))?;
                summaries.push(RunSummary {
                    variant,
                    lambda,
                    status: "finished",
                    w_l2_norm: Some(r.w_l2_norm),
                    train_loss: Some(train_loss),
                    test_loss: Some(test_loss),
                    error: None,
                });
            }
        }
        // The record contract: a status (`diverged` when any run did), then each run's entry.
        let status = match summaries.iter().any(|s| s.error.is_some()) {
            true => "diverged",
            false => "finished",
        };
        let summary = Summary {
            status,
            runs: &summaries,
        };
        run.dir.write_json("summary.json", &summary)?;
        display.finish(&lines, run.wait);
        lines.iter().for_each(|line| println!("{line}"));
        let mut diverged = summaries.iter().filter_map(|s| s.error.as_deref());
        if let Some(first) = diverged.next() {
            return Err(d2l_experiment::exit::Recorded(format!(
                "{} of {} runs diverged, the first with: {first}; summary.json records each run, and the finished runs' losses and figures are in {}",
                1 + diverged.count(),
                summaries.len(),
                run.dir.path().display()
            ))
            .into());
        }

        if let Some(lambdas) = &args.sweep {
            let sweep = lambda_sweep(&data, Variant::Scratch, lambdas, config)?;
            for p in &sweep.points {
                if p.diverged {
                    println!("λ = {:>5}: diverged", p.lambda);
                    continue;
                }
                println!(
                    "λ = {:>5}: ‖w‖ {:.4}  train {:.3e}  validation {:.3e}  test {:.3e}",
                    p.lambda, p.w_l2_norm, p.train_loss, p.validation_loss, p.test_loss
                );
            }
            println!(
                "chosen on the validation set: λ = {} (test loss {:.4e})",
                sweep.chosen_lambda, sweep.chosen_test_loss
            );
            run.dir.write_json("lambda-sweep.json", &sweep)?;
            lambda_figure(&sweep).save(run.dir.file("lambda-sweep"))?;
        }
        Ok(())
    })
}

/// A divergence message, with the reason when the decay alone diverges: each step multiplies
/// `w` by `1 − ηλ` (plus the data's gradient), which grows `|w|` once `ηλ > 2`.
fn with_decay_advice(error: String, lr: f64, lambda: f64) -> String {
    let factor = 1.0 - lr * lambda;
    if factor >= -1.0 {
        return error;
    }
    format!(
        "{error}. Here λ itself diverges: each step multiplies w by 1 − ηλ = {factor:.3e}, \
         so choose λ below 2/η = {:.4}",
        2.0 / lr
    )
}
