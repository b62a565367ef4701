//! `sgemm-peak [--threads N] [--size N]`: the sgemm rate of this machine, the best of 30
//! square f32 products with gemm's fastest kernels, as one JSON line. The compare script
//! divides each experiment's FLOPs by it for the FLOP floor.

fn main() {
    let mut threads = 1;
    let mut n = 1024;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--threads", Some(t)) if t > 0 => threads = t,
            ("--size", Some(s)) if s > 0 => n = s,
            _ => {
                eprintln!("usage: sgemm-peak [--threads N] [--size N]");
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
