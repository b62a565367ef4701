//! How the fast operations share the threads of the rayon pool they run in (a chapter binary
//! runs its work as a worker of a pool of `--threads` threads): long copies and element-wise
//! loops are split between the workers, and between matrix products one worker lingers, ready
//! for the next. Nothing here changes a result: work is only moved between threads, never
//! reordered within a sum.
//!
//! **The linger loop.** A training step's element-wise work between two split products takes
//! a few hundred microseconds, and waking a sleeping rayon worker (on a virtual machine, a
//! halted virtual CPU) can take as long as the product it was woken for. So before each split
//! product one job is queued (at most one at a time) that keeps another worker looking for
//! work, spinning, until [`linger`] has passed since its last job: OpenMP's spin-wait,
//! bounded. It costs that worker's core up to 1 ms of spinning after the last product; a
//! program that shares its cores with other work can turn it off with
//! `set_linger(Duration::ZERO)`.
//!
//! ```
//! use std::time::Duration;
//! d2l_kernels::set_linger(Duration::ZERO);
//! assert_eq!(d2l_kernels::linger(), Duration::ZERO);
//! d2l_kernels::set_linger(Duration::from_millis(1));
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use candle_core::{CpuStorage, Storage, Tensor};
use web_time::Instant;

/// True when the fast operations may use more than one thread: [`crate::num_threads`]
/// allows it and the current rayon pool has another worker.
pub(crate) fn enabled() -> bool {
    crate::num_threads() > 1 && rayon::current_num_threads() > 1
}

/// The linger time in microseconds (see the module's documentation).
static LINGER_MICROS: AtomicU64 = AtomicU64::new(1_000);

/// How long a worker keeps looking for work after its last job between split products.
pub fn linger() -> Duration {
    Duration::from_micros(LINGER_MICROS.load(Ordering::Relaxed))
}

/// Sets [`linger`]; `Duration::ZERO` turns the linger loop off. Safe to call at any time.
pub fn set_linger(time: Duration) {
    let micros = u64::try_from(time.as_micros()).unwrap_or(u64::MAX);
    LINGER_MICROS.store(micros, Ordering::Relaxed);
}

/// Whether a lingering job is queued or running.
static LINGERING: AtomicBool = AtomicBool::new(false);

/// How much work the operations split between threads since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParallelWork {
    /// Matrix products split between workers.
    pub products: usize,
    /// Element-wise loops and copies split between workers.
    pub loops: usize,
    /// Linger jobs started (see the module's documentation).
    pub lingers: usize,
}

static SPLIT_PRODUCTS: AtomicUsize = AtomicUsize::new(0);
static SPLIT_LOOPS: AtomicUsize = AtomicUsize::new(0);
static LINGERS: AtomicUsize = AtomicUsize::new(0);

/// The work split between threads so far: what tells a test, or a curious reader, that the
/// parallel paths ran.
pub fn parallel_work() -> ParallelWork {
    ParallelWork {
        products: SPLIT_PRODUCTS.load(Ordering::Relaxed),
        loops: SPLIT_LOOPS.load(Ordering::Relaxed),
        lingers: LINGERS.load(Ordering::Relaxed),
    }
}

/// Counts a product split between workers.
pub(crate) fn count_split_product() {
    SPLIT_PRODUCTS.fetch_add(1, Ordering::Relaxed);
}

/// Keeps one other worker of the current pool awake for [`linger`] after its last job, so the
/// next split product or loop starts at once. Called before each split product; at most one
/// such job exists at a time, and none when the linger time is zero.
pub(crate) fn keep_workers_warm() {
    let linger = linger();
    if linger.is_zero() || LINGERING.swap(true, Ordering::AcqRel) {
        return;
    }
    LINGERS.fetch_add(1, Ordering::Relaxed);
    let caller = rayon::current_thread_index();
    rayon::spawn(move || {
        // The caller may pick its own job up while it waits inside a product: it has its own
        // work to return to.
        if caller.is_none() || rayon::current_thread_index() != caller {
            let mut last_job = Instant::now();
            while last_job.elapsed() < linger {
                match rayon::yield_now() {
                    Some(rayon::Yield::Executed) => last_job = Instant::now(),
                    _ => std::hint::spin_loop(),
                }
            }
        }
        LINGERING.store(false, Ordering::Release);
    });
}

/// Element-wise loops over at least this many elements are split between the pool's workers.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;

/// Runs `f(offset, chunk)` on consecutive chunks of `dst` (`offset` is the chunk's first
/// index), split between the workers of the current pool when the loop is long enough to pay
/// for it, on this thread alone otherwise.
pub(crate) fn for_each_chunk<T: Send>(dst: &mut [T], f: impl Fn(usize, &mut [T]) + Sync) {
    for_each_block_chunk(dst, 1, f);
}

