//! The run folder: one per run, holding `config.json`, `metrics.csv`, `summary.json`, figures
//! and checkpoints. Every file is written to a temporary name in the same folder and renamed
//! into place, so a crash never leaves a half-written file.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let run = d2l_experiment::RunDir::create(dir.path().join("run")).unwrap();
//! run.write_json("summary.json", &serde_json::json!({"test_acc": 0.85})).unwrap();
//! assert!(run.path().join("summary.json").exists());
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context;
use candle_core::{Tensor, Var};
use d2l_plot::file::{write_atomic, write_atomic_with};
use serde::Serialize;

/// A run's output folder.
#[derive(Clone, Debug)]
pub struct RunDir {
    path: PathBuf,
}

impl RunDir {
    /// Creates `path` (and its parents) if needed.
    pub fn create(path: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let path = path.into();
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create directory {}", path.display()))?;
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

    /// Saves named parameters as safetensors to `name`, atomically.
    pub fn write_safetensors(
        &self,
        name: &str,
        params: &[(String, Var)],
    ) -> anyhow::Result<PathBuf> {
        let target = self.file(name);
        let tensors: Vec<(&str, Tensor)> = params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_tensor().clone()))
            .collect();
        write_atomic_with(&target, |file| {
            let bytes = safetensors_bytes(&tensors).map_err(std::io::Error::other)?;
            std::io::Write::write_all(file, &bytes)
        })?;
        Ok(target)
    }
}

/// The safetensors encoding of named tensors.
fn safetensors_bytes(tensors: &[(&str, Tensor)]) -> candle_core::Result<Vec<u8>> {
    let views = tensors.iter().map(|(n, t)| (*n, t));
    safetensors::serialize(views, None).map_err(candle_core::Error::wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        label: &'static str,
        value: f64,
    }

    #[test]
    fn csv_records_quote_commas_and_files_are_whole() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::create(dir.path().join("r")).unwrap();
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
