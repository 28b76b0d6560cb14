//! The pages: the index with its matrix, and one page per jurisdiction.

use crate::html::{esc, is_web_link, page, query_value, script_json};
use crate::matrix::{self, CATEGORIES, HOLDER, LEGEND, SUBJECT};
use crate::{LayerNotes, Site, data, layers};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use stringent_policy::artifact::{Axis, RuleInfo, axis_position};

/// A short column label for the matrix's categories.
fn short_label(category: &str) -> &str {
    match category {
        "hiv" => "HIV",
        "sti" => "STI",
        "mental_health" => "Mental health",
        "psychotherapy_notes" => "Psychotherapy notes",
        "substance_use" => "Substance use",
        "part2_record" => "Part 2 record",
        "genetic" => "Genetic",
        "reproductive" => "Reproductive",
        "general" => "General",
        other => other,
    }
}

/// The jurisdiction's name: its layer's, or the names of the layers a combined policy
/// (`US-CA+US-NV`) joins.
fn jurisdiction_name(site: &Site) -> String {
    let p = site.policy.policy();
    let name = |id: &str| p.chain.iter().find(|l| l.id == id).map(|l| l.name.clone());
    name(p.jurisdiction()).unwrap_or_else(|| {
        p.jurisdiction().split('+').map(|id| name(id).unwrap_or_else(|| id.to_owned())).collect::<Vec<_>>().join(" + ")
    })
}

fn chain_text(site: &Site) -> String {
    site.policy.policy().chain.iter().map(|l| esc(&l.id)).collect::<Vec<_>>().join(" → ")
}

/// A search box over the items `selector` picks, its first value from `param` in the query.
fn search_box(id: &str, label: &str, selector: &str, param: &str) -> String {
    format!(
        "<p class=\"filter\"><label for=\"{id}\">{label}</label> <input type=\"search\" id=\"{id}\" \
         data-filter-items=\"{selector}\" data-filter-param=\"{param}\" data-filter-count=\"{id}-count\" \
         data-testid=\"{id}\"> <output id=\"{id}-count\" aria-live=\"polite\"></output></p>\n",
        id = esc(id),
        label = esc(label),
        selector = esc(selector),
        param = esc(param),
    )
}

/// `covered 5, silent 1, missing 0`: a layer's coverage at a glance.
fn coverage_summary(notes: Option<&LayerNotes>) -> String {
    let Some(n) = notes.filter(|n| !n.topics.is_empty()) else { return String::new() };
    let count = |k: crate::TopicKind| n.topics.iter().filter(|t| t.kind == k).count();
    format!(
        "; topics: {} covered, {} silent, {} missing",
        count(crate::TopicKind::Covered),
        count(crate::TopicKind::Silent),
        count(crate::TopicKind::Missing)
    )
}

