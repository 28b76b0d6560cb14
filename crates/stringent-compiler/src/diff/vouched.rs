//! What a tree vouches for without any answer changing: its coverage topics and its
//! `silent` declarations. `coverage` and every silence on a topic speak for the values the
//! topic counts; a silence that is a gap makes the answers it reaches warn that the law was
//! not read (docs/semantics.md, "Silences and gaps"). Changing either changes what a
//! reader may trust, so `diff` reports it.

use crate::model::Model;
use serde::Serialize;
use std::collections::BTreeSet;

/// A coverage topic of the old tree that the new tree removed, or whose reach it narrowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicChange {
    pub topic: String,
    /// The topic is gone from the new tree.
    pub removed: bool,
    /// Values the topic spoke for and no longer does, as `axis value`: taken out of it, or
    /// claimed by another topic that now names a value between them.
    pub values_dropped: Vec<String>,
}

/// The coverage topics `new` removed or narrowed against `old` (docs/semantics.md,
/// "Coverage"). A value is dropped when it is no longer in the topic's reach
/// ([`Model::topic_reach`]): the new topic names neither it nor a value above it, or another
/// topic widened to name a value between them and took it over, so that a gap declared on
/// this topic no longer warns on it.
pub fn topic_changes(old: &Model, new: &Model) -> Vec<TopicChange> {
    let reach = |m: &Model, t: usize| -> BTreeSet<(String, String)> {
        m.topic_reach(t)
            .into_iter()
            .filter_map(|(a, vs)| {
                let axis = m.axes.get(a)?;
                Some(
                    vs.into_iter()
                        .filter_map(|v| Some((axis.id.clone(), axis.values.get(v)?.id.clone())))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .collect()
    };
    let mut out = Vec::new();
    for (oi, ot) in old.topics.iter().enumerate() {
        let Some(ni) = new.topics.iter().position(|t| t.id == ot.id) else {
            out.push(TopicChange { topic: ot.id.clone(), removed: true, values_dropped: Vec::new() });
            continue;
        };
        let kept = reach(new, ni);
        let dropped: Vec<String> =
            reach(old, oi).into_iter().filter(|v| !kept.contains(v)).map(|(a, v)| format!("{a} {v}")).collect();
        if !dropped.is_empty() {
            out.push(TopicChange { topic: ot.id.clone(), removed: false, values_dropped: dropped });
        }
    }
    out
}

/// A `silent` declaration added, removed, or whose confidence changed. Its note and
/// `searched` text are the author's claim; a reviewer sees them beside the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SilenceChange {
    pub layer: String,
    pub topic: String,
    /// The confidence before and after; `None` where there was, or is, no such silence.
    pub old: Option<String>,
    pub new: Option<String>,
    /// A gap (the law not read) became a claim that nothing stricter exists: the answers it
    /// reaches stop warning `law_unread`.
    pub gap_closed: bool,
    /// The newest date the new silence's `searched` notes name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched: Option<String>,
    /// The `law_unread` warning went away with nothing vouching for it: a gap closed whose new
    /// `searched` notes name no date later than the old ones (or a date still to come), or a
    /// gap removed outright. Fails the gate.
    pub unchecked: bool,
    /// Why it is unchecked, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The silences `new` added, removed or changed the confidence of, against `old`, by layer
/// id and topic (docs/semantics.md, "Silences and gaps").
pub fn silence_changes(old: &Model, new: &Model) -> Vec<SilenceChange> {
    type Key = (String, String);
    let index = |m: &Model| -> std::collections::BTreeMap<Key, crate::model::Silence> {
        m.silences
            .iter()
            .filter_map(|s| {
                let layer = m.layers.get(s.layer)?.id.clone();
                let topic = m.topics.get(s.topic)?.id.clone();
                Some(((layer, topic), s.clone()))
            })
            .collect()
    };
    let (olds, news) = (index(old), index(new));
    let keys: BTreeSet<&Key> = olds.keys().chain(news.keys()).collect();
    let today = stringent_syntax::Date::today().to_string();
    let mut out = Vec::new();
    for key in keys {
        let (o, n) = (olds.get(key), news.get(key));
        let confidence = |s: Option<&crate::model::Silence>| s.map(|s| s.confidence.as_str().to_owned());
        if o.map(|s| s.confidence) == n.map(|s| s.confidence) {
            continue;
        }
        let gap_closed = o.is_some_and(crate::model::Silence::is_gap) && n.is_some_and(|s| !s.is_gap());
        let searched = n.and_then(|s| s.searched_on()).map(str::to_owned);
        let before = o.and_then(|s| s.searched_on());
        let reason = if o.is_some_and(crate::model::Silence::is_gap) && n.is_none() {
            Some("a gap removed: answers no longer warn that the law was not read, and no claim replaces it".to_owned())
        } else if !gap_closed {
            None
        } else if searched.as_deref().is_some_and(|now| now > today.as_str()) {
            Some(format!("the searched date {} is still to come", searched.as_deref().unwrap_or_default()))
        } else if searched.as_deref().is_none_or(|now| before.is_some_and(|b| now <= b)) {
            Some("no later searched date".to_owned())
        } else {
            None
        };
        let unchecked = reason.is_some();
        out.push(SilenceChange {
            layer: key.0.clone(),
            topic: key.1.clone(),
            old: confidence(o),
            new: confidence(n),
            gap_closed,
            searched,
            unchecked,
            reason,
        });
    }
    out
}
