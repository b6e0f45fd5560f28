//! What changes between two policy sets: per directive (sources added and
//! removed), per kind of request (which directive now governs it), per
//! capability (inline code, eval), and per load a scan found (what the new
//! policy newly blocks or allows).

pub(crate) mod render;

use std::collections::{BTreeMap, HashSet};

use offsite_model::{DYNAMIC, Directive, ReportedLoad, Source, WIKI_SERVER};
use serde::Serialize;

use crate::directive::ResourceKind;
use crate::matching::{Origin, Request, Verdict, check_all};
use crate::policy::{DirectiveEntry, Policy};
use crate::source::SourceExpr;

/// How a directive changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    /// The name in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed => "changed",
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A directive that differs between the old and the new policy at the same
/// position in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectiveChange {
    /// Index of the policy in the header (0 for the first).
    pub policy: usize,
    pub directive: String,
    pub change: ChangeKind,
    /// In the new policy's order.
    pub added: Vec<SourceExpr>,
    /// In the old policy's order.
    pub removed: Vec<SourceExpr>,
}

/// A kind of request whose governing directive, or that directive's
/// sources, changed (`img-src` added: images no longer fall back to
/// `default-src`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindChange {
    pub policy: usize,
    pub kind: ResourceKind,
    /// The directive that governed it; `None` = not governed.
    pub old_directive: Option<&'static str>,
    pub new_directive: Option<&'static str>,
    /// The governing directive is the same but lists other sources.
    pub sources_changed: bool,
}

/// Something a page can do without fetching a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// `<script>` without nonce or hash.
    InlineScript,
    /// `onclick=""` and `javascript:` URLs.
    InlineScriptAttribute,
    /// `<style>` without nonce or hash.
    InlineStyle,
    /// `style=""`.
    InlineStyleAttribute,
    Eval,
    WasmEval,
}

impl Capability {
    pub const ALL: [Self; 6] = [
        Self::InlineScript,
        Self::InlineScriptAttribute,
        Self::InlineStyle,
        Self::InlineStyleAttribute,
        Self::Eval,
        Self::WasmEval,
    ];

    /// The name in JSON and text output (`inline-script`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InlineScript => "inline-script",
            Self::InlineScriptAttribute => "inline-script-attribute",
            Self::InlineStyle => "inline-style",
            Self::InlineStyleAttribute => "inline-style-attribute",
            Self::Eval => "eval",
            Self::WasmEval => "wasm-eval",
        }
    }

    fn request(self, origin: Origin) -> Request {
        match self {
            Self::InlineScript => Request::inline(origin, ResourceKind::ScriptElem),
            Self::InlineScriptAttribute => Request::inline(origin, ResourceKind::ScriptAttr),
            Self::InlineStyle => Request::inline(origin, ResourceKind::StyleElem),
            Self::InlineStyleAttribute => Request::inline(origin, ResourceKind::StyleAttr),
            Self::Eval => Request::eval(origin),
            Self::WasmEval => Request::wasm_eval(origin),
        }
    }
}

impl std::fmt::Display for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A capability the whole policy set grants or withdraws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapabilityChange {
    pub capability: Capability,
    pub old: bool,
    pub new: bool,
}

/// Everything that differs between two policy sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PolicyDiff {
    pub directives: Vec<DirectiveChange>,
    pub kinds: Vec<KindChange>,
    pub capabilities: Vec<CapabilityChange>,
}

impl PolicyDiff {
    /// Nothing changed (as far as directives, kinds and capabilities go).
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty() && self.kinds.is_empty() && self.capabilities.is_empty()
    }
}

/// Compare two policy sets, policy by policy in header order (a policy
/// only one side has counts as all its directives added or removed).
pub fn diff(old: &[Policy], new: &[Policy]) -> PolicyDiff {
    let empty = Policy::default();
    let mut out = PolicyDiff::default();
    for index in 0..old.len().max(new.len()) {
        let before = old.get(index).unwrap_or(&empty);
        let after = new.get(index).unwrap_or(&empty);
        diff_directives(index, before, after, &mut out.directives);
        for kind in ResourceKind::ALL {
            let was = before.governing_directive(kind);
            let now = after.governing_directive(kind);
            let old_directive = governing_name(kind, was);
            let new_directive = governing_name(kind, now);
            let sources_changed = match (was, now) {
                (Some(a), Some(b)) => !same_sources(a, b),
                _ => false,
            };
            if old_directive != new_directive || sources_changed {
                out.kinds.push(KindChange {
                    policy: index,
                    kind,
                    old_directive,
                    new_directive,
                    sources_changed: old_directive == new_directive && sources_changed,
                });
            }
        }
    }
    // The origin does not matter: these requests fetch no URL.
    let origin = Origin::https("example.invalid");
    for capability in Capability::ALL {
        let request = capability.request(origin.clone());
        let was = check_all(old, &request).is_allowed();
        let now = check_all(new, &request).is_allowed();
        if was != now {
            out.capabilities.push(CapabilityChange {
                capability,
                old: was,
                new: now,
            });
        }
    }
    out
}

