//! Writing files safely: every file the tool writes appears whole or not at all, through
//! a temporary file created exclusively (never through a planted link), and a failed
//! write leaves nothing behind.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
    let (staged, dir) = stage(path, bytes)?;
    staged.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Replace several files of a directory the caller holds locked as one set (a report's
/// pages): every file is staged as [`write_atomically`] stages it, and only when all are
/// written and synced are they renamed over the old ones, in the order given. A run that
/// fails or is killed while writing leaves every old file as it was; only a kill during the
/// renames, which take no more than a rename each, can leave files of both runs. Temporary
/// files of these names that a killed run left are removed first: under the lock they are
/// nobody's.
pub fn write_files_together(_held: &DirLock, files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
    for (path, _) in files {
        remove_own_temps(path);
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        staged.push((stage(path, bytes)?, path));
    }
    let mut dirs = BTreeSet::new();
    for ((file, dir), path) in staged {
        file.persist(path).map_err(|e| e.error)?;
        dirs.insert(dir);
    }
    dirs.into_iter().try_for_each(sync_dir)
}

/// `bytes` in a new temporary file beside `path`, synced, with the permissions of the file
/// it will replace; and the directory both are in.
fn stage<'a>(path: &'a Path, bytes: &[u8]) -> io::Result<(tempfile::NamedTempFile, &'a Path)> {
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
    Ok((tmp, dir))
}

/// Remove the temporary files this tool made for `path` ([`is_own_temp`]) and left behind.
/// Best effort: what cannot be removed stays for the next run.
fn remove_own_temps(path: &Path) {
    let (Some(name), Some(dir)) = (path.file_name(), path.parent()) else { return };
    let name = name.to_string_lossy();
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if is_own_temp(&e.file_name().to_string_lossy(), &name) && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
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

    /// Entries of `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_set_that_cannot_be_staged_whole_changes_no_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let (a, b) = (dir.path().join("a.html"), dir.path().join("missing/b.html"));
        std::fs::write(&a, "old")?;
        let held = lock_dir(dir.path(), || {})?;
        let err = write_files_together(&held, &[(a.clone(), b"new".to_vec()), (b, b"new".to_vec())]);
        assert!(err.is_err());
        // The first file was staged, never renamed; its temporary file is gone.
        assert_eq!(std::fs::read_to_string(&a)?, "old");
        assert_eq!(names(dir.path()), vec![LOCK_FILE.to_owned(), "a.html".to_owned()]);
        Ok(())
    }

    #[test]
    fn a_set_replaces_every_file_and_removes_only_its_own_leftovers() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let (a, b) = (dir.path().join("a.html"), dir.path().join("b.html"));
        std::fs::write(&a, "old")?;
        // A killed run's temporary file of `a.html`, and files that only look like one.
        for name in [".a.html.Xy12Z9.stringent.tmp", ".a.html.notmine", ".c.html.Xy12Z9.stringent.tmp"] {
            std::fs::write(dir.path().join(name), "")?;
        }
        let held = lock_dir(dir.path(), || {})?;
        write_files_together(&held, &[(a.clone(), b"new a".to_vec()), (b.clone(), b"new b".to_vec())])?;
        assert_eq!((std::fs::read_to_string(&a)?, std::fs::read_to_string(&b)?), ("new a".into(), "new b".into()));
        let expected = [".a.html.notmine", ".c.html.Xy12Z9.stringent.tmp", LOCK_FILE, "a.html", "b.html"];
        assert_eq!(names(dir.path()), expected.map(str::to_owned).to_vec());
        Ok(())
    }
}
