//! `CenteredLayer` and `MyLinear`.

use candle_core::{Device, Module, Tensor, Var};
use d2l_core::Result;
use d2l_core::rng::{self, SeededRng};

/// `X − mean(X)`, the mean taken over all elements. No parameters.
#[derive(Clone, Copy, Debug, Default)]
pub struct CenteredLayer;

// ANCHOR: centered
impl Module for CenteredLayer {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.broadcast_sub(&x.mean_all()?)
    }
}
// ANCHOR_END: centered

/// `relu(X W + b)` with `W` `(in_units, units)` and `b` `(units,)`, both N(0, 1).
#[derive(Clone, Debug)]
pub struct MyLinear {
    /// The weight.
    pub weight: Var,
    /// The bias.
    pub bias: Var,
}

impl MyLinear {
    /// A layer from `in_units` to `units`, parameters drawn from N(0, 1).
    pub fn new(in_units: usize, units: usize, rng: &mut SeededRng, d: &Device) -> Result<Self> {
        Ok(Self {
            weight: Var::from_tensor(&rng::normal(rng, (in_units, units), 0.0, 1.0, d)?)?,
            bias: Var::from_tensor(&rng::normal(rng, units, 0.0, 1.0, d)?)?,
        })
    }

    /// The trainable parameters.
    pub fn parameters(&self) -> Vec<Var> {
        vec![self.weight.clone(), self.bias.clone()]
    }
}

// ANCHOR: my_linear
impl Module for MyLinear {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        // Unlike the book's `self.weight.data`, the Vars stay in the graph.
        x.matmul(self.weight.as_tensor())?
            .broadcast_add(self.bias.as_tensor())?
            .relu()
    }
}
// ANCHOR_END: my_linear

/// `MyLinear(in, hidden) → CenteredLayer → linear map to 1 output`: both custom layers inside
/// one trainable model.
#[derive(Clone, Debug)]
pub struct CustomNet {
    /// The first layer.
    pub hidden: MyLinear,
    /// The output weights `(hidden, 1)`.
    pub out: Var,
}

impl CustomNet {
    /// A net from `inputs` through `hidden` units to one output (output weights N(0, 1/hidden)),
    /// on `device`.
    pub fn new(inputs: usize, hidden: usize, rng: &mut SeededRng, device: &Device) -> Result<Self> {
        let out = rng::normal(rng, (hidden, 1), 0.0, 1.0 / (hidden as f64).sqrt(), device)?;
        Ok(Self {
            hidden: MyLinear::new(inputs, hidden, rng, device)?,
            out: Var::from_tensor(&out)?,
        })
    }

    /// Every trainable parameter.
    pub fn parameters(&self) -> Vec<Var> {
        let mut p = self.hidden.parameters();
        p.push(self.out.clone());
        p
    }
}

impl Module for CustomNet {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = CenteredLayer.forward(&self.hidden.forward(x)?)?;
        h.matmul(self.out.as_tensor())
    }
}

/// Trains a [`CustomNet`] (8 inputs, 32 hidden) on a synthetic linear regression with the
/// book's minibatch SGD and returns the mean squared loss (with ½) before training and after
/// each epoch: it falls, so gradients reach the custom layers' parameters.
pub fn train_demo(epochs: usize, lr: f64, seed: u64, device: &Device) -> Result<Vec<f64>> {
    let mut r = rng::seeded(seed);
    let w: Vec<f32> = (0..8).map(|i| (i as f32 - 3.5) / 4.0).collect();
    let (x, y) = d2l_core::data::synthetic_data(&w, 1.0, 512, &mut r, device)?;
    let net = CustomNet::new(8, 32, &mut r, device)?;
    let mut train_iter = d2l_core::data::load_array(x.clone(), y.clone(), 32, true, seed)?;
    let mut eval_iter = d2l_core::data::load_array(x, y, 512, false, seed)?;
    let before =
        d2l_core::metrics::evaluate_loss(&net, &mut eval_iter, &d2l_core::loss::squared_loss)?;
    let mut sgd = d2l_core::optim::ScratchSgd::new(net.parameters(), lr);
    let records = d2l_core::train::train_regression(
        &net,
        &mut train_iter,
        &mut eval_iter,
        &d2l_core::loss::squared_loss,
        &d2l_core::loss::squared_loss,
        epochs,
        |_| true,
        &mut sgd,
        &mut (),
    )?;
    Ok(std::iter::once(before)
        .chain(records.iter().map(|r| r.train_loss))
        .collect())
}
