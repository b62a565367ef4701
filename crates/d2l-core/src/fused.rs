//! A fused fully connected layer for the fast path: `relu(X W + b)` (or `X W + b`) in one
//! custom candle op.
//!
//! Compared with the plain composition `x.matmul(w)?.broadcast_add(b)?.relu()?`, it
//! - adds the bias inside the matrix product (gemm accumulates onto a destination prefilled
//!   with the bias) and applies ReLU in the same pass, so the forward allocates one tensor;
//! - in the backward pass, skips the gradient with respect to `X` when the caller says `X` is
//!   data (the first layer of an MLP): candle's own matmul backward always computes it, a third
//!   of the FLOPs of a 784-256-10 training step;
//! - computes the bias gradient as a matrix product with a row of ones instead of a strided
//!   column sum.
//!
//! The results equal the plain composition up to float rounding (ReLU's derivative at exactly
//! 0 is taken as 0, as in PyTorch). The gradient test in `tests/fused.rs` checks it against
//! candle's autograd.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use d2l_core::fused::{Activation, linear};
//! let x = Tensor::new(&[[1f32, -2.]], &Device::Cpu).unwrap();
//! let w = Tensor::new(&[[1f32, 0.], [0., 1.]], &Device::Cpu).unwrap();
//! let b = Tensor::new(&[0.5f32, 0.5], &Device::Cpu).unwrap();
//! let y = linear(&x, &w, &b, Activation::Relu, false).unwrap();
//! assert_eq!(y.to_vec2::<f32>().unwrap(), [[1.5, 0.0]]);
//! ```

use candle_core::{CpuStorage, CustomOp3, DType, Layout, Shape, Tensor};

/// What follows the affine map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// Nothing: `X W + b`.
    Identity,
    /// `max(X W + b, 0)`.
    Relu,
}

/// `activation(x @ w + b)` for `x` `(m, k)`, `w` `(k, n)` (any strides, so a transposed
/// `(n, k)` weight works) and a contiguous `b` `(n,)`, all f32. With `input_grad = false`
/// the backward pass returns no gradient for `x`.
pub fn linear(
    x: &Tensor,
    w: &Tensor,
    b: &Tensor,
    activation: Activation,
    input_grad: bool,
) -> candle_core::Result<Tensor> {
    x.apply_op3(
        w,
        b,
        FusedLinear {
            activation,
            input_grad,
        },
    )
}

/// Products with fewer multiply-adds than this run on one thread.
pub const PARALLEL_MIN_MACS: usize = 1 << 28;

/// `dst (m, n) ← [dst +] a (m, k) @ b (k, n)` with gemm, for row-major `dst` and any 2-D
/// strides of `a` and `b` (in elements). Uses candle's thread count.
fn gemm_into(
    dst: &mut [f32],
    accumulate: bool,
    (m, n, k): (usize, usize, usize),
    a: &[f32],
    sa: &[usize],
    b: &[f32],
    sb: &[usize],
) {
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    // Threads only pay off for large products: measured on 2 cores, a 256×784×256 product
    // (one training step's largest) runs faster on one thread than split over rayon's pool.
    let threads = candle_core::utils::get_num_threads();
    let parallelism = if threads > 1 && m * n * k >= PARALLEL_MIN_MACS {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: the pointers and strides come from candle layouts of the stated shapes, and
    // `dst` is a row-major (m, n) buffer.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            sa[1] as isize,
            sa[0] as isize,
            b.as_ptr(),
            sb[1] as isize,
            sb[0] as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// A plain 2-D matrix product through [`gemm_into`] (used by the backward pass).
struct Gemm;

impl candle_core::CustomOp2 for Gemm {
    fn name(&self) -> &'static str {
        "d2l-gemm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (m, k) = l1.shape().dims2()?;
        let (k2, n) = l2.shape().dims2()?;
        if k != k2 {
            candle_core::bail!("gemm: ({m}, {k}) @ ({k2}, {n}) do not match");
        }
        let mut dst = vec![0f32; m * n];
        gemm_into(
            &mut dst,
            false,
            (m, n, k),
            f32_slice(s1, l1, "lhs")?,
            l1.stride(),
            f32_slice(s2, l2, "rhs")?,
            l2.stride(),
        );
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }
}

#[derive(Clone, Copy, Debug)]
struct FusedLinear {
    activation: Activation,
    input_grad: bool,
}

fn f32_slice<'a>(s: &'a CpuStorage, l: &Layout, what: &str) -> candle_core::Result<&'a [f32]> {
    match s {
        CpuStorage::F32(v) => Ok(&v[l.start_offset()..]),
        _ => candle_core::bail!("fused linear: {what} must be f32"),
    }
}

impl CustomOp3 for FusedLinear {
    fn name(&self) -> &'static str {
        "d2l-fused-linear"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (m, k) = l1.shape().dims2()?;
        let (k2, n) = l2.shape().dims2()?;
        let nb = l3.shape().dims1()?;
        if k != k2 || nb != n {
            candle_core::bail!(
                "fused linear: shapes ({m}, {k}) @ ({k2}, {n}) + ({nb},) do not match"
            );
        }
        if !l3.is_contiguous() {
            candle_core::bail!("fused linear: the bias must be contiguous");
        }
        let (x, w, b) = (
            f32_slice(s1, l1, "x")?,
            f32_slice(s2, l2, "w")?,
            f32_slice(s3, l3, "b")?,
        );
        // Prefill every row with the bias; gemm then accumulates X W onto it.
        let mut dst: Vec<f32> = Vec::with_capacity(m * n);
        for _ in 0..m {
            dst.extend_from_slice(&b[..n]);
        }
        gemm_into(&mut dst, true, (m, n, k), x, l1.stride(), w, l2.stride());
        if self.activation == Activation::Relu {
            dst.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _b: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let g = match self.activation {
            Activation::Identity => grad_res.clone(),
            Activation::Relu => (grad_res * res.gt(0f32)?.to_dtype(DType::F32)?)?,
        };
        let g = g.contiguous()?;
        let dw = x.t()?.apply_op2_no_bwd(&g, &Gemm)?;
        let ones = Tensor::ones((1, g.dim(0)?), DType::F32, g.device())?;
        let db = ones.apply_op2_no_bwd(&g, &Gemm)?.squeeze(0)?;
        let dx = if self.input_grad {
            Some(g.apply_op2_no_bwd(&w.t()?, &Gemm)?)
        } else {
            None
        };
        Ok((dx, Some(dw), Some(db)))
    }
}
