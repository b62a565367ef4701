//! How a run shows its progress: the live dashboard on a terminal, plain lines elsewhere (logs,
//! CI, pipes: no escape codes), nothing with `--quiet`.

use d2l_core::train::{BatchProgress, EpochMetrics, LossRecord, Reporter};

use crate::dashboard::Dashboard;
use crate::progress::EpochProgress;

/// The progress display of a run, a [`Reporter`].
pub enum Display {
    /// The terminal dashboard.
    Dashboard(Box<Dashboard>),
    /// One line per epoch (and a progress bar on stderr when that is a terminal).
    Lines(EpochProgress),
    /// Nothing (`--quiet`).
    Quiet,
}

impl Display {
    /// Ends the display with the run's final `lines`: the dashboard shows them and, with
    /// `wait`, stays until a key is pressed, then gives the terminal back.
    pub fn finish(self, lines: &[String], wait: bool) {
        if let Display::Dashboard(dashboard) = self {
            dashboard.finish(lines, wait);
        }
    }

    /// Adds `text` to the current run's row (the dashboard's runs table); plain lines print it.
    pub fn note_result(&mut self, text: &str) {
        match self {
            Display::Dashboard(d) => d.note_result(text),
            Display::Lines(p) => p.println(text),
            Display::Quiet => {}
        }
    }

    fn reporter(&mut self) -> Option<&mut dyn Reporter> {
        match self {
            Display::Dashboard(d) => Some(d.as_mut()),
            Display::Lines(p) => Some(p),
            Display::Quiet => None,
        }
    }
}

impl Reporter for Display {
    fn on_note(&mut self, note: &str) {
        if let Some(r) = self.reporter() {
            r.on_note(note);
        }
    }

    fn on_start(&mut self, num_epochs: usize, num_batches: usize) {
        if let Some(r) = self.reporter() {
            r.on_start(num_epochs, num_batches);
        }
    }

    fn on_batch(&mut self, progress: &BatchProgress) {
        #[cfg(feature = "test-hooks")]
        crash_at_batch(progress);
        if let Some(r) = self.reporter() {
            r.on_batch(progress);
        }
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> d2l_core::Result<()> {
        self.reporter().map_or(Ok(()), |r| r.on_epoch(metrics))
    }

    fn on_losses(&mut self, record: &LossRecord) -> d2l_core::Result<()> {
        self.reporter().map_or(Ok(()), |r| r.on_losses(record))
    }

    fn should_stop(&self) -> bool {
        let asked = match self {
            Display::Dashboard(d) => d.should_stop(),
            _ => false,
        };
        asked || crate::signals::received().is_some()
    }
}

/// For the kill-and-resume tests, in builds with the `test-hooks` feature only (the chapters'
/// tests turn it on): with `D2L_CRASH_AT_BATCH=E:B` in the environment, the process kills
/// itself with SIGKILL after batch `B` of epoch `E`, as a crash in the middle of an epoch
/// would end it.
#[cfg(feature = "test-hooks")]
fn crash_at_batch(progress: &BatchProgress) {
    let Some(spec) = std::env::var_os("D2L_CRASH_AT_BATCH") else {
        return;
    };
    let at = format!("{}:{}", progress.epoch, progress.batch);
    if spec.to_string_lossy() == at {
        // SAFETY: sending a signal to this very process.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
