//! How the fast operations share the threads of the rayon pool they run in (a chapter binary
//! runs its work as a worker of a pool of `--threads` threads): the other workers stay ready
//! between matrix products, and long copies and element-wise loops are split between them.
//! Nothing here changes a result: work is only moved between threads, never reordered within
//! a sum.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use candle_core::{CpuStorage, Storage, Tensor};
use web_time::Instant;

/// True when the fast operations may use more than one thread: [`crate::ops::num_threads`]
/// allows it and the current rayon pool has another worker.
pub(crate) fn enabled() -> bool {
    crate::ops::num_threads() > 1 && rayon::current_num_threads() > 1
}

/// How long another worker keeps looking for work after its last job, before it goes back to
/// rayon's sleep. A training step's element-wise work between two matrix products takes a
/// few hundred microseconds; waking a sleeping worker (on a virtual machine, a halted virtual
/// CPU) can take as long as the product it was woken for.
const LINGER: Duration = Duration::from_millis(1);

/// Whether a lingering job is queued or running.
static LINGERING: AtomicBool = AtomicBool::new(false);

/// Keeps one other worker of the current pool awake for [`LINGER`] after its last job, so the
/// next split product or loop starts at once (OpenMP's spin-wait, bounded). Called before
/// each parallel product; at most one such job exists at a time.
pub(crate) fn keep_workers_warm() {
    if LINGERING.swap(true, Ordering::AcqRel) {
        return;
    }
    let caller = rayon::current_thread_index();
    rayon::spawn(move || {
        // The caller may pick its own job up while it waits inside a product: it has its own
        // work to return to.
        if caller.is_none() || rayon::current_thread_index() != caller {
            let mut last_job = Instant::now();
            while last_job.elapsed() < LINGER {
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
    let blocks = dst.len().div_ceil(block);
    let chunk = blocks.div_ceil(rayon::current_num_threads()) * block;
    dst.par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(i, d)| f(i * chunk, d));
}

/// The `len` values that `values(range)` yields for consecutive ranges of `0..len`, collected
/// into one vector by the workers of the current pool (each range's values written in place).
/// Panics if `values` yields fewer values than its range is long.
pub(crate) fn collect_chunks<U: Send, I: Iterator<Item = U>>(
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

/// The rows of `x` at `indices` (`x.index_select(indices, 0)`), copied by the workers of the
/// current pool; `None` when that does not apply (data that is not a contiguous f32 tensor in
/// memory, an index out of range), so the caller uses `index_select`, which reports errors.
pub(crate) fn gather_rows(x: &Tensor, indices: &[u32]) -> candle_core::Result<Option<Tensor>> {
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
