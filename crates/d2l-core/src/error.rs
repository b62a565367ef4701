//! One error type for the whole core, so a program can print a single clear line.

/// Everything that can go wrong in `d2l-core`.
///
/// Each variant's message says what happened and, where there is one, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A hyperparameter broke its rule, e.g. `dropout must be in [0, 1], got 1.5`.
    #[error("{name} must be {rule}, got {value}")]
    InvalidHyperparameter {
        /// The field name, which is also the flag's name, e.g. `lr` (`--lr`).
        name: &'static str,
        /// The rule it must satisfy, e.g. `a finite number > 0`.
        rule: &'static str,
        /// The offending value as the user gave it.
        value: String,
    },
    /// Features and labels (or two other paired inputs) have different numbers of rows.
    #[error("{what}: {left} rows against {right}")]
    LengthMismatch {
        /// What was being paired, e.g. `dataset features and labels`.
        what: &'static str,
        /// Rows of the first input.
        left: usize,
        /// Rows of the second input.
        right: usize,
    },
    /// A least-squares system with fewer equations than unknowns (or none).
    #[error("least squares needs at least as many rows as columns (and one), got {rows}x{cols}")]
    Underdetermined {
        /// Rows (equations).
        rows: usize,
        /// Columns (unknowns).
        cols: usize,
    },
    /// A list that needs at least one entry was empty, e.g. the layer widths of a model.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// A model's parameter is missing from a set of named tensors (a checkpoint).
    #[error("no tensor named {name}: the tensors were not saved from this kind of model")]
    MissingParameter {
        /// The parameter's name, e.g. `W1` or `1.weight`.
        name: String,
    },
    /// A saved training state cannot be resumed: a damaged checkpoint, or one that does not
    /// fit the run (other parameters or generators, more epochs than the run trains).
    #[error("cannot resume: {0}")]
    Resume(String),
    /// A random draw's distribution parameters are invalid (e.g. a negative standard deviation).
    #[error("invalid {distribution} distribution: {message}")]
    Distribution {
        /// `normal` or `uniform`.
        distribution: &'static str,
        /// What rand_distr reported.
        message: String,
    },
    /// The loss became NaN, infinite or exploded: training diverged.
    #[error(
        "training diverged at epoch {epoch}, batch {batch}: the mean loss is {loss:.4e} \
         (NaN, infinite, or exploded). {}",
        advice(.epoch, .batch, .lr)
    )]
    Diverged {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// The batch's mean loss.
        loss: f64,
        /// The learning rate the run used.
        lr: f64,
    },
    /// A [`Reporter`](crate::train::Reporter) asked training to stop (the user pressed `q`).
    #[error("training stopped at epoch {epoch}, batch {batch}, as asked")]
    Stopped {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch: the last batch whose update was applied.
        batch: usize,
    },
    /// A [`Reporter`](crate::train::Reporter) could not record an epoch (e.g. a file it
    /// writes).
    #[error(transparent)]
    Report(Box<dyn std::error::Error + Send + Sync>),
    /// An error from candle (tensor shapes, dtypes, devices, ...).
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
}

/// What to try after a divergence: the first batch's loss comes before any update, so there
/// the initialisation is to blame, not the learning rate.
fn advice(epoch: &usize, batch: &usize, lr: &f64) -> String {
    if (*epoch, *batch) == (1, 1) {
        "The initial parameters already give it, before any update: use a smaller \
         initialisation (e.g. a smaller --sigma)"
            .into()
    } else {
        format!("Try a smaller learning rate (this run used {lr})")
    }
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// True for errors caused by the user's input (bad hyperparameters), which programs
    /// report with exit status 2.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::InvalidHyperparameter { .. }
                | Error::Empty(_)
                | Error::MissingParameter { .. }
                | Error::Resume(_)
        )
    }
}
