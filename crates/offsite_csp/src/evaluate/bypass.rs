//! Hosts that make a script allowlist bypassable: CSP Evaluator's JSONP,
//! `AngularJS` and Flash lists (vendored under `data/`), MediaWiki wikis
//! (every Wikimedia project), Wikimedia Cloud Services wildcards, and
//! public package CDNs.

use std::sync::LazyLock;

use crate::source::HostSource;

/// A URL of a bypass list: a host and a path, compared as CSP Evaluator's
/// `matchWildcardUrls` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedUrl {
    pub(crate) host: String,
    pub(crate) path: String,
    /// A bypass only when `'unsafe-eval'` is allowed too.
    pub(crate) needs_eval: bool,
}

/// Read a vendored list: `//host/path [needs-eval]` per line, `#` comments.
/// Malformed lines are skipped (the lists are ours; a test checks that
/// every line is read).
pub(crate) fn parse_list(text: &str) -> Vec<ListedUrl> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (url, flag) = match line.split_once(char::is_whitespace) {
                Some((url, flag)) => (url, flag.trim()),
                None => (line, ""),
            };
            let rest = url.strip_prefix("//")?;
            let (host, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
            (!host.is_empty()).then(|| ListedUrl {
                host: host.to_ascii_lowercase(),
                path: path.to_owned(),
                needs_eval: flag == "needs-eval",
            })
        })
        .collect()
}

pub(crate) static JSONP: LazyLock<Vec<ListedUrl>> =
    LazyLock::new(|| parse_list(include_str!("../../data/jsonp-hosts.txt")));

pub(crate) static ANGULAR: LazyLock<Vec<ListedUrl>> =
    LazyLock::new(|| parse_list(include_str!("../../data/angular-hosts.txt")));

/// CSP Evaluator's Flash list (`allowlist_bypasses/flash.ts`, Apache-2.0):
/// one SWF that runs caller-supplied JavaScript.
pub(crate) static FLASH: LazyLock<Vec<ListedUrl>> = LazyLock::new(|| {
    parse_list("//ajax.googleapis.com/ajax/libs/yui/2.8.0r4/build/charts/assets/charts.swf")
});

/// The first URL of `list` that `source` allows, host and path compared as
/// CSP Evaluator does: `*.x` matches hosts ending in `.x`; a path ending in
/// `/` matches below it, any other path exactly; scheme and port are
/// ignored.
pub(crate) fn first_listed<'a>(
    source: &HostSource,
    list: &'a [ListedUrl],
) -> Option<&'a ListedUrl> {
    let pattern = source.host.trim_end_matches('.');
    list.iter().find(|url| {
        let host_ok = match pattern.strip_prefix('*') {
            Some(dot_suffix) => url.host.ends_with(dot_suffix),
            None => url.host == pattern,
        };
        let path_ok = match source.path.as_deref() {
            None | Some("/" | "") => true,
            Some(path) if path.ends_with('/') => url.path.starts_with(path),
            Some(path) => url.path == path,
        };
        host_ok && path_ok
    })
}

/// Wikimedia's MediaWiki project domains: their subdomains are wikis with
/// `api.php` and `action=raw` (the one table in `offsite_model::wikimedia`).
pub(crate) const WIKIMEDIA_WIKI_DOMAINS: &[&str] = offsite_model::wikimedia::WIKI_DOMAINS;

/// Hosts under Wikimedia's project domains that are not wikis.
const NOT_WIKIS: &[&str] = &[
    "upload.wikimedia.org",
    "maps.wikimedia.org",
    "stream.wikimedia.org",
    "intake-analytics.wikimedia.org",
    "intake-logging.wikimedia.org",
    "api.wikimedia.org",
    "query.wikidata.org",
    "commons-query.wikimedia.org",
    "analytics.wikimedia.org",
    "stats.wikimedia.org",
    "dumps.wikimedia.org",
    "doc.wikimedia.org",
    "phabricator.wikimedia.org",
    "gerrit.wikimedia.org",
    "lists.wikimedia.org",
    "grafana.wikimedia.org",
    "design.wikimedia.org",
    "people.wikimedia.org",
    "releases.wikimedia.org",
];

/// Apexes and `www.` hosts that are wikis themselves; the others are
/// portals (`www.wikipedia.org`).
const WIKI_APEXES: &[&str] = &[
    "wikisource.org",
    "www.wikisource.org",
    "www.mediawiki.org",
    "www.wikidata.org",
    "www.wikifunctions.org",
];

