//! The book's polynomial data: `max_degree = 20`, 100 training and 100 test examples,
//! `features ~ N(0, 1)`, polynomial features `xⁱ / i!` for i = 0..20 (column 0 is the constant
//! 1 that acts as the bias), labels `poly_features @ true_w + N(0, 0.1²)` with
//! `true_w = [5, 1.2, −3.4, 5.6, 0, …, 0]`, all in f32.

use candle_core::{Device, Tensor};
use d2l_core::rng::{self, SeededRng};
use d2l_core::{Result, validate};

/// Number of polynomial features (degrees 0..19).
pub const MAX_DEGREE: usize = 20;
/// The nonzero leading coefficients of the true polynomial.
pub const TRUE_W: [f32; 4] = [5.0, 1.2, -3.4, 5.6];
/// Noise standard deviation.
pub const NOISE: f64 = 0.1;

/// Training and test sets of the polynomial problem.
#[derive(Clone, Debug)]
pub struct PolyData {
    /// Scaled polynomial features of the training set, `(n_train, 20)`.
    pub train_poly: Tensor,
    /// Training labels, `(n_train, 1)`.
    pub train_labels: Tensor,
    /// Scaled polynomial features of the test set, `(n_test, 20)`.
    pub test_poly: Tensor,
    /// Test labels, `(n_test, 1)`.
    pub test_labels: Tensor,
}

/// `xⁱ / i!` for i = 0..`degree`, computed in f64 and stored as f32.
pub fn poly_row(x: f64, degree: usize) -> Vec<f32> {
    let mut row = Vec::with_capacity(degree);
    let mut term = 1.0f64;
    for i in 0..degree {
        if i > 0 {
            term *= x / i as f64;
        }
        row.push(term as f32);
    }
    row
}

/// The true weight vector padded with zeros to `MAX_DEGREE`.
pub fn true_w() -> Vec<f32> {
    let mut w = vec![0f32; MAX_DEGREE];
    w[..TRUE_W.len()].copy_from_slice(&TRUE_W);
    w
}

fn draw(n: usize, rng: &mut SeededRng, device: &Device) -> Result<(Tensor, Tensor)> {
    let w = true_w();
    let mut poly = Vec::with_capacity(n * MAX_DEGREE);
    let mut labels = Vec::with_capacity(n);
    let xs = rng::normal(rng, n, 0.0, 1.0, device)?.to_vec1::<f32>()?;
    let noise = rng::normal(rng, n, 0.0, NOISE, device)?.to_vec1::<f32>()?;
    for (x, e) in xs.iter().zip(&noise) {
        let row = poly_row(*x as f64, MAX_DEGREE);
        let y: f32 = row.iter().zip(&w).map(|(a, b)| a * b).sum::<f32>() + e;
        poly.extend(row);
        labels.push(y);
    }
    Ok((
        Tensor::from_vec(poly, (n, MAX_DEGREE), device)?,
        Tensor::from_vec(labels, (n, 1), device)?,
    ))
}

impl PolyData {
    /// The book's data set (100 + 100 examples) from `seed`, on `device`.
    pub fn generate(seed: u64, device: &Device) -> Result<Self> {
        Self::generate_sized(100, 100, seed, device)
    }

    /// The same process with `n_train` training and `n_test` test examples.
    pub fn generate_sized(
        n_train: usize,
        n_test: usize,
        seed: u64,
        device: &Device,
    ) -> Result<Self> {
        validate::positive_usize("n_train", n_train)?;
        validate::positive_usize("n_test", n_test)?;
        let mut rng = rng::seeded(seed);
        let (train_poly, train_labels) = draw(n_train, &mut rng, device)?;
        let (test_poly, test_labels) = draw(n_test, &mut rng, device)?;
        Ok(Self {
            train_poly,
            train_labels,
            test_poly,
            test_labels,
        })
    }

    /// The first `d` training features.
    pub fn train_features(&self, d: usize) -> Result<Tensor> {
        Ok(self.train_poly.narrow(1, 0, d)?.contiguous()?)
    }

    /// The first `d` test features.
    pub fn test_features(&self, d: usize) -> Result<Tensor> {
        Ok(self.test_poly.narrow(1, 0, d)?.contiguous()?)
    }
}
