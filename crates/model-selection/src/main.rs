//! `cargo run --release -p model-selection`: the book's three polynomial fits (normal,
//! underfit, overfit) with their figures and weights, plus the exercises on request.

use std::process::ExitCode;

use clap::Parser;
use d2l_core::animator::{loss_figure, write_loss_csv};
use d2l_core::cli::{self, RunArgs};
use d2l_core::device::RuntimeInfo;
use d2l_core::plot::Scale;
use d2l_core::report::RunConfig;
use model_selection::closed_form::least_squares;
use model_selection::exercises::{loss_vs_degree, loss_vs_train_size, sweep_figure};
use model_selection::{Config, Fit, PolyData, train};
use serde::Serialize;

/// d2l 4.4: polynomial regression that fits, underfits and overfits (defaults: the book's setup).
#[derive(Parser, Debug)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// Learning rate.
    #[arg(long, default_value_t = 0.01)]
    lr: f64,
    /// Minibatch size.
    #[arg(long, default_value_t = 10)]
    batch_size: usize,
    /// Epochs of the normal (cubic) and underfit (linear) fits.
    #[arg(long, default_value_t = 400)]
    epochs: usize,
    /// Epochs of the overfit (degree-19) fit.
    #[arg(long, default_value_t = 1500)]
    overfit_epochs: usize,
    /// Exercise: also plot the final losses against the degree 0..19.
    #[arg(long)]
    degree_sweep: bool,
    /// Exercise: also plot the final losses of the degree-19 fit against these training-set sizes.
    #[arg(long, value_delimiter = ',')]
    size_sweep: Vec<usize>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Serialize)]
struct RunSummary<'a> {
    name: &'a str,
    num_features: usize,
    epochs: usize,
    weights: &'a [f32],
    least_squares_weights: Vec<f64>,
    train_loss: f64,
    test_loss: f64,
}

#[derive(Serialize)]
struct Settings<'a> {
    #[serde(flatten)]
    config: &'a Config,
    fits: &'a [Fit],
    degree_sweep: bool,
    size_sweep: &'a [usize],
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    let config = Config {
        lr: args.lr,
        batch_size: args.batch_size,
        seed: args.run.seed,
    };
    config.validate()?;
    let fits: Vec<Fit> = Fit::book()
        .into_iter()
        .map(|f| Fit {
            num_epochs: if f.name == "overfit" {
                args.overfit_epochs
            } else {
                args.epochs
            },
            ..f
        })
        .collect();
    for f in &fits {
        f.validate()?;
    }
    for &n in &args.size_sweep {
        d2l_core::validate::positive_usize("size_sweep", n)?;
    }
    let out = args
        .run
        .start_with_default_threads("model-selection", Some(1))?;
    let settings = Settings {
        config: &config,
        fits: &fits,
        degree_sweep: args.degree_sweep,
        size_sweep: &args.size_sweep,
    };
    let runtime = RuntimeInfo::new(&candle_core::Device::Cpu);
    RunConfig {
        chapter: "model-selection",
        mode: "train",
        config: &settings,
        runtime,
        data_dir: None,
    }
    .write(&out)?;

    let data = PolyData::generate(config.seed)?;
    let mut summaries = Vec::new();
    let results: Vec<_> = fits
        .iter()
        .map(|fit| train(&data, fit, &config))
        .collect::<Result<_, _>>()?;
    for r in &results {
        let (train_loss, test_loss) = r.final_losses();
        let d = r.fit.num_features;
        let exact = least_squares(&data.train_features(d)?, &data.train_labels)?;
        println!(
            "{} ({} features, {} epochs)",
            r.fit.name, d, r.fit.num_epochs
        );
        println!("  weight: {:?}", r.weights);
        println!(
            "  least squares: {:?}",
            exact.iter().map(|w| *w as f32).collect::<Vec<_>>()
        );
        println!("  final train loss {train_loss:.5}, test loss {test_loss:.5}");
        write_loss_csv(&out, &format!("{}.csv", r.fit.name), &r.records)?;
        loss_figure(&r.records, "epoch", (1.0, r.fit.num_epochs as f64))
            .ylim(1e-3, 1e2)
            .save(out.file(&r.fit.name))?;
        summaries.push(RunSummary {
            name: &r.fit.name,
            num_features: d,
            epochs: r.fit.num_epochs,
            weights: &r.weights,
            least_squares_weights: exact,
            train_loss,
            test_loss,
        });
    }
    out.write_json("summary.json", &summaries)?;

    if args.degree_sweep {
        let points = loss_vs_degree(&data, args.epochs, &config)?;
        out.write_json("loss-vs-degree.json", &points)?;
        sweep_figure(&points, "polynomial degree", Scale::Linear)
            .save(out.file("loss-vs-degree"))?;
        println!(
            "loss against degree: {}",
            out.file("loss-vs-degree.png").display()
        );
    }
    if !args.size_sweep.is_empty() {
        let points = loss_vs_train_size(
            &args.size_sweep,
            model_selection::MAX_DEGREE,
            args.epochs,
            &config,
        )?;
        out.write_json("loss-vs-size.json", &points)?;
        sweep_figure(&points, "training examples", Scale::Log).save(out.file("loss-vs-size"))?;
        println!(
            "loss against training-set size: {}",
            out.file("loss-vs-size.png").display()
        );
    }
    println!("wrote {}", out.path().display());
    Ok(())
}
