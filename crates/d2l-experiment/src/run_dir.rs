//! The run folder: one per run, holding `config.json`, `metrics.csv`, `summary.json`, figures
//! and checkpoints. A run owns its folder: it creates it (or takes an empty one), refuses a
//! folder that holds anything unless told to empty it, and holds a lock on it for its whole
//! life, so two runs never mix their files. Every file is written to a temporary name in the
//! same folder and renamed into place, so a crash never leaves a half-written file.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let run = d2l_experiment::RunDir::create(dir.path().join("run"), false).unwrap();
//! run.write_json("summary.json", &serde_json::json!({"test_acc": 0.85})).unwrap();
//! assert!(run.path().join("summary.json").exists());
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context;
use d2l_plot::file::write_atomic;
use serde::Serialize;

use crate::exit::InputError;

/// A run's output folder, locked for as long as any clone of it lives.
#[derive(Clone, Debug)]
pub struct RunDir {
    path: PathBuf,
    /// The folder opened and locked (an advisory lock that other runs respect).
    _lock: std::sync::Arc<std::fs::File>,
}

impl RunDir {
    /// Takes `path` for a run: creates it (and its parents), or takes it if it exists and is
    /// empty. A folder that holds anything is refused, unless `overwrite` says to empty it
    /// first; a folder another run holds is refused either way. `overwrite` empties only a
    /// run folder: one whose `config.json` records a d2l-rs run and which holds nothing but
    /// the files runs write (records, figures, the checkpoint, temporary files), so it never
    /// deletes what a run did not write; anything else is refused, naming the first foreign
    /// entry. Every refusal is the user's to fix (exit status 2).
    pub fn create(path: impl Into<PathBuf>, overwrite: bool) -> anyhow::Result<Self> {
        let path = path.into();
        let context = || format!("cannot create the run folder {}", path.display());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(context)?;
        }
        match std::fs::create_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let what = match std::fs::symlink_metadata(&path) {
                    Ok(m) if m.file_type().is_symlink() => "a link to no folder",
                    _ => "a file, not a folder",
                };
                return Err(InputError::new(std::io::Error::other(format!(
                    "--out {} is {what}: choose another --out",
                    path.display()
                )))
                .into());
            }
            Err(e) => return Err(e).with_context(context),
        }
        let lock = Self::lock(&path, "choose another --out")?;
        let entries = list(&path).with_context(context)?;
        if !entries.is_empty() {
            if !overwrite {
                return Err(InputError::new(std::io::Error::other(format!(
                    "{} already holds {} file(s): pass --overwrite to empty it first, or choose another --out",
                    path.display(),
                    entries.len()
                )))
                .into());
            }
            let run_files = written_by_a_run(&path, &entries)?;
            for entry in run_files {
                std::fs::remove_file(&entry)
                    .with_context(|| format!("--overwrite: cannot remove {}", entry.display()))?;
            }
        }
        Ok(Self { path, _lock: lock })
    }

    /// Takes back the folder of an interrupted run for `--resume`: locks it, refuses a run
    /// that finished, and removes the temporary files a killed write left.
    pub fn resume(path: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let path = path.into();
        let refuse = |why: String| {
            InputError::new(std::io::Error::other(format!(
                "cannot resume {}: {why}",
                path.display()
            )))
        };
        if !path.is_dir() {
            return Err(refuse("no such run folder".into()).into());
        }
        let lock = Self::lock(&path, "wait until it ends, or stop it, then resume")?;
        let summary = std::fs::read(path.join("summary.json")).ok();
        let status = summary
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["status"].as_str().map(String::from));
        if status.as_deref() == Some("finished") {
            return Err(refuse("that run finished; there is nothing to resume".into()).into());
        }
        for entry in list(&path)? {
            if is_leftover(&entry) {
                std::fs::remove_file(&entry)
                    .with_context(|| format!("cannot remove the leftover {}", entry.display()))?;
            }
        }
        Ok(Self { path, _lock: lock })
    }

    /// Opens and locks the folder (an advisory lock that other runs respect); refuses one that
    /// another run holds, with `advice`.
    fn lock(path: &Path, advice: &str) -> anyhow::Result<std::sync::Arc<std::fs::File>> {
        let folder = std::fs::File::open(path)
            .with_context(|| format!("cannot open the run folder {}", path.display()))?;
        if folder.try_lock().is_err() {
            return Err(InputError::new(std::io::Error::other(format!(
                "{} is in use by another run; {advice}",
                path.display()
            )))
            .into());
        }
        Ok(std::sync::Arc::new(folder))
    }

    /// The default folder for a chapter's run: `runs/<chapter>/<UTC timestamp>-<process id>/`,
    /// so two runs started in the same millisecond get folders of their own.
    pub fn default_path(chapter: &str) -> PathBuf {
        let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
        let stamp = now.format("%Y-%m-%dT%H-%M-%S%.3fZ");
        let name = format!("{stamp}-{}", std::process::id());
        Path::new("runs").join(chapter).join(name)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of `name` inside the folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes `bytes` to `name` atomically. A folder the user may not write to (permission
    /// denied, a read-only file system) is the user's to fix: exit status 2.
    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
        let target = self.file(name);
        write_atomic(&target, bytes).map_err(not_writable_is_input)?;
        Ok(target)
    }

    /// Writes `value` as pretty JSON to `name` atomically.
    pub fn write_json<T: Serialize + ?Sized>(
        &self,
        name: &str,
        value: &T,
    ) -> anyhow::Result<PathBuf> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.write_bytes(name, text.as_bytes())
    }

    /// Writes `rows` as a CSV table to `name` atomically: the header from the fields of the
    /// row type, one record per row, quoted where a value needs it.
    pub fn write_csv<R: Serialize>(&self, name: &str, rows: &[R]) -> anyhow::Result<PathBuf> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for row in rows {
            writer.serialize(row)?;
        }
        let bytes = writer.into_inner()?;
        self.write_bytes(name, &bytes)
    }
}

