//! Small pure helpers: literal access, URI encoding as JavaScript does it,
//! wiki page titles in raw-action URLs, and which element attributes load what.

use offsite_model::{DYNAMIC, Sink};
use oxc::ast::ast::Expression;

use super::resolve::Elem;

/// The value of a string literal or a template literal without substitutions.
pub(super) fn string_literal<'a>(expr: &'a Expression<'a>) -> Option<&'a str> {
    match expr.get_inner_expression() {
        Expression::StringLiteral(s) => Some(s.value.as_str()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => t
            .quasis
            .first()
            .map(|q| q.value.cooked.as_ref().unwrap_or(&q.value.raw).as_str()),
        _ => None,
    }
}

/// `obj['key']`: the key when it is a literal.
pub(super) fn static_key<'a>(expr: &'a Expression<'a>) -> Option<&'a str> {
    string_literal(expr)
}

/// A number as JavaScript prints it, for the integers that appear in URLs.
pub(super) fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked integral and in range"
        )]
        let int = value as i64;
        int.to_string()
    } else {
        value.to_string()
    }
}

/// Apply a URI encoder (`encodeURIComponent`, `encodeURI`, `escape`,
/// `mw.util.wikiUrlencode`, `mw.util.rawurlencode`) to a known string.
pub(super) fn encode(function: &str, text: &str) -> String {
    let keep: &[u8] = match function {
        "encodeURI" => b"-_.!~*'();,/?:@&=+$#",
        "escape" => b"@*_+-./",
        // `mw.util.wikiUrlencode` keeps these readable in titles.
        "mw.util.wikiUrlencode" => b"-_.!~*'();,/:@$",
        "mw.util.rawurlencode" => b"-_.~",
        _ => b"-_.!~*'()",
    };
    let mut out = String::with_capacity(text.len());
    let spaces_to_underscores = function == "mw.util.wikiUrlencode";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else if b == b' ' && spaces_to_underscores {
            out.push('_');
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |c: u8| char::from(c).to_digit(16);
        if b == b'%'
            && let (Some(&h), Some(&l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            #[expect(clippy::cast_possible_truncation, reason = "two hex digits fit a byte")]
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The wiki page a raw-action URL pulls: `index.php?title=T&action=raw` or
/// `/wiki/T?action=raw`, on this wiki or another.
pub(super) fn page_of(url: &str) -> Option<String> {
    let (path, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or(query);
    let mut title = None;
    let mut raw = false;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("title", t)) if !t.is_empty() => title = Some(t),
            Some(("action", "raw")) => raw = true,
            _ => {}
        }
    }
    if !raw {
        return None;
    }
    // Else `/wiki/T?action=raw`.
    let title = match title {
        Some(t) => t,
        None => path.split_once("/wiki/")?.1,
    };
    (!title.is_empty() && title != DYNAMIC).then(|| percent_decode(title))
}

/// `mw.loader.load` takes a URL when the string matches
/// `/^(https?:)?\/?\//` (see `mw.loader.load` in `resources/src/startup/mediawiki.loader.js`);
/// a value built from the wiki's own config is a URL too.
pub(super) fn is_loader_url(text: &str) -> bool {
    let scheme = |s: &str| {
        text.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    };
    let rest = if scheme("https:") {
        &text[6..]
    } else if scheme("http:") {
        &text[5..]
    } else {
        text
    };
    rest.starts_with('/') || text.starts_with("${wg")
}

/// Source text shown for an expression that defeated resolution.
pub(super) fn trim_expr(text: &str) -> String {
    const MAX: usize = 80;
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.len() <= MAX {
        return one_line;
    }
    let mut end = MAX - 1;
    while !one_line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &one_line[..end])
}

/// The element a jQuery markup string creates (`<script>`,
/// `<link rel="stylesheet"/>`), with its `rel` when written.
pub(super) fn markup_element(markup: &str) -> Option<Elem> {
    let rest = markup.trim_start().strip_prefix('<')?;
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let tag = rest[..end].to_ascii_lowercase();
    let open_tag = &rest[end..rest.find('>').unwrap_or(rest.len())];
    Some(Elem {
        tag,
        rel: attribute(open_tag, "rel"),
        origin: None,
    })
}

/// A quoted or bare attribute value in an opening tag's text.
fn attribute(tag_text: &str, name: &str) -> Option<String> {
    let lower = tag_text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at;
        from = start + name.len();
        let before_ok = start == 0 || lower.as_bytes()[start - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value = after[1..].trim_start();
        let offset = tag_text.len() - value.len();
        let original = &tag_text[offset..];
        let (quote, body) = match original.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &original[1..]),
            _ => (None, original),
        };
        let end = match quote {
            Some(q) => body.find(q),
            None => body.find(|c: char| c.is_whitespace() || c == '/'),
        }
        .unwrap_or(body.len());
        return Some(body[..end].to_owned());
    }
    None
}

