//! Plain-word syntax errors: pest's expectations are named after grammar rules, which mean
//! nothing to a rule author, so every rule gets a name people know.

use crate::Rule;
use pest::error::{Error, ErrorVariant, InputLocation};
use stringent_diagnostics::Span;

/// What the parser expected, in words, and a hint where a common mistake is likely.
pub(crate) fn describe(err: &Error<Rule>) -> (Span, String, Option<String>) {
    let span = match err.location {
        InputLocation::Pos(p) => Span::new(p, p),
        InputLocation::Span((s, e)) => Span::new(s, e),
    };
    let message = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| friendly(*r)).collect();
            names.sort_unstable();
            names.dedup();
            if names.is_empty() { "unexpected text".to_owned() } else { format!("expected {}", join_or(&names)) }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let help = hint(err);
    (span, message, help)
}

fn hint(err: &Error<Rule>) -> Option<String> {
    let ErrorVariant::ParsingError { positives, .. } = &err.variant else {
        return None;
    };
    if positives.contains(&Rule::kw_cite) {
        return Some(
            "a rule body holds fields such as `cite \"…\"`, `permission authorization` or \
             `category hiv`, one per line, and ends with `}`"
                .to_owned(),
        );
    }
    if positives.contains(&Rule::string) {
        return Some("strings are written in double quotes on one line: \"like this\"".to_owned());
    }
    if positives.contains(&Rule::date) {
        return Some("dates are written YYYY-MM-DD, e.g. 2024-04-16".to_owned());
    }
    if positives.contains(&Rule::jurisdiction_id) {
        return Some("jurisdictions are `US`, a state as `US-CA`, or an organization as `org:name`".to_owned());
    }
    None
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// The name of a grammar rule as a rule author would say it; `None` hides the rule.
fn friendly(kind: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match kind {
        ident | ident_list => "a name",
        rule_id | rule_id_list => "a rule id",
        jurisdiction_id => "a jurisdiction id",
        string | string_list => "a quoted string",
        number => "a number",
        date => "a date",
        axis | kw_axis => "`axis`",
        value_decl | kw_value => "`value`",
        under | kw_under => "`under`",
        hl7 | kw_hl7 => "`hl7`",
        element_decl | kw_element => "`element`",
        form_decl => "`form`",
        obligation_decl | kw_obligation => "`obligation`",
        notice_text | kw_text => "`text`",
        jurisdiction | kw_jurisdiction | test_jurisdiction | assert_jurisdiction => "`jurisdiction`",
        assertion | kw_assert => "`assert`",
        all_jurisdictions | kw_all => "`all`",
        jurisdiction_list => "a jurisdiction id",
        assert_dates | kw_dates => "`dates`",
        changes => "`changes`",
        kw_to => "`to`",
        require | kw_require => "`require`",
        require_level => "`level`",
        comparison => "`at_least` or `at_most`",
        require_mandatory => "`mandatory`",
        require_not_mandatory => "`not`",
        require_deadline => "`deadline`",
        require_condition => "`condition`",
        require_max_validity => "`max_validity`",
        governed => "`governed`",
        require_not_basis => "`not basis`",
        unless | kw_unless => "`unless` and a condition",
        rule | kw_rule => "`rule`",
        cite | kw_cite => "`cite`",
        source | kw_source => "`source`",
        confidence | kw_confidence => "`confidence`",
        confidence_level => "a confidence such as `verified`",
        effective | kw_effective => "`effective`",
        expires | kw_expires => "`expires`",
        justification | kw_justification => "`justification`",
        pattern => "an axis pattern such as `category hiv`",
        any_pattern | kw_any => "`any`",
        except => "`except`",
        permission | kw_permission => "`permission`",
        prohibited => "`prohibited`",
        basis => "a legal basis such as `authorization`",
        way => "a way such as `authorization and court_order`",
        conditions | kw_if => "`if` and a condition",
        kw_and => "`and`",
        condition_decl | kw_condition => "`condition`",
        withdraws | kw_withdraws => "`withdraws`",
        expect_not_basis | kw_basis => "`basis`",
        expect_way | kw_way => "`way`",
        mandatory | expect_mandatory => "`mandatory`",
        deadline | kw_deadline | expect_deadline => "`deadline`",
        day_unit => "a unit such as `calendar_days`",
        action => "an action such as `inspect`",
        elements | kw_elements | expect_elements => "`elements`",
        form | kw_form | expect_form => "`form`",
        obligations | kw_obligations | expect_obligations => "`obligations`",
        max_validity | kw_max_validity | expect_max_validity => "`max_validity`",
        kw_days => "`days`",
        excepts | kw_excepts => "`excepts`",
        defers | kw_defers => "`defers`",
        dimension => "a dimension such as `permission`",
        kw_or => "`or`",
        kw_for => "`for`",
        test | kw_test => "`test`",
        test_as_of | kw_as_of => "`as_of`",
        expect | kw_expect => "`expect`",
        expect_level | kw_level => "`level`",
        level => "a level such as `authorization`",
        expect_not_mandatory | kw_not => "`not`",
        expect_bases | kw_bases => "`bases`",
        expect_decided_by | kw_decided_by => "`decided_by`",
        item_only | file => {
            "a declaration (jurisdiction, axis, element, form, obligation or condition), a rule, a test or an assertion"
        }
        open_brace => "`{`",
        close_brace => "`}`",
        silent_decl | kw_silent => "`silent`",
        topic_decl | kw_topic => "`topic`",
        topic_values => "an axis and its values such as `category hiv, sti`",
        searched | kw_searched => "`searched`",
        history_from | kw_history => "`history from DATE`",
        kw_from => "`from`",
        EOI => "end of file",
        _ => return None,
    })
}

/// The ASCII letter a non-ASCII character is easily mistaken for (Cyrillic and Greek
/// look-alikes, full-width forms), so a confusable in a name is named as such.
pub(crate) fn ascii_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'с' | 'ϲ' => 'c',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'ǃ' => '!',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' => '-',
        c if ('\u{FF01}'..='\u{FF5E}').contains(&c) => char::from_u32(u32::from(c) - 0xFEE0)?,
        _ => return None,
    })
}
