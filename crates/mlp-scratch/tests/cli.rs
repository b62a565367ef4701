//! The binary as a user runs it: bad flags exit 2 with one clear line and write nothing.

use std::process::Command;

fn mlp(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-scratch"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn bad_hyperparameters_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let out = out.to_str().unwrap();
    for (flags, message) in [
        (vec!["--lr", "0"], "lr must be a finite number > 0, got 0"),
        (
            vec!["--lr", "NaN"],
            "lr must be a finite number > 0, got NaN",
        ),
        (vec!["--lr=-1"], "lr must be a finite number > 0, got -1"),
        (
            vec!["--batch-size", "0"],
            "batch_size must be at least 1, got 0",
        ),
        (
            vec!["--epochs", "0"],
            "num_epochs must be at least 1, got 0",
        ),
        (
            vec!["--num-hiddens", "0"],
            "num_hiddens must be at least 1, got 0",
        ),
        (
            vec!["--sweep-lrs", "0.1,-2"],
            "lr must be a finite number > 0, got -2",
        ),
    ] {
        let mut args = flags.clone();
        args.extend(["--out", out]);
        let (code, _, stderr) = mlp(&args);
        assert_eq!(code, 2, "{flags:?}: {stderr}");
        assert_eq!(stderr.trim(), format!("error: {message}"), "{flags:?}");
        assert!(
            !std::path::Path::new(out).exists(),
            "{flags:?} created the output folder"
        );
    }
    let (code, _, stderr) = mlp(&["--lr", "fast"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_diverging_run_stops_with_the_learning_rate_advice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let (code, _, stderr) = mlp(&["--lr", "1e4", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("training diverged at epoch 1, batch"),
        "{stderr}"
    );
    assert!(stderr.contains("smaller learning rate"), "{stderr}");
    assert!(out.join("config.json").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}
