//! `stringent lsp` driven over stdio as an editor drives it: initialize, open a shipped state
//! file, ask about it, break it and fix it, send it garbage, shut it down. And, `#[ignore]`d
//! for a release build, the latency and memory figures of BENCHMARKS.md ("Language
//! server").
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

mod common;

/// The repository's canonical path: file URIs name it as the server resolves them.
fn repo() -> PathBuf {
    common::repo().canonicalize().unwrap()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A client: writes framed messages, reads them on a thread.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    notes: Vec<Value>,
}

const WAIT: Duration = Duration::from_secs(120);

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args(["lsp", "--as-of", "2026-11-24"])
            .current_dir(repo())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap()];
                out.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, incoming, next_id: 0, notes: Vec::new() }
    }

    fn raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.raw(json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string().as_bytes());
    }

    /// The whole response (`result` or `error`) to a request.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.raw(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string().as_bytes());
        self.response(&json!(id))
    }

    fn response(&mut self, id: &Value) -> Value {
        loop {
            let m = self.incoming.recv_timeout(WAIT).expect("the server answers");
            if m.get("method").is_some() {
                self.notes.push(m);
            } else if &m["id"] == id {
                return m;
            }
        }
    }

    /// The next diagnostics published for `uri` (earlier ones read meanwhile are skipped).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.notes.iter().position(|n| n["params"]["uri"] == uri) {
            let n = self.notes.remove(i);
            return n["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri => {
                    return m["params"]["diagnostics"].as_array().unwrap().clone();
                }
                Ok(m) => self.notes.push(m),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => panic!("no diagnostics for {uri}"),
            }
        }
    }

    fn initialize(&mut self) {
        let r = self.request("initialize", json!({"processId": null, "rootUri": uri(&repo()), "capabilities": {}}));
        assert_eq!(r["result"]["capabilities"]["hoverProvider"], true, "{r}");
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "stringent", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

/// The position (0-based line, UTF-16 column) of the `nth` occurrence of `needle`, plus
/// `offset` characters.
fn position(text: &str, needle: &str, nth: usize, offset: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0 + offset;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position, "context": {"includeDeclaration": true}})
}

/// A rule with no `cite`: E0203, as `stringent check` reports it.
const MISTAKE: &str = "\nrule ca.lsp_probe \"A probe\" {\n  source \"https://example.org\"\n  confidence verified\n  effective 2020-01-01\n  category hiv\n  purpose treatment\n  recipient provider\n  permission authorization\n}\n";

