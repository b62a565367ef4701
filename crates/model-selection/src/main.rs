//! `cargo run --release -p model-selection`: the book's three polynomial fits (normal,
//! underfit, overfit) with their figures and weights, plus the exercises on request.

use std::process::ExitCode;

use d2l_core::train::{Reporter, final_losses};
use d2l_core::validate::{self, Validate};
use d2l_experiment::animator::record_losses;
use d2l_plot::{Figure, Scale, loss_figure};
use model_selection::closed_form::least_squares;
use model_selection::exercises::{loss_vs_degree, loss_vs_train_size, sweep_figure};
use model_selection::{Config, EPOCHS, Fit, OVERFIT_EPOCHS, PolyData, train};
use serde::Serialize;

/// The book's settings, the fits' lengths, and the exercises.
#[derive(clap::Args, Serialize)]
struct Args {
    #[command(flatten)]
    #[serde(flatten)]
    config: Config,
    /// Epochs of the normal (cubic) and underfit (linear) fits.
    #[arg(long, default_value_t = EPOCHS)]
    num_epochs: usize,
    /// Epochs of the overfit (degree-19) fit.
    #[arg(long, default_value_t = OVERFIT_EPOCHS)]
    overfit_epochs: usize,
    /// Exercise: also plot the final losses against the degree 0..19.
    #[arg(long)]
    degree_sweep: bool,
    /// Exercise: also plot the final losses of the degree-19 fit against these training-set
    /// sizes.
    #[arg(long, value_delimiter = ',')]
    size_sweep: Vec<usize>,
}

impl Args {
    /// The book's fits with the epochs of the flags.
    fn fits(&self) -> Vec<Fit> {
        Fit::book()
            .into_iter()
            .map(|f| Fit {
                num_epochs: if f.name == "overfit" {
                    self.overfit_epochs
                } else {
                    self.num_epochs
                },
                ..f
            })
            .collect()
    }
}

impl Validate for Args {
    fn validate(&self) -> d2l_core::Result<()> {
        self.config.validate()?;
        validate::positive_usize("num_epochs", self.num_epochs)?;
        validate::positive_usize("overfit_epochs", self.overfit_epochs)?;
        self.size_sweep
            .iter()
            .try_for_each(|&n| validate::positive_usize("size_sweep", n))
    }

    /// The largest training set of the size sweep: its polynomial features and labels,
    /// three times over (the data, a batch gathered from it, the evaluation's products).
    fn memory_estimate(&self) -> u64 {
        let largest = self.size_sweep.iter().copied().max().unwrap_or(0) as u64;
        let values = largest.saturating_mul(model_selection::MAX_DEGREE as u64 + 1);
        validate::f32_bytes(values.saturating_mul(3))
    }
}

/// `summary.json`: the run's status (the record contract of every binary), then each fit.
#[derive(Serialize)]
struct Summary<'a> {
    status: &'static str,
    fits: Vec<FitSummary<'a>>,
}

/// One fit's entry of `summary.json`.
#[derive(Serialize)]
struct FitSummary<'a> {
    name: &'a str,
    num_features: usize,
    epochs: usize,
    weights: &'a [f32],
    least_squares_weights: Vec<f64>,
    train_loss: f64,
    test_loss: f64,
}

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!()
        .single_threaded()
        .main(|args: Args, run| {
            let config = &args.config;
            let data = PolyData::generate(config.seed, &run.device)?;
            let mut display = run.display();
            let mut results = Vec::new();
            for fit in args.fits() {
                display.on_note(&format!("{} (d = {})", fit.name, fit.num_features));
                results.push(train(&data, &fit, config, &mut display)?);
            }
            let mut summaries = Vec::new();
            let mut lines = Vec::new();
            for r in &results {
                let (train_loss, test_loss) = final_losses(&r.records)?;
                let d = r.fit.num_features;
                let exact = least_squares(&data.train_features(d)?, &data.train_labels)?;
                let exact_f32: Vec<f32> = exact.iter().map(|w| *w as f32).collect();
                lines.extend([
                    format!(
                        "{} ({} features, {} epochs)",
                        r.fit.name, d, r.fit.num_epochs
                    ),
                    format!("  weight: {:?}", r.weights),
                    format!("  least squares: {exact_f32:?}"),
                    format!("  final train loss {train_loss:.5}, test loss {test_loss:.5}"),
                ]);
                let figure = loss_figure(&r.records, "epoch", (1.0, r.fit.num_epochs as f64));
                record_losses(&run.dir, &r.fit.name, &r.records, figure.ylim(1e-3, 1e2))?;
                summaries.push(FitSummary {
                    name: &r.fit.name,
                    num_features: d,
                    epochs: r.fit.num_epochs,
                    weights: &r.weights,
                    least_squares_weights: exact,
                    train_loss,
                    test_loss,
                });
            }
            let summary = Summary {
                status: "finished",
                fits: summaries,
            };
            run.dir.write_json("summary.json", &summary)?;
            display.finish(&lines, run.wait);
            lines.iter().for_each(|line| println!("{line}"));

            if args.degree_sweep {
                let points = loss_vs_degree(&data, args.num_epochs, config)?;
                run.dir.write_json("loss-vs-degree.json", &points)?;
                sweep_figure(&points, "polynomial degree", Scale::Linear)
                    .save(run.dir.file("loss-vs-degree"))?;
                println!(
                    "loss against degree: {}",
                    run.dir.file("loss-vs-degree.png").display()
                );
            }
            if !args.size_sweep.is_empty() {
                let max = model_selection::MAX_DEGREE;
                let points = loss_vs_train_size(
                    &args.size_sweep,
                    max,
                    args.num_epochs,
                    config,
                    &run.device,
                )?;
                run.dir.write_json("loss-vs-size.json", &points)?;
                sweep_figure(&points, "training examples", Scale::Log)
                    .save(run.dir.file("loss-vs-size"))?;
                println!(
                    "loss against training-set size: {}",
                    run.dir.file("loss-vs-size.png").display()
                );
            }
            Ok(())
        })
}
