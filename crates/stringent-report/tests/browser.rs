//! The report, built from the shipped rules and read by a real browser.
//!
//! The static checks run anywhere. The browser checks drive headless Chromium over
//! `file://` URLs only: `--dump-dom` gives the page after its script ran, and its answer
//! to a question given in the query string must be exactly `LoadedPolicy::decide`'s.
//! The browser test is `#[ignore]`d, so a plain `cargo test` reports it as ignored, not passed;
//! `bash tests/run` runs it when Chromium is installed (`--with-browser` installs it).

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use stringent_policy::artifact::axis_position;
use stringent_policy::{Decision, LoadedPolicy, Policy, Question, Requirement};
use stringent_syntax::Date;

const AS_OF: &str = "2026-11-24";

struct Built {
    site: PathBuf,
    policies: Vec<Policy>,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Compile the shipped rules once and write the report into the test's temp directory.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let c = stringent_compiler::compile(&[repo().join("rules")], Date::parse(AS_OF).unwrap());
        assert!(!c.has_errors(), "the shipped rules have errors");
        let policies = c.policies();
        let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stringent-report-browser").join("site");
        if site.exists() {
            std::fs::remove_dir_all(&site).unwrap();
        }
        stringent_report::write_report(&policies, &site, write_each).unwrap();
        Built { site, policies }
    })
}

fn loaded(jurisdiction: &str) -> LoadedPolicy {
    let p = built().policies.iter().find(|p| p.jurisdiction() == jurisdiction).unwrap().clone();
    LoadedPolicy::new(p).unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

// ---- a minimal reader for the serialized DOM ----------------------------------------

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The start tags carrying `data-testid="<testid>"`, in document order.
fn tags<'a>(dom: &'a str, testid: &str) -> Vec<&'a str> {
    let needle = format!("data-testid=\"{testid}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = dom[from..].find(&needle) {
        let at = from + i;
        let start = dom[..at].rfind('<').unwrap();
        let end = at + dom[at..].find('>').unwrap();
        out.push(&dom[start..=end]);
        from = at + needle.len();
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle)? + needle.len();
    let j = tag[i..].find('"')?;
    Some(unescape(&tag[i..i + j]))
}

fn values(dom: &str, testid: &str) -> Vec<String> {
    tags(dom, testid).iter().map(|t| attr(t, "data-value").unwrap_or_default()).collect()
}

fn one(dom: &str, testid: &str) -> String {
    let v = values(dom, testid);
    assert_eq!(v.len(), 1, "expected one `{testid}` in the page, found {}", v.len());
    v[0].clone()
}

/// The text content of the element whose start tag is `tag` (no nested same-name tags).
fn text_after<'a>(dom: &'a str, tag: &str) -> &'a str {
    let at = dom.find(tag).unwrap() + tag.len();
    let end = dom[at..].find("</").unwrap();
    &dom[at..at + end]
}

// ---- Chromium ------------------------------------------------------------------------

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let default = PathBuf::from("/usr/bin/chromium");
    if default.exists() {
        return Some(default);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
            .find(|p| p.exists())
    })
}

/// Chromium; this test is run only when asked for (`--ignored`), so its absence fails it.
fn browser() -> PathBuf {
    chromium().unwrap_or_else(|| {
        panic!(
            "headless Chromium is needed for the report's browser test but was not found at /usr/bin/chromium \
             or on PATH. Install it (`bash tests/run --with-browser`, or `apt-get install chromium`) or point \
             CHROMIUM at it."
        )
    })
}

fn file_url(path: &Path, query: &str) -> String {
    let mut url = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// Run headless Chromium on one `file://` URL with extra flags; returns stdout.
fn run_chromium(chrome: &Path, url: &str, extra: &[String]) -> String {
    assert!(url.starts_with("file://"), "only file:// URLs: {url}");
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("stringent-report-browser")
        .join(format!("profile-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&profile).unwrap();
    let mut cmd = Command::new(chrome);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", chrome.display()));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().unwrap();
    let stderr = err.join().unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "chromium failed ({status}) on {url}:\n{stderr}");
    stdout
}

fn dump_dom(chrome: &Path, page: &Path, query: &str) -> String {
    let dom = run_chromium(chrome, &file_url(page, query), &["--dump-dom".to_owned()]);
    assert!(dom.contains("</html>"), "no DOM from chromium for {}?{query}", page.display());
    dom
}

// ---- the questions -------------------------------------------------------------------

struct Q {
    jurisdiction: &'static str,
    categories: &'static [&'static str],
    purpose: &'static str,
    recipient: &'static str,
    subject: Option<&'static str>,
    holder: Option<&'static str>,
}

const fn q(
    jurisdiction: &'static str,
    categories: &'static [&'static str],
    purpose: &'static str,
    recipient: &'static str,
) -> Q {
    Q { jurisdiction, categories, purpose, recipient, subject: None, holder: None }
}

