//! [`FsStore`]: [`duckline_core::Store`] over a directory of the local file system.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use duckline_core::{Error, Result, Store};

/// Suffix counter for temporary files, unique within the process.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// One workspace folder on the local file system.
///
/// Store paths are relative and `/`-separated (`tables/3/steps/7/undo-00000.parquet`). A path that
/// is empty, starts with `/`, has an empty, `.` or `..` component, or contains `\` or NUL is
/// rejected with [`Error::Storage`] before touching the disk.
///
/// [`Store::write`] is atomic and durable: the bytes go to `<path>.tmp-<pid>-<n>` in the same
/// folder, which is fsynced and renamed over `<path>`, then the folder is fsynced. A crash leaves
/// either the old or the new file, plus possibly a stray `*.tmp-*` file; [`Store::list`] reports
/// such leftovers like any other file so the core's garbage collection removes them.
///
/// Errors: a full disk or exceeded quota (`ENOSPC`, `EDQUOT`) is [`Error::StorageFull`]; a missing
/// file for [`Store::read`] and [`Store::size`] is [`Error::NotFound`]; anything else is
/// [`Error::Storage`] with the path and the OS message.
#[derive(Debug)]
pub struct FsStore {
    root: PathBuf,
}

/// Maps an I/O error of operation `op` on store path `path`.
fn io_err(op: &str, path: &str, e: &io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::NotFound if op == "read" || op == "size" => {
            Error::NotFound(format!("no file {path:?} in the store"))
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            Error::StorageFull(format!("{op} {path:?}: {e}"))
        }
        _ => Error::Storage(format!("{op} {path:?}: {e}")),
    }
}

/// Rejects paths that could leave the root or that no store would produce.
fn check_path(path: &str) -> Result<()> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains(['\\', '\0'])
        || path
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..");
    if bad {
        return Err(Error::Storage(format!("invalid store path {path:?}")));
    }
    Ok(())
}

/// fsyncs a directory so a rename or creation inside it is durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl FsStore {
    /// A store rooted at `root`, creating the folder (and its parents) if needed.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`] (or [`Error::StorageFull`]) if the folder cannot be created or is not a
    /// directory.
    pub fn new(root: PathBuf) -> Result<Self> {
        let shown = root.display().to_string();
        fs::create_dir_all(&root).map_err(|e| io_err("create root", &shown, &e))?;
        if !root.is_dir() {
            return Err(Error::Storage(format!(
                "store root {shown:?} is not a directory"
            )));
        }
        Ok(Self { root })
    }

    /// The folder this store is rooted at.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the missing folders between the root and `dir` (a folder inside the root), fsyncing
    /// each parent that gains an entry.
    fn create_dirs(&self, dir: &Path) -> io::Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        if let Some(parent) = dir.parent()
            && parent != self.root
        {
            self.create_dirs(parent)?;
        }
        match fs::create_dir(dir) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        sync_dir(dir.parent().unwrap_or(&self.root))
    }

    fn write_sync(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.root.join(path);
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        self.create_dirs(&dir)?;
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut tmp_name = target.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".tmp-{}-{n}", std::process::id()));
        let tmp = dir.join(tmp_name);
        let written = (|| {
            let mut file = File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &target)
        })();
        if let Err(e) = written {
            // Best effort: a leftover is garbage the core collects anyway.
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(&dir)
    }

    fn list_dir(&self, dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
        let shown = if prefix.is_empty() { "." } else { prefix };
        let entries = fs::read_dir(dir).map_err(|e| io_err("list", shown, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_err("list", shown, &e))?;
            let name = entry.file_name().into_string().map_err(|name| {
                Error::Storage(format!(
                    "list: file name {name:?} in {shown:?} is not UTF-8"
                ))
            })?;
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            // Follows symlinks: a link to a folder is listed as a folder.
            let is_dir = match entry.file_type() {
                Ok(t) if t.is_symlink() => entry.path().is_dir(),
                Ok(t) => t.is_dir(),
                Err(e) => return Err(io_err("list", &rel, &e)),
            };
            if is_dir {
                self.list_dir(&entry.path(), &rel, out)?;
            } else {
                out.push(rel);
            }
        }
        Ok(())
    }

    /// Removes folders left empty by a delete, from `dir` up to (not including) the root.
    fn prune_empty_dirs(&self, mut dir: &Path) {
        while dir != self.root && dir.starts_with(&self.root) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
            match dir.parent() {
                Some(parent) => dir = parent,
                None => break,
            }
        }
    }
}

impl Store for FsStore {
    /// Every file under the root, recursively, as `/`-separated paths relative to the root;
    /// folders themselves are not listed. Includes leftover `*.tmp-*` files of interrupted writes.
    async fn list(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        self.list_dir(&self.root, "", &mut out)?;
        Ok(out)
    }

    /// The whole file; [`Error::NotFound`] if absent.
    async fn read(&self, path: &str) -> Result<Vec<u8>> {
        check_path(path)?;
        fs::read(self.root.join(path)).map_err(|e| io_err("read", path, &e))
    }

    /// Atomic, durable replace (temp file, fsync, rename, fsync of the folder); creates parent
    /// folders. On failure the target keeps its previous content or stays absent.
    async fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_path(path)?;
        self.write_sync(path, bytes)
            .map_err(|e| io_err("write", path, &e))
    }

    /// Deletes the file (a missing file is fine) and any folders that became empty.
    async fn delete(&self, path: &str) -> Result<()> {
        check_path(path)?;
        let target = self.root.join(path);
        match fs::remove_file(&target) {
            Ok(()) => {
                if let Some(dir) = target.parent() {
                    self.prune_empty_dirs(dir);
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err("delete", path, &e)),
        }
    }

    /// Size in bytes; [`Error::NotFound`] if absent.
    async fn size(&self, path: &str) -> Result<u64> {
        check_path(path)?;
        fs::metadata(self.root.join(path))
            .map(|m| m.len())
            .map_err(|e| io_err("size", path, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_map_to_core_errors() {
        let full = io::Error::from_raw_os_error(28); // ENOSPC
        assert!(matches!(io_err("write", "a", &full), Error::StorageFull(_)));
        let quota = io::Error::from_raw_os_error(122); // EDQUOT
        assert!(matches!(
            io_err("write", "a", &quota),
            Error::StorageFull(_)
        ));
        let missing = io::Error::from(io::ErrorKind::NotFound);
        assert!(matches!(io_err("read", "a", &missing), Error::NotFound(_)));
        assert!(matches!(io_err("size", "a", &missing), Error::NotFound(_)));
        assert!(matches!(io_err("write", "a", &missing), Error::Storage(_)));
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(matches!(io_err("read", "a", &denied), Error::Storage(_)));
    }

    #[test]
    fn path_check() {
        for good in [
            "a",
            "a/b.parquet",
            "tables/3/steps/7/undo-00000.parquet",
            "x..y",
            ".hidden",
        ] {
            assert!(check_path(good).is_ok(), "{good}");
        }
        for bad in [
            "", "/a", "a/../b", "..", "../a", "a/..", "a//b", "a/", "./a", "a/./b", "a\\b", "a\0",
        ] {
            assert!(matches!(check_path(bad), Err(Error::Storage(_))), "{bad:?}");
        }
    }
}
