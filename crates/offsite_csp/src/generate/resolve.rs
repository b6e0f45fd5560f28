//! From a scanned load to the source a policy needs for it: `'self'` for the
//! wiki itself, a minimal host-source (`https://host[:port]`) or an
//! `[[allow]]` pattern for other hosts, a scheme-source for `data:`/`blob:`.

use offsite_model::{DYNAMIC, ReportedLoad, WIKI_SERVER, split_url};

use super::{
    AllowPattern, ForbiddenLoad, ForbiddenOutcome, LoadRef, REMOTE_LOAD_RULES, Unrepresentable,
    UnrepresentableReason,
};
use crate::matching::Origin;
use crate::source::{HostSource, Port, SourceExpr};
use crate::url_match::default_port;

/// A permitted load and what it needs.
pub(crate) struct Permitted<'a> {
    pub load: &'a ReportedLoad,
    pub source: SourceExpr,
    /// A URL to check the policy with: the load's own when fully known
    /// (`${wgServer}` replaced by the origin), else the root of its host.
    pub url: String,
}

/// The loads sorted into what the policy must allow, what it must not, and
/// what it cannot express.
pub(crate) struct Plan<'a> {
    pub permitted: Vec<Permitted<'a>>,
    /// With the URL to check, when it is fully known.
    pub forbidden: Vec<(ForbiddenLoad, Option<String>)>,
    pub not_representable: Vec<Unrepresentable>,
}

/// Sort loads, in scan order.
pub(crate) fn plan<'a>(
    loads: impl IntoIterator<Item = &'a ReportedLoad>,
    origin: &Origin,
    patterns: &[AllowPattern],
) -> Plan<'a> {
    let mut out = Plan {
        permitted: Vec::new(),
        forbidden: Vec::new(),
        not_representable: Vec::new(),
    };
    for load in loads {
        let rules: Vec<String> = load
            .findings
            .iter()
            .filter(|f| REMOTE_LOAD_RULES.contains(&f.rule.as_str()))
            .map(|f| f.rule.clone())
            .collect();
        let resolved = resolve(load, origin, patterns);
        if !rules.is_empty() {
            let url = resolved.ok().map(|(_, url)| url);
            out.forbidden.push((
                ForbiddenLoad {
                    load: LoadRef::of(load),
                    directive: load.directive,
                    rules,
                    outcome: ForbiddenOutcome::Unchecked,
                },
                url,
            ));
            continue;
        }
        match resolved {
            Ok((source, url)) => out.permitted.push(Permitted { load, source, url }),
            Err(reason) => out.not_representable.push(Unrepresentable {
                load: LoadRef::of(load),
                directive: load.directive,
                reason,
            }),
        }
    }
    out
}

