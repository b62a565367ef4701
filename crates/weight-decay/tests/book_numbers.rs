//! The book's four weight-decay runs over several seeds land in the book's ranges.

use d2l_core::train::final_losses;
use weight_decay::sweep::lambda_sweep;
use weight_decay::{Config, Data, Penalty, Variant, train};

#[test]
fn weight_norms_and_test_losses_match_the_book_over_seeds() {
    for seed in 0..5 {
        let config = Config {
            seed,
            ..Config::default()
        };
        let data = Data::generate(&config, &candle_core::Device::Cpu).unwrap();
        for (variant, high) in [(Variant::Scratch, 0.45), (Variant::Concise, 0.55)] {
            let free = train(&data, variant, 0.0, &config, &mut ()).unwrap();
            let decayed = train(&data, variant, 3.0, &config, &mut ()).unwrap();
            let tag = format!("seed {seed} {variant:?}");
            assert!(
                (11.0..=16.0).contains(&free.w_l2_norm),
                "{tag}: λ=0 ‖w‖ {}",
                free.w_l2_norm
            );
            assert!(
                (0.30..=high).contains(&decayed.w_l2_norm),
                "{tag}: λ=3 ‖w‖ {}",
                decayed.w_l2_norm
            );
            let (free_train, free_test) = final_losses(&free.records).unwrap();
            let (_, decayed_test) = final_losses(&decayed.records).unwrap();
            assert!(
                free_train < 1e-3,
                "{tag}: λ=0 fits the 20 examples, train {free_train}"
            );
            assert!(
                decayed_test * 100.0 <= free_test,
                "{tag}: test {decayed_test} vs {free_test}"
            );
            assert_eq!(free.records.len(), 20, "one record every 5 epochs");
        }
    }
}

#[test]
fn the_l1_penalty_shrinks_the_weights_too() {
    let config = Config {
        penalty: Penalty::L1,
        ..Config::default()
    };
    let data = Data::generate(&config, &candle_core::Device::Cpu).unwrap();
    let free = train(&data, Variant::Scratch, 0.0, &config, &mut ()).unwrap();
    let lasso = train(&data, Variant::Scratch, 3.0, &config, &mut ()).unwrap();
    let l1 = |t: &candle_core::Tensor| {
        t.abs()
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    };
    assert!(
        l1(&lasso.weight) < 0.1 * l1(&free.weight),
        "{} vs {}",
        l1(&lasso.weight),
        l1(&free.weight)
    );
    assert!(
        final_losses(&lasso.records).unwrap().1 < final_losses(&free.records).unwrap().1 / 10.0
    );
}

#[test]
fn the_lambda_sweep_prefers_regularisation_on_the_validation_set() {
    let config = Config::default();
    let data = Data::generate(&config, &candle_core::Device::Cpu).unwrap();
    let sweep = lambda_sweep(&data, Variant::Scratch, &[0.0, 0.3, 3.0, 10.0], &config).unwrap();
    assert_eq!(sweep.points.len(), 4);
    assert!(
        sweep.chosen_lambda >= 3.0,
        "chose λ = {}",
        sweep.chosen_lambda
    );
    // The norm falls monotonically with λ.
    assert!(
        sweep
            .points
            .windows(2)
            .all(|w| w[1].w_l2_norm < w[0].w_l2_norm)
    );
    // The loss of the trained weights on the test set equals the recorded test loss.
    let run = train(&data, Variant::Scratch, 3.0, &config, &mut ()).unwrap();
    let (x, y) = &data.test;
    assert!((run.loss_on(x, y).unwrap() - final_losses(&run.records).unwrap().1).abs() < 1e-6);
}

#[test]
fn a_diverging_lambda_is_recorded_and_the_sweep_goes_on() {
    // At λ = 1000 the scratch update multiplies w by 1 − lr·λ = −2 every step.
    let config = Config::default();
    let data = Data::generate(&config, &candle_core::Device::Cpu).unwrap();
    let sweep = lambda_sweep(&data, Variant::Scratch, &[1000.0, 3.0], &config).unwrap();
    assert!(sweep.points[0].diverged && sweep.points[0].train_loss.is_nan());
    assert!(!sweep.points[1].diverged);
    assert_eq!(sweep.chosen_lambda, 3.0);
}

#[test]
fn bad_flags_exit_2() {
    for (flags, message) in [
        (
            vec!["--lambdas", "0,-3"],
            "lambdas must be a finite number >= 0, got -3",
        ),
        (vec!["--lr", "0"], "lr must be a finite number > 0, got 0"),
        (
            vec!["--batch-size", "0"],
            "batch_size must be at least 1, got 0",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
            .args(&flags)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            format!("error: {message}")
        );
    }
}

#[test]
fn a_loss_that_grows_slowly_over_the_epochs_is_divergence() {
    // At lr 0.1 the scratch loss grows by a factor of a few per epoch, never exploding inside
    // one epoch: the run must still stop, and say so in its summary.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
        .args([
            "--variants",
            "scratch",
            "--lr",
            "0.1",
            "--num-epochs",
            "20",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("training diverged at epoch"), "{stderr}");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"diverged\""), "{summary}");
}

#[test]
fn a_mixed_run_keeps_every_finished_part_when_one_diverges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
        .args([
            "--variants",
            "scratch,concise",
            "--lambdas",
            "0",
            "--lr",
            "0.03",
        ])
        .args(["--num-epochs", "20", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 of 2 runs diverged"), "{stderr}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["status"], "diverged");
    assert_eq!(summary["runs"][0]["status"], "finished");
    assert_eq!(summary["runs"][1]["status"], "diverged");
    assert!(out.join("scratch-lambda-0.csv").is_file());
}

#[test]
fn sizes_beyond_the_machine_are_refused_before_any_work() {
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
        .args(["--n-train", "1000000000000"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("of memory"), "{stderr}");
}

#[test]
fn help_shows_defaults_as_they_are_typed_and_a_decay_that_diverges_says_so() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("[default: 0,3]"), "{help}");
    let out = tempfile::tempdir().unwrap();
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
        .args(["--lambdas", "0,3", "--num-epochs", "5", "--quiet", "--out"])
        .arg(out.path().join("typed"))
        .output()
        .unwrap();
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
        .args([
            "--lambdas",
            "1e30",
            "--variants",
            "scratch",
            "--num-epochs",
            "5",
        ])
        .args(["--quiet", "--out"])
        .arg(out.path().join("huge"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("choose λ below 2/η = 666.6667"), "{stderr}");
}

#[test]
fn any_number_of_epochs_finishes_with_its_last_epoch_recorded() {
    // Records come every 5 epochs; a run of 4 (or 1, or 2) still records its last epoch.
    for epochs in ["1", "4"] {
        let out = tempfile::tempdir().unwrap();
        let result = std::process::Command::new(env!("CARGO_BIN_EXE_weight-decay"))
            .args(["--num-epochs", epochs, "--quiet", "--out"])
            .arg(out.path().join("run"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(0), "{epochs} epochs: {stderr}");
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.path().join("run/summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(summary["status"], "finished", "{summary}");
        let last = std::fs::read_to_string(out.path().join("run/scratch-lambda-0.csv")).unwrap();
        let last = last.lines().last().unwrap().to_string();
        assert!(last.starts_with(&format!("{epochs},")), "{last}");
    }
}
