//! How much stricter than federal law a jurisdiction is, per record category.
//!
//! For a category, the questions compared are every purpose × recipient, about an adult
//! (`subject adult`), held by a provider (`holder provider`): the everyday case. A
//! question counts as *stricter* when the jurisdiction's requirement is at least as strict
//! as the federal one in every dimension and differs from it in at least one
//! ([`Requirement::at_least_as_strict_as`] and not equal). A question where the
//! jurisdiction is not at least as strict (possible only where federal law defers to the
//! state) is counted apart as *looser or mixed*.

use crate::Site;
use stringent_policy::LoadedPolicy;
use stringent_policy::artifact::axis_position;

/// The categories of the matrix, in column order (those the vocabulary lacks are skipped).
pub const CATEGORIES: [&str; 9] = [
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
pub const SUBJECT: &str = "adult";
pub const HOLDER: &str = "provider";

/// The outcome of comparing one jurisdiction with federal law for one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub stricter: usize,
    pub looser: usize,
    pub total: usize,
}

impl Share {
    /// Shade 0 (not stricter anywhere) to 4 (stricter in more than half).
    pub fn bucket(self) -> usize {
        if self.stricter == 0 || self.total == 0 {
            0
        } else if self.stricter * 10 <= self.total {
            1
        } else if self.stricter * 4 <= self.total {
            2
        } else if self.stricter * 2 <= self.total {
            3
        } else {
            4
        }
    }

    /// The share as a whole percentage, never rounding a non-zero share to 0 % or a
    /// partial one to 100 %.
    pub fn percent_text(self) -> String {
        if self.total == 0 {
            return "n/a".to_owned();
        }
        let pct = (self.stricter * 100 + self.total / 2) / self.total;
        if self.stricter > 0 && pct == 0 {
            "<1%".to_owned()
        } else if self.stricter < self.total && pct == 100 {
            ">99%".to_owned()
        } else {
            format!("{pct}%")
        }
    }
}

/// The legend: shade, and the range of shares it stands for.
pub const LEGEND: &[(usize, &str)] = &[
    (0, "0% — same as federal"),
    (1, "up to 10%"),
    (2, "more than 10%, up to 25%"),
    (3, "more than 25%, up to 50%"),
    (4, "more than 50%"),
];

/// The federal baseline: the policy whose chain has one layer, `US` if there are several.
pub fn federal(sites: &[Site]) -> Option<&Site> {
    let single = || sites.iter().filter(|s| s.policy.policy().chain.len() == 1);
    single().find(|s| s.policy.policy().jurisdiction() == "US").or_else(|| single().next())
}

/// Compare `policy` with `federal` for one category; `None` when either vocabulary lacks
/// the category, the subject `adult` or the holder `provider`.
pub fn share(federal: &LoadedPolicy, policy: &LoadedPolicy, category: &str) -> Option<Share> {
    let (purpose_axis, recipient_axis) = (axis_position("purpose")?, axis_position("recipient")?);
    let (mut mine_at, mut base_at) = (fixed_point(policy, category)?, fixed_point(federal, category)?);
    let axes = &policy.policy().vocabulary.axes;
    let purposes = axes.get(purpose_axis).map(|a| a.values.as_slice()).unwrap_or_default();
    let recipients = axes.get(recipient_axis).map(|a| a.values.as_slice()).unwrap_or_default();
    let mut out = Share { stricter: 0, looser: 0, total: 0 };
    for (pi, purpose) in purposes.iter().enumerate() {
        for (ri, recipient) in recipients.iter().enumerate() {
            let (Ok(p), Ok(r)) = (u32::try_from(pi), u32::try_from(ri)) else {
                continue;
            };
            let (Some(fp), Some(fr)) =
                (federal.value_index(purpose_axis, &purpose.id), federal.value_index(recipient_axis, &recipient.id))
            else {
                continue;
            };
            for (point, (pv, rv)) in [(&mut mine_at, (p, r)), (&mut base_at, (fp, fr))] {
                if let Some(slot) = point.get_mut(purpose_axis) {
                    *slot = pv;
                }
                if let Some(slot) = point.get_mut(recipient_axis) {
                    *slot = rv;
                }
            }
            let (Some(mine), Some(base)) = (policy.requirement(&mine_at), federal.requirement(&base_at)) else {
                continue;
            };
            let (mine, base) = (
                mine.requirement(&policy.policy().vocabulary.conditions),
                base.requirement(&federal.policy().vocabulary.conditions),
            );
            out.total += 1;
            if !mine.at_least_as_strict_as(&base) {
                out.looser += 1;
            } else if mine != base {
                out.stricter += 1;
            }
        }
    }
    Some(out)
}

/// A point of `p` with the matrix's category, subject and holder, the other axes at their
/// first value; `None` when the vocabulary lacks one of them.
fn fixed_point(p: &LoadedPolicy, category: &str) -> Option<Vec<u32>> {
    point_of(p, &[("category", category), ("subject", SUBJECT), ("holder", HOLDER)])
}

/// The point of `p` that has these values on these axes (by name) and the first value on
/// every other axis; `None` when an axis or value is not in its vocabulary.
pub fn point_of(p: &LoadedPolicy, values: &[(&str, &str)]) -> Option<Vec<u32>> {
    let mut point = vec![0u32; p.policy().vocabulary.axes.len()];
    for (axis, value) in values {
        let a = axis_position(axis)?;
        *point.get_mut(a)? = p.value_index(a, value)?;
    }
    Some(point)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_percentages() {
        let s = |stricter| Share { stricter, looser: 0, total: 256 };
        assert_eq!(s(0).bucket(), 0);
        assert_eq!(s(1).bucket(), 1);
        assert_eq!(s(1).percent_text(), "<1%");
        assert_eq!(s(25).bucket(), 1);
        assert_eq!(s(26).bucket(), 2);
        assert_eq!(s(64).bucket(), 2);
        assert_eq!(s(128).bucket(), 3);
        assert_eq!(s(129).bucket(), 4);
        assert_eq!(s(255).percent_text(), ">99%");
        assert_eq!(s(256).percent_text(), "100%");
        assert_eq!(s(64).percent_text(), "25%");
    }
}
