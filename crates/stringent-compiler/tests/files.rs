//! Problems with the rules tree itself that cannot be committed as plain files: a missing
//! root, an unreadable file or directory, a link that leads out of the root, a file too
//! large to read. Each test builds its tree in a fresh temporary directory, checks that
//! the intended code is reported and that rendering does not panic, and cleans up.

#![expect(clippy::unwrap_used, reason = "a test reports a broken expectation by panicking")]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use stringent_compiler::{Compilation, compile, discover};
use stringent_diagnostics::{HumanStyle, render_human};
use stringent_syntax::Date;

const AXES: &str = include_str!("../../../tests/corpus/worked-example/axes.stringent");
const FEDERAL: &str = "jurisdiction US \"United States (federal)\"\n\n\
rule us.164_508_a_1 \"No disclosure without an authorization\" {\n  \
cite \"45 CFR 164.508(a)(1)\"\n  confidence verified\n  effective 2003-04-14\n  \
category health_information\n  permission authorization\n}\n";

/// A directory under the system's temporary directory, removed (permissions restored
/// first) when dropped, also when the test fails.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "stringent-files-{name}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    /// A rules tree: `rules/axes.stringent` and `rules/us/federal.stringent`.
    fn tree(name: &str) -> (Scratch, PathBuf) {
        let scratch = Scratch::new(name);
        let root = scratch.path.join("rules");
        write(&root.join("axes.stringent"), AXES);
        write(&root.join("us/federal.stringent"), FEDERAL);
        (scratch, root)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        restore_permissions(&self.path);
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[test]
fn e0008_a_root_without_rule_files_is_reported_once() {
    let scratch = Scratch::new("e0008");
    let root = scratch.path.join("notes");
    write(&root.join("readme.txt"), "jurisdiction US \"United States\"\n");
    let c = check(&root);
    assert_eq!(codes(&c), ["E0008"], "one mistake, one diagnostic");
    let empty = scratch.path.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_eq!(codes(&check(&empty)), ["E0008"]);
}

#[test]
fn e0009_a_root_that_is_a_device_is_reported_without_reading_it() {
    let c = check(Path::new("/dev/zero"));
    assert_eq!(codes(&c), ["E0009"]);
}

/// A link named like a rule file that leads to a device (or a FIFO, a socket) inside the
/// tree is never opened, and never skipped in silence: rules may be missing.
#[cfg(unix)]
#[test]
fn e0009_a_rule_file_link_to_a_device_is_reported_without_reading_it() {
    let (_scratch, root) = Scratch::tree("e0009-link");
    std::os::unix::fs::symlink("/dev/zero", root.join("us-xx.stringent")).unwrap();
    let c = check(&root);
    // The device lies outside the root: the link is refused as leading out of it.
    assert_eq!(codes(&c), ["E0005"]);
    // A FIFO inside the root, reached through a link named like a rule file.
    std::fs::remove_file(root.join("us-xx.stringent")).unwrap();
    let fifo = root.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("pipe", root.join("us-xx.stringent")).unwrap();
    assert_eq!(codes(&check(&root)), ["E0009"]);
}

#[test]
fn e0001_is_not_followed_by_a_cascade() {
    let scratch = Scratch::new("e0001-once");
    assert_eq!(codes(&check(&scratch.path.join("missing"))), ["E0001"]);
}

#[cfg(unix)]
fn restore_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            restore_permissions(&path);
        } else if meta.is_file() {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
        }
    }
}

#[cfg(not(unix))]
fn restore_permissions(_dir: &Path) {}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn check(root: &Path) -> Compilation {
    let c = compile(&[root.to_path_buf()], Date::parse("2025-06-01").unwrap());
    // Rendering must cope with every diagnostic, also those with no source text.
    let rendered = render_human(&c.diagnostics, &c.sources, HumanStyle::Plain, 100);
    let ascii = render_human(&c.diagnostics, &c.sources, HumanStyle::Ascii, 60);
    assert_eq!(rendered.is_empty(), c.diagnostics.is_empty());
    assert_eq!(ascii.is_empty(), c.diagnostics.is_empty());
    c
}

fn codes(c: &Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn the_fixture_tree_is_valid() {
    // The trees below differ from this one only by the problem each test adds.
    let (_scratch, root) = Scratch::tree("valid");
    let c = check(&root);
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
}

#[test]
fn e0001_a_missing_root_is_reported() {
    let scratch = Scratch::new("e0001");
    let root = scratch.path.join("no-such-rules");
    let c = check(&root);
    assert_eq!(codes(&c), ["E0001"]);
    let d = c.diagnostics.first().unwrap();
    assert_eq!(d.code.as_str(), "E0001");
    assert!(d.message.contains("no-such-rules"), "{}", d.message);
    assert!(d.primary.is_none());
    assert!(d.help.is_some());
}

#[cfg(unix)]
#[test]
fn e0002_an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let (_scratch, root) = Scratch::tree("e0002-file");
    let file = root.join("us/federal.stringent");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let c = check(&root);
    if std::fs::read(&file).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): permissions do not stop reading.
        eprintln!("skipped: `{}` is readable despite mode 000", file.display());
        return;
    }
    assert!(codes(&c).contains(&"E0002"), "{:?}", codes(&c));
    let d = c.diagnostics.iter().find(|d| d.code.as_str() == "E0002").unwrap();
    assert!(d.message.contains("federal.stringent"), "{}", d.message);
}

