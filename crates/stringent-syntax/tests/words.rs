//! Closed words are read through one table per kind: a misspelling is one E0104 with a
//! suggestion, an earlier spelling is read with W0008, and the rule keeps its other fields.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test reports a broken expectation by panicking"
)]

use stringent_diagnostics::Code;
use stringent_syntax::ast::{Item, RuleField};

fn rule(body: &str) -> String {
    format!("jurisdiction US \"U\"\n\nrule us.a \"A\" {{\n  cite \"A\"\n  effective 2020-01-01\n{body}\n}}\n")
}

fn codes_and_help(text: &str) -> Vec<(Code, String)> {
    let (_, diags) = stringent_syntax::parse("t.stringent", text);
    diags.iter().map(|d| (d.code, d.help.clone().unwrap_or_default())).collect()
}

#[test]
fn a_misspelt_word_is_one_diagnostic_with_a_suggestion() {
    for (body, near) in [
        ("  confidence verifed", "verified"),
        ("  permission authorizaiton", "authorization"),
        ("  permission prohibted", "prohibited"),
        ("  permission none if imminent_threat or court_ordr", "court_order"),
        ("  deadline 30 calender_days", "calendar_days"),
        ("  deadline 30 calendar_days for inspcet", "inspect"),
        ("  withdraws subpena", "subpoena"),
        ("  defers permision", "permission"),
    ] {
        let found = codes_and_help(&rule(body));
        assert_eq!(found.len(), 1, "{body}: {found:?}");
        assert_eq!(found[0].0, Code::UnknownWord, "{body}");
        assert!(found[0].1.contains(&format!("did you mean `{near}`?")), "{body}: {}", found[0].1);
    }
}

#[test]
fn the_rule_stays_and_says_which_field_could_not_be_read() {
    let (file, _) = stringent_syntax::parse("t.stringent", &rule("  confidence verifed\n  permission authorization"));
    let Some(Item::Rule(r)) = file.items.get(1) else { panic!("the rule was dropped: {:?}", file.items) };
    assert_eq!(r.unreadable, ["confidence"]);
    assert!(r.fields.iter().any(|f| matches!(f, RuleField::Permission(_))));
}

#[test]
fn an_earlier_spelling_is_read_with_a_warning() {
    let found = codes_and_help(&rule("  mandatory\n  defers mandate"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, Code::OldSpelling);
    assert!(found[0].1.contains("`mandatory`"));
}

#[test]
fn a_word_left_out_is_a_syntax_error_on_its_own_line() {
    let text = rule("  deadline 10\n  category hiv\n  permission authorization");
    let (_, diags) = stringent_syntax::parse("t.stringent", &text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::Syntax);
    let at = diags[0].primary.as_ref().unwrap().span.start;
    assert_eq!(&text[..at].lines().last().unwrap().trim(), &"deadline 10");
}

/// A date in another layout is one E0101 at the date, with the date to write; the rule
/// stays, its `effective` marked unreadable, so nothing reports the rule missing or absent.
#[test]
fn a_date_in_another_layout_is_one_diagnostic_and_the_rule_stays() {
    for (date, help) in [
        ("2020/01/01", "write `2020-01-01`"),
        ("2020-1-1", "write `2020-01-01`"),
        ("2020.01.31", "write `2020-01-31`"),
        ("01/31/2020", "year, month, day"),
        ("2020-13-45", "a real month and day"),
    ] {
        let text = format!(
            "jurisdiction US \"U\"\n\nrule us.a \"A\" {{\n  cite \"A\"\n  effective {date}\n  permission authorization\n}}\n"
        );
        let (file, diags) = stringent_syntax::parse("t.stringent", &text);
        assert_eq!(diags.len(), 1, "{date}: {diags:?}");
        assert_eq!(diags[0].code, Code::InvalidDate, "{date}");
        assert!(diags[0].help.as_deref().unwrap_or_default().contains(help), "{date}: {:?}", diags[0].help);
        let Some(Item::Rule(r)) = file.items.get(1) else { panic!("{date}: the rule was dropped: {:?}", file.items) };
        assert_eq!(r.unreadable, ["effective"], "{date}");
    }
}

/// A lone carriage return does not end a comment: most viewers show the text after it on
/// the comment's line, so code hidden there would compile unseen. It stays inside the
/// comment and is E0103; a CRLF line ending still ends a comment.
#[test]
fn a_lone_carriage_return_inside_a_comment_is_an_error_not_a_line_break() {
    let hidden = rule("  permission authorization // note\r  excepts us.b");
    let (file, diags) = stringent_syntax::parse("t.stringent", &hidden);
    let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::ControlCharacter], "{diags:?}");
    let excepts = file.items.iter().any(|i| match i {
        Item::Rule(r) => r.fields.iter().any(|f| matches!(f, RuleField::Excepts(_))),
        _ => false,
    });
    assert!(!excepts, "the text after a lone CR was read as code");
    let crlf = rule("  permission authorization // note").replace('\n', "\r\n");
    assert!(codes_and_help(&crlf).is_empty());
}
