//! Positions and words in a rule file's text.
//!
//! The compiler speaks in byte offsets; the protocol speaks in lines and UTF-16 code units.
//! Every conversion goes through here, and a position the text does not have is `None`,
//! never a panic: an editor may send a position from a version of the file we have not seen.

use lsp_types::{Position, Range};
use stringent_diagnostics::{LineIndex, Span};

/// A file's text with its line starts, computed once per version.
#[derive(Debug, Clone)]
pub struct Doc {
    pub text: String,
    pub lines: LineIndex,
}

impl Doc {
    pub fn new(text: String) -> Self {
        let lines = LineIndex::new(&text);
        Doc { text, lines }
    }

    /// The protocol position of a byte offset (clamped to the text, moved back to a
    /// character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line).unwrap_or(0);
        let column = self.text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        Position::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a protocol position, or `None` when the line does not exist. A
    /// column past the end of its line means the end of the line, as the protocol says.
    pub fn offset(&self, position: Position) -> Option<usize> {
        let line = usize::try_from(position.line).ok()?;
        let start = self.lines.line_start(line)?;
        let rest = self.text.get(start..)?;
        let end = rest.find('\n').map_or(self.text.len(), |i| start + i);
        let mut units = 0usize;
        let wanted = usize::try_from(position.character).ok()?;
        for (i, c) in self.text.get(start..end)?.char_indices() {
            if units >= wanted {
                return Some(start + i);
            }
            units += c.len_utf16();
        }
        Some(end)
    }

    /// The range of the whole text, for an edit that replaces it.
    pub fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

/// Characters of a word as this server sees names: identifiers, rule ids
/// (`ca.hsc_123110_a`) and jurisdiction ids (`US-CA`, `org:example_clinic`).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':')
}

/// The spans of every word outside comments and strings, in order. Names are found where
/// they are written, whether or not the file parses: an author mid-edit still navigates.
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut start: Option<usize> = None;
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Span::new(s, i));
        }
        match c {
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for (_, n) in chars.by_ref() {
                    match n {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        '\n' => break,
                        _ => escaped = false,
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Span::new(s, text.len()));
    }
    out
}

/// The word at a byte offset (the cursor inside it or just after it), trimmed of the
/// punctuation a sentence-like id may not end with.
pub fn word_at(text: &str, offset: usize) -> Option<Span> {
    let found = words(text).into_iter().find(|w| w.start <= offset && offset <= w.end)?;
    let word = text.get(found.start..found.end)?;
    let trimmed = word.trim_end_matches(['.', '-', ':']);
    Some(Span::new(found.start, found.start + trimmed.len()))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let doc = Doc::new("a \"é😀\" b\nxyz".to_owned());
        let b = doc.text.find('b').unwrap();
        let p = doc.position(b);
        assert_eq!(p, Position::new(0, 8), "the emoji is two UTF-16 units");
        assert_eq!(doc.offset(p), Some(b));
        assert_eq!(doc.offset(Position::new(1, 99)), Some(doc.text.len()));
        assert_eq!(doc.offset(Position::new(5, 0)), None);
    }

    #[test]
    fn words_skip_comments_and_strings() {
        let text = "rule us.x \"a b\" { // c d\n excepts US-CA }";
        let w: Vec<&str> = words(text).iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(w, ["rule", "us.x", "excepts", "US-CA"]);
    }
}
