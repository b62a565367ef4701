//! Atomic file writes: the bytes go to a temporary file in the target's folder, which is
//! synced and renamed over the target, so a crash never leaves a half-written file. Files get
//! the permissions the umask gives, as with any other program. The experiment harness writes
//! its run records the same way.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically. On error nothing is left behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Writes a file atomically: `fill` writes into a temporary file next to `path`, which is
/// then synced and renamed over `path`.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tmp-");
    // Like any file a program creates: rw for everyone the umask allows (tempfile's default,
    // 0600, would make records unreadable to the rest of a course's group).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    // The error names the file asked for: the temporary one was never created.
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| io("cannot write", path)(os_error(e)))?;
    fill(tmp.as_file_mut())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(io("cannot write", path))?;
    #[cfg(feature = "test-hooks")]
    crash_point(path);
    tmp.persist(path)
        .map_err(|e| io("cannot write", path)(e.error))?;
    Ok(())
}

/// `e` without the path of the temporary file that tempfile's errors add (a file that was
/// never created): the kind of error alone, `permission denied`.
fn os_error(e: std::io::Error) -> std::io::Error {
    match (e.raw_os_error(), e.get_ref()) {
        (None, Some(_)) => std::io::Error::from(e.kind()),
        _ => e,
    }
}

/// For the kill-and-resume tests, in builds with the `test-hooks` feature only (the chapters'
/// tests turn it on): with `D2L_CRASH_BEFORE_RENAME=NAME:N` in the environment, the process
/// kills itself with SIGKILL before renaming its `N`-th write of a file called `NAME` into
/// place, leaving the temporary file behind as a crash there would.
#[cfg(feature = "test-hooks")]
fn crash_point(path: &Path) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let Some(spec) = std::env::var_os("D2L_CRASH_BEFORE_RENAME") else {
        return;
    };
    let spec = spec.to_string_lossy();
    let Some((name, n)) = spec.rsplit_once(':') else {
        return;
    };
    if path.file_name().is_some_and(|f| f == name)
        && n.parse() == Ok(WRITES.fetch_add(1, Ordering::SeqCst) + 1)
    {
        #[cfg(unix)]
        // SAFETY: sending a signal to this very process.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder that cannot be written is reported with the file asked for, never with the
    /// name of a temporary file that was not created.
    #[test]
    fn a_failed_write_names_the_file_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("notes.txt");
        std::fs::write(&not_a_folder, b"a file, not a folder").unwrap();
        let path = not_a_folder.join("config.json");
        let message = write_atomic(&path, b"{}").unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("cannot write {}", path.display())),
            "{message}"
        );
        assert!(!message.contains(".tmp-"), "{message}");
    }
}
