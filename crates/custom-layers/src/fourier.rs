//! Exercise 2: a layer returning the leading half of the discrete Fourier coefficients of each
//! row, `X̂_k = Σ_t x_t e^{−2πi kt/n}` for `k = 0 … n/2 − 1` (`torch.fft.fft(X)[..., :n//2]`).
//!
//! **Complex values** are represented as a trailing dimension of size 2, `[real, imaginary]`:
//! an input `(batch, n)` gives an output `(batch, n/2, 2)`. The transform is a fixed linear map,
//! computed as two matrix products with precomputed cosine and sine tables (O(n²), which is fine
//! for the sizes of the exercise), and it is differentiable.

use std::f64::consts::PI;

use candle_core::{Device, Module, Tensor};
use d2l_core::Result;

/// The leading-half DFT layer for signals of length `n`.
#[derive(Clone, Debug)]
pub struct FourierHalf {
    cos: Tensor,
    neg_sin: Tensor,
}

impl FourierHalf {
    /// The layer for length-`n` signals (`n ≥ 2`), on `device`.
    pub fn new(n: usize, device: &Device) -> Result<Self> {
        d2l_core::validate::positive_usize("signal length / 2", n / 2)?;
        let half = n / 2;
        let table = |f: fn(f64) -> f64| -> Result<Tensor> {
            let v: Vec<f32> = (0..n)
                .flat_map(|t| {
                    (0..half).map(move |k| f(2.0 * PI * (k * t) as f64 / n as f64) as f32)
                })
                .collect();
            Ok(Tensor::from_vec(v, (n, half), device)?)
        };
        Ok(Self {
            cos: table(f64::cos)?,
            neg_sin: table(|a| -a.sin())?,
        })
    }

    /// Number of coefficients returned (`n/2`).
    pub fn outputs(&self) -> usize {
        self.cos.dims()[1]
    }
}

impl Module for FourierHalf {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let re = x.matmul(&self.cos)?;
        let im = x.matmul(&self.neg_sin)?;
        Tensor::stack(&[re, im], 2)
    }
}
