//! # d2l-web
//!
//! The d2l-rs chapters in the browser: the chapter libraries (the same models, losses and
//! training loops as `cargo run`) compiled to WebAssembly for the book's playground page.
//! Nothing here trains on its own: each function decodes what the page asks for (JSON),
//! calls a chapter's `run` or `train`, and hands every epoch's numbers to a callback, which
//! the page's Web Worker posts to the page to redraw the figure.
//!
//! The functions are plain Rust (tested natively against the chapter binaries' numbers); the
//! `wasm-bindgen` exports in `bindings` wrap them for JavaScript on `wasm32`.

use candle_core::Device;
use d2l_core::classifier::{Classifier, Summary};
use d2l_core::train::{EpochMetrics, LossRecord, Reporter};
use d2l_core::validate::Validate;
use fashion_mnist::FashionMnist;
use serde::{Deserialize, Serialize};

#[cfg(target_arch = "wasm32")]
mod bindings;

/// An error for the page: one line saying what went wrong.
pub type Result<T> = std::result::Result<T, String>;

/// One epoch as the page shows it: the book's three metrics and the epoch's seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy.
    pub train_acc: f64,
    /// Test accuracy.
    pub test_acc: f64,
    /// Wall-clock seconds of the epoch, evaluation included.
    pub seconds: f64,
}

impl From<&EpochMetrics> for EpochReport {
    fn from(m: &EpochMetrics) -> Self {
        Self {
            epoch: m.epoch,
            train_loss: m.train_loss,
            train_acc: m.train_acc,
            test_acc: m.test_acc,
            seconds: m.seconds,
        }
    }
}

/// A [`Reporter`] that hands each epoch (or each loss record) to the page.
struct Callback<E, L> {
    on_epoch: E,
    on_losses: L,
}

impl<E, L> Reporter for Callback<E, L>
where
    E: FnMut(&EpochReport) -> Result<()>,
    L: FnMut(&LossRecord) -> Result<()>,
{
    fn on_epoch(&mut self, metrics: &EpochMetrics) -> d2l_core::Result<()> {
        (self.on_epoch)(&metrics.into()).map_err(|e| d2l_core::Error::Report(e.into()))
    }

    fn on_losses(&mut self, record: &LossRecord) -> d2l_core::Result<()> {
        (self.on_losses)(record).map_err(|e| d2l_core::Error::Report(e.into()))
    }
}

/// Decodes the four Fashion-MNIST `.gz` files the page fetched (train images, train labels,
/// test images, test labels), with the same validated reader as the binaries.
pub fn decode_fashion_mnist(files: [Vec<u8>; 4]) -> Result<FashionMnist> {
    FashionMnist::from_bytes(files, std::path::Path::new("data"), &Device::Cpu)
        .map_err(|e| e.to_string())
}

/// What the page asks a Fashion-MNIST chapter to train.
#[derive(Clone, Debug, Deserialize)]
pub struct ClassifierRequest {
    /// `mlp-scratch`, `mlp-concise`, `dropout` or `dropout-concise`.
    pub experiment: String,
    /// The chapter's `Config` as JSON; missing fields take the book's values.
    #[serde(default)]
    pub config: serde_json::Value,
    /// Train on the first N training images only (all when absent): `--train-examples N`.
    pub train_examples: Option<usize>,
}

/// One image of the `predict_ch3` row: its pixels (28 × 28, row by row, in [0, 1]) and the
/// true and predicted class names.
#[derive(Clone, Debug, Serialize)]
pub struct PredictedImage {
    /// The true class.
    pub truth: String,
    /// The predicted class.
    pub predicted: String,
    /// 784 pixels in [0, 1].
    pub pixels: Vec<f32>,
}

/// The end of a classifier run: the final numbers and the predict row.
#[derive(Clone, Debug, Serialize)]
pub struct ClassifierOutcome {
    /// The last epoch's numbers (`summary.json` of the binary).
    pub summary: Summary,
    /// `predict_ch3` on the first six test images.
    pub predictions: Vec<PredictedImage>,
}

