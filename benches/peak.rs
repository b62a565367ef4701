//! `sgemm-peak [--threads N] [--size N]`: the sgemm rate of this machine, the best of 30
//! square f32 products with gemm's fastest kernels, as one JSON line. The compare script
//! divides each experiment's FLOPs by it for the FLOP floor.
//!
//! `sgemm-peak --round-trip`: the cache-line round trip between two threads, in ns, as one
//! JSON line (how far apart the host has placed two vCPUs, which two-thread timings depend
//! on).

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--round-trip") {
        let ns = d2l_benches::core_round_trip_ns(20_000);
        println!("{}", serde_json::json!({ "round_trip_ns": ns }));
        return;
    }
    let (mut threads, mut n) = (1, 1024);
    d2l_benches::positive_flags(
        "sgemm-peak [--threads N] [--size N] | sgemm-peak --round-trip",
        &mut [("--threads", &mut threads), ("--size", &mut n)],
    );
    let gflops = d2l_benches::sgemm_gflops(n, threads, 30);
    println!(
        "{}",
        serde_json::json!({ "threads": threads, "size": n, "gflops": gflops })
    );
}
