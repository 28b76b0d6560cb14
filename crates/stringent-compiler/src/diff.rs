//! `stringent diff`: the exact semantic difference between two compiled rule trees. The
//! domain is finite, so every cell is compared; cells that changed the same way because
//! of the same rules are reported together, each dimension labelled tightened, loosened
//! or changed (incomparable), with the deciding rules and citations on each side.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use stringent_policy::artifact::{AXES, Policy, Role};
use stringent_policy::{Dimension, Requirement};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Tightened,
    Loosened,
    Changed,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionChange {
    pub dimension: Dimension,
    pub direction: Direction,
    pub old: String,
    pub new: String,
    /// The rules that decided this dimension before and after, with their citations.
    pub old_rules: Vec<RuleRef>,
    pub new_rules: Vec<RuleRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub rule: String,
    pub layer: String,
    pub citation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// Cells of one jurisdiction that changed the same way.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeGroup {
    pub jurisdiction: String,
    pub cells: usize,
    /// A few of the cells, as `category / purpose / recipient / subject / holder`.
    pub examples: Vec<String>,
    pub changes: Vec<DimensionChange>,
}

impl ChangeGroup {
    /// Loosened, and no rule deciding the new answer says why.
    pub fn unjustified_loosening(&self) -> bool {
        self.changes
            .iter()
            .filter(|c| c.direction == Direction::Loosened)
            .any(|c| c.new_rules.is_empty() || c.new_rules.iter().all(|r| r.justification.is_none()))
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub groups: Vec<ChangeGroup>,
}

impl Diff {
    pub fn loosened(&self) -> bool {
        self.groups.iter().any(|g| g.changes.iter().any(|c| c.direction == Direction::Loosened))
    }
    pub fn unjustified_loosening(&self) -> bool {
        self.groups.iter().any(ChangeGroup::unjustified_loosening)
    }
}

/// Compare the policies of two trees, jurisdiction by jurisdiction.
pub fn diff(old: &[Policy], new: &[Policy]) -> Diff {
    let by_id = |ps: &[Policy]| -> BTreeMap<String, usize> {
        ps.iter().enumerate().map(|(i, p)| (p.jurisdiction().to_owned(), i)).collect()
    };
    let (o, n) = (by_id(old), by_id(new));
    let mut out = Diff {
        added: n.keys().filter(|k| !o.contains_key(*k)).cloned().collect(),
        removed: o.keys().filter(|k| !n.contains_key(*k)).cloned().collect(),
        groups: Vec::new(),
    };
    for (j, ni) in &n {
        let (Some(op), Some(np)) = (o.get(j).and_then(|i| old.get(*i)), new.get(*ni)) else { continue };
        if op.content_hash != np.content_hash || op.provenance != np.provenance {
            out.groups.extend(diff_policy(op, np));
        }
    }
    out
}

/// Cells that changed alike: old and new requirement and provenance indices.
type CellKey = (u32, u32, u32, u32);

fn diff_policy(old: &Policy, new: &Policy) -> Vec<ChangeGroup> {
    let axes_new = &new.vocabulary.axes;
    // Map each new value to its position in the old vocabulary (absent values: no cell).
    let maps: Vec<Vec<Option<usize>>> = axes_new
        .iter()
        .zip(&old.vocabulary.axes)
        .map(|(na, oa)| na.values.iter().map(|v| oa.values.iter().position(|w| w.id == v.id)).collect())
        .collect();
    let sizes_new: Vec<usize> = axes_new.iter().map(|a| a.values.len()).collect();
    let sizes_old: Vec<usize> = old.vocabulary.axes.iter().map(|a| a.values.len()).collect();
    // (old requirement, new requirement, old provenance, new provenance) → cells, examples
    let mut groups: HashMap<CellKey, (usize, Vec<usize>)> = HashMap::new();
    let mut order = Vec::new();
    let total: usize = sizes_new.iter().product();
    for cell in 0..total {
        let mut rest = cell;
        let mut point = [0usize; 5];
        for a in (0..5).rev() {
            let size = sizes_new.get(a).copied().unwrap_or(1).max(1);
            if let Some(p) = point.get_mut(a) {
                *p = rest % size;
            }
            rest /= size;
        }
        let mut old_cell = 0usize;
        let mut present = true;
        for (a, p) in point.iter().enumerate() {
            match maps.get(a).and_then(|m| m.get(*p)).copied().flatten() {
                Some(op) => old_cell = old_cell * sizes_old.get(a).copied().unwrap_or(1) + op,
                None => present = false,
            }
        }
        if !present {
            continue;
        }
        let (Some(&or), Some(&nr), Some(&opv), Some(&npv)) = (
            old.cells.get(old_cell),
            new.cells.get(cell),
            old.cell_provenance.get(old_cell),
            new.cell_provenance.get(cell),
        ) else {
            continue;
        };
        let (Some(orec), Some(nrec)) = (old.requirements.get(or as usize), new.requirements.get(nr as usize)) else {
            continue;
        };
        if orec == nrec {
            continue;
        }
        let entry = groups.entry((or, nr, opv, npv)).or_insert_with(|| {
            order.push((or, nr, opv, npv));
            (0, Vec::new())
        });
        entry.0 += 1;
        if entry.1.len() < 3 {
            entry.1.push(cell);
        }
    }
    let fine: Vec<ChangeGroup> = order
        .into_iter()
        .filter_map(|key| {
            let (count, examples) = groups.get(&key)?;
            let (or, nr, opv, npv) = key;
            let orec = old.requirements.get(or as usize)?;
            let nrec = new.requirements.get(nr as usize)?;
            let (oreq, nreq) = (Requirement::<String>::from(orec), Requirement::<String>::from(nrec));
            let changes = Dimension::ALL
                .into_iter()
                .filter(|d| !oreq.same_in(*d, &nreq))
                .map(|d| DimensionChange {
                    dimension: d,
                    direction: if nreq.at_least_as_strict_in(d, &oreq) {
                        Direction::Tightened
                    } else if oreq.at_least_as_strict_in(d, &nreq) {
                        Direction::Loosened
                    } else {
                        Direction::Changed
                    },
                    old: show(&oreq, d),
                    new: show(&nreq, d),
                    old_rules: deciders(old, opv, d),
                    new_rules: deciders(new, npv, d),
                })
                .collect();
            Some(ChangeGroup {
                jurisdiction: new.jurisdiction().to_owned(),
                cells: *count,
                examples: examples.iter().map(|c| cell_name(new, *c)).collect(),
                changes,
            })
        })
        .collect();
    // Cells whose changes read the same (values and deciding rules) are one group.
    let mut merged: Vec<ChangeGroup> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for g in fine {
        let key = serde_json::to_string(&g.changes).unwrap_or_default();
        match index.get(&key).and_then(|i| merged.get_mut(*i)) {
            Some(m) => {
                m.cells += g.cells;
                for e in g.examples {
                    if m.examples.len() < 3 {
                        m.examples.push(e);
                    }
                }
            }
            None => {
                index.insert(key, merged.len());
                merged.push(g);
            }
        }
    }
    merged
}

fn deciders(p: &Policy, prov: u32, d: Dimension) -> Vec<RuleRef> {
    p.provenance
        .get(prov as usize)
        .map(|invs| {
            invs.iter()
                .filter(|i| i.role == Role::Won && i.dimensions.contains(&d))
                .filter_map(|i| p.rules.get(i.rule as usize))
                .map(|r| RuleRef {
                    rule: r.id.clone(),
                    layer: r.layer.clone(),
                    citation: r.citations.join("; "),
                    justification: r.justification.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One dimension of a requirement in words.
pub fn show(r: &Requirement<String>, d: Dimension) -> String {
    match d {
        Dimension::Permission => {
            let bases: Vec<&str> = r.permission.bases().map(|b| b.as_str()).collect();
            format!("{} [{}]", r.permission.level().as_str(), bases.join(", "))
        }
        Dimension::Mandate => if r.mandatory { "mandatory" } else { "not mandatory" }.to_owned(),
        Dimension::Deadlines => {
            let ds: Vec<String> =
                r.deadlines.iter().map(|d| format!("{} {:?} ({:?})", d.days, d.unit, d.action)).collect();
            format!("[{}]", ds.join(", "))
        }
        Dimension::AuthorizationElements => format!("[{}]", r.elements.join(", ")),
        Dimension::Form => format!("[{}]", r.form.join(", ")),
        Dimension::Obligations => format!("[{}]", r.obligations.join(", ")),
        Dimension::MaxValidityDays => r.max_validity_days.map_or("none".to_owned(), |v| format!("{v} days")),
    }
}

fn cell_name(p: &Policy, cell: usize) -> String {
    let axes = &p.vocabulary.axes;
    let mut rest = cell;
    let mut parts = vec![String::new(); AXES.len()];
    for a in (0..axes.len()).rev() {
        let Some(axis) = axes.get(a) else { continue };
        let n = axis.values.len().max(1);
        if let (Some(slot), Some(v)) = (parts.get_mut(a), axis.values.get(rest % n)) {
            *slot = v.id.clone();
        }
        rest /= n;
    }
    parts.join(" / ")
}
