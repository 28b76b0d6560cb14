//! Finding and reading rule files: every problem with the tree is a diagnostic.

use std::path::{Path, PathBuf};
use stringent_diagnostics::{Code, Diagnostic, Location, Span};
use walkdir::WalkDir;

/// The largest rule file stringent reads; a state's rules are far below it.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The most bytes of rule files one run reads, all roots together: memory grows with the
/// text (about 40 times its size while checking), and the shipped tree holds under 5 MiB.
pub const MAX_TREE_BYTES: u64 = 64 * 1024 * 1024;
/// The file extension of rule files.
pub const EXTENSION: &str = "stringent";

/// A rule file's text and the names it goes by.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// The path as shown to the user, `/`-separated (see [`slash`]).
    pub display: String,
    /// The path itself, for writing the file back.
    pub path: PathBuf,
    /// The path relative to its rules root, `/`-separated: stable across machines.
    pub relative: String,
    pub text: String,
}

/// What a walk of the rules roots found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<RuleFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Text of files that cannot be parsed (a NUL byte, invalid UTF-8 read lossily), kept
    /// so their diagnostics can show where the problem is.
    pub unparsed: Vec<(String, String)>,
}

/// Walk each root in a deterministic order (by relative path) and read every rule file.
/// Links are not followed out of a root; a link that leads out is reported.
pub fn discover(roots: &[PathBuf]) -> Discovered {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut unparsed = Vec::new();
    // A file reached twice (a root given twice, a root inside another, a link inside the
    // root) is read once.
    let mut read_already: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    // Bytes read so far; past MAX_TREE_BYTES nothing more is read (one E0006).
    let mut total: u64 = 0;
    let mut over = false;
    for root in roots {
        if !root.exists() {
            diags.push(
                Diagnostic::new(Code::RootMissing, format!("`{}` does not exist", slash(root)))
                    .with_help("give the directory that holds the rule files, e.g. `rules`"),
            );
            continue;
        }
        let kind = std::fs::metadata(root).map(|m| m.file_type());
        if kind.as_ref().is_ok_and(|k| !k.is_dir() && !k.is_file()) {
            diags.push(
                Diagnostic::new(
                    Code::NotRuleFileOrDirectory,
                    format!("`{}` is neither a directory nor a regular file", slash(root)),
                )
                .with_help("give the directory that holds the rule files, e.g. `rules`"),
            );
            continue;
        }
        let mut found_here = 0usize;
        let diags_before = diags.len();
        // A file given as the root is bounded by its folder: a link given as the root is then
        // held to what a link inside the folder would be (`fmt FILE` must not write through a
        // link to a file elsewhere).
        let bound = match std::fs::metadata(root) {
            Ok(m) if !m.is_dir() => root.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")),
            _ => root.as_path(),
        };
        let canonical_root = bound.canonicalize().unwrap_or_else(|_| bound.to_path_buf());
        let walker = WalkDir::new(root).follow_links(false).sort_by_file_name();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = err.path().map_or_else(|| slash(root), slash);
                    diags.push(file_error(Code::Unreadable, &path, format!("cannot read `{path}`: {err}")));
                    continue;
                }
            };
            let path = entry.path();
            let ft = entry.file_type();
            let is_rule_file = path.extension().is_some_and(|e| e == EXTENSION);
            if ft.is_symlink() {
                match path.canonicalize() {
                    Ok(target) if !target.starts_with(&canonical_root) => {
                        diags.push(
                            file_error(
                                Code::OutsideRoot,
                                &slash(path),
                                format!("`{}` links outside the rules root `{}`", slash(path), slash(root)),
                            )
                            .with_help("copy the file into the rules tree instead of linking to it"),
                        );
                        continue;
                    }
                    Ok(target) if target.is_file() && is_rule_file => {}
                    // A link named like a rule file to a FIFO, socket or device: not read (it
                    // could block), and not skipped in silence either, as below.
                    Ok(target) if is_rule_file && !target.is_dir() => {
                        diags.push(
                            file_error(
                                Code::NotRuleFileOrDirectory,
                                &slash(path),
                                format!(
                                    "`{}` links to neither a regular file nor a directory; it is not read",
                                    slash(path)
                                ),
                            )
                            .with_help("replace the link with the rule file it stands for, or rename it"),
                        );
                        continue;
                    }
                    Ok(_) => continue,
                    Err(err) => {
                        diags.push(file_error(
                            Code::Unreadable,
                            &slash(path),
                            format!("cannot follow link `{}`: {err}", slash(path)),
                        ));
                        continue;
                    }
                }
            } else if is_rule_file && !ft.is_file() && !ft.is_dir() {
                // A FIFO, socket or device named like a rule file: never opened (it could block
                // or never end), and not skipped in silence either — rules may be missing.
                diags.push(
                    file_error(
                        Code::NotRuleFileOrDirectory,
                        &slash(path),
                        format!("`{}` is neither a regular file nor a directory; it is not read", slash(path)),
                    )
                    .with_help("replace it with the rule file it stands for, or rename it"),
                );
                continue;
            } else if !ft.is_file() || !is_rule_file {
                continue;
            }
            found_here += 1;
            if !read_already.insert(path.canonicalize().unwrap_or_else(|_| path.to_path_buf())) {
                continue;
            }
            let relative = path.strip_prefix(root).map_or_else(|_| slash(path), slash);
            let relative = if relative.is_empty() { slash(path.file_name().map_or(path, Path::new)) } else { relative };
            if over {
                continue;
            }
            total = total.saturating_add(std::fs::metadata(path).map_or(0, |m| m.len()));
            if total > MAX_TREE_BYTES {
                over = true;
                diags.push(
                    file_error(
                        Code::TooLarge,
                        &slash(path),
                        format!(
                            "the rule files given hold more than {MAX_TREE_BYTES} bytes (reached at `{}`); none is read",
                            slash(path)
                        ),
                    )
                    .with_help("a tree of rules may hold at most 64 MiB (README.md, \"Limits\"); check only the folders you need"),
                );
                continue;
            }
            match read(path) {
                Ok(text) => files.push(RuleFile { display: slash(path), path: path.to_path_buf(), relative, text }),
                Err((d, text)) => {
                    if let Some(text) = text {
                        unparsed.push((slash(path), text));
                    }
                    diags.push(*d);
                }
            }
        }
        if found_here == 0 && diags.len() == diags_before {
            diags.push(
                Diagnostic::new(Code::NoRuleFiles, format!("`{}` holds no `.{EXTENSION}` file", slash(root)))
                    .with_help("give the directory that holds the rule files, e.g. `rules`, or a `.stringent` file"),
            );
        }
    }
    if over {
        // Past the limit the tree is not read at all: a part of it would report every name
        // the rest declares as unknown.
        files.clear();
        unparsed.clear();
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative).then_with(|| a.display.cmp(&b.display)));
    Discovered { files, diagnostics: diags, unparsed }
}

