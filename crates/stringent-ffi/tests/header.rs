//! `include/stringent.h` is what cbindgen makes of `src/lib.rs` today: a C caller never
//! compiles against a header that disagrees with the library.
#![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]

use std::path::Path;

#[test]
fn the_checked_in_header_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new().with_src(dir.join("src/lib.rs")).with_config(config).generate().unwrap();
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = dir.join("include/stringent.h");
    if std::env::var_os("STRINGENT_WRITE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "include/stringent.h is stale: regenerate with STRINGENT_WRITE_HEADER=1 cargo test -p stringent-ffi --test header"
    );
}
