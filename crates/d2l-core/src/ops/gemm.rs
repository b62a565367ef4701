//! Matrix products with gemm, on the threads [`super::num_threads`] allows.

use candle_core::{CpuStorage, Layout, Shape};

use super::{PARALLEL_MIN_MACS, f32_slice, num_threads};

/// `dst (m, n) ← dst + a (m, k) @ b (k, n)` with gemm, for row-major `dst` and any 2-D
/// strides of `a` and `b` (in elements), on [`num_threads`] threads.
pub(super) fn gemm_add_into(
    dst: &mut [f32],
    dims: (usize, usize, usize),
    (a, sa): (&[f32], &[usize]),
    (b, sb): (&[f32], &[usize]),
) {
    assert!(dst.len() >= dims.0 * dims.1, "gemm: destination too short");
    // SAFETY: `dst` holds the (m, n) initialised values that gemm reads and overwrites.
    unsafe { gemm_raw(dst.as_mut_ptr(), true, dims, (a, sa), (b, sb)) }
}

/// `a (m, k) @ b (k, n)` as a new row-major vector (gemm writes it without reading it first,
/// so it is not zeroed first), on [`num_threads`] threads.
pub(super) fn gemm_new(
    (m, n, k): (usize, usize, usize),
    (a, sa): (&[f32], &[usize]),
    (b, sb): (&[f32], &[usize]),
) -> Vec<f32> {
    if k == 0 {
        return vec![0.0; m * n];
    }
    let mut dst = Vec::with_capacity(m * n);
    // SAFETY: with `accumulate` false and `k > 0`, gemm writes all `m * n` values of `dst`
    // without reading them.
    unsafe {
        gemm_raw(dst.as_mut_ptr(), false, (m, n, k), (a, sa), (b, sb));
        dst.set_len(m * n);
    }
    dst
}

/// `dst ← [dst +] a @ b` through gemm.
///
/// # Safety
/// `dst` must be valid for `m * n` writes (and reads of initialised values when
/// `accumulate`); `a` and `b` must hold the elements their strides reach.
unsafe fn gemm_raw(
    dst: *mut f32,
    accumulate: bool,
    (m, n, k): (usize, usize, usize),
    (a, sa): (&[f32], &[usize]),
    (b, sb): (&[f32], &[usize]),
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
    // `dst` is a row-major (m, n) buffer (the caller's contract).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
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

/// A plain 2-D matrix product through [`gemm_new`] (used by the backward pass).
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
        let dst = gemm_new(
            (m, n, k),
            (f32_slice(s1, l1, "gemm: lhs")?, l1.stride()),
            (f32_slice(s2, l2, "gemm: rhs")?, l2.stride()),
        );
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }
}
