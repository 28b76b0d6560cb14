//! The human renderer's path for large files (at least 1 MiB: an indexed, windowed source
//! and snippets capped in size), which `parse` never reaches with its small inputs: the
//! input is parsed as it is, and its diagnostics rendered against the same text padded
//! past 1 MiB, with newlines (many short lines) or spaces (one huge last line). The
//! padding comes after the text, so every span still points where it did.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stringent_diagnostics::{HumanStyle, SourceMap, render_human};

const PAD: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_tree, diags) = stringent_syntax::parse("f", &text);
    let pad = if data.len() % 2 == 0 { "\n" } else { " " };
    let mut padded = String::with_capacity(text.len() + PAD);
    padded.push_str(&text);
    padded.push_str(&pad.repeat(PAD));
    let mut sources = SourceMap::default();
    sources.insert("f", padded.as_str());
    let _ = render_human(&diags, &sources, HumanStyle::Ascii, 100);
    let _ = render_human(&diags, &sources, HumanStyle::Colour, 40);
});
