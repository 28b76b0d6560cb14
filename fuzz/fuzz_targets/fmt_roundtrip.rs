//! A file that parses cleanly must format, and formatting is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (_tree, diags) = stringent_syntax::parse("f", text);
    if !diags.is_empty() {
        return;
    }
    let once = match stringent_fmt::format(text) {
        Ok(out) => out,
        Err(e) => panic!("format refused a file that parses cleanly: {e:?}"),
    };
    let twice = match stringent_fmt::format(&once) {
        Ok(out) => out,
        Err(e) => panic!("format refused its own output: {e:?}\n--- output ---\n{once}"),
    };
    assert_eq!(once, twice, "formatting is not idempotent");
});
