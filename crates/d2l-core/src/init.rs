//! Parameter initialisation, all drawn from the seeded RNG.
//!
//! - [`normal`]: N(0, σ²), the book's `torch.randn(...) * 0.01` and `nn.init.normal_(std=0.01)`.
//! - [`pytorch_linear`]: PyTorch's default for `nn.Linear`: U(±1/√fan_in) for weight and bias.
//!   (candle-nn's `linear()` uses Kaiming-normal instead, so it does not match the book.)
//! - [`xavier_normal`] and [`xavier_uniform`]: Glorot's N(0, 2/(n_in+n_out)) and
//!   U(±√(6/(n_in+n_out))), from section 4.8.
//!
//! Shapes follow candle-nn's `Linear`: weights are `(fan_out, fan_in)`.
//!
//! ```
//! use d2l_core::{init, rng};
//! use candle_core::Device;
//! let mut r = rng::seeded(0);
//! let (w, b) = init::pytorch_linear(&mut r, 784, 256, &Device::Cpu).unwrap();
//! assert_eq!(w.dims(), [256, 784]);
//! assert_eq!(b.dims(), [256]);
//! ```

use candle_core::{Device, Shape, Tensor};

use crate::error::Result;
use crate::rng::{self, SeededRng};

/// N(0, `std`²) of any shape.
pub fn normal(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    std: f64,
    device: &Device,
) -> Result<Tensor> {
    rng::normal(rng, shape, 0.0, std, device)
}

/// The bound 1/√fan_in of PyTorch's default `nn.Linear` init.
pub fn pytorch_bound(fan_in: usize) -> f64 {
    1.0 / (fan_in as f64).sqrt()
}

/// PyTorch's default `nn.Linear(fan_in, fan_out)` parameters: weight `(fan_out, fan_in)` and
/// bias `(fan_out,)`, both U(±1/√fan_in).
pub fn pytorch_linear(
    rng: &mut SeededRng,
    fan_in: usize,
    fan_out: usize,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let a = pytorch_bound(fan_in);
    let w = rng::uniform(rng, (fan_out, fan_in), -a, a, device)?;
    let b = rng::uniform(rng, fan_out, -a, a, device)?;
    Ok((w, b))
}

/// Xavier (Glorot) normal: N(0, 2/(fan_in + fan_out)), shape `(fan_out, fan_in)`.
pub fn xavier_normal(
    rng: &mut SeededRng,
    fan_in: usize,
    fan_out: usize,
    device: &Device,
) -> Result<Tensor> {
    let std = (2.0 / (fan_in + fan_out) as f64).sqrt();
    rng::normal(rng, (fan_out, fan_in), 0.0, std, device)
}

/// Xavier (Glorot) uniform: U(±√(6/(fan_in + fan_out))), shape `(fan_out, fan_in)`.
pub fn xavier_uniform(
    rng: &mut SeededRng,
    fan_in: usize,
    fan_out: usize,
    device: &Device,
) -> Result<Tensor> {
    let a = (6.0 / (fan_in + fan_out) as f64).sqrt();
    rng::uniform(rng, (fan_out, fan_in), -a, a, device)
}
