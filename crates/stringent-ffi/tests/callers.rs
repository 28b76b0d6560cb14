//! The C ABI from its callers, each asked every golden vector with the same input and
//! output (`tests/c/golden.c` describes both), the answers (accessors and decision JSON)
//! compared with the vectors' expectations:
//! - C: `tests/c/golden.c`, compiled with the system's C compiler against
//!   `include/stringent.h` and linked twice, dynamically (`libstringent.so`) and statically
//!   (`libstringent.a`); its own checks of the error paths must pass too;
//! - Java: `java/GoldenVectors.java` through `java/org/stringent/Stringent.java` and JNA
//!   (Debian's `libjna-java`), the path a hospital's Java stack would take. It needs `javac`
//!   and the JNA jar, so it is `#[ignore]`d here and run by `tests/run`, which installs JNA
//!   with `--with-browser`.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

#[path = "../../../tests/vectors/golden.rs"]
mod golden;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The directory cargo wrote this crate's libraries to when it built them for this test:
/// `deps/`, beside the test binary (a plain `cargo build` copies them one level up).
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    [deps, deps.parent().unwrap()].into_iter().find(|d| d.join("libstringent.so").exists()).unwrap().to_path_buf()
}

fn compile_c(out: &Path, link: &[&str]) {
    compile_c_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/golden.c"), out, link);
}

fn compile_c_file(source: &Path, out: &Path, link: &[&str]) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-I"])
        .arg(crate_dir.join("include"))
        .arg(source)
        .arg("-o")
        .arg(out)
        .args(link)
        .status()
        .unwrap();
    assert!(status.success(), "the C program did not build");
}

fn questions(vectors: &[Value]) -> String {
    let mut input = String::new();
    for v in vectors {
        let a = golden::asked(v);
        let indices = a.indices.map_or("-".to_owned(), |i| i.iter().map(u32::to_string).collect::<Vec<_>>().join(","));
        input.push_str(
            &[a.jurisdiction, a.categories.join(","), a.purpose, a.recipient, a.subject, a.holder, indices].join("\t"),
        );
        input.push('\n');
    }
    input
}

