//! The kill-and-resume check that the training chapters' tests share (each includes this file
//! with `#[path]`): a run killed with SIGKILL at several points, resumed after each, ends with
//! the same `summary.json`, `metrics.csv` and `model.safetensors`, byte for byte, as a run
//! that was never interrupted, and leaves no temporary file.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where a run is killed.
pub enum Kill {
    /// `ms` milliseconds after it starts (before its first epoch ends).
    Early(u64),
    /// Before the `n`-th rename of a write of `file` into place (`D2L_CRASH_BEFORE_RENAME`):
    /// mid-write, its temporary file complete but not yet in place.
    MidWrite(&'static str, usize),
    /// `ms` milliseconds after `metrics.csv` holds `epochs` epochs: in the middle of the next.
    MidEpoch(usize, u64),
}

fn epochs_recorded(out: &Path) -> usize {
    std::fs::read_to_string(out.join("metrics.csv"))
        .map_or(0, |m| m.lines().count().saturating_sub(1))
}

/// Runs `bin` with `args` once straight through and once killed at each of `kills` and resumed
/// after each, and asserts that both end with the same files.
pub fn kill_and_resume(bin: &str, args: &[&str], kills: &[Kill]) {
    let dir = tempfile::tempdir().unwrap();
    let (full, out) = (dir.path().join("full"), dir.path().join("killed"));
    let run = |extra: &[&str]| {
        let mut command = Command::new(bin);
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
        if let Kill::MidWrite(file, n) = kill {
            command.env("D2L_CRASH_BEFORE_RENAME", format!("{file}:{n}"));
        }
        let mut child = command.spawn().unwrap();
        let start = Instant::now();
        let wait = |done: &dyn Fn() -> bool| {
            while !done() {
                assert!(
                    start.elapsed() < Duration::from_secs(120),
                    "kill {i}: timed out"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        match kill {
            Kill::Early(ms) => wait(&|| start.elapsed() >= Duration::from_millis(*ms)),
            Kill::MidEpoch(epochs, ms) => {
                wait(&|| epochs_recorded(&out) >= *epochs);
                std::thread::sleep(Duration::from_millis(*ms));
            }
            Kill::MidWrite(..) => {}
        }
        if !matches!(kill, Kill::MidWrite(..)) {
            child.kill().unwrap();
        }
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
