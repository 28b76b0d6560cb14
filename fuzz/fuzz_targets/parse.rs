//! Any bytes, as text, must parse to a tree and diagnostics, and the diagnostics must
//! render: never a panic, and every span inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stringent_diagnostics::{HumanStyle, SourceMap, render_human, render_json};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_tree, diags) = stringent_syntax::parse("f", &text);
    for d in &diags {
        for loc in d.primary.iter().chain(&d.related) {
            let s = loc.span;
            assert!(
                s.start <= s.end && s.end <= text.len(),
                "{}: span {s:?} outside a {}-byte text",
                d.code,
                text.len()
            );
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{}: span {s:?} not on character boundaries",
                d.code
            );
        }
    }
    let mut sources = SourceMap::default();
    sources.insert("f", &*text);
    let _ = render_human(&diags, &sources, HumanStyle::Ascii, 100);
    let _ = render_json(&diags, &sources);
});
