//! The image-classification chapters end to end (Fashion-MNIST in this book): load the data,
//! train with the run record kept up to date (metrics, live figure, progress), then write the
//! summary, the checkpoint and the `predict_ch3` view; or, with `--eval-only --checkpoint
//! FILE`, reload a trained model and evaluate it. The data set plugs in through [`ImageData`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use candle_core::{Device, ModuleT, Tensor};
use d2l_core::classifier::{Classifier, Prediction, Summary};
use d2l_core::metrics::evaluate_accuracy;
use d2l_core::train::Reporter;
use d2l_core::validate::Validate;
use d2l_plot::Figure;
use serde::Serialize;

use crate::animator::Animator;
use crate::args::DataArgs;
use crate::exit::InputError;
use crate::runner::{Chapter, Run};

/// An image-classification data set as the harness needs it: loaded from a folder (or found
/// where it usually lives), with a test split of square grayscale images and class names.
pub trait ImageData: Sized {
    /// The side of the square images, in pixels.
    const SIDE: usize;

    /// Loads the data from `dir` (or finds it, when `None`) onto `device`.
    fn load(dir: Option<&Path>, device: &Device) -> anyhow::Result<Self>;

    /// The folder the data came from.
    fn dir(&self) -> PathBuf;

    /// The same data with only the first `n` training examples (`--train-examples`).
    fn with_train_examples(self, n: usize) -> anyhow::Result<Self>;

    /// Checks the files the data came from against their published digests; the error says
    /// which file differs.
    fn verify(&self) -> Result<(), String>;

    /// The test images, one flattened image per row, and their labels.
    fn test_split(&self) -> (&Tensor, &Tensor);

    /// The class names in label order.
    fn class_names(&self) -> &[&str];
}

/// A classifier chapter's flags: its own (`A`) and the data flags.
#[derive(clap::Args, Serialize)]
pub struct WithData<A: clap::Args> {
    /// The chapter's own flags.
    #[command(flatten)]
    #[serde(flatten)]
    pub chapter: A,
    /// `--data-dir`, `--checkpoint`, `--eval-only`.
    #[command(flatten)]
    #[serde(flatten)]
    pub data: DataArgs,
}

impl<A: clap::Args + Validate> Validate for WithData<A> {
    fn validate(&self) -> d2l_core::Result<()> {
        if let Some(n) = self.data.train_examples {
            d2l_core::validate::positive_usize("train_examples", n)?;
        }
        self.chapter.validate()
    }

    fn memory_estimate(&self) -> u64 {
        self.chapter.memory_estimate()
    }
}

/// A started classifier run: the run and the loaded data.
pub struct ClassifierRun<'a, D> {
    /// The run folder, device and progress setting.
    pub run: &'a Run,
    /// The data, on the run's device.
    pub data: D,
}

/// A classifier run is a [`Run`] too: `run.dir`, `run.progress()`, ...
impl<D> std::ops::Deref for ClassifierRun<'_, D> {
    type Target = Run;

    fn deref(&self) -> &Run {
        self.run
    }
}

