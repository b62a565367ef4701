//! The kill-and-resume check that the training chapters' tests share (each includes this file
//! with `#[path]`): a run killed with SIGKILL at several points, resumed after each, ends with
//! the same `summary.json`, `metrics.csv` and `model.safetensors`, byte for byte, as a run
//! that was never interrupted, and leaves no temporary file.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// Where a run is killed, on an event the run itself reports (the harness's `test-hooks`
/// feature, which the chapters' tests turn on), so that no machine is too fast for it.
pub enum Kill {
    /// After batch `batch` of epoch `epoch` (`D2L_CRASH_AT_BATCH`): in the middle of an epoch.
    AtBatch(usize, usize),
    /// Before the `n`-th rename of a write of `file` into place (`D2L_CRASH_BEFORE_RENAME`):
    /// mid-write, its temporary file complete but not yet in place.
    MidWrite(&'static str, usize),
}

/// Runs `bin` with `args` once straight through and once killed at each of `kills` and resumed
/// after each, and asserts that both end with the same files.
pub fn kill_and_resume(bin: impl AsRef<std::path::Path>, args: &[&str], kills: &[Kill]) {
    let dir = tempfile::tempdir().unwrap();
    let (full, out) = (dir.path().join("full"), dir.path().join("killed"));
    let run = |extra: &[&str]| {
        let mut command = Command::new(bin.as_ref());
        command
            .args(extra)
            .arg("--quiet")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };
    let mut straight = run(args);
    let status = straight.arg("--out").arg(&full).status().unwrap();
    assert!(status.success(), "the uninterrupted run failed");

    let out_s = out.to_str().unwrap();
    for (i, kill) in kills.iter().enumerate() {
        let mut command = if i == 0 {
            let mut c = run(args);
            c.args(["--out", out_s]);
            c
        } else {
            run(&["--resume", out_s])
        };
        match kill {
            Kill::AtBatch(epoch, batch) => {
                command.env("D2L_CRASH_AT_BATCH", format!("{epoch}:{batch}"))
            }
            Kill::MidWrite(file, n) => {
                command.env("D2L_CRASH_BEFORE_RENAME", format!("{file}:{n}"))
            }
        };
        let child = command.spawn().unwrap();
        let result = child.wait_with_output().unwrap();
        assert_eq!(
            result.status.signal(),
            Some(9),
            "kill {i} did not land: {}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let result = run(&["--resume", out_s]).output().unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );

    for file in ["summary.json", "metrics.csv", "model.safetensors"] {
        let (a, b) = (
            std::fs::read(full.join(file)).unwrap(),
            std::fs::read(out.join(file)).unwrap(),
        );
        assert!(a == b, "{file} differs after kill and resume");
    }
    let temp: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(temp.is_empty(), "temporary files left: {temp:?}");
}
