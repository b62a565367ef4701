//! One generic chapter `main`: parse the chapter's flags and the shared ones, validate, pin
//! the threads, create the run folder, write `config.json`, run the chapter's body, say where
//! the records are, and end with one clear line and the right exit status.
//!
//! A chapter's `main.rs` is its own flags and one call:
//!
//! ```no_run
//! use d2l_core::validate::Validate;
//!
//! /// The chapter's hyperparameters: flags, defaults and help text in one place.
//! #[derive(clap::Args, serde::Serialize)]
//! struct Config {
//!     /// Learning rate.
//!     #[arg(long, default_value_t = 0.1)]
//!     lr: f64,
//! }
//!
//! impl Validate for Config {
//!     fn validate(&self) -> d2l_core::Result<()> {
//!         d2l_core::validate::positive_f64("lr", self.lr)
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     d2l_experiment::chapter!().main(|config: Config, run| {
//!         run.dir.write_json("summary.json", &serde_json::json!({ "lr": config.lr }))?;
//!         Ok(())
//!     })
//! }
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use candle_core::Device;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Command, FromArgMatches};
use d2l_core::validate::{self, Validate};
use serde::Serialize;

use crate::args::CommonArgs;
use crate::dashboard::Dashboard;
use crate::display::Display;
use crate::exit::{InputError, default_sigpipe, exit_status, one_line, stop_status};
use crate::progress::EpochProgress;
use crate::record::{RunConfig, Runtime};
use crate::run_dir::RunDir;

/// A chapter binary: its name, description and version (from its `Cargo.toml`, see
/// [`chapter!`](crate::chapter)) and its default thread count.
#[derive(Clone, Debug)]
pub struct Chapter {
    name: &'static str,
    about: &'static str,
    version: &'static str,
    default_threads: Option<usize>,
    resumable: bool,
}

/// The [`Chapter`] of the crate this is written in, from its `Cargo.toml`.
#[macro_export]
macro_rules! chapter {
    () => {
        $crate::Chapter::new(
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_DESCRIPTION"),
            env!("CARGO_PKG_VERSION"),
        )
    };
}

/// A started run: its folder, the device, and whether to show progress.
pub struct Run {
    /// The run folder.
    pub dir: RunDir,
    /// The device every tensor of the run lives on (`--device`).
    pub device: Device,
    /// `--quiet`: no progress, only the final lines.
    pub quiet: bool,
    /// Keep the dashboard's summary on screen until a key is pressed (not `--no-wait`).
    pub wait: bool,
    /// `--resume`: this run continues the one recorded in its folder.
    pub resuming: bool,
    chapter: &'static str,
    config: Mutex<serde_json::Value>,
    threads: usize,
    /// A resumed run's records as it found them (`config.json`, `summary.json`), put back
    /// when the resume is refused, so that a refused resume changes nothing.
    found: Vec<(&'static str, Option<Vec<u8>>)>,
}

impl Run {
    /// How to show progress: the dashboard when stdout is a terminal large enough, plain
    /// lines otherwise, nothing with `--quiet`.
    pub fn display(&self) -> Display {
        crate::signals::catch();
        if self.quiet {
            return Display::Quiet;
        }
        let folder = self.dir.path().display().to_string();
        match Dashboard::open(self.chapter, self.settings(), &folder) {
            Some(dashboard) => Display::Dashboard(Box::new(dashboard)),
            None => Display::Lines(EpochProgress::new()),
        }
    }

    /// The command that continues this run from its last checkpoint.
    pub fn resume_command(&self) -> String {
        format!(
            "{} --resume {}",
            self.chapter,
            shell_quoted(&self.dir.path().display().to_string())
        )
    }

    /// Refuses to resume `what` (a sweep, say), which only runs from the start.
    pub fn fresh_only(&self, what: &str) -> anyhow::Result<()> {
        if self.resuming {
            return Err(InputError::new(std::io::Error::other(format!(
                "{what} cannot resume; start it again with --overwrite --out {}",
                self.dir.path().display()
            )))
            .into());
        }
        Ok(())
    }

    /// The hyperparameters as `name value` pairs, for the dashboard.
    fn settings(&self) -> Vec<(String, String)> {
        let config = self.config.lock().unwrap_or_else(|e| e.into_inner());
        let Some(fields) = config["config"].as_object() else {
            return Vec::new();
        };
        fields
            .iter()
            .filter(|(_, v)| {
                !(v.is_null() || *v == false || v.as_array().is_some_and(Vec::is_empty))
            })
            .map(|(k, v)| (k.clone(), v.to_string().trim_matches('"').to_string()))
            .chain([("threads".into(), config["runtime"]["threads"].to_string())])
            .collect()
    }

    /// What `config.json` recorded under `key` when the run started (for a resumed run, what
    /// the run it continues recorded).
    pub fn recorded(&self, key: &str) -> serde_json::Value {
        let config = self.config.lock().unwrap_or_else(|e| e.into_inner());
        config[key].clone()
    }

    /// Adds `key: value` to the run's `config.json` (for facts known only after start-up,
    /// such as the data folder that was found).
    pub fn record<T: Serialize>(&self, key: &str, value: &T) -> anyhow::Result<()> {
        let mut config = self.config.lock().unwrap_or_else(|e| e.into_inner());
        config[key] = serde_json::to_value(value)?;
        self.dir.write_json("config.json", &*config)?;
        Ok(())
    }

    /// The error of a run that a signal stopped `when` (before any training): its
    /// `summary.json` says so, and the message that nothing was trained.
    pub fn interrupted_before_training(&self, signal: i32, when: &str) -> anyhow::Error {
        let line = format!(
            "interrupted {when}, before any training; start the run again to train ({})",
            crate::signals::name(signal)
        );
        let summary = serde_json::json!({ "status": "interrupted", "error": line });
        let _ = self.dir.write_json("summary.json", &summary);
        crate::exit::Interrupted {
            signal,
            message: line,
        }
        .into()
    }

    /// Records a failed run: `summary.json` says what failed (`"status": "diverged"`,
    /// `"stopped"` or `"error"`), and the message says what the folder holds. A run
    /// interrupted by a signal has written its own summary already.
    fn fail(&self, error: anyhow::Error) -> anyhow::Error {
        if error.downcast_ref::<crate::exit::Interrupted>().is_some()
            || error.downcast_ref::<crate::exit::Recorded>().is_some()
        {
            return error;
        }
        // A resume refused (other data, a damaged checkpoint, flags that do not fit): the
        // folder goes back to exactly what it held, and the run it holds can still resume.
        if self.resuming && exit_status(&error) == 2 {
            for (name, bytes) in &self.found {
                let path = self.dir.file(name);
                let restored = match bytes {
                    Some(bytes) => self.dir.write_bytes(name, bytes).map(|_| ()),
                    None if path.exists() => std::fs::remove_file(&path).map_err(Into::into),
                    None => Ok(()),
                };
                if restored.is_err() {
                    return error;
                }
            }
            return error.context(format!(
                "nothing in {} was changed",
                self.dir.path().display()
            ));
        }
        let core = error
            .chain()
            .find_map(|c| c.downcast_ref::<d2l_core::Error>());
        let status = match core {
            Some(d2l_core::Error::Diverged { .. }) => "diverged",
            Some(d2l_core::Error::Stopped { .. }) => "stopped",
            _ => "error",
        };
        let message = one_line(&error);
        let summary = serde_json::json!({ "status": status, "error": message });
        if self.dir.write_json("summary.json", &summary).is_err() {
            return error;
        }
        let held = if self.dir.file("metrics.csv").is_file() {
            "the records of the epochs before it"
        } else {
            "its config.json and summary.json"
        };
        // As context, so that the error keeps its type for the exit status.
        let message = message.trim_end_matches('.');
        error.context(format!(
            "{message}; {held} are in {}",
            self.dir.path().display()
        ))
    }
}

impl Chapter {
    /// A chapter binary called `name`. Use [`chapter!`](crate::chapter) to fill it from the
    /// crate's `Cargo.toml`.
    pub fn new(name: &'static str, about: &'static str, version: &'static str) -> Self {
        Self {
            name,
            about,
            version,
            default_threads: None,
            resumable: false,
        }
    }

    /// Accepts `--resume` (the training chapters, whose loop saves checkpoints).
    pub(crate) fn resumable(mut self) -> Self {
        self.resumable = true;
        self
    }

    /// Runs on one thread unless `--threads` says otherwise: for the small chapters, whose
    /// products are too small for threads to pay.
    pub fn single_threaded(mut self) -> Self {
        self.default_threads = Some(1);
        self
    }

    /// Parses `A` and the shared flags, validates, starts the run and calls `body`. Returns
    /// the exit status: 0, 1, or 2 for the user's input.
    pub fn main<A, F>(self, body: F) -> ExitCode
    where
        A: Args + Serialize + Validate + Send,
        F: FnOnce(A, &Run) -> anyhow::Result<()> + Send,
    {
        default_sigpipe();
        let command = CommonArgs::augment_args(A::augment_args(Command::new(self.name)))
            // After the flags: a flattened struct's doc comment would replace the about text.
            .version(self.version)
            .about(self.about)
            .allow_negative_numbers(true)
            // A number flag takes `-inf` (or `-nan`) as its value, so that validation can say
            // what is wrong with it, rather than clap reading it as a flag `-i`.
            .mut_args(|arg| {
                let number = arg.get_value_parser().type_id() == std::any::TypeId::of::<f64>();
                if number {
                    arg.allow_hyphen_values(true)
                } else {
                    arg
                }
            });
        let result = (|| {
            // A training chapter catches SIGINT and SIGTERM from the start: a signal before
            // its first batch (while the data loads) ends the run with a line and a record.
            if self.resumable {
                crate::signals::catch();
            }
            let (matches, resume) = self.matches(command)?;
            let args = A::from_arg_matches(&matches).map_err(|e| e.exit())?;
            let mut common = CommonArgs::from_arg_matches(&matches).map_err(|e| e.exit())?;
            args.validate()?;
            crate::memory::check(args.memory_estimate())?;
            let run = match resume {
                Some(resume) => {
                    same_hyperparameters(&args, &resume)?;
                    common.threads = resume.threads;
                    common.out = Some(resume.dir);
                    common.quiet = resume.quiet;
                    common.no_wait = resume.no_wait;
                    self.resume(&common, resume.config)?
                }
                None => self.start(&args, &common)?,
            };
            d2l_core::ops::in_pool(run.threads, || output_errors_as_errors(|| body(args, &run)))
                .map_err(|e| run.fail(e))?;
            // A signal that came after the last batch found nothing left to stop: the run
            // finished, and says so rather than hiding the signal.
            if let Some(signal) = crate::signals::received() {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {} arrived after the last batch; the run had finished, and its records are complete",
                    crate::signals::name(signal)
                );
            }
            writeln!(std::io::stdout(), "wrote {}", run.dir.path().display())
                .map_err(|e| anyhow::Error::new(e).context("cannot write to the standard output"))
                .map_err(|e| run.fail(e))?;
            Ok(())
        })();
        // The last line goes to stderr if it can; a full or closed stderr changes nothing
        // but that line (never a panic, never another exit status).
        let mut stderr = std::io::stderr();
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => match stop_status(&error) {
                // Stopped as asked: not an error.
                Some(status) => {
                    let _ = writeln!(stderr, "{}", one_line(&error));
                    ExitCode::from(status)
                }
                None => {
                    let _ = writeln!(stderr, "error: {}", one_line(&error));
                    ExitCode::from(exit_status(&error))
                }
            },
        }
    }

    /// The command line's matches, or with `--resume DIR` those of the command line recorded
    /// in `DIR/config.json`, and what the resumed run keeps from this one.
    fn matches(&self, command: Command) -> anyhow::Result<(ArgMatches, Option<Resume>)> {
        let given = command.clone().get_matches();
        let refuse = |why: String| InputError::new(std::io::Error::other(why));
        if let Some(id) = model_flag_with_eval_only(&command, &given) {
            return Err(refuse(format!(
                "--eval-only evaluates the model saved in the checkpoint, as it was trained \
                 (its widths come from the file); leave out --{id}"
            ))
            .into());
        }
        let Some(dir) = given.get_one::<PathBuf>("resume") else {
            return Ok((given, None));
        };
        if !self.resumable {
            return Err(refuse(format!("{} runs have no checkpoints to resume", self.name)).into());
        }
        let kept = ["resume", "threads", "quiet", "no_wait"];
        if let Some(id) = command.get_arguments().map(clap::Arg::get_id).find(|id| {
            !kept.contains(&id.as_str())
                && given.value_source(id.as_str()) == Some(ValueSource::CommandLine)
        }) {
            return Err(refuse(format!(
                "--resume continues a run with the flags recorded in {}; leave out --{}",
                dir.join("config.json").display(),
                id.as_str().replace('_', "-")
            ))
            .into());
        }
        if !dir.is_dir() {
            return Err(refuse(format!(
                "cannot resume {}: no such run folder",
                dir.display()
            ))
            .into());
        }
        let record = dir.join("config.json");
        let config: serde_json::Value = std::fs::read(&record)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| Ok(serde_json::from_slice(&bytes)?))
            .map_err(|e| {
                refuse(format!(
                    "cannot resume {}: cannot read its record {}: {e}",
                    dir.display(),
                    record.display()
                ))
            })?;
        let argv: Option<Vec<String>> = serde_json::from_value(config["argv"].clone()).ok();
        let (Some(argv), true) = (argv, config["chapter"] == self.name) else {
            return Err(refuse(format!(
                "cannot resume {}: its config.json does not record a {} run",
                dir.display(),
                self.name
            ))
            .into());
        };
        let matches = command
            .try_get_matches_from(std::iter::once(self.name.to_string()).chain(argv))
            .map_err(|e| refuse(format!("cannot resume {}: {e}", dir.display())))?;
        let resume = Resume {
            // Results are bit for bit the same on any thread count: `--threads` may change it,
            // and the recorded count is kept only while this machine offers that many cores.
            threads: given.get_one::<usize>("threads").copied().or_else(|| {
                let recorded = config["runtime"]["threads"].as_u64()? as usize;
                Some(recorded.min(available_cores()))
            }),
            config,
            dir: dir.clone(),
            quiet: given.get_flag("quiet"),
            no_wait: given.get_flag("no_wait"),
        };
        Ok((matches, Some(resume)))
    }

    /// The thread count: `--threads` if given (at most the cores this process may use), else
    /// the chapter's default or those cores, set with [`set_thread_environment`]. Thread
    /// counts from the environment (`RAYON_NUM_THREADS`, `CANDLE_NUM_THREADS`) are
    /// overridden, with a note that says so.
    fn threads(&self, common: &CommonArgs) -> anyhow::Result<usize> {
        let threads = match common.threads.or(self.default_threads) {
            Some(t) => {
                validate::positive_usize("threads", t)?;
                let cores = available_cores();
                if t > cores {
                    return Err(d2l_core::Error::InvalidHyperparameter {
                        name: "threads",
                        rule: "at most the number of cores this machine offers",
                        value: format!("{t} (it offers {cores})"),
                    }
                    .into());
                }
                t
            }
            None => available_cores(),
        };
        for name in ["RAYON_NUM_THREADS", "CANDLE_NUM_THREADS"] {
            if let Some(value) = std::env::var_os(name) {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {name}={} is ignored: this run uses {threads} thread(s) (set them with --threads)",
                    value.to_string_lossy()
                );
            }
        }
        // SAFETY: a chapter's `main` starts the run before it starts any thread: the signal
        // handlers, the dashboard and the records' writer thread all come later.
        unsafe { set_thread_environment(threads) };
        Ok(threads)
    }

    /// Pins the threads, creates the run folder and writes `config.json`.
    fn start<A: Serialize>(&self, args: &A, common: &CommonArgs) -> anyhow::Result<Run> {
        let threads = self.threads(common)?;
        let device = common.device.device();
        let dir = RunDir::create(
            common
                .out
                .clone()
                .unwrap_or_else(|| RunDir::default_path(self.name)),
            common.overwrite,
        )?;
        let config = serde_json::to_value(RunConfig {
            chapter: self.name,
            argv: std::env::args().skip(1).collect(),
            config: args,
            runtime: Runtime::new(&device, threads, self.version),
        })
        .context("recording the configuration")?;
        dir.write_json("config.json", &config)?;
        Ok(self.run(dir, device, (common, threads), config, false))
    }

    /// Takes back the folder of an interrupted run, on the threads it ran with, keeping its
    /// `config.json`.
    fn resume(&self, common: &CommonArgs, mut config: serde_json::Value) -> anyhow::Result<Run> {
        let threads = self.threads(common)?;
        let out = common
            .out
            .clone()
            .context("a resumed run names its folder")?;
        let dir = RunDir::resume(out)?;
        // The record says on how many threads each resumed part ran (written with the next
        // record of the run, not before it has been taken back).
        match config["runtime"]["resumed_on_threads"].as_array_mut() {
            Some(list) => list.push(threads.into()),
            None => config["runtime"]["resumed_on_threads"] = serde_json::json!([threads]),
        }
        Ok(self.run(dir, common.device.device(), (common, threads), config, true))
    }

    fn run(
        &self,
        dir: RunDir,
        device: Device,
        (common, threads): (&CommonArgs, usize),
        config: serde_json::Value,
        resuming: bool,
    ) -> Run {
        let found = match resuming {
            true => ["config.json", "summary.json"]
                .map(|name| (name, std::fs::read(dir.file(name)).ok()))
                .to_vec(),
            false => Vec::new(),
        };
        Run {
            dir,
            device,
            quiet: common.quiet,
            wait: !common.no_wait,
            resuming,
            chapter: self.name,
            config: Mutex::new(config),
            threads,
            found,
        }
    }
}

