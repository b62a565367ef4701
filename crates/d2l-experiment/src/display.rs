//! How a run shows its progress: the live dashboard on a terminal, plain lines elsewhere (logs,
//! CI, pipes: no escape codes), nothing with `--quiet`.

use candle_core::Var;
use d2l_core::train::{BatchProgress, EpochMetrics, Reporter};

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

    fn on_start(&mut self, num_epochs: usize, num_batches: usize, params: &[(String, Var)]) {
        if let Some(r) = self.reporter() {
            r.on_start(num_epochs, num_batches, params);
        }
    }

    fn on_batch(&mut self, progress: &BatchProgress) {
        if let Some(r) = self.reporter() {
            r.on_batch(progress);
        }
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> d2l_core::Result<()> {
        self.reporter().map_or(Ok(()), |r| r.on_epoch(metrics))
    }

    fn should_stop(&self) -> bool {
        match self {
            Display::Dashboard(d) => d.should_stop(),
            _ => false,
        }
    }
}
