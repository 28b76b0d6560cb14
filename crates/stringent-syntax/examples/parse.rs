//! Parse rule files and print their syntax errors: `cargo run -p stringent-syntax --example parse -- FILE…`
use stringent_diagnostics::{HumanStyle, SourceMap, render_human};

fn main() {
    let mut sources = SourceMap::default();
    let mut all = Vec::new();
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (file, diags) = stringent_syntax::parse(&path, &text);
        println!("{path}: {} items, {} comments, {} errors", file.items.len(), file.comments.len(), diags.len());
        sources.insert(path, text);
        all.extend(diags);
    }
    print!("{}", render_human(&all, &sources, HumanStyle::Plain, 100));
}
