//! How a chapter binary ends: the error as one clear line on stderr, and exit status 2 for the
//! user's input (bad flags, missing or corrupt data, a checkpoint of another model) or 1 for
//! anything else. No panic, no backtrace.

/// An error in the user's input (a missing or corrupt data file, an impossible flag):
/// the binary exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct InputError(Box<dyn std::error::Error + Send + Sync + 'static>);

impl InputError {
    /// Marks `error` as the user's to fix.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(error))
    }
}

/// A run stopped by a signal after writing its records: `message` says where; the exit
/// status is 128 + the signal's number.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Interrupted {
    /// The signal (SIGINT or SIGTERM).
    pub signal: i32,
    /// Where the run stopped and what it left.
    pub message: String,
}

/// A failure the run has recorded itself (its `summary.json` says what failed, part by part,
/// and `message` where the records are): exit status 1, and the summary is kept as written.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Recorded(pub String);

/// Training that stopped early, by a signal or (for runs that record nothing more) by `q`:
/// its exit status (128 + the signal, or 0 for `q`), or `None` for any other error.
pub fn stop_status(error: &anyhow::Error) -> Option<u8> {
    if let Some(i) = error.downcast_ref::<Interrupted>() {
        return Some(crate::signals::exit_status(i.signal));
    }
    let stopped = error
        .chain()
        .any(|c| matches!(c.downcast_ref(), Some(d2l_core::Error::Stopped { .. })));
    stopped.then(|| crate::signals::received().map_or(0, crate::signals::exit_status))
}

/// The exit status for `error`: 2 for input errors, 1 otherwise.
pub fn exit_status(error: &anyhow::Error) -> u8 {
    let is_input = error.chain().any(|cause| {
        cause.downcast_ref::<InputError>().is_some()
            || cause
                .downcast_ref::<d2l_core::Error>()
                .is_some_and(d2l_core::Error::is_usage)
    });
    if is_input { 2 } else { 1 }
}

/// The error and its causes on one line, leaving out causes whose text the message already
/// contains (many errors here name their cause themselves).
pub fn one_line(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        // A message that quotes its cause may have dropped the cause's final full stop.
        if !message.contains(text.trim_end_matches('.')) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

/// Restores the default `SIGPIPE` behaviour, so `| head` ends the program quietly instead
/// of panicking on a closed pipe. Called at start-up, before any other thread exists.
pub(crate) fn default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: resetting a signal disposition at start-up, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_print_on_one_line_without_repeating_their_cause() {
        let inner = std::io::Error::other("disk full");
        let e = anyhow::Error::new(inner).context("cannot write summary.json");
        assert_eq!(one_line(&e), "cannot write summary.json: disk full");
        // A context that already quotes its cause, full stop or not, says it once.
        let quoted = anyhow::Error::new(std::io::Error::other("Fashion-MNIST not found."))
            .context("Fashion-MNIST not found; its records are in run");
        assert_eq!(
            one_line(&quoted),
            "Fashion-MNIST not found; its records are in run"
        );
        let bad = d2l_core::validate::positive_f64("lr", -1.0).unwrap_err();
        assert_eq!(exit_status(&anyhow::Error::new(bad)), 2);
        assert_eq!(exit_status(&anyhow::anyhow!("other")), 1);
    }
}
