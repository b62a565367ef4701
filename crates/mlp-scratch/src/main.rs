//! `cargo run --release -p mlp-scratch`: the book's section 4.2 experiment, a sweep over its
//! exercises, or the evaluation of a saved checkpoint (the command line is `mlp_scratch::cli`).

use std::process::ExitCode;

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    mlp_scratch::cli::main()
}
