//! Writing files safely: every file the tool writes appears whole or not at all, through
//! a temporary file created exclusively (never through a planted link), and a failed
//! write leaves nothing behind.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The suffix of every temporary file and directory the tool creates: `.NAME.XXXXXX` and
/// this, `XXXXXX` six random letters and digits.
const TEMP_SUFFIX: &str = ".stringent.tmp";

/// A builder of temporary names `PREFIX` + six random characters + [`TEMP_SUFFIX`],
/// created exclusively with `mode` less the umask, as `File::create` and `create_dir`
/// would (tempfile's default is private).
fn temp_builder(prefix: &str, mode: u32) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(TEMP_SUFFIX).rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder
}

/// Whether `entry` is a temporary file or directory this tool made for `name`
/// (see [`TEMP_SUFFIX`]), recognised exactly.
pub fn is_own_temp(entry: &str, name: &str) -> bool {
    entry
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Replace a file's contents in one step: a new temporary file beside it (created
/// exclusively, so a link planted there is never followed), written, synced, then renamed
/// over it. An existing file keeps its permissions; a link at `path` is replaced, and
/// what it pointed to is left alone. On failure the temporary file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = std::fs::symlink_metadata(path).ok().filter(std::fs::Metadata::is_file);
    let prefix = format!(".{name}.");
    let mut tmp = temp_builder(&prefix, 0o666).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Some(meta) = existing {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// A new, empty directory beside `dir/NAME`, named `.NAME.XXXXXX.stringent.tmp`;
/// removed with everything in it when dropped, unless kept.
pub fn staging_dir(dir: &Path, name: &str) -> io::Result<tempfile::TempDir> {
    let prefix = format!(".{name}.");
    temp_builder(&prefix, 0o777).tempdir_in(dir)
}

/// Create a new file (never an existing one, never through a link), write it and sync it.
pub fn create_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Make a directory's entries (renames into it) durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The file an output directory is locked through. The tool creates it and never removes
/// it: removing it would let two writers hold locks on two different files.
pub const LOCK_FILE: &str = ".stringent.lock";

/// An exclusive lock on an output directory, held until dropped; a process that dies
/// loses it.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Lock `dir` (which must exist) through its [`LOCK_FILE`]. When another process holds the
/// lock, call `on_wait` and wait for it.
pub fn lock_dir(dir: &Path, on_wait: impl FnOnce()) -> io::Result<DirLock> {
    let path = dir.join(LOCK_FILE);
    let file = match OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            if !std::fs::symlink_metadata(&path)?.is_file() {
                return Err(io::Error::other(format!(
                    "the lock file `{}` is not a regular file; remove it",
                    path.display()
                )));
            }
            File::open(&path)?
        }
        Err(e) => return Err(e),
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait();
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    Ok(DirLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_temporary_names_are_recognised_exactly() {
        assert!(is_own_temp(".index.json.aB3x9Z.stringent.tmp", "index.json"));
        for other in [
            ".index.json.12345.tmp",
            ".index.json.aB3x9.stringent.tmp",
            ".index.json.aB3x9Z7.stringent.tmp",
            ".index.json.aB-x9Z.stringent.tmp",
            "index.json.aB3x9Z.stringent.tmp",
            ".policies.aB3x9Z.stringent.tmp",
            ".editor-swap.tmp",
        ] {
            assert!(!is_own_temp(other, "index.json"), "{other}");
        }
    }
}
