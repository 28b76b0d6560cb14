//! A cell of the grid in words, the same everywhere a person reads one (diagnostics,
//! `diff`, `explain`): each value after the name of its axis, because a bare list of five
//! values leaves the reader to guess that the second `provider` is the holder.

/// `category hiv, purpose treatment, recipient provider, subject adult, holder provider`,
/// from `(axis, value)` pairs in axis order.
pub fn cell_label<'a>(parts: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    parts.into_iter().map(|(axis, value)| format!("{axis} {value}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::cell_label;

    #[test]
    fn every_value_is_named_with_its_axis() {
        let cell = [
            ("category", "mental_health"),
            ("purpose", "treatment"),
            ("recipient", "provider"),
            ("subject", "adult"),
            ("holder", "provider"),
        ];
        assert_eq!(
            cell_label(cell),
            "category mental_health, purpose treatment, recipient provider, subject adult, holder provider"
        );
    }
}
