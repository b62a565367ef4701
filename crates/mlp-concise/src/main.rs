//! `cargo run --release -p mlp-concise`: the book's section 4.3 experiment, or the evaluation
//! of a saved checkpoint.

use std::process::ExitCode;

use clap::Parser;
use d2l_core::classifier::Recording;
use d2l_core::cli::{self, InputError, RunArgs};
use fashion_mnist::experiment::{ChapterRun, DataArgs};
use mlp_concise::{Config, MlpConcise};

/// d2l 4.3: the concise MLP with candle-nn layers on Fashion-MNIST (defaults: the book's setup).
#[derive(Parser, Debug)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// Width of each hidden layer.
    #[arg(long, default_value_t = 256)]
    num_hiddens: usize,
    /// Number of hidden layers.
    #[arg(long, default_value_t = 1)]
    num_layers: usize,
    /// Learning rate.
    #[arg(long, default_value_t = 0.1)]
    lr: f64,
    /// Training epochs.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Minibatch size.
    #[arg(long, default_value_t = 256)]
    batch_size: usize,
    /// Standard deviation of the initial weights.
    #[arg(long, default_value_t = 0.01)]
    sigma: f64,
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
        num_hiddens: args.num_hiddens,
        num_layers: args.num_layers,
        lr: args.lr,
        num_epochs: args.epochs,
        batch_size: args.batch_size,
        sigma: args.sigma,
        seed: args.run.seed,
    };
    config.validate()?;
    let mode = if args.data.eval_only { "eval" } else { "train" };
    let chapter = ChapterRun::start("mlp-concise", mode, &config, &args.run, &args.data)?;
    if let Some(path) = &args.data.checkpoint {
        let net = MlpConcise::from_checkpoint(path).map_err(InputError::new)?;
        chapter.evaluate_checkpoint(&net, path)?;
        return Ok(());
    }
    let recording = Recording {
        run: Some(&chapter.out),
        show_progress: chapter.show_progress,
    };
    let (net, summary) = mlp_concise::run(&config, &chapter.data, recording)
        .map_err(|e| chapter.training_error(e))?;
    chapter.report_training(&net, &summary)
}
