//! Bad flags exit 2 with one clear line.

use std::process::Command;

#[test]
fn bad_hyperparameters_exit_2_with_one_line() {
    for (flags, message) in [
        (
            vec!["--lr", "nan"],
            "lr must be a finite number > 0, got NaN",
        ),
        (
            vec!["--num-epochs", "0"],
            "num_epochs must be at least 1, got 0",
        ),
        (
            vec!["--num-hiddens", "0"],
            "num_hiddens must be at least 1, got 0",
        ),
        (
            vec!["--batch-size", "0"],
            "batch_size must be at least 1, got 0",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mlp-concise"))
            .args(&flags)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert_eq!(stderr.trim(), format!("error: {message}"));
    }
}