/// The most memory a page's WebAssembly instance can address: 4 GiB (32-bit addresses).
pub const WASM_MEMORY_BYTES: u64 = 4 << 30;

/// Refuses, before any work, settings the chapter rejects, and settings whose memory
/// estimate (the same one the binaries check against the machine's memory) is beyond what
/// WebAssembly can hold: the page says so in one line instead of trapping mid-run.
pub fn fits_in_the_browser(settings: &impl Validate) -> Result<()> {
    settings.validate().map_err(|e| e.to_string())?;
    let needed = settings.memory_estimate();
    if needed > WASM_MEMORY_BYTES {
        return Err(format!(
            "these settings need about {:.1} GiB of memory (parameters, gradients, activations \
             and data), and the browser's WebAssembly memory holds at most 4 GiB: choose \
             smaller sizes",
            needed as f64 / (1u64 << 30) as f64
        ));
    }
    Ok(())
}

/// The page's settings for a chapter, checked to fit in the browser.
fn checked<C: serde::de::DeserializeOwned + Validate>(value: &serde_json::Value) -> Result<C> {
    let settings: C = config(value)?;
    fits_in_the_browser(&settings)?;
    Ok(settings)
}

fn config<C: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<C> {
    let value = match value {
        serde_json::Value::Null => serde_json::json!({}),
        v => v.clone(),
    };
    serde_json::from_value(value).map_err(|e| format!("bad settings: {e}"))
}

/// Trains the requested chapter on `data` (its subset, if asked) with the chapter's own
/// `run`, calling `on_epoch` after every epoch; then the `predict_ch3` row.
pub fn train_fashion(
    data: &FashionMnist,
    request: &ClassifierRequest,
    on_epoch: impl FnMut(&EpochReport) -> Result<()>,
) -> Result<ClassifierOutcome> {
    // The settings first: nothing is trained on settings that cannot fit.
    match request.experiment.as_str() {
        "mlp-scratch" => checked::<mlp_scratch::Config>(&request.config).map(drop)?,
        "mlp-concise" => checked::<mlp_concise::Config>(&request.config).map(drop)?,
        "dropout" | "dropout-concise" => checked::<dropout::Config>(&request.config).map(drop)?,
        other => return Err(format!("no experiment called {other}")),
    }
    let subset;
    let data = match request.train_examples {
        Some(n) => {
            subset = data
                .clone()
                .with_train_examples(n)
                .map_err(|e| e.to_string())?;
            &subset
        }
        None => data,
    };
    let mut reporter = Callback {
        on_epoch,
        on_losses: |_: &LossRecord| Ok(()),
    };
    let r = &mut reporter;
    let e = |e: d2l_core::Error| e.to_string();
    match request.experiment.as_str() {
        "mlp-scratch" => {
            let (net, s) = mlp_scratch::run(&config(&request.config)?, data, r).map_err(e)?;
            outcome(&net, s, data)
        }
        "mlp-concise" => {
            let (net, s) = mlp_concise::run(&config(&request.config)?, data, r).map_err(e)?;
            outcome(&net, s, data)
        }
        "dropout" | "dropout-concise" => {
            let variant = match request.experiment.as_str() {
                "dropout" => dropout::Variant::Scratch,
                _ => dropout::Variant::Concise,
            };
            let c = config(&request.config)?;
            let (net, s) = dropout::run(&c, variant, data, r).map_err(e)?;
            outcome(&net, s, data)
        }
        other => Err(format!("no experiment called {other}")),
    }
}

fn outcome<M: Classifier>(
    net: &M,
    summary: Summary,
    data: &FashionMnist,
) -> Result<ClassifierOutcome> {
    let e = |e: d2l_core::Error| e.to_string();
    let n = 6;
    let predictions = fashion_mnist::predict_ch3(net, data, n).map_err(e)?;
    let pixels: Vec<Vec<f32>> = data
        .test
        .images
        .narrow(0, 0, predictions.len())
        .and_then(|t| t.to_vec2())
        .map_err(|err| e(err.into()))?;
    let predictions = predictions
        .into_iter()
        .zip(pixels)
        .map(|(p, pixels)| PredictedImage {
            truth: p.truth,
            predicted: p.predicted,
            pixels,
        })
        .collect();
    Ok(ClassifierOutcome {
        summary,
        predictions,
    })
}

