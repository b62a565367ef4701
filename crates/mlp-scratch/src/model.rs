//! The from-scratch MLP: weight matrices and bias vectors as candle `Var`s, and the forward pass
//! `H = relu(X W1 + b1)`, `O = H W2 + b2` written out as in the book.

use std::collections::HashMap;

use candle_core::{DType, Device, Module, Tensor, Var};
use d2l_core::classifier::{Classifier, named_tensor};
use d2l_core::ops::{linear, maximum};
use d2l_core::rng::SeededRng;
use d2l_core::{Error, Result, init};

/// The book's hand-written ReLU: the elementwise maximum of `x` and zero (`maximum` is
/// `torch.max`, see d2l_core::ops).
// ANCHOR: relu
pub fn relu(x: &Tensor) -> candle_core::Result<Tensor> {
    let a = x.zeros_like()?;
    maximum(x, &a)
}
// ANCHOR_END: relu

/// A multilayer perceptron with parameters `W1, b1, W2, b2, …`; `W_i` has shape
/// `(inputs, outputs)` as in the book (`X @ W + b`).
#[derive(Clone, Debug)]
pub struct MlpScratch {
    /// `(W, b)` of each hidden layer.
    hidden: Vec<(Var, Var)>,
    /// `(W, b)` of the output layer.
    output: (Var, Var),
}

impl MlpScratch {
    /// Layers of the given widths (`[784, 256, 10]` for the book's net) on `device`: weights
    /// from N(0, `sigma`²), biases zero. At least two widths (inputs and outputs) are needed.
    pub fn new(widths: &[usize], sigma: f64, rng: &mut SeededRng, device: &Device) -> Result<Self> {
        let layers = widths
            .windows(2)
            .map(|w| {
                let weight = Var::from_tensor(&init::normal(rng, (w[0], w[1]), sigma, device)?)?;
                let bias = Var::zeros(w[1], DType::F32, device)?;
                Ok((weight, bias))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_layers(layers)
    }

    /// Hidden layers, then the output layer (the last pair); fails when there is none.
    fn from_layers(mut layers: Vec<(Var, Var)>) -> Result<Self> {
        let output = layers.pop().ok_or(Error::Empty(
            "an MLP's layers (give at least an input and an output width)",
        ))?;
        Ok(Self {
            hidden: layers,
            output,
        })
    }

    /// Every layer's `(W, b)`, input to output.
    fn layers(&self) -> impl Iterator<Item = &(Var, Var)> {
        self.hidden.iter().chain(std::iter::once(&self.output))
    }

    /// Rebuilds a model from named tensors saved by a run (`W1, b1, …`), whatever its widths.
    pub fn from_tensors(tensors: &HashMap<String, Tensor>) -> Result<Self> {
        let mut layers = Vec::new();
        while tensors.contains_key(&format!("W{}", layers.len() + 1)) {
            let i = layers.len() + 1;
            let w = named_tensor(tensors, &format!("W{i}"))?;
            let b = named_tensor(tensors, &format!("b{i}"))?;
            layers.push((Var::from_tensor(&w)?, Var::from_tensor(&b)?));
        }
        if layers.is_empty() {
            return Err(Error::MissingParameter { name: "W1".into() });
        }
        Self::from_layers(layers)
    }

    /// The layer widths, input to output.
    pub fn widths(&self) -> Vec<usize> {
        let (first, _) = self.hidden.first().unwrap_or(&self.output);
        std::iter::once(first.dims()[0])
            .chain(self.layers().map(|(w, _)| w.dims()[1]))
            .collect()
    }

    /// Number of trainable values (203 530 for 784-256-10).
    pub fn num_parameters(&self) -> usize {
        self.layers()
            .map(|(w, b)| w.elem_count() + b.elem_count())
            .sum()
    }

    /// The hidden representation after hidden layer `k` (1-based; `k` at most the number of
    /// hidden layers), for inspection.
    pub fn hidden(&self, x: &Tensor, k: usize) -> Result<Tensor> {
        let hidden = self.hidden.len();
        if k > hidden {
            return Err(Error::InvalidHyperparameter {
                name: "k",
                rule: "at most the number of hidden layers",
                value: format!("{k} (the model has {hidden})"),
            });
        }
        let mut h = x.flatten_from(1)?;
        for (w, b) in &self.hidden[..k] {
            h = relu(&linear(&h, w, b)?)?;
        }
        Ok(h)
    }
}

// ANCHOR: forward
impl Module for MlpScratch {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        // X.reshape((-1, num_inputs))
        let mut h = x.flatten_from(1)?;
        for (w, b) in &self.hidden {
            // H = relu(X @ W + b); `linear` is `X @ W + b` (see d2l_core::ops).
            h = relu(&linear(&h, w, b)?)?;
        }
        let (w, b) = &self.output;
        // return H @ W + b
        linear(&h, w, b)
    }
}
// ANCHOR_END: forward

impl Classifier for MlpScratch {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        self.layers()
            .enumerate()
            .flat_map(|(i, (w, b))| {
                [
                    (format!("W{}", i + 1), w.clone()),
                    (format!("b{}", i + 1), b.clone()),
                ]
            })
            .collect()
    }
}

/// It draws no random numbers as it trains: no generators to save.
impl d2l_core::rng::Generators for MlpScratch {}
