//! `cargo run --release -p fashion-mnist`: load the real Fashion-MNIST, print the split sizes,
//! and draw the first training images with their label names into the run folder.

use std::process::ExitCode;
use std::time::Instant;

use d2l_core::validate::{self, Validate};
use d2l_experiment::InputError;
use d2l_experiment::classifier::show_images;
use fashion_mnist::{FashionMnist, idx, locate, text_labels};
use serde::Serialize;

/// What to draw and check.
#[derive(clap::Args, Debug, Serialize)]
struct Args {
    /// Folder holding the four IDX files (.gz or raw), the only place looked; default:
    /// $D2L_DATA_DIR alone when set, else the workspace's datasets/fashion-mnist/, then
    /// /usr/share/datasets/fashion-mnist/.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// Rows of the image grid.
    #[arg(long, default_value_t = 2)]
    rows: usize,
    /// Columns of the image grid.
    #[arg(long, default_value_t = 9)]
    cols: usize,
    /// Draw the images starting at a random position chosen by this seed (0: the first ones).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Also check the data files (the .gz files, or the uncompressed ones) against the
    /// published SHA-256 digests.
    #[arg(long)]
    verify: bool,
    /// Exercise: time one shuffled pass of the training loader at each of these batch sizes.
    #[arg(long, value_delimiter = ',', value_name = "SIZES")]
    reader_speed: Vec<usize>,
}

/// One batch size of `--reader-speed`: a shuffled pass over the training set, timed.
#[derive(Serialize)]
struct ReaderSpeed {
    batch_size: usize,
    batches: usize,
    seconds: f64,
    images_per_second: f64,
}

impl Validate for Args {
    fn validate(&self) -> d2l_core::Result<()> {
        validate::positive_usize("rows", self.rows)?;
        validate::positive_usize("cols", self.cols)?;
        for &b in &self.reader_speed {
            validate::positive_usize("reader_speed", b)?;
        }
        // A figure of at most 20 × 20 images (the SVG has a rectangle per pixel).
        for (name, n) in [("rows", self.rows), ("cols", self.cols)] {
            if n > 20 {
                return Err(d2l_core::Error::InvalidHyperparameter {
                    name,
                    rule: "at most 20 (the figure draws every pixel)",
                    value: n.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!().main(|args: Args, run| {
        let start = Instant::now();
        let data =
            FashionMnist::load(args.data_dir.as_deref(), &run.device).map_err(InputError::new)?;
        let seconds = start.elapsed().as_secs_f64();
        d2l_experiment::classifier::record_data(run, &data)?;
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
        if !args.reader_speed.is_empty() {
            let mut speeds = Vec::new();
            for &batch_size in &args.reader_speed {
                let (mut train_iter, _) = data.loaders(batch_size, 1)?;
                let start = Instant::now();
                let mut batches = 0;
                for batch in train_iter.epoch() {
                    std::hint::black_box(batch?);
                    batches += 1;
                }
                let seconds = start.elapsed().as_secs_f64();
                let images_per_second = data.train.len() as f64 / seconds;
                println!(
                    "reader, batch {batch_size:>5}: {batches:>6} batches in {seconds:.3} s ({images_per_second:.0} images/s)"
                );
                speeds.push(ReaderSpeed {
                    batch_size,
                    batches,
                    seconds,
                    images_per_second,
                });
            }
            run.dir.write_json("reader-speed.json", &speeds)?;
        }
        let n = (args.rows * args.cols).min(data.train.len());
        let first = match args.seed {
            0 => 0,
            seed => d2l_core::rng::permutation(
                &mut d2l_core::rng::seeded(seed),
                data.train.len() - n + 1,
            )[0] as usize,
        };
        let images = data.train.images.narrow(0, first, n)?;
        let labels: Vec<u32> = data.train.labels.narrow(0, first, n)?.to_vec1()?;
        let titles: Vec<String> = text_labels(&labels).into_iter().map(String::from).collect();
        let stem = run.dir.file("train-images");
        show_images(&images, idx::SIDE, (args.rows, args.cols), &titles, &stem)?;
        println!(
            "training images {first}..{}: {}",
            first + n,
            titles.join(", ")
        );
        Ok(())
    })
}