#[test]
fn an_editor_session_on_a_shipped_state_file() {
    let root = repo();
    let path = root.join("rules/us-ca/california.stringent");
    let text = std::fs::read_to_string(&path).unwrap();
    let ca = uri(&path);
    let mut c = Client::start();
    c.initialize();
    c.open(&ca, &text);
    assert_eq!(c.diagnostics(&ca), Vec::<Value>::new(), "the shipped file is clean");

    // Hover on a rule id: title, citation, source, confidence, effective date.
    let r = c.request("textDocument/hover", at(&ca, position(&text, "rule ca.", 0, 6)));
    let hover = r["result"]["contents"]["value"].as_str().unwrap().to_owned();
    for part in ["**rule `ca.", "cite: Cal.", "source: <https://", "confidence: ", "effective: ", "decides answers in "]
    {
        assert!(hover.contains(part), "{part} in {hover}");
    }
    // On a value: its axis, title and HL7 code.
    let r = c.request("textDocument/hover", at(&ca, position(&text, "category hiv", 0, 10)));
    let hover = r["result"]["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("**value `hiv`** on axis `category`") && hover.contains("HL7"), "{hover}");
    // On a jurisdiction: its chain.
    let r = c.request("textDocument/hover", at(&ca, position(&text, "under US", 0, 7)));
    let hover = r["result"]["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("**jurisdiction `US`**") && hover.contains("chain: `US`"), "{hover}");

    // Definition of a rule named after `excepts`: its declaration in the same file.
    let excepts = position(&text, "excepts ", 0, 9);
    let r = c.request("textDocument/definition", at(&ca, excepts.clone()));
    let target = &r["result"][0];
    assert_eq!(target["uri"], ca.as_str(), "{r}");
    let line = target["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(text.lines().nth(line).unwrap().starts_with("rule "), "{r}");
    // References include the declaration and the `excepts`.
    let r = c.request("textDocument/references", at(&ca, excepts));
    assert!(r["result"].as_array().unwrap().len() >= 2, "{r}");
    // Definition of a value: the vocabulary.
    let r = c.request("textDocument/definition", at(&ca, position(&text, "category hiv", 0, 10)));
    assert!(r["result"][0]["uri"].as_str().unwrap().ends_with("rules/vocabulary/axes.stringent"), "{r}");

    // Completion: values after an axis, rules after `excepts`, keywords at the start of a line.
    let labels = |r: &Value| -> Vec<String> {
        r["result"]["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_owned()).collect()
    };
    let r = c.request("textDocument/completion", at(&ca, position(&text, "category hiv", 0, 9)));
    assert!(labels(&r).contains(&"mental_health".to_owned()), "{r}");
    let r = c.request("textDocument/completion", at(&ca, position(&text, "excepts ", 0, 8)));
    assert!(labels(&r).iter().any(|l| l.starts_with("us.hipaa.")), "{r}");
    let r = c.request("textDocument/completion", at(&ca, position(&text, "\nrule ", 0, 1)));
    assert!(labels(&r).contains(&"permission".to_owned()), "{r}");

    // Formatting: a shipped file is formatted, so no edit; a file laid out badly gets one.
    let format = json!({"textDocument": {"uri": ca}, "options": {"tabSize": 2, "insertSpaces": true}});
    let r = c.request("textDocument/formatting", format.clone());
    assert_eq!(r["result"], json!([]), "{r}");

    // Symbols and lenses: one lens per test, each passed, with the actual level.
    let r = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": ca}}));
    assert!(r["result"].as_array().unwrap().iter().any(|s| s["name"] == "US-CA"), "{r}");
    let r = c.request("textDocument/codeLens", json!({"textDocument": {"uri": ca}}));
    let lenses = r["result"].as_array().unwrap();
    assert_eq!(lenses.len(), text.matches("\ntest \"").count(), "{r}");
    assert!(lenses.iter().all(|l| l["command"]["title"].as_str().unwrap().starts_with("✓ passed: ")), "{r}");
    let run = c.request(
        "workspace/executeCommand",
        json!({"command": "stringent.runTest", "arguments": lenses[0]["command"]["arguments"]}),
    );
    assert_eq!(run["result"]["passed"], true, "{run}");
    let shown = c.notes.iter().find(|n| n["method"] == "window/showMessage").expect("the run is shown");
    assert!(shown["params"]["message"].as_str().unwrap().contains("✓ passed: "), "{shown}");

    // Inlay hints: none while every test passes; a wrong expectation shows the actual level.
    let r = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": ca}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99999, "character": 0}}}));
    assert_eq!(r["result"], json!([]), "{r}");

    // A code action on a rule: a test of its question expecting today's answer, which passes.
    let rule_at = position(&text, "\nrule ca.", 0, 3);
    let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": ca}, "range": {"start": rule_at, "end": rule_at}, "context": {"diagnostics": []}}));
    let edit = &r["result"][0]["edit"]["changes"][ca.as_str()][0];
    let added = edit["newText"].as_str().unwrap();
    assert!(added.contains("\ntest \"") && added.contains("  expect level "), "{r}");
    let line = edit["range"]["start"]["line"].as_u64().unwrap() as usize;
    let character = edit["range"]["start"]["character"].as_u64().unwrap() as usize;
    let offset: usize = text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character;
    let with_test = format!("{}{added}{}", &text[..offset], &text[offset..]);
    c.change(&ca, 2, &with_test);
    assert_eq!(c.diagnostics(&ca), Vec::<Value>::new());
    let r = c.request("textDocument/codeLens", json!({"textDocument": {"uri": ca}}));
    let lenses = r["result"].as_array().unwrap();
    assert_eq!(lenses.len(), text.matches("\ntest \"").count() + 1, "{r}");
    assert!(lenses.iter().all(|l| l["command"]["title"].as_str().unwrap().starts_with("✓ passed: ")), "{r}");
    c.change(&ca, 2, &text);
    c.diagnostics(&ca);

    // Folding: one range per multi-line block; rename: a rule id and every use, across files.
    let r = c.request("textDocument/foldingRange", json!({"textDocument": {"uri": ca}}));
    assert!(r["result"].as_array().unwrap().len() > 10, "{r}");
    let rename = |at_: Value, name: &str| {
        let mut p = at(&ca, at_);
        p["newName"] = json!(name);
        p
    };
    let r = c.request("textDocument/rename", rename(position(&text, "excepts ", 0, 9), "ca.renamed"));
    let edits = r["result"]["changes"][ca.as_str()].as_array().unwrap();
    assert!(edits.len() >= 2 && edits.iter().all(|e| e["newText"] == "ca.renamed"), "{r}");
    let r = c.request("textDocument/rename", rename(position(&text, "category hiv", 0, 10), "aids"));
    assert_eq!(r["error"]["code"], -32602, "a value is the vocabulary's public id: {r}");
    let r = c.request("textDocument/rename", rename(position(&text, "excepts ", 0, 9), "not an id"));
    assert_eq!(r["error"]["code"], -32602, "{r}");

    // A mistake appears with the check's code, span and help; fixing it clears it.
    let broken = format!("{text}{MISTAKE}");
    c.change(&ca, 2, &broken);
    let diags = c.diagnostics(&ca);
    let d = diags.iter().find(|d| d["code"] == "E0203").unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(d["severity"], 1);
    assert!(d["message"].as_str().unwrap().contains("help: every rule cites"), "{d}");
    assert_eq!(d["range"]["start"]["line"].as_u64().unwrap() as usize, text.lines().count() + 1, "{d}");
    let r = c.request("textDocument/formatting", format);
    assert_eq!(r["result"], json!([]), "a file that does not check may still format: {r}");
    let mess = text.replacen("  cite ", "      cite ", 1);
    c.change(&ca, 3, &mess);
    c.diagnostics(&ca);
    let r = c.request("textDocument/formatting", json!({"textDocument": {"uri": ca}, "options": {}}));
    assert_eq!(r["result"][0]["newText"].as_str().unwrap(), text, "{r}");
    c.change(&ca, 4, &text);
    assert_eq!(c.diagnostics(&ca), Vec::<Value>::new());
    let first_level = text.find("  expect level ").unwrap();
    let line_end = first_level + text[first_level..].find('\n').unwrap();
    let actual = text[first_level + "  expect level ".len()..line_end].trim().to_owned();
    let other = if actual == "prohibited" { "allowed" } else { "prohibited" };
    let wrong = format!("{}  expect level {other}{}", &text[..first_level], &text[line_end..]);
    c.change(&ca, 5, &wrong);
    c.diagnostics(&ca);
    let r = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": ca}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99999, "character": 0}}}));
    let hints = r["result"].as_array().unwrap();
    assert_eq!(hints.len(), 1, "{r}");
    assert_eq!(hints[0]["label"], format!("actual {actual}"), "{r}");
    c.change(&ca, 6, &text);
    c.diagnostics(&ca);

    // Garbage: an error each, and the server is still there.
    c.raw(b"{not json");
    let r = c.response(&Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");
    c.raw(b"{\"jsonrpc\": \"2.0\", \"result\": 1}");
    let r = c.response(&Value::Null);
    assert_eq!(r["error"]["code"], -32600, "{r}");
    // An id that is an object: no request can be answered under it, so the error goes to null.
    c.raw(b"{\"jsonrpc\": \"2.0\", \"id\": {\"a\": 1}, \"method\": \"textDocument/hover\", \"params\": {}}");
    let r = c.response(&Value::Null);
    assert_eq!(r["error"]["code"], -32600, "{r}");
    let r = c.request("stringent/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = c.request("textDocument/hover", json!({"nothing": true}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Out-of-range positions and files outside the tree: empty answers.
    let r = c.request("textDocument/hover", at(&ca, json!({"line": 999_999, "character": 4})));
    assert_eq!(r["result"], Value::Null, "{r}");
    let r = c.request("textDocument/definition", at(&ca, json!({"line": 3, "character": 4_000_000_000u64})));
    assert!(r.get("error").is_none(), "{r}");
    let outside = uri(&root.join("Cargo.toml"));
    c.open(&outside, "[package]");
    let r = c.request("textDocument/hover", at(&outside, json!({"line": 0, "character": 1})));
    assert_eq!(r["result"], Value::Null, "{r}");
    let r = c.request("textDocument/hover", at(&ca, position(&text, "rule ca.", 0, 6)));
    assert!(r["result"]["contents"]["value"].as_str().is_some(), "still answering: {r}");
    c.shutdown();
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The figures of BENCHMARKS.md, "Language server": run with
/// `cargo test --release -p stringent-cli --test lsp -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: run on a release build"]
fn latency_and_memory() {
    let root = repo();
    let rules = root.join("rules");
    let path = rules.join("us-ny/new_york.stringent");
    let text = std::fs::read_to_string(&path).unwrap();
    let ny = uri(&path);

    // A full compile of the tree, in this process, as `check` does it.
    let date = stringent_syntax::Date::parse("2026-11-24").unwrap();
    let mut full = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let c = stringent_compiler::compile(std::slice::from_ref(&rules), date);
        assert!(!c.has_errors());
        full.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let full_p50 = percentile(&mut full, 0.5);
    // And `stringent check rules` as a user runs it: the whole process, same allocator as
    // the server.
    let mut check = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_stringent"))
            .args(["check", "rules", "--as-of", "2026-11-24"])
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(out.status.success());
        check.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let check_p50 = percentile(&mut check, 0.5);

    let mut c = Client::start();
    c.initialize();
    c.open(&ny, &text);
    c.diagnostics(&ny);
    let pid = c.child.id();
    let mut edits = Vec::new();
    for i in 0..50 {
        let edited = if i % 2 == 0 { format!("{text}{}", MISTAKE.replace("ca.", "ny.")) } else { text.clone() };
        let t = Instant::now();
        c.change(&ny, i + 2, &edited);
        let d = c.diagnostics(&ny);
        edits.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(d.is_empty(), i % 2 == 1);
    }
    let mut timed = |method: &str, params: Value| -> f64 {
        let mut s = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            let r = c.request(method, params.clone());
            assert!(r.get("error").is_none(), "{r}");
            s.push(t.elapsed().as_secs_f64() * 1e3);
        }
        percentile(&mut s, 0.95)
    };
    let hover = timed("textDocument/hover", at(&ny, position(&text, "rule ny.", 0, 6)));
    let definition = timed("textDocument/definition", at(&ny, position(&text, "category ", 0, 10)));
    let completion = timed("textDocument/completion", at(&ny, position(&text, "category ", 0, 9)));
    let edit_p50 = percentile(&mut edits, 0.5);
    let edit_p95 = percentile(&mut edits, 0.95);
    println!("full compile (in process) p50: {full_p50:.1} ms; `stringent check rules` p50: {check_p50:.1} ms");
    println!(
        "diagnostics after an edit: p50 {edit_p50:.1} ms, p95 {edit_p95:.1} ms ({:.2}x the in-process compile, {:.2}x check)",
        edit_p95 / full_p50,
        edit_p95 / check_p50
    );
    println!("hover p95 {hover:.2} ms, definition p95 {definition:.2} ms, completion p95 {completion:.2} ms");
    let after_50 = rss_kib(pid);
    let mut after_100 = after_50;
    for i in 0..950 {
        let edited = if i % 2 == 0 { format!("{text}// edit {i}\n") } else { text.clone() };
        c.change(&ny, i + 100, &edited);
        c.diagnostics(&ny);
        if i == 49 {
            after_100 = rss_kib(pid);
        }
    }
    let after_1000 = rss_kib(pid);
    println!(
        "RSS after 50 edits {} MiB, after 100 {} MiB, after 1,000 {} MiB",
        after_50 / 1024,
        after_100 / 1024,
        after_1000 / 1024
    );
    // No growth: the last 900 edits add less than a tenth to what the first 100 left.
    assert!(after_1000 * 10 <= after_100 * 11, "memory grows: {after_100} KiB -> {after_1000} KiB");
    c.shutdown();
}

/// An editor that dies (its pipe closes) before `shutdown` and `exit` is a broken
/// connection: exit status 1, as the README says, not a clean 0.
#[test]
fn input_ending_before_shutdown_exits_1() {
    let mut c = Client::start();
    c.initialize();
    let Client { mut child, stdin, .. } = c;
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{status}");
}
