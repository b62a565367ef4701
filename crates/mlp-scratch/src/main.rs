//! `cargo run --release -p mlp-scratch`: the book's section 4.2 experiment, a sweep over its
//! exercises, or the evaluation of a saved checkpoint.

use std::process::ExitCode;

use clap::Parser;
use d2l_core::classifier::Recording;
use d2l_core::cli::{self, InputError, RunArgs};
use fashion_mnist::experiment::{ChapterRun, DataArgs};
use mlp_scratch::sweep::{SweepSpec, markdown_table, sweep};
use mlp_scratch::{Config, MlpScratch, UpdaterKind};

/// d2l 4.2: an MLP from scratch on Fashion-MNIST (defaults: the book's setup).
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
    /// The updater: optimizer (the book's torch.optim.SGD), candle-sgd (candle-nn's SGD), or
    /// scratch (the book's sgd).
    #[arg(long, value_enum, default_value_t = UpdaterKind::Optimizer)]
    updater: UpdaterKind,
    /// Sweep: hidden widths to try, e.g. 16,64,256,1024.
    #[arg(long, value_delimiter = ',')]
    sweep_hiddens: Vec<usize>,
    /// Sweep: learning rates to try, e.g. 0.03,0.1,0.3.
    #[arg(long, value_delimiter = ',')]
    sweep_lrs: Vec<f64>,
    /// Sweep: numbers of hidden layers to try, e.g. 1,2,3.
    #[arg(long, value_delimiter = ',')]
    sweep_layers: Vec<usize>,
    /// Random search: train only N configurations drawn from the sweep grid.
    #[arg(long)]
    random_search: Option<usize>,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    run: RunArgs,
}

impl Args {
    fn config(&self) -> Config {
        Config {
            num_hiddens: self.num_hiddens,
            num_layers: self.num_layers,
            lr: self.lr,
            num_epochs: self.epochs,
            batch_size: self.batch_size,
            sigma: self.sigma,
            updater: self.updater,
            seed: self.run.seed,
        }
    }

    fn sweep_spec(&self) -> Option<SweepSpec> {
        let or = |v: &[usize], d: usize| if v.is_empty() { vec![d] } else { v.to_vec() };
        let any = !self.sweep_hiddens.is_empty()
            || !self.sweep_lrs.is_empty()
            || !self.sweep_layers.is_empty();
        (any || self.random_search.is_some()).then(|| SweepSpec {
            num_hiddens: or(&self.sweep_hiddens, self.num_hiddens),
            num_layers: or(&self.sweep_layers, self.num_layers),
            lrs: if self.sweep_lrs.is_empty() {
                vec![self.lr]
            } else {
                self.sweep_lrs.clone()
            },
            sample: self.random_search,
        })
    }
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    let config = args.config();
    config.validate()?;
    let spec = args.sweep_spec();
    if let Some(spec) = &spec {
        spec.configs(&config)?;
    }
    let mode = if args.data.eval_only {
        "eval"
    } else if spec.is_some() {
        "sweep"
    } else {
        "train"
    };
    let chapter = ChapterRun::start("mlp-scratch", mode, &config, &args.run, &args.data)?;

    if let Some(path) = &args.data.checkpoint {
        let net = MlpScratch::from_checkpoint(path).map_err(InputError::new)?;
        chapter.evaluate_checkpoint(&net, path)?;
        return Ok(());
    }
    if let Some(spec) = &spec {
        let results = sweep(
            &config,
            spec,
            &chapter.data,
            Some(&chapter.out),
            chapter.show_progress,
        )?;
        print!("{}", markdown_table(&results));
        println!("wrote {}", chapter.out.path().display());
        return Ok(());
    }
    let recording = Recording {
        run: Some(&chapter.out),
        show_progress: chapter.show_progress,
    };
    let (net, summary) = mlp_scratch::run(&config, &chapter.data, recording)
        .map_err(|e| chapter.training_error(e))?;
    chapter.report_training(&net, &summary)
}
