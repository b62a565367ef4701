//! `X W + b`: the affine map of every layer, with the bias inside the product and no gradient
//! for data.

use candle_core::{CpuStorage, CustomOp3, Layout, Shape, Tensor};
use candle_nn::Linear;

use super::gemm::{Gemm, gemm_add_into};
use super::{f32_slice, on_cpu_f32};

/// `x @ w + b`: for `x` `(m, k)`, `w` `(k, n)` and `b` `(n,)`. On f32 CPU tensors (any
/// strides of `x` and `w`, so a transposed `(n, k)` weight works; a contiguous `b`) it is
/// one product with the bias added inside it, and no gradient flows to `x` when `x` does not
/// depend on a variable. Elsewhere (another device or dtype, a batch of matrices, a strided
/// bias) it is candle's `x.broadcast_matmul(w)?.broadcast_add(b)`.
pub fn linear(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    if fast(x, w, b) {
        let op = Linear3 {
            weight_out_in: false,
        };
        return x.apply_op3(w, b, op);
    }
    x.broadcast_matmul(w)?.broadcast_add(b)
}

/// A candle-nn `Linear` layer applied as [`linear`] does: `x @ weightᵀ + bias` for its
/// `(out, in)` weight, whose gradient comes out in that layout (no transposed copy to add up).
/// Where the fast kernel does not apply (no bias, another device or dtype, a batch of
/// matrices) it is candle-nn's own forward.
pub fn linear_layer(layer: &Linear, x: &Tensor) -> candle_core::Result<Tensor> {
    match layer.bias() {
        Some(b) if fast(x, layer.weight(), b) => {
            let op = Linear3 {
                weight_out_in: true,
            };
            x.apply_op3(layer.weight(), b, op)
        }
        _ => candle_core::Module::forward(layer, x),
    }
}

/// Whether the fast kernel applies: f32 CPU matrices `x` and `w`, a contiguous f32 vector `b`.
fn fast(x: &Tensor, w: &Tensor, b: &Tensor) -> bool {
    on_cpu_f32(&[x, w, b]) && x.rank() == 2 && w.rank() == 2 && b.rank() == 1 && b.is_contiguous()
}

/// The op behind [`linear`] (weight `(in, out)`) and [`linear_layer`] (weight `(out, in)`).
#[derive(Clone, Copy, Debug)]
struct Linear3 {
    weight_out_in: bool,
}

impl CustomOp3 for Linear3 {
    fn name(&self) -> &'static str {
        "d2l-linear"
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
        let (k2, n, w_stride) = match (l2.shape().dims2()?, l2.stride()) {
            ((n, k), &[s0, s1]) if self.weight_out_in => (k, n, [s1, s0]),
            ((k, n), &[s0, s1]) => (k, n, [s0, s1]),
            _ => candle_core::bail!("linear: the weight must be a matrix"),
        };
        let nb = l3.shape().dims1()?;
        if k != k2 || nb != n {
            candle_core::bail!("linear: shapes ({m}, {k}) @ ({k2}, {n}) + ({nb},) do not match");
        }
        if !l3.is_contiguous() {
            candle_core::bail!("linear: the bias must be contiguous");
        }
        let (x, w, b) = (
            f32_slice(s1, l1, "linear: x")?,
            f32_slice(s2, l2, "linear: w")?,
            f32_slice(s3, l3, "linear: b")?,
        );
        // Prefill every row with the bias; gemm then accumulates X W onto it.
        let mut dst: Vec<f32> = Vec::with_capacity(m * n);
        for _ in 0..m {
            dst.extend_from_slice(&b[..n]);
        }
        gemm_add_into(&mut dst, (m, n, k), (x, l1.stride()), (w, &w_stride))?;
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _b: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let g = grad_res.contiguous()?;
        let dw = if self.weight_out_in {
            g.t()?.apply_op2_no_bwd(x, &Gemm)?
        } else {
            x.t()?.apply_op2_no_bwd(&g, &Gemm)?
        };
        let ones = Tensor::ones((1, g.dim(0)?), candle_core::DType::F32, g.device())?;
        let db = ones.apply_op2_no_bwd(&g, &Gemm)?.squeeze(0)?;
        // Data (a minibatch, or anything no variable depends on) needs no gradient.
        let dx = match (x.track_op(), self.weight_out_in) {
            (false, _) => None,
            (true, true) => Some(g.apply_op2_no_bwd(w, &Gemm)?),
            (true, false) => Some(g.apply_op2_no_bwd(&w.t()?, &Gemm)?),
        };
        Ok((dx, Some(dw), Some(db)))
    }
}