/// Sets the thread count of the run in the environment and in the kernels: `RAYON_NUM_THREADS`
/// for candle's own matrix products, which read it from the environment (and parse
/// /proc/cpuinfo on every product when it is unset); `CANDLE_NUM_THREADS=1` for candle's
/// element-wise operations, whose pool's workers spin between operations (with a second
/// core's worth of spinning beside the training thread and the product workers, two threads
/// ran no faster than one; those operations are memory-bound and small here);
/// [`d2l_core::ops::set_num_threads`] for the fast operations.
///
/// # Safety
/// It writes the process environment, which is sound only while no other thread runs or
/// starts: call it at start-up, before the program has started any thread (the chapter
/// `main` and the benches do).
pub unsafe fn set_thread_environment(threads: usize) {
    // SAFETY: the caller's contract: no other thread exists.
    unsafe {
        std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
        std::env::set_var("CANDLE_NUM_THREADS", "1");
    }
    d2l_core::ops::set_num_threads(threads);
}

/// Runs `work`, turning a failed write to the standard output or error (`println!` on a full
/// disk or a closed pipe, which panics) into an error, so the run ends with a clean message
/// and its records, not a panic and exit status 101. Any other panic goes on as one.
fn output_errors_as_errors(work: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    const PRINT_FAILED: &str = "failed printing to std";
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = panic_message(info.payload());
            if !message.is_some_and(|m| m.starts_with(PRINT_FAILED)) {
                default(info);
            }
        }));
    });
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => match panic_message(payload.as_ref()) {
            Some(message) if message.starts_with(PRINT_FAILED) => {
                let cause = message.split_once(": ").map_or("", |(_, c)| c).to_string();
                Err(anyhow::anyhow!(
                    "cannot write to the standard output or error ({cause}); the run stopped there"
                ))
            }
            _ => std::panic::resume_unwind(payload),
        },
    }
}

