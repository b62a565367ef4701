//! Activation variance through a deep stack of linear layers (the setting of the book's
//! derivation: no nonlinearity, zero-mean weights), for four initialisations. With
//! `n_in = n_out = n`, the forward variance is multiplied by `n·σ²` per layer: N(0, 1) explodes
//! (×n), N(0, 0.01²) vanishes (×n·10⁻⁴), Xavier's σ² = 2/(n_in + n_out) = 1/n keeps it at 1.

use candle_core::{Device, Tensor};
use d2l_core::rng::SeededRng;
use d2l_core::{Result, init, rng};
use serde::Serialize;

/// How the weights of every layer are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Scheme {
    /// N(0, 1).
    StandardNormal,
    /// N(0, 0.01²), the book's MLP initialisation.
    SmallNormal,
    /// Xavier normal, N(0, 2/(n_in + n_out)).
    XavierNormal,
    /// Xavier uniform, U(±√(6/(n_in + n_out))).
    XavierUniform,
}

impl Scheme {
    /// All four schemes.
    pub const ALL: [Scheme; 4] = [
        Scheme::StandardNormal,
        Scheme::SmallNormal,
        Scheme::XavierNormal,
        Scheme::XavierUniform,
    ];

    /// Label for figures and tables.
    pub fn label(self) -> &'static str {
        match self {
            Scheme::StandardNormal => "N(0, 1)",
            Scheme::SmallNormal => "N(0, 0.01^2)",
            Scheme::XavierNormal => "Xavier normal",
            Scheme::XavierUniform => "Xavier uniform",
        }
    }

    /// A weight `(n_out, n_in)` drawn by this scheme, on `d`.
    pub fn weight(
        self,
        rng: &mut SeededRng,
        (n_in, n_out): (usize, usize),
        d: &Device,
    ) -> Result<Tensor> {
        match self {
            Scheme::StandardNormal => init::normal(rng, (n_out, n_in), 1.0, d),
            Scheme::SmallNormal => init::normal(rng, (n_out, n_in), 0.01, d),
            Scheme::XavierNormal => init::xavier_normal(rng, n_in, n_out, d),
            Scheme::XavierUniform => init::xavier_uniform(rng, n_in, n_out, d),
        }
    }
}

/// Variance of the activations after each of `depth` linear layers of width `width`, for a
/// batch of `batch` N(0, 1) inputs, on `device`. Index 0 is the input's variance.
// ANCHOR: variance
pub fn variance_per_layer(
    scheme: Scheme,
    depth: usize,
    width: usize,
    batch: usize,
    seed: u64,
    device: &Device,
) -> Result<Vec<f64>> {
    let mut r = rng::seeded(seed);
    let mut h = rng::normal(&mut r, (batch, width), 0.0, 1.0, device)?;
    let mut out = vec![mean_square(&h)?];
    for _ in 0..depth {
        let w = scheme.weight(&mut r, (width, width), device)?;
        h = h.matmul(&w.t()?)?;
        out.push(mean_square(&h)?);
    }
    Ok(out)
}
// ANCHOR_END: variance

/// The gradients' side of [`variance_per_layer`], on the same network (the same seed draws
/// the same weights): the variance of the gradient of `sum(output)` with respect to each
/// layer's input. Index 0 is the input's gradient, the last the output's own (all ones).
/// Backpropagation by hand: with `h_l = h_{l−1} W_lᵀ`, the gradient at `h_{l−1}` is the one
/// at `h_l` times `W_l`, so going down it is multiplied by every weight matrix in turn, and
/// grows or shrinks as the activations do going up. (For a linear stack it does not depend on
/// the input.)
pub fn gradient_variance_per_layer(
    scheme: Scheme,
    depth: usize,
    width: usize,
    batch: usize,
    seed: u64,
    device: &Device,
) -> Result<Vec<f64>> {
    let mut r = rng::seeded(seed);
    // The input batch is drawn first, as in `variance_per_layer`, so the weights are the same.
    rng::normal(&mut r, (batch, width), 0.0, 1.0, device)?;
    let weights = (0..depth)
        .map(|_| scheme.weight(&mut r, (width, width), device))
        .collect::<Result<Vec<_>>>()?;
    let mut grad = Tensor::ones((batch, width), candle_core::DType::F32, device)?;
    let mut out = vec![mean_square(&grad)?];
    for w in weights.iter().rev() {
        grad = grad.matmul(w)?;
        out.push(mean_square(&grad)?);
    }
    out.reverse();
    Ok(out)
}

/// The mean of the squared entries: the variance of a tensor whose entries have mean zero.
fn mean_square(t: &Tensor) -> Result<f64> {
    Ok(t.sqr()?.mean_all()?.to_scalar::<f32>()? as f64)
}
