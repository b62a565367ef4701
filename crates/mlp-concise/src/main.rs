//! `cargo run --release -p mlp-concise`: the book's section 4.3 experiment, or the evaluation
//! of a saved checkpoint.

use std::process::ExitCode;

use mlp_concise::{Config, MlpConcise};

/// This binary allocates through mimalloc (see `d2l_experiment::MiMalloc`).
#[global_allocator]
static ALLOCATOR: d2l_experiment::MiMalloc = d2l_experiment::MiMalloc;

fn main() -> ExitCode {
    d2l_experiment::chapter!().classifier(MlpConcise::from_tensors, |config: Config, run| {
        run.train(|reporter| mlp_concise::run(&config, &run.data, reporter))
    })
}