/// Rule files given in memory as (name, bytes), e.g. by an editor or a fuzzer: checked as
/// files read from disk are (size, emptiness, UTF-8, NUL bytes) and ordered by name. The
/// name stands for both the shown and the relative path; a name given twice is E0010.
pub fn from_memory(sources: Vec<(String, Vec<u8>)>) -> Discovered {
    let mut found = Discovered::default();
    let mut names = std::collections::HashSet::new();
    for (name, bytes) in sources {
        // Two sources of one name would both be read and the diagnostics of one shown
        // against the other's text: the second is refused, never silently merged.
        if !names.insert(name.clone()) {
            found.diagnostics.push(
                file_error(Code::DuplicateSource, &name, format!("two sources are named `{name}`"))
                    .with_help("give each source its own name, as each file on disk has its own path"),
            );
            continue;
        }
        let size = bytes.len() as u64;
        if size > MAX_FILE_BYTES {
            found.diagnostics.push(too_large(&name, size));
            continue;
        }
        match text_of(&name, bytes) {
            Ok(text) => {
                found.files.push(RuleFile { display: name.clone(), path: PathBuf::from(&name), relative: name, text })
            }
            Err((d, text)) => {
                if let Some(text) = text {
                    found.unparsed.push((name, text));
                }
                found.diagnostics.push(*d);
            }
        }
    }
    found.files.sort_by(|a, b| a.relative.cmp(&b.relative));
    found
}