impl<D: ImageData> ClassifierRun<'_, D> {
    /// Trains with `train` (a chapter's `run`), reporting to the run's display (dashboard or
    /// lines) and to the book's animator, which rewrites `metrics.csv`, the training figure
    /// and the checkpoint `model.safetensors` after every epoch. Then writes `summary.json`
    /// and the predict view, and shows the final numbers. Stopped (`q`, Ctrl-C, SIGTERM), it
    /// keeps the records and checkpoint of the epochs it finished, writes a summary saying
    /// where it stopped, and says how to resume. A resumed run (`--resume`) continues from
    /// the checkpoint.
    pub fn train<M, F>(&self, train: F) -> anyhow::Result<()>
    where
        M: Classifier,
        F: FnOnce(&mut dyn Reporter) -> d2l_core::Result<(M, Summary)>,
    {
        let mut reporter = (
            self.run.display(),
            Animator::new(self.run.dir.clone(), "training", self.run.resuming),
        );
        let result = train(&mut reporter);
        let (display, mut animator) = reporter;
        // Every record of the finished epochs on disk before the summary says so.
        animator.finish()?;
        let lines = match result {
            Ok((net, summary)) => self.finish(&net, &summary, animator.seconds_per_epoch())?,
            Err(d2l_core::Error::Stopped { epoch, batch }) => {
                let by = crate::signals::received();
                let done = animator.history().len();
                self.run.dir.write_json(
                    "summary.json",
                    &serde_json::json!({
                        "status": if by.is_some() { "interrupted" } else { "stopped" },
                        "signal": by.map(crate::signals::name),
                        "stopped_at": { "epoch": epoch, "batch": batch },
                        "epochs_completed": done,
                        "last_epoch": Summary::from_history(animator.history()).ok(),
                    }),
                )?;
                let kept = match done {
                    0 => "no epoch finished".to_string(),
                    n => format!("{n} epoch(s) and their checkpoint kept"),
                };
                let line = format!(
                    "{} at epoch {epoch}, batch {batch}: {kept} in {}; continue with `{}`",
                    by.map_or("stopped", |_| "interrupted"),
                    self.run.dir.path().display(),
                    self.run.resume_command(),
                );
                if let Some(signal) = by {
                    display.finish(&[], false);
                    return Err(crate::exit::Interrupted {
                        signal,
                        message: format!("{line} ({})", crate::signals::name(signal)),
                    }
                    .into());
                }
                vec![line]
            }
            Err(e) => return Err(e.into()),
        };
        display.finish(&lines, self.run.wait);
        for line in &lines {
            println!("{line}");
        }
        Ok(())
    }

    /// After training: `summary.json` and the predict view (the checkpoint of the last epoch
    /// is the trained model); returns the final lines to show.
    fn finish<M: Classifier>(
        &self,
        net: &M,
        s: &Summary,
        seconds_per_epoch: Option<f64>,
    ) -> anyhow::Result<Vec<String>> {
        // The predict view first: `summary.json` saying `finished` is the run's last record.
        let predictions = self.predictions(net)?;
        let mut record = serde_json::to_value(s)?;
        record["status"] = "finished".into();
        self.run.dir.write_json("summary.json", &record)?;
        let pairs: Vec<String> = predictions
            .iter()
            .map(|p| format!("{}/{}", p.truth, p.predicted))
            .collect();
        let speed = seconds_per_epoch.map_or(String::new(), |t| format!(" ({t:.2} s/epoch)"));
        Ok(vec![
            format!(
                "final: train loss {:.4}, train acc {:.4}, test acc {:.4}{speed}",
                s.train_loss, s.train_acc, s.test_acc
            ),
            format!("predictions (true/predicted): {}", pairs.join(", ")),
        ])
    }

    /// Checks that a reloaded model fits the data: it takes an image and gives one score per
    /// class, in f32. A checkpoint of another model (other widths, classes or dtype) is the
    /// user's error, naming the file and what does not fit.
    fn check_fits<M: ModuleT>(&self, net: &M, path: &Path) -> anyhow::Result<()> {
        let (images, _) = self.data.test_split();
        let classes = self.data.class_names().len();
        let not_this_model = |what: String| {
            InputError::new(std::io::Error::other(format!(
                "checkpoint {}: {what}: it was not saved from this chapter's model",
                path.display()
            )))
        };
        let out = net
            .forward_t(&images.narrow(0, 0, 1)?, false)
            .map_err(|e| not_this_model(format!("an image does not go through it ({e})")))?;
        if out.dims() != [1, classes] || out.dtype() != candle_core::DType::F32 {
            let (dims, dtype) = (out.dims().to_vec(), out.dtype());
            return Err(not_this_model(format!(
                "it gives {dims:?} {dtype:?} scores per image, not [1, {classes}] F32"
            ))
            .into());
        }
        Ok(())
    }

    /// Evaluates a reloaded checkpoint: test accuracy and the predict view, written to
    /// `eval.json` (with the evaluated model: each parameter's name and shape) and
    /// `predictions.svg/.png`.
    fn evaluate<M: Classifier>(&self, net: &M, path: &Path) -> anyhow::Result<()> {
        let shapes: serde_json::Map<String, serde_json::Value> = net
            .named_parameters()
            .into_iter()
            .map(|(name, var)| (name, serde_json::json!(var.dims())))
            .collect();
        let (images, labels) = self.data.test_split();
        let test = d2l_core::data::Dataset::new(images.clone(), labels.clone())?;
        let test_acc = evaluate_accuracy(net, &mut d2l_core::data::DataLoader::new(test, 256)?)?;
        let predictions = self.predictions(net)?;
        let eval = serde_json::json!({
            "checkpoint": path,
            "model": shapes,
            "test_acc": test_acc,
            "predictions": predictions,
        });
        self.run.dir.write_json("eval.json", &eval)?;
        // Every run's last record: summary.json with its status.
        let summary =
            serde_json::json!({ "status": "finished", "mode": "eval-only", "test_acc": test_acc });
        self.run.dir.write_json("summary.json", &summary)?;
        println!("checkpoint {}: test acc {test_acc:.4}", path.display());
        Ok(())
    }

    /// The book's `predict_ch3` on the first six test images, drawn into `predictions`.
    fn predictions<M: ModuleT>(&self, net: &M) -> anyhow::Result<Vec<Prediction>> {
        let (images, labels) = self.data.test_split();
        let predictions =
            d2l_core::classifier::predict(net, images, labels, self.data.class_names(), 6)?;
        let titles: Vec<String> = predictions
            .iter()
            .map(|p| format!("{}\n{}", p.truth, p.predicted))
            .collect();
        let stem = self.run.dir.file("predictions");
        show_images(images, D::SIDE, (1, 6), &titles, &stem)?;
        Ok(predictions)
    }
}

