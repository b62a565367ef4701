//! `cargo run --release -p weight-decay`: the book's four runs (scratch and concise, λ = 0 and
//! 3) with their figures and weight norms, plus the λ sweep on request.

use std::process::ExitCode;

use clap::Parser;
use d2l_core::animator::{loss_figure, write_loss_csv};
use d2l_core::cli::{self, RunArgs};
use d2l_core::device::RuntimeInfo;
use d2l_core::report::RunConfig;
use serde::Serialize;
use weight_decay::sweep::{lambda_figure, lambda_sweep};
use weight_decay::{Config, Data, Penalty, Variant, train};

/// d2l 4.5: weight decay on a 200-input regression with 20 examples (defaults: the book's setup).
#[derive(Parser, Debug)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// Regularisation strengths λ to run, for each variant.
    #[arg(long, value_delimiter = ',', default_values_t = [0.0, 3.0])]
    lambdas: Vec<f64>,
    /// Which implementations to run.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Variant::Scratch, Variant::Concise])]
    variants: Vec<Variant>,
    /// Learning rate.
    #[arg(long, default_value_t = 0.003)]
    lr: f64,
    /// Training epochs.
    #[arg(long, default_value_t = 100)]
    epochs: usize,
    /// Minibatch size.
    #[arg(long, default_value_t = 5)]
    batch_size: usize,
    /// Training examples.
    #[arg(long, default_value_t = 20)]
    n_train: usize,
    /// The scratch variant's penalty: l2 (weight decay) or l1.
    #[arg(long, value_enum, default_value_t = Penalty::L2)]
    penalty: Penalty,
    /// Exercise: also sweep these λ values (scratch variant), choosing λ on a validation set.
    #[arg(long, value_delimiter = ',', num_args = 0.., default_missing_value = "0,0.1,0.3,1,3,10,30")]
    sweep: Option<Vec<f64>>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Serialize)]
struct Settings<'a> {
    #[serde(flatten)]
    config: &'a Config,
    lambdas: &'a [f64],
    variants: &'a [Variant],
    sweep: &'a Option<Vec<f64>>,
}

#[derive(Serialize)]
struct RunSummary {
    variant: Variant,
    lambda: f64,
    w_l2_norm: f64,
    train_loss: f64,
    test_loss: f64,
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    let config = Config {
        lr: args.lr,
        num_epochs: args.epochs,
        batch_size: args.batch_size,
        n_train: args.n_train,
        penalty: args.penalty,
        seed: args.run.seed,
        ..Config::default()
    };
    config.validate()?;
    for &l in args.lambdas.iter().chain(args.sweep.iter().flatten()) {
        d2l_core::validate::non_negative_f64("lambda", l)?;
    }
    let out = args
        .run
        .start_with_default_threads("weight-decay", Some(1))?;
    let settings = Settings {
        config: &config,
        lambdas: &args.lambdas,
        variants: &args.variants,
        sweep: &args.sweep,
    };
    let runtime = RuntimeInfo::new(&candle_core::Device::Cpu);
    RunConfig {
        chapter: "weight-decay",
        mode: "train",
        config: &settings,
        runtime,
        data_dir: None,
    }
    .write(&out)?;

    let data = Data::generate(&config)?;
    let mut summaries = Vec::new();
    for &variant in &args.variants {
        for &lambda in &args.lambdas {
            let r = train(&data, variant, lambda, &config)?;
            let (train_loss, test_loss) = r.final_losses();
            let name = format!("{}-lambda-{lambda}", variant.name());
            println!(
                "{} λ = {lambda}: L2 norm of w: {:.6}  (train loss {train_loss:.4e}, test loss {test_loss:.4e})",
                variant.name(),
                r.w_l2_norm
            );
            write_loss_csv(&out, &format!("{name}.csv"), &r.records)?;
            loss_figure(
                &r.records,
                "epochs",
                (5.0, config.num_epochs.max(10) as f64),
            )
            .save(out.file(&name))?;
            summaries.push(RunSummary {
                variant,
                lambda,
                w_l2_norm: r.w_l2_norm,
                train_loss,
                test_loss,
            });
        }
    }
    out.write_json("summary.json", &summaries)?;

    if let Some(lambdas) = &args.sweep {
        let sweep = lambda_sweep(&data, Variant::Scratch, lambdas, &config)?;
        for p in &sweep.points {
            println!(
                "λ = {:>5}: ‖w‖ {:.4}  train {:.3e}  validation {:.3e}  test {:.3e}",
                p.lambda, p.w_l2_norm, p.train_loss, p.validation_loss, p.test_loss
            );
        }
        println!(
            "chosen on the validation set: λ = {} (test loss {:.4e})",
            sweep.chosen_lambda, sweep.chosen_test_loss
        );
        out.write_json("lambda-sweep.json", &sweep)?;
        lambda_figure(&sweep).save(out.file("lambda-sweep"))?;
    }
    println!("wrote {}", out.path().display());
    Ok(())
}
