//! Criterion benches for d2l-rs. The harnesses live in `benches/benches/`; run them all with
//! `cargo bench` at the workspace root, or one topic with `cargo bench -- <filter>`.

use std::time::Instant;

// The benches allocate (mimalloc, declared by `bench_main!` and each bin), set their threads
// and run in a pool as the chapter binaries do, through the harness (`d2l_experiment::runner`).
pub use d2l_core::ops::in_pool;
pub use d2l_experiment::MiMalloc;
pub use d2l_experiment::runner::available_cores;

/// Sets `threads` as every chapter binary sets its own
/// ([`d2l_experiment::runner::set_thread_environment`]).
///
/// # Safety
/// It writes the environment: call it first in a bench's `main`, before any other thread
/// exists.
pub unsafe fn set_threads(threads: usize) {
    // SAFETY: the caller's contract.
    unsafe { d2l_experiment::runner::set_thread_environment(threads) };
}

/// The sgemm rate of this machine on `threads` threads, in GFLOP/s: the best of `reps` f32
/// `(n × n) @ (n × n)` products with gemm's fastest kernels (2·n³ FLOPs each), run inside a
/// rayon pool of `threads` threads that the calling thread joins.
pub fn sgemm_gflops(n: usize, threads: usize, reps: usize) -> f64 {
    let a = vec![1.0f32; n * n];
    let b = vec![0.5f32; n * n];
    let mut c = vec![0.0f32; n * n];
    let parallelism = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool for the peak");
    let mut best = f64::INFINITY;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        // SAFETY: three row-major n × n buffers of the stated sizes.
        pool.install(|| unsafe {
            gemm::gemm(
                n,
                n,
                n,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                1,
                n as isize,
                b.as_ptr(),
                1,
                n as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                parallelism,
            );
        });
        best = best.min(start.elapsed().as_secs_f64());
    }
    std::hint::black_box(&c);
    2.0 * (n as f64).powi(3) / best / 1e9
}

/// Reads `--name N` pairs (N a positive integer) from the command line into `flags`; on
/// anything else prints `usage: {usage}` and exits with status 2. For the small bench binaries.
pub fn positive_flags(usage: &str, flags: &mut [(&str, &mut usize)]) {
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok()).filter(|&v| v > 0);
        match (flags.iter_mut().find(|(name, _)| *name == flag), value) {
            (Some((_, slot)), Some(v)) => **slot = v,
            _ => {
                eprintln!("usage: {usage}");
                std::process::exit(2);
            }
        }
    }
}

/// The median time, in ns, for a cache line to go from this thread to another and back (a
/// ping-pong on one atomic, `rounds` times per sample, 5 samples). On a virtual machine it
/// tells how far apart the host has placed two vCPUs: tens of ns on cores that share a
/// cache, hundreds across chiplets, microseconds when a vCPU is not running.
pub fn core_round_trip_ns(rounds: u64) -> f64 {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let mut samples: Vec<f64> = (0..5)
        .map(|_| {
            let flag = Arc::new(AtomicU64::new(0));
            let other = Arc::clone(&flag);
            let echo = std::thread::spawn(move || {
                for i in 0..rounds {
                    while other.load(Ordering::Acquire) != 2 * i + 1 {
                        std::hint::spin_loop();
                    }
                    other.store(2 * i + 2, Ordering::Release);
                }
            });
            let start = Instant::now();
            for i in 0..rounds {
                flag.store(2 * i + 1, Ordering::Release);
                while flag.load(Ordering::Acquire) != 2 * i + 2 {
                    std::hint::spin_loop();
                }
            }
            let ns = start.elapsed().as_nanos() as f64 / rounds.max(1) as f64;
            echo.join().expect("the echo thread");
            ns
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// A bench `main` that pins the threads, then runs the criterion groups as a worker of a
/// rayon pool of that many threads, as the chapter binaries run.
#[macro_export]
macro_rules! bench_main {
    ($($group:path),+ $(,)?) => {
        #[global_allocator]
        static ALLOCATOR: $crate::MiMalloc = $crate::MiMalloc;

        fn main() {
            let threads = $crate::available_cores();
            // SAFETY: the first thing `main` does: no other thread exists yet.
            unsafe { $crate::set_threads(threads) };
            $crate::in_pool(threads, || {
                $($group();)+
            });
            criterion::Criterion::default().configure_from_args().final_summary();
        }
    };
}
