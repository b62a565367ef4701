//! Progress output for training without the dashboard: one plain line per epoch, and an
//! indicatif bar over all batches on stderr when both stdout and stderr are terminals (a
//! terminal too small for the dashboard). Logs, CI and pipes get only the lines.
//!
//! Each finished epoch prints a line like
//! `epoch  3/10  train loss 0.5219  train acc 0.8169  test acc 0.8150  (1.21 s)`.

use std::io::IsTerminal;

use d2l_core::train::{BatchProgress, EpochMetrics, Reporter};
use indicatif::{ProgressBar, ProgressStyle};

/// A [`Reporter`] that shows training progress.
pub struct EpochProgress {
    bar: Option<ProgressBar>,
    num_epochs: usize,
    num_batches: usize,
}

impl Default for EpochProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl EpochProgress {
    /// Progress on this terminal: a bar when stderr is one, lines on stdout.
    pub fn new() -> Self {
        Self {
            bar: None,
            num_epochs: 0,
            num_batches: 0,
        }
    }

    /// Prints a line without disturbing the bar.
    pub fn println(&self, line: impl AsRef<str>) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => println!("{}", line.as_ref()),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Reporter for EpochProgress {
    fn on_note(&mut self, note: &str) {
        self.println(note);
    }

    fn on_start(&mut self, num_epochs: usize, num_batches: usize) {
        self.finish();
        self.num_epochs = num_epochs;
        self.num_batches = num_batches;
        let terminal = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        self.bar = terminal.then(|| {
            let style = ProgressStyle::with_template(
                "{prefix:>11} [{bar:30.cyan/blue}] {pos}/{len} batches, {elapsed} elapsed, eta {eta} {msg}",
            )
            .expect("the progress template is valid")
            .progress_chars("=> ");
            ProgressBar::new((num_epochs * num_batches) as u64).with_style(style)
        });
    }

    fn on_batch(&mut self, p: &BatchProgress) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(format!("epoch {}/{}", p.epoch, self.num_epochs));
            bar.set_position(((p.epoch - 1) * self.num_batches + p.batch) as u64);
        }
    }

    fn on_epoch(&mut self, m: &EpochMetrics) -> d2l_core::Result<()> {
        self.println(m.line(self.num_epochs));
        if let Some(bar) = &self.bar {
            bar.set_message(format!("test acc {:.3}", m.test_acc));
        }
        if m.epoch == self.num_epochs {
            self.finish();
        }
        Ok(())
    }
}

impl Drop for EpochProgress {
    fn drop(&mut self) {
        self.finish();
    }
}
