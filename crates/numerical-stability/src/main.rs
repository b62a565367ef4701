//! `cargo run --release -p numerical-stability`: the section's figures and numbers.

use std::process::ExitCode;

use clap::Parser;
use d2l_core::cli::{self, RunArgs};
use d2l_core::device::RuntimeInfo;
use d2l_core::plot::{Histogram, LinePlot, Scale};
use d2l_core::report::RunConfig;
use d2l_core::validate;
use numerical_stability::{exploding, symmetry, vanishing, xavier};
use serde::Serialize;

/// d2l 4.8: vanishing and exploding gradients, Xavier initialisation, symmetry.
#[derive(Parser, Debug, Serialize)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// Matrix multiplications in the exploding-product demo.
    #[arg(long, default_value_t = 100)]
    steps: usize,
    /// Seeds for the histogram of the product's size.
    #[arg(long, default_value_t = 1000)]
    histogram_seeds: u64,
    /// Depth of the network in the variance-per-layer demo.
    #[arg(long, default_value_t = 10)]
    depth: usize,
    /// Width of its layers.
    #[arg(long, default_value_t = 256)]
    width: usize,
    /// Hidden units of the symmetry demo.
    #[arg(long, default_value_t = 4)]
    hidden: usize,
    /// Dropout probability that breaks the symmetry.
    #[arg(long, default_value_t = 0.5)]
    dropout: f64,
    #[command(flatten)]
    #[serde(skip)]
    run: RunArgs,
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}

fn run(args: Args) -> anyhow::Result<()> {
    validate::positive_usize("steps", args.steps)?;
    validate::positive_usize("histogram_seeds", args.histogram_seeds as usize)?;
    validate::positive_usize("depth", args.depth)?;
    validate::positive_usize("width", args.width)?;
    validate::positive_usize("hidden", args.hidden)?;
    validate::probability("dropout", args.dropout)?;
    let out = args
        .run
        .start_with_default_threads("numerical-stability", Some(1))?;
    let runtime = RuntimeInfo::new(&candle_core::Device::Cpu);
    RunConfig {
        chapter: "numerical-stability",
        mode: "demo",
        config: &args,
        runtime,
        data_dir: None,
    }
    .write(&out)?;
    let seed = args.run.seed;

    vanishing::figure()?.save(out.file("vanishing-gradient"))?;

    let (first, product) = exploding::product_of_random_matrices(seed, args.steps)?;
    println!("a single matrix\n{first}");
    println!("after multiplying {} matrices\n{product}", args.steps);
    let log10_max = exploding::log10_max_abs(&product)?;
    let spread = exploding::spread(args.histogram_seeds, args.steps)?;
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
        let v = xavier::variance_per_layer(scheme, args.depth, args.width, 512, seed)?;
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

    let (plain, plain_loss) = symmetry::train_constant_net(args.hidden, 50, None, seed)?;
    let (dropped, dropped_loss) =
        symmetry::train_constant_net(args.hidden, 50, Some(args.dropout), seed)?;
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
    println!("wrote {}", out.path().display());
    Ok(())
}
