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
    /// first; a folder another run holds is refused either way. Both refusals are the user's
    /// to fix (exit status 2).
    pub fn create(path: impl Into<PathBuf>, overwrite: bool) -> anyhow::Result<Self> {
        let path = path.into();
        let context = || format!("cannot create the run folder {}", path.display());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(context)?;
        }
        match std::fs::create_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => return Err(e).with_context(context),
        }
        let lock = Self::lock(&path)?;
        let entries: Vec<PathBuf> = std::fs::read_dir(&path)
            .with_context(context)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .with_context(context)?;
        if !entries.is_empty() {
            if !overwrite {
                return Err(InputError::new(std::io::Error::other(format!(
                    "{} already holds {} file(s): pass --overwrite to empty it first, or choose another --out",
                    path.display(),
                    entries.len()
                )))
                .into());
            }
            for entry in entries {
                let removed = if entry.is_dir() {
                    std::fs::remove_dir_all(&entry)
                } else {
                    std::fs::remove_file(&entry)
                };
                removed
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
        let lock = Self::lock(&path)?;
        let summary = std::fs::read(path.join("summary.json")).ok();
        let status = summary
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["status"].as_str().map(String::from));
        if status.as_deref() == Some("finished") {
            return Err(refuse("that run finished; there is nothing to resume".into()).into());
        }
        for entry in std::fs::read_dir(&path)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                std::fs::remove_file(entry.path()).with_context(|| {
                    format!("cannot remove the leftover {}", entry.path().display())
                })?;
            }
        }
        Ok(Self { path, _lock: lock })
    }

    /// Opens and locks the folder (an advisory lock that other runs respect); refuses one that
    /// another run holds.
    fn lock(path: &Path) -> anyhow::Result<std::sync::Arc<std::fs::File>> {
        let folder = std::fs::File::open(path)
            .with_context(|| format!("cannot open the run folder {}", path.display()))?;
        if folder.try_lock().is_err() {
            return Err(InputError::new(std::io::Error::other(format!(
                "{} is in use by another run; choose another --out",
                path.display()
            )))
            .into());
        }
        Ok(std::sync::Arc::new(folder))
    }

    /// The default folder for a chapter's run: `runs/<chapter>/<UTC timestamp>-<process id>/`,
    /// so two runs started in the same millisecond get folders of their own.
    pub fn default_path(chapter: &str) -> PathBuf {
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H-%M-%S%.3fZ");
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

    /// Writes `bytes` to `name` atomically.
    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
        let target = self.file(name);
        write_atomic(&target, bytes)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_owns_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/run");
        let run = RunDir::create(&path, false).unwrap();
        run.write_bytes("x.txt", b"1").unwrap();
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
