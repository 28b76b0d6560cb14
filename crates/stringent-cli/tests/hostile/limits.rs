//! Documented limits and scale: deep exception chains, costly vocabularies, long value
//! hierarchies and layer chains, huge or endless policy files.
//!
//! Each case runs the binary under a time limit and an address-space limit (`ulimit -v`),
//! and reads its peak resident memory from `/proc` while it runs.

use super::*;
use stringent_compiler::limits;

/// Run the binary with a time limit and at most `max_mib` MiB of address space.
fn run_bounded(args: &[&str], limit: Duration, max_mib: u64) -> (Output, Usage) {
    let (output, usage) = run_child(args, limit, Some(max_mib));
    eprintln!("`stringent {}`: {:?}, peak RSS {} MiB, {:?}", args[0], usage.took, usage.peak_mib, output.status.code());
    (output, usage)
}

/// Time and memory within bounds, and said in the test's output either way.
#[track_caller]
fn assert_within(what: &str, usage: &Usage, seconds: u64, mib: u64) {
    eprintln!("{what}: {:?}, peak RSS {} MiB", usage.took, usage.peak_mib);
    assert!(usage.took < Duration::from_secs(seconds), "{what} took {:?}", usage.took);
    assert!(usage.peak_mib < mib, "{what} used {} MiB", usage.peak_mib);
}

/// How often a diagnostic code is reported in human output (each report starts with a
/// line holding its code).
fn count(stderr: &str, code: &str) -> usize {
    stderr.matches(&format!("[{code}]: ")).count()
}

