//! The dropout MLP: `Flatten → Linear → ReLU → Dropout(p1) → Linear → ReLU → Dropout(p2) →
//! Linear`, dropout active only in training mode (`forward_t(x, true)`).

use std::path::Path;

use candle_core::{Device, Module, ModuleT, Tensor, Var};
use candle_nn::Linear;
use d2l_core::classifier::{Classifier, read_checkpoint};
use d2l_core::dropout::Dropout;
use d2l_core::fused::{self, Activation};
use d2l_core::{Error, Result, init, rng};

use crate::{Config, Variant};

/// The book's 784-256-256-10 network with two dropout layers.
#[derive(Debug)]
pub struct DropoutMlp {
    layers: Vec<(Var, Var)>,
    linears: Vec<Linear>,
    dropouts: [Dropout; 2],
    /// The scratch network computes its layers with d2l-core's fused op; the concise one with
    /// candle-nn's `Linear` layers.
    fused: bool,
}

impl DropoutMlp {
    /// Initialises the `variant`'s layers from `config.seed`: PyTorch's default U(±1/√fan_in)
    /// for the scratch net, N(0, 0.01²) weights (default-uniform biases) for the concise one.
    pub fn new(config: &Config, variant: Variant) -> Result<Self> {
        let mut r = rng::seeded(config.seed);
        let device = Device::Cpu;
        let widths = [
            fashion_mnist::PIXELS,
            config.num_hiddens1,
            config.num_hiddens2,
            fashion_mnist::LABELS.len(),
        ];
        let mut layers = Vec::new();
        for w in widths.windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            let (weight, bias) = match variant {
                Variant::Scratch => init::pytorch_linear(&mut r, fan_in, fan_out, &device)?,
                Variant::Concise => {
                    let weight = init::normal(&mut r, (fan_out, fan_in), 0.01, &device)?;
                    let a = init::pytorch_bound(fan_in);
                    (weight, rng::uniform(&mut r, fan_out, -a, a, &device)?)
                }
            };
            layers.push((weight, bias));
        }
        Self::from_layers(
            layers,
            [config.dropout1, config.dropout2],
            config.seed,
            variant == Variant::Scratch,
        )
    }

    /// Rebuilds a trained model from a checkpoint (`1.weight`, `1.bias`, `4.weight`, … as in
    /// the book's `Sequential`); dropout does not matter in evaluation.
    pub fn from_checkpoint(path: &Path) -> Result<Self> {
        let tensors = read_checkpoint(path, &Device::Cpu)?;
        let layers = LAYER_INDICES
            .iter()
            .map(|i| {
                let get = |k: String| {
                    tensors.get(&k).cloned().ok_or_else(|| {
                        Error::Mismatch(format!(
                            "{} has no {k}: not a dropout checkpoint",
                            path.display()
                        ))
                    })
                };
                Ok((get(format!("{i}.weight"))?, get(format!("{i}.bias"))?))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_layers(layers, [0.0, 0.0], 0, true)
    }

    fn from_layers(
        layers: Vec<(Tensor, Tensor)>,
        p: [f64; 2],
        seed: u64,
        fused: bool,
    ) -> Result<Self> {
        let layers: Vec<(Var, Var)> = layers
            .iter()
            .map(|(w, b)| Ok((Var::from_tensor(w)?, Var::from_tensor(b)?)))
            .collect::<Result<_>>()?;
        // The layers share storage with the Vars, so the optimizer's updates reach them.
        // Only the concise network needs candle-nn layers; the fused path reads the Vars.
        let linears = if fused {
            Vec::new()
        } else {
            layers
                .iter()
                .map(|(w, b)| Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone())))
                .collect()
        };
        // Mask generators are seeded apart from the initialisation and the shuffling.
        let dropouts = [
            Dropout::new(p[0], seed.wrapping_add(11))?,
            Dropout::new(p[1], seed.wrapping_add(12))?,
        ];
        Ok(Self {
            fused,
            layers,
            linears,
            dropouts,
        })
    }

    /// The two hidden representations for `x`, in training (`train = true`, dropout applied)
    /// or evaluation mode.
    // ANCHOR: hidden
    pub fn hidden(&self, x: &Tensor, train: bool) -> candle_core::Result<[Tensor; 2]> {
        let x = x.flatten_from(1)?;
        let h1 = self.dropouts[0].forward_t(&self.layer(0, &x, Activation::Relu)?, train)?;
        let h2 = self.dropouts[1].forward_t(&self.layer(1, &h1, Activation::Relu)?, train)?;
        Ok([h1, h2])
    }

    /// Linear layer `i` of `x`, followed by `activation`.
    fn layer(&self, i: usize, x: &Tensor, activation: Activation) -> candle_core::Result<Tensor> {
        if self.fused {
            let (w, b) = &self.layers[i];
            // The first layer's input is data: its gradient is not needed.
            fused::linear(x, &w.as_tensor().t()?, b.as_tensor(), activation, i > 0)
        } else {
            let y = self.linears[i].forward(x)?;
            match activation {
                Activation::Relu => y.relu(),
                Activation::Identity => Ok(y),
            }
        }
    }
    // ANCHOR_END: hidden
}

/// Positions of the linear layers in the book's `Sequential(Flatten, Linear, ReLU, Dropout,
/// Linear, ReLU, Dropout, Linear)`.
const LAYER_INDICES: [usize; 3] = [1, 4, 7];

impl ModuleT for DropoutMlp {
    fn forward_t(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        let [_, h2] = self.hidden(x, train)?;
        self.layer(2, &h2, Activation::Identity)
    }
}

impl Classifier for DropoutMlp {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        LAYER_INDICES
            .iter()
            .zip(&self.layers)
            .flat_map(|(i, (w, b))| {
                [
                    (format!("{i}.weight"), w.clone()),
                    (format!("{i}.bias"), b.clone()),
                ]
            })
            .collect()
    }
}
