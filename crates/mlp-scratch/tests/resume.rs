//! A run killed at any moment resumes to the same numbers, bit for bit.

#[path = "../../d2l-experiment/tests/support/kill_and_resume.rs"]
mod kill_and_resume;

use kill_and_resume::{Kill, kill_and_resume};

#[test]
fn a_run_killed_anywhere_resumes_to_the_same_files() {
    kill_and_resume(
        env!("CARGO_BIN_EXE_mlp-scratch"),
        &["--num-epochs", "4", "--seed", "5"],
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

/// A run started on two threads and resumed on one finishes bit for bit as the uninterrupted
/// run, and its record says on how many threads the resumed part ran.
#[test]
fn a_run_resumed_on_fewer_threads_finishes_with_the_same_files() {
    use std::process::Command;
    let bin = env!("CARGO_BIN_EXE_mlp-scratch");
    let dir = tempfile::tempdir().unwrap();
    let (full, cut) = (dir.path().join("full"), dir.path().join("cut"));
    let args = [
        "--num-epochs",
        "2",
        "--seed",
        "3",
        "--threads",
        "2",
        "--quiet",
    ];
    let status = Command::new(bin)
        .args(args)
        .arg("--out")
        .arg(&full)
        .status()
        .unwrap();
    assert!(status.success());
    let killed = Command::new(bin)
        .args(args)
        .arg("--out")
        .arg(&cut)
        .env("D2L_CRASH_AT_BATCH", "2:30")
        .status()
        .unwrap();
    assert!(!killed.success(), "the crash point did not fire");
    let resumed = Command::new(bin)
        .args([
            "--resume",
            cut.to_str().unwrap(),
            "--threads",
            "1",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    for file in ["summary.json", "metrics.csv", "model.safetensors"] {
        let same =
            std::fs::read(full.join(file)).unwrap() == std::fs::read(cut.join(file)).unwrap();
        assert!(same, "{file} differs after resuming on one thread");
    }
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cut.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["runtime"]["threads"], 2);
    assert_eq!(
        config["runtime"]["resumed_on_threads"],
        serde_json::json!([1])
    );
}
