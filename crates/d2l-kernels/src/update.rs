//! `p ← keep·p + scale·g`: the parameter update of SGD, in place.

use candle_core::{CpuStorage, InplaceOp2, Layout, Tensor, Var};

use super::contiguous_cpu_f32;

/// `p ← keep·p + scale·g`: SGD's `p -= lr * g` is `keep = 1, scale = -lr` (bit for bit), and
/// with weight decay λ, `keep = 1 - lr·λ`. On contiguous f32 CPU tensors of one shape it is
/// one pass over the parameter, in place, with no allocation; elsewhere it is
/// `p.set(&(p * keep + g * scale))`.
///
/// ```
/// use candle_core::{Device, Tensor, Var};
/// let p = Var::new(&[1f32, 2.], &Device::Cpu).unwrap();
/// let g = Tensor::new(&[10f32, 20.], &Device::Cpu).unwrap();
/// d2l_kernels::scaled_update(&p, &g, 1.0, -0.1).unwrap();
/// assert_eq!(p.as_tensor().to_vec1::<f32>().unwrap(), [0., 0.]);
/// ```
pub fn scaled_update(p: &Var, g: &Tensor, keep: f64, scale: f64) -> candle_core::Result<()> {
    let t = p.as_tensor();
    if contiguous_cpu_f32(&[t, g]) && t.dims() == g.dims() {
        let op = ScaledUpdate {
            keep: keep as f32,
            scale: scale as f32,
        };
        return t.inplace_op2(g, &op);
    }
    p.set(&((t * keep)? + (g * scale)?)?)
}

/// The in-place op behind [`scaled_update`].
struct ScaledUpdate {
    keep: f32,
    scale: f32,
}

impl InplaceOp2 for ScaledUpdate {
    fn name(&self) -> &'static str {
        "d2l-scaled-update"
    }

    fn cpu_fwd(
        &self,
        s1: &mut CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<()> {
        let (CpuStorage::F32(dst), CpuStorage::F32(src)) = (s1, s2) else {
            candle_core::bail!("scaled update: parameters and gradients must be f32");
        };
        let (Some((d0, d1)), Some((s0, s1))) = (l1.contiguous_offsets(), l2.contiguous_offsets())
        else {
            candle_core::bail!("scaled update: parameters and gradients must be contiguous");
        };
        if d1 - d0 != s1 - s0 {
            candle_core::bail!("scaled update: the parameter and its gradient differ in size");
        }
        let (keep, scale) = (self.keep, self.scale);
        let src = &src[s0..s1];
        crate::parallel::for_each_chunk(&mut dst[d0..d1], |offset, dst| {
            let src = &src[offset..offset + dst.len()];
            if keep == 1.0 {
                dst.iter_mut().zip(src).for_each(|(d, s)| *d += scale * s);
            } else {
                dst.iter_mut()
                    .zip(src)
                    .for_each(|(d, s)| *d = keep * *d + scale * s);
            }
        });
        Ok(())
    }
}
