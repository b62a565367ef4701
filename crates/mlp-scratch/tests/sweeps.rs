//! The sweeps over section 4.2's exercises, as a user runs them: a diverging point is recorded
//! and the sweep goes on; an interrupted sweep keeps the configurations it finished. (The
//! harness's own behaviour, run folders, records, signals, resume and the dashboard, is tested
//! in crates/d2l-experiment/tests, on this chapter.)

use std::process::Command;

#[test]
fn a_diverging_sweep_point_is_recorded_and_the_sweep_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let result = Command::new(env!("CARGO_BIN_EXE_mlp-scratch"))
        .args([
            "--sweep-lrs",
            "1e4,0.1",
            "--sweep-hiddens",
            "32",
            "--num-epochs",
            "1",
        ])
        .args(["--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let rows = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 3, "{rows}");
    assert!(lines[1].starts_with("diverged,32,1,10000.0,"), "{rows}");
    assert!(lines[2].starts_with("finished,32,1,0.1,"), "{rows}");
}

#[test]
fn an_interrupted_sweep_keeps_the_configurations_it_finished() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlp-scratch"))
        .args(["--sweep-hiddens", "16,17,18", "--num-epochs", "200"])
        .args(["--train-examples", "1000", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the second configuration starts, the first is finished: interrupt there.
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = stdout.lines().map_while(Result::ok);
    assert!(
        lines.any(|line| line.starts_with("[2/3]")),
        "the sweep never reached its second configuration"
    );
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.collect();
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted after 1 of 3 configurations"),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["status"], "interrupted");
    let points = summary["points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "{summary}");
    assert_eq!(points[0]["num_hiddens"], 16);
    assert_eq!(points[0]["status"], "finished");
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(rest.iter().any(|l| l.starts_with("| 16 |")), "{rest:?}");
}
