//! `cargo run --release -p mlp-scratch`: the book's section 4.2 experiment, a sweep over its
//! exercises, or the evaluation of a saved checkpoint.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use d2l_core::classifier::Recording;
use d2l_core::cli::{self, InputError, RunArgs};
use d2l_core::device::RuntimeInfo;
use d2l_core::metrics::evaluate_accuracy;
use d2l_core::report::RunConfig;
use fashion_mnist::{FashionMnist, predict_ch3};
use mlp_scratch::sweep::{SweepSpec, sweep};
use mlp_scratch::{Config, MlpScratch, UpdaterKind};

/// d2l 4.2: an MLP from scratch on Fashion-MNIST (defaults: the book's setup).
#[derive(Parser, Debug)]
#[command(version, about)]
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
    /// The updater: candle-nn's SGD (as the book's torch.optim.SGD) or the scratch sgd.
    #[arg(long, value_enum, default_value_t = UpdaterKind::Optimizer)]
    updater: UpdaterKind,
    /// Folder with the Fashion-MNIST files (default: search the usual places).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
    /// A model.safetensors written by an earlier run (use with --eval-only).
    #[arg(long, requires = "eval_only")]
    checkpoint: Option<PathBuf>,
    /// Only evaluate --checkpoint: test accuracy and the predict view, no training.
    #[arg(long, requires = "checkpoint")]
    eval_only: bool,
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
        let any = !self.sweep_hiddens.is_empty()
            || !self.sweep_lrs.is_empty()
            || !self.sweep_layers.is_empty();
        let or = |v: &Vec<usize>, d: usize| if v.is_empty() { vec![d] } else { v.clone() };
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

const CHAPTER: &str = "mlp-scratch";

fn main() -> ExitCode {
    cli::finish(run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    let config = args.config();
    config.validate()?;
    let spec = args.sweep_spec();
    if let Some(spec) = &spec {
        spec.configs(&config)?;
    }
    let out = args.run.start(CHAPTER)?;
    let data = FashionMnist::load(args.data_dir.as_deref()).map_err(InputError::new)?;
    let show_progress = !args.run.quiet;
    let mode = if args.eval_only {
        "eval"
    } else if spec.is_some() {
        "sweep"
    } else {
        "train"
    };
    let runtime = RuntimeInfo::new(&candle_core::Device::Cpu);
    RunConfig {
        chapter: CHAPTER,
        mode,
        config: &config,
        runtime,
        data_dir: Some(&data.dir),
    }
    .write(&out)?;

    if let Some(path) = &args.checkpoint {
        let net = MlpScratch::from_checkpoint(path).map_err(InputError::new)?;
        let (_, mut test_iter) = data.loaders(config.batch_size, config.seed)?;
        let test_acc = evaluate_accuracy(&net, &mut test_iter)?;
        let predictions = predict_ch3(&net, &data, 6, &out.file("predictions"))?;
        out.write_json("eval.json", &serde_json::json!({
            "checkpoint": path, "widths": net.widths(), "test_acc": test_acc, "predictions": predictions,
        }))?;
        println!(
            "checkpoint {} ({:?}): test acc {test_acc:.4}",
            path.display(),
            net.widths()
        );
        println!("wrote {}", out.path().display());
        return Ok(());
    }

    if let Some(spec) = &spec {
        let results = sweep(&config, spec, &data, Some(&out), show_progress)?;
        print!("{}", mlp_scratch::sweep::markdown_table(&results));
        println!("wrote {}", out.path().display());
        return Ok(());
    }

    let recording = Recording {
        run: Some(&out),
        show_progress,
    };
    let (net, s) = mlp_scratch::run(&config, &data, recording).map_err(|e| {
        anyhow::anyhow!(
            "{e}\nThe records of the epochs before it are in {}",
            out.path().display()
        )
    })?;
    let predictions = predict_ch3(&net, &data, 6, &out.file("predictions"))?;
    println!(
        "final: train loss {:.4}, train acc {:.4}, test acc {:.4} ({:.2} s/epoch)",
        s.train_loss, s.train_acc, s.test_acc, s.seconds_per_epoch
    );
    let pairs: Vec<String> = predictions
        .iter()
        .map(|p| format!("{}/{}", p.truth, p.predicted))
        .collect();
    println!("predictions (true/predicted): {}", pairs.join(", "));
    println!("wrote {}", out.path().display());
    Ok(())
}
