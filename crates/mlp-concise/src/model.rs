//! The concise MLP: a candle-nn `Sequential` of `Flatten`, `Linear`, `ReLU`, …, `Linear`,
//! with parameters named as PyTorch's `state_dict` names them (`1.weight`, `1.bias`,
//! `3.weight`, …: the index of the layer in the sequence).

use std::collections::HashMap;

use candle_core::{Device, Module, Tensor, Var};
use candle_nn::{Linear, Sequential};
use d2l_core::classifier::{Classifier, named_tensor};
use d2l_core::ops::{linear_layer, relu};
use d2l_core::rng::{self, SeededRng};
use d2l_core::{Error, Result, init};
use serde::{Deserialize, Serialize};

/// The hidden layers' activation (the section's second exercise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// `nn.ReLU()`, the book's.
    #[default]
    Relu,
    /// `nn.Sigmoid()`.
    Sigmoid,
    /// `nn.Tanh()`.
    Tanh,
}

/// How the weights start (the section's third exercise); the biases start as PyTorch's
/// default in every case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// N(0, σ²) with `--sigma` (0.01: the book's `init_weights`).
    #[default]
    Normal,
    /// Xavier uniform, U(±√(6/(fan_in + fan_out))) (section 4.8).
    Xavier,
    /// PyTorch's default `nn.Linear` init, U(±1/√fan_in).
    Default,
}

/// `Sequential(Flatten, Linear, ReLU, …, Linear)` built from candle-nn layers.
pub struct MlpConcise {
    net: Sequential,
    params: Vec<(String, Var)>,
}

impl std::fmt::Debug for MlpConcise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MlpConcise")
            .field("widths", &self.widths())
            .finish()
    }
}

impl MlpConcise {
    /// The book's net: layers of the given widths (`[784, 256, 10]`) on `device`, weights
    /// N(0, `sigma`²) (its `init_weights`), biases PyTorch's default U(±1/√fan_in), ReLU.
    pub fn new(widths: &[usize], sigma: f64, rng: &mut SeededRng, device: &Device) -> Result<Self> {
        Self::with(widths, Init::Normal, sigma, Activation::Relu, rng, device)
    }

    /// The net with another initialisation of its weights and another activation (the
    /// section's exercises); `sigma` is the standard deviation of [`Init::Normal`].
    pub fn with(
        widths: &[usize],
        init: Init,
        sigma: f64,
        activation: Activation,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let mut layers = Vec::new();
        for w in widths.windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            let a = init::pytorch_bound(fan_in);
            let weight = match init {
                Init::Normal => init::normal(rng, (fan_out, fan_in), sigma, device)?,
                Init::Xavier => init::xavier_uniform(rng, fan_in, fan_out, device)?,
                Init::Default => rng::uniform(rng, (fan_out, fan_in), -a, a, device)?,
            };
            let bias = rng::uniform(rng, fan_out, -a, a, device)?;
            layers.push((weight, bias));
        }
        Self::from_layers(layers, activation)
    }

    /// Rebuilds a model from named tensors saved by a run (`1.weight`, `1.bias`, …),
    /// whatever its widths.
    pub fn from_tensors(tensors: &HashMap<String, Tensor>) -> Result<Self> {
        let mut layers = Vec::new();
        while tensors.contains_key(&format!("{}.weight", layer_index(layers.len()))) {
            let i = layer_index(layers.len());
            layers.push((
                named_tensor(tensors, &format!("{i}.weight"))?,
                named_tensor(tensors, &format!("{i}.bias"))?,
            ));
        }
        Self::from_layers(layers, Activation::Relu)
    }

    /// Wraps `(weight (out, in), bias (out,))` pairs as trainable candle-nn layers; fails when
    /// there is none.
    fn from_layers(layers: Vec<(Tensor, Tensor)>, activation: Activation) -> Result<Self> {
        if layers.is_empty() {
            return Err(Error::MissingParameter {
                name: format!("{}.weight", layer_index(0)),
            });
        }
        // ANCHOR: sequential
        let mut net = candle_nn::seq().add_fn(|x| x.flatten_from(1));
        let mut params = Vec::new();
        let last = layers.len() - 1;
        for (k, (w, b)) in layers.into_iter().enumerate() {
            let (w, b) = (Var::from_tensor(&w)?, Var::from_tensor(&b)?);
            // The layer shares storage with the Vars, so optimizer updates reach it.
            let layer = Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone()));
            // candle-nn's `layer.forward(x)`, through the core's fast op (the bias inside the
            // product, no gradient for the input images).
            net = net.add_fn(move |x| linear_layer(&layer, x));
            if k < last {
                net = match activation {
                    // `nn.ReLU()`, through the core's one-pass op.
                    Activation::Relu => net.add_fn(relu),
                    Activation::Sigmoid => net.add_fn(candle_nn::ops::sigmoid),
                    Activation::Tanh => net.add_fn(|x| x.tanh()),
                };
            }
            let i = layer_index(k);
            params.push((format!("{i}.weight"), w));
            params.push((format!("{i}.bias"), b));
        }
        Ok(Self { net, params })
        // ANCHOR_END: sequential
    }

    /// The layer widths, input to output.
    pub fn widths(&self) -> Vec<usize> {
        // Weights are (out, in): the first one's inputs, then every layer's outputs.
        let weights = self.params.iter().step_by(2).map(|(_, v)| v.dims());
        let inputs = weights.clone().take(1).map(|d| d[1]);
        inputs.chain(weights.map(|d| d[0])).collect()
    }
}

/// Position of the `k`-th linear layer in `Sequential(Flatten, Linear, ReLU, Linear, …)`.
fn layer_index(k: usize) -> usize {
    2 * k + 1
}

impl Module for MlpConcise {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.net.forward(x)
    }
}

impl Classifier for MlpConcise {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        self.params.clone()
    }
}

/// It draws no random numbers as it trains: no generators to save.
impl d2l_core::rng::Generators for MlpConcise {}
