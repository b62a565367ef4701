//! A run killed at any moment resumes to the same numbers, bit for bit.

#[path = "support/chapter.rs"]
mod chapter;

#[path = "support/kill_and_resume.rs"]
mod kill_and_resume;

use kill_and_resume::{Kill, kill_and_resume};

#[test]
fn a_run_killed_anywhere_resumes_to_the_same_files() {
    kill_and_resume(
        chapter::mlp_scratch(),
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

/// Runs mlp-scratch with `args` and `--out out`, crashing at the test hook `hook` (`NAME=VALUE`),
/// and checks that the crash point fired.
fn crash(args: &[&str], out: &std::path::Path, (hook, at): (&str, &str)) {
    let killed = std::process::Command::new(chapter::mlp_scratch())
        .args(args)
        .arg("--out")
        .arg(out)
        .env(hook, at)
        .status()
        .unwrap();
    assert!(
        !killed.success(),
        "the crash point {hook}={at} did not fire"
    );
}

/// `mlp-scratch --resume out --quiet` with `extra` flags.
fn resume(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(chapter::mlp_scratch())
        .arg("--resume")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .unwrap()
}

/// A run started on two threads and resumed on one finishes bit for bit as the uninterrupted
/// run, and its record says on how many threads the resumed part ran.
#[test]
fn a_run_resumed_on_fewer_threads_finishes_with_the_same_files() {
    use std::process::Command;
    let bin = chapter::mlp_scratch();
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
    let status = Command::new(&bin)
        .args(args)
        .arg("--out")
        .arg(&full)
        .status()
        .unwrap();
    assert!(status.success());
    crash(&args, &cut, ("D2L_CRASH_AT_BATCH", "2:30"));
    let resumed = resume(&cut, &["--threads", "1"]);
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

/// Every file of `dir` and its bytes.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A resume on other data, or from a damaged checkpoint, is refused with exit status 2, and
/// leaves the folder byte for byte as it was.
#[test]
fn a_refused_resume_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    crash(
        &["--num-epochs", "3", "--quiet"],
        &out,
        ("D2L_CRASH_AT_BATCH", "2:30"),
    );
    let resume = || resume(&out, &[]);

    // Other data: the record says the files were the published ones; pretend they were not.
    let config = out.join("config.json");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("\"sha256\": \"verified\""), "{text}");
    std::fs::write(
        &config,
        text.replace("\"sha256\": \"verified\"", "\"sha256\": \"edited\""),
    )
    .unwrap();
    let before = snapshot(&out);
    let refused = resume();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("(SHA-256 edited)") && stderr.contains("nothing in"),
        "{stderr}"
    );
    assert!(
        snapshot(&out) == before,
        "the refused resume changed the folder"
    );
    std::fs::write(&config, &text).unwrap();

    // An edited command line: `--lr 0.5` added to the recorded argv, while the recorded
    // hyperparameters say 0.1. Refused, naming the hyperparameter, and nothing changes.
    let mut record: serde_json::Value = serde_json::from_str(&text).unwrap();
    let argv = record["argv"].as_array_mut().unwrap();
    argv.extend(["--lr".into(), "0.5".into()]);
    std::fs::write(&config, serde_json::to_string_pretty(&record).unwrap()).unwrap();
    let before = snapshot(&out);
    let refused = resume();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("records lr = 0.1, and its argv gives 0.5"),
        "{stderr}"
    );
    assert!(
        snapshot(&out) == before,
        "the refused resume changed the folder"
    );
    std::fs::write(&config, &text).unwrap();

    // A damaged checkpoint: refused, and the folder is as it was.
    let checkpoint = out.join("model.safetensors");
    let bytes = std::fs::read(&checkpoint).unwrap();
    std::fs::write(&checkpoint, &bytes[..bytes.len() / 2]).unwrap();
    let before = snapshot(&out);
    let refused = resume();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        snapshot(&out) == before,
        "the refused resume changed the folder"
    );

    std::fs::write(&checkpoint, &bytes).unwrap();

    // The checkpoint's training state must be what metrics.csv lists: an edited value, or
    // rows the checkpoint does not hold, are refused, naming the file.
    let metrics = out.join("metrics.csv");
    let rows = std::fs::read_to_string(&metrics).unwrap();
    assert_eq!(rows.lines().count(), 2, "{rows}");
    let first = rows.lines().nth(1).unwrap();
    let mut fields: Vec<&str> = first.split(',').collect();
    fields[1] = "9.0";
    let edited = rows.replace(first, &fields.join(","));
    let two_more = format!("{rows}2,0.5,0.8,0.8\n3,0.4,0.8,0.8\n");
    for (text, expected) in [
        (edited, "epoch 1 of its training state differs"),
        (two_more, "lists 3"),
    ] {
        std::fs::write(&metrics, text).unwrap();
        let before = snapshot(&out);
        let refused = resume();
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(expected) && stderr.contains("metrics.csv"),
            "{stderr}"
        );
        assert!(
            snapshot(&out) == before,
            "the refused resume changed the folder"
        );
    }
    std::fs::write(&metrics, &rows).unwrap();

    // Repaired, the same folder resumes and finishes.
    let resumed = resume();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
}

/// `finished` is the run's last record: a crash while the predictions figure is written
/// leaves a run that is not finished, and it resumes to a complete folder.
#[test]
fn a_crash_before_the_last_figure_leaves_a_run_that_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    crash(
        &["--num-epochs", "1", "--quiet"],
        &out,
        ("D2L_CRASH_BEFORE_RENAME", "predictions.png:1"),
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap_or_default();
    assert!(!summary.contains("finished"), "{summary}");
    let resumed = resume(&out, &[]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"finished\""), "{summary}");
    assert!(out.join("predictions.png").is_file());
}
