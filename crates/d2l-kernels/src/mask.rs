//! `mask * X * scale`: inverted dropout's multiply, one pass forward and one backward.

use candle_core::{CpuStorage, CustomOp2, Layout, Shape, Tensor};

use super::{contiguous_cpu_f32, zip_map};

/// `x * mask * scale` elementwise, for `mask` of `x`'s shape: dropout's `mask * X / (1.0 -
/// dropout)` with `scale = 1 / (1 - dropout)`. On contiguous f32 CPU tensors it is one pass
/// forward and one pass backward, and the gradient flows to `x` alone (candle's `(x * mask)
/// / keep` takes two passes forward, and backward three, one of them the mask's gradient,
/// each summed into a fresh zero tensor). Elsewhere it is that plain composition.
pub fn masked_scale(x: &Tensor, mask: &Tensor, scale: f64) -> candle_core::Result<Tensor> {
    if contiguous_cpu_f32(&[x, mask]) && x.shape() == mask.shape() {
        return x.apply_op2(
            mask,
            MaskedScale {
                scale: scale as f32,
            },
        );
    }
    (x * mask.to_dtype(x.dtype())?)?.affine(scale, 0.0)
}

/// The op behind [`masked_scale`]; its own gradient, `g * mask * scale`, is the same op.
#[derive(Clone, Copy, Debug)]
struct MaskedScale {
    scale: f32,
}

impl CustomOp2 for MaskedScale {
    fn name(&self) -> &'static str {
        "d2l-masked-scale"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let scale = self.scale;
        // `(x * m) * scale`, in candle's order, so the values are those of the composition.
        zip_map((s1, l1), (s2, l2), "masked_scale", |x, m| (x * m) * scale)
    }

    fn bwd(
        &self,
        _x: &Tensor,
        mask: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let g = grad_res.contiguous()?.apply_op2_no_bwd(mask, self)?;
        Ok((Some(g), None))
    }
}