/// What the page asks of section 4.4: one of the book's polynomial fits.
#[derive(Clone, Debug, Deserialize)]
pub struct PolynomialRequest {
    /// `normal` (cubic), `underfit` (linear) or `overfit` (degree 19).
    pub fit: String,
    /// Epochs (the book's for the fit when absent).
    pub num_epochs: Option<usize>,
    /// The chapter's `Config` as JSON; missing fields take the book's values.
    #[serde(default)]
    pub config: serde_json::Value,
}

/// Trains one of the book's polynomial fits with the chapter's `train`, calling `on_record`
/// with each recorded train and test loss.
pub fn fit_polynomial(
    request: &PolynomialRequest,
    on_record: impl FnMut(&LossRecord) -> Result<()>,
) -> Result<model_selection::FitResult> {
    let config: model_selection::Config = checked(&request.config)?;
    let mut fit = model_selection::Fit::book()
        .into_iter()
        .find(|f| f.name == request.fit)
        .ok_or_else(|| format!("no fit called {}", request.fit))?;
    if let Some(n) = request.num_epochs {
        fit.num_epochs = n;
    }
    let data = model_selection::PolyData::generate(config.seed, &Device::Cpu)
        .map_err(|e| e.to_string())?;
    let mut reporter = Callback {
        on_epoch: |_: &EpochReport| Ok(()),
        on_losses: on_record,
    };
    model_selection::train(&data, &fit, &config, &mut reporter).map_err(|e| e.to_string())
}

/// What the page asks of section 4.5: one weight-decay run.
#[derive(Clone, Debug, Deserialize)]
pub struct WeightDecayRequest {
    /// `scratch` or `concise`.
    pub variant: weight_decay::Variant,
    /// λ.
    pub lambda: f64,
    /// The chapter's `Config` as JSON; missing fields take the book's values.
    #[serde(default)]
    pub config: serde_json::Value,
}

/// Trains one weight-decay run with the chapter's `train`, calling `on_record` with each
/// recorded train and test loss.
pub fn weight_decay(
    request: &WeightDecayRequest,
    on_record: impl FnMut(&LossRecord) -> Result<()>,
) -> Result<weight_decay::WeightDecayRun> {
    let config: weight_decay::Config = checked(&request.config)?;
    let data = weight_decay::Data::generate(&config, &Device::Cpu).map_err(|e| e.to_string())?;
    let mut reporter = Callback {
        on_epoch: |_: &EpochReport| Ok(()),
        on_losses: on_record,
    };
    weight_decay::train(
        &data,
        request.variant,
        request.lambda,
        &config,
        &mut reporter,
    )
    .map_err(|e| e.to_string())
}

/// What the page asks of section 4.1: one activation function on the book's grid.
#[derive(Clone, Debug, Deserialize)]
pub struct ActivationRequest {
    /// `relu`, `sigmoid`, `tanh`, `prelu` or `swish`.
    pub name: String,
    /// pReLU's slope for negative inputs (0.1 when absent).
    pub alpha: Option<f64>,
    /// Swish's sharpness β (1 when absent).
    pub beta: Option<f64>,
}

/// An activation function and its derivative on the grid, from the chapter's own code.
#[derive(Clone, Debug, Serialize)]
pub struct ActivationCurve {
    /// The book's grid, −8.0 to 7.9 in steps of 0.1.
    pub x: Vec<f32>,
    /// The function's values.
    pub value: Vec<f32>,
    /// Its derivative, by candle's autograd (`y.backward(ones_like(x))`).
    pub gradient: Vec<f32>,
}

