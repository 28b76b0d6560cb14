//! A rules tree named on the command line: a directory, or `git:REV[:PATH]`, the tree at a
//! revision of the repository in the current directory, unpacked into a temporary
//! directory. Nothing of the spec reaches git as an option or a pathspec with magic: the
//! revision is resolved to a commit first, and the path must be relative and stay inside
//! the repository.

use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the tree is, and the temporary directory holding it (removed when dropped, on
/// every path out of the command, errors included).
pub struct Tree {
    pub path: PathBuf,
    _unpacked: Option<tempfile::TempDir>,
}

/// The directory `rules` at a revision, when the spec names no path.
const DEFAULT_PATH: &str = "rules";

pub fn tree(spec: &str) -> Result<Tree, String> {
    let Some(rest) = spec.strip_prefix("git:") else {
        return Ok(Tree { path: PathBuf::from(spec), _unpacked: None });
    };
    let (rev, path) = rest.split_once(':').unwrap_or((rest, DEFAULT_PATH));
    let commit = resolve(rev).map_err(|e| format!("`{spec}`: {e}"))?;
    let path = checked_path(path).map_err(|e| format!("`{spec}`: {e}"))?;
    let dir = tempfile::Builder::new()
        .prefix("stringent-diff-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    unpack(&commit, &path, dir.path()).map_err(|e| format!("`{spec}`: {e}"))?;
    // A symbolic link in the revision would lead out of it, to whatever it names here.
    let mut at = dir.path().to_path_buf();
    for part in path.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "`{spec}`: `{}` is a symbolic link in the revision; name the directory it points to",
                path.display()
            ));
        }
    }
    Ok(Tree { path: dir.path().join(&path), _unpacked: Some(dir) })
}

/// The path inside the revision: relative, without `..`, not empty.
fn checked_path(path: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        return Err("the path after the revision is empty (write `git:REV` for `rules`)".to_owned());
    }
    let p = Path::new(path);
    if p.has_root() || p.is_absolute() || p.components().any(|c| matches!(c, Component::Prefix(_))) {
        return Err(format!("`{path}` is an absolute path; give a path relative to the top of the repository"));
    }
    if p.components().any(|c| c == Component::ParentDir) {
        return Err(format!("`{path}` leaves the repository with `..`; give a path inside it"));
    }
    if p.components().all(|c| c == Component::CurDir) {
        return Err(format!("`{path}` names the whole repository; give the directory of the rules"));
    }
    Ok(p.components().filter(|c| *c != Component::CurDir).collect())
}

/// The commit a revision names, as a full hash. A revision starting with `-` is refused
/// before git sees it; `--end-of-options` keeps any other from being read as an option.
fn resolve(rev: &str) -> Result<String, String> {
    if rev.is_empty() {
        return Err("no revision after `git:`".to_owned());
    }
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision (it starts with `-`)"));
    }
    if rev.chars().any(char::is_control) {
        return Err("the revision contains a control character".to_owned());
    }
    let out = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        let why = if why.is_empty() { String::new() } else { format!(" ({why})") };
        return Err(format!("`{rev}` is not a commit of the repository here{why}"));
    }
    Ok(hash)
}

/// `git archive COMMIT -- PATH` piped into `tar -x` in `dir`; no archive file is written.
/// Pathspec magic is off, so `PATH` is a literal path.
fn unpack(commit: &str, path: &Path, dir: &Path) -> Result<(), String> {
    let mut git = Command::new("git")
        .args(["--literal-pathspecs", "archive", "--format=tar", commit, "--"])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let Some(archive) = git.stdout.take() else {
        let _ = git.kill();
        let _ = git.wait();
        return Err("cannot read the output of git archive".to_owned());
    };
    let untar = Command::new("tar")
        .arg("-xf")
        .arg("-")
        .arg("-C")
        .arg(dir)
        .stdin(archive)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let git = git.wait_with_output().map_err(|e| format!("git archive: {e}"))?;
    if !git.status.success() {
        return Err(format!("git archive: {}", String::from_utf8_lossy(&git.stderr).trim()));
    }
    let untar = untar.map_err(|e| format!("cannot run tar: {e}"))?;
    if !untar.status.success() {
        return Err(format!("cannot unpack the archive: {}", String::from_utf8_lossy(&untar.stderr).trim()));
    }
    Ok(())
}
