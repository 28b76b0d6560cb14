//! `stringent report`: the static HTML report.

use super::{checked_for_writing, written};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::output::{lock_dir, write_files_together};

pub(crate) fn run(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = match checked_for_writing(tree, DiagFormat::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Another report writing into the same directory is waited for, never interleaved.
    let waiting = || errln!("waiting for another report into `{}` to finish", crate::output::shown(out));
    let result = stringent_report::write_report_with(&c.policies(), &report_notes(&c), out, |files| {
        let held = lock_dir(out, waiting)?;
        write_files_together(&held, files)
    });
    written(result, out, &format!("the report to {}/index.html", crate::output::shown(out)))
}

/// What the rule files say that the policies do not carry, per layer: coverage of each
/// topic and the `silent` declarations, for the report's pages.
pub(crate) fn report_notes(
    c: &stringent_compiler::Compilation,
) -> std::collections::BTreeMap<String, stringent_report::LayerNotes> {
    use stringent_compiler::coverage::State;
    use stringent_report::{LayerNotes, SilenceNote, TopicKind, TopicStatus};
    let mut notes = std::collections::BTreeMap::new();
    for (jurisdiction, states) in stringent_compiler::coverage::coverage(&c.model) {
        let topics = c
            .model
            .topics
            .iter()
            .zip(states)
            .map(|(topic, state)| {
                let (kind, status) = match state {
                    State::Covered(mix) => (
                        TopicKind::Covered,
                        format!(
                            "covered: {}",
                            mix.iter().map(|(c, n)| format!("{n} {c}")).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                    State::Silent(confidence) => (TopicKind::Silent, format!("silent ({})", confidence.as_str())),
                    State::Missing => (TopicKind::Missing, "missing".to_owned()),
                };
                TopicStatus { topic: topic.id.clone(), title: topic.title.clone(), kind, status }
            })
            .collect();
        notes.insert(jurisdiction, LayerNotes { topics, silences: Vec::new() });
    }
    for s in &c.model.silences {
        let (Some(layer), Some(topic)) = (c.model.layers.get(s.layer), c.model.topics.get(s.topic)) else { continue };
        notes.entry(layer.id.clone()).or_insert_with(LayerNotes::default).silences.push(SilenceNote {
            topic: topic.id.clone(),
            claim: s.note.clone(),
            confidence: s.confidence.as_str().to_owned(),
            citations: s.citations.clone(),
            searched: s.searched.clone(),
        });
    }
    notes
}
