//! Symmetry: with every weight of a layer initialised to the same constant, all hidden units
//! compute the same function and receive the same gradient, so minibatch SGD never tells them
//! apart. Dropout, which silences different units on different steps, breaks the tie.

use candle_core::{DType, Device, ModuleT, Tensor, Var};
use d2l_core::data::synthetic_data;
use d2l_core::dropout::Dropout;
use d2l_core::optim::ScratchSgd;
use d2l_core::{Result, loss, rng, train};

/// A one-hidden-layer tanh network with constant initial weights and optional dropout.
pub struct ConstantNet {
    /// Hidden weights `(hidden, inputs)`.
    pub w1: Var,
    /// Hidden biases.
    pub b1: Var,
    /// Output weights `(1, hidden)`.
    pub w2: Var,
    /// Output bias.
    pub b2: Var,
    dropout: Option<Dropout>,
}

impl ConstantNet {
    /// Every weight `c`, every bias 0, on `d`; dropout `p` on the hidden layer when given.
    pub fn new(
        inputs: usize,
        hidden: usize,
        c: f64,
        dropout: Option<(f64, u64)>,
        d: &Device,
    ) -> Result<Self> {
        Ok(Self {
            w1: Var::from_tensor(&(Tensor::ones((hidden, inputs), DType::F32, d)? * c)?)?,
            b1: Var::zeros(hidden, DType::F32, d)?,
            w2: Var::from_tensor(&(Tensor::ones((1, hidden), DType::F32, d)? * c)?)?,
            b2: Var::zeros(1, DType::F32, d)?,
            dropout: dropout.map(|(p, seed)| Dropout::new(p, seed)).transpose()?,
        })
    }

    /// The largest difference between any two hidden units' incoming weights.
    pub fn hidden_unit_spread(&self) -> Result<f32> {
        let w = self.w1.as_tensor();
        let spread = (w.max_keepdim(0)? - w.min_keepdim(0)?)?;
        Ok(spread.max_all()?.to_scalar()?)
    }
}

impl ModuleT for ConstantNet {
    fn forward_t(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        let h = x
            .matmul(&self.w1.as_tensor().t()?)?
            .broadcast_add(self.b1.as_tensor())?
            .tanh()?;
        let h = match &self.dropout {
            Some(d) => d.forward_t(&h, train)?,
            None => h,
        };
        h.matmul(&self.w2.as_tensor().t()?)?
            .broadcast_add(self.b2.as_tensor())
    }
}

/// Trains a [`ConstantNet`] (4 inputs, `hidden` units, constant 0.5) on a linear regression
/// for `epochs` on `device`; `dropout` adds dropout on the hidden layer. Returns the net and its
/// final training loss (evaluation mode).
pub fn train_constant_net(
    hidden: usize,
    epochs: usize,
    dropout: Option<f64>,
    seed: u64,
    device: &Device,
) -> Result<(ConstantNet, f64)> {
    let mut r = rng::seeded(seed);
    let (x, y) = synthetic_data(&[2.0, -3.4, 1.0, 0.5], 4.2, 256, &mut r, device)?;
    let mut train_iter = d2l_core::data::load_array(x.clone(), y.clone(), 16, true, seed)?;
    let mut eval_iter = d2l_core::data::load_array(x, y, 256, false, seed)?;
    let net = ConstantNet::new(
        4,
        hidden,
        0.5,
        dropout.map(|p| (p, seed.wrapping_add(7))),
        device,
    )?;
    let mut sgd = ScratchSgd::new(
        vec![
            net.w1.clone(),
            net.b1.clone(),
            net.w2.clone(),
            net.b2.clone(),
        ],
        0.01,
    );
    for epoch in 1..=epochs {
        let mut checks = train::batch_checks((), epoch, train_iter.num_batches(), 0.01);
        train::train_epoch_ch3(
            &net,
            &mut train_iter,
            &loss::squared_loss,
            &mut sgd,
            &mut checks,
        )?;
    }
    let final_loss = d2l_core::metrics::evaluate_loss(&net, &mut eval_iter, &loss::squared_loss)?;
    Ok((net, final_loss))
}