/// A file that could not be read as rules: why, and its text where there is one to show.
type ReadError = (Box<Diagnostic>, Option<String>);

fn read(path: &Path) -> Result<String, ReadError> {
    let shown = slash(path);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err((Box::new(too_large(&shown, size)), None));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let d = file_error(Code::Unreadable, &shown, format!("cannot read `{shown}`: {e}"))
            .with_help("check the file's permissions");
        (Box::new(d), None)
    })?;
    text_of(&shown, bytes)
}

/// The text of a rule file's bytes, or why they are not one: empty, not UTF-8, or holding
/// a NUL byte. The same checks for files read from disk and sources given in memory.
fn text_of(shown: &str, bytes: Vec<u8>) -> Result<String, ReadError> {
    let shown = shown.to_owned();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let d = file_error(Code::EmptyFile, &shown, format!("`{shown}` is empty")).with_help(
            "a rule file holds at least a jurisdiction header or a declaration; delete the file if it is not needed",
        );
        return Err((Box::new(d), None));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let end = at + e.utf8_error().error_len().unwrap_or(1);
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::new(Code::InvalidUtf8, format!("`{shown}` is not valid UTF-8"))
                .at(Location::new(shown.clone(), Span::new(at, end.min(lossy.len())))
                    .labelled(format!("invalid byte at offset {at}")))
                .with_help("save the file as UTF-8");
            return Err((Box::new(d), Some(lossy)));
        }
    };
    if let Some(at) = text.find('\0') {
        let d = Diagnostic::new(Code::NulByte, format!("`{shown}` contains a NUL byte"))
            .at(Location::new(shown.clone(), Span::new(at, at + 1)).labelled("NUL byte"))
            .with_help("rule files are text; remove the byte");
        return Err((Box::new(d), Some(text)));
    }
    Ok(text)
}

/// E0006 for a file or source of `size` bytes, over the limit.
fn too_large(shown: &str, size: u64) -> Diagnostic {
    file_error(
        Code::TooLarge,
        shown,
        format!("`{shown}` is {size} bytes; rule files may be at most {MAX_FILE_BYTES} bytes"),
    )
    .with_help("split the rules over several files")
}

fn file_error(code: Code, path: &str, message: String) -> Diagnostic {
    Diagnostic::new(code, message).at(Location::new(path, Span::new(0, 0)))
}

/// A path with `/` separators, the same on every platform. Names that are not UTF-8
/// keep every byte (see [`shown_name`]), so two files never show, or are keyed, alike.
pub fn slash(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::CurDir => None,
            other => Some(shown_name(other.as_os_str())),
        })
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// One component of a path as text: UTF-8 as it is, a control character as `\u{000A}`, every
/// other byte as `\xFF`, and on Unix a backslash as `\\`, so that different names always
/// show differently and a name never breaks a line of output.
#[cfg(unix)]
fn shown_name(name: &std::ffi::OsStr) -> String {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt;
    let bytes = name.as_bytes();
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.contains('\\')
        && !text.chars().any(char::is_control)
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                // A newline or escape in a file name would forge a line of output.
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// One component of a path as text (on Windows, names are UTF-16 and shown lossily).
#[cfg(not(unix))]
fn shown_name(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
}

/// The folder whose presence marks a rules root: the vocabulary every layer's rules use.
pub const VOCABULARY_DIR: &str = "vocabulary";

/// What a command was asked about: the rules roots to compile, and, when files or folders
/// inside a root were named, those alone (shown paths, `/`-separated, as
/// [`RuleFile::display`] shows them) — to report on and to test.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    pub roots: Vec<PathBuf>,
    /// `None`: the whole of every root. Otherwise the files, and the folders (every file
    /// below them), that were named.
    pub only: Option<Vec<String>>,
}

impl Targets {
    /// Whether a file, by its shown path, is among the named ones.
    pub fn holds(&self, display: &str) -> bool {
        self.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| display == o || display.strip_prefix(o.as_str()).is_some_and(|r| r.starts_with('/')))
        })
    }
}