/// Section 4.1 in the page: the requested activation and its autograd derivative.
pub fn activation(request: &ActivationRequest) -> Result<ActivationCurve> {
    use activations::Activation;
    let finite = |v: f64, name: &str| match v.is_finite() {
        true => Ok(v),
        false => Err(format!("{name} must be a finite number, got {v}")),
    };
    let act = match request.name.as_str() {
        "relu" => Activation::Relu,
        "sigmoid" => Activation::Sigmoid,
        "tanh" => Activation::Tanh,
        "prelu" => Activation::Prelu {
            alpha: finite(request.alpha.unwrap_or(0.1), "alpha")?,
        },
        "swish" => Activation::Swish {
            beta: finite(request.beta.unwrap_or(1.0), "beta")?,
        },
        other => return Err(format!("no activation called {other}")),
    };
    let e = |e: d2l_core::Error| e.to_string();
    let x = activations::grid(&Device::Cpu).map_err(e)?;
    let (value, gradient) = act.value_and_autograd(&x).map_err(e)?;
    let list = |t: &candle_core::Tensor| t.to_vec1::<f32>().map_err(|err| e(err.into()));
    Ok(ActivationCurve {
        x: list(&x)?,
        value: list(&value)?,
        gradient: list(&gradient)?,
    })
}

/// What the page asks of section 4.8: a stack of linear layers and how its weights are drawn.
#[derive(Clone, Debug, Deserialize)]
pub struct DepthRequest {
    /// `standard-normal` (N(0, 1)), `small-normal` (N(0, 0.01²)), `xavier-normal` or
    /// `xavier-uniform`.
    pub scheme: String,
    /// Number of layers.
    pub depth: usize,
    /// Width of every layer.
    pub width: usize,
    /// Seed of the input batch and the weights.
    #[serde(default)]
    pub seed: u64,
}

/// Layer by layer, how large the activations and the gradients are.
#[derive(Clone, Debug, Serialize)]
pub struct DepthProfile {
    /// The activations' variance after each layer (index 0: the input).
    pub activation_variance: Vec<f64>,
    /// The variance of the gradient of `sum(output)` at each layer's input (the last: the
    /// output's own).
    pub gradient_variance: Vec<f64>,
}

