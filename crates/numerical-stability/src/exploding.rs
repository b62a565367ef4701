//! Exploding products: `M = N(0,1)^{4×4}`, then 100 times `M = M @ N(0,1)^{4×4}`. The entries
//! grow like e^{0.558·101} ≈ 10^24.5 (the top Lyapunov exponent ½(ln 2 + ψ(2)) per step).

use candle_core::{Device, Tensor};
use d2l_core::{Result, rng};

/// The first matrix and the product after `steps` more multiplications, from `seed` (f32),
/// on `device`.
// ANCHOR: product
pub fn product_of_random_matrices(
    seed: u64,
    steps: usize,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let mut r = rng::seeded(seed);
    let first = rng::normal(&mut r, (4, 4), 0.0, 1.0, device)?;
    let mut m = first.clone();
    for _ in 0..steps {
        m = m.matmul(&rng::normal(&mut r, (4, 4), 0.0, 1.0, device)?)?;
    }
    Ok((first, m))
}
// ANCHOR_END: product

/// log10 of the largest absolute entry.
pub fn log10_max_abs(m: &Tensor) -> Result<f64> {
    Ok((m.abs()?.max_all()?.to_scalar::<f32>()? as f64).log10())
}

/// log10 max|M| for seeds `0..n_seeds`.
pub fn spread(n_seeds: u64, steps: usize, device: &Device) -> Result<Vec<f64>> {
    (0..n_seeds)
        .map(|s| log10_max_abs(&product_of_random_matrices(s, steps, device)?.1))
        .collect()
}
