//! What every chapter binary does at its top level: print the error as one clear line and
//! exit with status 2 for the user's input (bad flags, missing or corrupt data) or 1 for
//! anything else. No panic, no backtrace.

use std::process::ExitCode;

use crate::error::Error;

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

/// The exit status for `error`: 2 for input errors, 1 otherwise.
pub fn exit_status(error: &anyhow::Error) -> u8 {
    let is_input = error.chain().any(|cause| {
        cause.downcast_ref::<InputError>().is_some()
            || cause.downcast_ref::<Error>().is_some_and(Error::is_usage)
    });
    if is_input { 2 } else { 1 }
}

/// The error and its causes on one line, leaving out causes whose text the message already
/// contains (many errors here name their cause themselves).
pub fn one_line(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}

/// Runs a binary's body: restores the default `SIGPIPE` behaviour (so `| head` ends the
/// program quietly instead of panicking on a closed pipe), then prints any error as
/// `error: …` (with its causes) on stderr and returns the exit status.
pub fn run_main(body: impl FnOnce() -> anyhow::Result<()>) -> ExitCode {
    #[cfg(unix)]
    // SAFETY: resetting a signal disposition at start-up, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match body() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", one_line(&error));
            ExitCode::from(exit_status(&error))
        }
    }
}

/// The flags every chapter binary shares: seed, threads and output folder.
#[derive(clap::Args, Clone, Debug)]
pub struct RunArgs {
    /// Seed for every random draw (initialisation, shuffling, dropout, synthetic data).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// CPU threads for matrix products (default: the physical core count for Fashion-MNIST
    /// chapters, 1 for the small regression chapters, where threading costs more than it saves).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: runs/CHAPTER/UTC-TIMESTAMP/).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Print only the final summary, no progress.
    #[arg(long)]
    pub quiet: bool,
}

impl RunArgs {
    /// Applies the thread setting and creates the run folder for `chapter`.
    pub fn start(&self, chapter: &str) -> crate::Result<crate::report::RunDir> {
        self.start_with_default_threads(chapter, None)
    }

    /// As [`RunArgs::start`], with `default_threads` used when `--threads` is not given.
    pub fn start_with_default_threads(
        &self,
        chapter: &str,
        default_threads: Option<usize>,
    ) -> crate::Result<crate::report::RunDir> {
        if let Some(t) = self.threads {
            crate::validate::positive_usize("threads", t)?;
        }
        crate::device::set_threads(self.threads.or(default_threads));
        crate::report::RunDir::create(
            self.out
                .clone()
                .unwrap_or_else(|| crate::report::RunDir::default_path(chapter)),
        )
    }
}
