//! Exercise 1: a layer that returns `y_k = Σ_ij W_ijk x_i x_j` for each example, with `W` of
//! shape `(in, in, out)`. Batched, it is one matrix product: the outer products `x xᵀ`
//! flattened to `(batch, in²)` times `W` reshaped to `(in², out)`.

use candle_core::{Device, Module, Tensor, Var};
use d2l_core::Result;
use d2l_core::rng::{self, SeededRng};

/// The tensor-reduction layer.
#[derive(Clone, Debug)]
pub struct TensorReduction {
    /// The weight, shape `(in, in, out)`.
    pub weight: Var,
}

impl TensorReduction {
    /// A layer with `W ~ N(0, 1/in²)` on `device`, so outputs stay O(1) for unit inputs.
    pub fn new(
        inputs: usize,
        outputs: usize,
        rng: &mut SeededRng,
        device: &Device,
    ) -> Result<Self> {
        let std = 1.0 / inputs as f64;
        let w = rng::normal(rng, (inputs, inputs, outputs), 0.0, std, device)?;
        Ok(Self {
            weight: Var::from_tensor(&w)?,
        })
    }

    /// `y_k` for one input vector by the explicit double loop (the definition, for tests).
    pub fn reference(&self, x: &[f32]) -> Result<Vec<f32>> {
        let w: Vec<Vec<Vec<f32>>> = self.weight.as_tensor().to_vec3()?;
        let outputs = self.weight.dims()[2];
        Ok((0..outputs)
            .map(|k| {
                let mut y = 0f32;
                for (i, xi) in x.iter().enumerate() {
                    for (j, xj) in x.iter().enumerate() {
                        y += w[i][j][k] * xi * xj;
                    }
                }
                y
            })
            .collect())
    }
}

// ANCHOR: forward
impl Module for TensorReduction {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (batch, n) = x.dims2()?;
        let outer = x
            .unsqueeze(2)?
            .broadcast_mul(&x.unsqueeze(1)?)?
            .reshape((batch, n * n))?;
        let out = self.weight.dims()[2];
        outer.matmul(&self.weight.as_tensor().reshape((n * n, out))?)
    }
}
// ANCHOR_END: forward
