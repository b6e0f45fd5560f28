//! Building the policy from the sorted loads: base + needed sources per
//! directive, fallback-equal directives left out, reporting, sizes, and the
//! check of every load against the result.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use offsite_model::{Directive, ReportedLoad};

use super::resolve::{Permitted, Plan, covers, plan};
use super::{
    Base, DirectiveSize, ENFORCE_HEADER, ForbiddenOutcome, FragmentDirective, GadgetFragment,
    GadgetPages, GenerateError, GenerateOptions, Generated, HeaderLine, LoadRef,
    REPORT_ONLY_HEADER, REPORTING_ENDPOINTS_HEADER, ReportTo, SourceNeed, Unrepresentable,
    UnrepresentableReason, source_sort_key,
};
use crate::directive::ResourceKind;
use crate::matching::{Request, Verdict};
use crate::policy::{DirectiveEntry, Policy};
use crate::source::{Keyword, SourceExpr};

/// The directives a load can need, in header order.
const ORDER: [Directive; 10] = [
    Directive::DefaultSrc,
    Directive::ScriptSrc,
    Directive::StyleSrc,
    Directive::ImgSrc,
    Directive::ConnectSrc,
    Directive::FontSrc,
    Directive::MediaSrc,
    Directive::FrameSrc,
    Directive::WorkerSrc,
    Directive::FormAction,
];

/// Generate the policy for `loads` (see the module docs).
pub fn generate(
    loads: &[ReportedLoad],
    options: &GenerateOptions,
) -> Result<Generated, GenerateError> {
    generate_from(loads.iter(), options)
}

/// The policy for the site and user scripts plus the `enabled` gadgets:
/// loads on pages of other gadgets are left out. Default gadgets are enabled
/// for everyone; the caller says which gadgets to count.
pub fn merged(
    loads: &[ReportedLoad],
    gadgets: &GadgetPages,
    enabled: &[String],
    options: &GenerateOptions,
) -> Result<Generated, GenerateError> {
    let kept = loads.iter().filter(|load| {
        let mut names = gadgets_of(gadgets, load).peekable();
        // a page in no gadget is a site or user script: always kept
        names.peek().is_none() || names.any(|n| enabled.iter().any(|e| e == n))
    });
    generate_from(kept, options)
}

/// For every gadget of `gadgets` (sorted by name), the sources its pages'
/// permitted loads need beyond the base.
pub fn per_gadget(
    loads: &[ReportedLoad],
    gadgets: &GadgetPages,
    options: &GenerateOptions,
) -> Vec<GadgetFragment> {
    let mut pages: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (title, names) in gadgets.pages() {
        for name in names {
            pages.entry(name).or_default().insert(title);
        }
    }
    let mut by_gadget: HashMap<&str, Vec<&ReportedLoad>> = HashMap::new();
    for load in loads {
        for name in gadgets_of(gadgets, load) {
            by_gadget.entry(name).or_default().push(load);
        }
    }
    pages
        .into_iter()
        .map(|(gadget, titles)| {
            let mine = by_gadget.remove(gadget).unwrap_or_default();
            let plan = plan(mine, &options.origin, &options.use_allow_patterns);
            let directives = ORDER
                .into_iter()
                .filter_map(|directive| {
                    let (_, needed) = lists(directive, &plan.permitted, options);
                    (!needed.is_empty()).then(|| FragmentDirective {
                        directive: directive.as_str().to_owned(),
                        sources: needed,
                    })
                })
                .collect();
            GadgetFragment {
                gadget: gadget.to_owned(),
                pages: titles.into_iter().map(str::to_owned).collect(),
                directives,
                not_representable: plan.not_representable,
                forbidden: plan.forbidden.into_iter().map(|(f, _)| f).collect(),
            }
        })
        .collect()
}

/// The gadgets whose page the load is on; none for other pages and for
/// files.
fn gadgets_of<'a>(gadgets: &'a GadgetPages, load: &ReportedLoad) -> impl Iterator<Item = &'a str> {
    load.source
        .title
        .as_deref()
        .into_iter()
        .flat_map(|title| gadgets.gadgets_of(title))
}