/// Does `pattern` (a host-source's host, maybe `*.x`) cover a MediaWiki
/// wiki? `extra` are more wiki domains, every subdomain a wiki.
pub(crate) fn covers_wiki(pattern: &str, extra: &[String]) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let under = |host: &str, domain: &str| {
        host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
    };
    if let Some(parent) = pattern.strip_prefix("*.") {
        // `*.wikipedia.org`, `*.m.wikipedia.org`: some subdomain is a wiki.
        return WIKIMEDIA_WIKI_DOMAINS
            .iter()
            .any(|d| parent == *d || under(parent, d))
            || extra.iter().any(|d| parent == d || under(parent, d));
    }
    if extra.iter().any(|d| pattern == *d || under(&pattern, d)) {
        return true;
    }
    if WIKI_APEXES.contains(&pattern.as_str()) {
        return true;
    }
    if NOT_WIKIS.contains(&pattern.as_str()) || pattern.starts_with("www.") {
        return false;
    }
    WIKIMEDIA_WIKI_DOMAINS.iter().any(|d| under(&pattern, d))
}

/// What lives under a Wikimedia Cloud Services domain (the domains are the
/// model's one table): anyone granted an account can publish a site on a
/// subdomain (`NAME.toolforge.org`).
fn wmcs_what(domain: &str) -> &'static str {
    match domain {
        "toolforge.org" => "Toolforge tool",
        "wmflabs.org" => "Cloud VPS project or legacy Toolforge tool",
        "wikimediacloud.org" => "Cloud VPS service",
        _ => "Cloud VPS project",
    }
}

/// The WMCS domain a wildcard `pattern` spans, with what lives there.
pub(crate) fn wmcs_wildcard(pattern: &str) -> Option<(&'static str, &'static str)> {
    let parent = pattern.trim_end_matches('.').strip_prefix("*.")?;
    offsite_model::wikimedia::WMCS_DOMAINS
        .iter()
        .find(|domain| parent.eq_ignore_ascii_case(domain))
        .map(|domain| (*domain, wmcs_what(domain)))
}

/// How a package CDN's hosts relate to whose code they serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CdnHosts {
    /// This host serves everyone's code under different paths.
    Host(&'static str),
    /// This domain and all its subdomains (mirrors) do.
    Domain(&'static str),
    /// Each subdomain is one publisher's site (`USER.github.io`): only a
    /// wildcard over the subdomains spans everyone.
    PerSubdomain(&'static str),
}

/// A public CDN that serves code anyone can publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackageCdn {
    pub(crate) hosts: CdnHosts,
    /// `(path prefix, segments)`: a source path under the prefix is pinned
    /// when it has at least that many segments; first match wins.
    pub(crate) pinned: &'static [(&'static str, usize)],
    /// What the CDN serves, for the message.
    pub(crate) serves: &'static str,
    /// A pinned source, for the fix.
    pub(crate) example: &'static str,
}