pub fn index_page(sites: &[Site], notes: &BTreeMap<String, LayerNotes>) -> String {
    let mut main = String::new();
    main.push_str("<h1>Health-privacy rules compared with federal law</h1>\n");
    let as_of: Vec<&str> = {
        let mut d: Vec<&str> = sites.iter().map(|s| s.policy.policy().as_of.as_str()).collect();
        d.sort_unstable();
        d.dedup();
        d
    };
    let _ = writeln!(
        main,
        "<p class=\"lead\">{} compiled jurisdiction{}, resolved as of {}. Each jurisdiction's page lists \
         every rule of its chain and answers questions the way <code>stringent decide</code> does.</p>",
        sites.len(),
        if sites.len() == 1 { "" } else { "s" },
        if as_of.is_empty() {
            "an unknown date".to_owned()
        } else {
            as_of
                .iter()
                .map(|d| format!("<time datetime=\"{d}\">{d}</time>", d = esc(d)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    main.push_str(&search_box(
        "find-jurisdiction",
        "Find a jurisdiction (id or name):",
        "table.matrix tbody tr, ul.jurisdictions li",
        "find",
    ));
    main.push_str(&matrix_section(sites));
    main.push_str("<section aria-labelledby=\"jurisdictions-heading\">\n<h2 id=\"jurisdictions-heading\">Jurisdictions</h2>\n<ul class=\"jurisdictions\">\n");
    for s in sites {
        let p = s.policy.policy();
        let _ = writeln!(
            main,
            "<li><a href=\"jurisdictions/{page}\"><strong>{id}</strong> — {name}</a>\
             <span class=\"meta\">chain {chain}; {rules} rule{plural}{coverage}</span> \
             <a class=\"ask-link\" href=\"jurisdictions/{page}#question\">Ask a question about {id}</a></li>",
            page = esc(&s.page),
            id = esc(p.jurisdiction()),
            name = esc(&jurisdiction_name(s)),
            chain = chain_text(s),
            rules = p.rules.len(),
            plural = if p.rules.len() == 1 { "" } else { "s" },
            coverage = esc(&coverage_summary(notes.get(p.jurisdiction()))),
        );
    }
    main.push_str("</ul>\n</section>\n");
    page(
        "stringent report: jurisdictions compared with federal law",
        "",
        &main,
        "<script src=\"assets/filter.js\"></script>\n",
    )
}

fn matrix_section(sites: &[Site]) -> String {
    let mut out = String::new();
    out.push_str(
        "<section aria-labelledby=\"matrix-heading\">\n<h2 id=\"matrix-heading\">How much stricter than federal law?</h2>\n",
    );
    let Some(federal) = matrix::federal(sites) else {
        out.push_str(
            "<p>No federal policy (a chain of one layer) was compiled, so there is nothing to compare with.</p>\n</section>\n",
        );
        return out;
    };
    let fed = federal.policy.policy();
    let axes = &fed.vocabulary.axes;
    let count = |name: &str| axis_position(name).and_then(|i| axes.get(i)).map_or(0, |a: &Axis| a.values.len());
    let category_axis = axis_position("category").unwrap_or(usize::MAX);
    let categories: Vec<&str> =
        CATEGORIES.iter().copied().filter(|c| federal.policy.value_index(category_axis, c).is_some()).collect();
    let questions = count("purpose") * count("recipient");
    let _ = writeln!(
        out,
        "<p class=\"lead\">Each cell is the share of the {questions} questions of one record category (every purpose × \
         recipient, about an adult, the record held by a provider) where the jurisdiction demands more than federal law \
         ({fed_id}). <a href=\"#stricter\">What “stricter” means</a>.</p>",
        fed_id = esc(fed.jurisdiction()),
    );
    let definition = format!(
        "<h3 id=\"stricter\">What “stricter” means</h3>\n<div class=\"definition\">\n<p>For each jurisdiction and record \
         category we ask every question of {purposes} purposes × {recipients} recipients ({questions} questions) about \
         an adult (<code>subject {SUBJECT}</code>) whose record a health-care provider holds \
         (<code>holder {HOLDER}</code>). A question counts as <em>stricter</em> when the jurisdiction's resolved \
         requirement is at least as strict as the federal one ({fed_id}) in every dimension — permission, mandate, \
         deadlines, authorization elements, form, obligations, maximum validity — and differs from it in at least one. \
         The cell shows that share, as a percentage and as a count. Where a jurisdiction is looser or mixed in some \
         question (possible only where federal law defers to the state), the cell says how many.</p>\n\
         <p>The federal row is the baseline. Select a cell to ask that jurisdiction a question about the category.</p>\n</div>\n",
        purposes = count("purpose"),
        recipients = count("recipient"),
        fed_id = esc(fed.jurisdiction()),
    );
    out.push_str("<h3 id=\"legend-heading\">Legend</h3>\n<ul class=\"legend\" aria-labelledby=\"legend-heading\">\n");
    out.push_str(
        "<li><span class=\"swatch shade-base\" aria-hidden=\"true\"></span>baseline: federal law itself</li>\n",
    );
    for (shade, text) in LEGEND {
        let _ =
            writeln!(out, "<li><span class=\"swatch shade-{shade}\" aria-hidden=\"true\"></span>{}</li>", esc(text));
    }
    out.push_str("</ul>\n");
    let _ = writeln!(
        out,
        "<h3 id=\"matrix-title\">Stricter than {fed_id}, by jurisdiction and category</h3>\n\
         <div class=\"table-scroll\" role=\"region\" aria-labelledby=\"matrix-title\" tabindex=\"0\">\n\
         <table class=\"matrix\">\n<caption class=\"visually-hidden\">Share of questions where each jurisdiction is \
         stricter than {fed_id}, by record category (adult subject, provider holder); the table scrolls sideways</caption>",
        fed_id = esc(fed.jurisdiction())
    );
    out.push_str("<thead><tr><th scope=\"col\">Jurisdiction</th>");
    for c in &categories {
        let title = fed
            .vocabulary
            .axes
            .first()
            .and_then(|a| a.values.iter().find(|v| v.id == *c))
            .map_or(String::new(), |v| v.title.clone());
        let _ = write!(
            out,
            "<th scope=\"col\" title=\"{}\">{}<br><code>{}</code></th>",
            esc(&title),
            esc(short_label(c)),
            esc(c).replace('_', "_<wbr>")
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for s in sites {
        let p = s.policy.policy();
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"jurisdictions/{}\">{}</a><span class=\"row-name\">{}</span></th>",
            esc(&s.page),
            esc(p.jurisdiction()),
            esc(&jurisdiction_name(s))
        );
        let is_federal = std::ptr::eq(s, federal);
        // A layer over a state (an organization's policy) is compared with that state too:
        // against federal law alone it would look like its state.
        let parent = layers::parent(s, sites).filter(|p| !std::ptr::eq(*p, federal));
        for c in &categories {
            let href = format!("jurisdictions/{}?category={}#question", esc(&s.page), query_value(c));
            if is_federal {
                let _ = write!(
                    out,
                    "<td class=\"shade-base\" data-testid=\"matrix-cell\" data-jurisdiction=\"{j}\" data-category=\"{c}\">\
                     <a class=\"cell-link\" href=\"{href}\"><span class=\"pct\">baseline</span></a></td>",
                    j = esc(p.jurisdiction()),
                    c = esc(c)
                );
                continue;
            }
            match matrix::share(&federal.policy, &s.policy, c) {
                Some(share) => {
                    let mut looser = if share.looser > 0 {
                        format!("<span class=\"looser\">{} looser or mixed</span>", share.looser)
                    } else {
                        String::new()
                    };
                    if let Some(parent) = parent
                        && let Some(own) = matrix::share(&parent.policy, &s.policy, c)
                    {
                        let _ = write!(
                            looser,
                            "<span class=\"over-parent\" data-testid=\"over-parent\" data-stricter=\"{n}\" \
                             data-looser=\"{l}\">over {parent}: {n} stricter{more}</span>",
                            n = own.stricter,
                            l = own.looser,
                            parent = esc(parent.policy.policy().jurisdiction()),
                            more = if own.looser > 0 {
                                format!(", {} looser or mixed", own.looser)
                            } else {
                                String::new()
                            },
                        );
                    }
                    let _ = write!(
                        out,
                        "<td class=\"shade-{shade}\" data-testid=\"matrix-cell\" data-jurisdiction=\"{j}\" \
                         data-category=\"{c}\" data-stricter=\"{stricter}\" data-total=\"{total}\">\
                         <a class=\"cell-link\" href=\"{href}\"><span class=\"pct\">{pct}</span>\
                         <span class=\"count\">{stricter} of {total}</span>{looser}</a></td>",
                        shade = share.bucket(),
                        j = esc(p.jurisdiction()),
                        c = esc(c),
                        stricter = share.stricter,
                        total = share.total,
                        pct = esc(&share.percent_text()),
                    );
                }
                None => {
                    let _ = write!(out, "<td class=\"shade-na\">n/a</td>");
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out.push_str(&definition);
    out.push_str("</section>\n");
    out
}

/// The options of one axis, children indented under their parents.
fn options(axis: Option<&Axis>, selected: Option<&str>, placeholder: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(p) = placeholder {
        let _ = writeln!(out, "<option value=\"\">{}</option>", esc(p));
    }
    let Some(axis) = axis else {
        return out;
    };
    for v in &axis.values {
        let depth = depth(axis, &v.id);
        let indent = "\u{a0}\u{a0}\u{a0}".repeat(depth);
        let _ = writeln!(
            out,
            "<option value=\"{id}\"{sel}>{indent}{id} — {title}</option>",
            id = esc(&v.id),
            sel = if selected == Some(v.id.as_str()) { " selected" } else { "" },
            title = esc(&v.title),
        );
    }
    out
}

/// How many ancestors a value has (bounded, in case of a malformed cycle).
fn depth(axis: &Axis, id: &str) -> usize {
    let mut depth = 0;
    let mut current = axis.values.iter().find(|v| v.id == id).and_then(|v| v.parent.clone());
    while let Some(parent) = current {
        depth += 1;
        if depth > axis.values.len() {
            break;
        }
        current = axis.values.iter().find(|v| v.id == parent).and_then(|v| v.parent.clone());
    }
    depth
}

fn question_section(site: &Site, sites: &[Site]) -> String {
    let policy = site.policy.policy();
    let axes = &policy.vocabulary.axes;
    let mut out = String::new();
    out.push_str(
        "<section id=\"question\" aria-labelledby=\"question-heading\">\n<h2 id=\"question-heading\">Ask a question</h2>\n\
         <p>Answered in your browser from the compiled policy embedded in this page, exactly as \
         <code>stringent decide</code> answers. Several categories describe one record that carries all of them: \
         the answer is then the strictest combination.</p>\n\
         <noscript><p class=\"notice\">The question form needs JavaScript; the rules below are readable without it.</p></noscript>\n\
         <div id=\"answer\" class=\"answer\" data-testid=\"answer\" data-state=\"empty\" hidden></div>\n\
         <h3 id=\"form-heading\">Your question</h3>\n",
    );
    let _ = writeln!(
        out,
        "<form id=\"question-form\" class=\"question-form\" method=\"get\" action=\"{}\" aria-labelledby=\"form-heading\">",
        esc(&site.page)
    );
    // Jurisdiction.
    out.push_str("<div class=\"field\"><label for=\"q-jurisdiction\">Jurisdiction</label>\n<select id=\"q-jurisdiction\" name=\"jurisdiction\">\n");
    for s in sites {
        let j = s.policy.policy().jurisdiction();
        let _ = writeln!(
            out,
            "<option value=\"{id}\" data-page=\"{page}\"{sel}>{id} — {name}</option>",
            id = esc(j),
            page = esc(&s.page),
            sel = if std::ptr::eq(s, site) { " selected" } else { "" },
            name = esc(&jurisdiction_name(s)),
        );
    }
    out.push_str("</select></div>\n");
    // Categories: checkboxes.
    out.push_str(
        "<fieldset class=\"field categories\" aria-describedby=\"category-error\">\n<legend>Record categories \
         <span class=\"hint\">(one or more)</span></legend>\n<div class=\"checks\">\n",
    );
    if let Some(axis) = axes.first() {
        for v in &axis.values {
            let _ = writeln!(
                out,
                "<div class=\"check depth-{depth}\"><input type=\"checkbox\" id=\"q-category-{id}\" name=\"category\" \
                 value=\"{id}\"><label for=\"q-category-{id}\"><code>{id}</code> {title}</label></div>",
                depth = depth(axis, &v.id).min(3),
                id = esc(&v.id),
                title = esc(&v.title),
            );
        }
    }
    out.push_str("</div>\n<p id=\"category-error\" class=\"error\" hidden></p>\n</fieldset>\n");
    // The other axes.
    // (axis, name, label, default value, placeholder of a required choice)
    type Select<'a> = (usize, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let selects: [Select<'_>; 4] = [
        (1, "purpose", "Purpose", None, Some("Choose a purpose…")),
        (2, "recipient", "Recipient", None, Some("Choose a recipient…")),
        (3, "subject", "Subject (whom the record is about)", Some(SUBJECT), None),
        (4, "holder", "Holder (who holds the record)", Some(HOLDER), None),
    ];
    for (axis, name, label, default, placeholder) in selects {
        let _ = writeln!(
            out,
            "<div class=\"field\"><label for=\"q-{name}\">{label}</label>\n<select id=\"q-{name}\" name=\"{name}\"{req}>\n{opts}</select></div>",
            label = esc(label),
            req = if placeholder.is_some() { " required" } else { "" },
            opts = options(axes.get(axis), default, placeholder),
        );
    }
    out.push_str("<div class=\"actions\"><button type=\"submit\">Answer</button></div>\n</form>\n</section>\n");
    out
}

fn rule_item(rule: &RuleInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<li class=\"rule\" id=\"rule-{id}\" data-testid=\"rule\" data-value=\"{id}\" data-confidence=\"{c}\">\n\
         <h4 class=\"rule-title\">{title}</h4>\n<p class=\"rule-id\"><code>{id}</code></p>\n<dl class=\"facts\">",
        id = esc(&rule.id),
        title = esc(&rule.title),
        c = esc(&rule.confidence),
    );
    let citations = if rule.citations.is_empty() {
        "<em>none given</em>".to_owned()
    } else {
        rule.citations.iter().map(|c| esc(c)).collect::<Vec<_>>().join("; ")
    };
    let _ = writeln!(out, "<dt>Citation</dt><dd>{citations}</dd>");
    let _ = writeln!(
        out,
        "<dt>Confidence</dt><dd><span class=\"confidence confidence-{c}\">{c}</span></dd>",
        c = esc(&rule.confidence)
    );
    let _ = writeln!(out, "<dt>Layer</dt><dd>{}</dd>", esc(&rule.layer));
    let in_force = match &rule.expires {
        Some(e) => format!("from {} until {}", esc(&rule.effective), esc(e)),
        None => format!("from {}", esc(&rule.effective)),
    };
    let _ = writeln!(out, "<dt>In force</dt><dd>{in_force}</dd>");
    let source = match &rule.source {
        Some(s) if is_web_link(s) => format!("<a href=\"{u}\" rel=\"noopener noreferrer\">{u}</a>", u = esc(s)),
        Some(s) => esc(s),
        None => "<em>none given</em>".to_owned(),
    };
    let _ = writeln!(out, "<dt>Source</dt><dd class=\"source\">{source}</dd>");
    let _ = writeln!(out, "<dt>Written at</dt><dd><code>{}:{}</code></dd>", esc(&rule.file), rule.line);
    out.push_str("</dl>\n</li>\n");
    out
}

fn rules_section(site: &Site) -> String {
    let policy = site.policy.policy();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"rules\" aria-labelledby=\"rules-heading\">\n<h2 id=\"rules-heading\">Rules of the chain</h2>\n\
         <p>Every rule that takes part in deciding some question in this chain — {} in all — grouped by layer, \
         strongest authority first. Content hash of the compiled policy: <code class=\"hash\">{}</code>.</p>",
        policy.rules.len(),
        esc(&policy.content_hash),
    );
    // The page's own layer first, then the layers it extends (federal law last), folded:
    // a state's reader comes for the state's rules, not the federal ones before them.
    let mut layers: Vec<(String, String)> = policy.chain.iter().rev().map(|l| (l.id.clone(), l.name.clone())).collect();
    for r in &policy.rules {
        if !layers.iter().any(|(id, _)| *id == r.layer) {
            layers.push((r.layer.clone(), String::new()));
        }
    }
    out.push_str(&search_box("find-rule", "Find a rule (id, title, citation):", "li.rule", "rule"));
    out.push_str(
        "<p class=\"filter\"><label for=\"rule-confidence\">Confidence:</label> <select id=\"rule-confidence\" \
         data-filter-items=\"li.rule\" data-filter-attr=\"confidence\" data-filter-param=\"confidence\" \
         data-testid=\"rule-confidence\"><option value=\"\">any</option>",
    );
    for c in ["verified", "secondary", "recalled", "unverified"] {
        let _ = write!(out, "<option value=\"{c}\">{c}</option>");
    }
    out.push_str("</select></p>\n");
    let own = policy.chain.last().map(|l| l.id.as_str());
    for (i, (id, name)) in layers.iter().enumerate() {
        let rules: Vec<&RuleInfo> = policy.rules.iter().filter(|r| r.layer == *id).collect();
        let title = if name.is_empty() { esc(id) } else { format!("{} — {}", esc(id), esc(name)) };
        let folded = policy.chain.len() > 1 && Some(id.as_str()) != own;
        let _ = writeln!(
            out,
            "<section class=\"layer\" aria-labelledby=\"layer-{i}\" data-testid=\"layer\" data-value=\"{id}\">\n\
             {open}<h3 id=\"layer-{i}\">{title} <span class=\"meta\">({n} rule{plural})</span></h3>{close}",
            id = esc(id),
            n = rules.len(),
            plural = if rules.len() == 1 { "" } else { "s" },
            open = if folded { "<details class=\"layer-rules\"><summary>" } else { "" },
            close = if folded { "</summary>" } else { "" },
        );
        if rules.is_empty() {
            out.push_str("<p>No rule of this layer decides anything in this chain.</p>\n");
        } else {
            out.push_str("<ol class=\"rules\">\n");
            for r in rules {
                out.push_str(&rule_item(r));
            }
            out.push_str("</ol>\n");
        }
        if folded {
            out.push_str("</details>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
    out
}

pub fn jurisdiction_page(site: &Site, sites: &[Site], notes: Option<&LayerNotes>) -> io::Result<String> {
    let policy = site.policy.policy();
    let changes = layers::changes_section(site, sites);
    let coverage = layers::coverage_section(notes);
    let mut main = String::new();
    let _ = writeln!(
        main,
        "<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><a href=\"../index.html\">All jurisdictions</a> \
         <span aria-hidden=\"true\">›</span> <span aria-current=\"page\">{}</span></nav>",
        esc(policy.jurisdiction())
    );
    let _ = writeln!(
        main,
        "<h1>{id} — {name}</h1>\n<p class=\"lead\">Chain {chain}, resolved as of <time datetime=\"{as_of}\">{as_of}</time>.</p>\n<nav aria-label=\"On this page\"><ul class=\"toc\">\
         <li><a href=\"#question\">Ask a question</a></li>{changes}{coverage}<li><a href=\"#rules\">Rules of the chain</a></li></ul></nav>",
        id = esc(policy.jurisdiction()),
        name = esc(&jurisdiction_name(site)),
        chain = chain_text(site),
        as_of = esc(&policy.as_of),
        changes = if changes.is_empty() { "" } else { "<li><a href=\"#changes\">What this layer changes</a></li>" },
        coverage = if coverage.is_empty() { "" } else { "<li><a href=\"#coverage\">Topics</a></li>" },
    );
    main.push_str(&question_section(site, sites));
    main.push_str(&changes);
    main.push_str(&coverage);
    main.push_str(&rules_section(site));
    let json = script_json(&data::policy_json(policy, sites)?);
    let scripts = format!(
        "<script type=\"application/json\" id=\"policy-data\">{json}</script>\n<script src=\"../assets/question.js\"></script>\n<script src=\"../assets/filter.js\"></script>\n"
    );
    Ok(page(&format!("{} — stringent report", policy.jurisdiction()), "../", &main, &scripts))
}
