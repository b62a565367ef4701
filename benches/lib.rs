//! Criterion benches for d2l-rs. The harnesses live in `benches/benches/`; run them all with
//! `cargo bench` at the workspace root, or one topic with `cargo bench -- <filter>`.

/// Pins the thread count the way every chapter binary does (see `d2l_experiment::runner`):
/// `RAYON_NUM_THREADS` for candle's own products, [`d2l_core::ops::set_num_threads`] for
/// d2l-core's. Call it first in a bench's `main`, before any other thread exists.
pub fn pin_threads() {
    let threads = candle_core::utils::get_num_threads();
    // SAFETY: called at the start of `main`, before the program has started any thread.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", threads.to_string()) };
    d2l_core::ops::set_num_threads(threads);
}

/// A bench `main` that pins the threads, then runs the criterion groups.
#[macro_export]
macro_rules! bench_main {
    ($($group:path),+ $(,)?) => {
        fn main() {
            $crate::pin_threads();
            $($group();)+
            criterion::Criterion::default().configure_from_args().final_summary();
        }
    };
}