/// Section 4.8 in the page: the chapter's own `variance_per_layer` and
/// `gradient_variance_per_layer`, on a batch of 512 inputs as in the chapter binary.
pub fn depth_profile(request: &DepthRequest) -> Result<DepthProfile> {
    use numerical_stability::xavier::{self, Scheme};
    let scheme = match request.scheme.as_str() {
        "standard-normal" => Scheme::StandardNormal,
        "small-normal" => Scheme::SmallNormal,
        "xavier-normal" => Scheme::XavierNormal,
        "xavier-uniform" => Scheme::XavierUniform,
        other => return Err(format!("no initialisation called {other}")),
    };
    let (depth, width) = (request.depth, request.width);
    if !(1..=100).contains(&depth) || !(1..=1024).contains(&width) {
        return Err(format!(
            "depth must be 1 to 100 and width 1 to 1024, got {depth} and {width}"
        ));
    }
    let e = |e: d2l_core::Error| e.to_string();
    let (batch, seed, d) = (512, request.seed, &Device::Cpu);
    Ok(DepthProfile {
        activation_variance: xavier::variance_per_layer(scheme, depth, width, batch, seed, d)
            .map_err(e)?,
        gradient_variance: xavier::gradient_variance_per_layer(
            scheme, depth, width, batch, seed, d,
        )
        .map_err(e)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> FashionMnist {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/fashion-mnist");
        let files = fashion_mnist::locate::FILE_NAMES
            .map(|name| std::fs::read(dir.join(format!("{name}.gz"))).unwrap());
        decode_fashion_mnist(files).unwrap()
    }

    #[test]
    fn the_activation_and_depth_sections_use_the_chapters_own_numbers() {
        let request = ActivationRequest {
            name: "sigmoid".into(),
            alpha: None,
            beta: None,
        };
        let curve = activation(&request).unwrap();
        assert_eq!(curve.x.len(), 160);
        let peak = curve.gradient.iter().cloned().fold(f32::MIN, f32::max);
        assert!((peak - 0.25).abs() < 1e-6, "{peak}");
        let bad = ActivationRequest {
            name: "gelu".into(),
            alpha: None,
            beta: None,
        };
        assert_eq!(activation(&bad).unwrap_err(), "no activation called gelu");
        let depth = |scheme: &str| {
            let request = DepthRequest {
                scheme: scheme.into(),
                depth: 10,
                width: 256,
                seed: 0,
            };
            depth_profile(&request).unwrap()
        };
        let xavier = depth("xavier-normal");
        assert_eq!(xavier.activation_variance.len(), 11);
        assert!(
            xavier
                .activation_variance
                .iter()
                .all(|v| (0.7..1.4).contains(v))
        );
        assert!(depth("standard-normal").gradient_variance[0] > 1e20);
    }

    #[test]
    fn settings_beyond_the_browser_memory_are_refused_before_any_work() {
        for experiment in ["mlp-scratch", "mlp-concise"] {
            let request: ClassifierRequest = serde_json::from_value(serde_json::json!({
                "experiment": experiment,
                "config": {"num_hiddens": 100_000_000},
            }))
            .unwrap();
            let error =
                train_fashion(&data(), &request, |_| panic!("nothing may train")).unwrap_err();
            assert!(
                error.contains("WebAssembly memory holds at most 4 GiB"),
                "{experiment}: {error}"
            );
        }
        let request: WeightDecayRequest = serde_json::from_value(serde_json::json!({
            "variant": "scratch", "lambda": 3.0, "config": {"num_inputs": 2_000_000_000usize},
        }))
        .unwrap();
        let error = weight_decay(&request, |_| panic!("nothing may train")).unwrap_err();
        assert!(error.contains("at most 4 GiB"), "{error}");
        // A width the chapter itself refuses is refused the same way.
        let request: ClassifierRequest = serde_json::from_value(serde_json::json!({
            "experiment": "mlp-scratch", "config": {"num_hiddens": 0},
        }))
        .unwrap();
        let error = train_fashion(&data(), &request, |_| panic!("nothing may train")).unwrap_err();
        assert!(error.contains("num_hiddens"), "{error}");
    }

    #[test]
    fn a_page_request_trains_the_chapter_with_the_books_defaults_for_what_it_leaves_out() {
        let request: ClassifierRequest = serde_json::from_str(
            r#"{"experiment": "mlp-scratch", "config": {"num_epochs": 1}, "train_examples": 2000}"#,
        )
        .unwrap();
        let mut epochs = Vec::new();
        let outcome = train_fashion(&data(), &request, |m| {
            epochs.push(*m);
            Ok(())
        })
        .unwrap();
        assert_eq!(epochs.len(), 1);
        assert_eq!(outcome.summary.epochs, 1);
        assert_eq!(outcome.summary.test_acc, epochs[0].test_acc);
        assert_eq!(outcome.predictions.len(), 6);
        assert_eq!(outcome.predictions[0].pixels.len(), 784);
        // The same settings through the chapter's own `run`: the same numbers.
        let config = mlp_scratch::Config {
            num_epochs: 1,
            ..mlp_scratch::Config::default()
        };
        let subset = data().with_train_examples(2000).unwrap();
        let (_, summary) = mlp_scratch::run(&config, &subset, &mut ()).unwrap();
        assert_eq!(summary, outcome.summary);
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let bad = |json: &str| {
            let request: ClassifierRequest = serde_json::from_str(json).unwrap();
            train_fashion(&data(), &request, |_| Ok(())).unwrap_err()
        };
        assert_eq!(
            bad(r#"{"experiment": "resnet"}"#),
            "no experiment called resnet"
        );
        assert!(
            bad(r#"{"experiment": "mlp-scratch", "config": {"lr": "fast"}}"#)
                .starts_with("bad settings")
        );
        assert_eq!(
            bad(r#"{"experiment": "mlp-scratch", "config": {"lr": -1}}"#),
            "lr must be a finite number > 0, got -1"
        );
    }
}
