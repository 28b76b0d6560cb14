//! Invisible characters make text look like other text: each file that holds any gets one
//! W0010, at the first, with the count; a file without them gets none.
#![expect(clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use stringent_diagnostics::Code;

fn invisible_warnings(text: &str) -> Vec<(String, usize)> {
    let (_, diags) = stringent_syntax::parse("t.stringent", text);
    diags
        .iter()
        .filter(|d| d.code == Code::InvisibleCharacter)
        .map(|d| (d.message.clone(), d.primary.as_ref().map_or(usize::MAX, |l| l.span.start)))
        .collect()
}

#[test]
fn every_invisible_character_is_counted_in_one_warning_at_the_first() {
    let text = "jurisdiction US \"U\"\n// a\u{00AD}comment\nrule us.a \"A\u{200B}\" {\n  cite \"45 CFR\u{E0041}\"\n  effective 2020-01-01\n}\n";
    let found = invisible_warnings(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "the text contains 3 invisible characters");
    assert_eq!(found[0].1, text.find('\u{00AD}').unwrap_or_default());
}

#[test]
fn text_without_invisible_characters_and_the_separators_are_not_counted() {
    assert!(invisible_warnings("jurisdiction US \"U\"\n// plain text, é and 中\n").is_empty());
    // The line and paragraph separators are E0103 in comments and strings, not W0010.
    assert!(invisible_warnings("jurisdiction US \"U\"\n// a\u{2028}b\n").is_empty());
}

#[test]
fn a_braille_blank_a_mid_file_byte_order_mark_and_musical_format_characters_count() {
    let text = "jurisdiction US \"U\"\n// a\u{2800}b \u{FEFF} \u{1D173}\n";
    let found = invisible_warnings(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "the text contains 3 invisible characters");
}

#[test]
fn a_text_of_invisible_characters_is_blank() {
    for blank in ["\u{2800}", "\u{FEFF}", "\u{200B} \u{00AD}"] {
        let text =
            format!("jurisdiction US \"U\"\n\nrule us.a \"A\" {{\n  cite \"{blank}\"\n  effective 2020-01-01\n}}\n");
        let (_, diags) = stringent_syntax::parse("t.stringent", &text);
        assert!(diags.iter().any(|d| d.code == Code::EmptyText), "{blank:?}: {diags:?}");
    }
}
