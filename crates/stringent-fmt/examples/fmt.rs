//! Print a rule file in the canonical layout: `cargo run -p stringent-fmt --example fmt -- FILE`
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match stringent_fmt::format(&text) {
            Ok(out) => print!("{out}"),
            Err(e) => eprintln!("{path}: {e:?}"),
        }
    }
}