fn diff_directives(index: usize, before: &Policy, after: &Policy, out: &mut Vec<DirectiveChange>) {
    for entry in &before.directives {
        match after.directive(&entry.name) {
            None => out.push(DirectiveChange {
                policy: index,
                directive: entry.name.clone(),
                change: ChangeKind::Removed,
                added: Vec::new(),
                removed: entry.sources.clone(),
            }),
            Some(now) => {
                let added = missing_from(&now.sources, &entry.sources);
                let removed = missing_from(&entry.sources, &now.sources);
                if !added.is_empty() || !removed.is_empty() {
                    out.push(DirectiveChange {
                        policy: index,
                        directive: entry.name.clone(),
                        change: ChangeKind::Changed,
                        added,
                        removed,
                    });
                }
            }
        }
    }
    for entry in &after.directives {
        if !before.has(&entry.name) {
            out.push(DirectiveChange {
                policy: index,
                directive: entry.name.clone(),
                change: ChangeKind::Added,
                added: entry.sources.clone(),
                removed: Vec::new(),
            });
        }
    }
}

/// The sources of `these` that `others` lacks, in `these`' order.
fn missing_from(these: &[SourceExpr], others: &[SourceExpr]) -> Vec<SourceExpr> {
    let others: HashSet<&SourceExpr> = others.iter().collect();
    these
        .iter()
        .filter(|s| !others.contains(s))
        .cloned()
        .collect()
}

fn same_sources(a: &DirectiveEntry, b: &DirectiveEntry) -> bool {
    let a: HashSet<&SourceExpr> = a.sources.iter().collect();
    let b: HashSet<&SourceExpr> = b.sources.iter().collect();
    a == b
}

/// The fallback-list name of the directive that governs `kind` (static, so
/// verdicts and diffs share it).
fn governing_name(kind: ResourceKind, entry: Option<&DirectiveEntry>) -> Option<&'static str> {
    let entry = entry?;
    kind.fallback_list()
        .iter()
        .copied()
        .find(|name| *name == entry.name)
}

/// Where a load is in the scanned code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadPlace {
    pub source: Source,
    pub line: u32,
}

/// A URL and directive whose verdict differs between the policy sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadChange {
    /// As the scan wrote it (`${wgServer}` kept); for a load with no URL
    /// from the wiki itself, the page title or module names it loads.
    pub url: String,
    pub directive: Directive,
    pub old: Verdict,
    pub new: Verdict,
    /// Every place that makes this load, in scan order.
    pub places: Vec<LoadPlace>,
}

/// Why a load could not be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownReason {
    /// The scan found no URL (a ResourceLoader module name, say).
    NoUrl,
    /// Part of the URL is only known at run time (`${…}`).
    DynamicUrl,
    /// The URL does not parse against the page origin.
    InvalidUrl,
}

/// Loads whose verdict cannot be known from the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownLoad {
    pub url: Option<String>,
    pub directive: Directive,
    pub reason: UnknownReason,
    pub places: Vec<LoadPlace>,
}

/// What the new policy set does to the loads a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadDiff {
    /// Allowed (or not governed) before, blocked now.
    pub newly_blocked: Vec<LoadChange>,
    /// Blocked before, allowed now.
    pub newly_allowed: Vec<LoadChange>,
    /// Not checked: no URL, or a URL with run-time parts.
    pub unknown: Vec<UnknownLoad>,
    /// Distinct (URL, directive) pairs whose verdict did not change.
    pub unchanged: usize,
}

/// The scan position of a group's first load, and every place of the group.
type Group = (usize, Vec<LoadPlace>);

