//! The harness as a user meets it, through the chapter it drives (section 4.2's binary, built
//! as `examples/mlp-scratch.rs`): a short run leaves a complete record that `--eval-only`
//! reloads; bad flags exit 2 with one clear line and write nothing; signals stop after the
//! batch; a run owns its folder.

#[path = "support/chapter.rs"]
mod chapter;

use std::process::Command;

fn mlp(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(chapter::mlp_scratch())
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
            vec!["--num-epochs", "0"],
            "num_epochs must be at least 1, got 0",
        ),
        (
            vec!["--num-hiddens", "0"],
            "num_hiddens must be at least 1, got 0",
        ),
        (
            vec!["--sweep-lrs", "0.1,-2"],
            "sweep_lrs must be a finite number > 0, got -2",
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
    // More threads than cores is refused rather than slowing the run to a crawl.
    let (code, _, stderr) = mlp(&["--threads", "100000", "--out", out]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("threads must be at most the number of cores"),
        "{stderr}"
    );
    assert!(!std::path::Path::new(out).exists());
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
    // The summary says what failed, and the message says only what is on disk.
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["status"], "diverged");
    assert!(!out.join("metrics.csv").exists());
    assert!(
        stderr.contains("its config.json and summary.json are in"),
        "{stderr}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_run_records_everything_and_its_checkpoint_evaluates_to_the_same_accuracy() {
    let dir = tempfile::tempdir().unwrap();
    let (train, eval) = (dir.path().join("train"), dir.path().join("eval"));
    let (code, stdout, stderr) = mlp(&[
        "--num-epochs",
        "1",
        "--seed",
        "3",
        "--threads",
        "1",
        "--out",
        train.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("final: train loss"), "{stdout}");
    // Off a terminal: plain lines, one per epoch, and no escape codes.
    let mut lines = stdout.lines();
    let data = lines.next().unwrap_or_default();
    assert!(
        data.starts_with("data: ") && data.ends_with("fashion-mnist (SHA-256 verified)"),
        "{stdout}"
    );
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .starts_with("epoch 1/1  train loss"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\x1b') && !stderr.contains('\x1b'),
        "{stdout}{stderr}"
    );
    for file in [
        "config.json",
        "metrics.csv",
        "summary.json",
        "training.svg",
        "training.png",
        "predictions.png",
        "model.safetensors",
        "timings.csv",
    ] {
        assert!(train.join(file).is_file(), "{file} missing");
    }
    let config = read_json(&train.join("config.json"));
    assert_eq!(config["chapter"], "mlp-scratch");
    assert_eq!(config["config"]["seed"], 3);
    assert_eq!(config["config"]["num_epochs"], 1);
    assert_eq!(config["runtime"]["threads"], 1);
    assert_eq!(config["runtime"]["device"], "cpu");
    assert_eq!(config["runtime"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        config["runtime"]["cpu"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    let metrics = std::fs::read_to_string(train.join("metrics.csv")).unwrap();
    assert_eq!(
        metrics.lines().next(),
        Some("epoch,train_loss,train_acc,test_acc")
    );
    let timings = std::fs::read_to_string(train.join("timings.csv")).unwrap();
    assert!(
        timings.starts_with("epoch,seconds,wall_seconds\n1,"),
        "{timings}"
    );
    assert_eq!(metrics.lines().count(), 2);
    let summary = read_json(&train.join("summary.json"));

    let checkpoint = train.join("model.safetensors");
    let (code, stdout, stderr) = mlp(&[
        "--eval-only",
        "--checkpoint",
        checkpoint.to_str().unwrap(),
        "--out",
        eval.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("test acc"), "{stdout}");
    let evaluated = read_json(&eval.join("eval.json"));
    assert_eq!(evaluated["test_acc"], summary["test_acc"]);
    // It records the model it evaluated, read from the checkpoint.
    assert_eq!(evaluated["model"]["W1"], serde_json::json!([784, 256]));
    assert_eq!(evaluated["model"]["b2"], serde_json::json!([10]));
    // Like every run, the evaluation ends with summary.json and its status.
    let eval_summary = read_json(&eval.join("summary.json"));
    assert_eq!(eval_summary["status"], "finished");
    assert_eq!(eval_summary["test_acc"], summary["test_acc"]);
}

/// Starts a long run, waits for its first recorded epoch, sends `signal`, and returns the
/// exit code, stderr and the run folder.
fn interrupt(signal: &str) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let child = Command::new(chapter::mlp_scratch())
        .args([
            "--num-epochs",
            "50",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while std::fs::read_to_string(out.join("metrics.csv")).map_or(0, |m| m.lines().count()) < 2 {
        assert!(
            start.elapsed().as_secs() < 120,
            "no epoch recorded in two minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let result = child.wait_with_output().unwrap();
    (
        result.status.code(),
        String::from_utf8_lossy(&result.stderr).into(),
        dir,
    )
}

#[test]
fn sigint_and_sigterm_stop_after_the_batch_with_a_consistent_record() {
    for (signal, code, name) in [("-INT", 130, "SIGINT"), ("-TERM", 143, "SIGTERM")] {
        let (status, stderr, dir) = interrupt(signal);
        let out = dir.path().join("run");
        assert_eq!(status, Some(code), "{name}: {stderr}");
        assert!(
            stderr.contains("interrupted at epoch")
                && stderr.contains(name)
                && stderr.contains("continue with `mlp-scratch --resume"),
            "{stderr}"
        );
        let summary = read_json(&out.join("summary.json"));
        assert_eq!(summary["status"], "interrupted");
        assert_eq!(summary["signal"], name);
        let completed = summary["epochs_completed"].as_u64().unwrap() as usize;
        let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
        assert_eq!(metrics.lines().count(), 1 + completed);
        assert!(out.join("model.safetensors").is_file());
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: temporary files left");
    }
}

#[test]
fn a_run_owns_its_folder_and_never_mixes_with_another() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let out_s = out.to_str().unwrap();
    let short = ["--num-epochs", "1", "--quiet", "--out", out_s];
    let (code, _, stderr) = mlp(&short);
    assert_eq!(code, 0, "{stderr}");
    let before = std::fs::read(out.join("summary.json")).unwrap();
    // A second run into the same folder is refused, and the first run's files are untouched.
    let (code, _, stderr) = mlp(&[
        "--lr",
        "0.5",
        "--num-epochs",
        "1",
        "--quiet",
        "--out",
        out_s,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("pass --overwrite"), "{stderr}");
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    // --eval-only cannot write over a training run either.
    let checkpoint = out.join("model.safetensors");
    let (code, _, _) = mlp(&[
        "--eval-only",
        "--checkpoint",
        checkpoint.to_str().unwrap(),
        "--out",
        out_s,
    ]);
    assert_eq!(code, 2);
    assert!(!out.join("eval.json").exists());
    // --overwrite refuses a folder holding a file no run writes, and deletes nothing.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let mut overwrite = short.to_vec();
    overwrite.push("--overwrite");
    let (code, _, stderr) = mlp(&overwrite);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    // A run folder of this project's files alone is emptied first: nothing old is left.
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    std::fs::write(out.join("stale.csv"), "old").unwrap();
    let (code, _, stderr) = mlp(&overwrite);
    assert_eq!(code, 0, "{stderr}");
    assert!(!out.join("stale.csv").exists());
    // A folder that is no run's, such as a checkout or a home folder, is refused (tried on
    // a scratch copy of one: a test must never risk real files).
    let checkout = dir.path().join("checkout");
    std::fs::create_dir_all(checkout.join("src")).unwrap();
    std::fs::write(checkout.join("Cargo.toml"), "[package]").unwrap();
    std::fs::write(checkout.join("src/lib.rs"), "").unwrap();
    let checkout_s = checkout.to_str().unwrap();
    let (code, _, stderr) = mlp(&[
        "--num-epochs",
        "1",
        "--quiet",
        "--overwrite",
        "--out",
        checkout_s,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no run writes: Cargo.toml"), "{stderr}");
    assert!(checkout.join("Cargo.toml").is_file() && checkout.join("src/lib.rs").is_file());
    // Two runs started together with the same --out: one of them is refused.
    let both = dir.path().join("both");
    let spawn = || {
        Command::new(chapter::mlp_scratch())
            .args([
                "--num-epochs",
                "1",
                "--quiet",
                "--out",
                both.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let codes =
        [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()].map(|o| o.status.code());
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(2)),
        "{codes:?}"
    );
}

#[test]
fn impossible_requests_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            vec!["--train-examples", "70000"],
            "train_examples must be at most the number of training images, got 70000 (the training set has 60000)",
        ),
        (
            vec!["--sweep-hiddens", "16,64", "--random-search", "100"],
            "random_search must be at most the number of configurations in the grid, got 100 (the grid has 2)",
        ),
        (
            vec!["--lr", "-inf"],
            "lr must be a finite number > 0, got -inf",
        ),
    ] {
        let out = dir.path().join(args.join("_"));
        let mut all = args.clone();
        all.extend(["--out", out.to_str().unwrap()]);
        let (code, _, stderr) = mlp(&all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!out.join("metrics.csv").exists(), "{args:?} trained");
    }
}

#[test]
fn a_signal_while_the_data_loads_ends_with_one_line_and_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let child = Command::new(chapter::mlp_scratch())
        .args(["--num-epochs", "1", "--quiet", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // config.json is written just before the data loads (about a second of reading and
    // decompressing 30 MB).
    while !out.join("config.json").is_file() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "interrupted while the data loaded, before any training; start the run again to train (SIGINT)"
    );
    assert_eq!(
        read_json(&out.join("summary.json"))["status"],
        "interrupted"
    );
}
