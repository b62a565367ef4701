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
//! - [`linear_layer`]: the same for a candle-nn [`Linear`] layer (weight `(out, in)`).
//! - [`relu`]: `nn.ReLU()`, one pass forward and one backward.
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

use candle_core::{CpuStorage, CustomOp2, CustomOp3, Layout, Shape, Tensor};
use candle_nn::Linear;

use crate::parallel::collect_chunks;

/// `x @ w + b` for `x` `(m, k)`, `w` `(k, n)` (any strides, so a transposed `(n, k)` weight
/// works) and a contiguous `b` `(n,)`, all f32. No gradient flows to `x` when `x` does not
/// depend on a variable.
pub fn linear(x: &Tensor, w: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    x.apply_op3(
        w,
        b,
        Linear3 {
            weight_out_in: false,
        },
    )
}

/// A candle-nn `Linear` layer applied as [`linear`] does: `x @ weightᵀ + bias` for its
/// `(out, in)` weight, whose gradient comes out in that layout (no transposed copy to add up).
/// A layer without a bias falls back to candle's own forward.
pub fn linear_layer(layer: &Linear, x: &Tensor) -> candle_core::Result<Tensor> {
    match layer.bias() {
        Some(b) => x.apply_op3(
            layer.weight(),
            b,
            Linear3 {
                weight_out_in: true,
            },
        ),
        None => candle_core::Module::forward(layer, x),
    }
}

/// `nn.ReLU()`: `max(x, 0)` elementwise for an f32 tensor, in one pass, with a one-pass
/// backward that passes the gradient where `x > 0` (PyTorch's choice at 0; candle's own
/// `relu` passes it at 0 too, and takes several tensor operations for it).
pub fn relu(x: &Tensor) -> candle_core::Result<Tensor> {
    x.contiguous()?.apply_op1(Relu)
}

/// `torch.max(a, b)`: the elementwise maximum of two f32 tensors of the same shape. The
/// gradient goes to the larger argument, half to each where they are equal (as PyTorch
/// splits it), and none to an argument that does not depend on a variable.
pub fn maximum(a: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    a.apply_op2(b, Maximum)
}

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

/// `dst (m, n) ← [dst +] a (m, k) @ b (k, n)` with gemm, for row-major `dst` and any 2-D
/// strides of `a` and `b` (in elements), on [`num_threads`] threads.
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
            f32_slice(s1, l1, "gemm: lhs")?,
            l1.stride(),
            f32_slice(s2, l2, "gemm: rhs")?,
            l2.stride(),
        );
        Ok((CpuStorage::F32(dst), Shape::from((m, n))))
    }
}

/// The data of a strided f32 operand from its start (`what` names it in errors).
fn f32_slice<'a>(s: &'a CpuStorage, l: &Layout, what: &str) -> candle_core::Result<&'a [f32]> {
    match s {
        CpuStorage::F32(v) => Ok(&v[l.start_offset()..]),
        _ => candle_core::bail!("{what} must be f32"),
    }
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
        gemm_into(&mut dst, true, (m, n, k), x, l1.stride(), w, &w_stride);
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

/// The op behind [`relu`].
struct Relu;

impl candle_core::CustomOp1 for Relu {
    fn name(&self) -> &'static str {
        "d2l-relu"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let x = contiguous_f32(s, l, "relu")?;
        let out = collect_chunks(x.len(), |r| {
            x[r].iter().map(|&v| if v > 0.0 { v } else { 0.0 })
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
        let (y, g) = same_shape_f32((s1, l1), (s2, l2), "relu backward")?;
        let out = collect_chunks(y.len(), |r| {
            y[r.clone()]
                .iter()
                .zip(&g[r])
                .map(|(&y, &g)| if y > 0.0 { g } else { 0.0 })
        });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
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
        let (a, b) = same_shape_f32((s1, l1), (s2, l2), "maximum")?;
        let out = collect_chunks(a.len(), |r| {
            a[r.clone()]
                .iter()
                .zip(&b[r])
                .map(|(&x, &y)| if x >= y { x } else { y })
        });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
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
