//! What a load's URL can be matched by: a literal URL, a pattern with
//! run-time parts, or only a host.

use offsite_model::{ReportedLoad, split_url};
use url::Url;

use crate::privacy;

/// What a load's URL can be matched by.
#[derive(Debug, Clone)]
pub(super) enum Target {
    /// A literal URL: `scheme` (`None` for protocol-relative), `key`
    /// (`host[:port]/path`), `dir` (the key up to its last `/`).
    Exact {
        scheme: Option<String>,
        key: String,
        dir: String,
    },
    /// A URL with run-time parts: the literal pieces between them, matched
    /// in order against `host[:port]/path`. `host` is known or not.
    Pattern {
        host: Option<String>,
        parts: Vec<String>,
        anchored_start: bool,
        anchored_end: bool,
    },
    /// Only the host is known.
    Host,
}

/// `host[:port]/path` of a network URL, stripped as stored.
pub(super) fn key_of(u: &Url) -> String {
    let s = privacy::url_string(&privacy::strip(u.clone()));
    match s.split_once("://") {
        Some((_, rest)) => rest.to_owned(),
        None => s,
    }
}

/// `host[:port]` of a key.
pub(super) fn authority(key: &str) -> &str {
    key.split('/').next().unwrap_or(key)
}

/// How a load's URL can be matched; `None` for loads a blocked URL never
/// names.
pub(super) fn target_of(load: &ReportedLoad) -> Option<Target> {
    let Some(raw) = load.url.as_deref().map(str::trim) else {
        return load.host.as_ref().map(|_| Target::Host);
    };
    if raw.starts_with("${wg") {
        return None;
    }
    // Query and fragment go, as on the report side. A `?` inside a
    // placeholder cannot occur: placeholders are `${…}` or `${name}`.
    let cut = raw.find(['?', '#']).map_or(raw, |i| &raw[..i]);
    if !cut.contains("${") {
        return exact_target(cut).or_else(|| load.host.as_ref().map(|_| Target::Host));
    }
    // `${…}//host/x`: the scheme is a run-time value, the host is not.
    let after_scheme = if let Some(rest) = cut.strip_prefix("//") {
        rest
    } else if let Some((_, rest)) = cut.split_once("://").filter(|(s, _)| !s.contains("${")) {
        rest
    } else if let Some(i) = cut.find("}//").filter(|_| cut.starts_with("${")) {
        &cut[i + 3..]
    } else {
        cut
    };
    let parts_host = split_url(cut).host;
    let mut parts = Vec::new();
    let mut rest = after_scheme;
    let anchored_start = !rest.starts_with("${");
    let mut anchored_end = true;
    while let Some(start) = rest.find("${") {
        parts.push(rest[..start].to_owned());
        let Some(end) = rest[start..].find('}') else {
            // An unterminated placeholder runs to the end.
            anchored_end = false;
            rest = "";
            break;
        };
        rest = &rest[start + end + 1..];
    }
    if rest.is_empty() {
        anchored_end = false;
    } else {
        parts.push(rest.to_owned());
    }
    // Hosts compare lower-case; the first piece holds the host when known.
    if parts_host.is_some()
        && let Some(first) = parts.first_mut()
    {
        let end = first.find('/').unwrap_or(first.len());
        let lowered = first[..end].to_ascii_lowercase();
        first.replace_range(..end, &lowered);
    }
    parts.retain(|p| !p.is_empty());
    if parts.is_empty() {
        // `${…}`: nothing literal to match; the host, if the detector knew it.
        return load.host.as_ref().map(|_| Target::Host);
    }
    Some(Target::Pattern {
        host: parts_host,
        parts,
        anchored_start,
        anchored_end,
    })
}

fn exact_target(url: &str) -> Option<Target> {
    let (scheme, parsed) = if url.starts_with("//") {
        (None, Url::parse(&format!("https:{url}")).ok()?)
    } else {
        let u = Url::parse(url).ok()?;
        (Some(u.scheme().to_owned()), u)
    };
    if !matches!(parsed.scheme(), "http" | "https" | "ws" | "wss") || parsed.host_str().is_none() {
        return None;
    }
    let key = key_of(&parsed);
    let dir = key
        .rfind('/')
        .map_or_else(|| format!("{key}/"), |i| key[..=i].to_owned());
    Some(Target::Exact { scheme, key, dir })
}

/// Literal `parts` appear in `text` in order, the first at the start when
/// `anchored_start`, the last at the end when `anchored_end`; the run-time
/// parts between them match anything, including nothing.
pub(super) fn glob_match(
    parts: &[String],
    anchored_start: bool,
    anchored_end: bool,
    text: &str,
) -> bool {
    let mut parts = parts;
    let mut text = text;
    if anchored_start {
        let Some((first, rest)) = parts.split_first() else {
            return true;
        };
        let Some(after) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        text = after;
        parts = rest;
        if parts.is_empty() {
            return !anchored_end || text.is_empty();
        }
    }
    if anchored_end {
        let Some((last, rest)) = parts.split_last() else {
            return true;
        };
        let Some(before) = text.strip_suffix(last.as_str()) else {
            return false;
        };
        text = before;
        parts = rest;
    }
    let mut pos = 0;
    for part in parts {
        match text[pos..].find(part.as_str()) {
            Some(i) => pos += i + part.len(),
            None => return false,
        }
    }
    true
}