/// Is this markup more than a bare element (`<script>`, `<img/>`), so that
/// it may carry URLs of its own?
pub(super) fn markup_has_content(markup: &str) -> bool {
    let trimmed = markup.trim();
    let Some(body) = trimmed.strip_prefix('<') else {
        return false;
    };
    let name_end = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let rest = body[name_end..].trim_start();
    !(rest.is_empty() || rest == ">" || rest == "/>" || rest.starts_with("></"))
}

/// What setting `attr` on a `tag` element loads: the shared table.
pub(super) use crate::sink_tables::element_sink;

/// The sink of a `<link href>` with this `rel`; `None` for rels that fetch
/// nothing (`canonical`, `next`).
pub(super) fn link_sink(rel: Option<&str>) -> Option<Sink> {
    let Some(rel) = rel else {
        return Some(Sink::Style);
    };
    let rel = rel.to_ascii_lowercase();
    let words: Vec<&str> = rel.split_ascii_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    if rel.contains(DYNAMIC) || has("stylesheet") {
        Some(Sink::Style)
    } else if has("modulepreload") {
        Some(Sink::Script)
    } else if has("preload") || has("prefetch") || has("preconnect") || has("dns-prefetch") {
        Some(Sink::Prefetch)
    } else if words.iter().any(|w| w.contains("icon")) {
        Some(Sink::Image)
    } else if has("manifest") {
        Some(Sink::Other)
    } else {
        None
    }
}

/// The URLs of a `srcset` value (`a.png 1x, b.png 2x`).
pub(super) fn srcset_urls(srcset: &str) -> Vec<&str> {
    srcset
        .split(',')
        .filter_map(|candidate| candidate.split_ascii_whitespace().next())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_pages() {
        assert_eq!(
            page_of("//meta.wikimedia.org/w/index.php?title=User:X/global.js&action=raw&ctype=text/javascript")
                .as_deref(),
            Some("User:X/global.js")
        );
        assert_eq!(
            page_of("/wiki/User:A%C3%A9/x.js?action=raw").as_deref(),
            Some("User:Aé/x.js")
        );
        assert_eq!(page_of("/w/index.php?title=X&action=edit"), None);
        assert_eq!(page_of("${wgScript}?title=${…}&action=raw"), None);
    }

    #[test]
    fn loader_urls() {
        assert!(is_loader_url("//cdn.example.org/x.js"));
        assert!(is_loader_url("/w/index.php"));
        assert!(is_loader_url("HTTPS://x/"));
        assert!(is_loader_url("${wgServer}/x"));
        assert!(!is_loader_url("ext.gadget.Foo"));
        assert!(!is_loader_url("https:x"));
    }

    #[test]
    fn encoders() {
        assert_eq!(encode("encodeURIComponent", "a b/c"), "a%20b%2Fc");
        assert_eq!(
            encode("mw.util.wikiUrlencode", "User:A b/c.js"),
            "User:A_b/c.js"
        );
        assert_eq!(encode("encodeURIComponent", "é"), "%C3%A9");
    }

    #[test]
    fn markup_elements() {
        let e = markup_element("<link rel='preload' />").expect("a link");
        assert_eq!(
            (e.tag.as_str(), e.rel.as_deref()),
            ("link", Some("preload"))
        );
        assert_eq!(
            markup_element("<script>").map(|e| e.tag).as_deref(),
            Some("script")
        );
        assert!(markup_element("#id").is_none());
        assert!(!markup_has_content("<img/>"));
        assert!(!markup_has_content("<div></div>"));
        assert!(markup_has_content("<img src='x.png'>"));
    }

    #[test]
    fn rels() {
        assert_eq!(link_sink(None), Some(Sink::Style));
        assert_eq!(link_sink(Some("shortcut icon")), Some(Sink::Image));
        assert_eq!(link_sink(Some("preload")), Some(Sink::Prefetch));
        assert_eq!(link_sink(Some("canonical")), None);
    }

    #[test]
    fn long_expressions_are_trimmed() {
        let long = "a".repeat(200);
        assert_eq!(trim_expr(&long).chars().count(), 80);
        assert_eq!(trim_expr("a +\n   b"), "a + b");
    }
}
