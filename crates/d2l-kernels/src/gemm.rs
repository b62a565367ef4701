//! Matrix products with gemm, on the threads [`super::num_threads`] allows.

use candle_core::{CpuStorage, Layout, Shape};

use super::{PARALLEL_MIN_MACS, f32_slice, num_threads};

/// `dst (m, n) ← dst + a (m, k) @ b (k, n)` with gemm, for row-major `dst` and any 2-D
/// strides of `a` and `b` (in elements), on [`num_threads`] threads. Every slice is checked
/// to hold what the product reads and writes.
pub(super) fn gemm_add_into(
    dst: &mut [f32],
    dims: (usize, usize, usize),
    (a, sa): (&[f32], &[usize]),
    (b, sb): (&[f32], &[usize]),
) -> candle_core::Result<()> {
    let (m, n, _) = dims;
    check("the destination", dst.len(), (m, n), &[n, 1])?;
    check_operands(dims, (a, sa), (b, sb))?;
    // SAFETY: `dst` holds the (m, n) initialised values that gemm reads and overwrites, and
    // the operands hold every element their strides reach (checked above).
    unsafe { gemm_raw(dst.as_mut_ptr(), true, dims, (a, sa), (b, sb)) };
    Ok(())
}

/// `a (m, k) @ b (k, n)` as a new row-major vector (gemm writes it without reading it first,
/// so it is not zeroed first), on [`num_threads`] threads.
pub(super) fn gemm_new(
    (m, n, k): (usize, usize, usize),
    (a, sa): (&[f32], &[usize]),
    (b, sb): (&[f32], &[usize]),
) -> candle_core::Result<Vec<f32>> {
    if k == 0 {
        return Ok(vec![0.0; m * n]);
    }
    check_operands((m, n, k), (a, sa), (b, sb))?;
    let mut dst = Vec::with_capacity(m * n);
    // SAFETY: with `accumulate` false and `k > 0`, gemm writes all `m * n` values of `dst`
    // without reading them; the operands hold what their strides reach (checked above).
    unsafe {
        gemm_raw(dst.as_mut_ptr(), false, (m, n, k), (a, sa), (b, sb));
        dst.set_len(m * n);
    }
    Ok(dst)
}

/// Checks that `a` `(m, k)` and `b` `(k, n)` hold every element their strides reach.
fn check_operands(
    (m, n, k): (usize, usize, usize),
    (a, sa): (&[f32], &[usize]),
    (b, sb): (&[f32], &[usize]),
) -> candle_core::Result<()> {
    check("the left operand", a.len(), (m, k), sa)?;
    check("the right operand", b.len(), (k, n), sb)
}

/// Checks that a slice of `len` elements holds a `(rows, cols)` matrix with `strides`: its
/// last element, `(rows - 1) * strides[0] + (cols - 1) * strides[1]`, is inside it.
fn check(
    what: &str,
    len: usize,
    (rows, cols): (usize, usize),
    strides: &[usize],
) -> candle_core::Result<()> {
    let &[s0, s1] = strides else {
        candle_core::bail!("gemm: {what} has {} strides, not 2", strides.len());
    };
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    let last = (rows - 1)
        .checked_mul(s0)
        .and_then(|r| (cols - 1).checked_mul(s1).and_then(|c| r.checked_add(c)));
    match last {
        Some(last) if last < len => Ok(()),
        _ => candle_core::bail!(
            "gemm: {what} ({rows} x {cols}, strides {s0} and {s1}) does not fit its {len} elements"
        ),
    }
}

/// `dst ← [dst +] a @ b` through gemm: on one thread, or split by [`blocks`] between the
/// workers of the current rayon pool (the calling thread included when it is one of them),
/// each block one single-threaded gemm call.
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
    let product = Product {
        dst,
        dst_row_stride: n,
        accumulate,
        a: a.as_ptr(),
        sa: [sa[0], sa[1]],
        b: b.as_ptr(),
        sb: [sb[0], sb[1]],
    };
    let Some((split, block)) = blocks((m, n, k), sa, sb, num_threads()) else {
        // SAFETY: the caller's contract.
        return unsafe { product.run((0, 0), (m, n, k)) };
    };
    use rayon::prelude::*;
    crate::parallel::count_split_product();
    crate::parallel::keep_workers_warm();
    let len = if split == Split::Rows { m } else { n };
    (0..len.div_ceil(block)).into_par_iter().for_each(|i| {
        let (start, end) = (i * block, ((i + 1) * block).min(len));
        // SAFETY: the blocks are disjoint rows (or columns) of `dst`, inside the caller's
        // contract.
        unsafe {
            match split {
                Split::Rows => product.run((start, 0), (end - start, n, k)),
                Split::Cols => product.run((0, start), (m, end - start, k)),
            }
        }
    });
}

/// Which output dimension a product is split along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    Rows,
    Cols,
}

