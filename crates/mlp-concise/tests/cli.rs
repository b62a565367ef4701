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

#[test]
fn a_checkpoint_of_another_model_is_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    // A dropout-shaped checkpoint (1.weight 256×784, 4.weight, 7.weight): the concise MLP reads
    // its first layer only, which gives 256 scores per image instead of 10.
    let d = candle_core::Device::Cpu;
    let t =
        |shape: &[usize]| candle_core::Tensor::zeros(shape, candle_core::DType::F32, &d).unwrap();
    let tensors = std::collections::HashMap::from([
        ("1.weight".to_string(), t(&[256, 784])),
        ("1.bias".to_string(), t(&[256])),
        ("4.weight".to_string(), t(&[256, 256])),
        ("4.bias".to_string(), t(&[256])),
        ("7.weight".to_string(), t(&[10, 256])),
        ("7.bias".to_string(), t(&[10])),
    ]);
    let path = dir.path().join("dropout.safetensors");
    candle_core::safetensors::save(&tensors, &path).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-concise"))
        .args([
            "--eval-only",
            "--checkpoint",
            path.to_str().unwrap(),
            "--out",
        ])
        .arg(dir.path().join("eval"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(path.to_str().unwrap()) && stderr.contains("not [1, 10]"),
        "{stderr}"
    );
}