/// The shipped vocabulary with `extra(axis)` appended to each axis's values.
fn vocabulary_with(extra: impl Fn(&str) -> String) -> String {
    let shipped = std::fs::read_to_string(repo().join("rules/vocabulary/axes.stringent")).unwrap();
    let mut out = String::new();
    let mut axis = None;
    for line in shipped.lines() {
        if let Some(rest) = line.strip_prefix("axis ") {
            axis = rest.split_whitespace().next().map(str::to_owned);
        }
        if line == "}"
            && let Some(a) = axis.take()
        {
            out.push_str(&extra(&a));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The shipped vocabulary less the last-declared values of its largest axes, one at a time,
/// until a chain has at most `max_cells` cells: the shape of the shipped axes at a size the
/// other limits admit. New values are declared after the existing ones of their axis (see
/// the vocabulary's header), so the values dropped are leaves.
fn shipped_vocabulary_within(max_cells: usize) -> String {
    let shipped = std::fs::read_to_string(repo().join("rules/vocabulary/axes.stringent")).unwrap();
    let lines: Vec<&str> = shipped.lines().collect();
    let mut axes: Vec<Vec<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("axis ") {
            axes.push(Vec::new());
        } else if line.trim_start().starts_with("value ") {
            axes.last_mut().unwrap().push(i);
        }
    }
    let mut dropped = Vec::new();
    while axes.iter().map(Vec::len).product::<usize>() > max_cells {
        let largest = (0..axes.len()).max_by_key(|a| (axes[*a].len(), std::cmp::Reverse(*a))).unwrap();
        dropped.push(axes[largest].pop().unwrap());
    }
    let kept = lines.iter().enumerate().filter(|(i, _)| !dropped.contains(i));
    kept.map(|(_, line)| format!("{line}\n")).collect()
}

/// A tree with the given vocabulary and one federal rule.
fn tree_with_vocabulary(name: &str, axes: &str) -> (Scratch, PathBuf) {
    let (s, root) = Scratch::tree(name);
    write(&root.join("vocabulary/axes.stringent"), axes.as_bytes());
    write(
        &root.join("us/federal.stringent"),
        format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n")).as_bytes(),
    );
    (s, root)
}

const QUESTION: [&str; 6] = ["--category", "hiv", "--purpose", "employment", "--recipient", "employer"];

// ------------------------------------------------------------------ exception chains

/// A chain of `n` exceptions in one layer: r1 excepts r0, r2 excepts r1, …
fn exception_chain(name: &str, n: usize) -> (Scratch, PathBuf) {
    let (s, root) = Scratch::tree(name);
    let mut text = String::from(HEADER);
    text.push_str(&rule("us.r0", "  category hiv\n  permission authorization\n"));
    for i in 1..n {
        text.push_str(&rule(
            &format!("us.r{i}"),
            &format!("  category hiv\n  permission authorization\n  excepts us.r{}\n", i - 1),
        ));
    }
    write(&root.join("us/federal.stringent"), text.as_bytes());
    (s, root)
}

/// `explain --rule` walked the tree recursively: 15,000 levels overflowed the stack and
/// aborted the process. A layer of so many rules is now refused by `check` itself, with one
/// E0400 (at most `MAX_RULES_PER_LAYER` rules, so no chain of exceptions is deeper).
#[test]
fn a_chain_of_15000_exceptions_is_e0400_not_an_abort() {
    let (_s, root) = exception_chain("chain-15000", 15_000);
    const { assert!(15_000 > limits::MAX_RULES_PER_LAYER) };
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(60), 2048);
    let stderr = assert_refused(&out, &["E0400", &format!("more than {} rules", limits::MAX_RULES_PER_LAYER)]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert_within("check, 15,000 exceptions", &usage, 20, 1024);
    let (out, usage) = run_bounded(
        &["explain", "--rules", p(&root), "--as-of", AS_OF, "--rule", "us.r0"],
        Duration::from_secs(60),
        2048,
    );
    assert_refused(&out, &["E0400"]);
    assert_within("explain --rule, 15,000 exceptions", &usage, 20, 1024);
}

/// As many levels as a layer has rules (the limit): the walk is iterative, and the tree is
/// shown to the documented depth with the rest counted. Its JSON once grew to 1.6 GB.
#[test]
fn explain_rule_on_the_deepest_exception_chain_is_cut_at_the_documented_depth() {
    let n = limits::MAX_RULES_PER_LAYER;
    let (_s, root) = exception_chain("chain-limit", n);
    for (rule, list) in [("us.r0", "is excepted by:"), (&*format!("us.r{}", n - 1), "is an exception to:")] {
        let (out, usage) = run_bounded(
            &["explain", "--rules", p(&root), "--as-of", AS_OF, "--rule", rule],
            Duration::from_secs(60),
            2048,
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains(list), "{}", stdout.chars().take(2000).collect::<String>());
        // The root, two headings, a `nothing`, the shown levels and the summary line.
        let lines = stdout.lines().count();
        assert!(lines <= limits::MAX_EXPLAIN_DEPTH + 5, "{lines} lines");
        let more = n - 1 - limits::MAX_EXPLAIN_DEPTH;
        assert!(stdout.contains(&format!("… {more} more levels")), "{}", stdout.lines().last().unwrap_or_default());
        assert_within(&format!("explain --rule {rule}, {n} exceptions"), &usage, 20, 1024);

        let (out, usage) = run_bounded(
            &["explain", "--rules", p(&root), "--as-of", AS_OF, "--rule", rule, "--format", "json"],
            Duration::from_secs(60),
            2048,
        );
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.len() < 4 * 1024 * 1024, "{} bytes of JSON", out.stdout.len());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let key = if rule == "us.r0" { "excepted_by" } else { "excepts" };
        let mut node = &json[key][0];
        let mut depth = 1;
        while let Some(child) = node["children"].get(0) {
            node = child;
            depth += 1;
        }
        assert_eq!(depth, limits::MAX_EXPLAIN_DEPTH);
        assert_eq!(node["more_levels"], more);
        assert_within(&format!("explain --rule {rule} --format json"), &usage, 20, 1024);
    }
}

/// The human rendering of a 10,000-rule cycle took 23 s (0.45 s as JSON): the diagnostic
/// carried a label for every member. It names the first few now; a cycle as long as a layer
/// may be is checked.
#[test]
fn a_cycle_of_1000_exceptions_renders_quickly() {
    let (_s, root) = Scratch::tree("cycle-1000");
    let n = limits::MAX_RULES_PER_LAYER;
    let mut text = String::from(HEADER);
    for i in 0..n {
        let prev = (i + n - 1) % n;
        text.push_str(&rule(
            &format!("us.r{i}"),
            &format!("  category hiv\n  permission authorization\n  excepts us.r{prev}\n"),
        ));
    }
    write(&root.join("us/federal.stringent"), text.as_bytes());
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(120), 2048);
    let stderr = assert_refused(&out, &["E0206", &format!("{n} rules are in the cycle"), "more"]);
    assert_eq!(count(&stderr, "E0206"), 1, "{}", stderr.chars().take(3000).collect::<String>());
    assert!(stderr.len() < 64 * 1024, "{} bytes of diagnostics for one cycle", stderr.len());
    assert_within("check, 1,000-rule exception cycle, human", &usage, 5, 1024);
}

