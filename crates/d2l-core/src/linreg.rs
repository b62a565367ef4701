//! Linear regression as the book writes it: `linreg(X, w, b) = X w + b`, and a bias-free
//! linear layer with PyTorch's default initialisation (the polynomial model of 4.4).
//!
//! ```
//! use candle_core::{Device, Tensor};
//! let x = Tensor::new(&[[1f32, 2.], [3., 4.]], &Device::Cpu).unwrap();
//! let w = Tensor::new(&[[1f32], [1.]], &Device::Cpu).unwrap();
//! let b = Tensor::new(&[0.5f32], &Device::Cpu).unwrap();
//! let y = d2l_core::linreg::linreg(&x, &w, &b).unwrap();
//! assert_eq!(y.to_vec2::<f32>().unwrap(), [[3.5], [7.5]]);
//! ```

use candle_core::{Device, Module, Tensor, Var};

use crate::error::Result;
use crate::rng::SeededRng;

/// `X @ w + b` with `w` of shape `(d, 1)` and `b` broadcast.
pub fn linreg(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    x.matmul(w)?.broadcast_add(b)
}

/// `nn.Linear(d, 1, bias=False)`: weight `(1, d)` drawn from U(±1/√d), output `X wᵀ`.
#[derive(Clone, Debug)]
pub struct LinearNoBias {
    /// The weight, shape `(1, d)`.
    pub weight: Var,
}

impl LinearNoBias {
    /// PyTorch's default initialisation for `d` inputs, from the seeded RNG, on `device`.
    pub fn new(d: usize, rng: &mut SeededRng, device: &Device) -> Result<Self> {
        let a = crate::init::pytorch_bound(d);
        let w = crate::rng::uniform(rng, (1, d), -a, a, device)?;
        Ok(Self {
            weight: Var::from_tensor(&w)?,
        })
    }

    /// The weights as a flat vector.
    pub fn weights(&self) -> Result<Vec<f32>> {
        Ok(self.weight.as_tensor().flatten_all()?.to_vec1()?)
    }
}

impl Module for LinearNoBias {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.matmul(&self.weight.as_tensor().t()?)
    }
}
