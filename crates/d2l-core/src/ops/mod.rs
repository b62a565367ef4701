//! The fast operations the book's code calls. Each is a custom candle op whose result equals
//! the plain composition up to float rounding (`tests/ops.rs` checks values and gradients
//! against candle's autograd):
//!
//! - [`linear`]: `X W + b`, the affine map of every layer in this chapter. It adds the bias
//!   inside the matrix product (gemm accumulates onto a destination prefilled with the bias),
//!   and its backward pass computes no gradient for `X` when `X` is data (a tensor that no
//!   variable depends on, such as a minibatch): candle's own matmul backward always computes
//!   it, a third of the FLOPs of a 784-256-10 training step. The bias gradient is a product
//!   with a row of ones instead of a strided column sum.
//! - [`linear_layer`]: the same for a candle-nn [`Linear`](candle_nn::Linear) layer (weight
//!   `(out, in)`).
//! - [`relu`]: `nn.ReLU()`, one pass forward and one backward.
//! - [`masked_scale`]: dropout's `mask * X / (1.0 - dropout)`, one pass forward and one
//!   backward, with no gradient for the mask.
//! - [`maximum`]: the elementwise maximum of two tensors, `torch.max(X, A)` (the book's
//!   hand-written ReLU is `max(X, 0)`). Its backward pass is one fused loop, where candle's
//!   own `maximum` takes a dozen tensor operations, and it computes no gradient for an
//!   argument that no variable depends on (the zeros of ReLU).
//!
//! Matrix products use [`num_threads`] threads (at least [`PARALLEL_MIN_MACS`] multiply-adds
//! per product; smaller ones run on one thread, which is faster for them).
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use d2l_core::ops::linear;
//! let x = Tensor::new(&[[1f32, -2.]], &Device::Cpu).unwrap();
//! let w = Tensor::new(&[[1f32, 0.], [0., 1.]], &Device::Cpu).unwrap();
//! let b = Tensor::new(&[0.5f32, 0.5], &Device::Cpu).unwrap();
//! assert_eq!(linear(&x, &w, &b).unwrap().to_vec2::<f32>().unwrap(), [[1.5, -1.5]]);
//! ```

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{CpuStorage, Layout};

mod gemm;
mod linear;
mod mask;
mod relu;

pub use linear::{linear, linear_layer};
pub use mask::masked_scale;
pub use relu::{maximum, relu};

/// Products with fewer multiply-adds than this run on one thread. (Measured on 2 cores, a
/// 256×784×256 product, a training step's largest, takes 1.9× less time on two threads when
/// the calling thread is one of the pool's workers, as in the chapter binaries; splitting the
/// 256×256×10 products of the output layer as well still gains a little.)
pub const PARALLEL_MIN_MACS: usize = 1 << 19;

static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of threads the matrix products of these operations use (at least 1).
/// Safe to call at any time, from any thread; it does not touch the environment.
pub fn set_num_threads(threads: usize) {
    THREADS.store(threads.max(1), Ordering::Relaxed);
}

/// The threads the matrix products use: the value set by [`set_num_threads`], else candle's
/// default (`RAYON_NUM_THREADS`, or the physical core count), read once.
pub fn num_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    match THREADS.load(Ordering::Relaxed) {
        0 => *DEFAULT.get_or_init(candle_core::utils::get_num_threads),
        n => n,
    }
}

/// The data of a strided f32 operand from its start (`what` names it in errors).
fn f32_slice<'a>(s: &'a CpuStorage, l: &Layout, what: &str) -> candle_core::Result<&'a [f32]> {
    match s {
        CpuStorage::F32(v) => Ok(&v[l.start_offset()..]),
        _ => candle_core::bail!("{what} must be f32"),
    }
}

/// The data of a contiguous f32 tensor (`op` names it in errors).
fn contiguous_f32<'a>(s: &'a CpuStorage, l: &Layout, op: &str) -> candle_core::Result<&'a [f32]> {
    match (s, l.contiguous_offsets()) {
        (CpuStorage::F32(v), Some((start, end))) => Ok(&v[start..end]),
        (CpuStorage::F32(_), None) => candle_core::bail!("{op}: arguments must be contiguous"),
        _ => candle_core::bail!("{op}: arguments must be f32"),
    }
}

/// `a` and `b` as f32 slices of the same shape, contiguous.
fn same_shape_f32<'a>(
    (s1, l1): (&'a CpuStorage, &Layout),
    (s2, l2): (&'a CpuStorage, &Layout),
    op: &str,
) -> candle_core::Result<(&'a [f32], &'a [f32])> {
    if l1.shape() != l2.shape() {
        candle_core::bail!("{op}: shapes {:?} and {:?} differ", l1.shape(), l2.shape());
    }
    Ok((contiguous_f32(s1, l1, op)?, contiguous_f32(s2, l2, op)?))
}

/// `f(a, b)` for each pair of elements of two contiguous f32 tensors of one shape, as a new
/// tensor's storage and shape, computed by the workers of the current pool (`op` names it in
/// errors).
fn zip_map(
    (s1, l1): (&CpuStorage, &Layout),
    (s2, l2): (&CpuStorage, &Layout),
    op: &str,
    f: impl Fn(f32, f32) -> f32 + Sync,
) -> candle_core::Result<(CpuStorage, candle_core::Shape)> {
    let (a, b) = same_shape_f32((s1, l1), (s2, l2), op)?;
    let out = crate::parallel::collect_chunks(a.len(), |r| {
        a[r.clone()].iter().zip(&b[r]).map(|(&a, &b)| f(a, b))
    });
    Ok((CpuStorage::F32(out), l1.shape().clone()))
}
