//! Progress output for training: an indicatif bar over all batches when stderr is a
//! terminal, and one plain line per epoch otherwise (logs, CI, pipes).
//!
//! Either way, each finished epoch prints a line like
//! `epoch  3/10  train loss 0.5219  train acc 0.8169  test acc 0.8150  (1.21 s)`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::Result;
use crate::train::{EpochMetrics, Reporter};

/// A [`Reporter`] that shows training progress.
pub struct EpochProgress {
    bar: Option<ProgressBar>,
    num_epochs: usize,
    num_batches: usize,
}

impl EpochProgress {
    /// Progress for `num_epochs` epochs of `num_batches` batches each. Draws a bar only when
    /// stderr is a terminal.
    pub fn new(num_epochs: usize, num_batches: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new((num_epochs * num_batches) as u64);
            let style = ProgressStyle::with_template(
                "{prefix:>11} [{bar:30.cyan/blue}] {pos}/{len} batches, {elapsed} elapsed, eta {eta} {msg}",
            )
            .expect("the progress template is valid")
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        Self {
            bar,
            num_epochs,
            num_batches,
        }
    }

    /// Progress that prints nothing at all (for tests and benches).
    pub fn hidden(num_epochs: usize, num_batches: usize) -> Self {
        Self {
            bar: Some(ProgressBar::hidden()),
            num_epochs,
            num_batches,
        }
    }

    /// Prints a line without disturbing the bar.
    pub fn println(&self, line: impl AsRef<str>) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => println!("{}", line.as_ref()),
        }
    }

    /// Removes the bar from the screen.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// The line printed after an epoch.
    pub fn epoch_line(&self, m: &EpochMetrics) -> String {
        let width = self.num_epochs.to_string().len();
        format!(
            "epoch {:>width$}/{}  train loss {:.4}  train acc {:.4}  test acc {:.4}  ({:.2} s)",
            m.epoch, self.num_epochs, m.train_loss, m.train_acc, m.test_acc, m.seconds
        )
    }
}

impl Reporter for EpochProgress {
    fn on_batch(&mut self, epoch: usize, batch: usize, _num_batches: usize) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(format!("epoch {epoch}/{}", self.num_epochs));
            bar.set_position(((epoch - 1) * self.num_batches + batch) as u64);
        }
    }

    fn on_epoch(&mut self, m: &EpochMetrics) -> Result<()> {
        self.println(self.epoch_line(m));
        if let Some(bar) = &self.bar {
            bar.set_message(format!("test acc {:.3}", m.test_acc));
        }
        Ok(())
    }
}

impl Drop for EpochProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Reporting to two reporters at once, e.g. `(progress, animator)`.
impl<A: Reporter, B: Reporter> Reporter for (A, B) {
    fn on_batch(&mut self, epoch: usize, batch: usize, num_batches: usize) {
        self.0.on_batch(epoch, batch, num_batches);
        self.1.on_batch(epoch, batch, num_batches);
    }

    fn on_epoch(&mut self, metrics: &EpochMetrics) -> Result<()> {
        self.0.on_epoch(metrics)?;
        self.1.on_epoch(metrics)
    }
}
