//! `cargo run --release -p backprop`: forward propagation, backward propagation by hand
//! against candle's autograd and finite differences, the computational graph, and the
//! section's exercises (gradient shapes, a hidden bias, memory of training and prediction).

use std::process::ExitCode;

use backprop::graph::{self, Direction};
use backprop::{Config, Net, Param, batch, finite_difference, memory};
use candle_core::DType;

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!()
        .single_threaded()
        .main(|config: Config, run| {
            let d = &run.device;
            let net = Net::new(&config, d)?;
            let (x, y) = batch(&config, d)?;
            let f = net.forward(&x, &y)?;
            println!(
                "forward: L = {:.6}, s = {:.6}, J = L + s = {:.6}",
                f.loss, f.penalty, f.objective
            );
            let by_hand = net.backward(&x, &y, &f)?;
            let autograd = net.autograd(&x, &y)?;
            let autograd_gap = by_hand.max_difference(&autograd)?;
            println!(
                "backward by hand against candle's autograd: largest difference {autograd_gap:.3e}"
            );

            // Central differences on an f64 copy, a few entries of each parameter.
            let net64 = net.to_dtype(DType::F64)?;
            let x64 = x.to_dtype(DType::F64)?;
            let mut fd_gap: f64 = 0.0;
            let mut params = vec![(Param::W1, &by_hand.w1), (Param::W2, &by_hand.w2)];
            if let Some(b1) = &by_hand.b1 {
                params.push((Param::B1, b1));
            }
            for (which, grad) in params {
                let grad: Vec<f32> = grad.flatten_all()?.to_vec1()?;
                for index in [0, grad.len() / 3, grad.len() - 1] {
                    let numeric = finite_difference(&net64, &x64, &y, which, index, 1e-5)?;
                    fd_gap = fd_gap.max((numeric - grad[index] as f64).abs());
                }
            }
            println!(
                "backward by hand against finite differences: largest difference {fd_gap:.3e}"
            );

            let shapes = by_hand.shapes();
            let listed: Vec<String> = shapes.iter().map(|(n, s)| format!("{n} {s:?}")).collect();
            println!(
                "gradient shapes (batch of {}): {}",
                config.batch_size,
                listed.join(", ")
            );

            let footprints = memory::footprints(&config, &[1, 64, 256, 1024], d)?;
            println!("memory (bytes): batch, parameters, training, prediction");
            for m in &footprints {
                println!(
                    "  {:>5} {:>9} {:>10} {:>10}",
                    m.batch_size, m.parameters, m.training, m.prediction
                );
            }

            for (name, bias, direction) in [
                ("graph-forward", false, Direction::Forward),
                ("graph-backward", false, Direction::Backward),
                ("graph-bias", true, Direction::Forward),
            ] {
                run.dir.write_bytes(
                    &format!("{name}.svg"),
                    graph::svg(bias, direction).as_bytes(),
                )?;
            }
            run.dir.write_json(
                "summary.json",
                &serde_json::json!({
                    "status": "finished",
                    "loss": f.loss,
                    "penalty": f.penalty,
                    "objective": f.objective,
                    "autograd_max_difference": autograd_gap,
                    "finite_difference_max_difference": fd_gap,
                    "gradient_shapes": shapes,
                    "memory": footprints,
                }),
            )?;
            Ok(())
        })
}
