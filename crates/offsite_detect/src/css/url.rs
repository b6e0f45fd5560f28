//! URLs as written in stylesheets and markup: which ones reach the network,
//! and which parts are preprocessor or run-time values.

use offsite_model::{DYNAMIC, Resolution};

/// A URL written in markup or a stylesheet, as a network load would see it:
/// `None` for things that fetch nothing from the network (`data:`, `blob:`,
/// `javascript:`, `about:`, empty values and fragment-only references).
/// Preprocessor interpolations (`@{base}`, `#{$base}`, a leading `@var`) and
/// the detectors' own [`DYNAMIC`] marker make the result dynamic.
pub(crate) fn network_url(raw: &str) -> Option<(String, Resolution)> {
    let url = raw.trim_matches(|c: char| c.is_ascii_whitespace());
    let url = replace_interpolations(url);
    if url.is_empty() || url.starts_with('#') {
        return None;
    }
    let scheme_end = url.find(':').unwrap_or(0);
    let scheme = url[..scheme_end].to_ascii_lowercase();
    if matches!(
        scheme.as_str(),
        "data" | "blob" | "javascript" | "about" | "mailto" | "tel"
    ) {
        return None;
    }
    let resolution = if url.contains(DYNAMIC) {
        Resolution::Dynamic
    } else {
        Resolution::Literal
    };
    Some((url, resolution))
}

/// LESS `@{name}` / SCSS `#{...}` / template `{{name}}` interpolations and a
/// LESS variable at the start (`url(@base)`) become [`DYNAMIC`]: their value
/// is not in this text.
fn replace_interpolations(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    if let Some(after) = rest.strip_prefix('@')
        && after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    {
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        out.push_str(DYNAMIC);
        rest = &after[end..];
    }
    while let Some(open) = rest.find(['@', '#', '{']) {
        let after = &rest[open + 1..];
        // `{{name}}` (Mustache, Handlebars, Vue templates) closes with `}}`.
        let close = match rest.as_bytes()[open] {
            b'{' if after.starts_with('{') => after.find("}}").map(|i| open + 1 + i + 2),
            b'@' | b'#' if after.starts_with('{') => after.find('}').map(|i| open + 1 + i + 1),
            _ => None,
        };
        if let Some(close) = close {
            out.push_str(&rest[..open]);
            out.push_str(DYNAMIC);
            rest = &rest[close..];
        } else {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// The string of a LESS escape `~"..."` / `~'...'` that fills a whole `url()`.
pub(super) fn less_escape(bad_url: &str) -> Option<&str> {
    let trimmed = bad_url.trim();
    let inner = trimmed.strip_suffix(')').unwrap_or(trimmed).trim_end();
    let rest = inner.strip_prefix('~')?;
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    rest[1..].strip_suffix(quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_network_schemes_are_dropped() {
        for raw in [
            "",
            "  ",
            "#frag",
            "data:image/png;base64,AA",
            "BLOB:x",
            "javascript:void(0)",
            "about:blank",
        ] {
            assert_eq!(network_url(raw), None, "{raw}");
        }
        assert_eq!(
            network_url(" x.png "),
            Some(("x.png".into(), Resolution::Literal))
        );
    }

    #[test]
    fn interpolations_become_dynamic() {
        assert_eq!(
            replace_interpolations("@{a}/b/#{$c}.png"),
            "${…}/b/${…}.png"
        );
        assert_eq!(replace_interpolations("@base-url/x.png"), "${…}/x.png");
        assert_eq!(replace_interpolations("a@b.png#x"), "a@b.png#x");
        assert_eq!(
            replace_interpolations("//x.example/{{id}}.png?s={{ size }}"),
            "//x.example/${…}.png?s=${…}"
        );
        assert_eq!(replace_interpolations("a{b}{{c"), "a{b}{{c");
        assert_eq!(network_url("#{$x}").map(|u| u.1), Some(Resolution::Dynamic));
    }

    #[test]
    fn less_escapes() {
        assert_eq!(less_escape("~\"@{a}/x.png\""), Some("@{a}/x.png"));
        assert_eq!(less_escape("~'y.png' )"), Some("y.png"));
        assert_eq!(less_escape("a b"), None);
    }
}
