//! The parts every Fashion-MNIST chapter binary shares: the data and checkpoint flags, the
//! evaluation of a saved checkpoint, and the report printed after training.

use std::path::{Path, PathBuf};

use candle_core::ModuleT;
use d2l_core::classifier::Summary;
use d2l_core::cli::{InputError, RunArgs};
use d2l_core::device::RuntimeInfo;
use d2l_core::metrics::evaluate_accuracy;
use d2l_core::report::{RunConfig, RunDir};
use serde::Serialize;

use crate::{FashionMnist, predict_ch3};

/// Flags for the data and for checkpoint evaluation.
#[derive(clap::Args, Clone, Debug)]
pub struct DataArgs {
    /// Folder with the Fashion-MNIST files (default: $D2L_DATA_DIR, the workspace's
    /// datasets/fashion-mnist/, /usr/share/datasets/fashion-mnist/).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// A model.safetensors written by an earlier run (use with --eval-only).
    #[arg(long, requires = "eval_only")]
    pub checkpoint: Option<PathBuf>,
    /// Only evaluate --checkpoint: test accuracy and the predict view, no training.
    #[arg(long, requires = "checkpoint")]
    pub eval_only: bool,
}

/// A started chapter run: its folder, the loaded data, and whether to show progress.
pub struct ChapterRun {
    /// The run folder.
    pub out: RunDir,
    /// Both splits of Fashion-MNIST.
    pub data: FashionMnist,
    /// Show progress (not `--quiet`).
    pub show_progress: bool,
}

impl ChapterRun {
    /// Creates the run folder, loads the data (a missing or corrupt file is an input error,
    /// exit status 2), and writes `config.json`. Validate the configuration before calling this.
    pub fn start<C: Serialize>(
        chapter: &str,
        mode: &str,
        config: &C,
        run: &RunArgs,
        data: &DataArgs,
    ) -> anyhow::Result<Self> {
        let out = run.start(chapter)?;
        let fm = FashionMnist::load(data.data_dir.as_deref()).map_err(InputError::new)?;
        let runtime = RuntimeInfo::new(&candle_core::Device::Cpu);
        RunConfig {
            chapter,
            mode,
            config,
            runtime,
            data_dir: Some(&fm.dir),
        }
        .write(&out)?;
        Ok(Self {
            out,
            data: fm,
            show_progress: !run.quiet,
        })
    }

    /// Evaluates a reloaded checkpoint: test accuracy and the predict view, written to
    /// `eval.json` and `predictions.svg/.png`.
    pub fn evaluate_checkpoint<M: ModuleT + ?Sized>(
        &self,
        net: &M,
        path: &Path,
    ) -> anyhow::Result<f64> {
        let (_, mut test_iter) = self.data.loaders(256, 0)?;
        let test_acc = evaluate_accuracy(net, &mut test_iter)?;
        let predictions = predict_ch3(net, &self.data, 6, &self.out.file("predictions"))?;
        self.out.write_json(
            "eval.json",
            &serde_json::json!({ "checkpoint": path, "test_acc": test_acc, "predictions": predictions }),
        )?;
        println!("checkpoint {}: test acc {test_acc:.4}", path.display());
        println!("wrote {}", self.out.path().display());
        Ok(test_acc)
    }

    /// After training: draws the predict view and prints the final numbers and where they are.
    pub fn report_training<M: ModuleT + ?Sized>(&self, net: &M, s: &Summary) -> anyhow::Result<()> {
        let predictions = predict_ch3(net, &self.data, 6, &self.out.file("predictions"))?;
        println!(
            "final: train loss {:.4}, train acc {:.4}, test acc {:.4} ({:.2} s/epoch)",
            s.train_loss, s.train_acc, s.test_acc, s.seconds_per_epoch
        );
        let pairs: Vec<String> = predictions
            .iter()
            .map(|p| format!("{}/{}", p.truth, p.predicted))
            .collect();
        println!("predictions (true/predicted): {}", pairs.join(", "));
        println!("wrote {}", self.out.path().display());
        Ok(())
    }

    /// Adds where the finished epochs' records are to a training error.
    pub fn training_error(&self, error: d2l_core::Error) -> anyhow::Error {
        anyhow::anyhow!(
            "{error}\nThe records of the epochs before it are in {}",
            self.out.path().display()
        )
    }
}
