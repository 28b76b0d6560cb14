//! From resolved chains to artifacts, and writing them so that nothing is lost.

use crate::model::{Model, TermModel};
use crate::resolve::ChainResult;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use stringent_policy::artifact::{
    Axis, AxisValue, CompilerInfo, FORMAT, INDEX_FORMAT, IndexEntry, Involvement, LayerInfo, ObligationInfo, Policy,
    PolicyIndex, RequirementRecord, RuleInfo, SCHEMA_VERSION, Term, Vocabulary,
};
use stringent_syntax::Date;

pub fn compiler_info() -> CompilerInfo {
    CompilerInfo { name: "stringent".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() }
}

/// The artifact of one resolved chain.
pub fn policy(model: &Model, chain: &ChainResult, as_of: Date) -> Policy {
    let term_id = |table: &[TermModel], i: &u32| table.get(*i as usize).map(|t| t.id.clone()).unwrap_or_default();
    let requirements = chain
        .requirements
        .iter()
        .map(|r| {
            let mut named = stringent_policy::Requirement {
                permission: r.permission,
                mandatory: r.mandatory,
                deadlines: r.deadlines.clone(),
                elements: r.elements.iter().map(|i| term_id(&model.elements, i)).collect(),
                form: r.form.iter().map(|i| term_id(&model.forms, i)).collect(),
                obligations: r.obligations.iter().map(|i| term_id(&model.obligations, i)).collect(),
                max_validity_days: r.max_validity_days,
            };
            named.normalize();
            RequirementRecord::from(&named)
        })
        .collect();

    // Rules named in provenance, sorted by id; provenance refers to them by position.
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    for inv in chain.provenance.iter().flatten() {
        if let Some(r) = model.rules.get(inv.rule) {
            named.insert(&r.id, inv.rule);
        }
    }
    let position: BTreeMap<usize, u32> =
        named.values().enumerate().map(|(pos, r)| (*r, u32::try_from(pos).unwrap_or(u32::MAX))).collect();
    let rules = named
        .values()
        .filter_map(|r| model.rules.get(*r))
        .map(|r| RuleInfo {
            id: r.id.clone(),
            layer: model.layers.get(r.layer).map(|l| l.id.clone()).unwrap_or_default(),
            title: r.title.clone(),
            citations: r.citations.clone(),
            source: r.source.clone(),
            confidence: r.confidence.as_str().to_owned(),
            effective: r.effective.to_string(),
            expires: r.expires.map(|e| e.to_string()),
            file: model.relative_paths.get(&r.file).cloned().unwrap_or_else(|| r.file.clone()),
            line: r.line,
            justification: r.justification.clone(),
        })
        .collect();
    let provenance = chain
        .provenance
        .iter()
        .map(|invs| {
            invs.iter()
                .map(|i| Involvement {
                    rule: position.get(&i.rule).copied().unwrap_or(0),
                    role: i.role,
                    dimensions: i.dims.clone(),
                })
                .collect()
        })
        .collect();

    let mut policy = Policy {
        format: FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION.to_owned(),
        compiler: compiler_info(),
        jurisdiction: chain.chain.last().and_then(|l| model.layers.get(*l)).map(|l| l.id.clone()).unwrap_or_default(),
        as_of: as_of.to_string(),
        content_hash: String::new(),
        chain: chain
            .chain
            .iter()
            .filter_map(|l| model.layers.get(*l))
            .map(|l| LayerInfo { id: l.id.clone(), name: l.name.clone() })
            .collect(),
        vocabulary: vocabulary(model),
        requirements,
        cells: chain.cells.clone(),
        rules,
        provenance,
        cell_provenance: chain.cell_provenance.clone(),
    };
    policy.content_hash = policy.compute_hash();
    policy
}

fn vocabulary(model: &Model) -> Vocabulary {
    let terms = |t: &[TermModel]| t.iter().map(|x| Term { id: x.id.clone(), title: x.title.clone() }).collect();
    Vocabulary {
        axes: model
            .axes
            .iter()
            .map(|a| Axis {
                id: a.id.clone(),
                title: a.title.clone(),
                values: a
                    .values
                    .iter()
                    .map(|v| AxisValue {
                        id: v.id.clone(),
                        title: v.title.clone(),
                        parent: v.parent.and_then(|p| a.values.get(p)).map(|p| p.id.clone()),
                        hl7: v.hl7.clone(),
                    })
                    .collect(),
            })
            .collect(),
        authorization_elements: terms(&model.elements),
        form: terms(&model.forms),
        obligations: model
            .obligations
            .iter()
            .map(|o| ObligationInfo {
                id: o.id.clone(),
                title: o.title.clone(),
                hl7: o.hl7.clone(),
                text: o.text.clone(),
            })
            .collect(),
    }
}

/// The file name of a chain's artifact: its jurisdiction id, with `:` made safe.
pub fn file_name(jurisdiction: &str) -> String {
    format!("{}.json", jurisdiction.replace(':', "_"))
}

/// Serialize as pretty JSON with a final newline: stable bytes for the same value.
pub fn to_json<T: serde::Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Write every artifact and then the index into `out`. Each file is written to a
/// temporary file beside it and renamed into place, so no reader ever sees half a file;
/// the index is renamed last, so it names artifacts that are already complete.
pub fn write_all(out: &Path, policies: &[Policy], as_of: Date) -> std::io::Result<PolicyIndex> {
    std::fs::create_dir_all(out)?;
    let mut entries = Vec::new();
    let mut staged = Vec::new();
    for p in policies {
        let name = file_name(p.jurisdiction());
        staged.push((stage(out, &name, &to_json(p)?)?, out.join(&name)));
        entries.push(IndexEntry {
            jurisdiction: p.jurisdiction().to_owned(),
            chain: p.chain.iter().map(|l| l.id.clone()).collect(),
            file: name,
            content_hash: p.content_hash.clone(),
        });
    }
    let index = PolicyIndex {
        format: INDEX_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION.to_owned(),
        compiler: compiler_info(),
        as_of: as_of.to_string(),
        policies: entries,
    };
    staged.push((stage(out, "index.json", &to_json(&index)?)?, out.join("index.json")));
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest)?;
    }
    Ok(index)
}

/// Write `bytes` to a fresh temporary file in `dir` and flush it to disk.
fn stage(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<std::path::PathBuf> {
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(tmp)
}