#[cfg(unix)]
#[test]
fn e0002_an_unreadable_directory_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let (_scratch, root) = Scratch::tree("e0002-dir");
    let dir = root.join("us");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    let c = check(&root);
    if std::fs::read_dir(&dir).is_ok() {
        eprintln!("skipped: `{}` is readable despite mode 000", dir.display());
        return;
    }
    assert!(codes(&c).contains(&"E0002"), "{:?}", codes(&c));
}

#[cfg(unix)]
#[test]
fn e0002_a_dangling_link_is_reported() {
    // Unlike permissions, this holds for every user, root included.
    let (_scratch, root) = Scratch::tree("e0002-link");
    std::os::unix::fs::symlink(root.join("nowhere.stringent"), root.join("us/dangling.stringent")).unwrap();
    let c = check(&root);
    assert_eq!(codes(&c), ["E0002"]);
    let d = c.diagnostics.first().unwrap();
    assert!(d.message.contains("dangling.stringent"), "{}", d.message);
}

#[cfg(unix)]
#[test]
fn e0005_a_link_out_of_the_root_is_reported() {
    let (scratch, root) = Scratch::tree("e0005");
    let outside = scratch.path.join("elsewhere/state.stringent");
    write(&outside, "jurisdiction US-XX \"Example state\" under US\n");
    std::os::unix::fs::symlink(&outside, root.join("state.stringent")).unwrap();
    let c = check(&root);
    assert_eq!(codes(&c), ["E0005"]);
    let d = c.diagnostics.first().unwrap();
    assert!(d.message.contains("state.stringent"), "{}", d.message);
    assert!(d.help.is_some());
    // The linked file is not read: its jurisdiction does not exist.
    assert_eq!(c.jurisdictions(), ["US"]);
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_root_is_followed() {
    let (_scratch, root) = Scratch::tree("link-inside");
    write(&root.join("shared/state.txt"), "jurisdiction US-XX \"Example state\" under US\n");
    std::os::unix::fs::symlink(root.join("shared/state.txt"), root.join("state.stringent")).unwrap();
    let c = check(&root);
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
    let mut jurisdictions = c.jurisdictions();
    jurisdictions.sort();
    assert_eq!(jurisdictions, ["US", "US-XX"]);
}

#[test]
fn e0006_a_file_too_large_is_reported_without_reading_it() {
    let (_scratch, root) = Scratch::tree("e0006");
    let big = root.join("big.stringent");
    // A sparse file: its length is past the limit, but no disk space is used.
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(discover::MAX_FILE_BYTES + 1).unwrap();
    drop(f);
    let c = check(&root);
    assert_eq!(codes(&c), ["E0006"]);
    let d = c.diagnostics.first().unwrap();
    assert!(d.message.contains("big.stringent"), "{}", d.message);
    assert!(d.message.contains(&(discover::MAX_FILE_BYTES + 1).to_string()), "{}", d.message);
}

#[test]
fn a_file_at_the_limit_is_read() {
    let (_scratch, root) = Scratch::tree("limit");
    // Exactly the limit: allowed, and (being all spaces) reported as empty, not too large.
    std::fs::write(root.join("edge.stringent"), vec![b' '; usize::try_from(discover::MAX_FILE_BYTES).unwrap()])
        .unwrap();
    let c = check(&root);
    assert_eq!(codes(&c), ["E0004"]);
}

#[test]
fn a_root_given_twice_or_inside_another_is_read_once() {
    let (_scratch, root) = Scratch::tree("twice");
    let c = compile(&[root.clone(), root.clone(), root.join("us")], Date::parse("2025-06-01").unwrap());
    assert!(c.diagnostics.is_empty(), "{:?}", codes(&c));
}

/// A file or folder inside a rules root (the folder holding `vocabulary/`) stands for that
/// root, with only what was named reported on: a folder holds the files below it, not a
/// sibling whose name it begins (`us` is not `us-ca`); naming the root as well widens the
/// run to the whole tree; a file that is no rule file is refused.
#[test]
fn a_path_inside_a_rules_root_stands_for_the_root_and_names_what_is_reported() {
    let scratch = Scratch::new("targets");
    let root = scratch.path.join("rules");
    write(&root.join("vocabulary/axes.stringent"), AXES);
    write(&root.join("us/federal.stringent"), FEDERAL);
    write(&root.join("us-ca/california.stringent"), "jurisdiction US-CA \"California\" under US\n");
    write(&root.join("notes.txt"), "not rules");
    let shown = |p: &Path| discover::slash(p);

    let t = discover::targets(&[root.join("us")]).unwrap();
    assert_eq!(t.roots, vec![root.clone()]);
    assert_eq!(t.only, Some(vec![shown(&root.join("us"))]));
    assert!(t.holds(&shown(&root.join("us/federal.stringent"))));
    assert!(!t.holds(&shown(&root.join("us-ca/california.stringent"))), "`us` is not `us-ca`");

    let t = discover::targets(&[root.join("us-ca/california.stringent"), root.clone()]).unwrap();
    assert_eq!((t.roots, t.only), (vec![root.clone()], None), "the root named too: the whole tree");

    let t = discover::targets(&[root.join("vocabulary/axes.stringent")]).unwrap();
    assert_eq!(t.roots, vec![root.clone()]);

    let refused = discover::targets(&[root.join("notes.txt")]).unwrap_err();
    assert!(refused.contains("is not a rule file"), "{refused}");
}
