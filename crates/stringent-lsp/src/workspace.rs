//! The rules tree the server works on: the files on disk, overlaid by the documents the
//! editor has open, compiled in memory as one tree.

use crate::index::Index;
use crate::text::Doc;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use stringent_compiler::discover::{self, VOCABULARY_DIR};
use stringent_compiler::{Compilation, ParseCache};
use stringent_syntax::Date;

/// One compile of the tree and what it declares.
pub struct Analysis {
    pub compilation: Compilation,
    pub index: Index,
}

/// The tree: its root, what the disk holds, what the editor holds.
pub struct Workspace {
    pub root: PathBuf,
    /// Rule files read from disk, by path relative to the root.
    disk: BTreeMap<String, String>,
    /// Open documents, by path relative to the root; they win over the disk.
    open: BTreeMap<String, String>,
    pub as_of: Date,
    /// The syntax trees of the last compile: an edit re-parses the edited file alone.
    pub parsed: ParseCache,
}

/// The rules root above a path: the nearest folder, the path itself included, that holds
/// `vocabulary/` (as `check` finds it). Looked for without requiring the file itself to
/// exist, since an editor may open a buffer not yet saved.
pub fn root_of(path: &Path) -> Option<PathBuf> {
    path.ancestors().find(|a| a.join(VOCABULARY_DIR).is_dir()).map(Path::to_path_buf)
}

impl Workspace {
    pub fn new(root: PathBuf, as_of: Date) -> Workspace {
        let mut ws =
            Workspace { root, disk: BTreeMap::new(), open: BTreeMap::new(), as_of, parsed: ParseCache::default() };
        ws.reload_disk();
        ws
    }

    /// Read the rule files under the root again, through the same walk `check` uses (no
    /// link out of the root, no file over the size limit).
    pub fn reload_disk(&mut self) {
        let found = discover::discover(std::slice::from_ref(&self.root));
        self.disk = found.files.into_iter().map(|f| (f.relative, f.text)).collect();
    }

    /// The path of a file relative to the root, `/`-separated; `None` for a file outside
    /// the root or not a rule file.
    pub fn relative(&self, path: &Path) -> Option<String> {
        if path.extension().is_none_or(|e| e != discover::EXTENSION) {
            return None;
        }
        let rest = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = rest.components().map(|c| c.as_os_str().to_str()).collect();
        let parts = parts?;
        if parts.iter().any(|p| *p == ".." || p.is_empty()) {
            return None;
        }
        Some(parts.join("/"))
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        relative.split('/').fold(self.root.clone(), |p, part| p.join(part))
    }

    pub fn open(&mut self, relative: String, text: String) {
        self.open.insert(relative, text);
    }

    /// Forget an open document: the file on disk counts again.
    pub fn close(&mut self, relative: &str) {
        self.open.remove(relative);
        let path = self.path(relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                self.disk.insert(relative.to_owned(), text);
            }
            Err(_) => {
                self.disk.remove(relative);
            }
        }
    }

    /// The open documents, by path relative to the root.
    pub fn open_files(&self) -> impl Iterator<Item = &String> {
        self.open.keys()
    }

    pub fn saved(&mut self, relative: &str) {
        if let Some(text) = self.open.get(relative) {
            self.disk.insert(relative.to_owned(), text.clone());
        }
    }

    pub fn sources(&self) -> Vec<(String, String)> {
        let mut all = self.disk.clone();
        all.extend(self.open.iter().map(|(k, v)| (k.clone(), v.clone())));
        all.into_iter().collect()
    }

    /// Compile the tree as it stands, in memory.
    pub fn analyse(&mut self) -> Analysis {
        let sources = self.sources();
        let texts: Vec<(String, String)> = sources.clone();
        let compilation = stringent_compiler::compile_sources_cached(sources, self.as_of, &mut self.parsed);
        let index = Index::build(&texts, &self.parsed);
        Analysis { compilation, index }
    }
}

impl Analysis {
    pub fn doc(&self, file: &str) -> Option<&Doc> {
        self.index.files.get(file).map(|f| &f.doc)
    }
}
