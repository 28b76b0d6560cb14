//! Escaping and the page shell every page shares.

/// Escape text for HTML content and double-quoted attribute values. A bidirectional
/// control or an invisible character is written out as `\u{…}` first, as on a terminal: a
/// browser would otherwise reorder or hide the text around it, and a reviewer read a rule
/// other than the one in the file.
pub fn esc(text: &str) -> String {
    let text = stringent_diagnostics::escape_for_terminal(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode a query-string value (RFC 3986 unreserved characters pass through).
pub fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JSON made safe inside `<script type="application/json">`: no `<`, so no `</script>`
/// and no `<!--` can end or confuse the element. `\u003c` is the same JSON string.
pub fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// An `href` only when the target is a web address; anything else is shown as text.
pub fn is_web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The element naming the report as a page's generator: a later report overwrites only pages
/// that carry it (`replaceable`).
pub const GENERATOR: &str = r#"<meta name="generator" content="stringent report">"#;

/// The page around `main`. `root` is the relative path to the report's root (`""` or
/// `"../"`); `scripts` are extra elements placed at the end of the body.
pub fn page(title: &str, root: &str, main: &str, scripts: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
{GENERATOR}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{title}</title>
<link rel="stylesheet" href="{root}assets/report.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<p class="site-name"><a href="{root}index.html">stringent report</a></p>
<p class="disclaimer">Not legal advice. Each rule states how well its citation was checked.</p>
</header>
<main id="main" tabindex="-1">
{main}
</main>
<footer class="site-footer">
<p>Generated from compiled stringent policies. Static pages: nothing is loaded from the network.</p>
</footer>
{scripts}</body>
</html>
"##,
        title = esc(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_bidi_and_invisible_characters_as_escapes() {
        assert_eq!(esc("no \u{202E}noitazirohtua\u{202C}"), "no \\u{202E}noitazirohtua\\u{202C}");
        assert_eq!(esc("a\u{200B}b\u{E0041}"), "a\\u{200B}b\\u{E0041}");
        assert_eq!(esc("plain text"), "plain text");
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let json = r#"{"t":"</script><!--"}"#;
        let safe = script_json(json);
        assert!(!safe.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back.get("t").and_then(serde_json::Value::as_str), Some("</script><!--"));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_value("mental_health"), "mental_health");
        assert_eq!(query_value("org:a b"), "org%3Aa%20b");
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(is_web_link("https://www.ecfr.gov/"));
        assert!(!is_web_link("javascript:alert(1)"));
    }
}
