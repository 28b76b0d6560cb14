//! The text of every file read in a run, so any stage can render a diagnostic.

use std::collections::BTreeMap;
use std::sync::Arc;

/// File path (as shown to the user) to its text.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: BTreeMap<String, Arc<str>>,
}

impl SourceMap {
    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) {
        self.files.insert(path.into(), text.into());
    }

    pub fn get(&self, path: &str) -> Option<&Arc<str>> {
        self.files.get(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<str>)> {
        self.files.iter()
    }

    pub fn extend(&mut self, other: SourceMap) {
        self.files.extend(other.files);
    }
}
