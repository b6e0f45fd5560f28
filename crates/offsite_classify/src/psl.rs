//! The Public Suffix List: which part of a host is a public suffix, and so
//! which part is the registrable domain (eTLD+1).
//!
//! The list is compiled in and parsed once, on first use, into a hash map
//! keyed by rule text, so a lookup costs one hash probe per label of the host.
//!
//! Registrable domains use both sections of the list by default, as browsers
//! do for cookies and "site": `x.github.io`, `mytool.toolforge.org` and
//! `beta.wmcloud.org` are registrable domains of their own, because different
//! people control them. Grouping findings that way groups by the party who
//! can change the code (one tool, one GitHub user), which is what a reviewer
//! acts on. [`Sections::IcannOnly`] gives the registry view (`github.io`,
//! `toolforge.org`) for grouping by the company that runs the platform.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use crate::host::{self, Host};

const LIST: &str = include_str!("../data/public_suffix_list.dat");

/// Which part of the Public Suffix List a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Suffixes run by registries (`com`, `co.uk`, `kawasaki.jp`).
    Icann,
    /// Suffixes companies opened to their users (`github.io`, `toolforge.org`).
    Private,
}

/// Which rules a lookup honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sections {
    /// ICANN and PRIVATE rules, as browsers use the list.
    #[default]
    All,
    /// ICANN rules only: `x.github.io` has registrable domain `github.io`.
    IcannOnly,
}

impl Sections {
    fn admits(self, section: Option<Section>) -> bool {
        match (self, section) {
            (Self::All, Some(_)) | (Self::IcannOnly, Some(Section::Icann)) => true,
            (_, None) | (Self::IcannOnly, Some(Section::Private)) => false,
        }
    }
}

/// The rules that share one domain text: `ck` can carry `*.ck`, `www.ck`
/// carries `!www.ck`.
#[derive(Debug, Default, Clone, Copy)]
struct Entry {
    exact: Option<Section>,
    wildcard: Option<Section>,
    exception: Option<Section>,
}

struct Rules {
    map: HashMap<Cow<'static, str>, Entry>,
    version: &'static str,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| parse(LIST));

fn parse(list: &'static str) -> Rules {
    let mut map: HashMap<Cow<'static, str>, Entry> = HashMap::with_capacity(10_000);
    let mut section = Section::Icann;
    let mut version = "unknown";
    for line in list.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix("//") {
            let comment = comment.trim();
            if comment.starts_with("===BEGIN PRIVATE DOMAINS===") {
                section = Section::Private;
            } else if comment.starts_with("===BEGIN ICANN DOMAINS===") {
                section = Section::Icann;
            } else if let Some(v) = comment.strip_prefix("VERSION:") {
                version = v.trim();
            }
            continue;
        }
        // The format ends a rule at the first whitespace.
        let Some(rule) = line.split_whitespace().next() else {
            continue;
        };
        let (key, slot): (&'static str, fn(&mut Entry) -> &mut Option<Section>) =
            if let Some(rest) = rule.strip_prefix('!') {
                (rest, |e| &mut e.exception)
            } else if let Some(rest) = rule.strip_prefix("*.") {
                (rest, |e| &mut e.wildcard)
            } else {
                (rule, |e| &mut e.exact)
            };
        // IDN rules are written in Unicode; hosts arrive as punycode.
        let key: Cow<'static, str> = if key.is_ascii() {
            Cow::Borrowed(key)
        } else {
            let ascii = url::quirks::domain_to_ascii(key);
            if ascii.is_empty() {
                continue;
            }
            Cow::Owned(ascii)
        };
        let entry = map.entry(key).or_default();
        slot(entry).get_or_insert(section);
    }
    Rules { map, version }
}

/// The upstream revision of the compiled-in list (`2026-10-22_08-36-41_UTC`).
pub fn list_version() -> &'static str {
    RULES.version
}

/// Byte offset in `host` (normalised domain) where its public suffix starts.
fn suffix_start(host: &str, sections: Sections) -> usize {
    let rules = &*RULES;
    // Walk suffixes shortest first so a wildcard on `ck` can apply to the
    // next, one label longer, suffix. With no matching rule the prevailing
    // rule is `*`: the last label.
    let starts = host
        .rmatch_indices('.')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0));
    let mut best = None;
    let mut pending_wildcard = false;
    let mut previous = host.len();
    for start in starts {
        let entry = rules.map.get(&host[start..]).copied().unwrap_or_default();
        // An exception rule beats every other rule: the suffix is its parent
        // (a top-level label has no parent; the list has no such rule).
        if sections.admits(entry.exception) && previous < host.len() {
            return previous;
        }
        if pending_wildcard || sections.admits(entry.exact) {
            best = Some(start);
        }
        pending_wildcard = sections.admits(entry.wildcard);
        previous = start;
    }
    best.unwrap_or_else(|| host.rfind('.').map_or(0, |i| i + 1))
}

/// The registrable domain of a normalised domain, as a slice of it.
pub(crate) fn registrable_of_domain(host: &str, sections: Sections) -> Option<&str> {
    let start = suffix_start(host, sections);
    if start == 0 {
        return None; // The host is itself a public suffix.
    }
    let label_start = host[..start - 1].rfind('.').map_or(0, |i| i + 1);
    Some(&host[label_start..])
}