// ------------------------------------------------------------------ vocabulary cost

/// 100 values on each axis passed `check` in 0.03 s; `decide`, `compile` and `test` then
/// aborted allocating 135 GB. `check` refuses it with one E0400, and so does everything.
#[test]
fn a_vocabulary_of_ten_billion_cells_is_one_e0400() {
    let axes = vocabulary_with(|axis| (0..100).map(|i| format!("  value {axis}_{i} \"{axis} {i}\"\n")).collect());
    let (s, root) = tree_with_vocabulary("cells", &axes);
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(60), 1024);
    let stderr = assert_refused(&out, &["E0400", "cells", &limits::MAX_CELLS.to_string(), "axes.stringent"]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
    assert_within("check, 10^10 cells", &usage, 5, 256);
    let out_dir = s.path.join("out");
    let mut decide = vec!["decide", "--rules", p(&root), "--as-of", AS_OF, "--jurisdiction", "US"];
    decide.extend(QUESTION);
    for args in [
        decide,
        vec!["compile", p(&root), "--as-of", AS_OF, "--out", p(&out_dir)],
        vec!["test", p(&root), "--as-of", AS_OF],
        vec!["explain", "--rules", p(&root), "--as-of", AS_OF, "--rule", "us.a"],
    ] {
        let (out, usage) = run_bounded(&args, Duration::from_secs(60), 1024);
        assert_refused(&out, &["E0400"]);
        assert_within(&format!("`{}`, 10^10 cells", args[0]), &usage, 5, 256);
    }
    assert!(!out_dir.exists(), "compile wrote output for a tree over the limit");
}

/// More values on one axis than allowed: one E0400 for the axis, not another for the cells
/// they would make.
#[test]
fn an_axis_over_the_value_limit_is_one_e0400() {
    let n = limits::MAX_VALUES_PER_AXIS + 1;
    let axes = vocabulary_with(|axis| {
        if axis == "purpose" {
            (0..n).map(|i| format!("  value p{i} \"Purpose {i}\"\n")).collect()
        } else {
            String::new()
        }
    });
    let (_s, root) = tree_with_vocabulary("values", &axes);
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(60), 1024);
    let stderr = assert_refused(&out, &["E0400", "`purpose`", &limits::MAX_VALUES_PER_AXIS.to_string()]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert!(stderr.contains("1 error, 0 warnings"), "{stderr}");
    assert_within("check, an axis over the value limit", &usage, 5, 256);
}

/// A value hierarchy as one chain of `under` on every axis (1,000 values each): the cover
/// table was built in cubic time (1,000: 1.4 s per axis; 3,000: 35 s). Now it is linear
/// in its size, and the depth is refused once per axis.
#[test]
fn value_hierarchies_of_1000_levels_are_e0400_quickly() {
    const N: usize = 1_000;
    const { assert!(N <= limits::MAX_VALUES_PER_AXIS && N > limits::MAX_HIERARCHY_DEPTH) };
    let n = N;
    let axes = vocabulary_with(|axis| {
        (0..n)
            .map(|i| match i {
                0 => format!("  value {axis}_0 \"{axis} 0\"\n"),
                _ => format!("  value {axis}_{i} \"{axis} {i}\" under {axis}_{}\n", i - 1),
            })
            .collect()
    });
    let (_s, root) = tree_with_vocabulary("hierarchy", &axes);
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(120), 1024);
    let stderr = assert_refused(&out, &["E0400", "nest 1000 deep", &limits::MAX_HIERARCHY_DEPTH.to_string()]);
    assert_eq!(count(&stderr, "E0400"), 5, "one per axis:\n{stderr}");
    assert!(stderr.contains("5 errors, 0 warnings"), "{stderr}");
    assert_within("check, five 1,000-level value hierarchies", &usage, 3, 512);
}