const fn qs(
    jurisdiction: &'static str,
    categories: &'static [&'static str],
    purpose: &'static str,
    recipient: &'static str,
    subject: &'static str,
    holder: &'static str,
) -> Q {
    Q { jurisdiction, categories, purpose, recipient, subject: Some(subject), holder: Some(holder) }
}

const QUESTIONS: &[Q] = &[
    q("US", &["general"], "treatment", "provider"),
    q("US", &["psychotherapy_notes"], "treatment", "provider"),
    q("US", &["general"], "employment", "employer"),
    q("US", &["general"], "patient_access", "patient"),
    q("US", &["general"], "family_involvement", "family_member"),
    qs("US", &["genetic"], "underwriting", "insurer", "adult", "health_plan"),
    qs("US", &["part2_record"], "legal_proceeding", "court", "adult", "part2_program"),
    qs("US", &["mental_health"], "treatment", "parent", "minor", "provider"),
    qs("US", &["substance_use"], "law_enforcement", "law_enforcement", "adult", "part2_program"),
    q("US", &["general"], "marketing", "data_broker"),
    q("US", &["reproductive"], "law_enforcement", "law_enforcement"),
    q("US", &["hiv", "psychotherapy_notes"], "employment", "employer"),
    q("US-CA", &["hiv"], "employment", "employer"),
    q("US-CA", &["hiv"], "treatment", "provider"),
    q("US-CA", &["general"], "patient_access", "patient"),
    qs("US-CA", &["mental_health"], "treatment", "parent", "minor", "provider"),
    qs("US-CA", &["sti"], "patient_access", "patient", "minor_self_consented", "provider"),
    q("US-CA", &["hiv", "sti", "genetic"], "research", "researcher"),
    q("US-CA", &["genetic"], "underwriting", "insurer"),
    qs("US-CA", &["mental_health", "substance_use"], "legal_proceeding", "attorney", "adult", "mental_health_facility"),
    qs("US-CA", &["general"], "marketing", "data_broker", "adult", "consumer_health_app"),
    q("US-CA", &["reproductive"], "law_enforcement", "law_enforcement"),
    q("US-CA", &["psychotherapy_notes"], "patient_directed", "attorney"),
    qs("US-CA", &["part2_record"], "treatment", "parent", "minor_self_consented", "part2_program"),
    q("US-CA", &["general", "hiv", "mental_health", "genetic"], "patient_access", "patient"),
    q("US-CA", &["hiv", "hiv"], "employment", "employer"),
    // A holder outside HIPAA: the answers no rule governs say so.
    qs("US", &["general"], "sale", "data_broker", "adult", "consumer_health_app"),
    qs("US", &["genetic", "general"], "sale", "data_broker", "adult", "dtc_genetic_company"),
];

/// A question to put to the page, and to `decide`.
struct Asked {
    jurisdiction: String,
    question: Question,
    /// Leave `subject`/`holder` out of the URL when they are the defaults.
    omit_defaults: bool,
}

impl Q {
    fn asked(&self) -> Asked {
        Asked {
            jurisdiction: self.jurisdiction.to_owned(),
            question: Question {
                categories: self.categories.iter().map(|c| (*c).to_owned()).collect(),
                purpose: self.purpose.to_owned(),
                recipient: self.recipient.to_owned(),
                subject: self.subject.unwrap_or("adult").to_owned(),
                holder: self.holder.unwrap_or("provider").to_owned(),
            },
            omit_defaults: self.subject.is_none() && self.holder.is_none(),
        }
    }
}

