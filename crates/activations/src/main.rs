//! `cargo run --release -p activations`: the book's six activation figures, the exercise
//! figures (pReLU, Swish, the tanh/sigmoid identity) and a table of the checks.

use std::process::ExitCode;

use activations::{Activation, grad_gap, grid, tanh_sigmoid_identity_gap};
use clap::Parser;
use d2l_core::cli::{self, RunArgs};
use d2l_core::device::RuntimeInfo;
use d2l_core::plot::LinePlot;
use d2l_core::report::RunConfig;
use serde::Serialize;

/// d2l 4.1: ReLU, sigmoid, tanh and their gradients, plus pReLU and Swish.
#[derive(Parser, Debug)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// pReLU's slope for negative inputs.
    #[arg(long, default_value_t = 0.1)]
    prelu_alpha: f64,
    /// Swish's β.
    #[arg(long, default_value_t = 1.0)]
    swish_beta: f64,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Serialize)]
struct Check {
    activation: &'static str,
    grad_max: f32,
    grad_argmax_x: f32,
    autograd_vs_closed_form: f32,
    closed_form_vs_finite_difference: f64,
}

#[derive(Serialize)]
struct Settings {
    prelu_alpha: f64,
    swish_beta: f64,
    grid: &'static str,
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    for (name, v) in [
        ("prelu_alpha", args.prelu_alpha),
        ("swish_beta", args.swish_beta),
    ] {
        if !v.is_finite() {
            return Err(d2l_core::Error::InvalidHyperparameter {
                name,
                rule: "a finite number",
                value: v.to_string(),
            }
            .into());
        }
    }
    let out = args
        .run
        .start_with_default_threads("activations", Some(1))?;
    let settings = Settings {
        prelu_alpha: args.prelu_alpha,
        swish_beta: args.swish_beta,
        grid: "arange(-8, 8, 0.1)",
    };
    let runtime = RuntimeInfo::new(&candle_core::Device::Cpu);
    RunConfig {
        chapter: "activations",
        mode: "plot",
        config: &settings,
        runtime,
        data_dir: None,
    }
    .write(&out)?;

    let x = grid()?;
    let xs: Vec<f64> = x.to_vec1::<f32>()?.into_iter().map(f64::from).collect();
    let acts = [
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Prelu {
            alpha: args.prelu_alpha,
        },
        Activation::Swish {
            beta: args.swish_beta,
        },
    ];
    let mut checks = Vec::new();
    for act in acts {
        let (y, dy) = act.value_and_autograd(&x)?;
        let closed = act.closed_form_grad(&x)?;
        let fd = act.finite_difference(&x, 1e-4)?;
        let closed_v: Vec<f32> = closed.to_vec1()?;
        // Finite differences are meaningless at ReLU-type kinks; skip x = 0 for them.
        let fd_gap = xs
            .iter()
            .zip(closed_v.iter().zip(&fd))
            .filter(|(x, _)| x.abs() > 1e-3)
            .map(|(_, (c, f))| (*c as f64 - f).abs())
            .fold(0.0, f64::max);
        let dyv: Vec<f32> = dy.to_vec1()?;
        let (i_max, grad_max) = dyv
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
        checks.push(Check {
            activation: act.name(),
            grad_max,
            grad_argmax_x: xs[i_max] as f32,
            autograd_vs_closed_form: grad_gap(&act, &x, &dy, &closed)?,
            closed_form_vs_finite_difference: fd_gap,
        });
        let name = act.name();
        let y64: Vec<f64> = y.to_vec1::<f32>()?.into_iter().map(f64::from).collect();
        let dy64: Vec<f64> = dyv.into_iter().map(f64::from).collect();
        LinePlot::new()
            .xlabel("x")
            .ylabel(format!("{name}(x)"))
            .figsize(5.0, 2.5)
            .series_fmt("", &xs, &y64, "-")
            .save(out.file(name))?;
        LinePlot::new()
            .xlabel("x")
            .ylabel(format!("grad of {name}"))
            .figsize(5.0, 2.5)
            .series_fmt("", &xs, &dy64, "-")
            .save(out.file(&format!("grad-of-{name}")))?;
    }
    let gap = tanh_sigmoid_identity_gap(&x)?;
    println!(
        "{:<8} {:>9} {:>8} {:>22} {:>26}",
        "", "max grad", "at x", "|autograd - closed|", "|closed - finite diff|"
    );
    for c in &checks {
        println!(
            "{:<8} {:>9.4} {:>8.1} {:>22.2e} {:>26.2e}",
            c.activation,
            c.grad_max,
            c.grad_argmax_x,
            c.autograd_vs_closed_form,
            c.closed_form_vs_finite_difference
        );
    }
    println!(
        "(relu, prelu: compared away from x = 0, where candle's autograd takes relu'(0) = 1 and the book 0)"
    );
    println!("tanh(x) + 1 = 2 sigmoid(2x): max |difference| on the grid {gap:.2e}");
    out.write_json(
        "summary.json",
        &serde_json::json!({ "checks": checks, "tanh_sigmoid_identity_gap": gap }),
    )?;
    println!("wrote {}", out.path().display());
    Ok(())
}
