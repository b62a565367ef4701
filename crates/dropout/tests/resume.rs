//! A run killed at any moment resumes to the same numbers, bit for bit: the dropout masks too.

#[path = "../../d2l-experiment/tests/support/kill_and_resume.rs"]
mod kill_and_resume;

use kill_and_resume::{Kill, kill_and_resume};

#[test]
fn a_run_killed_anywhere_resumes_to_the_same_files() {
    kill_and_resume(
        env!("CARGO_BIN_EXE_dropout"),
        &[
            "--num-epochs",
            "4",
            "--seed",
            "5",
            "--num-hiddens1",
            "64",
            "--num-hiddens2",
            "64",
        ],
        &[
            // In the middle of epoch 1, before any checkpoint.
            Kill::AtBatch(1, 40),
            // At the end of epoch 1: its metrics written, its checkpoint not yet in place.
            Kill::MidWrite("model.safetensors", 1),
            Kill::MidWrite("metrics.csv", 2),
            // In the middle of epoch 4, after three checkpoints.
            Kill::AtBatch(4, 100),
        ],
    );
}
