//! The one seeded random number generator of the project.
//!
//! candle's CPU RNG cannot be seeded (`Device::Cpu.set_seed` returns an error), so every
//! random draw in d2l-rs (initialisation, shuffling, dropout masks, synthetic data) comes
//! from a [`SeededRng`] and reaches candle through `Tensor::from_vec`. Same seed, same numbers.
//!
//! ```
//! use d2l_core::rng::{self, SeededRng};
//! use candle_core::Device;
//! let mut a = rng::seeded(42);
//! let mut b = rng::seeded(42);
//! let x = rng::normal(&mut a, (2, 3), 0.0, 1.0, &Device::Cpu).unwrap();
//! let y = rng::normal(&mut b, (2, 3), 0.0, 1.0, &Device::Cpu).unwrap();
//! assert_eq!(x.to_vec2::<f32>().unwrap(), y.to_vec2::<f32>().unwrap());
//! ```

use candle_core::{Device, Shape, Tensor};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Normal, Uniform};

use crate::error::Result;

/// The generator type: rand's `StdRng`, reproducible for a given seed.
pub type SeededRng = rand::rngs::StdRng;

/// A generator seeded with `seed`.
pub fn seeded(seed: u64) -> SeededRng {
    SeededRng::seed_from_u64(seed)
}

/// An f32 tensor of the given shape with entries drawn from N(`mean`, `std`²).
pub fn normal(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    mean: f64,
    std: f64,
    device: &Device,
) -> Result<Tensor> {
    let shape = shape.into();
    let dist = Normal::new(mean as f32, std as f32).map_err(|e| crate::Error::Distribution {
        distribution: "normal",
        message: e.to_string(),
    })?;
    let data: Vec<f32> = (0..shape.elem_count()).map(|_| dist.sample(rng)).collect();
    Ok(Tensor::from_vec(data, shape, device)?)
}

/// An f32 tensor of the given shape with entries drawn from U[`low`, `high`).
pub fn uniform(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    low: f64,
    high: f64,
    device: &Device,
) -> Result<Tensor> {
    let shape = shape.into();
    let dist = Uniform::new(low as f32, high as f32).map_err(|e| crate::Error::Distribution {
        distribution: "uniform",
        message: e.to_string(),
    })?;
    let data: Vec<f32> = (0..shape.elem_count()).map(|_| dist.sample(rng)).collect();
    Ok(Tensor::from_vec(data, shape, device)?)
}

/// An f32 mask of the given shape: 1 with probability `keep`, else 0.
///
/// This is the book's `(torch.rand(X.shape) > p).float()` with `keep = 1 - p`.
pub fn keep_mask(
    rng: &mut SeededRng,
    shape: impl Into<Shape>,
    keep: f64,
    device: &Device,
) -> Result<Tensor> {
    let shape = shape.into();
    let drop = 1.0 - keep as f32;
    let data: Vec<f32> = (0..shape.elem_count())
        .map(|_| {
            if rand::Rng::random::<f32>(rng) >= drop {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    Ok(Tensor::from_vec(data, shape, device)?)
}

/// A uniformly random permutation of `0..n`.
pub fn permutation(rng: &mut SeededRng, n: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    order
}
