//! `sgemm-peak [--threads N] [--size N]`: the sgemm rate of this machine, the best of 30
//! square f32 products with gemm's fastest kernels, as one JSON line. The compare script
//! divides each experiment's FLOPs by it for the FLOP floor.
//!
//! `sgemm-peak --round-trip`: the cache-line round trip between two threads, in ns, as one
//! JSON line (how far apart the host has placed two vCPUs, which two-thread timings depend
//! on).

fn main() {
    let mut threads = 1;
    let mut n = 1024;
    if std::env::args().nth(1).as_deref() == Some("--round-trip") {
        let ns = d2l_benches::core_round_trip_ns(20_000);
        println!("{}", serde_json::json!({ "round_trip_ns": ns }));
        return;
    }
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--threads", Some(t)) if t > 0 => threads = t,
            ("--size", Some(s)) if s > 0 => n = s,
            _ => {
                eprintln!("usage: sgemm-peak [--threads N] [--size N] | sgemm-peak --round-trip");
                std::process::exit(2);
            }
        }
    }
    let gflops = d2l_benches::sgemm_gflops(n, threads, 30);
    println!(
        "{}",
        serde_json::json!({ "threads": threads, "size": n, "gflops": gflops })
    );
}