/// The registrable domain (eTLD+1) of a host: `a.b.example.co.uk` →
/// `example.co.uk`. `None` for IP literals, `localhost`, hosts that are
/// public suffixes themselves (`co.uk`, `github.io` with [`Sections::All`])
/// and strings that are not hosts. Accepts Unicode or punycode, any case.
pub fn registrable_domain(host: &str, sections: Sections) -> Option<String> {
    match host::normalize(host)? {
        Host::Domain(d) if !is_localhost(&d) => {
            registrable_of_domain(&d, sections).map(str::to_owned)
        }
        Host::Domain(_) | Host::Ip(_) => None,
    }
}

/// The public suffix of a host (`co.uk` for `www.example.co.uk`), with the
/// same `None` cases as [`registrable_domain`] except that a suffix is its
/// own public suffix.
pub fn public_suffix(host: &str, sections: Sections) -> Option<String> {
    match host::normalize(host)? {
        Host::Domain(d) if !is_localhost(&d) => Some(d[suffix_start(&d, sections)..].to_owned()),
        Host::Domain(_) | Host::Ip(_) => None,
    }
}

/// RFC 6761: `localhost` and its subdomains are this machine, not a site.
fn is_localhost(domain: &str) -> bool {
    domain == "localhost" || domain.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(host: &str) -> Option<String> {
        registrable_domain(host, Sections::All)
    }

    fn reg_icann(host: &str) -> Option<String> {
        registrable_domain(host, Sections::IcannOnly)
    }

    #[test]
    fn list_is_parsed_with_a_version() {
        assert!(RULES.map.len() > 5_000, "only {} rules", RULES.map.len());
        assert!(list_version().starts_with("20"), "{}", list_version());
    }

    #[test]
    fn plain_and_multi_label_suffixes() {
        assert_eq!(reg("example.com").as_deref(), Some("example.com"));
        assert_eq!(reg("www.example.com").as_deref(), Some("example.com"));
        assert_eq!(reg("a.b.example.co.uk").as_deref(), Some("example.co.uk"));
        assert_eq!(reg("co.uk"), None);
        assert_eq!(reg("com"), None);
        assert_eq!(
            public_suffix("a.b.example.co.uk", Sections::All).as_deref(),
            Some("co.uk")
        );
    }

    #[test]
    fn unlisted_tld_falls_back_to_last_label() {
        assert_eq!(
            reg("a.b.example.notatld").as_deref(),
            Some("example.notatld")
        );
        assert_eq!(reg("notatld"), None);
    }

    #[test]
    fn private_section_makes_user_subdomains_registrable() {
        assert_eq!(reg("x.github.io").as_deref(), Some("x.github.io"));
        assert_eq!(reg("a.x.github.io").as_deref(), Some("x.github.io"));
        assert_eq!(reg("github.io"), None);
        assert_eq!(reg_icann("x.github.io").as_deref(), Some("github.io"));
    }

    #[test]
    fn toolforge_and_wmcloud_are_private_suffixes() {
        assert_eq!(
            reg("mytool.toolforge.org").as_deref(),
            Some("mytool.toolforge.org")
        );
        assert_eq!(
            reg("a.mytool.toolforge.org").as_deref(),
            Some("mytool.toolforge.org")
        );
        assert_eq!(reg("toolforge.org"), None);
        assert_eq!(
            reg_icann("mytool.toolforge.org").as_deref(),
            Some("toolforge.org")
        );
        // `beta.wmcloud.org` is a suffix of its own: each Beta wiki family
        // is its own site.
        assert_eq!(
            reg("en.wikipedia.beta.wmcloud.org").as_deref(),
            Some("wikipedia.beta.wmcloud.org")
        );
        assert_eq!(reg("beta.wmcloud.org"), None);
    }

    #[test]
    fn wildcard_and_exception_rules() {
        // `*.ck` with `!www.ck`.
        assert_eq!(reg("www.ck").as_deref(), Some("www.ck"));
        assert_eq!(reg("a.www.ck").as_deref(), Some("www.ck"));
        assert_eq!(reg("foo.ck"), None);
        assert_eq!(reg("bar.foo.ck").as_deref(), Some("bar.foo.ck"));
        assert_eq!(reg("ck"), None);
        // `*.kawasaki.jp` with `!city.kawasaki.jp`.
        assert_eq!(reg("city.kawasaki.jp").as_deref(), Some("city.kawasaki.jp"));
        assert_eq!(
            reg("www.city.kawasaki.jp").as_deref(),
            Some("city.kawasaki.jp")
        );
        assert_eq!(reg("x.kawasaki.jp"), None);
        assert_eq!(reg("y.x.kawasaki.jp").as_deref(), Some("y.x.kawasaki.jp"));
    }

    #[test]
    fn ip_literals_and_localhost_have_none() {
        for host in [
            "127.0.0.1",
            "192.168.1.10",
            "[::1]",
            "localhost",
            "wiki.localhost",
        ] {
            assert_eq!(reg(host), None, "{host}");
        }
    }

    #[test]
    fn idn_rules_match_punycode_and_unicode_hosts() {
        // `公司.cn` is an ICANN rule written in Unicode; xn--55qx5d is 公司.
        assert_eq!(
            reg("shop.example.xn--55qx5d.cn").as_deref(),
            Some("example.xn--55qx5d.cn")
        );
        assert_eq!(
            reg("shop.example.公司.cn").as_deref(),
            Some("example.xn--55qx5d.cn")
        );
        assert_eq!(reg("xn--55qx5d.cn"), None);
    }

    #[test]
    fn case_and_trailing_dot_do_not_matter() {
        assert_eq!(reg("WWW.Example.CO.UK.").as_deref(), Some("example.co.uk"));
    }
}