/// A failed write as the user meets it: a folder they may not write to is theirs to fix, with
/// another `--out` (exit status 2); anything else (a full disk, a failing device) is not.
fn not_writable_is_input(error: d2l_plot::Error) -> anyhow::Error {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    match &error {
        d2l_plot::Error::Io { source, .. }
            if matches!(source.kind(), PermissionDenied | ReadOnlyFilesystem) =>
        {
            InputError::new(std::io::Error::other(format!(
                "{error}: choose a folder you can write to, with --out"
            )))
            .into()
        }
        _ => error.into(),
    }
}

/// The entries of `folder`, sorted by name (so a refusal names the same entry every time).
fn list(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(folder)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    Ok(entries)
}

/// Whether `name` is a name a run gives its files: records (`.json`, `.csv`, a sweep's
/// `sweep.md`), figures (`.svg`, `.png`), the checkpoint (`.safetensors`), or the temporary
/// file of a write a crash interrupted (`.tmp-…`).
fn is_run_file_name(name: &str) -> bool {
    const EXTENSIONS: [&str; 5] = ["json", "csv", "svg", "png", "safetensors"];
    name.starts_with(".tmp-")
        || name == "sweep.md"
        || Path::new(name)
            .extension()
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
}

/// Whether `entry` is a file a run wrote: a regular file (not a folder, not a link) with a
/// name a run gives its files.
fn is_run_file(entry: &Path) -> bool {
    let regular = std::fs::symlink_metadata(entry).is_ok_and(|m| m.file_type().is_file());
    regular
        && entry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_run_file_name)
}

/// Whether `entry` is the temporary file of a write that a crash interrupted.
fn is_leftover(entry: &Path) -> bool {
    is_run_file(entry)
        && entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".tmp-"))
}

