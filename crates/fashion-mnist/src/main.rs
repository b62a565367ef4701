//! `cargo run --release -p fashion-mnist`: load the real Fashion-MNIST, print the split sizes,
//! and draw the first 18 training images with their label names into the run folder.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use d2l_core::cli::{self, InputError};
use d2l_core::report::RunDir;
use fashion_mnist::{FashionMnist, locate, show_images, text_labels};

/// Load Fashion-MNIST, print its sizes, and draw the first training images.
#[derive(Parser, Debug)]
#[command(version, about, allow_negative_numbers = true)]
struct Args {
    /// Folder holding the four IDX files (.gz or raw); default: search $D2L_DATA_DIR,
    /// the workspace's datasets/fashion-mnist/, /usr/share/datasets/fashion-mnist/.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Output folder (default: runs/fashion-mnist/UTC-TIMESTAMP/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Rows of the image grid.
    #[arg(long, default_value_t = 2)]
    rows: usize,
    /// Columns of the image grid.
    #[arg(long, default_value_t = 9)]
    cols: usize,
    /// Also check the .gz files against the published SHA-256 digests.
    #[arg(long)]
    verify: bool,
}

fn run(args: Args) -> anyhow::Result<()> {
    d2l_core::validate::positive_usize("rows", args.rows)?;
    d2l_core::validate::positive_usize("cols", args.cols)?;
    let start = Instant::now();
    let data = FashionMnist::load(args.data_dir.as_deref()).map_err(InputError::new)?;
    let seconds = start.elapsed().as_secs_f64();
    println!("Fashion-MNIST from {}", data.dir.display());
    println!(
        "train: {} images, test: {} images (decoded in {seconds:.3} s)",
        data.train.len(),
        data.test.len()
    );
    if args.verify {
        locate::verify_checksums(&data.dir).map_err(InputError::new)?;
        println!("SHA-256 of all four files matches the published digests");
    }
    let run = RunDir::create(
        args.out
            .unwrap_or_else(|| RunDir::default_path("fashion-mnist")),
    )?;
    let n = args.rows * args.cols;
    let labels: Vec<u32> = data
        .train
        .labels
        .narrow(0, 0, n.min(data.train.len()))?
        .to_vec1()?;
    let titles: Vec<String> = text_labels(&labels).into_iter().map(String::from).collect();
    let (svg, png) = show_images(
        &data.train.images,
        args.rows,
        args.cols,
        &titles,
        &run.file("train-images"),
    )
    .context("drawing the image grid")?;
    println!("first {n} training images: {}", titles.join(", "));
    println!("wrote {} and {}", png.display(), svg.display());
    Ok(())
}

fn main() -> ExitCode {
    cli::run_main(|| run(Args::parse()))
}
