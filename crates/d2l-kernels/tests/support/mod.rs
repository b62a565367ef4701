//! Seeded random tensors for the kernels' tests (the kernels crate sits below d2l-core's
//! seeded generators, so its tests draw their own).

use candle_core::{Device, Shape, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A generator seeded by `seed`.
pub fn seeded(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// An f32 CPU tensor of N(0, std²) draws (Box–Muller), never exactly 0.
pub fn normal(
    r: &mut StdRng,
    shape: impl Into<Shape>,
    _mean: f64,
    std: f64,
    _device: &Device,
) -> candle_core::Result<Tensor> {
    let shape = shape.into();
    let values: Vec<f32> = (0..shape.elem_count())
        .map(|_| {
            let (u, v): (f64, f64) = (r.random_range(f64::EPSILON..1.0), r.random());
            let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
            match (std * z) as f32 {
                0.0 => f32::MIN_POSITIVE,
                x => x,
            }
        })
        .collect();
    Tensor::from_vec(values, shape, &Device::Cpu)
}

/// An f32 CPU mask of 1s (with probability `keep`) and 0s.
pub fn keep_mask(
    r: &mut StdRng,
    shape: impl Into<Shape>,
    keep: f64,
    _device: &Device,
) -> candle_core::Result<Tensor> {
    let shape = shape.into();
    let values: Vec<f32> = (0..shape.elem_count())
        .map(|_| if r.random::<f64>() < keep { 1.0 } else { 0.0 })
        .collect();
    Tensor::from_vec(values, shape, &Device::Cpu)
}

/// The largest absolute difference between two tensors of one shape, as f64.
#[allow(dead_code)] // not every test binary compares tensors
pub fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    let a = a.to_dtype(candle_core::DType::F64).unwrap();
    let b = b.to_dtype(candle_core::DType::F64).unwrap();
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar()
        .unwrap()
}