/// Check every load against both policy sets on a page of `origin`. Loads
/// are grouped by URL and directive and read by [`load_target`], as
/// `evaluate` reads them: `${wgServer}` at the start of a URL is the page
/// origin, other `${wg…}` values are paths on it, a URL starting `${…}//`
/// (the scheme is a run-time value) is protocol-relative, and a same-wiki
/// page or module load with no URL is checked against the origin.
pub fn diff_loads(
    old: &[Policy],
    new: &[Policy],
    loads: &[ReportedLoad],
    origin: &Origin,
) -> LoadDiff {
    // (URL as written, or a same-wiki load's label; directive) → the URL to
    // check, and the group.
    let mut checked: BTreeMap<(String, Directive), (String, Group)> = BTreeMap::new();
    let mut unknown: BTreeMap<(Option<String>, Directive, UnknownReason), Group> = BTreeMap::new();
    for (order, load) in loads.iter().enumerate() {
        let place = LoadPlace {
            source: load.source.clone(),
            line: load.line,
        };
        match load_target(load, origin) {
            Ok((written, concrete)) => {
                let slot = checked
                    .entry((written, load.directive))
                    .or_insert_with(|| (concrete, (order, Vec::new())));
                slot.1.1.push(place);
            }
            Err(reason) => {
                let slot = unknown
                    .entry((load.url.clone(), load.directive, reason))
                    .or_insert_with(|| (order, Vec::new()));
                slot.1.push(place);
            }
        }
    }
    let mut out = LoadDiff::default();
    let mut changes: Vec<(usize, bool, LoadChange)> = Vec::new();
    for ((url, directive), (concrete, (order, places))) in checked {
        let request = Request::url(origin.clone(), ResourceKind::from(directive), &concrete);
        let before = check_all(old, &request);
        let after = check_all(new, &request);
        if before.is_allowed() == after.is_allowed() {
            out.unchanged += 1;
            continue;
        }
        let blocked = after.is_blocked();
        changes.push((
            order,
            blocked,
            LoadChange {
                url,
                directive,
                old: before,
                new: after,
                places,
            },
        ));
    }
    // Scan order (first place of each group), not alphabetical.
    changes.sort_by_key(|(order, _, _)| *order);
    for (_, blocked, change) in changes {
        if blocked {
            out.newly_blocked.push(change);
        } else {
            out.newly_allowed.push(change);
        }
    }
    let mut unknown: Vec<_> = unknown.into_iter().collect();
    unknown.sort_by_key(|(_, (order, _))| *order);
    out.unknown = unknown
        .into_iter()
        .map(|((url, directive, reason), (_, places))| UnknownLoad {
            url,
            directive,
            reason,
            places,
        })
        .collect();
    out
}

/// What a load with no URL fetches from the wiki itself, for checking: a
/// ResourceLoader module comes from `load.php`, `importScript('Title')`
/// from `index.php?action=raw`, both on the page's origin (checked as its
/// root, since the script path is not known; `'self'` and origin sources
/// decide it, as `generate` writes them). The label names the load for
/// reports: the page title, or the module names. `None` for a load that
/// names neither.
fn same_wiki_target(load: &ReportedLoad, origin: &Origin) -> Option<(String, String)> {
    let label = match (&load.page, load.modules.is_empty()) {
        (Some(page), _) => page.clone(),
        (None, false) => load.modules.join(","),
        (None, true) => return None,
    };
    Some((label, format!("{origin}/")))
}

/// A scanned load as (what to call it: the URL as written, or a same-wiki
/// load's label; the absolute URL to check), or why it cannot be checked.
/// `diff_loads` and `evaluate` read loads through this one function.
pub(crate) fn load_target(
    load: &ReportedLoad,
    origin: &Origin,
) -> Result<(String, String), UnknownReason> {
    match load.url.as_deref() {
        None => same_wiki_target(load, origin).ok_or(UnknownReason::NoUrl),
        Some(url) => concrete_url(url, origin).map(|concrete| (url.to_owned(), concrete)),
    }
}

/// The absolute URL to check for a URL as the scan wrote it, or why there
/// is none. `${wgServer}` is the page origin; other `${wg…}` values
/// (`${wgScript}`) are paths on it, read as the origin's root since the
/// path is unknown; `${…}//host/x` (the scheme is a run-time value) is
/// protocol-relative.
fn concrete_url(url: &str, origin: &Origin) -> Result<String, UnknownReason> {
    let url = url.trim();
    let url = if let Some(rest) = url.strip_prefix(WIKI_SERVER) {
        format!("{origin}{rest}")
    } else if url.starts_with("${wg") {
        let rest = url.find('}').map_or("", |end| &url[end + 1..]);
        format!("{origin}/{}", rest.trim_start_matches('/'))
    } else if let Some(rest) = url.strip_prefix(DYNAMIC).filter(|r| r.starts_with("//")) {
        rest.to_owned()
    } else {
        url.to_owned()
    };
    if url.contains("${") {
        return Err(UnknownReason::DynamicUrl);
    }
    origin
        .base()
        .and_then(|base| base.join(&url).ok())
        .map(String::from)
        .ok_or(UnknownReason::InvalidUrl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_as_scans_write_them() {
        let origin = Origin::https("en.wikipedia.org");
        let ok = |u: &str| concrete_url(u, &origin).unwrap_or_else(|e| panic!("{u}: {e:?}"));
        assert_eq!(ok("${wgServer}/w/x.js"), "https://en.wikipedia.org/w/x.js");
        assert_eq!(
            ok("${wgScript}?title=X"),
            "https://en.wikipedia.org/?title=X"
        );
        assert_eq!(
            ok("${…}//cdn.example.org/a.js"),
            "https://cdn.example.org/a.js"
        );
        assert_eq!(ok("//cdn.example.org/a.js"), "https://cdn.example.org/a.js");
        assert_eq!(ok("/w/index.php"), "https://en.wikipedia.org/w/index.php");
        assert_eq!(
            concrete_url("https://${…}/x.js", &origin),
            Err(UnknownReason::DynamicUrl)
        );
        assert_eq!(
            concrete_url("https://exa mple.org:99999/", &origin),
            Err(UnknownReason::InvalidUrl)
        );
    }
}
