//! The from-scratch MLP: weight matrices and bias vectors as candle `Var`s, and the forward pass
//! `H = relu(X W1 + b1)`, `O = H W2 + b2` written out as in the book.

use std::path::Path;

use candle_core::{DType, Device, Module, Tensor, Var};
use d2l_core::classifier::{Classifier, read_checkpoint};
use d2l_core::fused::{self, Activation};
use d2l_core::rng::SeededRng;
use d2l_core::{Error, Result, init};

/// The book's hand-written ReLU: the elementwise maximum of `x` and zero.
// ANCHOR: relu
pub fn relu(x: &Tensor) -> candle_core::Result<Tensor> {
    x.maximum(&x.zeros_like()?)
}
// ANCHOR_END: relu

/// A multilayer perceptron with parameters `W1, b1, W2, b2, …`; `W_i` has shape
/// `(inputs, outputs)` as in the book (`X @ W + b`).
#[derive(Clone, Debug)]
pub struct MlpScratch {
    layers: Vec<(Var, Var)>,
}

impl MlpScratch {
    /// Layers of the given widths (`[784, 256, 10]` for the book's net): weights from
    /// N(0, `sigma`²), biases zero.
    pub fn new(widths: &[usize], sigma: f64, rng: &mut SeededRng) -> Result<Self> {
        let device = Device::Cpu;
        let layers = widths
            .windows(2)
            .map(|w| {
                let weight = Var::from_tensor(&init::normal(rng, (w[0], w[1]), sigma, &device)?)?;
                let bias = Var::zeros(w[1], DType::F32, &device)?;
                Ok((weight, bias))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { layers })
    }

    /// Rebuilds a model from a checkpoint written by a run (`W1, b1, …`), whatever its widths.
    pub fn from_checkpoint(path: &Path) -> Result<Self> {
        let tensors = read_checkpoint(path, &Device::Cpu)?;
        let mut layers = Vec::new();
        for i in 1.. {
            match (tensors.get(&format!("W{i}")), tensors.get(&format!("b{i}"))) {
                (Some(w), Some(b)) => layers.push((Var::from_tensor(w)?, Var::from_tensor(b)?)),
                _ => break,
            }
        }
        if layers.is_empty() {
            return Err(Error::Mismatch(format!(
                "{} holds no W1/b1: not an mlp-scratch checkpoint",
                path.display()
            )));
        }
        Ok(Self { layers })
    }

    /// The layer widths, input to output.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.layers[0].0.dims()[0]];
        w.extend(self.layers.iter().map(|(weight, _)| weight.dims()[1]));
        w
    }

    /// Number of trainable values (203 530 for 784-256-10).
    pub fn num_parameters(&self) -> usize {
        self.layers
            .iter()
            .map(|(w, b)| w.elem_count() + b.elem_count())
            .sum()
    }

    /// The hidden representation after layer `k` (1-based), for inspection.
    pub fn hidden(&self, x: &Tensor, k: usize) -> candle_core::Result<Tensor> {
        let mut h = x.flatten_from(1)?;
        for (i, (w, b)) in self.layers[..k].iter().enumerate() {
            // relu(H W + b) as one fused op; the first layer's input is data, so its gradient
            // is not computed (see d2l_core::fused).
            h = fused::linear(&h, w.as_tensor(), b.as_tensor(), Activation::Relu, i > 0)?;
        }
        Ok(h)
    }

    /// The book's forward pass written with plain candle ops, `relu(X W1 + b1) W2 + b2`: the
    /// same function as [`Module::forward`], which computes it with the fused op.
    // ANCHOR: forward_reference
    pub fn forward_reference(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut h = x.flatten_from(1)?;
        let last = self.layers.len() - 1;
        for (w, b) in &self.layers[..last] {
            h = relu(&h.matmul(w.as_tensor())?.broadcast_add(b.as_tensor())?)?;
        }
        let (w, b) = &self.layers[last];
        h.matmul(w.as_tensor())?.broadcast_add(b.as_tensor())
    }
    // ANCHOR_END: forward_reference
}

// ANCHOR: forward
impl Module for MlpScratch {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let last = self.layers.len() - 1;
        let h = self.hidden(x, last)?;
        let (w, b) = &self.layers[last];
        fused::linear(
            &h,
            w.as_tensor(),
            b.as_tensor(),
            Activation::Identity,
            last > 0,
        )
    }
}
// ANCHOR_END: forward

impl Classifier for MlpScratch {
    fn named_parameters(&self) -> Vec<(String, Var)> {
        self.layers
            .iter()
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