/// The book's `show_images` ([`d2l_plot::show_images`]), saved as `<stem>.svg` and
/// `<stem>.png`.
pub fn show_images(
    images: &Tensor,
    side: usize,
    shape: (usize, usize),
    titles: &[String],
    stem: &Path,
) -> anyhow::Result<()> {
    d2l_plot::show_images(images, side, shape, titles)?.save(stem)?;
    Ok(())
}

/// Whether the data's files are the published ones, as `config.json` records it.
fn sha256_state<D: ImageData>(data: &D) -> String {
    match data.verify() {
        Ok(()) => "verified".to_string(),
        Err(why) => format!("not the published files ({why})"),
    }
}

/// Refuses to resume on data other than the data the run recorded (exit status 2), naming
/// both.
fn check_same_data<D: ImageData>(data: &D, recorded: &serde_json::Value) -> anyhow::Result<()> {
    let now = sha256_state(data);
    if recorded["sha256"].as_str() == Some(now.as_str()) {
        return Ok(());
    }
    Err(InputError::new(std::io::Error::other(format!(
        "cannot resume: the run trained on {} (SHA-256 {}), and that folder now holds {} (SHA-256 {now})",
        recorded["dir"].as_str().unwrap_or("an unrecorded folder"),
        recorded["sha256"].as_str().unwrap_or("unrecorded"),
        data.dir().display(),
    )))
    .into())
}

/// Says which data a run uses: prints the folder and whether its files are the published
/// ones (SHA-256), and records both in `config.json` as `data`.
pub fn record_data<D: ImageData>(run: &Run, data: &D) -> anyhow::Result<()> {
    let sha256 = sha256_state(data);
    println!("data: {} (SHA-256 {sha256})", data.dir().display());
    run.record(
        "data",
        &serde_json::json!({ "dir": data.dir(), "sha256": sha256 }),
    )
}

impl Chapter {
    /// The `main` of a Fashion-MNIST classifier chapter. It adds `--data-dir`, `--checkpoint`
    /// and `--eval-only` to the chapter's flags `A`, loads the data, and then either evaluates
    /// the checkpoint (rebuilt with `from_tensors`) or calls `body`, which trains through
    /// [`ClassifierRun::train`] (or runs a sweep).
    pub fn classifier<D, A, M, F>(
        self,
        from_tensors: fn(&HashMap<String, Tensor>) -> d2l_core::Result<M>,
        train: F,
    ) -> std::process::ExitCode
    where
        D: ImageData,
        A: clap::Args + Serialize + Validate + Send,
        M: Classifier,
        F: FnOnce(A, &ClassifierRun<D>) -> anyhow::Result<()> + Send,
    {
        self.resumable().main(|args: WithData<A>, run: &Run| {
            // A resumed run trains on the data the run it continues recorded, from that
            // folder alone, and only if its files are in the state recorded then.
            let recorded = run.resuming.then(|| run.recorded("data"));
            let recorded_dir = recorded
                .as_ref()
                .and_then(|d| d["dir"].as_str().map(PathBuf::from));
            let dir = recorded_dir.as_deref().or(args.data.data_dir.as_deref());
            // A signal while the data loads ends the run there, with one line and a record.
            let mut data = D::load(dir, &run.device)?;
            if let Some(signal) = crate::signals::received() {
                return Err(run.interrupted_before_training(signal, "while the data loaded"));
            }
            if let Some(recorded) = &recorded {
                check_same_data(&data, recorded)?;
            }
            if let Some(n) = args.data.train_examples {
                data = data.with_train_examples(n)?;
            }
            record_data(run, &data)?;
            let classifier = ClassifierRun { run, data };
            if let Some(path) = &args.data.checkpoint {
                let saved = crate::checkpoint::read(path, &run.device)?;
                let net = from_tensors(&saved.tensors)
                    .map_err(InputError::new)
                    .with_context(|| format!("checkpoint {}", path.display()))?;
                classifier.check_fits(&net, path)?;
                return classifier.evaluate(&net, path);
            }
            train(args.chapter, &classifier)
        })
    }
}
