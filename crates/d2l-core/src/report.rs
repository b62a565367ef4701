//! The run record: one folder per run holding `config.json`, `metrics.csv`, `summary.json`,
//! figures and checkpoints. Every file is written to a temporary name in the same folder and
//! renamed into place, so a crash never leaves a half-written file.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let run = d2l_core::report::RunDir::create(dir.path().join("run")).unwrap();
//! run.write_json("summary.json", &serde_json::json!({"test_acc": 0.85})).unwrap();
//! assert!(run.path().join("summary.json").exists());
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use candle_core::Tensor;
use serde::Serialize;

use crate::error::{Error, Result};

/// A run's output folder.
#[derive(Clone, Debug)]
pub struct RunDir {
    path: PathBuf,
}

impl RunDir {
    /// Creates `path` (and its parents) if needed.
    pub fn create(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        std::fs::create_dir_all(&path)
            .map_err(|e| Error::io("cannot create directory", &path, e))?;
        Ok(Self { path })
    }

    /// The default folder for a chapter's run: `runs/<chapter>/<UTC timestamp>/`.
    pub fn default_path(chapter: &str) -> PathBuf {
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H-%M-%S%.3fZ");
        Path::new("runs").join(chapter).join(stamp.to_string())
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
    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let target = self.file(name);
        write_atomic(&target, |f| f.write_all(bytes))?;
        Ok(target)
    }

    /// Writes `value` as pretty JSON to `name` atomically.
    pub fn write_json<T: Serialize + ?Sized>(&self, name: &str, value: &T) -> Result<PathBuf> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.write_bytes(name, text.as_bytes())
    }

    /// Writes a CSV table (header + rows, values formatted with `Display`) atomically.
    pub fn write_csv<R: AsRef<[String]>>(
        &self,
        name: &str,
        header: &[&str],
        rows: &[R],
    ) -> Result<PathBuf> {
        let mut text = header.join(",");
        text.push('\n');
        for row in rows {
            text.push_str(&row.as_ref().join(","));
            text.push('\n');
        }
        self.write_bytes(name, text.as_bytes())
    }

    /// Saves named tensors as safetensors to `name` atomically.
    pub fn write_safetensors(&self, name: &str, tensors: &[(&str, &Tensor)]) -> Result<PathBuf> {
        let target = self.file(name);
        save_safetensors(&target, tensors)?;
        Ok(target)
    }
}

/// Saves named tensors as a safetensors file at `path`, atomically.
pub fn save_safetensors(path: &Path, tensors: &[(&str, &Tensor)]) -> Result<()> {
    let map: std::collections::HashMap<String, Tensor> = tensors
        .iter()
        .map(|(k, t)| (k.to_string(), (*t).clone()))
        .collect();
    let dir = parent_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(".safetensors")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    candle_core::safetensors::save(&map, tmp.path())?;
    tmp.persist(path)
        .map_err(|e| Error::io("cannot write", path, e.error))?;
    Ok(())
}

/// Writes a file atomically: `fill` writes into a temporary file next to `path`, which is
/// then synced and renamed over `path`. On error nothing is left behind.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let dir = parent_dir(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    fill(tmp.as_file_mut())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io("cannot write", path, e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("cannot write", path, e.error))?;
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The contents of `config.json`: the chapter, its hyperparameters (seed included), where
/// it ran and which data it read.
#[derive(Clone, Debug, Serialize)]
pub struct RunConfig<'a, C: Serialize> {
    /// The chapter crate, e.g. `mlp-scratch`.
    pub chapter: &'a str,
    /// The mode: `train`, `eval`, `sweep`, …
    pub mode: &'a str,
    /// Every hyperparameter.
    pub config: &'a C,
    /// Device, threads, versions.
    pub runtime: crate::device::RuntimeInfo,
    /// The data directory, where there is one.
    pub data_dir: Option<&'a Path>,
}

impl<C: Serialize> RunConfig<'_, C> {
    /// Writes `config.json` into `run`.
    pub fn write(&self, run: &RunDir) -> Result<PathBuf> {
        run.write_json("config.json", self)
    }
}