/// The rules root above a path: the nearest folder, the path itself included when it is a
/// folder, that holds `vocabulary/`. Looked for on the real (canonical) path, so that `.`,
/// `..` and links lead where the file system says.
pub fn enclosing_root(path: &Path) -> Option<PathBuf> {
    let canonical = path.canonicalize().ok()?;
    canonical.ancestors().find(|a| a.join(VOCABULARY_DIR).is_dir()).map(Path::to_path_buf)
}

/// Resolve the paths given to `check` or `test`: a folder that holds `vocabulary/`, or is in
/// no rules root, is a root compiled whole (as is a path that does not exist, for
/// [`discover`] to report); a file or a folder inside a rules root stands for its
/// enclosing root, compiled whole, with only the named paths reported on. Named paths in
/// two different roots are refused: one compile answers for one tree. `Err` says why, in
/// a sentence with help.
pub fn targets(paths: &[PathBuf]) -> Result<Targets, String> {
    let mut roots: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    let mut whole = false;
    for path in paths {
        if path.is_file() && path.extension().is_none_or(|e| e != EXTENSION) {
            return Err(format!(
                "`{}` is not a rule file\nhelp: give `.{EXTENSION}` files, or the folder that holds them",
                slash(path)
            ));
        }
        let root = if (path.is_dir() && path.join(VOCABULARY_DIR).is_dir()) || !path.exists() {
            None
        } else {
            enclosing_root(path)
        };
        let Some(root_real) = root else {
            if path.is_file() {
                return Err(format!(
                    "`{}` is in no rules root: no folder above it holds `{VOCABULARY_DIR}/`\n\
                     help: give a file inside a rules tree (the folder that holds `{VOCABULARY_DIR}/`, e.g. `rules`), \
                     or the file's folder to check it as a tree of its own",
                    slash(path)
                ));
            }
            whole = true;
            roots.push((path.clone(), path.canonicalize().ok()));
            continue;
        };
        let spelt = spelling(path, &root_real);
        let inside = path.canonicalize().ok().and_then(|p| p.strip_prefix(&root_real).ok().map(Path::to_path_buf));
        match inside {
            Some(rel) => named.push(slash(&spelt.join(rel))),
            None => whole = true,
        }
        roots.push((spelt, Some(root_real)));
    }
    // A root given twice (or as `rules` and `./rules`) is compiled once.
    let mut seen = std::collections::HashSet::new();
    roots.retain(|(spelt, real)| seen.insert(real.clone().unwrap_or_else(|| spelt.clone())));
    if !named.is_empty() && roots.len() > 1 {
        let shown: Vec<String> = roots.iter().map(|(r, _)| slash(r)).collect();
        return Err(format!(
            "the paths given lie in different rules roots (`{}`): one run answers for one tree\n\
             help: check or test the files of each root in a run of its own",
            shown.join("`, `")
        ));
    }
    let only = (!whole && !named.is_empty()).then_some(named);
    Ok(Targets { roots: roots.into_iter().map(|(r, _)| r).collect(), only })
}

/// A rules root spelt as the user spelt the path inside it (`rules` for
/// `rules/org/x.stringent`, `..` from inside `rules/org`), so that files are shown as a
/// whole-tree run shows them; its canonical form when no such spelling is found.
fn spelling(path: &Path, root: &Path) -> PathBuf {
    let is_root = |p: &Path| {
        let p = if p.as_os_str().is_empty() { Path::new(".") } else { p };
        p.canonicalize().is_ok_and(|c| c == root)
    };
    let lexical = path.ancestors().find(|a| is_root(a));
    if let Some(a) = lexical {
        return if a.as_os_str().is_empty() { PathBuf::from(".") } else { a.to_path_buf() };
    }
    let mut up = PathBuf::from("..");
    for _ in 0..64 {
        if is_root(&up) {
            return up;
        }
        if up.canonicalize().is_ok_and(|c| c.parent().is_none()) {
            break;
        }
        up.push("..");
    }
    root.to_path_buf()
}