/// Organization layers each under the previous took quadratic time (1,000: 71 s). The
/// chain depth is a documented limit, found in one pass.
#[test]
fn a_chain_of_1000_layers_is_one_e0400_quickly() {
    let (_s, root) = Scratch::tree("layers");
    write(
        &root.join("us/federal.stringent"),
        format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n")).as_bytes(),
    );
    write(&root.join("aa/state.stringent"), b"jurisdiction US-AA \"State AA\" under US\n");
    let n = 1_000;
    for i in 0..n {
        let parent = if i == 0 { "US-AA".to_owned() } else { format!("org:o{}", i - 1) };
        write(
            &root.join(format!("org/o{i:04}.stringent")),
            format!(
                "jurisdiction org:o{i} \"Organization {i}\" under {parent}\n\n{}",
                rule(&format!("org.o{i}.a"), "  category hiv\n  permission specific_authorization\n")
            )
            .as_bytes(),
        );
    }
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(180), 1024);
    let stderr = assert_refused(&out, &["E0400", "org:o999", "1002 layers", &limits::MAX_CHAIN_DEPTH.to_string()]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert_within("check, a chain of 1,000 layers", &usage, 5, 512);
}

/// A state id `US-XX` for a number below 676.
fn state_id(i: usize) -> String {
    let letter = |n: usize| char::from(b'A' + u8::try_from(n % 26).unwrap());
    format!("US-{}{}", letter(i / 26), letter(i))
}

/// As many layers as allowed, each a state directly under the federal layer: every chain
/// is resolved, and the whole stays linear in the layers. The shipped vocabulary (234,080
/// cells a chain) reaches the limit on the cells of all chains at 286 layers, so the tree
/// uses the shipped axes trimmed to as many cells as that limit admits for every layer.
#[test]
fn the_largest_number_of_layers_checks_in_seconds() {
    let axes = shipped_vocabulary_within(limits::MAX_TOTAL_CELLS / limits::MAX_LAYERS);
    let (_s, root) = tree_with_vocabulary("many-layers", &axes);
    for i in 1..limits::MAX_LAYERS {
        write(
            &root.join(format!("states/s{i:04}.stringent")),
            format!(
                "jurisdiction {} \"State {i}\" under US\n\n{}",
                state_id(i),
                rule(
                    &format!("state.s{i}.a"),
                    "  category hiv\n  purpose research\n  permission specific_authorization\n"
                )
            )
            .as_bytes(),
        );
    }
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(180), 2048);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}", stderr.chars().take(3000).collect::<String>());
    assert_within(&format!("check, {} layers", limits::MAX_LAYERS), &usage, 20, 1024);
    // One more is refused, with one diagnostic.
    let i = limits::MAX_LAYERS;
    write(
        &root.join(format!("states/s{i:04}.stringent")),
        format!("jurisdiction {} \"State {i}\" under US\n", state_id(i)).as_bytes(),
    );
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(180), 2048);
    let stderr = assert_refused(&out, &["E0400", "jurisdictions"]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert_within(&format!("check, {} layers", limits::MAX_LAYERS + 1), &usage, 20, 1024);
}

// ------------------------------------------------------------------ fmt --check