/// How a product of `(m, n, k)` is shared between `threads` workers: one of its output
/// dimensions cut into one block per worker (a multiple of 16 elements, a 64-byte line), or
/// `None` to run it on one thread (fewer than [`PARALLEL_MIN_MACS`] multiply-adds).
///
/// Each block is an independent gemm call: one fork and join per product, and each worker
/// packs only what its block reads. (gemm's own `Parallelism::Rayon` forks and joins twice
/// per block of depth and columns, and each worker reads panels the other packed: when the
/// host placed this machine's two vCPUs far apart, a 340 ns cache-line round trip instead
/// of about 45 ns, that cost 7–9 % of a training step.) Both workers pack the operand that
/// the cut does not divide, so the cut goes through a transposed operand when there is one
/// (`A` with its rows strided, as in `Xᵀ` or `Gᵀ`: cut rows; `B` with its columns strided, as
/// a candle-nn weight `Wᵀ`: cut columns), whose packing gathers strided values; otherwise
/// through the longer dimension. (Measured on a 256 × 784 × 256 product with a `(out, in)`
/// weight, and on its weight gradient: 4–6 % less time on two threads than the other cut.)
///
/// Every output element is summed exactly as on one thread: gemm picks its depth blocking
/// from `k` alone, except for outputs of at most 64 × 64 (and special paths for at most
/// 16 × 16), which a block must not fall into unless the whole product does.
fn blocks(
    (m, n, k): (usize, usize, usize),
    sa: &[usize],
    sb: &[usize],
    threads: usize,
) -> Option<(Split, usize)> {
    if threads < 2 || m * n * k < PARALLEL_MIN_MACS {
        return None;
    }
    let a_transposed = sa[0] == 1 && sa[1] != 1;
    let b_transposed = sb[0] == 1 && sb[1] != 1;
    let first = match (a_transposed, b_transposed) {
        (true, false) => Split::Rows,
        (false, true) => Split::Cols,
        _ if m >= n => Split::Rows,
        _ => Split::Cols,
    };
    let other = match first {
        Split::Rows => Split::Cols,
        Split::Cols => Split::Rows,
    };
    // The preferred cut, else the other one (a transposed operand with too few rows).
    [first, other].into_iter().find_map(|split| {
        let (len, across) = match split {
            Split::Rows => (m, n),
            Split::Cols => (n, m),
        };
        let block = len.div_ceil(threads).next_multiple_of(16);
        let same_path = (block > 64 || across > 64 || len <= 64) && block * across > 256;
        (block < len && same_path).then_some((split, block))
    })
}

/// The operands of one product (pointers, so that blocks can go to other threads).
#[derive(Clone, Copy)]
struct Product {
    dst: *mut f32,
    dst_row_stride: usize,
    accumulate: bool,
    a: *const f32,
    sa: [usize; 2],
    b: *const f32,
    sb: [usize; 2],
}

// SAFETY: a `Product` is only shared within `gemm_raw`, whose blocks write disjoint parts of
// `dst` and only read `a` and `b`.
unsafe impl Send for Product {}
unsafe impl Sync for Product {}

impl Product {
    /// `dst[r.., c..] ← [dst +] a[r.., :] @ b[:, c..]` for an `(m, n)` block at `(r, c)`, on
    /// this thread.
    ///
    /// # Safety
    /// The block must lie inside the product, whose operands are valid as `gemm_raw` requires.
    unsafe fn run(&self, (r, c): (usize, usize), (m, n, k): (usize, usize, usize)) {
        let [sa0, sa1] = self.sa;
        let [sb0, sb1] = self.sb;
        // SAFETY: the pointers and strides come from candle layouts of the stated shapes, and
        // the block lies inside them (the caller's contract).
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                self.dst.add(r * self.dst_row_stride + c),
                1,
                self.dst_row_stride as isize,
                self.accumulate,
                self.a.add(r * sa0),
                sa1 as isize,
                sa0 as isize,
                self.b.add(c * sb1),
                sb1 as isize,
                sb0 as isize,
                1.0,
                1.0,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
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
        )?;
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }
}

#[cfg(test)]
mod tests {
    use super::{Split, blocks};

    /// The strides of a row-major matrix with `cols` columns.
    fn row_major(cols: usize) -> [usize; 2] {
        [cols, 1]
    }

    /// The strides of a `(rows, _)` view that is the transpose of a row-major matrix (`Xᵀ`).
    fn transposed(rows: usize) -> [usize; 2] {
        [1, rows]
    }

    #[test]
    fn a_product_is_cut_through_its_transposed_operand() {
        let dims = (256, 256, 784);
        // X Wᵀ with a candle-nn (out, in) weight: B's columns are strided, so cut columns.
        let cut = blocks(dims, &row_major(784), &transposed(784), 2);
        assert_eq!(cut, Some((Split::Cols, 128)));
        // Gᵀ X, the weight gradient of that layer: A's rows are strided, so cut rows, though
        // the columns are longer.
        let cut = blocks((256, 784, 256), &transposed(256), &row_major(784), 2);
        assert_eq!(cut, Some((Split::Rows, 128)));
        // Neither transposed: the longer output dimension.
        let cut = blocks((256, 300, 800), &row_major(800), &row_major(300), 2);
        assert_eq!(cut, Some((Split::Cols, 160)));
        // A transposed operand with too few rows to cut (Gᵀ of a 10-class output): the
        // other dimension.
        let cut = blocks((10, 256, 256), &transposed(10), &row_major(256), 2);
        assert_eq!(cut, Some((Split::Cols, 128)));
    }

    #[test]
    fn small_products_and_one_thread_are_not_cut() {
        assert_eq!(blocks((256, 256, 784), &[784, 1], &[256, 1], 1), None);
        assert_eq!(blocks((64, 64, 64), &[64, 1], &[64, 1], 2), None);
    }
}