/// The CDNs `package-cdn-source` knows. `code.jquery.com` is left out: it
/// serves only the jQuery project's own releases. `raw.githubusercontent.com`
/// is left out: it answers `text/plain` with `nosniff`, which browsers
/// refuse to run.
pub(crate) const PACKAGE_CDNS: &[PackageCdn] = &[
    PackageCdn {
        hosts: CdnHosts::Domain("jsdelivr.net"),
        pinned: &[("", 2)],
        serves: "every npm package and every GitHub repository (/npm/…, /gh/…)",
        example: "https://cdn.jsdelivr.net/npm/package@1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("unpkg.com"),
        pinned: &[("", 1)],
        serves: "every npm package",
        example: "https://unpkg.com/package@1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("cdnjs.cloudflare.com"),
        pinned: &[("", 3)],
        serves: "every library on cdnjs, AngularJS among them",
        example: "https://cdnjs.cloudflare.com/ajax/libs/library/1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("esm.sh"),
        pinned: &[("", 1)],
        serves: "every npm package and GitHub repository",
        example: "https://esm.sh/package@1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("cdn.skypack.dev"),
        pinned: &[("", 1)],
        serves: "every npm package",
        example: "https://cdn.skypack.dev/package@1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("ga.jspm.io"),
        pinned: &[("", 1)],
        serves: "every npm package",
        example: "https://ga.jspm.io/npm:package@1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("jspm.dev"),
        pinned: &[("", 1)],
        serves: "every npm package",
        example: "https://jspm.dev/package@1.2.3/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("raw.githack.com"),
        pinned: &[("", 2)],
        serves: "every file of every GitHub repository",
        example: "https://raw.githack.com/user/repo/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("rawcdn.githack.com"),
        pinned: &[("", 2)],
        serves: "every file of every GitHub repository",
        example: "https://rawcdn.githack.com/user/repo/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("cdn.statically.io"),
        pinned: &[("", 3)],
        serves: "every file of every GitHub and GitLab repository",
        example: "https://cdn.statically.io/gh/user/repo/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("gitcdn.link"),
        pinned: &[("", 3)],
        serves: "every file of every GitHub repository",
        example: "https://gitcdn.link/cdn/user/repo/",
    },
    PackageCdn {
        hosts: CdnHosts::Host("gitcdn.xyz"),
        pinned: &[("", 3)],
        serves: "every file of every GitHub repository",
        example: "https://gitcdn.xyz/cdn/user/repo/",
    },
    PackageCdn {
        hosts: CdnHosts::PerSubdomain("github.io"),
        pinned: &[],
        serves: "every GitHub Pages site: anyone can publish USER.github.io",
        example: "https://user.github.io/project/",
    },
    PackageCdn {
        // A cdnjs mirror under /cdnjs/ and every Toolforge tool's static
        // files under /TOOL/ (shared/reference/wikimedia.md).
        hosts: CdnHosts::Host("tools-static.wmflabs.org"),
        pinned: &[("/cdnjs/", 4), ("/fontcdn/", 1), ("", 1)],
        serves: "the static files of every Toolforge tool, and a cdnjs mirror under /cdnjs/ \
                 (AngularJS among them)",
        example: "https://tools-static.wmflabs.org/cdnjs/ajax/libs/library/1.2.3/",
    },
];

/// The package CDN `source` spans without a pinned path, if any.
pub(crate) fn package_cdn(source: &HostSource) -> Option<&'static PackageCdn> {
    let pattern = source.host.trim_end_matches('.').to_ascii_lowercase();
    if pattern == "*" {
        // `*` is plain-wildcard's business.
        return None;
    }
    let covers = |host: &str| match pattern.strip_prefix('*') {
        Some(dot_parent) => host.len() > dot_parent.len() && host.ends_with(dot_parent),
        None => pattern == host,
    };
    PACKAGE_CDNS.iter().find(|cdn| match cdn.hosts {
        CdnHosts::Host(host) => covers(host) && !pinned(cdn, source.path.as_deref()),
        CdnHosts::Domain(domain) => {
            let inside = pattern == domain
                || pattern
                    .strip_suffix(domain)
                    .is_some_and(|head| head.ends_with('.'));
            (inside || covers(domain) || covers(&format!("cdn.{domain}")))
                && !pinned(cdn, source.path.as_deref())
        }
        // Only a wildcard spans the publishers; `user.github.io` is one.
        CdnHosts::PerSubdomain(domain) => {
            pattern.starts_with("*.") && covers(&format!("user.{domain}"))
        }
    })
}

/// Does a source path restrict the CDN to one package (or a file)?
fn pinned(cdn: &PackageCdn, path: Option<&str>) -> bool {
    let Some(path) = path.filter(|p| !p.is_empty() && *p != "/") else {
        return false;
    };
    // Without a trailing slash a path allows that one file.
    if !path.ends_with('/') {
        return true;
    }
    let segments = path.split('/').filter(|s| !s.is_empty()).count();
    let need = cdn
        .pinned
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(1, |(_, n)| *n);
    segments >= need
}

