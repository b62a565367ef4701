//! The dropout MLP of the book's `Net`: three linear layers, ReLU after the first two, and
//! `dropout_layer` after each ReLU while training.

use std::collections::HashMap;

use candle_core::{Device, ModuleT, Tensor, Var};
use candle_nn::Linear;
use d2l_core::classifier::{Classifier, named_tensor};
use d2l_core::dropout::{Masks, dropout_layer};
use d2l_core::ops::{linear_layer, relu};
use d2l_core::rng::{self, Generators, RngState};
use d2l_core::{Result, init};

use crate::{Config, Variant};

/// The book's 784-256-256-10 network with dropout after both hidden layers.
#[derive(Debug)]
pub struct DropoutMlp {
    lin1: Linear,
    lin2: Linear,
    lin3: Linear,
    dropout1: f64,
    dropout2: f64,
    /// Exercise 6: drop the hidden layers' weights (DropConnect) instead of their units.
    drop_weights: bool,
    /// Where the two dropout layers draw their masks (the book's global generator), so a
    /// model built from a seed drops the same units every run.
    masks: Masks,
    params: Vec<(String, Var)>,
}

/// Positions of the linear layers in the book's `Sequential(Flatten, Linear, ReLU, Dropout,
/// Linear, ReLU, Dropout, Linear)`: the checkpoint's names (`1.weight`, …).
const LAYER_INDICES: [usize; 3] = [1, 4, 7];

impl DropoutMlp {
    /// Initialises the `variant`'s layers from `config.seed` on `device`: PyTorch's default
    /// U(±1/√fan_in) for the scratch net, N(0, 0.01²) weights (default-uniform biases) for the
    /// concise one.
    pub fn new(config: &Config, variant: Variant, device: &Device) -> Result<Self> {
        let mut r = rng::seeded(config.seed);
        let widths = [
            fashion_mnist::PIXELS,
            config.num_hiddens1,
            config.num_hiddens2,
            fashion_mnist::LABELS.len(),
        ];
        let mut layers = Vec::new();
        for w in widths.windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            layers.push(match variant {
                Variant::Scratch => init::pytorch_linear(&mut r, fan_in, fan_out, device)?,
                Variant::Concise => {
                    let weight = init::normal(&mut r, (fan_out, fan_in), 0.01, device)?;
                    let a = init::pytorch_bound(fan_in);
                    (weight, rng::uniform(&mut r, fan_out, -a, a, device)?)
                }
            });
        }
        let mut net = Self::from_layers(layers, [config.dropout1, config.dropout2], config.seed)?;
        net.drop_weights = config.drop_weights;
        Ok(net)
    }

    /// Rebuilds a trained model from named tensors saved by a run (`1.weight`, `1.bias`,
    /// `4.weight`, … as in the book's `Sequential`); dropout does not matter in evaluation.
    pub fn from_tensors(tensors: &HashMap<String, Tensor>) -> Result<Self> {
        let layers = LAYER_INDICES
            .iter()
            .map(|i| {
                Ok((
                    named_tensor(tensors, &format!("{i}.weight"))?,
                    named_tensor(tensors, &format!("{i}.bias"))?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_layers(layers, [0.0, 0.0], 0)
    }

    /// Three `(weight (out, in), bias)` pairs as trainable candle-nn layers.
    fn from_layers(layers: Vec<(Tensor, Tensor)>, p: [f64; 2], seed: u64) -> Result<Self> {
        let mut params = Vec::new();
        let mut linears = Vec::new();
        for (i, (w, b)) in LAYER_INDICES.iter().zip(layers) {
            let (w, b) = (Var::from_tensor(&w)?, Var::from_tensor(&b)?);
            // The layer shares storage with the Vars, so the optimizer's updates reach it.
            linears.push(Linear::new(
                w.as_tensor().clone(),
                Some(b.as_tensor().clone()),
            ));
            params.push((format!("{i}.weight"), w));
            params.push((format!("{i}.bias"), b));
        }
        let [lin1, lin2, lin3] =
            <[Linear; 3]>::try_from(linears).map_err(|l| d2l_core::Error::MissingParameter {
                name: format!("{}.weight", LAYER_INDICES[l.len()]),
            })?;
        Ok(Self {
            lin1,
            lin2,
            lin3,
            dropout1: p[0],
            dropout2: p[1],
            drop_weights: false,
            masks: Masks::new(seed, 2),
            params,
        })
    }

    /// The book's `forward`, keeping the hidden representations `H1`, `H2` for inspection:
    /// returns `[H1, H2, out]`. Dropout applies only while `training`.
    // ANCHOR: forward
    pub fn forward_all(&self, x: &Tensor, training: bool) -> Result<[Tensor; 3]> {
        if training && self.drop_weights {
            return self.forward_drop_connect(x); // exercise 6, not the book's
        }
        // `linear_layer(&self.lin1, X)` is the book's `self.lin1(X)` and `relu` its
        // `self.relu` (see d2l_core::ops).
        let mut h1 = relu(&linear_layer(&self.lin1, &x.flatten_from(1)?)?)?;
        if training {
            h1 = dropout_layer(&h1, self.dropout1, &mut self.masks.generator(0))?;
        }
        let mut h2 = relu(&linear_layer(&self.lin2, &h1)?)?;
        if training {
            h2 = dropout_layer(&h2, self.dropout2, &mut self.masks.generator(1))?;
        }
        let out = linear_layer(&self.lin3, &h2)?;
        Ok([h1, h2, out])
    }
    // ANCHOR_END: forward

    /// Exercise 6, DropConnect: the training forward with `dropout_layer` applied to the two
    /// hidden layers' weight matrices (one mask per minibatch, the kept weights scaled by
    /// 1/(1 − p)) instead of to their outputs. Evaluation uses the full weights, as with
    /// dropout.
    // ANCHOR: drop_connect
    fn forward_drop_connect(&self, x: &Tensor) -> Result<[Tensor; 3]> {
        let thinned = |layer: &Linear, p: f64, k: usize| -> Result<Linear> {
            let w = dropout_layer(layer.weight(), p, &mut self.masks.generator(k))?;
            Ok(Linear::new(w, layer.bias().cloned()))
        };
        let (lin1, lin2) = (
            thinned(&self.lin1, self.dropout1, 0)?,
            thinned(&self.lin2, self.dropout2, 1)?,
        );
        let h1 = relu(&linear_layer(&lin1, &x.flatten_from(1)?)?)?;
        let h2 = relu(&linear_layer(&lin2, &h1)?)?;
        let out = linear_layer(&self.lin3, &h2)?;
        Ok([h1, h2, out])
    }
    // ANCHOR_END: drop_connect
}

impl ModuleT for DropoutMlp {
    fn forward_t(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        let [_, _, out] = self
            .forward_all(x, train)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        Ok(out)
    }
}

impl Classifier for DropoutMlp {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        self.params.clone()
    }
}

impl Generators for DropoutMlp {
    fn generator_states(&self) -> Vec<RngState> {
        self.masks.generator_states()
    }

    fn restore_generators(&self, states: &[RngState]) -> Result<()> {
        self.masks.restore_generators(states)
    }
}