/// `fmt --check` on a 1.4 MB file took 30 s: the diff was quadratic in the lines that
/// differ. It is bounded now, and still reports the file and exits 1.
#[test]
fn fmt_check_on_a_large_unformatted_file_is_quick() {
    let s = Scratch::new("fmt-large");
    let path = s.path.join("federal.stringent");
    // One-line rules: the formatter rewrites every one of them.
    let text = many_rules(9_100);
    assert!(text.len() > 1_400_000, "{} bytes", text.len());
    write(&path, text.as_bytes());
    let (out, usage) = run_bounded(&["fmt", "--check", p(&path)], Duration::from_secs(120), 1024);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 file not formatted"), "{stderr}");
    assert!(stdout.starts_with(&format!("--- {}", p(&path))), "{}", stdout.chars().take(500).collect::<String>());
    assert!(stdout.contains("the rest of the file changes too"), "{}", stdout.lines().last().unwrap_or_default());
    assert!(stdout.len() < 2 * 1024 * 1024, "{} bytes of diff", stdout.len());
    assert_within("fmt --check, 1.4 MB", &usage, 5, 512);
    // The file is left as it was.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// A small difference is shown in full, as before.
#[test]
fn fmt_check_shows_a_small_difference_whole() {
    let s = Scratch::new("fmt-small");
    let path = s.path.join("federal.stringent");
    let text = many_rules(3);
    write(&path, text.as_bytes());
    let out = run(&["fmt", "--check", p(&path)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!stdout.contains("the rest of the file"), "{stdout}");
    for i in 0..3 {
        assert!(stdout.contains(&format!("-rule r{i} ")), "{stdout}");
    }
}

// ------------------------------------------------------------------ policy files

/// `decide --policy` on a FIFO blocked forever in `open`: the file type is checked first.
#[cfg(unix)]
#[test]
fn a_fifo_as_policy_is_refused_without_blocking() {
    let s = Scratch::new("fifo");
    let fifo = s.path.join("policy.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut args = vec!["decide", "--policy", p(&fifo)];
    args.extend(QUESTION);
    let (out, usage) = run_bounded(&args, Duration::from_secs(20), 512);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_refused(&out, &["cannot read", "a FIFO", "not a regular file"]);
    assert_within("decide --policy FIFO", &usage, 5, 128);
}

/// A 2 GB (sparse) file was read whole: 2.1 GB resident. The size is checked first.
#[test]
fn a_two_gigabyte_policy_is_refused_without_reading_it() {
    let s = Scratch::new("sparse");
    let path = s.path.join("policy.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(2 * 1024 * 1024 * 1024).unwrap();
    drop(file);
    let mut args = vec!["decide", "--policy", p(&path)];
    args.extend(QUESTION);
    let (out, usage) = run_bounded(&args, Duration::from_secs(60), 512);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_refused(&out, &["2147483648 bytes", &stringent_policy::MAX_POLICY_BYTES.to_string()]);
    assert_within("decide --policy, 2 GB sparse file", &usage, 5, 128);
}

/// `compile` does not write an artifact that no loader would read: a policy over the
/// loader's size limit is an error before anything is written.
#[test]
fn compile_refuses_an_artifact_over_the_policy_size_limit() {
    let s = Scratch::new("artifact-size");
    let date = stringent_syntax::Date::parse(AS_OF).unwrap();
    let c = stringent_compiler::compile(&[repo().join("tests/corpus/worked-example")], date);
    assert!(!c.has_errors());
    let mut policy = c.policy_for("US").unwrap();
    let limit = usize::try_from(stringent_policy::MAX_POLICY_BYTES).unwrap();
    policy.rules[0].title = "t".repeat(limit);
    let out_dir = s.path.join("out");
    let err = stringent_compiler::emit::write_all(&out_dir, &[policy], date, || {}).unwrap_err();
    assert!(err.to_string().contains("a policy file may be at most"), "{err}");
    assert!(!out_dir.join("index.json").exists(), "an index was written");
    let written: Vec<_> = std::fs::read_dir(&out_dir).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(written.is_empty(), "{written:?}");
}

/// `diff` compares two trees on every later date a rule starts or ends; a tree with more
/// such dates than the limit is refused, not compared in part (a gate must not pass on a
/// part of the dates).
#[test]
fn diff_over_too_many_later_dates_is_refused() {
    let (s, old) = Scratch::tree("later-dates-old");
    write(
        &old.join("us/federal.stringent"),
        format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n")).as_bytes(),
    );
    let new = s.path.join("new");
    std::fs::create_dir_all(&new).unwrap();
    for f in ["vocabulary/axes.stringent", "vocabulary/terms.stringent"] {
        write(&new.join(f), &std::fs::read(old.join(f)).unwrap());
    }
    let mut federal = format!("{HEADER}{}", rule("us.a", "  category hiv\n  permission authorization\n"));
    for i in 0..=limits::MAX_LATER_DATES {
        federal.push_str(&format!(
            "rule us.later{i} \"A later rule\" {{\n  cite \"45 CFR 164.508(a)(1)\"\n  confidence verified\n  effective {}-01-01\n  category hiv\n  purpose research\n  permission specific_authorization\n}}\n\n",
            2030 + i
        ));
    }
    write(&new.join("us/federal.stringent"), federal.as_bytes());
    let (out, took) =
        run_for(&["diff", p(&old), p(&new), "--as-of", AS_OF, "--fail-on", "loosened"], Duration::from_secs(60));
    assert_refused(&out, &["dates after", "at most 256"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// More assertions than the limit are one E0400 at the first one over it, from `check` and
/// from `prove`, before any is checked; at the limit, `prove` checks them all in seconds.
#[test]
fn more_assertions_than_the_limit_are_one_e0400() {
    let (_s, root) = Scratch::tree("assertions");
    let federal = std::fs::read_to_string(repo().join("rules/us/federal.stringent")).unwrap();
    write(&root.join("us/federal.stringent"), federal.as_bytes());
    let one = |i: usize| {
        format!(
            "assert \"a{i}\" {{\n  jurisdiction all\n  purpose marketing\n  holder hospital\n  require level at_least authorization\n}}\n"
        )
    };
    let many: String = (0..=limits::MAX_ASSERTIONS).map(one).collect();
    write(&root.join("assertions/many.stringent"), many.as_bytes());
    let out = run(&["check", p(&root)]);
    let stderr = assert_refused(&out, &["E0400", &format!("at most {} are checked", limits::MAX_ASSERTIONS)]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    let out = run(&["prove", p(&root)]);
    assert_eq!(out.status.code(), Some(1));
    let at_limit: String = (0..limits::MAX_ASSERTIONS).map(one).collect();
    write(&root.join("assertions/many.stringent"), at_limit.as_bytes());
    let (out, usage) = run_bounded(&["prove", p(&root), "--format", "json"], Duration::from_secs(120), 4096);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(proof["assertions"].as_array().map(Vec::len), Some(limits::MAX_ASSERTIONS));
    assert_within("prove, the limit of assertions on the federal layer", &usage, 60, 1024);
}

/// An assertion no answer meets fails in every box of every chain on every date: `prove`
/// keeps at most `MAX_FAILING_BOXES` of them, says so, and stays within seconds and a few
/// hundred megabytes (it once took 27 s and 1 GB for one such assertion, 8 GB for ten).
#[test]
fn an_assertion_failing_everywhere_is_cut_off() {
    let (_s, root) = Scratch::tree("failing-everywhere");
    for dir in ["us", "us-ca", "us-ny", "us-tx"] {
        for entry in std::fs::read_dir(repo().join("rules").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            write(&root.join(dir).join(path.file_name().unwrap()), &std::fs::read(&path).unwrap());
        }
    }
    let one = |i: usize| {
        format!(
            "assert \"a{i}\" {{\n  jurisdiction all\n  require level at_least court_order_only\n  require mandatory\n}}\n"
        )
    };
    let many: String = (0..10).map(one).collect();
    write(&root.join("assertions/everywhere.stringent"), many.as_bytes());
    let (out, usage) = run_bounded(&["prove", p(&root), "--format", "json"], Duration::from_secs(120), 4096);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let proof: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mine: Vec<&serde_json::Value> = proof["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["file"].as_str().unwrap().ends_with("everywhere.stringent"))
        .collect();
    assert_eq!(mine.len(), 10);
    for a in mine {
        assert_eq!(a["truncated"], true, "{}", a["title"]);
    }
    assert_within("prove, ten assertions failing everywhere", &usage, 60, 2048);
}

/// The conditions of the shipped vocabulary, to build ways from.
fn shipped_conditions() -> Vec<String> {
    let terms = std::fs::read_to_string(repo().join("rules/vocabulary/terms.stringent")).unwrap();
    terms
        .lines()
        .filter_map(|l| l.strip_prefix("condition "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// `n` rules on one cell, each with `ways` ways of three conditions apiece, all distinct.
fn rules_of_many_ways(n: usize, ways: usize) -> String {
    rules_of_many_ways_on(&vec!["hiv"; n], ways)
}

/// One rule per category given, on purpose employment, each with `ways` ways of three
/// conditions apiece, all distinct.
fn rules_of_many_ways_on(categories: &[&str], ways: usize) -> String {
    let conditions = shipped_conditions();
    let mut k = 0;
    let mut body = String::from(HEADER);
    for (r, category) in categories.iter().enumerate() {
        let permission: Vec<String> = (0..ways)
            .map(|_| {
                let at = k;
                k += 1;
                let pick = |j: usize| conditions[(at * 7 + j * 13) % conditions.len()].clone();
                format!("authorization if {} and {} and {}", pick(0), pick(1), pick(2))
            })
            .collect();
        body.push_str(&rule(
            &format!("us.w{r}"),
            &format!("  category {}\n  purpose employment\n  permission {}\n", category, permission.join(" or ")),
        ));
    }
    body
}

#[test]
fn a_permission_of_too_many_ways_is_one_e0400() {
    let (_s, root) = Scratch::tree("ways-per-rule");
    write(&root.join("us/federal.stringent"), rules_of_many_ways(1, limits::MAX_WAYS_PER_RULE + 1).as_bytes());
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(60), 1024);
    let stderr = assert_refused(&out, &["E0400", "us.w0", &format!("at most {}", limits::MAX_WAYS_PER_RULE)]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert_within("check, one rule of too many ways", &usage, 5, 512);
}

/// Eight rules of sixteen conditional ways on one cell: their meet has 16^8 combinations.
/// It is cut off and refused in about a second (it ran for minutes before the limit).
#[test]
fn rules_whose_ways_multiply_past_the_limit_are_one_e0400_quickly() {
    let (_s, root) = Scratch::tree("ways-multiply");
    write(&root.join("us/federal.stringent"), rules_of_many_ways(8, limits::MAX_WAYS_PER_RULE).as_bytes());
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(120), 1024);
    let stderr = assert_refused(&out, &["E0400", "combine into more than", "category hiv, purpose employment"]);
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert_within("check, eight rules of sixteen ways on one cell", &usage, 10, 512);
}

/// Two categories whose cells each hold a rule of sixteen conditional ways: each cell is
/// within the bounds (the tree compiles), but a record carrying both meets them into 256
/// minimal ways, past the bound a permission keeps. `decide` refuses that question rather
/// than give an answer that keeps fewer ways than the law's, unflagged.
#[test]
fn a_question_whose_categories_multiply_past_the_bound_is_refused() {
    let (_s, root) = Scratch::tree("ways-categories");
    let rules = rules_of_many_ways_on(&["hiv", "genetic"], limits::MAX_WAYS_PER_RULE);
    write(&root.join("us/federal.stringent"), rules.as_bytes());
    let (out, _) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(60), 1024);
    assert_eq!(count(&String::from_utf8_lossy(&out.stderr), "E0400"), 0, "each cell is within the bounds");
    let ask = |categories: &[&str]| {
        let mut args = vec!["decide", "--rules", p(&root), "--as-of", AS_OF, "--jurisdiction", "US"];
        for c in categories {
            args.extend(["--category", c]);
        }
        args.extend(["--purpose", "employment", "--recipient", "employer"]);
        run_bounded(&args, Duration::from_secs(60), 1024).0
    };
    let one = ask(&["hiv"]);
    assert_eq!(one.status.code(), Some(0), "{}", String::from_utf8_lossy(&one.stderr));
    let both = ask(&["hiv", "genetic"]);
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert_eq!(both.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("combine into more than") && stderr.contains("fewer categories"), "{stderr}");
}

/// The shipped vocabulary with conditions `extra_000` … appended until the tree declares
/// `total`, and a federal layer whose one rule needs the last of them (its name returned).
fn tree_with_conditions(name: &str, total: usize) -> (Scratch, PathBuf, String) {
    let (s, root) = Scratch::tree(name);
    let terms = root.join("vocabulary/terms.stringent");
    let mut text = std::fs::read_to_string(&terms).unwrap();
    let shipped = text.lines().filter(|l| l.starts_with("condition ")).count();
    assert!(shipped < total, "the shipped vocabulary already declares {shipped} conditions");
    for i in 0..total - shipped {
        text.push_str(&format!("condition extra_{i:03} \"Fact number {i}\"\n"));
    }
    write(&terms, text.as_bytes());
    let last = format!("extra_{:03}", total - shipped - 1);
    write(
        &root.join("us/federal.stringent"),
        format!(
            "{HEADER}{}",
            rule("us.hiv", &format!("  category hiv\n  permission authorization or none if {last}\n"))
        )
        .as_bytes(),
    );
    (s, root, last)
}

#[test]
fn conditions_up_to_the_limit_are_kept_apart_and_one_more_is_one_e0400() {
    let max = stringent_policy::MAX_CONDITIONS;
    let (_a, root, last) = tree_with_conditions("conditions-at-limit", max);
    let out = run(&["check", p(&root), "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&[
        "decide",
        "--rules",
        p(&root),
        "--as-of",
        AS_OF,
        "--jurisdiction",
        "US",
        "--category",
        "hiv",
        "--purpose",
        "treatment",
        "--recipient",
        "provider",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let conditions: Vec<&str> = v["ways"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|w| w["conditions"].as_array().into_iter().flatten())
        .filter_map(|c| c.as_str())
        .collect();
    // The last condition the word holds is itself, not folded into another.
    assert_eq!(conditions, vec![last.as_str()], "{v:#}");

    let (_b, over, _) = tree_with_conditions("conditions-past-limit", max + 1);
    let out = run(&["check", p(&over), "--as-of", AS_OF]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(count(&stderr, "E0400"), 1, "{stderr}");
    assert!(stderr.contains(&format!("at most {max} are allowed")), "{stderr}");
}

/// Rule files past 64 MiB together: one E0006 at the first file past the limit, and the tree
/// is not read (a part of it would report what the rest declares as unknown), so memory stays
/// bounded however many files a tree holds.
#[test]
fn rule_files_past_the_tree_limit_are_one_e0006_and_not_read() {
    let (_s, root) = Scratch::tree("tree-bytes");
    let mut padding = String::from("// padding\n");
    padding.push_str(&" ".repeat(15 * 1024 * 1024));
    padding.push('\n');
    for i in 0..5 {
        write(&root.join(format!("pad/p{i}.stringent")), padding.as_bytes());
    }
    let (out, usage) = run_bounded(&["check", p(&root), "--as-of", AS_OF], Duration::from_secs(120), 4096);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", stderr.chars().take(2000).collect::<String>());
    assert_eq!(count(&stderr, "E0006"), 1, "{stderr}");
    // The message is wrapped to the terminal's width (a path may break at a hyphen): compare
    // its words.
    let words = stderr.split_whitespace().filter(|w| *w != "│").collect::<Vec<_>>().join(" ");
    assert!(words.contains("the rule files given hold more than 67108864 bytes"), "{stderr}");
    assert!(words.contains("p4.stringent`); none is read"), "the fifth file is the one past the limit: {stderr}");
    assert!(stderr.contains("1 error, 0 warnings"), "one mistake, one diagnostic: {stderr}");
    assert_within("check, five files of 15 MiB", &usage, 60, 2048);
}

/// A string past 64 KiB (a citation copied into every artifact and page naming its rule) is
/// one E0400 at the string.
#[test]
fn a_string_past_the_limit_is_one_e0400() {
    let (_s, root) = Scratch::tree("long-string");
    let long = "x".repeat(stringent_syntax::MAX_STRING_BYTES + 1);
    write(
        &root.join("us/federal.stringent"),
        format!(
            "{HEADER}{}",
            rule("us.hiv", "  category hiv\n  permission authorization\n").replace("45 CFR 164.508(a)(1)", &long)
        )
        .as_bytes(),
    );
    let out = run(&["check", p(&root), "--as-of", AS_OF]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", stderr.chars().take(2000).collect::<String>());
    assert_eq!(count(&stderr, "E0400"), 1, "{}", stderr.chars().take(2000).collect::<String>());
    assert!(
        stderr.contains(&format!("a string of {} bytes; at most 65536 are allowed", long.len())),
        "{}",
        stderr.chars().take(2000).collect::<String>()
    );
}
