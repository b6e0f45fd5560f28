//! A load's target from a folded URL: url, host, same-wiki and the page a
//! raw-action URL reads.

use offsite_model::Load;

use super::fold::Folded;

/// Fill a load's target from a folded URL.
pub(super) fn with_target(load: Load, folded: &Folded) -> Load {
    let mut load = if folded.is_unknown() {
        load
    } else {
        load.with_url(folded.value.clone())
    };
    load.resolution = folded.resolution;
    load.dynamic_expr.clone_from(&folded.dynamic_expr);
    load.page = load.url.as_deref().and_then(page_from_url);
    load
}

/// The page an `index.php?title=T&action=raw` (or `/wiki/T?action=raw`) URL reads.
pub(super) fn page_from_url(url: &str) -> Option<String> {
    let (path, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or(query);
    let mut title = None;
    let mut raw = false;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("title", value)) => title = Some(value),
            Some(("action", "raw")) => raw = true,
            _ => {}
        }
    }
    if !raw {
        return None;
    }
    let title = title.or_else(|| path.split_once("/wiki/").map(|(_, t)| t))?;
    let decoded = percent_decode(title);
    (!decoded.is_empty() && !decoded.contains("${")).then_some(decoded)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn pages_from_raw_urls() {
        let url = "//meta.wikimedia.org/w/index.php?title=User:Foo%2Fbar.js&action=raw&ctype=text/javascript";
        assert_eq!(page_from_url(url).as_deref(), Some("User:Foo/bar.js"));
        assert_eq!(
            page_from_url("/wiki/MediaWiki:X.css?action=raw").as_deref(),
            Some("MediaWiki:X.css")
        );
        assert_eq!(page_from_url("/w/index.php?title=X"), None);
        assert_eq!(page_from_url("${wgScript}?title=${…}&action=raw"), None);
        assert_eq!(percent_decode("a%zz%4"), "a%zz%4");
    }
}