impl Asked {
    fn query(&self) -> String {
        let q = &self.question;
        let mut parts = vec![format!("jurisdiction={}", self.jurisdiction)];
        parts.extend(q.categories.iter().map(|c| format!("category={c}")));
        parts.push(format!("purpose={}", q.purpose));
        parts.push(format!("recipient={}", q.recipient));
        if !(self.omit_defaults && q.subject == "adult" && q.holder == "provider") {
            parts.push(format!("subject={}", q.subject));
            parts.push(format!("holder={}", q.holder));
        }
        parts.join("&")
    }
}

type MeetCheck = fn(&Requirement<String>, &Requirement<String>, &Requirement<String>) -> bool;

/// Each way the meet over two categories can change an answer, as a predicate on
/// (first category's requirement, second's, their meet).
const MEET_RULES: &[(&str, MeetCheck)] = &[
    ("a deadline dominated by the other category's is dropped", |a, b, m| {
        let mut all: Vec<_> = a.deadlines.iter().chain(&b.deadlines).collect();
        all.sort();
        all.dedup();
        m.deadlines.len() < all.len()
    }),
    ("deadlines from both categories are kept", |a, b, m| {
        !a.deadlines.is_empty() && !b.deadlines.is_empty() && m.deadlines != a.deadlines && m.deadlines != b.deadlines
    }),
    ("the shorter maximum validity wins", |a, b, _| {
        a.max_validity_days.is_some() && b.max_validity_days.is_some() && a.max_validity_days != b.max_validity_days
    }),
    ("one category's maximum validity applies", |a, b, _| {
        a.max_validity_days.is_some() != b.max_validity_days.is_some()
    }),
    ("the stricter category's bases win", |a, b, m| {
        a.permission != b.permission && m.permission.level() != a.permission.level()
    }),
    ("ways of two categories join into a way that needs instruments of both", |a, b, m| {
        let joint = |r: &Requirement<String>| r.permission.ways().iter().any(|w| w.bases().len() > 1);
        joint(m) && !joint(a) && !joint(b)
    }),
    ("a way under a condition survives the meet", |_, _, m| m.permission.ways().iter().any(|w| w.is_conditional())),
    ("one category's mandate carries", |a, b, _| a.mandatory != b.mandatory),
    ("obligations come from both categories", |a, b, m| {
        m.obligations.len() > a.obligations.len().max(b.obligations.len())
    }),
    ("authorization elements come from both categories", |a, b, m| {
        m.elements.len() > a.elements.len().max(b.elements.len())
    }),
    ("form constraints come from both categories", |a, b, m| m.form.len() > a.form.len().max(b.form.len())),
];

