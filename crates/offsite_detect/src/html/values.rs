//! Small parsers for attribute values: script types and `srcset`.

/// The MIME types (and `module`) that make a `<script>` JavaScript.
/// <https://html.spec.whatwg.org/multipage/scripting.html#javascript-mime-type>
pub(super) fn is_javascript_type(value: &[u8]) -> bool {
    let value = String::from_utf8_lossy(value);
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "" | "module"
            | "application/ecmascript"
            | "application/javascript"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

/// Client-side template types (`text/template`, `text/x-handlebars-template`,
/// `text/html`): their markup is inserted into the page later.
pub(super) fn is_template_type(value: &[u8]) -> bool {
    let value = String::from_utf8_lossy(value).to_ascii_lowercase();
    value.contains("template") || value.trim() == "text/html"
}

/// Byte ranges of the URLs in a `srcset` value, per the HTML spec's
/// candidate parsing: a URL runs to whitespace; trailing commas end it;
/// descriptors run to the next comma outside parentheses.
/// <https://html.spec.whatwg.org/multipage/images.html#parse-a-srcset-attribute>
pub(super) fn srcset_urls(value: &str) -> Vec<(usize, usize)> {
    let bytes = value.as_bytes();
    let mut urls = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut end = i;
        let url_ended_with_comma = end > start && bytes[end - 1] == b',';
        while end > start && bytes[end - 1] == b',' {
            end -= 1;
        }
        if end > start {
            urls.push((start, end));
        }
        if url_ended_with_comma {
            continue;
        }
        let mut depth = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_candidates() {
        let v = "a.png 1x, b.png 2x,c.png,  https://x.example/d,e.png 3x";
        let got: Vec<_> = srcset_urls(v).into_iter().map(|(s, e)| &v[s..e]).collect();
        assert_eq!(
            got,
            ["a.png", "b.png", "c.png", "https://x.example/d,e.png"]
        );
        let v = "data:image/png;base64,AA== 1x, x.png 2x";
        let got: Vec<_> = srcset_urls(v).into_iter().map(|(s, e)| &v[s..e]).collect();
        assert_eq!(got, ["data:image/png;base64,AA==", "x.png"]);
    }

    #[test]
    fn javascript_types() {
        assert!(is_javascript_type(b""));
        assert!(is_javascript_type(b" Text/JavaScript; charset=utf-8"));
        assert!(is_javascript_type(b"module"));
        assert!(!is_javascript_type(b"application/ld+json"));
        assert!(!is_javascript_type(b"text/x-template"));
    }
}
