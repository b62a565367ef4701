//! ReLU: `nn.ReLU()` and the book's hand-written `max(X, 0)`, each one pass forward and one
//! backward.

use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Shape, Tensor};

use super::{contiguous_cpu_f32, contiguous_f32, same_shape_f32, zip_map};
use crate::parallel::collect_chunks;

/// `nn.ReLU()`: `max(x, 0)` elementwise, as PyTorch computes it: a NaN stays NaN, and the
/// gradient passes where `x > 0` (none at 0). On a contiguous f32 CPU tensor it is one pass
/// forward and one backward; elsewhere it is candle's `where_cond(x <= 0, 0, x)`, which has
/// the same values and gradient. (candle's own `relu` passes the gradient at 0 and turns a
/// NaN into 0.)
pub fn relu(x: &Tensor) -> candle_core::Result<Tensor> {
    if contiguous_cpu_f32(&[x]) {
        return x.apply_op1(Relu);
    }
    x.le(0.0)?.where_cond(&x.zeros_like()?, x)
}

/// `torch.max(a, b)`: the elementwise maximum of two tensors of the same shape. The gradient
/// goes to the larger argument, half to each where they are equal (as PyTorch and candle
/// split it), and none to an argument that does not depend on a variable. A NaN in either
/// argument gives NaN, as in `torch.max`. On contiguous f32 CPU tensors it is one pass each
/// way; elsewhere it is candle's `maximum`, which gives the same values and gradients
/// (though candle's propagates a NaN of the first argument only).
pub fn maximum(a: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    if contiguous_cpu_f32(&[a, b]) && a.shape() == b.shape() {
        return a.apply_op2(b, Maximum);
    }
    a.maximum(b)
}

/// The op behind [`relu`].
struct Relu;

impl candle_core::CustomOp1 for Relu {
    fn name(&self) -> &'static str {
        "d2l-relu"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = contiguous_f32(s, l, "relu")?;
        let out = collect_chunks(x.len(), |r| {
            // `v <= 0` is false for a NaN, which passes through.
            x[r].iter().map(|&v| if v <= 0.0 { 0.0 } else { v })
        });
        Ok((CpuStorage::F32(out), l.shape().clone()))
    }

    fn bwd(
        &self,
        _x: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let g = grad_res.contiguous()?;
        res.apply_op2_no_bwd(&g, &ReluGrad).map(Some)
    }
}

/// The gradient of [`relu`] from its output `y` (positive exactly where `x > 0`) and the
/// incoming gradient `g`.
struct ReluGrad;

impl CustomOp2 for ReluGrad {
    fn name(&self) -> &'static str {
        "d2l-relu-grad"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        zip_map((s1, l1), (s2, l2), "relu backward", |y, g| {
            if y > 0.0 { g } else { 0.0 }
        })
    }
}

/// The op behind [`maximum`].
struct Maximum;

impl CustomOp2 for Maximum {
    fn name(&self) -> &'static str {
        "d2l-maximum"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        // A NaN on either side wins, as in `torch.max`.
        zip_map((s1, l1), (s2, l2), "maximum", |x, y| {
            if x >= y || x.is_nan() { x } else { y }
        })
    }

    fn bwd(
        &self,
        a: &Tensor,
        b: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let (a, b, g) = (a.contiguous()?, b.contiguous()?, grad_res.contiguous()?);
        let share = |mine: &Tensor, other: &Tensor| -> candle_core::Result<Option<Tensor>> {
            if !mine.track_op() {
                return Ok(None);
            }
            mine.apply_op3_no_bwd(other, &g, &MaximumGrad).map(Some)
        };
        Ok((share(&a, &b)?, share(&b, &a)?))
    }
}

/// The gradient [`maximum`] passes to its first argument `x` against `y`: `g` where `x > y`,
/// `g / 2` where they are equal, 0 elsewhere.
struct MaximumGrad;

impl CustomOp3 for MaximumGrad {
    fn name(&self) -> &'static str {
        "d2l-maximum-grad"
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
        let (x, y) = same_shape_f32((s1, l1), (s2, l2), "maximum backward")?;
        let (_, g) = same_shape_f32((s1, l1), (s3, l3), "maximum backward")?;
        let out = collect_chunks(x.len(), |r| {
            x[r.clone()]
                .iter()
                .zip(&y[r.clone()])
                .zip(&g[r])
                .map(|((&x, &y), &g)| {
                    if x > y {
                        g
                    } else if x == y {
                        0.5 * g
                    } else {
                        0.0
                    }
                })
        });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}
