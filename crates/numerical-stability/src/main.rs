//! `cargo run --release -p numerical-stability`: the section's figures and numbers.

use std::process::ExitCode;

use d2l_plot::{Figure, Histogram, LinePlot, Scale};
use numerical_stability::{Config, exploding, symmetry, vanishing, xavier};

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!().single_threaded().main(|args: Config, run| {
        let (seed, device, out) = (args.seed, &run.device, &run.dir);
        vanishing::figure(device)?.save(out.file("vanishing-gradient"))?;

        let (first, product) = exploding::product_of_random_matrices(seed, args.steps, device)?;
        println!("a single matrix\n{first}");
        println!("after multiplying {} matrices\n{product}", args.steps);
        let log10_max = exploding::log10_max_abs(&product)?;
        let spread = exploding::spread(args.histogram_seeds, args.steps, device)?;
        let mut sorted = spread.clone();
        sorted.sort_by(f64::total_cmp);
        let q = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
        println!(
            "log10 max|M|: {log10_max:.2} for seed {seed}; over {} seeds p5 {:.1}, median {:.1}, p95 {:.1}",
            spread.len(),
            q(0.05),
            q(0.5),
            q(0.95)
        );
        Histogram::new(spread.clone(), 30)
            .xlabel("log10 max|M|")
            .save(out.file("exploding-product-spread"))?;

        let mut plot = LinePlot::new()
            .xlabel("layer")
            .ylabel("activation variance")
            .yscale(Scale::Log)
            .figsize(4.5, 3.0)
            .markers(true);
        let mut variances = Vec::new();
        for scheme in xavier::Scheme::ALL {
            let v = xavier::variance_per_layer(scheme, args.depth, args.width, 512, seed, device)?;
            println!(
                "{:<15} variance by layer: {}",
                scheme.label(),
                v.iter()
                    .map(|x| format!("{x:.2e}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let layers: Vec<f64> = (0..v.len()).map(|l| l as f64).collect();
            plot = plot.series(scheme.label(), &layers, &v);
            variances.push((scheme, v));
        }
        plot.save(out.file("variance-per-layer"))?;

        let constant_net = |dropout| symmetry::train_constant_net(args.hidden, 50, dropout, seed, device);
        let (plain, plain_loss) = constant_net(None)?;
        let (dropped, dropped_loss) = constant_net(Some(args.dropout))?;
        let (plain_spread, dropped_spread) =
            (plain.hidden_unit_spread()?, dropped.hidden_unit_spread()?);
        println!(
            "constant init, 50 epochs of SGD: hidden units differ by {plain_spread:e} (loss {plain_loss:.4})"
        );
        println!(
            "with dropout {}: hidden units differ by {dropped_spread:.4} (loss {dropped_loss:.4})",
            args.dropout
        );

        out.write_json(
            "summary.json",
            &serde_json::json!({
                "product_log10_max_abs": log10_max,
                "product_spread": { "seeds": spread.len(), "p5": q(0.05), "median": q(0.5), "p95": q(0.95) },
                "variance_per_layer": variances.iter().map(|(s, v)| serde_json::json!({ "scheme": s.label(), "variance": v })).collect::<Vec<_>>(),
                "symmetry": { "hidden_unit_spread_sgd": plain_spread, "hidden_unit_spread_dropout": dropped_spread },
            }),
        )?;
        Ok(())
    })
}
