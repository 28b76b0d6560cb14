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

/// The files under `path` at `commit`, read as blobs (`git ls-tree`, `git cat-file`) and
/// written below `dir`. Blobs are taken as committed: `git archive` would apply the
/// repository's own `.gitattributes` (`export-subst`, `export-ignore`, filters), so that the
/// tree compared could differ from the tree checked out. A symbolic link is refused, as are
/// a submodule and a file over the rule-file size limit.
fn unpack(commit: &str, path: &Path, dir: &Path) -> Result<(), String> {
    let listing = Command::new("git")
        .args(["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listing.status.success() {
        return Err(format!("git ls-tree: {}", String::from_utf8_lossy(&listing.stderr).trim()));
    }
    let mut blobs: Vec<(String, PathBuf)> = Vec::new();
    for entry in listing.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else {
            return Err(format!("git ls-tree printed an entry it should not: `{entry}`"));
        };
        let mut meta = meta.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (meta.next(), meta.next(), meta.next()) else {
            return Err(format!("git ls-tree printed an entry it should not: `{entry}`"));
        };
        let relative = checked_path(name)?;
        match (mode, kind) {
            ("100644" | "100755", "blob") => blobs.push((object.to_owned(), relative)),
            ("120000", _) => {
                return Err(format!("`{name}` is a symbolic link in the revision; links would read files outside it"));
            }
            // A submodule's files are another repository's: `check` reads them in a working
            // tree where it is checked out, so leaving them out would compare less than what
            // is compiled, and the gate would pass what it never saw.
            (_, "commit") => {
                return Err(format!(
                    "`{name}` is a git submodule in the revision; its rules are another repository's and are not read from a revision: compare checked-out directories instead"
                ));
            }
            _ => return Err(format!("`{name}` is neither a file nor a directory in the revision")),
        }
    }
    if blobs.is_empty() {
        return Err(format!("`{}` holds no file at that revision", path.display()));
    }
    let mut cat = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let (Some(mut input), Some(output)) = (cat.stdin.take(), cat.stdout.take()) else {
        let _ = cat.kill();
        let _ = cat.wait();
        return Err("cannot talk to git cat-file".to_owned());
    };
    let objects: String = blobs.iter().map(|(object, _)| format!("{object}\n")).collect();
    // Written from a thread, so that git's output never fills while its input waits.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = input.write_all(objects.as_bytes());
    });
    let written = write_blobs(output, &blobs, dir);
    let _ = writer.join();
    let _ = cat.kill();
    let _ = cat.wait();
    written
}

/// Read `git cat-file --batch` answers (`<object> blob <size>\n<bytes>\n`) for `blobs`, in
/// order, and write each below `dir`.
fn write_blobs(output: impl std::io::Read, blobs: &[(String, PathBuf)], dir: &Path) -> Result<(), String> {
    use std::io::{BufRead, Read};
    let mut output = std::io::BufReader::new(output);
    let limit = stringent_compiler::discover::MAX_FILE_BYTES;
    for (object, relative) in blobs {
        let mut header = String::new();
        output.read_line(&mut header).map_err(|e| format!("git cat-file: {e}"))?;
        let size: u64 = match header.trim_end().split(' ').collect::<Vec<_>>().as_slice() {
            [o, "blob", size] if o == object => {
                size.parse().map_err(|_| format!("git cat-file: `{}`", header.trim()))?
            }
            _ => return Err(format!("git cat-file could not read `{}`", relative.display())),
        };
        if size > limit {
            return Err(format!(
                "`{}` is {size} bytes at that revision; rule files may be at most {limit} bytes",
                relative.display()
            ));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut output).take(size).read_to_end(&mut bytes).map_err(|e| format!("git cat-file: {e}"))?;
        let mut newline = [0u8; 1];
        output.read_exact(&mut newline).map_err(|e| format!("git cat-file: {e}"))?;
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot write `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&target, &bytes).map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok(())
}