fn run(mut command: Command, compiled: &Path, input: &str, library_path: &Path) -> String {
    let mut child = command
        .arg(compiled)
        .env("LD_LIBRARY_PATH", library_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "the C program failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every line of the C program's output against its vector.
fn compare(vectors: &[Value], output: &str) {
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), vectors.len(), "one answer per question");
    let mut wrong = Vec::new();
    for (n, (v, line)) in vectors.iter().zip(&lines).enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        let ok = if let Some(error) = v.get("error") {
            f[0] == "error" && f[2] == "unknown_value" && f[3] == error["message"].as_str().unwrap()
        } else {
            let e = &v["expect"];
            let names =
                |k: &str| e[k].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>().join(",");
            let rules = e["provenance"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["rule"].as_str().unwrap())
                .collect::<Vec<_>>()
                .join(",");
            let json: Value = serde_json::from_str(f[9]).unwrap();
            f[0] == "ok"
                && f[1] == e["level"].as_str().unwrap()
                && f[2] == if e["governed"] == Value::Bool(true) { "1" } else { "0" }
                && f[3] == if e["mandatory"] == Value::Bool(true) { "1" } else { "0" }
                && f[4] == e["max_validity_days"].as_i64().unwrap_or(-1).to_string()
                && f[5] == names("bases")
                && f[6] == names("obligations")
                && f[7] == rules
                && (f[8] == "-" || f[8] == f[1])
                && golden::project(&json) == *e
        };
        if !ok {
            wrong.push(n);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} vectors answered differently through the C ABI, first {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}

#[test]
fn a_c_program_passes_the_golden_vectors_linked_dynamically_and_statically() {
    let repo = golden::repo(env!("CARGO_MANIFEST_DIR"));
    let file = golden::read(&repo);
    let vectors = file["vectors"].as_array().unwrap();
    let compiled = tempfile::tempdir().unwrap();
    golden::compile_shipped(&repo, file["as_of"].as_str().unwrap(), compiled.path());
    let input = questions(vectors);
    let libs = library_dir();
    let work = tempfile::tempdir().unwrap();

    let dynamic = work.path().join("golden-dynamic");
    compile_c(&dynamic, &["-L", libs.to_str().unwrap(), "-lstringent"]);
    compare(vectors, &run(Command::new(&dynamic), compiled.path(), &input, &libs));

    // The static library needs what the Rust standard library links on Linux.
    let archive = libs.join("libstringent.a");
    let stat = work.path().join("golden-static");
    compile_c(&stat, &[archive.to_str().unwrap(), "-lpthread", "-ldl", "-lm"]);
    compare(vectors, &run(Command::new(&stat), compiled.path(), &input, work.path()));
}

/// Where Debian's `libjna-java` puts the JNA jar; `STRINGENT_JNA_JAR` overrides it.
fn jna_jar() -> PathBuf {
    std::env::var_os("STRINGENT_JNA_JAR").map_or_else(|| PathBuf::from("/usr/share/java/jna.jar"), PathBuf::from)
}

#[test]
#[ignore = "needs javac and the JNA jar (Debian libjna-java): `bash tests/run --with-browser` installs and runs it"]
fn a_java_program_through_jna_passes_the_golden_vectors() {
    let repo = golden::repo(env!("CARGO_MANIFEST_DIR"));
    let file = golden::read(&repo);
    let vectors = file["vectors"].as_array().unwrap();
    let compiled = tempfile::tempdir().unwrap();
    golden::compile_shipped(&repo, file["as_of"].as_str().unwrap(), compiled.path());
    let jar = jna_jar();
    assert!(jar.exists(), "{} not found: install Debian's libjna-java", jar.display());
    let java = Path::new(env!("CARGO_MANIFEST_DIR")).join("java");
    let classes = tempfile::tempdir().unwrap();
    let status = Command::new("javac")
        .args(["-Xlint:all", "-Werror", "-d"])
        .arg(classes.path())
        .arg("-cp")
        .arg(&jar)
        .arg(java.join("org/stringent/Stringent.java"))
        .arg(java.join("GoldenVectors.java"))
        .arg(java.join("Example.java"))
        .status()
        .unwrap();
    assert!(status.success(), "the Java sources did not compile");
    let libs = library_dir();
    let classpath = format!("{}:{}", classes.path().display(), jar.display());
    let mut command = Command::new("java");
    command.arg(format!("-Djna.library.path={}", libs.display())).arg("-cp").arg(&classpath).arg("GoldenVectors");
    compare(vectors, &run(command, compiled.path(), &questions(vectors), &libs));

    // The README's example runs as written.
    let out = Command::new("java")
        .arg(format!("-Djna.library.path={}", libs.display()))
        .arg("-cp")
        .arg(&classpath)
        .arg("Example")
        .arg(compiled.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("US-CA: "));
}

/// The README's C and Java examples are these files, word for word; the C one builds and
/// answers (the Java one runs in the Java test).
#[test]
fn the_readme_examples_are_the_tested_files_and_the_c_one_runs() {
    let repo = golden::repo(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (fence, file) in [("```c\n", "tests/c/example.c"), ("```java\n", "java/Example.java")] {
        let text = std::fs::read_to_string(crate_dir.join(file)).unwrap();
        assert!(readme.contains(&format!("{fence}{text}```")), "README's {fence:?} block is not {file}");
    }
    let file = golden::read(&repo);
    let compiled = tempfile::tempdir().unwrap();
    golden::compile_shipped(&repo, file["as_of"].as_str().unwrap(), compiled.path());
    let libs = library_dir();
    let work = tempfile::tempdir().unwrap();
    let program = work.path().join("example");
    compile_c_file(&crate_dir.join("tests/c/example.c"), &program, &["-L", libs.to_str().unwrap(), "-lstringent"]);
    let out = Command::new(&program).arg(compiled.path()).env("LD_LIBRARY_PATH", &libs).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("US-CA: "), "{stdout}");
    assert!(stdout.lines().count() > 1, "no rule named: {stdout}");
}
