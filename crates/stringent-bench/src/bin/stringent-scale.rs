//! The scale corpus generator and the scale experiment.
//!
//! ```sh
//! # a tree about 10 times the shipped corpus (51 states of 60 rules), seed 1
//! stringent-scale generate --out /tmp/scale10 --rules-times 10 --seed 1
//! # or N state layers × M rules, with O organization layers of 6 rules
//! stringent-scale generate --out /tmp/tree --states 200 --rules 20 --orgs 50 --seed 7
//! # each compiler stage of some trees timed in this process
//! stringent-scale stages rules /tmp/scale10
//! # (`rules-Kx`: 51 states of more rules each; `layers-Kx`: more layers of six rules)
//! # the table of BENCHMARKS.md: generate trees from 1× to 100× and run the release
//! # `stringent check` on each under /usr/bin/time -v, with 1 and 2 rayon threads
//! stringent-scale table --stringent target/release/stringent --work /tmp/stringent-scale
//! ```

/// The allocator of the `stringent` binary, so that these figures are what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;
use stringent_bench::corpus::{AS_OF, as_of, time_stages};
use stringent_bench::scale::{self, Spec};

const USAGE: &str = "usage:
  stringent-scale generate --out DIR (--rules-times K | --layers-times K | --states N --rules M [--orgs O]) [--seed S]
  stringent-scale stages DIR...
  stringent-scale table --stringent BIN [--work DIR] [--rules-times 1,10,30,100] [--layers-times 10] [--threads 1,2] [--seed S]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&Flags::new(args.get(1..).unwrap_or_default())),
        Some("stages") => stages(args.get(1..).unwrap_or_default()),
        Some("table") => table(&Flags::new(args.get(1..).unwrap_or_default())),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// `--name value` pairs.
struct Flags(Vec<(String, String)>);

impl Flags {
    fn new(args: &[String]) -> Flags {
        Flags(
            args.chunks(2)
                .filter_map(|c| Some((c.first()?.trim_start_matches("--").to_owned(), c.get(1)?.clone())))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Result<Option<usize>, String> {
        self.get(name).map(|v| v.parse().map_err(|_| format!("--{name}: not a number: {v}"))).transpose()
    }

    fn list(&self, name: &str, default: &[usize]) -> Result<Vec<usize>, String> {
        match self.get(name) {
            None => Ok(default.to_vec()),
            Some("") | Some("none") => Ok(Vec::new()),
            Some(v) => v
                .split(',')
                .map(|x| x.trim().parse().map_err(|_| format!("--{name}: not a list of numbers: {v}")))
                .collect(),
        }
    }

    fn seed(&self) -> Result<u64, String> {
        Ok(self.number("seed")?.unwrap_or(1) as u64)
    }
}

fn generate(flags: &Flags) -> Result<(), String> {
    let out = flags.get("out").ok_or(USAGE)?;
    let seed = flags.seed()?;
    let spec = if let Some(k) = flags.number("rules-times")? {
        Spec::rules_times(k, seed)
    } else if let Some(k) = flags.number("layers-times")? {
        Spec::layers_times(k, seed)
    } else {
        let states = flags.number("states")?.ok_or(USAGE)?;
        let rules = flags.number("rules")?.ok_or(USAGE)?;
        Spec {
            states,
            rules_per_state: rules,
            tests_per_state: rules * 3 / 2,
            orgs: flags.number("orgs")?.unwrap_or(0),
            rules_per_org: 6,
            seed,
        }
    };
    let files = scale::generate(&spec);
    scale::write(Path::new(out), &files).map_err(|e| format!("cannot write {out}: {e}"))?;
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    eprintln!("wrote {} files, {} rules, {:.1} MB to {out}", files.len(), spec.rule_count(), bytes as f64 / 1e6);
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e3)
}

fn stages(dirs: &[String]) -> Result<(), String> {
    if dirs.is_empty() {
        return Err(USAGE.to_owned());
    }
    println!(
        "| tree | files | MB | layers | rules | discover ms | parse ms | model ms | test questions ms | resolve ms | lints ms | rest ms | compile ms | policies ms | provenance lists | entries per list | errors | warnings |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for dir in dirs {
        if !Path::new(dir).is_dir() {
            return Err(format!("no such directory: {dir}"));
        }
        let t = time_stages(&[PathBuf::from(dir)], as_of());
        println!(
            "| {dir} | {} | {:.2} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {} |",
            t.files,
            t.bytes as f64 / 1e6,
            t.layers,
            t.rules,
            ms(t.discover),
            ms(t.parse),
            ms(t.model),
            ms(t.test_questions),
            ms(t.resolve),
            ms(t.lints),
            ms(t.rest()),
            ms(t.compile),
            ms(t.policies),
            t.provenance_lists,
            t.provenance_entries as f64 / t.provenance_lists.max(1) as f64,
            t.errors,
            t.warnings
        );
    }
    if let Some(threads) = thread_cpu() {
        let shown: Vec<String> = threads.iter().map(|(name, s)| format!("{name} {s:.2} s")).collect();
        println!("\nCPU time of each thread of this process (how the work was shared): {}", shown.join(", "));
    }
    Ok(())
}

/// The CPU time (user + system) of each thread of this process so far, from
/// `/proc/self/task/*/stat` (Linux only), at 100 clock ticks a second.
fn thread_cpu() -> Option<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(entry.ok()?.path().join("stat")).ok()?;
        let (head, rest) = stat.rsplit_once(')')?;
        let name = head.split_once('(').map(|(_, n)| n.to_owned()).unwrap_or_default();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        out.push((name, ticks as f64 / 100.0));
    }
    Some(out)
}