/// The source a load needs and a URL to check it with.
fn resolve(
    load: &ReportedLoad,
    origin: &Origin,
    patterns: &[AllowPattern],
) -> Result<(SourceExpr, String), UnrepresentableReason> {
    let root = format!("{origin}/");
    let Some(url) = load.url.as_deref().map(str::trim) else {
        // `mw.loader.using('ext.gadget.X')`, `importScript('Title')`: served
        // by the wiki's own load.php / index.php.
        return if load.modules.is_empty() && load.page.is_none() {
            Err(UnrepresentableReason::NoUrl)
        } else {
            Ok((SourceExpr::SELF, root))
        };
    };
    // `${wgServer}/…`, `${wgScript}?…`: the wiki itself (offsite_model's
    // marker convention: every `${wg…}` prefix is a value of the wiki).
    if url.starts_with("${wg") {
        let concrete = url
            .strip_prefix(WIKI_SERVER)
            .map(|rest| format!("{origin}{rest}"))
            .filter(|u| !u.contains("${"))
            .unwrap_or(root);
        return Ok((SourceExpr::SELF, concrete));
    }
    // `location.protocol + '//host/…'`: protocol-relative.
    let url = url
        .strip_prefix(DYNAMIC)
        .filter(|rest| rest.starts_with("//"))
        .unwrap_or(url);
    let dynamic = url.contains("${");
    let parts = split_url(url);
    if parts.relative {
        let concrete = if dynamic { root } else { url.to_owned() };
        return Ok((SourceExpr::SELF, concrete));
    }
    let Some(host) = parts.host else {
        return match parts.scheme {
            _ if dynamic => Err(UnrepresentableReason::DynamicHost),
            Some(scheme)
                if url
                    .get(scheme.len() + 1..)
                    .is_some_and(|rest| rest.starts_with("//")) =>
            {
                Err(UnrepresentableReason::InvalidHost {
                    detail: "the URL has no host".to_owned(),
                })
            }
            // `data:`, `blob:`, `filesystem:`: only a scheme-source names them.
            Some(scheme) if matches!(scheme.as_str(), "data" | "blob" | "filesystem") => {
                Ok((SourceExpr::Scheme(scheme.clone()), format!("{scheme}:x")))
            }
            Some(scheme) => Err(UnrepresentableReason::Scheme { scheme }),
            None => Err(UnrepresentableReason::InvalidHost {
                detail: "the URL has no host".to_owned(),
            }),
        };
    };
    if host.starts_with('[') {
        return Err(UnrepresentableReason::IpLiteral);
    }
    let scheme = parts.scheme.unwrap_or_else(|| origin.scheme.clone());
    let port = parts.port.filter(|p| Some(*p) != default_port(&scheme));
    let written = match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    // The host-source grammar is narrower than URL hosts (`_` is not in it).
    let minimal = HostSource::parse(&written)
        .map_err(|e| UnrepresentableReason::InvalidHost { detail: e.reason })?;
    let concrete = if dynamic {
        format!("{written}/")
    } else {
        url.to_owned()
    };
    if SourceExpr::SELF.matches_url(&concrete, origin) {
        return Ok((SourceExpr::SELF, concrete));
    }
    let pattern = patterns.iter().find(|p| {
        p.sinks.as_ref().is_none_or(|s| s.contains(&load.sink))
            && p.host.matches_url(&concrete, origin)
    });
    let source = match pattern {
        Some(p) => SourceExpr::Host(p.host.clone()),
        None => SourceExpr::Host(minimal),
    };
    Ok((source, concrete))
}

/// Does `wide` allow every URL `narrow` allows, on a page of
/// `origin_scheme`? Conservative: `false` when unsure (both are kept).
pub(crate) fn covers(wide: &SourceExpr, narrow: &SourceExpr, origin_scheme: &str) -> bool {
    if wide == narrow {
        return true;
    }
    match (wide, narrow) {
        (SourceExpr::Scheme(w), SourceExpr::Scheme(n)) => scheme_covers(w, n),
        (SourceExpr::Scheme(w), SourceExpr::Host(n)) => {
            scheme_covers(w, n.scheme.as_deref().unwrap_or(origin_scheme))
        }
        (SourceExpr::Host(w), SourceExpr::Host(n)) => {
            let w_scheme = w.scheme.as_deref().unwrap_or(origin_scheme);
            let n_scheme = n.scheme.as_deref().unwrap_or(origin_scheme);
            // A wildcard host of `*` alone behaves as the `*` source.
            w.host != "*"
                && scheme_covers(w_scheme, n_scheme)
                && host_covers(&w.host, &n.host)
                && port_covers(w.port, n.port)
                && path_covers(w.path.as_deref(), n.path.as_deref())
        }
        _ => false,
    }
}

/// CSP3 §6.7.2.9: a source scheme allows its secure upgrade.
fn scheme_covers(wide: &str, narrow: &str) -> bool {
    wide == narrow
        || matches!(
            (wide, narrow),
            ("http" | "wss", "https") | ("ws", "wss" | "http" | "https")
        )
}

fn host_covers(wide: &str, narrow: &str) -> bool {
    if wide == narrow {
        return true;
    }
    let Some(parent) = wide.strip_prefix('*') else {
        return false;
    };
    // `*.example.org` covers `a.example.org` and `*.a.example.org`, not the apex.
    let narrow = narrow.strip_prefix('*').unwrap_or(narrow);
    narrow.len() > parent.len()
        && narrow.ends_with(parent)
        && !narrow.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

fn port_covers(wide: Option<Port>, narrow: Option<Port>) -> bool {
    wide == Some(Port::Any) || wide == narrow
}

fn path_covers(wide: Option<&str>, narrow: Option<&str>) -> bool {
    match (wide, narrow) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(w), Some(n)) => w == n || (w.ends_with('/') && n.starts_with(w)),
    }
}