/// Whether `folder/config.json` is the record of a d2l-rs run (a chapter and its command
/// line, as [`RunConfig`](crate::record::RunConfig) writes them).
fn holds_a_run_record(folder: &Path) -> bool {
    let Ok(bytes) = std::fs::read(folder.join("config.json")) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|record| {
        record["chapter"].is_string() && record["argv"].is_array() && record["runtime"].is_object()
    })
}

/// The files `--overwrite` may remove from `folder`: all of `entries`, when the folder is a
/// run folder of this project (its `config.json` is a run record, or it holds only the
/// leftovers of a run that crashed before writing one) and every entry is a file a run
/// writes. Anything else is refused, naming the first entry no run wrote, so that a typo in
/// `--out` (`/`, a home folder, a checkout) deletes nothing.
fn written_by_a_run(folder: &Path, entries: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let refuse = |why: String| -> anyhow::Error {
        InputError::new(std::io::Error::other(format!(
            "--overwrite empties only a run folder of d2l-rs, and {} {why}; remove it yourself if you mean to, or choose another --out",
            folder.display()
        )))
        .into()
    };
    if let Some(foreign) = entries.iter().find(|e| !is_run_file(e)) {
        let name = foreign.file_name().unwrap_or_default().to_string_lossy();
        let kind = match std::fs::symlink_metadata(foreign) {
            Ok(m) if m.is_dir() => "a folder",
            Ok(m) if m.file_type().is_symlink() => "a link",
            Ok(m) if m.is_file() => "a file",
            _ => "an entry",
        };
        return Err(refuse(format!("holds {kind} no run writes: {name}")));
    }
    if !holds_a_run_record(folder) && !entries.iter().all(|e| is_leftover(e)) {
        return Err(refuse("holds no config.json of a d2l-rs run".to_string()));
    }
    Ok(entries.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `config.json` as a run writes it.
    fn record(run: &RunDir) {
        let record =
            serde_json::json!({"chapter": "mlp-scratch", "argv": [], "config": {}, "runtime": {}});
        run.write_json("config.json", &record).unwrap();
    }

    #[test]
    fn a_run_owns_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/run");
        let run = RunDir::create(&path, false).unwrap();
        record(&run);
        run.write_bytes("metrics.csv", b"1").unwrap();
        // Held by a live run: refused, even with --overwrite.
        let held = RunDir::create(&path, true).unwrap_err().to_string();
        assert!(held.contains("in use by another run"), "{held}");
        drop(run);
        // Not empty: refused, naming the way out.
        let full = RunDir::create(&path, false).unwrap_err();
        assert!(full.to_string().contains("--overwrite"), "{full}");
        assert_eq!(crate::exit::exit_status(&full), 2);
        // --overwrite empties it first.
        let again = RunDir::create(&path, true).unwrap();
        assert_eq!(std::fs::read_dir(again.path()).unwrap().count(), 0);
        // An empty folder that exists is taken as it is.
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        RunDir::create(&empty, false).unwrap();
    }

    /// Refuses `--overwrite` on `path`, with exit status 2 and a message naming `entry`.
    fn refused(path: &Path, entry: &str) {
        let error = RunDir::create(path, true).unwrap_err();
        let message = error.to_string();
        assert!(message.contains(entry), "{message}");
        assert_eq!(crate::exit::exit_status(&error), 2, "{message}");
    }

    #[test]
    fn overwrite_never_deletes_what_no_run_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run");
        let run = RunDir::create(&path, false).unwrap();
        record(&run);
        run.write_bytes("summary.json", b"{}").unwrap();
        drop(run);
        // A stray file beside the records: refused, and everything survives.
        std::fs::write(path.join("notes.txt"), "mine").unwrap();
        refused(&path, "notes.txt");
        assert_eq!(
            std::fs::read_to_string(path.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(path.join("summary.json").is_file());
        std::fs::remove_file(path.join("notes.txt")).unwrap();
        // A folder, or a link named like a record, is no run's either.
        std::fs::create_dir(path.join("src")).unwrap();
        std::fs::write(path.join("src/lib.rs"), "").unwrap();
        refused(&path, "src");
        assert!(path.join("src/lib.rs").is_file());
        std::fs::remove_dir_all(path.join("src")).unwrap();
        let target = dir.path().join("elsewhere.csv");
        std::fs::write(&target, "kept").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&target, path.join("metrics.csv")).unwrap();
            refused(&path, "metrics.csv");
            std::fs::remove_file(path.join("metrics.csv")).unwrap();
        }
        assert!(target.is_file());
        // Files named like records, but no run's record: refused (a home folder, a checkout).
        let home = dir.path().join("home");
        std::fs::create_dir(&home).unwrap();
        std::fs::write(home.join("data.csv"), "1,2").unwrap();
        std::fs::write(home.join("config.json"), r#"{"editor": "vim"}"#).unwrap();
        refused(&home, "no config.json of a d2l-rs run");
        assert!(home.join("data.csv").is_file());
        // The folder of a run that crashed before its first record holds only leftovers.
        let crashed = dir.path().join("crashed");
        std::fs::create_dir(&crashed).unwrap();
        std::fs::write(crashed.join(".tmp-abc123"), "{").unwrap();
        RunDir::create(&crashed, true).unwrap();
        assert_eq!(std::fs::read_dir(&crashed).unwrap().count(), 0);
        // The run folder itself is emptied.
        RunDir::create(&path, true).unwrap();
        assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);
    }

    #[test]
    fn resume_removes_only_leftover_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run");
        let run = RunDir::create(&path, false).unwrap();
        record(&run);
        drop(run);
        std::fs::write(path.join(".tmp-x1"), "half").unwrap();
        std::fs::create_dir(path.join(".tmp-folder")).unwrap();
        RunDir::resume(&path).unwrap();
        assert!(!path.join(".tmp-x1").exists());
        assert!(
            path.join(".tmp-folder").is_dir(),
            "a folder is no leftover of a write"
        );
        assert!(path.join("config.json").is_file());
    }

    #[test]
    fn default_folders_of_two_processes_never_collide() {
        let path = RunDir::default_path("mlp-scratch");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(path.starts_with("runs/mlp-scratch"), "{path:?}");
        // The process id after the timestamp: two runs started in the same millisecond differ.
        assert!(
            name.ends_with(&format!("-{}", std::process::id())),
            "{name}"
        );
    }

    #[derive(Serialize)]
    struct Row {
        label: &'static str,
        value: f64,
    }

    #[test]
    fn a_folder_the_user_cannot_write_is_theirs_to_fix() {
        let write_error = |kind: std::io::ErrorKind| d2l_plot::Error::Io {
            action: "cannot write",
            path: "runs/x/config.json".into(),
            source: kind.into(),
        };
        let denied = not_writable_is_input(write_error(std::io::ErrorKind::PermissionDenied));
        assert_eq!(crate::exit::exit_status(&denied), 2);
        assert_eq!(
            denied.to_string(),
            "cannot write runs/x/config.json: permission denied: choose a folder you can write to, with --out"
        );
        let read_only = not_writable_is_input(write_error(std::io::ErrorKind::ReadOnlyFilesystem));
        assert_eq!(crate::exit::exit_status(&read_only), 2);
        // A full disk is not the user's input.
        let full = not_writable_is_input(write_error(std::io::ErrorKind::StorageFull));
        assert_eq!(crate::exit::exit_status(&full), 1);
    }

    #[test]
    fn csv_records_quote_commas_and_files_are_whole() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::create(dir.path().join("r"), false).unwrap();
        let rows = [Row {
            label: "lr 0.1, 2 layers",
            value: 0.5,
        }];
        run.write_csv("t.csv", &rows).unwrap();
        let text = std::fs::read_to_string(run.file("t.csv")).unwrap();
        assert_eq!(text, "label,value\n\"lr 0.1, 2 layers\",0.5\n");
        let names: Vec<String> = std::fs::read_dir(run.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["t.csv"], "no temporary file is left");
    }
}
