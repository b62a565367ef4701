//! The reliability defects as a user meets them with a chapter binary (section 4.2's, built as
//! `examples/mlp-scratch.rs`), one test each: explicit data folders, checkpoints of other
//! models, sizes beyond the machine, flags that do not go together, `--resume` refusals and a
//! full output. (Folder ownership, signals and divergence are in `cli.rs`; kill and resume in
//! `resume.rs`; the sweeps' own records in crates/mlp-scratch/tests/sweeps.rs.)

#[path = "support/chapter.rs"]
mod chapter;

use std::path::Path;
use std::process::Command;

fn mlp(args: &[&str]) -> (i32, String) {
    let out = Command::new(chapter::mlp_scratch())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn a_named_data_folder_is_the_only_place_looked() {
    let dir = tempfile::tempdir().unwrap();
    let (missing, out) = (dir.path().join("nope"), dir.path().join("run"));
    let (code, stderr) = mlp(&["--data-dir", s(&missing), "--out", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(s(&missing)), "{stderr}");
    // Said once, not once per layer of the harness.
    assert_eq!(
        stderr.matches("Fashion-MNIST not found").count(),
        1,
        "{stderr}"
    );
    // The folder it made says what failed; nothing claims files that are not there.
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"error\""), "{summary}");
}

#[test]
fn checkpoints_of_other_models_or_no_model_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = candle_core::Device::Cpu;
    let t = |shape: &[usize]| candle_core::Tensor::zeros(shape, candle_core::DType::F32, &d);
    // The book's net with 5 output classes instead of 10.
    let five = dir.path().join("five.safetensors");
    let tensors = std::collections::HashMap::from([
        ("W1".to_string(), t(&[784, 256]).unwrap()),
        ("b1".to_string(), t(&[256]).unwrap()),
        ("W2".to_string(), t(&[256, 5]).unwrap()),
        ("b2".to_string(), t(&[5]).unwrap()),
    ]);
    candle_core::safetensors::save(&tensors, &five).unwrap();
    let garbage = dir.path().join("garbage.safetensors");
    std::fs::write(&garbage, b"\x10\0\0\0\0\0\0\0{not json at all").unwrap();
    for (checkpoint, expected) in [
        (five.as_path(), "not [1, 10]"),
        (garbage.as_path(), "not a safetensors file"),
        (dir.path(), "a folder, not a model.safetensors file"),
    ] {
        let out = dir.path().join(format!("eval-{}", expected.len()));
        let (code, stderr) = mlp(&[
            "--eval-only",
            "--checkpoint",
            s(checkpoint),
            "--out",
            s(&out),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains(s(checkpoint)) && stderr.contains(expected),
            "{stderr}"
        );
    }
}

#[test]
fn sizes_beyond_the_machine_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    for flags in [
        ["--num-hiddens", "1000000000"],
        ["--sweep-hiddens", "16,1000000000"],
    ] {
        let (code, stderr) = mlp(&[flags[0], flags[1], "--out", s(&out)]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("TB of memory") && stderr.contains("available"),
            "{stderr}"
        );
        assert!(!out.exists(), "a refused run made its folder");
    }
}

#[test]
fn flags_that_do_not_go_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let checkpoint = dir.path().join("model.safetensors");
    let (code, stderr) = mlp(&[
        "--eval-only",
        "--checkpoint",
        s(&checkpoint),
        "--sweep-lrs",
        "0.1",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    assert!(!out.exists());
    // A model flag with --eval-only would describe a model the checkpoint does not hold.
    for flag in [
        ["--num-hiddens", "128"],
        ["--num-layers", "2"],
        ["--lr", "0.5"],
    ] {
        let mut args = vec!["--eval-only", "--checkpoint", s(&checkpoint)];
        args.extend(flag);
        args.extend(["--out", s(&out)]);
        let (code, stderr) = mlp(&args);
        assert_eq!(code, 2, "{flag:?}: {stderr}");
        assert!(
            stderr.contains("evaluates the model saved in the checkpoint")
                && stderr.contains(&format!("leave out {}", flag[0])),
            "{stderr}"
        );
        assert!(!out.exists());
    }
}

#[test]
fn resume_continues_only_an_unfinished_run_of_this_chapter_with_its_own_flags() {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("done");
    let (code, stderr) = mlp(&["--num-epochs", "1", "--quiet", "--out", s(&done)]);
    assert_eq!(code, 0, "{stderr}");
    let before = std::fs::read(done.join("summary.json")).unwrap();
    for (args, expected) in [
        (vec!["--resume", s(&done)], "that run finished"),
        (vec!["--resume", s(&done), "--lr", "0.5"], "leave out --lr"),
        (
            vec!["--resume", s(&dir.path().join("none"))],
            "no such run folder",
        ),
    ] {
        let (code, stderr) = mlp(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(done.join("summary.json")).unwrap(), before);
    // A folder of another chapter is not this chapter's to resume.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(
        other.join("config.json"),
        r#"{"chapter": "dropout", "argv": []}"#,
    )
    .unwrap();
    let (code, stderr) = mlp(&["--resume", s(&other)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("does not record a mlp-scratch run"),
        "{stderr}"
    );
}

#[test]
fn a_loss_that_is_bad_before_any_update_blames_the_initialisation_not_the_learning_rate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let (code, stderr) = mlp(&["--sigma", "1e30", "--quiet", "--out", s(&out)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("before any update") && stderr.contains("--sigma"),
        "{stderr}"
    );
    assert!(!stderr.contains("smaller learning rate"), "{stderr}");
}

#[test]
fn a_full_output_ends_with_a_clean_error_and_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let result = Command::new(chapter::mlp_scratch())
        .args([
            "--num-epochs",
            "1",
            "--train-examples",
            "2000",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .stdout(full())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("standard output"), "{stderr}");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"error\""), "{summary}");
    assert!(out.join("config.json").is_file());
    // A bad flag with a full stderr still exits 2 (not a panic's 101).
    let bad = Command::new(chapter::mlp_scratch())
        .args(["--lr", "-1"])
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(bad.code(), Some(2));
}
