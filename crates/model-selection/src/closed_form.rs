//! The exact least-squares solution (exercise 1 of 4.4), to set beside the SGD weights:
//! `w* = argmin ‖X w − y‖²`, solved in f64 by Householder QR, which stays accurate on the
//! badly conditioned 20-column polynomial design.

use candle_core::Tensor;
use d2l_core::{Error, Result};

/// Solves `min ‖X w − y‖²` for `X` `(n, d)` and `y` `(n, 1)` with `n ≥ d`.
// Index loops mirror the textbook statement of Householder QR.
#[allow(clippy::needless_range_loop)]
pub fn least_squares(x: &Tensor, y: &Tensor) -> Result<Vec<f64>> {
    let a: Vec<Vec<f32>> = x.to_vec2()?;
    let b: Vec<f32> = y.flatten_all()?.to_vec1()?;
    let (n, d) = (a.len(), a.first().map_or(0, Vec::len));
    if n < d || d == 0 {
        return Err(Error::Underdetermined { rows: n, cols: d });
    }
    let mut a: Vec<Vec<f64>> = a
        .into_iter()
        .map(|r| r.into_iter().map(f64::from).collect())
        .collect();
    let mut b: Vec<f64> = b.into_iter().map(f64::from).collect();
    // Householder QR applied to [A | b].
    for k in 0..d {
        let norm = (k..n).map(|i| a[i][k] * a[i][k]).sum::<f64>().sqrt();
        if norm == 0.0 {
            continue;
        }
        let alpha = if a[k][k] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = (k..n).map(|i| a[i][k]).collect();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 == 0.0 {
            continue;
        }
        for j in k..d {
            let dot: f64 = (k..n).map(|i| v[i - k] * a[i][j]).sum();
            let f = 2.0 * dot / vnorm2;
            for i in k..n {
                a[i][j] -= f * v[i - k];
            }
        }
        let dot: f64 = (k..n).map(|i| v[i - k] * b[i]).sum();
        let f = 2.0 * dot / vnorm2;
        for i in k..n {
            b[i] -= f * v[i - k];
        }
    }
    // Back substitution on the upper-triangular R.
    let mut w = vec![0f64; d];
    for k in (0..d).rev() {
        let s: f64 = (k + 1..d).map(|j| a[k][j] * w[j]).sum();
        w[k] = (b[k] - s) / a[k][k];
    }
    Ok(w)
}