/// A panic's message, when it is text.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Refuses a resume whose recorded command line and recorded hyperparameters disagree (an
/// edited `argv` in `config.json`): the run would continue with settings other than those
/// its records say it used. The error names the first hyperparameter that differs.
fn same_hyperparameters<A: Serialize>(args: &A, resume: &Resume) -> anyhow::Result<()> {
    let from_argv = serde_json::to_value(args).context("recording the configuration")?;
    let recorded = &resume.config["config"];
    let (Some(from_argv), Some(recorded)) = (from_argv.as_object(), recorded.as_object()) else {
        return Ok(());
    };
    // (A key the record lacks comes from a version that did not have it yet.)
    let differs = from_argv
        .iter()
        .find(|(key, value)| recorded.get(*key).is_some_and(|r| r != *value));
    match differs {
        None => Ok(()),
        Some((key, value)) => Err(InputError::new(std::io::Error::other(format!(
            "cannot resume {}: its config.json records {key} = {}, and its argv gives {value}; \
             the record was edited, so the run cannot continue as it started",
            resume.dir.display(),
            recorded.get(key).unwrap_or(&serde_json::Value::Null),
        )))
        .into()),
    }
}

/// `text` as one word for a POSIX shell: as it is when it holds only characters a shell
/// leaves alone, else in single quotes (a quote inside written `'\''`).
fn shell_quoted(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// With `--eval-only`, the first flag given on the command line that describes a model to
/// train (a width, a learning rate, a number of epochs): the evaluated model is the
/// checkpoint's, so such a flag would act on nothing, yet be recorded as if it had. The
/// harness's own flags, the data folder, the checkpoint and the seed stay allowed.
fn model_flag_with_eval_only(command: &Command, given: &ArgMatches) -> Option<String> {
    if !matches!(given.try_get_one::<bool>("eval_only"), Ok(Some(true))) {
        return None;
    }
    let harness = CommonArgs::augment_args(Command::new("harness"));
    let allowed = |id: &str| {
        ["eval_only", "checkpoint", "data_dir", "seed"].contains(&id)
            || harness.get_arguments().any(|a| a.get_id() == id)
    };
    command
        .get_arguments()
        .map(|a| a.get_id().as_str())
        .find(|id| !allowed(id) && given.value_source(id) == Some(ValueSource::CommandLine))
        .map(|id| id.replace('_', "-"))
}

/// The cores this process may run on: its CPU affinity and cgroup quota respected.
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What `--resume` read from the folder's `config.json`, and the flags it keeps from its own
/// command line.
struct Resume {
    config: serde_json::Value,
    threads: Option<usize>,
    dir: PathBuf,
    quiet: bool,
    no_wait: bool,
}

#[cfg(test)]
mod quoting_tests {
    #[test]
    fn paths_are_quoted_for_the_shell_only_when_they_need_it() {
        assert_eq!(
            super::shell_quoted("runs/mlp-scratch/2026-12-01T10-00-00.000Z-7"),
            "runs/mlp-scratch/2026-12-01T10-00-00.000Z-7"
        );
        assert_eq!(super::shell_quoted("/tmp/sp ace"), "'/tmp/sp ace'");
        assert_eq!(super::shell_quoted("it's"), r"'it'\''s'");
    }
}