fn generate_from<'a>(
    loads: impl IntoIterator<Item = &'a ReportedLoad>,
    options: &GenerateOptions,
) -> Result<Generated, GenerateError> {
    let report_uri = options
        .report_uri
        .as_deref()
        .map(escape_report_uri)
        .transpose()?;
    if let Some(report_to) = &options.report_to {
        check_report_to(report_to)?;
    }
    let loads: Vec<&ReportedLoad> = loads.into_iter().collect();
    let forms = loads.iter().any(|l| l.directive == Directive::FormAction);
    let Plan {
        permitted,
        forbidden,
        mut not_representable,
    } = plan(loads, &options.origin, &options.use_allow_patterns);

    let mut policy = Policy::new();
    let mut bases: HashMap<&'static str, Vec<SourceExpr>> = HashMap::new();
    let mut sent: HashMap<Directive, Vec<SourceExpr>> = HashMap::new();
    for directive in ORDER {
        let (base, needed) = lists(directive, &permitted, options);
        let list: Vec<SourceExpr> = base.iter().chain(&needed).cloned().collect();
        let fallback = match directive {
            Directive::DefaultSrc => None,
            // form-action does not fall back: send it when forms were seen.
            Directive::FormAction => (!forms && needed.is_empty()).then(Vec::new),
            Directive::WorkerSrc => sent
                .get(&Directive::ScriptSrc)
                .or_else(|| sent.get(&Directive::DefaultSrc))
                .cloned(),
            _ => sent.get(&Directive::DefaultSrc).cloned(),
        };
        let omit = match (directive, &fallback) {
            (Directive::FormAction, fallback) => fallback.is_some(),
            (_, Some(fallback)) => same_effect(directive, &list, fallback),
            (_, None) => false,
        };
        if omit {
            continue;
        }
        bases.insert(directive.as_str(), base);
        policy = policy.with_directive(directive.as_str(), list.iter().cloned());
        sent.insert(directive, list);
    }
    if options.object_src_none {
        policy = policy.with_source("object-src", SourceExpr::NONE);
        bases.insert("object-src", vec![SourceExpr::NONE]);
    }
    if options.base_uri_self {
        policy = policy.with_source("base-uri", SourceExpr::SELF);
        bases.insert("base-uri", vec![SourceExpr::SELF]);
    }
    if let Some(uri) = report_uri {
        policy = policy.with_source("report-uri", SourceExpr::Raw(uri));
    }
    let mut extra_headers = Vec::new();
    if let Some(report_to) = &options.report_to {
        policy = policy.with_source("report-to", SourceExpr::Raw(report_to.group.clone()));
        extra_headers.push(HeaderLine {
            name: REPORTING_ENDPOINTS_HEADER.to_owned(),
            value: format!("{}=\"{}\"", report_to.group, report_to.url),
        });
    }

    // Check every load against the result: what allows it is `--explain`.
    let origin = &options.origin;
    let mut allowed_by: HashMap<(&'static str, SourceExpr), Vec<LoadRef>> = HashMap::new();
    for p in &permitted {
        let request = Request::url(origin.clone(), ResourceKind::from(p.load.directive), &p.url);
        match policy.check(&request) {
            Verdict::Allowed {
                directive, source, ..
            } => allowed_by
                .entry((directive, source))
                .or_default()
                .push(LoadRef::of(p.load)),
            Verdict::NotGoverned { .. } => {}
            Verdict::Blocked { .. } => not_representable.push(Unrepresentable {
                load: LoadRef::of(p.load),
                directive: p.load.directive,
                reason: UnrepresentableReason::NotAllowed,
            }),
        }
    }
    // A source no permitted load ends up allowed through (an `[[allow]]`
    // pattern whose hosts another source already covers) would only widen
    // the policy: drop it. Verdicts of permitted loads do not change, since
    // none matched it first.
    for entry in &mut policy.directives {
        let name = entry.name.clone();
        let base = bases.get(name.as_str());
        entry.sources.retain(|source| {
            let prunable = matches!(
                source,
                SourceExpr::Host(_) | SourceExpr::Scheme(_) | SourceExpr::Wildcard
            ) && !base.is_some_and(|b| b.contains(source));
            !prunable
                || allowed_by
                    .keys()
                    .any(|(directive, used)| *directive == name && used == source)
        });
    }
    let forbidden = forbidden
        .into_iter()
        .map(|(mut f, url)| {
            if let Some(url) = url {
                let kind = ResourceKind::from(f.directive);
                f.outcome = match policy.check(&Request::url(origin.clone(), kind, &url)) {
                    Verdict::Allowed {
                        directive, source, ..
                    } => ForbiddenOutcome::Allowed { directive, source },
                    Verdict::Blocked { .. } => ForbiddenOutcome::Blocked,
                    Verdict::NotGoverned { .. } => ForbiddenOutcome::NotGoverned,
                };
            }
            f
        })
        .collect();
    let allowed_by = &allowed_by;
    let needs = policy
        .directives
        .iter()
        .filter(|d| d.is_source_list())
        .flat_map(|d| {
            let base = bases.get(d.name.as_str());
            let key = ResourceKind::ALL
                .iter()
                .flat_map(|k| k.fallback_list())
                .copied()
                .find(|name| *name == d.name);
            d.sources.iter().map(move |source| SourceNeed {
                directive: d.name.clone(),
                source: source.to_string(),
                base: base.is_some_and(|b| b.contains(source)),
                loads: key
                    .and_then(|k| allowed_by.get(&(k, source.clone())))
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect();

    let header_name = if options.report_only {
        REPORT_ONLY_HEADER
    } else {
        ENFORCE_HEADER
    };
    let header_value = policy.to_string();
    let header = HeaderLine {
        name: header_name.to_owned(),
        value: header_value.clone(),
    };
    let size_bytes = header.size_bytes()
        + extra_headers
            .iter()
            .map(HeaderLine::size_bytes)
            .sum::<usize>();
    Ok(Generated {
        directive_sizes: directive_sizes(&policy),
        host_sources: policy
            .directives
            .iter()
            .flat_map(|d| &d.sources)
            .filter(|s| matches!(s, SourceExpr::Host(_)))
            .count(),
        policy,
        header_name: header_name.to_owned(),
        header_value,
        extra_headers,
        size_bytes,
        budget_bytes: options.budget_bytes,
        over_budget: options
            .budget_bytes
            .and_then(|budget| size_bytes.checked_sub(budget))
            .filter(|over| *over > 0),
        needs,
        not_representable,
        forbidden,
        report_to: options.report_to.clone(),
    })
}

/// The base of a directive and the sources its permitted loads need beyond
/// it: deduplicated, none covered by another, sorted (scheme-sources, then
/// host-sources by host).
fn lists(
    directive: Directive,
    permitted: &[Permitted<'_>],
    options: &GenerateOptions,
) -> (Vec<SourceExpr>, Vec<SourceExpr>) {
    let base = base_sources(options, directive);
    let mut wanted: Vec<&SourceExpr> = permitted
        .iter()
        .filter(|p| p.load.directive == directive)
        .map(|p| &p.source)
        .collect();
    wanted.sort_by_key(|s| source_sort_key(s));
    wanted.dedup();
    let scheme = options.origin.scheme.as_str();
    let mut needed: Vec<SourceExpr> = Vec::new();
    for source in wanted {
        if base
            .iter()
            .chain(&needed)
            .any(|k| covers(k, source, scheme))
        {
            continue;
        }
        needed.retain(|k| !covers(source, k, scheme));
        needed.push(source.clone());
    }
    needed.sort_by_key(source_sort_key);
    (base, needed)
}

/// What a directive allows before any load is looked at.
fn base_sources(options: &GenerateOptions, directive: Directive) -> Vec<SourceExpr> {
    let keyword = SourceExpr::Keyword;
    let scheme = |s: &str| SourceExpr::Scheme(s.to_owned());
    let mut list = vec![SourceExpr::SELF];
    if options.base == Base::MediaWiki {
        match directive {
            Directive::ScriptSrc => list.extend([
                keyword(Keyword::UnsafeEval),
                keyword(Keyword::UnsafeInline),
                scheme("blob"),
            ]),
            Directive::StyleSrc => {
                list.extend([
                    keyword(Keyword::UnsafeInline),
                    scheme("blob"),
                    scheme("data"),
                ]);
            }
            Directive::ImgSrc => list.extend([scheme("blob"), scheme("data")]),
            Directive::WorkerSrc => list.push(scheme("blob")),
            _ => {}
        }
    }
    if directive != Directive::FormAction {
        for host in &options.wiki_hosts {
            let host = SourceExpr::Host(host.clone());
            if !list.contains(&host) {
                list.push(host);
            }
        }
    }
    list
}

/// Would a directive with `list` decide its requests as `fallback` does?
/// Scripts and styles compare every source (inline code and `eval` depend
/// on keywords); other kinds compare the sources that match URLs.
fn same_effect(directive: Directive, list: &[SourceExpr], fallback: &[SourceExpr]) -> bool {
    let relevant = |sources: &[SourceExpr]| -> BTreeSet<SourceExpr> {
        sources
            .iter()
            .filter(|s| {
                matches!(directive, Directive::ScriptSrc | Directive::StyleSrc) || s.is_url_source()
            })
            .cloned()
            .collect()
    };
    relevant(list) == relevant(fallback)
}

fn directive_sizes(policy: &Policy) -> Vec<DirectiveSize> {
    policy
        .directives
        .iter()
        .enumerate()
        .map(|(i, d): (usize, &DirectiveEntry)| DirectiveSize {
            directive: d.name.clone(),
            bytes: d.to_string().len() + if i == 0 { 0 } else { 2 },
            sources: d
                .sources
                .iter()
                .filter(|s| matches!(s, SourceExpr::Host(_) | SourceExpr::Scheme(_)))
                .count(),
        })
        .collect()
}

/// CSP3 §2.2: `;` and `,` end a directive and a policy, so a report URL
/// carries them percent-encoded (as MediaWiki writes them).
fn escape_report_uri(uri: &str) -> Result<String, GenerateError> {
    let fail = |reason: &str| GenerateError::ReportUri {
        uri: uri.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = uri.trim();
    if trimmed.is_empty() {
        return Err(fail("it is empty"));
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_whitespace() || c.is_ascii_control())
    {
        return Err(fail(&format!(
            "`{}` cannot be in a header value; percent-encode it",
            c.escape_debug()
        )));
    }
    Ok(trimmed.replace(';', "%3B").replace(',', "%2C"))
}

/// The group is a CSP token and a structured-field key (RFC 8941: lower
/// case); the URL goes inside an sf-string.
fn check_report_to(report_to: &ReportTo) -> Result<(), GenerateError> {
    let group = &report_to.group;
    let group_ok = group.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && group
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !group_ok {
        return Err(GenerateError::ReportToGroup {
            group: group.clone(),
            reason: "use lower-case letters, digits, `-` and `_`, starting with a letter"
                .to_owned(),
        });
    }
    let url = &report_to.url;
    let fail = |reason: String| GenerateError::ReportToUrl {
        url: url.clone(),
        reason,
    };
    if let Some(c) = url
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_whitespace() || c.is_ascii_control())
    {
        return Err(fail(format!(
            "`{}` cannot be in a header value; percent-encode it",
            c.escape_debug()
        )));
    }
    if url.contains(['"', '\\']) {
        return Err(fail(
            "`\"` and `\\` cannot be in a Reporting-Endpoints URL".to_owned(),
        ));
    }
    url::Url::parse(url)
        .map(|_| ())
        .map_err(|e| fail(format!("not an absolute URL ({e})")))
}