/// For each rule of the meet, the first two-category question of `jurisdiction` (in cell
/// order) where it changes the answer.
fn meet_questions(l: &LoadedPolicy) -> Vec<(&'static str, Asked)> {
    let p = l.policy();
    let jurisdiction = p.jurisdiction();
    let reqs: Vec<Requirement<String>> =
        p.requirements.iter().map(|r| r.requirement(&p.vocabulary.conditions)).collect();
    let axes = &p.vocabulary.axes;
    let len = |i: usize| u32::try_from(axes[i].values.len()).unwrap();
    let id = |axis: usize, v: u32| axes[axis].values[v as usize].id.clone();
    let mut found: Vec<(&'static str, Asked)> = Vec::new();
    let mut pairs = std::collections::HashSet::new();
    for pu in 0..len(1) {
        for r in 0..len(2) {
            for s in 0..len(3) {
                for h in 0..len(4) {
                    for c1 in 0..len(0) {
                        for c2 in c1 + 1..len(0) {
                            let cell = |c: u32| l.entry(&[c, pu, r, s, h]).unwrap()[0] as usize;
                            let (ia, ib) = (cell(c1), cell(c2));
                            if ia == ib || !pairs.insert((ia, ib)) {
                                continue;
                            }
                            let (a, b) = (&reqs[ia], &reqs[ib]);
                            let m = a.meet(b);
                            for (name, check) in MEET_RULES {
                                if !found.iter().any(|(n, _)| n == name) && check(a, b, &m) {
                                    found.push((
                                        name,
                                        Asked {
                                            jurisdiction: jurisdiction.to_owned(),
                                            question: Question {
                                                categories: vec![id(0, c1), id(0, c2)],
                                                purpose: id(1, pu),
                                                recipient: id(2, r),
                                                subject: id(3, s),
                                                holder: id(4, h),
                                            },
                                            omit_defaults: false,
                                        },
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    found
}

fn page_of(jurisdiction: &str) -> PathBuf {
    let slug: String =
        jurisdiction.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    built().site.join("jurisdictions").join(format!("{slug}.html"))
}

fn json_str<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).unwrap().as_str().unwrap().to_owned()
}

/// Everything the page shows of an answer, in the form `decide` gives it.
fn expected(d: &Decision<'_>) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("level", vec![d.level.as_str().to_owned()]),
        ("basis", d.bases.iter().map(|b| b.as_str().to_owned()).collect()),
        (
            "way",
            if d.ways.iter().any(|w| w.bases.len() > 1 || !w.conditions.is_empty()) {
                d.ways.iter().map(ToString::to_string).collect()
            } else {
                Vec::new()
            },
        ),
        ("mandatory", vec![d.mandatory.to_string()]),
        (
            "deadline",
            d.deadlines.iter().map(|x| format!("{} {} {}", x.days, json_str(&x.unit), json_str(&x.action))).collect(),
        ),
        ("element", d.authorization_elements.to_vec()),
        ("form", d.form.to_vec()),
        ("obligation", d.obligations.to_vec()),
        ("max-validity", vec![d.max_validity_days.map_or(String::new(), |v| v.to_string())]),
        (
            "ungoverned",
            if d.governed {
                Vec::new()
            } else if d.ungoverned_categories.is_empty() {
                vec![d.category.join(" + ")]
            } else {
                vec![d.ungoverned_categories.join(" + ")]
            },
        ),
        (
            "history",
            if d.history_incomplete.is_empty() {
                Vec::new()
            } else {
                vec![
                    d.history_incomplete
                        .iter()
                        .map(|g| format!("{} from {}", g.layer, g.complete_from))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            },
        ),
        (
            "unread",
            if d.law_unread.is_empty() {
                Vec::new()
            } else {
                vec![d.law_unread.iter().map(|u| format!("{} on {}", u.layer, u.topic)).collect::<Vec<_>>().join(", ")]
            },
        ),
        (
            "provenance",
            d.provenance
                .iter()
                .map(|p| {
                    format!(
                        "{}|{}|{}|{}|{}",
                        p.rule,
                        p.layer,
                        p.role.as_str(),
                        p.dimensions.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(","),
                        p.for_category.clone().unwrap_or_default()
                    )
                })
                .collect(),
        ),
    ]
}

fn shown(dom: &str) -> Vec<(&'static str, Vec<String>)> {
    let provenance = tags(dom, "provenance")
        .iter()
        .map(|t| {
            ["data-rule", "data-layer", "data-role", "data-dimensions", "data-for-category"]
                .map(|a| attr(t, a).unwrap_or_default())
                .join("|")
        })
        .collect();
    vec![
        ("level", values(dom, "level")),
        ("basis", values(dom, "basis")),
        ("way", values(dom, "way")),
        ("mandatory", values(dom, "mandatory")),
        ("deadline", values(dom, "deadline")),
        ("element", values(dom, "element")),
        ("form", values(dom, "form")),
        ("obligation", values(dom, "obligation")),
        ("max-validity", values(dom, "max-validity")),
        ("ungoverned", values(dom, "ungoverned")),
        ("history", values(dom, "history")),
        ("unread", values(dom, "unread")),
        ("provenance", provenance),
    ]
}

/// A made-up state over the shipped federal policy whose requirements vary every
/// dimension the shipped rules leave alone (deadlines, maximum validity, bases), so that
/// every rule of the meet is exercised in the browser. Its page is `us-zz.html`.
fn synthetic() -> &'static (PathBuf, LoadedPolicy) {
    static SYNTHETIC: OnceLock<(PathBuf, LoadedPolicy)> = OnceLock::new();
    SYNTHETIC.get_or_init(|| {
        use stringent_policy::artifact::{AxisValues, LayerInfo, RequirementRecord, Term, UnreadTopic};
        use stringent_policy::{Action, Basis, DayUnit, Deadline, Permission, Way};
        let d = |days, unit, action| Deadline { days, unit, action };
        let (cal, bus) = (DayUnit::CalendarDays, DayUnit::BusinessDays);
        let deadlines = [
            vec![],
            vec![d(30, cal, Action::Any)],
            vec![d(5, bus, Action::Inspect)],
            vec![d(15, cal, Action::Copy), d(10, bus, Action::Inspect)],
            vec![d(10, cal, Action::Inspect)],
            vec![d(15, bus, Action::Copy)],
            vec![d(3, cal, Action::Any)],
        ];
        let validity = [None, Some(180), Some(365), Some(90)];
        let threat = Way::new(&[], &[0]);
        let ways: [Vec<Way>; 6] = [
            vec![],
            vec![Basis::SpecificAuthorization.way()],
            vec![Basis::Authorization.way(), Basis::CourtOrder.way()],
            vec![Basis::CourtOrder.way()],
            vec![Basis::NoObjection.way(), threat],
            vec![Basis::Subpoena.way(), Basis::AdministrativeRequest.way()],
        ];
        let mut policy = built().policies.iter().find(|p| p.jurisdiction() == "US-CA").unwrap().clone();
        if policy.vocabulary.conditions.is_empty() {
            policy.vocabulary.conditions =
                vec![Term { id: "imminent_threat".into(), title: "To prevent a serious and imminent threat".into() }];
        }
        let conditions = policy.vocabulary.conditions.clone();
        *policy.chain.last_mut().unwrap() = LayerInfo {
            id: "US-ZZ".into(),
            name: "Synthetic test state".into(),
            history_from: None,
            // A declared gap on genetic information, so that the page's warning is checked.
            unread: vec![UnreadTopic {
                topic: "genetic".into(),
                note: "Gap: the genetic privacy act was not read".into(),
                reaches: vec![AxisValues { axis: "category".into(), values: vec!["genetic".into()] }],
            }],
        };
        policy.jurisdiction = "US-ZZ".into();
        for r in policy.rules.iter_mut().filter(|r| r.layer == "US-CA") {
            r.layer = "US-ZZ".into();
        }
        for (k, r) in policy.requirements.iter_mut().enumerate() {
            let mut req = r.requirement(&conditions);
            req.deadlines = deadlines[k % deadlines.len()].clone();
            req.max_validity_days = validity[(k / 2) % validity.len()];
            let w = &ways[(k / 3) % ways.len()];
            if !w.is_empty() {
                req.permission = Permission::from_ways(w.iter().copied());
            }
            req.normalize();
            *r = RequirementRecord::new(&req, &conditions);
        }
        policy.content_hash = policy.compute_hash();
        let us = built().policies.iter().find(|p| p.jurisdiction() == "US").unwrap().clone();
        let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stringent-report-browser").join("synthetic");
        if site.exists() {
            std::fs::remove_dir_all(&site).unwrap();
        }
        stringent_report::write_report(&[us, policy.clone()], &site, write_each).unwrap();
        (site.join("jurisdictions").join("us-zz.html"), LoadedPolicy::new(policy).unwrap())
    })
}

/// Ask the page and `decide` the same question; every shown value must be decide's.
fn check_answer(chrome: &Path, page: &Path, policy: &LoadedPolicy, a: &Asked) -> Decision<'static> {
    let decision = policy.decide(&a.question).unwrap();
    let dom = dump_dom(chrome, page, &a.query());
    let answer = tags(&dom, "answer");
    assert_eq!(answer.len(), 1);
    assert_eq!(
        attr(answer[0], "data-state").as_deref(),
        Some("answered"),
        "no answer for {}: {}",
        a.query(),
        text_after(&dom, answer[0])
    );
    assert_eq!(attr(answer[0], "data-jurisdiction").as_deref(), Some(a.jurisdiction.as_str()));
    let want = expected(&decision);
    let got = shown(&dom);
    for ((name, w), (_, g)) in want.iter().zip(&got) {
        assert_eq!(g, w, "`{name}` differs from decide for {}", a.query());
    }
    // The values are also there as readable text, not only in attributes.
    assert_eq!(one(&dom, "level"), decision.level.as_str());
    assert!(dom.contains(&format!("<code>{}</code>", decision.level.as_str())));
    decision.into_owned()
}

// ---- the tests -----------------------------------------------------------------------

#[test]
fn report_is_static_accessible_and_complete() {
    let b = built();
    let index = read(&b.site.join("index.html"));
    for needle in ["<html lang=\"en\">", "name=\"viewport\"", "<h1>", "<caption", "scope=\"col\"", "scope=\"row\""] {
        assert!(index.contains(needle), "index.html lacks {needle}");
    }
    let mut pages = vec![b.site.join("index.html")];
    for p in &b.policies {
        pages.push(page_of(p.jurisdiction()));
    }
    for page in &pages {
        let html = read(page);
        assert!(html.contains("<html lang=\"en\">") && html.contains("name=\"viewport\""), "{}", page.display());
        // Nothing loaded from elsewhere: every script and stylesheet is a relative file.
        for (open, attr_name) in [("<script", "src"), ("<link", "href"), ("<img", "src"), ("<iframe", "src")] {
            for (i, _) in html.match_indices(open) {
                let tag = &html[i..i + html[i..].find('>').unwrap()];
                if let Some(v) = attr(tag, attr_name) {
                    assert!(!v.contains("//") && !v.contains(':'), "{} loads {v}", page.display());
                }
            }
        }
        assert!(!html.contains("@import") && !html.contains("fetch("), "{}", page.display());
        // Every form control has a label.
        for (i, _) in html.match_indices("<select id=\"") {
            let id = &html[i + 12..i + 12 + html[i + 12..].find('"').unwrap()];
            assert!(html.contains(&format!("<label for=\"{id}\"")), "select {id} has no label");
        }
        for (i, _) in html.match_indices("<input type=\"checkbox\" id=\"") {
            let s = i + "<input type=\"checkbox\" id=\"".len();
            let id = &html[s..s + html[s..].find('"').unwrap()];
            assert!(html.contains(&format!("<label for=\"{id}\"")), "checkbox {id} has no label");
        }
    }
    let css = read(&b.site.join("assets/report.css"));
    assert!(css.contains(":focus-visible") && css.contains("@media (max-width"));
    assert!(!css.contains("url(") && !css.contains("@font-face"), "the stylesheet loads nothing");
    assert!(!read(&b.site.join("assets/question.js")).contains("fetch("), "the script fetches nothing");

    // The matrix: numbers as text, and the numbers are the definition's.
    let us = loaded("US");
    let categories = [
        "hiv",
        "sti",
        "mental_health",
        "psychotherapy_notes",
        "substance_use",
        "part2_record",
        "genetic",
        "reproductive",
        "general",
    ];
    let cells = tags(&index, "matrix-cell");
    assert_eq!(cells.len(), categories.len() * b.policies.len(), "one matrix cell per jurisdiction and category");
    let mut some_stricter = false;
    for p in b.policies.iter().filter(|p| p.chain.len() > 1) {
        let state = loaded(p.jurisdiction());
        for c in categories {
            let tag = cells
                .iter()
                .find(|t| {
                    attr(t, "data-jurisdiction").as_deref() == Some(p.jurisdiction())
                        && attr(t, "data-category").as_deref() == Some(c)
                })
                .unwrap_or_else(|| panic!("no matrix cell for {} × {c}", p.jurisdiction()));
            let (mut stricter, mut total) = (0, 0);
            let axes = &state.policy().vocabulary.axes;
            let axis = |name: &str| &axes[axis_position(name).unwrap()];
            for purpose in &axis("purpose").values {
                for recipient in &axis("recipient").values {
                    let point = |l: &LoadedPolicy| {
                        let mut q = Question::new(c, &purpose.id, &recipient.id);
                        (q.subject, q.holder) = ("adult".into(), "provider".into());
                        l.points(&q).unwrap().remove(0)
                    };
                    let mine =
                        state.requirement(&point(&state)).unwrap().requirement(&state.policy().vocabulary.conditions);
                    let base = us.requirement(&point(&us)).unwrap().requirement(&us.policy().vocabulary.conditions);
                    total += 1;
                    if mine.at_least_as_strict_as(&base) && mine != base {
                        stricter += 1;
                    }
                }
            }
            assert_eq!(attr(tag, "data-stricter"), Some(stricter.to_string()), "{} × {c}", p.jurisdiction());
            assert_eq!(attr(tag, "data-total"), Some(total.to_string()));
            assert!(index.contains(&format!("{stricter} of {total}")), "the count is shown as text");
            some_stricter |= stricter > 0;
        }
    }
    assert!(some_stricter, "California is stricter than federal law somewhere");
    assert!(index.contains("What “stricter” means</h3>"), "the definition is on the page");

    // Every rule of each chain is on its page, with its file:line, grouped by layer.
    for p in &b.policies {
        let html = read(&page_of(p.jurisdiction()));
        let layers = values(&html, "layer");
        let chain: Vec<String> = p.chain.iter().rev().map(|l| l.id.clone()).collect();
        assert_eq!(layers, chain, "one section per layer, the page's own layer first, federal law last");
        let shown_rules = values(&html, "rule");
        assert_eq!(shown_rules.len(), p.rules.len(), "{}", p.jurisdiction());
        for r in &p.rules {
            assert!(shown_rules.contains(&r.id), "{} lacks {}", p.jurisdiction(), r.id);
            assert!(
                html.contains(&format!("{}:{}", r.file, r.line)),
                "{} lacks {}:{}",
                p.jurisdiction(),
                r.file,
                r.line
            );
        }
        assert!(html.contains("id=\"policy-data\""));
    }
}

#[test]
#[ignore = "needs headless Chromium: `bash tests/run` runs it when Chromium is installed"]
fn browser_answers_like_decide() {
    let chrome = browser();
    let b = built();
    assert!(QUESTIONS.len() >= 20);
    assert!(QUESTIONS.iter().any(|q| q.categories.len() > 1) && QUESTIONS.iter().any(|q| q.jurisdiction == "US-CA"));
    let mut asked: Vec<Asked> = QUESTIONS.iter().map(Q::asked).collect();
    // And, for every way the meet over several categories can change an answer, a
    // question where it does.
    let mut rules_seen = Vec::new();
    for j in ["US", "US-CA"] {
        for (name, a) in meet_questions(&loaded(j)) {
            eprintln!("meet: {name}: {j} {}", a.query());
            rules_seen.push(name);
            asked.push(a);
        }
    }
    let missing: Vec<&str> = MEET_RULES.iter().map(|(n, _)| *n).filter(|n| !rules_seen.contains(n)).collect();
    eprintln!("meet rules no US or US-CA question exercises: {missing:?}");
    assert!(rules_seen.len() >= 6, "the shipped rules exercise most of the meet");
    let mut seen = (false, false, false, false);
    let mut governance = (false, false);
    for a in &asked {
        let decision = check_answer(&chrome, &page_of(&a.jurisdiction), &loaded(&a.jurisdiction), a);
        governance.0 |= decision.governed;
        governance.1 |= !decision.governed;
        seen.0 |= decision.mandatory;
        seen.1 |= !decision.deadlines.is_empty();
        seen.2 |= !decision.obligations.is_empty();
        seen.3 |= decision.bases.len() < stringent_policy::Basis::ALL.len();
    }
    assert!(seen.0 && seen.1 && seen.2 && seen.3, "the questions cover mandates, deadlines, obligations, restrictions");
    assert_eq!(governance, (true, true), "the questions cover governed and ungoverned answers");

    // The synthetic state exercises every rule of the meet, each in its own question.
    let (page, policy) = synthetic();
    let found = meet_questions(policy);
    let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), MEET_RULES.len(), "the synthetic state exercises every rule of the meet: {names:?}");
    for (name, a) in &found {
        eprintln!("meet (synthetic): {name}: {}", a.query());
        check_answer(&chrome, page, policy, a);
    }
    let three = Asked {
        jurisdiction: "US-ZZ".into(),
        question: Question {
            categories: vec!["hiv".into(), "genetic".into(), "psychotherapy_notes".into()],
            purpose: "patient_access".into(),
            recipient: "patient".into(),
            subject: "minor".into(),
            holder: "hospital".into(),
        },
        omit_defaults: false,
    };
    let d = check_answer(&chrome, page, policy, &three);
    assert!(!d.law_unread.is_empty(), "the synthetic state's declared gap reaches the three-category question");

    // A question the policy cannot answer shows decide's own error.
    let bad = Question {
        categories: vec!["hiv".into()],
        purpose: "gossip".into(),
        recipient: "employer".into(),
        subject: "adult".into(),
        holder: "provider".into(),
    };
    let err = loaded("US-CA").decide(&bad).unwrap_err().to_string();
    let dom = dump_dom(&chrome, &page_of("US-CA"), "category=hiv&purpose=gossip&recipient=employer");
    let error = tags(&dom, "error");
    assert_eq!(error.len(), 1, "an error is shown");
    assert_eq!(unescape(text_after(&dom, error[0])), err);

    // Choosing another jurisdiction in the form leads to that jurisdiction's page.
    let dom =
        dump_dom(&chrome, &page_of("US"), "jurisdiction=US-CA&category=hiv&purpose=employment&recipient=employer");
    let answer = tags(&dom, "answer");
    assert_eq!(attr(answer[0], "data-jurisdiction").as_deref(), Some("US-CA"));

    // A link from the matrix preselects the category and waits for the rest.
    let dom = dump_dom(&chrome, &page_of("US-CA"), "category=genetic");
    assert_eq!(attr(tags(&dom, "answer")[0], "data-state").as_deref(), Some("incomplete"));
    assert!(dom.contains("value=\"genetic\" checked=\"\""), "the category is checked");

    // Phone-size screenshots of an answer and of the matrix.
    let dir = b.site.parent().unwrap().to_path_buf();
    for (name, url) in [
        ("shot.png", file_url(&page_of("US-CA"), "category=hiv&purpose=employment&recipient=employer")),
        ("index-shot.png", file_url(&b.site.join("index.html"), "")),
    ] {
        let shot = dir.join(name);
        let _ = std::fs::remove_file(&shot);
        run_chromium(
            &chrome,
            &url,
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=390,844".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
        );
        let bytes = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
        assert!(bytes.len() > 1000 && bytes.starts_with(b"\x89PNG"), "{} is not a PNG", shot.display());
        eprintln!("screenshot: {}", shot.display());
    }
}

/// A layer's page says what it changes over its parent chain, the matrix compares an
/// organization with its state, own rules come first, and the rule files' notes show.
#[test]
fn pages_show_what_a_layer_changes_and_its_topics() {
    let b = built();
    let org = read(&page_of("org:example_clinic"));
    assert!(org.contains("What org:example_clinic changes over US-CA"), "no change section");
    let changed = tags(&org, "change").len();
    assert!(changed > 0, "the example clinic tightens treatment disclosures; no changed question shown");
    assert!(org.contains("<td>permission"), "a changed question names the dimensions that differ");
    let first_layer = values(&org, "layer");
    assert_eq!(first_layer.first().map(String::as_str), Some("org:example_clinic"), "own layer first");
    let index = read(&b.site.join("index.html"));
    assert!(
        tags(&index, "over-parent").iter().any(|t| attr(t, "data-stricter").is_some_and(|n| n != "0")),
        "the matrix does not compare the organization with its state"
    );
    assert!(index.contains("data-testid=\"find-jurisdiction\"") && index.contains("assets/filter.js"));
    // The federal page has no parent to compare with.
    assert!(!read(&page_of("US")).contains("id=\"changes\""));

    let mut notes = std::collections::BTreeMap::new();
    notes.insert(
        "US-UT".to_owned(),
        stringent_report::LayerNotes {
            topics: vec![stringent_report::TopicStatus {
                topic: "hiv_sti".into(),
                title: "HIV and STI".into(),
                kind: stringent_report::TopicKind::Silent,
                status: "silent (secondary)".into(),
            }],
            silences: vec![stringent_report::SilenceNote {
                topic: "hiv_sti".into(),
                claim: "Nothing beyond HIPAA <found>".into(),
                confidence: "secondary".into(),
                citations: vec!["Utah Code 26B-7-217".into()],
                searched: vec!["2026-12-04: read".into()],
            }],
        },
    );
    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stringent-report-notes");
    if site.exists() {
        std::fs::remove_dir_all(&site).unwrap();
    }
    stringent_report::write_report_with(&b.policies, &notes, &site, write_each).unwrap();
    let ut = read(&site.join("jurisdictions/us-ut.html"));
    assert_eq!(values(&ut, "silence"), ["hiv_sti"]);
    assert!(ut.contains("Nothing beyond HIPAA &lt;found&gt;") && ut.contains("2026-12-04: read"));
    assert!(read(&site.join("index.html")).contains("topics: 0 covered, 1 silent, 0 missing"));
}

/// Each file of a report written on its own (the tests write into fresh directories).
fn write_each(files: &[(std::path::PathBuf, Vec<u8>)]) -> std::io::Result<()> {
    files.iter().try_for_each(|(path, bytes)| stringent_compiler::output::write_atomically(path, bytes))
}
