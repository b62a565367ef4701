//! # d2l-kernels
//!
//! The fast operations that the book's code in d2l-rs calls, kept apart from the book's
//! library (`d2l-core`, which re-exports them as `d2l_core::ops`). Each is a candle custom op
//! whose result equals the plain candle composition it replaces, up to float rounding
//! (`tests/ops.rs` checks values and gradients against candle's autograd of that composition):
//!
//! | operation | the book's code | what the kernel saves |
//! |---|---|---|
//! | [`linear`] | `X @ W + b` | the bias is added inside the product, and no gradient is computed for `X` when it is data (a third of a 784-256-10 step's FLOPs) |
//! | [`linear_layer`] | `nn.Linear` (a candle-nn [`Linear`](candle_nn::Linear), weight `(out, in)`) | the same |
//! | [`relu`] | `nn.ReLU()` | one pass forward and one backward |
//! | [`maximum`] | `torch.max(X, A)` (the hand-written ReLU is `max(X, 0)`) | one fused backward loop; no gradient for an argument no variable depends on |
//! | [`masked_scale`] | dropout's `mask * X / (1.0 - p)` | one pass each way, no gradient for the mask |
//! | [`scaled_update`] | SGD's `p -= lr * g` (with weight decay, `(1 - lr λ) p - lr g`) | in place, one pass, no allocation |
//! | [`gather_rows`] | a `DataLoader` batch, `X[indices]` | the rows copied by the pool's workers |
//!
//! **Any device, any dtype.** The fast kernels run on the CPU, for f32 tensors laid out as
//! they need (contiguous, except the strided operands of a product). For anything else (a
//! CUDA or Metal tensor, f64, bf16, a strided view) each operation computes the plain
//! composition with candle's own operations instead: `matmul` + `broadcast_add`, candle's
//! `maximum`, the mask product, `Var::set`, `index_select`. So a model written with these
//! operations runs unchanged wherever candle runs; `tests/fallback.rs` checks every fallback
//! against the fast path, values and gradients.
//!
//! **Threads.** Matrix products with at least [`PARALLEL_MIN_MACS`] multiply-adds, and long
//! element-wise loops, are split between the workers of the rayon pool the caller runs in,
//! on at most [`num_threads`] threads; every result is bit for bit the one thread's (work is
//! moved between threads, never reordered within a sum). Between two split products, one
//! worker keeps looking for work for [`linger`] (1 ms by default, [`set_linger`] to change or
//! turn off) instead of going back to sleep: waking a sleeping worker can take as long as the
//! product it was woken for (see [`parallel`]). [`parallel_work`] counts what was split.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use d2l_kernels::linear;
//! let x = Tensor::new(&[[1f32, -2.]], &Device::Cpu).unwrap();
//! let w = Tensor::new(&[[1f32, 0.], [0., 1.]], &Device::Cpu).unwrap();
//! let b = Tensor::new(&[0.5f32, 0.5], &Device::Cpu).unwrap();
//! assert_eq!(linear(&x, &w, &b).unwrap().to_vec2::<f32>().unwrap(), [[1.5, -1.5]]);
//! // The same call on f64 takes candle's own composition, with the same result.
//! let x64 = x.to_dtype(candle_core::DType::F64).unwrap();
//! let (w64, b64) = (w.to_dtype(x64.dtype()).unwrap(), b.to_dtype(x64.dtype()).unwrap());
//! assert_eq!(linear(&x64, &w64, &b64).unwrap().to_vec2::<f64>().unwrap(), [[1.5, -1.5]]);
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{CpuStorage, DType, Layout, Tensor};

mod gemm;
mod linear;
mod mask;
pub mod parallel;
mod relu;
mod update;

pub use linear::{linear, linear_layer};
pub use mask::masked_scale;
pub use parallel::{ParallelWork, gather_rows, in_pool, linger, parallel_work, set_linger};
pub use relu::{maximum, relu};
pub use update::scaled_update;

/// Products with fewer multiply-adds than this run on one thread. (Measured on 2 cores, a
/// 256×784×256 product, a training step's largest, takes 1.9× less time on two threads when
/// the calling thread is one of the pool's workers, as in the chapter binaries; splitting the
/// 256×256×10 products of the output layer as well still gains a little.)
pub const PARALLEL_MIN_MACS: usize = 1 << 19;

static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of threads the operations may use (at least 1). Safe to call at any
/// time, from any thread; it does not touch the environment.
pub fn set_num_threads(threads: usize) {
    THREADS.store(threads.max(1), Ordering::Relaxed);
}

/// The threads the operations may use: the value set by [`set_num_threads`], else the
/// cores this process may run on (its CPU affinity and cgroup quota respected).
pub fn num_threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
}

/// True when every tensor is an f32 tensor on the CPU: where the fast kernels apply (the
/// element-wise ones also need their operands contiguous).
fn on_cpu_f32(tensors: &[&Tensor]) -> bool {
    tensors
        .iter()
        .all(|t| t.device().is_cpu() && t.dtype() == DType::F32)
}

/// [`on_cpu_f32`], with every tensor contiguous.
fn contiguous_cpu_f32(tensors: &[&Tensor]) -> bool {
    on_cpu_f32(tensors) && tensors.iter().all(|t| t.is_contiguous())
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
