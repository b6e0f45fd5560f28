//! Wikimedia's domains, once for every crate: which hosts are Wikimedia
//! production (first party under the `wikimedia` profile), which of those
//! are wikis (`api.php`, `action=raw`), and which are Wikimedia Cloud
//! Services. Sources: the production TLS certificate and CSP list in
//! operations/puppet (`shared/reference/wikimedia.md`).

/// Wikimedia production: the unified certificate's domains, each with its
/// subdomains. The wiki projects come first ([`WIKI_DOMAINS`]), then the
/// domains that are Wikimedia's but not wikis: `wikimediafoundation.org` (a
/// `WordPress` site), `wmfusercontent.org` (user content), `w.wiki` (the URL
/// shortener).
pub const PRODUCTION_DOMAINS: &[&str] = &[
    "wikipedia.org",
    "wikimedia.org",
    "mediawiki.org",
    "wikibooks.org",
    "wikidata.org",
    "wikifunctions.org",
    "wikinews.org",
    "wikiquote.org",
    "wikisource.org",
    "wikiversity.org",
    "wikivoyage.org",
    "wiktionary.org",
    "wikimediafoundation.org",
    "wmfusercontent.org",
    "w.wiki",
];

/// How many of [`PRODUCTION_DOMAINS`] are wiki projects.
const WIKI_PROJECTS: usize = 12;

/// Wikimedia's MediaWiki project domains: their subdomains are wikis (some
/// hosts under them are not, such as `upload.wikimedia.org`; callers that
/// care keep their own exceptions).
pub const WIKI_DOMAINS: &[&str] = PRODUCTION_DOMAINS.split_at(WIKI_PROJECTS).0;

/// Wikimedia Cloud Services: Toolforge, Cloud VPS (including the Beta
/// cluster, `*.beta.wmcloud.org`) and the deprecated `wmflabs.org`.
pub const WMCS_DOMAINS: &[&str] = &[
    "toolforge.org",
    "wmcloud.org",
    "wmflabs.org",
    "wikimediacloud.org",
];

/// Is `host` (lower-case, no port) one of `domains` or under one?
pub fn is_under(host: &str, domains: &[&str]) -> bool {
    let host = host.trim_end_matches('.');
    domains
        .iter()
        .any(|d| host == *d || host.strip_suffix(d).is_some_and(|rest| rest.ends_with('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wiki_projects_are_the_production_domains_that_run_mediawiki() {
        assert_eq!(WIKI_DOMAINS.len(), 12);
        for not_a_wiki in ["wikimediafoundation.org", "wmfusercontent.org", "w.wiki"] {
            assert!(PRODUCTION_DOMAINS.contains(&not_a_wiki));
            assert!(!WIKI_DOMAINS.contains(&not_a_wiki));
        }
        assert!(
            WIKI_DOMAINS
                .iter()
                .all(|d| d.starts_with("wik") || *d == "mediawiki.org")
        );
    }

    #[test]
    fn hosts_are_under_a_domain_on_a_label_boundary() {
        assert!(is_under("en.wikipedia.org", WIKI_DOMAINS));
        assert!(is_under("wikipedia.org", WIKI_DOMAINS));
        assert!(!is_under("notwikipedia.org", WIKI_DOMAINS));
        assert!(is_under("tools.wmflabs.org", WMCS_DOMAINS));
    }
}
