//! The terminal dashboard as a person sees it: the binary runs in a real terminal (tmux), the
//! test reads the screen with `tmux capture-pane` and presses keys with `tmux send-keys`.
//! Without tmux the tests say what to install and pass on a user's machine; under `CI=true`
//! (`.ci/run`, which installs tmux from Debian) they fail.

#[path = "support/chapter.rs"]
mod chapter;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own, killed when dropped.
struct Tmux {
    socket: String,
}

/// Whether tmux can be run here. When it cannot, a user's machine skips the dashboard tests
/// with a line saying what to install, and CI (`CI=true`) fails.
fn tmux_installed() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "tmux is not installed, and CI must run the dashboard tests: apt-get install tmux"
        );
        eprintln!("skipped: the dashboard tests need tmux (apt-get install tmux)");
    }
    found
}

impl Tmux {
    /// Starts `command` in a 120 × 34 terminal; `None` when tmux is not installed.
    fn start(name: &str, command: &str) -> Option<Self> {
        if !tmux_installed() {
            return None;
        }
        let tmux = Self {
            socket: format!("d2l-{name}-{}", std::process::id()),
        };
        let size = ["-x", "120", "-y", "34"];
        let mut args = vec!["new-session", "-d", "-s", "t"];
        args.extend(size);
        args.push(command);
        tmux.run(&args);
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux is needed for the dashboard tests (apt-get install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", "t", keys]);
    }

    /// The screen once `seen` is on it; fails after a minute.
    fn wait_for(&self, seen: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(seen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "waited a minute for {seen:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn command(out: &Path, epochs: usize) -> String {
    format!(
        "{} --num-epochs {epochs} --threads 2 --out {}; echo EXITED $?; sleep 60",
        chapter::mlp_scratch().display(),
        out.display()
    )
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".tmp"))
        .collect()
}

#[test]
fn the_dashboard_draws_the_books_figure_live_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let Some(tmux) = Tmux::start("live", &command(&out, 2)) else {
        return;
    };

    let first = tmux.wait_for("epoch 1/2");
    for what in [
        "mlp-scratch",
        "train loss",
        "train acc",
        "test acc",
        "epoch",
        "0.9",
        "0.3",
    ] {
        assert!(first.contains(what), "{what:?} missing from:\n{first}");
    }
    assert!(
        first.contains("examples/s") && first.contains("ETA"),
        "{first}"
    );
    assert!(first.contains("num_hiddens 256") && first.contains(&out.display().to_string()));
    tmux.wait_for("epoch 2/2");
    // The view keys switch the figure to the loss alone.
    tmux.keys("Right");
    tmux.wait_for("┌ train loss ─");

    // The final numbers stay on screen until a key is pressed.
    let summary = tmux.wait_for("press any key to close");
    assert!(summary.contains("final: train loss"), "{summary}");
    tmux.keys("x");
    let after = tmux.wait_for("EXITED 0");
    assert!(
        after.contains("final: train loss") && after.contains("wrote"),
        "{after}"
    );
    assert!(!after.contains("┌"), "the dashboard is gone:\n{after}");
    assert!(out.join("model.safetensors").is_file());
}

#[test]
fn q_stops_after_the_current_batch_and_leaves_a_consistent_run_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let Some(tmux) = Tmux::start("stop", &command(&out, 50)) else {
        return;
    };
    tmux.wait_for("epoch 2/50");
    tmux.keys("q");
    let stopped = tmux.wait_for("stopped at epoch");
    assert!(stopped.contains("press any key"), "{stopped}");
    tmux.keys("x");
    tmux.wait_for("EXITED 0");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["status"], "stopped");
    let completed = summary["epochs_completed"].as_u64().unwrap() as usize;
    assert!((1..50).contains(&completed), "{summary}");
    assert_eq!(
        summary["stopped_at"]["epoch"].as_u64().unwrap() as usize,
        completed + 1
    );
    let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert_eq!(
        metrics.lines().count(),
        1 + completed,
        "one row per finished epoch"
    );
    assert!(out.join("model.safetensors").is_file() && out.join("training.png").is_file());
    assert!(temp_files(&out).is_empty());

    // The stopped model's checkpoint loads and evaluates.
    let eval = dir.path().join("eval");
    let result = Command::new(chapter::mlp_scratch())
        .args(["--eval-only", "--checkpoint"])
        .arg(out.join("model.safetensors"))
        .arg("--out")
        .arg(&eval)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn ctrl_c_in_the_dashboard_interrupts_the_run_as_sigint_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let Some(tmux) = Tmux::start("ctrl-c", &command(&out, 50)) else {
        return;
    };
    tmux.wait_for("epoch 2/50");
    tmux.keys("C-c");
    // No key to press: an interrupted run ends at once, with SIGINT's status.
    let after = tmux.wait_for("EXITED 130");
    assert!(after.contains("interrupted at epoch"), "{after}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["status"], "interrupted");
    assert_eq!(summary["signal"], "SIGINT");
}
