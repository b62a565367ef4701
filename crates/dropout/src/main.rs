//! `cargo run --release -p dropout`: the book's dropout demo and MLP (scratch or concise), the
//! exercises on request, or the evaluation of a saved checkpoint.

use std::process::ExitCode;

use candle_core::{Device, Tensor};
use clap::Parser;
use d2l_core::classifier::Recording;
use d2l_core::cli::{self, InputError, RunArgs};
use dropout::exercises::{
    compare_with_without, gap_figure, rate_figure, rate_grid, variance_figure,
};
use dropout::{Config, DropoutMlp, Variant, dropout_layer};
use fashion_mnist::experiment::{ChapterRun, DataArgs};

/// d2l 4.6: dropout on Fashion-MNIST (defaults: the book's setup).
#[derive(Parser, Debug)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// Which implementation: scratch (default init, dropout_layer) or concise (N(0, 0.01²)).
    #[arg(long, value_enum, default_value_t = Variant::Scratch)]
    variant: Variant,
    /// Dropout after the first hidden layer.
    #[arg(long, default_value_t = 0.2)]
    dropout1: f64,
    /// Dropout after the second hidden layer.
    #[arg(long, default_value_t = 0.5)]
    dropout2: f64,
    /// Width of the first hidden layer.
    #[arg(long, default_value_t = 256)]
    num_hiddens1: usize,
    /// Width of the second hidden layer.
    #[arg(long, default_value_t = 256)]
    num_hiddens2: usize,
    /// Learning rate.
    #[arg(long, default_value_t = 0.5)]
    lr: f64,
    /// Training epochs.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Minibatch size.
    #[arg(long, default_value_t = 256)]
    batch_size: usize,
    /// Exercise: train once per rate p (both layers), e.g. 0,0.2,0.5,0.8.
    #[arg(long, value_delimiter = ',')]
    grid: Vec<f64>,
    /// Exercise: train with and without dropout for --epochs and plot the gap and variances.
    #[arg(long)]
    compare: bool,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    run: RunArgs,
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    let config = Config {
        num_hiddens1: args.num_hiddens1,
        num_hiddens2: args.num_hiddens2,
        dropout1: args.dropout1,
        dropout2: args.dropout2,
        lr: args.lr,
        num_epochs: args.epochs,
        batch_size: args.batch_size,
        seed: args.run.seed,
    };
    config.validate()?;
    for &p in &args.grid {
        d2l_core::validate::probability("dropout", p)?;
    }
    let mode = match (args.data.eval_only, args.grid.is_empty(), args.compare) {
        (true, _, _) => "eval",
        (_, false, _) => "grid",
        (_, _, true) => "compare",
        _ => "train",
    };
    let settings =
        serde_json::json!({ "variant": args.variant, "config": &config, "grid": &args.grid });
    let chapter = ChapterRun::start("dropout", mode, &settings, &args.run, &args.data)?;

    if let Some(path) = &args.data.checkpoint {
        let net = DropoutMlp::from_checkpoint(path).map_err(InputError::new)?;
        chapter.evaluate_checkpoint(&net, path)?;
        return Ok(());
    }
    if !args.grid.is_empty() {
        let pairs: Vec<(f64, f64)> = args.grid.iter().map(|&p| (p, p)).collect();
        let points = rate_grid(
            &config,
            args.variant,
            &pairs,
            &chapter.data,
            chapter.show_progress,
        )?;
        for p in &points {
            println!(
                "p = {:.2}: train acc {:.4}, test acc {:.4}",
                p.dropout1, p.summary.train_acc, p.summary.test_acc
            );
        }
        chapter.out.write_json("grid.json", &points)?;
        rate_figure(&points).save(chapter.out.file("grid"))?;
        println!("wrote {}", chapter.out.path().display());
        return Ok(());
    }
    if args.compare {
        let rows = compare_with_without(&config, args.variant, &chapter.data)?;
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
        chapter.out.write_json("compare.json", &rows)?;
        gap_figure(&rows).save(chapter.out.file("gap"))?;
        variance_figure(&rows).save(chapter.out.file("hidden-variance"))?;
        println!("wrote {}", chapter.out.path().display());
        return Ok(());
    }

    // The book's demo on X = arange(16).reshape(2, 8).
    let x = Tensor::arange(0f32, 16.0, &Device::Cpu)?.reshape((2, 8))?;
    let mut r = d2l_core::rng::seeded(config.seed);
    for p in [0.0, 0.5, 1.0] {
        println!("dropout_layer(X, {p}):\n{}", dropout_layer(&x, p, &mut r)?);
    }
    let recording = Recording {
        run: Some(&chapter.out),
        show_progress: chapter.show_progress,
    };
    let (net, summary) = dropout::run(&config, args.variant, &chapter.data, recording)
        .map_err(|e| chapter.training_error(e))?;
    chapter.report_training(&net, &summary)
}
