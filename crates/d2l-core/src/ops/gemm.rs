//! Matrix products with gemm, on the threads [`super::num_threads`] allows.

use candle_core::{CpuStorage, Layout, Shape};

use super::{PARALLEL_MIN_MACS, f32_slice, num_threads};

/// `dst (m, n) ← [dst +] a (m, k) @ b (k, n)` with gemm, for row-major `dst` and any 2-D
/// strides of `a` and `b` (in elements), on [`num_threads`] threads.
pub(super) fn gemm_into(
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
    // gemm splits the rows of the product between the threads of the current rayon pool (the
    // calling thread included when it is a worker of that pool); each row is summed in the
    // same order as on one thread, so results do not depend on the thread count.
    let threads = num_threads();
    let parallelism = if threads > 1 && m * n * k >= PARALLEL_MIN_MACS {
        crate::parallel::keep_workers_warm();
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
pub(super) struct Gemm;

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
            f32_slice(s1, l1, "gemm: lhs")?,
            l1.stride(),
            f32_slice(s2, l2, "gemm: rhs")?,
            l2.stride(),
        );
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }
}