/// CSP Evaluator's `looksLikeIpAddress`: four dotted groups of 1-3 digits,
/// or something in brackets.
pub(crate) fn looks_like_ip(host: &str) -> bool {
    if host.starts_with('[') && host.ends_with(']') {
        return true;
    }
    let groups: Vec<&str> = host.split('.').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The host of a token as CSP Evaluator reads it (scheme and `//` removed,
/// up to the port or path), for tokens the parser kept raw.
pub(crate) fn raw_host(token: &str) -> &str {
    let mut rest = token;
    if let Some((scheme, after)) = token.split_once("://")
        && crate::source::is_scheme(scheme)
    {
        rest = after;
    }
    rest = rest.strip_prefix("//").unwrap_or(rest);
    if rest.starts_with('[') {
        return rest.find(']').map_or(rest, |end| &rest[..=end]);
    }
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    &rest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(text: &str) -> HostSource {
        HostSource::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn vendored_lists_are_read_whole() {
        let jsonp = include_str!("../../data/jsonp-hosts.txt");
        let lines = jsonp.lines().filter(|l| l.starts_with("//")).count();
        assert_eq!(JSONP.len(), lines);
        assert_eq!(lines, 120);
        assert_eq!(JSONP.iter().filter(|u| u.needs_eval).count(), 5);
        let angular = include_str!("../../data/angular-hosts.txt");
        assert_eq!(
            ANGULAR.len(),
            angular.lines().filter(|l| l.starts_with("//")).count()
        );
        assert_eq!(ANGULAR.len(), 32);
        let tbcdn = JSONP.iter().find(|u| u.host == "count.tbcdn.cn");
        assert_eq!(tbcdn.map(|u| u.path.as_str()), Some("//counter3"));
        let jsdelivr = JSONP.iter().find(|u| u.host == "cdn.jsdelivr.net");
        assert_eq!(jsdelivr.map(|u| u.path.as_str()), Some("/"));
    }

    #[test]
    fn listed_urls_match_like_csp_evaluator() {
        assert_eq!(
            first_listed(&host("*.google.com"), &JSONP).map(|u| u.host.as_str()),
            Some("www.google.com")
        );
        assert!(first_listed(&host("google.com"), &JSONP).is_none());
        assert!(first_listed(&host("https://www.google.com/tools/"), &JSONP).is_some());
        assert!(first_listed(&host("https://www.google.com/maps/"), &JSONP).is_none());
        assert!(first_listed(&host("gstatic.com"), &ANGULAR).is_some());
        assert!(first_listed(&host("foo.bar"), &JSONP).is_none());
    }

    #[test]
    fn wiki_hosts() {
        for wiki in [
            "*.wikipedia.org",
            "*.m.wikipedia.org",
            "en.wikipedia.org",
            "commons.wikimedia.org",
            "www.mediawiki.org",
            "wikisource.org",
            "*.wikidata.org",
        ] {
            assert!(covers_wiki(wiki, &[]), "{wiki}");
        }
        for other in [
            "upload.wikimedia.org",
            "www.wikipedia.org",
            "wikipedia.org",
            "*.wikimediafoundation.org",
            "*.toolforge.org",
            "evilwikipedia.org",
        ] {
            assert!(!covers_wiki(other, &[]), "{other}");
        }
        let extra = ["miraheze.org".to_owned()];
        assert!(covers_wiki("meta.miraheze.org", &extra));
        assert!(covers_wiki("*.miraheze.org", &extra));
    }

    #[test]
    fn package_cdns_need_a_pinned_path() {
        for broad in [
            "https://cdn.jsdelivr.net",
            "*.jsdelivr.net",
            "fastly.jsdelivr.net",
            "https://cdn.jsdelivr.net/npm/",
            "unpkg.com",
            "*.cloudflare.com",
            "https://cdnjs.cloudflare.com/ajax/libs/",
            "*.github.io",
            "https://tools-static.wmflabs.org",
            "https://tools-static.wmflabs.org/cdnjs/",
            "esm.sh",
        ] {
            assert!(package_cdn(&host(broad)).is_some(), "{broad}");
        }
        for pinned in [
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/",
            "https://cdn.jsdelivr.net/npm",
            "https://unpkg.com/vue@3.4.0/",
            "https://cdnjs.cloudflare.com/ajax/libs/jquery/",
            "https://tools-static.wmflabs.org/cdnjs/ajax/libs/jquery/",
            "https://tools-static.wmflabs.org/mytool/",
            "user.github.io",
            "code.jquery.com",
            "raw.githubusercontent.com",
            "example.org",
        ] {
            assert!(package_cdn(&host(pinned)).is_none(), "{pinned}");
        }
    }

    #[test]
    fn ip_addresses_and_raw_hosts() {
        assert!(looks_like_ip("8.8.8.8"));
        assert!(looks_like_ip("[::1]"));
        assert!(!looks_like_ip("not.an.ip"));
        assert!(!looks_like_ip("1.2.3"));
        assert_eq!(raw_host("//127.0.0.1"), "127.0.0.1");
        assert_eq!(raw_host("https://[::1]:8080/x"), "[::1]");
        assert_eq!(raw_host("http://10.0.0.1:80/x"), "10.0.0.1");
        assert_eq!(raw_host("allow-scripts"), "allow-scripts");
    }
}
