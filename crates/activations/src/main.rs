//! `cargo run --release -p activations`: the book's six activation figures, the exercise
//! figures (pReLU, Swish, the tanh/sigmoid identity) and a table of the checks.

use std::process::ExitCode;

use activations::{Activation, Config, grad_gap, grid, tanh_sigmoid_identity_gap};
use d2l_plot::{Figure, LinePlot};
use serde::Serialize;

/// One activation's row of the check table.
#[derive(Serialize)]
struct Check {
    activation: &'static str,
    grad_max: f32,
    grad_argmax_x: f32,
    autograd_vs_closed_form: f32,
    closed_form_vs_finite_difference: f64,
}

fn main() -> ExitCode {
    d2l_experiment::chapter!().single_threaded().main(|args: Config, run| {
        let x = grid(&run.device)?;
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
            for (stem, label, values) in [
                (name.to_string(), format!("{name}(x)"), &y64),
                (format!("grad-of-{name}"), format!("grad of {name}"), &dy64),
            ] {
                LinePlot::new()
                    .xlabel("x")
                    .ylabel(label)
                    .figsize(5.0, 2.5)
                    .series_fmt("", &xs, values, "-")
                    .save(run.dir.file(&stem))?;
            }
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
        run.dir.write_json(
            "summary.json",
            &serde_json::json!({ "checks": checks, "tanh_sigmoid_identity_gap": gap }),
        )?;
        Ok(())
    })
}
