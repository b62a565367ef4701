//! Where the data lives: the search order, and the published checksums.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The four files, in the order train images, train labels, test images, test labels.
pub const FILE_NAMES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

/// SHA-256 of the four published `.gz` files (identical upstream and in Debian's package).
pub const SHA256: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte.gz",
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    ),
    (
        "train-labels-idx1-ubyte.gz",
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    ),
    (
        "t10k-images-idx3-ubyte.gz",
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    ),
    (
        "t10k-labels-idx1-ubyte.gz",
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    ),
];

/// SHA-256 of the same four files decompressed (the uncompressed IDX files some mirrors and
/// `gunzip` leave), so that a folder of those is verified too.
pub const SHA256_UNCOMPRESSED: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    (
        "train-labels-idx1-ubyte",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    (
        "t10k-images-idx3-ubyte",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    (
        "t10k-labels-idx1-ubyte",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
];

/// The environment variable naming a data directory.
pub const ENV_VAR: &str = "D2L_DATA_DIR";

/// Where Debian's `dataset-fashion-mnist` package installs the files.
pub const DEBIAN_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// The copy committed in the d2l-rs workspace.
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/fashion-mnist")
}

/// The directories searched, in order. A folder the user named is the only one: `explicit`
/// (a `--data-dir` flag), else `$D2L_DATA_DIR`. Without either, the workspace's
/// `datasets/fashion-mnist/`, then Debian's `/usr/share/datasets/fashion-mnist/`.
pub fn search_path(explicit: Option<&Path>) -> Vec<PathBuf> {
    let named = explicit.map(Path::to_path_buf).or_else(|| {
        std::env::var_os(ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    match named {
        Some(dir) => vec![dir],
        None => vec![workspace_dir(), PathBuf::from(DEBIAN_DIR)],
    }
}

/// The path of `name` in `dir`: the `.gz` file if present, else the uncompressed one.
pub fn file_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let gz = dir.join(format!("{name}.gz"));
    let raw = dir.join(name);
    if gz.is_file() {
        Some(gz)
    } else if raw.is_file() {
        Some(raw)
    } else {
        None
    }
}

/// What stands at `path` when it is there but is not a regular file a reader can use (a
/// folder, a FIFO, a device, a link that leads nowhere or in a loop); `None` for a regular
/// file or nothing at all.
pub fn not_a_file(path: &Path) -> Option<&'static str> {
    let link = std::fs::symlink_metadata(path).ok()?;
    let target = match std::fs::metadata(path) {
        Ok(target) => target,
        Err(e) if e.raw_os_error() == Some(40) => return Some("a symbolic link in a loop"),
        Err(_) if link.file_type().is_symlink() => return Some("a symbolic link to nothing"),
        Err(_) => return Some("unreadable"),
    };
    let kind = target.file_type();
    match () {
        _ if kind.is_file() => None,
        _ if kind.is_dir() => Some("a folder"),
        _ => Some(special_kind(kind)),
    }
}

/// What a file type that is neither a regular file nor a folder is.
#[cfg(unix)]
fn special_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match () {
        _ if kind.is_fifo() => "a FIFO (named pipe)",
        _ if kind.is_socket() => "a socket",
        _ => "a device",
    }
}

/// What a file type that is neither a regular file nor a folder is.
#[cfg(not(unix))]
fn special_kind(_kind: std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// The first directory of [`search_path`] that holds all four files. A data file's name
/// that holds something other than a file (see [`not_a_file`]) is an error naming it.
pub fn find_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    let searched = search_path(explicit);
    for dir in &searched {
        for name in FILE_NAMES {
            for path in [dir.join(format!("{name}.gz")), dir.join(name)] {
                if let Some(what) = not_a_file(&path) {
                    return Err(Error::NotAFile { path, what });
                }
            }
        }
    }
    searched
        .iter()
        .find(|dir| FILE_NAMES.iter().all(|name| file_in(dir, name).is_some()))
        .map(|dir| dir.canonicalize().unwrap_or_else(|_| dir.clone()))
        .ok_or(Error::NotFound { searched })
}

/// Checks the four files in `dir` against the published SHA-256 digests: each `.gz` file
/// against the published archive's, or, where only the uncompressed file is there, against
/// the digest of the published archive's contents.
pub fn verify_checksums(dir: &Path) -> Result<()> {
    for name in FILE_NAMES {
        let path = file_in(dir, name).unwrap_or_else(|| dir.join(format!("{name}.gz")));
        let digests = match path.extension().is_some_and(|e| e == "gz") {
            true => &SHA256,
            false => &SHA256_UNCOMPRESSED,
        };
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let expected = digests
            .iter()
            .find(|(n, _)| *n == file_name)
            .map(|(_, digest)| *digest)
            .unwrap_or_default();
        let bytes = std::fs::read(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let found: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if found != expected {
            return Err(Error::Checksum {
                path,
                expected,
                found,
            });
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A data file's name holding a folder, a FIFO or a link loop is named, with what is
    /// there, rather than reported as "not found".
    #[test]
    fn a_data_name_that_holds_no_file_is_named_with_what_it_is() {
        let name = |dir: &Path| dir.join("t10k-labels-idx1-ubyte.gz");
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(name(folder.path())).unwrap();
        let fifo = tempfile::tempdir().unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(name(fifo.path()))
            .status()
            .unwrap();
        assert!(made.success());
        let looped = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(name(looped.path()), name(looped.path())).unwrap();
        for (dir, what) in [
            (folder.path(), "a folder"),
            (fifo.path(), "a FIFO (named pipe)"),
            (looped.path(), "a symbolic link in a loop"),
        ] {
            let error = find_data_dir(Some(dir)).unwrap_err().to_string();
            let expected = format!("{} is {what}, not a data file", name(dir).display());
            assert!(error.starts_with(&expected), "{error}");
        }
    }
}
