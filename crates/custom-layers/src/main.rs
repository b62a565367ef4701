//! `cargo run --release -p custom-layers`: the book's custom-layer demos, a short training run
//! through both custom layers, and the two exercise layers.

use std::process::ExitCode;

use candle_core::{Module, Tensor};
use custom_layers::layers::train_demo;
use custom_layers::{CenteredLayer, Config, FourierHalf, MyLinear, TensorReduction};
use d2l_core::{init, rng};

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!()
        .single_threaded()
        .main(|args: Config, run| {
            let d = &run.device;
            let mut r = rng::seeded(args.seed);

            let x = Tensor::new(&[1f32, 2., 3., 4., 5.], d)?;
            println!(
                "CenteredLayer()([1, 2, 3, 4, 5]) = {:?}",
                CenteredLayer.forward(&x)?.to_vec1::<f32>()?
            );

            let (w, b) = init::pytorch_linear(&mut r, 8, 128, d)?;
            let linear = candle_nn::Linear::new(w, Some(b));
            let y = CenteredLayer.forward(&linear.forward(&rng::uniform(
                &mut r,
                (4, 8),
                0.0,
                1.0,
                d,
            )?)?)?;
            let mean = y.mean_all()?.to_scalar::<f32>()?;
            println!("Sequential(Linear(8, 128), CenteredLayer())(rand(4, 8)).mean() = {mean:e}");

            let layer = MyLinear::new(5, 3, &mut r, d)?;
            println!("MyLinear(5, 3).weight =\n{}", layer.weight.as_tensor());
            println!(
                "linear(rand(2, 5)) =\n{}",
                layer.forward(&rng::uniform(&mut r, (2, 5), 0.0, 1.0, d)?)?
            );
            let (a, b) = (
                MyLinear::new(64, 8, &mut r, d)?,
                MyLinear::new(8, 1, &mut r, d)?,
            );
            let deep = b.forward(&a.forward(&rng::uniform(&mut r, (2, 64), 0.0, 1.0, d)?)?)?;
            println!("Sequential(MyLinear(64, 8), MyLinear(8, 1))(rand(2, 64)) =\n{deep}");

            let losses = train_demo(args.epochs, args.lr, args.seed, d)?;
            let shown: Vec<String> = losses.iter().map(|l| format!("{l:.4}")).collect();
            println!(
                "MyLinear -> CenteredLayer -> linear, loss by epoch (0 = before): {}",
                shown.join(", ")
            );

            let tr = TensorReduction::new(4, 2, &mut r, d)?;
            let x = Tensor::new(&[[1f32, 2., 3., 4.]], d)?;
            println!(
                "TensorReduction(4, 2)(x) = {:?}; with 2x: {:?} (4 times as large)",
                tr.forward(&x)?.to_vec2::<f32>()?[0],
                tr.forward(&(x * 2.0)?)?.to_vec2::<f32>()?[0]
            );
            let n = 16;
            let k = 3;
            let cosine: Vec<f32> = (0..n)
                .map(|t| (2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64).cos() as f32)
                .collect();
            let spectrum =
                FourierHalf::new(n, d)?.forward(&Tensor::from_vec(cosine, (1, n), d)?)?;
            let mags: Vec<String> = spectrum.sqr()?.sum(2)?.sqrt()?.to_vec2::<f32>()?[0]
                .iter()
                .map(|m| format!("{m:.2}"))
                .collect();
            println!(
                "|FourierHalf(16)(cos(2π·3t/16))| = [{}] (n/2 = 8 at bin 3)",
                mags.join(", ")
            );

            run.dir.write_json(
                "summary.json",
                &serde_json::json!({ "centered_mean": mean, "training_losses": losses }),
            )?;
            Ok(())
        })
}
