//! The chapter this crate's tests drive (`tests/`): section 4.2's binary, `mlp-scratch`, built
//! as an example of the harness so that the harness's behaviour (run folders, records,
//! signals, resume, the dashboard) is tested in the crate that implements it, on a real run.
//! It is the same program as `cargo run -p mlp-scratch`: both call `mlp_scratch::cli::main`.

use std::process::ExitCode;

/// This binary allocates through mimalloc, as the chapter binaries do.
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    mlp_scratch::cli::main()
}