/// What `/usr/bin/time -v` said about one run.
struct Run {
    wall: f64,
    user: f64,
    sys: f64,
    rss_mb: f64,
    status: Option<i32>,
}

fn timed_check(stringent: &Path, tree: &Path, threads: usize) -> Result<Run, String> {
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(stringent)
        .args(["check", "--as-of", AS_OF])
        .arg(tree)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time -v {}: {e}", stringent.display()))?;
    let err = String::from_utf8_lossy(&output.stderr);
    let field = |name: &str| err.lines().find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_owned()));
    let seconds = |v: Option<String>| v.and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
        .map(|v| v.split(':').fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap_or(f64::NAN)))
        .unwrap_or(f64::NAN);
    Ok(Run {
        wall,
        user: seconds(field("User time (seconds):")),
        sys: seconds(field("System time (seconds):")),
        rss_mb: seconds(field("Maximum resident set size (kbytes):")) / 1024.0,
        status: output.status.code(),
    })
}

fn table(flags: &Flags) -> Result<(), String> {
    let stringent = PathBuf::from(flags.get("stringent").ok_or(USAGE)?);
    let work = PathBuf::from(flags.get("work").unwrap_or("/tmp/stringent-scale"));
    let seed = flags.seed()?;
    let threads = flags.list("threads", &[1, 2])?;
    let mut trees: Vec<(String, Spec)> = Vec::new();
    for k in flags.list("rules-times", &[1, 10, 30, 100])? {
        trees.push((format!("rules-{k}x"), Spec::rules_times(k, seed)));
    }
    for k in flags.list("layers-times", &[10])? {
        trees.push((format!("layers-{k}x"), Spec::layers_times(k, seed)));
    }
    let shipped = stringent_bench::corpus::shipped_root();
    println!(
        "| tree | layers | rules | MB | threads | wall s | user+sys s | peak RSS MB | CPU ms per rule | speedup vs 1 thread (wall) | exit |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut all: Vec<(String, PathBuf, usize, usize, f64)> = vec![(
        "shipped".to_owned(),
        shipped.clone(),
        stringent_bench::scale::SHIPPED_STATES + 2,
        stringent_bench::scale::SHIPPED_RULES,
        stringent_bench::corpus::total_bytes(&stringent_bench::corpus::read(std::slice::from_ref(&shipped))) as f64
            / 1e6,
    )];
    for (name, spec) in &trees {
        let dir = work.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let files = scale::generate(spec);
        scale::write(&dir, &files).map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        let bytes: usize = files.iter().map(|f| f.text.len()).sum();
        all.push((name.clone(), dir, 1 + spec.states + spec.orgs, spec.rule_count(), bytes as f64 / 1e6));
    }
    for (name, dir, layers, rules, mb) in &all {
        let mut single = None;
        for t in &threads {
            let run = timed_check(&stringent, dir, *t)?;
            if *t == 1 {
                single = Some(run.wall);
            }
            let speedup = single.map(|s| format!("{:.2}", s / run.wall)).unwrap_or_else(|| "-".into());
            println!(
                "| {name} | {layers} | {rules} | {mb:.1} | {t} | {:.2} | {:.2} | {:.0} | {:.3} | {speedup} | {} |",
                run.wall,
                run.user + run.sys,
                run.rss_mb,
                (run.user + run.sys) * 1e3 / *rules as f64,
                run.status.map(|s| s.to_string()).unwrap_or_else(|| "signal".into()),
            );
        }
    }
    Ok(())
}