/// [`for_each_chunk`] with every chunk a whole number of `block`-element blocks.
fn for_each_block_chunk<T: Send>(dst: &mut [T], block: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    use rayon::prelude::*;
    if dst.len() < PARALLEL_MIN_ELEMENTS || !enabled() {
        return f(0, dst);
    }
    SPLIT_LOOPS.fetch_add(1, Ordering::Relaxed);
    let blocks = dst.len().div_ceil(block);
    let chunk = blocks.div_ceil(rayon::current_num_threads()) * block;
    dst.par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(i, d)| f(i * chunk, d));
}

/// The `len` values that `values(range)` yields for consecutive ranges of `0..len`, collected
/// into one vector by the workers of the current pool (each range's values written in place).
/// Panics if `values` yields fewer values than its range is long.
///
/// ```
/// let squares = d2l_kernels::parallel::collect_chunks(5, |r| r.map(|i| (i * i) as f32));
/// assert_eq!(squares, [0., 1., 4., 9., 16.]);
/// ```
pub fn collect_chunks<U: Send, I: Iterator<Item = U>>(
    len: usize,
    values: impl Fn(std::ops::Range<usize>) -> I + Sync,
) -> Vec<U> {
    let mut out = Vec::with_capacity(len);
    for_each_chunk(&mut out.spare_capacity_mut()[..len], |offset, chunk| {
        let (mut written, end) = (0, offset + chunk.len());
        for (slot, v) in chunk.iter_mut().zip(values(offset..end)) {
            slot.write(v);
            written += 1;
        }
        assert_eq!(written, chunk.len(), "collect_chunks: too few values");
    });
    // SAFETY: every one of the `len` slots was written above (a short chunk panics first).
    unsafe { out.set_len(len) };
    out
}

/// The rows of `x` at `indices` (`x.index_select(indices, 0)`): for a contiguous f32 tensor
/// in memory, copied by the workers of the current pool; otherwise (another device or dtype,
/// an index out of range) through candle's `index_select`, which reports errors.
pub fn gather_rows(x: &Tensor, indices: &[u32]) -> candle_core::Result<Tensor> {
    if let Some(rows) = copy_rows(x, indices)? {
        return Ok(rows);
    }
    let idx = Tensor::from_slice(indices, indices.len(), x.device())?;
    x.index_select(&idx, 0)
}

/// [`gather_rows`]'s fast path; `None` where it does not apply.
fn copy_rows(x: &Tensor, indices: &[u32]) -> candle_core::Result<Option<Tensor>> {
    let Some((&rows, row_dims)) = x.dims().split_first() else {
        return Ok(None);
    };
    let row: usize = row_dims.iter().product();
    if row == 0 || indices.iter().any(|&i| i as usize >= rows) {
        return Ok(None);
    }
    let len = indices.len() * row;
    let out = {
        let (storage, layout) = x.storage_and_layout();
        let (Storage::Cpu(CpuStorage::F32(data)), Some((start, end))) =
            (&*storage, layout.contiguous_offsets())
        else {
            return Ok(None);
        };
        let src = &data[start..end];
        let mut out: Vec<f32> = Vec::with_capacity(len);
        for_each_block_chunk(&mut out.spare_capacity_mut()[..len], row, |offset, dst| {
            for (dst, &i) in dst.chunks_mut(row).zip(&indices[offset / row..]) {
                let src = &src[i as usize * row..][..row];
                // SAFETY: `dst` and `src` are `row` elements each, and do not overlap.
                unsafe {
                    std::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr().cast(), row)
                };
            }
        });
        // SAFETY: the chunks are whole rows covering all `len` elements, each row written
        // above (`dst.chunks_mut(row)` and the indices from the chunk's first row match in
        // number).
        unsafe { out.set_len(len) };
        out
    };
    let mut shape = vec![indices.len()];
    shape.extend_from_slice(row_dims);
    Tensor::from_vec(out, shape, x.device()).map(Some)
}

/// Runs `work` as a worker of a rayon pool of `threads` threads, so that the matrix products
/// of the run (gemm's `Parallelism::Rayon`) split their work between this thread and the
/// pool's other workers. Outside a pool, the calling thread would wait while `threads` other
/// workers computed, and their spinning between products would take cores from it. The
/// chapter binaries run their work this way; a notebook cell or a program of a course can too.
///
/// ```
/// let sum = d2l_kernels::in_pool(2, || (1..=10).sum::<u32>());
/// assert_eq!(sum, 55);
/// ```
pub fn in_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        // The main thread's stack size: candle's backward pass walks the graph recursively.
        .stack_size(8 << 20)
        .thread_name(|i| format!("d2l-worker-{i}"))
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        // No threads to be had: the run still goes on, on this thread alone.
        Err(_) => work(),
    }
}
