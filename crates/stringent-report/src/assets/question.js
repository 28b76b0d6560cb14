/* stringent report: the question form.
 *
 * Answers a question from the compiled policy embedded in the page
 * (<script type="application/json" id="policy-data">), exactly as
 * stringent_policy::LoadedPolicy::decide does:
 *   - a cell's entry is table[t], t the sum over the axes of offsets[axis][value] (the
 *     value's class times the axis's stride: the artifact's regions, schema 2.0);
 *   - an entry is [requirement, provenance], indices into requirements and provenance,
 *     whose entries index rules;
 *   - several categories: the meet (ways: every union of one way from each, minimised;
 *     mandatory or, deadlines union then the dominated ones dropped, sets union sorted,
 *     max validity min); level and bases are derived from the ways as Permission does.
 *     A way is a BigInt as lattice::Way is a u64: bases in the low 8 bits, closed under
 *     implication, condition i at bit 8 + i.
 * The question comes from the URL's query string (?category=hiv&purpose=…), which is
 * also what the form submits, so every answer has its own address.
 */
(function () {
  "use strict";

  var AXES = ["category", "purpose", "recipient", "subject", "holder"];
  // Basis, DayUnit and Action in their Rust declaration order (which is their Ord).
  var BASES = [
    "none", "no_objection", "authorization", "specific_authorization",
    "court_order", "warrant", "subpoena", "administrative_request"
  ];
  var LEVELS = [
    "allowed", "allowed_unless_objects", "authorization", "specific_authorization",
    "legal_process", "court_order_only", "prohibited"
  ];
  /* Basis::level, by position in BASES. */
  var BASIS_LEVEL = [0, 1, 2, 3, 5, 5, 4, 4];
  var UNITS = ["calendar_days", "business_days"];
  var ACTIONS = ["inspect", "copy", "any"];

  var LEVEL_TEXT = {
    allowed: "Allowed: no permission needed",
    allowed_unless_objects: "Allowed unless the individual objects",
    authorization: "Written authorization required",
    specific_authorization: "Specific written authorization required",
    legal_process: "Legal process only: a subpoena or administrative request",
    court_order_only: "Court order only",
    prohibited: "Prohibited: no basis suffices"
  };
  var BASIS_TEXT = {
    none: "no permission needed",
    no_objection: "opportunity to agree or object (45 CFR 164.510)",
    authorization: "written authorization (45 CFR 164.508)",
    specific_authorization: "written, category-specific authorization",
    court_order: "court order (45 CFR 164.512(e)(1)(i))",
    warrant: "court-ordered warrant (45 CFR 164.512(f)(1)(ii)(A))",
    subpoena: "subpoena or discovery request (45 CFR 164.512(e)(1)(ii))",
    administrative_request: "administrative request or subpoena (45 CFR 164.512(f)(1)(ii)(C))"
  };
  var UNIT_TEXT = { calendar_days: "calendar days", business_days: "business days" };
  var ACTION_TEXT = { inspect: "to let the individual inspect", copy: "to provide a copy", any: "to inspect or copy" };
  var ROLE_TEXT = {
    won: "decided",
    met: "met, not the strictest",
    excepted: "set aside by an exception",
    preempted: "preempted by federal law",
    deferred: "deferred to a lower layer",
    inactive: "not in force on the as-of date"
  };

  // ---- the lattice, as in stringent_policy::lattice -------------------------------

  /* Rust sorts Strings by their UTF-8 bytes, which is code-point order. */
  function cmpStr(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var ca = a.codePointAt(i), cb = b.codePointAt(j);
      if (ca !== cb) return ca < cb ? -1 : 1;
      i += ca > 0xffff ? 2 : 1;
      j += cb > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    if (j < b.length) return -1;
    return 0;
  }

  function normSet(xs) {
    var s = xs.slice().sort(cmpStr);
    return s.filter(function (x, k) { return k === 0 || x !== s[k - 1]; });
  }

  function rank(list, x) {
    var k = list.indexOf(x);
    return k < 0 ? list.length : k;
  }

  /* Deadline's derived Ord: days, then unit, then action. */
  function cmpDeadline(a, b) {
    if (a.days !== b.days) return a.days < b.days ? -1 : 1;
    var u = rank(UNITS, a.unit) - rank(UNITS, b.unit);
    if (u !== 0) return u;
    return rank(ACTIONS, a.action) - rank(ACTIONS, b.action);
  }

  function sameDeadline(a, b) {
    return a.days === b.days && a.unit === b.unit && a.action === b.action;
  }

  /* Deadline::dominates */
  function dominates(self, other) {
    var covers = self.action === "any" || self.action === other.action;
    var earlier = self.unit === "business_days" && other.unit === "calendar_days" ? false : self.days <= other.days;
    return covers && earlier;
  }

  /* lattice::reduce_deadlines: sort, dedup, keep what no other deadline dominates. */
  function reduceDeadlines(ds) {
    var sorted = ds.slice().sort(cmpDeadline);
    var all = sorted.filter(function (d, k) { return k === 0 || !sameDeadline(d, sorted[k - 1]); });
    return all.filter(function (d) {
      return !all.some(function (o) { return !sameDeadline(o, d) && dominates(o, d); });
    });
  }

  /* Basis::way: the bits of a basis and of every basis it implies. */
  function basisWay(b) {
    var bit = function (name) { return 1n << BigInt(BASES.indexOf(name) - 1); };
    switch (b) {
      case "none": return 0n;
      case "authorization": return bit("authorization") | bit("no_objection");
      case "specific_authorization": return bit("specific_authorization") | bit("authorization") | bit("no_objection");
      case "court_order": return bit("court_order") | bit("subpoena");
      default: return BASES.indexOf(b) > 0 ? bit(b) : 0n;
    }
  }

  var BASIS_MASK = 255n;
  /* lattice::MAX_CONDITIONS: the conditions a way can hold above the eight basis bits. */
  var MAX_CONDITIONS = 120;

  /* Way::covers */
  function covers(self, other) {
    return (other & ~self) === 0n;
  }

  /* Permission::from_ways: sorted, deduplicated, minimal. */
  function fromWays(ways) {
    var sorted = ways.slice().sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    var all = sorted.filter(function (w, k) { return k === 0 || w !== sorted[k - 1]; });
    return all.filter(function (w) { return !all.some(function (o) { return o !== w && covers(w, o); }); });
  }

  /* WayRecord::way: a condition the page does not declare counts as the last one. */
  function wayOf(policy, record) {
    var w = record[0].reduce(function (acc, b) { return acc | basisWay(b); }, 0n);
    record[1].forEach(function (c) {
      var k = policy.conditions.indexOf(c);
      w |= 1n << BigInt(8 + (k < 0 ? MAX_CONDITIONS - 1 : k));
    });
    return w;
  }

  /* Way::bases: the bases held, without those another held basis implies. */
  function namedBases(w) {
    var held = BASES.slice(1).filter(function (b) {
      return (w & (1n << BigInt(BASES.indexOf(b) - 1))) !== 0n;
    });
    var named = held.filter(function (b) {
      return !held.some(function (o) { return o !== b && covers(basisWay(o), basisWay(b)); });
    });
    return named.length ? named : ["none"];
  }

  function wayConditions(policy, w) {
    var out = [];
    for (var k = 0; k < MAX_CONDITIONS; k++) {
      if ((w & (1n << BigInt(8 + k))) !== 0n) out.push(policy.conditions[k] || "condition_" + k);
    }
    return out;
  }

  /* Way::level */
  function wayLevel(w) {
    return namedBases(w).reduce(function (acc, b) { return Math.max(acc, BASIS_LEVEL[BASES.indexOf(b)]); }, 0);
  }

  /* Permission::level: the weakest unconditional way's. */
  function levelOf(ways) {
    var best = LEVELS.length - 1;
    ways.forEach(function (w) {
      if ((w & ~BASIS_MASK) === 0n) best = Math.min(best, wayLevel(w));
    });
    return LEVELS[best];
  }

  /* Permission::bases: the bases that suffice alone. */
  function basesOf(ways) {
    return BASES.filter(function (b) {
      return ways.some(function (w) { return covers(basisWay(b), w); });
    });
  }

  /* Requirement::<String>::from(&RequirementRecord): the record, normalized. */
  function fromRecord(policy, r) {
    return {
      ways: fromWays(r[0].map(function (w) { return wayOf(policy, w); })),
      mandatory: r[1] === true,
      deadlines: reduceDeadlines(r[2].map(function (d) { return { days: d[0], unit: d[1], action: d[2] }; })),
      elements: normSet(r[3]),
      form: normSet(r[4]),
      obligations: normSet(r[5]),
      maxValidity: r[6] === null || r[6] === undefined ? null : r[6]
    };
  }

  /* Requirement::default(): the top, demands nothing. */
  function top() {
    return { ways: [0n], mandatory: false, deadlines: [], elements: [], form: [], obligations: [], maxValidity: null };
  }

  /* Requirement::meet */
  function meet(a, b) {
    var mv;
    if (a.maxValidity !== null && b.maxValidity !== null) mv = Math.min(a.maxValidity, b.maxValidity);
    else mv = a.maxValidity !== null ? a.maxValidity : b.maxValidity;
    return {
      ways: fromWays([].concat.apply([], a.ways.map(function (x) {
        return b.ways.map(function (y) { return x | y; });
      }))),
      mandatory: a.mandatory || b.mandatory,
      deadlines: reduceDeadlines(a.deadlines.concat(b.deadlines)),
      elements: normSet(a.elements.concat(b.elements)),
      form: normSet(a.form.concat(b.form)),
      obligations: normSet(a.obligations.concat(b.obligations)),
      maxValidity: mv
    };
  }

  // ---- the policy, as in stringent_policy::LoadedPolicy ---------------------------

  /* The offsets must reach only entries of the table (see data.rs). */
  function checkRegions(offsets, table, sizes) {
    var ok = Array.isArray(offsets) && Array.isArray(table) && offsets.length === sizes.length;
    var last = 0;
    for (var a = 0; ok && a < sizes.length; a++) {
      var of = offsets[a];
      ok = Array.isArray(of) && of.length === sizes[a] && of.every(function (x) { return Number.isInteger(x) && x >= 0; });
      if (ok) last += Math.max.apply(null, of.concat([0]));
    }
    ok = ok && last < table.length && table.every(function (e) { return Array.isArray(e) && e.length === 2; });
    if (!ok) throw new Error("the embedded policy is inconsistent: its regions do not cover the cells");
  }

  function load(data) {
    var axes = data.axes.map(function (a) {
      return { id: a[0], values: a[1].map(function (v) { return { id: v[0], title: v[1], parent: v[2] }; }) };
    });
    var names = axes.map(function (a) { return a.id; });
    if (names.join(",") !== AXES.join(",")) {
      throw new Error("the embedded policy has axes " + names.join(", ") + ", expected " + AXES.join(", "));
    }
    var index = axes.map(function (a) {
      var m = new Map();
      a.values.forEach(function (v, k) { m.set(v.id, k); });
      return m;
    });
    var sizes = axes.map(function (a) { return a.values.length; });
    checkRegions(data.offsets, data.table, sizes);
    return {
      jurisdiction: data.jurisdiction,
      asOf: data.as_of,
      chain: data.chain,
      axes: axes,
      index: index,
      offsets: data.offsets,
      table: data.table,
      requirements: data.requirements,
      conditions: data.conditions || [],
      provenance: data.provenance,
      roles: data.roles,
      dimensionLists: data.dimension_lists,
      rules: data.rules,
      terms: data.terms,
      pages: data.pages
    };
  }

  function QuestionError(message) {
    this.message = message;
  }

  /* The first eight of an axis's values and their count, as `QuestionError` words them. */
  function brief(ids) {
    var shown = 8;
    if (ids.length === 0) return "none";
    if (ids.length <= shown) return ids.join(", ");
    return ids.slice(0, shown).join(", ") + ", \u2026 (" + ids.length + " in all)";
  }

  /* LoadedPolicy::points then LoadedPolicy::decide. */
  function decide(policy, q) {
    if (q.categories.length === 0) throw new QuestionError("a question needs at least one category");
    function find(axis, value) {
      var k = policy.index[axis].get(value);
      if (k === undefined) {
        var ids = policy.axes[axis].values.map(function (v) { return v.id; });
        throw new QuestionError("unknown " + AXES[axis] + " `" + value + "`; valid values: " + brief(ids));
      }
      return k;
    }
    var rest = [find(1, q.purpose), find(2, q.recipient), find(3, q.subject), find(4, q.holder)];
    var points = q.categories.map(function (c) { return [find(0, c)].concat(rest); });
    var met = null;
    var provenance = [];
    var ungoverned = [];
    points.forEach(function (point, k) {
      var tuple = 0;
      for (var a = 0; a < point.length; a++) tuple += policy.offsets[a][point[a]];
      var entry = policy.table[tuple];
      var record = policy.requirements[entry[0]];
      if (record) {
        var req = fromRecord(policy, record);
        met = met === null ? req : meet(met, req);
      }
      var involvements = policy.provenance[entry[1]] || [];
      /* governed: some rule in force reaches the cell (decision.rs) */
      var governed = involvements.some(function (inv) { return policy.roles[inv[1]] !== "inactive"; });
      if (!governed) ungoverned.push(q.categories[k]);
      var forCategory = q.categories.length > 1 ? q.categories[k] : null;
      involvements.forEach(function (inv) {
        var rule = policy.rules[inv[0]];
        if (!rule) return;
        provenance.push({
          rule: rule[0],
          layer: rule[1],
          title: rule[2],
          citation: rule[3].join("; "),
          confidence: rule[4],
          source: rule[5],
          role: policy.roles[inv[1]],
          dimensions: policy.dimensionLists[inv[2]] || [],
          forCategory: forCategory
        });
      });
    });
    if (met === null) met = top();
    return {
      jurisdiction: policy.jurisdiction,
      categories: q.categories,
      purpose: q.purpose,
      recipient: q.recipient,
      subject: q.subject,
      holder: q.holder,
      level: levelOf(met.ways),
      governed: ungoverned.length === 0,
      ungovernedCategories: q.categories.length > 1 ? ungoverned : [],
      bases: basesOf(met.ways),
      ways: met.ways.map(function (w) {
        return { bases: namedBases(w), conditions: wayConditions(policy, w), level: LEVELS[wayLevel(w)] };
      }),
      mandatory: met.mandatory,
      deadlines: met.deadlines,
      elements: met.elements,
      form: met.form,
      obligations: met.obligations,
      maxValidity: met.maxValidity,
      /* layers whose declared history begins after the date answered (decision.rs, HistoryGap) */
      historyIncomplete: policy.chain
        .filter(function (l) { return l[2] && policy.asOf < l[2]; })
        .map(function (l) { return { layer: l[0], completeFrom: l[2] }; }),
      /* topics a layer declares it has not read that reach the question (decision.rs, UnreadLaw) */
      lawUnread: unreadLaw(policy, q),
      provenance: provenance
    };
  }

  /* The gaps of the chain whose topics reach the question: on an axis the topic names,
     one of the question's values is among the topic's (decision.rs, UnreadLaw::of). */
  function unreadLaw(policy, q) {
    var asked = {
      category: q.categories, purpose: [q.purpose], recipient: [q.recipient],
      subject: [q.subject], holder: [q.holder]
    };
    var out = [];
    policy.chain.forEach(function (l) {
      (l[3] || []).forEach(function (u) {
        var reached = u[2].some(function (r) {
          return (asked[r[0]] || []).some(function (v) { return r[1].indexOf(v) >= 0; });
        });
        if (reached) out.push({ layer: l[0], topic: u[0], note: u[1] });
      });
    });
    return out;
  }

  /* A requirement as a row of the page's requirements (data.rs, requirement_row), with
     its level and the bases that suffice alone. */
  function rowOf(policy, req) {
    return [
      [
        req.ways.map(function (w) { return [namedBases(w), wayConditions(policy, w)]; }),
        req.mandatory,
        req.deadlines.map(function (d) { return [d.days, d.unit, d.action]; }),
        req.elements,
        req.form,
        req.obligations,
        req.maxValidity
      ],
      levelOf(req.ways),
      basesOf(req.ways)
    ];
  }

  /* Outside a browser there is no page to build: Node loads this file only in the tests
     that check this copy of the meet against Requirement::meet on every pair of the
     shipped requirements, and its answers against the golden vectors
     (crates/stringent-report/tests/meet.rs). */
  if (typeof document === "undefined") {
    if (typeof module !== "undefined") {
      module.exports = { fromRecord: fromRecord, meet: meet, rowOf: rowOf, load: load, decide: decide, QuestionError: QuestionError };
    }
    return;
  }

  // ---- the page -------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var v = attrs[name];
      if (v !== null && v !== undefined) node.setAttribute(name, String(v));
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function code(text) {
    return el("code", {}, [text]);
  }

  function readQuery() {
    var params = new URLSearchParams(window.location.search);
    var categories = [];
    params.getAll("category").forEach(function (v) {
      v.split(",").forEach(function (x) {
        x = x.trim();
        if (x) categories.push(x);
      });
    });
    return {
      jurisdiction: params.get("jurisdiction"),
      categories: categories,
      purpose: params.get("purpose") || "",
      recipient: params.get("recipient") || "",
      subject: params.get("subject") || "adult",
      holder: params.get("holder") || "provider",
      any: Array.from(params.keys()).length > 0
    };
  }

  function setSelect(form, name, value) {
    var select = form.elements.namedItem(name);
    if (!select || !value) return;
    var ok = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    if (!ok) return;
    // defaultSelected keeps the choice in the markup too (form reset, saved pages).
    Array.prototype.forEach.call(select.options, function (o) { o.defaultSelected = o.value === value; });
    select.value = value;
  }

  function fill(form, q) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=category]"), function (box) {
      var on = q.categories.indexOf(box.value) >= 0;
      box.defaultChecked = on;
      box.checked = on;
    });
    setSelect(form, "purpose", q.purpose);
    setSelect(form, "recipient", q.recipient);
    setSelect(form, "subject", q.subject);
    setSelect(form, "holder", q.holder);
  }

  function listOrNone(items, none, render) {
    if (items.length === 0) return el("p", { class: "none" }, [none]);
    return el("ul", {}, items.map(render));
  }

  function termItem(policy, table, testid) {
    return function (id) {
      var title = policy.terms[table] && policy.terms[table][id];
      return el("li", { "data-testid": testid, "data-value": id }, [title ? title + " " : "", code(id)]);
    };
  }

  function renderAnswer(box, policy, d) {
    box.textContent = "";
    box.hidden = false;
    box.setAttribute("data-state", "answered");
    box.setAttribute("data-jurisdiction", d.jurisdiction);
    var heading = el("h3", { id: "answer-heading", tabindex: "-1" }, ["Answer for " + d.jurisdiction]);
    box.appendChild(heading);
    var chain = policy.chain.map(function (l) { return l[0]; }).join(" → ");
    box.appendChild(
      el("p", { class: "question-text", "data-testid": "question" }, [
        "Categories " + d.categories.join(", ") + "; purpose " + d.purpose + "; recipient " + d.recipient +
          "; subject " + d.subject + "; holder " + d.holder + ". Chain " + chain + ", as of ",
        el("time", { datetime: policy.asOf }, [policy.asOf]),
        "."
      ])
    );
    box.appendChild(
      el("p", { class: "verdict level-" + d.level }, [
        el("span", { class: "verdict-label" }, ["Level: "]),
        el("strong", { "data-testid": "level", "data-value": d.level }, [LEVEL_TEXT[d.level] || d.level]),
        " ",
        code(d.level)
      ])
    );
    if (!d.governed) {
      var what = (d.ungovernedCategories.length ? d.ungovernedCategories : d.categories).join(" + ");
      box.appendChild(
        el("p", { class: "ungoverned", role: "note", "data-testid": "ungoverned", "data-value": what }, [
          el("strong", {}, ["Ungoverned: "]),
          "no rule in " + chain + " governs a " + d.holder + "'s disclosure of " + what +
            " information for this purpose and recipient. Nothing encoded reaches this question, so the level above is not a legal permission."
        ])
      );
    }
    if (d.historyIncomplete.length) {
      var gaps = d.historyIncomplete.map(function (g) { return g.layer + " from " + g.completeFrom; }).join(", ");
      box.appendChild(
        el("p", { class: "ungoverned", role: "note", "data-testid": "history", "data-value": gaps }, [
          el("strong", {}, ["History: "]),
          "the history encoded is complete only for " + gaps + ": as of " + policy.asOf +
            " this answer may miss law then in force."
        ])
      );
    }
    if (d.lawUnread.length) {
      var unread = d.lawUnread.map(function (u) { return u.layer + " on " + u.topic; }).join(", ");
      box.appendChild(
        el("p", { class: "ungoverned", role: "note", "data-testid": "unread", "data-value": unread }, [
          el("strong", {}, ["Law not read: "]),
          d.lawUnread.map(function (u) { return u.layer + " on " + u.topic + " (" + u.note + ")"; }).join("; ") +
            ". This answer may be looser than that law; check it before relying on it."
        ])
      );
    }
    var facts = el("dl", { class: "answer-facts" }, []);
    function fact(term, value) {
      facts.appendChild(el("dt", {}, [term]));
      facts.appendChild(value);
    }
    fact(
      "Legal bases that suffice",
      el("dd", {}, [
        d.bases.length === 0
          ? el("p", { "data-testid": "bases-empty" }, [
            d.ways.length === 0
              ? "None suffices: the disclosure is prohibited."
              : "No basis suffices alone: see the ways below."
          ])
          : el("ul", {}, d.bases.map(function (b) {
            return el("li", { "data-testid": "basis", "data-value": b }, [(BASIS_TEXT[b] || b) + " ", code(b)]);
          }))
      ])
    );
    /* Ways of several instruments, or under conditions, say more than the bases. */
    if (d.ways.some(function (w) { return w.bases.length > 1 || w.conditions.length > 0; })) {
      fact(
        "Ways that suffice (any one)",
        el("dd", {}, [el("ul", {}, d.ways.map(function (w) {
          var text = w.bases.join(" and ") + (w.conditions.length ? " if " + w.conditions.join(" and ") : "");
          return el("li", { "data-testid": "way", "data-value": text }, [code(text)]);
        }))])
      );
    }
    fact(
      "Mandatory",
      el("dd", { "data-testid": "mandatory", "data-value": String(d.mandatory) }, [
        d.mandatory ? "Yes: the disclosure is required" : "No: the disclosure is not required"
      ])
    );
    fact(
      "Deadlines",
      el("dd", {}, [listOrNone(d.deadlines, "None", function (dl) {
        return el("li", { "data-testid": "deadline", "data-value": dl.days + " " + dl.unit + " " + dl.action }, [
          dl.days + " " + (UNIT_TEXT[dl.unit] || dl.unit) + " " + (ACTION_TEXT[dl.action] || dl.action)
        ]);
      })])
    );
    fact(
      "What an authorization must state",
      el("dd", {}, [listOrNone(d.elements, "Nothing beyond the general rules", termItem(policy, "authorization_elements", "element"))])
    );
    fact("Form of the authorization", el("dd", {}, [listOrNone(d.form, "No constraint", termItem(policy, "form", "form"))]));
    fact(
      "Obligations",
      el("dd", {}, [listOrNone(d.obligations, "None", function (id) {
        var info = policy.terms.obligations && policy.terms.obligations[id];
        var children = [info ? info[0] + " " : "", code(id)];
        if (info && info[1]) children.push(el("blockquote", { class: "notice-text" }, [info[1]]));
        return el("li", { "data-testid": "obligation", "data-value": id }, children);
      })])
    );
    fact(
      "Maximum validity of an authorization",
      el("dd", { "data-testid": "max-validity", "data-value": d.maxValidity === null ? "" : String(d.maxValidity) }, [
        d.maxValidity === null ? "No limit set" : d.maxValidity + " days"
      ])
    );
    box.appendChild(facts);
    box.appendChild(el("h4", {}, ["Provenance: the rules that decided it"]));
    if (d.provenance.length === 0) {
      box.appendChild(el("p", {}, ["No rule matches this question; nothing is demanded."]));
    } else {
      box.appendChild(
        el("ol", { class: "provenance" }, d.provenance.map(function (p) {
          var parts = [
            el("a", { href: "#rule-" + p.rule }, [code(p.rule)]),
            " ",
            el("span", { class: "layer" }, ["[" + p.layer + "]"]),
            " " + p.citation + " ",
            el("span", { class: "role role-" + p.role }, [p.role]),
            (p.role !== "won" && ROLE_TEXT[p.role] ? " (" + ROLE_TEXT[p.role] + ")" : "") +
              (p.dimensions.length ? ": " + p.dimensions.join(", ") : "")
          ];
          if (p.forCategory !== null) parts.push(" (for " + p.forCategory + ")");
          return el("li", {
            "data-testid": "provenance",
            "data-rule": p.rule,
            "data-layer": p.layer,
            "data-role": p.role,
            "data-dimensions": p.dimensions.join(","),
            "data-for-category": p.forCategory === null ? "" : p.forCategory
          }, parts);
        }))
      );
    }
    return heading;
  }

  function renderMessage(box, state, message, alert) {
    box.textContent = "";
    box.hidden = false;
    box.setAttribute("data-state", state);
    var attrs = { class: state === "error" ? "error-box" : "info-box", "data-testid": state };
    if (alert) attrs.role = "alert";
    box.appendChild(el("p", attrs, [message]));
  }

  function pageOf(policy, jurisdiction) {
    var hit = policy.pages.filter(function (p) { return p[0] === jurisdiction; })[0];
    return hit ? hit[1] : null;
  }

  function main() {
    var form = document.getElementById("question-form");
    var box = document.getElementById("answer");
    var dataEl = document.getElementById("policy-data");
    if (!form || !box || !dataEl) return;
    var policy;
    try {
      policy = load(JSON.parse(dataEl.textContent));
    } catch (e) {
      renderMessage(box, "error", "Cannot read the embedded policy: " + e.message, true);
      return;
    }

    var jurisdictionSelect = form.elements.namedItem("jurisdiction");
    var categoryError = document.getElementById("category-error");
    function syncAction() {
      var page = jurisdictionSelect ? pageOf(policy, jurisdictionSelect.value) : null;
      if (page) form.setAttribute("action", page);
    }
    if (jurisdictionSelect) jurisdictionSelect.addEventListener("change", syncAction);
    form.addEventListener("submit", function (event) {
      var boxes = form.querySelectorAll("input[name=category]");
      var checked = Array.prototype.some.call(boxes, function (b) { return b.checked; });
      if (!checked) {
        event.preventDefault();
        if (categoryError) {
          categoryError.textContent = "Choose at least one record category.";
          categoryError.setAttribute("role", "alert");
          categoryError.hidden = false;
        }
        if (boxes[0]) boxes[0].focus();
        return;
      }
      syncAction();
    });
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "category" && categoryError) categoryError.hidden = true;
    });

    var q = readQuery();
    // A combined policy's id joins jurisdictions with "+", which a hand-written query
    // string turns into a space.
    if (q.jurisdiction && q.jurisdiction.indexOf(" ") >= 0 && !pageOf(policy, q.jurisdiction)) {
      q.jurisdiction = q.jurisdiction.replace(/ /g, "+");
    }
    if (q.jurisdiction && q.jurisdiction !== policy.jurisdiction) {
      var page = pageOf(policy, q.jurisdiction);
      if (page) {
        window.location.replace(page + window.location.search + window.location.hash);
        return;
      }
      var valid = policy.pages.map(function (p) { return p[0]; }).join(", ");
      renderMessage(box, "error", "unknown jurisdiction `" + q.jurisdiction + "`; valid: " + valid, true);
      fill(form, q);
      return;
    }
    fill(form, q);
    if (!q.any) return;
    var missing = [];
    if (q.categories.length === 0) missing.push("at least one category");
    if (!q.purpose) missing.push("a purpose");
    if (!q.recipient) missing.push("a recipient");
    if (missing.length > 0) {
      renderMessage(box, "incomplete", "To get an answer, also choose " + missing.join(", ") + ".", false);
      return;
    }
    try {
      var heading = renderAnswer(box, policy, decide(policy, q));
      // The answer is at the top of the form's section: move focus there for keyboard and
      // screen-reader users without jumping the page.
      heading.focus({ preventScroll: true });
    } catch (e) {
      if (e instanceof QuestionError) renderMessage(box, "error", e.message, true);
      else renderMessage(box, "error", "Cannot answer: " + (e && e.message ? e.message : String(e)), true);
    }
  }

  main();
})();
