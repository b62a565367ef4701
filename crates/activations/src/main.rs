//! `cargo run --release -p activations`: the book's six activation figures, the exercise
//! figures (pReLU, Swish, the tanh/sigmoid identity) and a table of the checks.

use std::process::ExitCode;

use activations::{Activation, Config, check, grid, tanh_sigmoid_identity_gap};
use d2l_plot::{Figure, LinePlot};

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

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
            checks.push(check(&act, &x)?);
            let (y, dy) = act.value_and_autograd(&x)?;
            let to_f64 = |t: &candle_core::Tensor| -> candle_core::Result<Vec<f64>> {
                Ok(t.to_vec1::<f32>()?.into_iter().map(f64::from).collect())
            };
            let (name, y64, dy64) = (act.name(), to_f64(&y)?, to_f64(&dy)?);
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
