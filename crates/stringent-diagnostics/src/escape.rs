//! Text shown on a terminal, made safe to show: rule text is input, and a control or
//! bidirectional character in it could make a rule read differently than it is.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The name of a bidirectional formatting character, `None` for any other character.
/// These are the characters rustc's `text_direction_codepoint` lints and GCC's
/// `-Wbidi-chars` warn about, and the three invisible direction marks.
pub fn bidi_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

/// A control character a terminal may act on: C0 controls but tab and line feed, DEL and
/// the C1 controls (U+0080 to U+009F; some terminals read U+009B as the start of an escape
/// sequence).
pub fn is_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// Characters that show as nothing or as a line break on a terminal or a page, so that
/// text holding them looks like other text: zero-width spaces and joiners, the soft hyphen,
/// the combining grapheme joiner, the word joiner and invisible operators, the deprecated
/// format characters (U+206A to U+206F), the Hangul and Khmer fillers, the Mongolian vowel
/// separator and free variation selectors, the braille blank, variation selectors, the
/// interlinear annotation characters (U+FFF9 to U+FFFB), the shorthand format controls
/// (U+1BCA0 to U+1BCA3), the musical-symbol format characters, tag characters (which can
/// spell hidden text), and the Unicode line and paragraph separators.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200D}' | '\u{2028}' | '\u{2029}' | '\u{2060}'..='\u{2064}' | '\u{206A}'..='\u{206F}'
        | '\u{3164}' | '\u{2800}' | '\u{FE00}'..='\u{FE0F}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Whether `c` is shown escaped by [`escape_for_terminal`].
fn needs_escape(c: char) -> bool {
    is_control(c) || bidi_name(c).is_some() || c == '\u{FEFF}' || is_invisible(c)
}

/// `text` with every control character (but tab, line feed, and a carriage return that
/// ends a line), bidirectional control, byte-order mark and invisible character written
/// as `\u{…}`, so what a
/// terminal shows is what the text holds. Text without such characters is returned as is.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if needs_escape(c) && !(c == '\r' && chars.peek() == Some(&'\n')) {
            any = true;
            break;
        }
    }
    if !any {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if needs_escape(c) {
            let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape_for_terminal`] of a source text, with a map from byte offsets in the text to
/// byte offsets in the escaped text, so spans into the one can point into the other.
#[derive(Debug)]
pub(crate) struct EscapedSource {
    pub text: String,
    /// The text as the file holds it, for columns as an editor counts them.
    pub original: String,
    /// (offset in the original text just after an escaped character, bytes added so far).
    shifts: Vec<(usize, usize)>,
}

impl EscapedSource {
    pub fn new(text: &str) -> Option<EscapedSource> {
        let escaped = escape_for_terminal(text);
        let Cow::Owned(escaped) = escaped else { return None };
        let mut shifts = Vec::new();
        let mut added = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
                continue;
            }
            if needs_escape(c) {
                let shown = format!("\\u{{{:04X}}}", u32::from(c)).len();
                added += shown - c.len_utf8();
                shifts.push((at + c.len_utf8(), added));
            }
        }
        Some(EscapedSource { text: escaped, original: text.to_owned(), shifts })
    }

    /// Where byte `offset` of the original text is in the escaped text. An offset inside an
    /// escaped character maps to the start of its escape.
    pub fn offset(&self, offset: usize) -> usize {
        let i = self.shifts.partition_point(|(at, _)| *at <= offset);
        let added = i.checked_sub(1).and_then(|i| self.shifts.get(i)).map_or(0, |(_, a)| *a);
        offset + added
    }

    /// Where byte `offset` of the escaped text is in the original text (the inverse of
    /// [`EscapedSource::offset`]; an offset inside an escape maps to its character's end).
    pub fn original_offset(&self, offset: usize) -> usize {
        let i = self.shifts.partition_point(|(at, added)| at + added <= offset);
        let added = i.checked_sub(1).and_then(|i| self.shifts.get(i)).map_or(0, |(_, a)| *a);
        offset.saturating_sub(added)
    }

    /// The 1-based column, in characters of the original text, of byte `offset` of the
    /// escaped text.
    pub fn original_column(&self, offset: usize) -> usize {
        let at = self.original_offset(offset).min(self.original.len());
        let line = self.original.get(..at).map_or(0, |t| t.rfind('\n').map_or(0, |n| n + 1));
        self.original.get(line..at).map_or(0, |t| t.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(escape_for_terminal("plain\ttext\r\n"), Cow::Borrowed(_)));
        assert_eq!(
            escape_for_terminal("a\u{202E}b\x1b[2Jc\x07\x08\r"),
            "a\\u{202E}b\\u{001B}[2Jc\\u{0007}\\u{0008}\\u{000D}"
        );
        assert_eq!(escape_for_terminal("\u{9B}\u{7F}\u{FEFF}"), "\\u{009B}\\u{007F}\\u{FEFF}");
    }

    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(
            escape_for_terminal("a\u{200B}b\u{2028}c\u{00AD}d\u{2060}"),
            "a\\u{200B}b\\u{2028}c\\u{00AD}d\\u{2060}"
        );
        // The deprecated format characters, the interlinear annotation characters and the
        // shorthand format controls show as nothing too.
        assert_eq!(
            escape_for_terminal("35-32-10\u{206B}4\u{FFFB}X\u{1BCA0}"),
            "35-32-10\\u{206B}4\\u{FFFB}X\\u{1BCA0}"
        );
    }

    #[test]
    fn offsets_move_past_escapes() {
        let text = "ab\u{202E}cd\x1bef";
        let e = EscapedSource::new(text).unwrap_or_else(|| EscapedSource {
            text: String::new(),
            original: String::new(),
            shifts: vec![],
        });
        assert_eq!(e.text, "ab\\u{202E}cd\\u{001B}ef");
        assert_eq!(e.offset(0), 0);
        assert_eq!(e.offset(2), 2);
        let c = text.find('c').unwrap_or(0);
        assert_eq!(e.text.get(e.offset(c)..e.offset(c) + 2), Some("cd"));
        let f = text.find('e').unwrap_or(0);
        assert_eq!(e.text.get(e.offset(f)..), Some("ef"));
        for o in [0, 2, c, f, text.len()] {
            assert_eq!(e.original_offset(e.offset(o)), o);
        }
        assert_eq!(e.original_column(e.offset(f)), 6);
    }
}
