//! Attribution: which gadget, user script or site script is behind a report.
//!
//! Browsers do not say: Chromium's `source-file` is `…/load.php` or
//! `…/index.php` without its query, and its line points into ResourceLoader
//! or jQuery. So a report is matched against the loads a scan found
//! ([`ReportedLoad`]s), by the blocked URL first. Methods, strongest first;
//! the first that finds anything decides, weaker ones are not consulted:
//!
//! | method | what matches | confidence |
//! | --- | --- | --- |
//! | `exact-url` | the blocked URL equals the load's URL (both stripped of query and fragment; a protocol-relative load takes the document's scheme) | [`EXACT_URL`] |
//! | `source-file` | the report's source file is a script some page loads (a library that then fetched, evaluated or injected something) | [`SOURCE_FILE`] |
//! | `pattern` | the load's URL has run-time parts (`https://maps.example.org/tile/${…}.png`), its host is known and its literal parts match in order | [`PATTERN`] |
//! | `origin-path` | same origin, and the load's directory is a prefix of the blocked path | [`ORIGIN_PATH`] |
//! | `host` | same host | [`HOST`] |
//! | `dynamic-host` | the load's host is a run-time value (`https://${…}/x.js`) and its literal path matches | [`DYNAMIC_HOST`] |
//!
//! Only loads whose directive is compatible with the report's count
//! (`script-src-elem` ↔ `script-src`, `style-src-elem` ↔ `style-src`,
//! `connect-src`, `img-src`, ...; see [`compatible`]). When the source file
//! is the wiki's `load.php` (ResourceLoader: gadgets, site and user scripts)
//! or `index.php` (`action=raw`: `importScript`ed pages), a candidate whose
//! page is known to be delivered the other way gets [`DELIVERY_MISMATCH`]
//! times the confidence. When several pages match, all are returned and the
//! confidence is shared: divided by the number of pages. Loads from the
//! report's own wiki are preferred over loads known to be from another.

use std::collections::{HashMap, HashSet};

use offsite_model::{Directive, ReportedLoad, split_url};
use url::Url;

mod target;

use target::{Target, authority, glob_match, key_of, target_of};

use crate::report::{Attribution, AttributionMethod, Blocked, NormalizedReport};

/// Confidence of an `exact-url` match.
pub const EXACT_URL: f64 = 1.0;
/// Confidence of a `source-file` match.
pub const SOURCE_FILE: f64 = 0.9;
/// Confidence of a `pattern` match (run-time URL, known host).
pub const PATTERN: f64 = 0.75;
/// Confidence of an `origin-path` match.
pub const ORIGIN_PATH: f64 = 0.6;
/// Confidence of a `host` match.
pub const HOST: f64 = 0.4;
/// Confidence of a `dynamic-host` match (run-time host, literal path).
pub const DYNAMIC_HOST: f64 = 0.2;
/// Factor for a page delivered another way than the source file says.
pub const DELIVERY_MISMATCH: f64 = 0.5;

/// Skin and global user scripts ResourceLoader serves from `load.php`.
const USER_RL_SCRIPTS: &[&str] = &[
    "/common.js",
    "/global.js",
    "/vector.js",
    "/vector-2022.js",
    "/monobook.js",
    "/timeless.js",
    "/minerva.js",
    "/modern.js",
    "/cologneblue.js",
];

pub use offsite_model::GadgetPages;

fn page_key(title: &str) -> String {
    offsite_model::clean_title_spaces(title)
}

#[derive(Debug, Clone)]
struct Entry {
    page: String,
    gadgets: Vec<String>,
    url: Option<String>,
    line: u32,
    directive: Directive,
    wiki_host: Option<String>,
    target: Target,
    /// The page is served by ResourceLoader (`load.php`) / by
    /// `action=raw` (`index.php`), as far as the index knows.
    via_load_php: bool,
    via_index_php: bool,
}

/// The loads of a scan, indexed for matching reports. Build once per scan.
#[derive(Debug, Clone, Default)]
pub struct AttributionIndex {
    entries: Vec<Entry>,
    exact: HashMap<String, Vec<usize>>,
    by_host: HashMap<String, Vec<usize>>,
    patterns: Vec<usize>,
}

impl AttributionIndex {
    /// Index `loads`. Loads on the wiki itself (relative URLs, `${wgServer}`…)
    /// and loads with neither URL nor host are left out: a report's blocked
    /// URL never names them.
    pub fn from_loads(loads: &[ReportedLoad], gadgets: &GadgetPages) -> Self {
        let imported: HashSet<String> = loads
            .iter()
            .filter_map(|l| l.page.as_deref().map(page_key))
            .collect();
        let mut index = Self::default();
        for load in loads {
            let Some(target) = target_of(load) else {
                continue;
            };
            let page = load
                .source
                .title
                .as_deref()
                .map_or_else(|| load.source.display_name(), page_key);
            let gadget_names: Vec<String> = gadgets.gadgets_of(&page).map(str::to_owned).collect();
            let title = load.source.title.as_deref().map(page_key);
            let via_load_php = !gadget_names.is_empty()
                || title.as_deref().is_some_and(|t| {
                    t.starts_with("MediaWiki:")
                        || (t.starts_with("User:")
                            && USER_RL_SCRIPTS.iter().any(|s| t.ends_with(s)))
                });
            let via_index_php = title.as_deref().is_some_and(|t| imported.contains(t));
            let host = match &target {
                Target::Pattern { host: Some(h), .. } => Some(h.clone()),
                _ => load
                    .host
                    .clone()
                    .or_else(|| split_url(load.url.as_deref()?).host),
            }
            .map(|h| h.to_ascii_lowercase());
            let entry = Entry {
                page,
                gadgets: gadget_names,
                url: load.url.clone(),
                line: load.line,
                directive: load.directive,
                wiki_host: load.source.wiki.as_deref().and_then(wiki_host),
                target,
                via_load_php,
                via_index_php,
            };
            let i = index.entries.len();
            match &entry.target {
                Target::Exact { key, .. } => index.exact.entry(key.clone()).or_default().push(i),
                Target::Pattern { .. } => index.patterns.push(i),
                Target::Host => {}
            }
            if let Some(h) = host {
                index.by_host.entry(h).or_default().push(i);
            }
            index.entries.push(entry);
        }
        index
    }

    /// How many loads are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every host a load reaches, lower-case, sorted: what
    /// `NoiseFilter::with_known_hosts` wants.
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = self.by_host.keys().cloned().collect();
        hosts.sort();
        hosts
    }

    /// The pages behind a report, best first. Empty when nothing matches.
    pub fn attribute(&self, r: &NormalizedReport) -> Vec<Attribution> {
        let doc_scheme = Url::parse(&r.document).ok().map(|u| u.scheme().to_owned());
        let blocked = match &r.blocked {
            Blocked::Url(u) => Url::parse(u).ok(),
            _ => None,
        };
        let compatible_here = |i: &usize| compatible(&r.directive, self.entries[*i].directive);
        let mut levels: Vec<(AttributionMethod, f64, Vec<usize>)> = Vec::new();
        if let Some(b) = &blocked {
            let key = key_of(b);
            let host = b.host_str().unwrap_or("").to_ascii_lowercase();
            let scheme_ok = |i: usize| match &self.entries[i].target {
                Target::Exact { scheme, .. } => scheme
                    .as_deref()
                    .or(doc_scheme.as_deref())
                    .is_none_or(|s| s == b.scheme()),
                _ => true,
            };
            let on_host = self.by_host.get(&host).map_or(&[][..], Vec::as_slice);
            levels.push((
                AttributionMethod::ExactUrl,
                EXACT_URL,
                self.exact
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|i| scheme_ok(*i) && compatible_here(i))
                    .collect(),
            ));
            levels.push((
                AttributionMethod::SourceFile,
                SOURCE_FILE,
                self.by_source_file(r, doc_scheme.as_deref()),
            ));
            levels.push((
                AttributionMethod::Pattern,
                PATTERN,
                self.patterns
                    .iter()
                    .copied()
                    .filter(|i| compatible_here(i) && self.pattern_matches(*i, &key, true))
                    .collect(),
            ));
            levels.push((
                AttributionMethod::OriginPath,
                ORIGIN_PATH,
                on_host
                    .iter()
                    .copied()
                    .filter(|i| {
                        compatible_here(i)
                            && scheme_ok(*i)
                            && match &self.entries[*i].target {
                                Target::Exact { key: k, dir, .. } => {
                                    authority(k) == authority(&key) && key.starts_with(dir.as_str())
                                }
                                _ => false,
                            }
                    })
                    .collect(),
            ));
            levels.push((
                AttributionMethod::Host,
                HOST,
                on_host.iter().copied().filter(compatible_here).collect(),
            ));
            levels.push((
                AttributionMethod::DynamicHost,
                DYNAMIC_HOST,
                self.patterns
                    .iter()
                    .copied()
                    .filter(|i| compatible_here(i) && self.pattern_matches(*i, &key, false))
                    .collect(),
            ));
        } else {
            levels.push((
                AttributionMethod::SourceFile,
                SOURCE_FILE,
                self.by_source_file(r, doc_scheme.as_deref()),
            ));
        }
        let Some((method, base, found)) = levels.into_iter().find(|(_, _, f)| !f.is_empty()) else {
            return Vec::new();
        };
        self.rank(r, method, base, found)
    }

    /// Loads of scripts equal to the report's source file, when that file is
    /// not the wiki's own `load.php` / `index.php`.
    fn by_source_file(&self, r: &NormalizedReport, doc_scheme: Option<&str>) -> Vec<usize> {
        let Some(sf) = r.source_file.as_deref().and_then(|s| Url::parse(s).ok()) else {
            return Vec::new();
        };
        if delivery(r).is_some() {
            return Vec::new();
        }
        self.exact
            .get(&key_of(&sf))
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| {
                let e = &self.entries[*i];
                let scheme_ok = match &e.target {
                    Target::Exact { scheme, .. } => scheme
                        .as_deref()
                        .or(doc_scheme)
                        .is_none_or(|s| s == sf.scheme()),
                    _ => false,
                };
                scheme_ok && matches!(e.directive, Directive::ScriptSrc | Directive::WorkerSrc)
            })
            .collect()
    }

    /// Does the pattern entry `i` match `key` (`host[:port]/path`)? With
    /// `known_host`, only entries whose host is known; without, only those
    /// whose host is a run-time value.
    fn pattern_matches(&self, i: usize, key: &str, known_host: bool) -> bool {
        let Target::Pattern {
            host,
            parts,
            anchored_start,
            anchored_end,
        } = &self.entries[i].target
        else {
            return false;
        };
        if host.is_some() != known_host {
            return false;
        }
        if let Some(h) = host
            && authority(key).split(':').next() != Some(h.as_str())
        {
            return false;
        }
        if !known_host && parts.iter().map(String::len).sum::<usize>() < 3 {
            // `https://${…}/${…}` says nothing.
            return false;
        }
        glob_match(parts, *anchored_start, *anchored_end, key)
    }

    fn rank(
        &self,
        r: &NormalizedReport,
        method: AttributionMethod,
        base: f64,
        mut found: Vec<usize>,
    ) -> Vec<Attribution> {
        // Prefer loads from the report's own wiki.
        if let Some(doc_host) = &r.document_host
            && found
                .iter()
                .any(|i| self.entries[*i].wiki_host.as_deref() == Some(doc_host))
        {
            found.retain(|i| {
                self.entries[*i]
                    .wiki_host
                    .as_ref()
                    .is_none_or(|w| w == doc_host)
            });
        }
        let delivery = delivery(r);
        // Best load per page: delivered as the source file says, then the
        // first line.
        let mut best: HashMap<&str, (bool, usize)> = HashMap::new();
        for i in found {
            let e = &self.entries[i];
            let mismatch = match delivery {
                Some(Delivery::LoadPhp) => !e.via_load_php && e.via_index_php,
                Some(Delivery::IndexPhp) => !e.via_index_php && e.via_load_php,
                None => false,
            };
            let slot = best.entry(e.page.as_str()).or_insert((mismatch, i));
            if (mismatch, e.line) < (slot.0, self.entries[slot.1].line) {
                *slot = (mismatch, i);
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "a handful of pages")]
        let pages = best.len() as f64;
        let mut out = Vec::new();
        for (mismatch, i) in best.into_values() {
            let e = &self.entries[i];
            let factor = if mismatch { DELIVERY_MISMATCH } else { 1.0 };
            let confidence = (base * factor / pages * 1000.0).round() / 1000.0;
            let gadgets: Vec<Option<String>> = if e.gadgets.is_empty() {
                vec![None]
            } else {
                e.gadgets.iter().cloned().map(Some).collect()
            };
            for gadget in gadgets {
                out.push(Attribution {
                    page: e.page.clone(),
                    gadget,
                    url: e.url.clone(),
                    line: Some(e.line),
                    method,
                    confidence,
                });
            }
        }
        out.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then_with(|| a.page.cmp(&b.page))
                .then_with(|| a.gadget.cmp(&b.gadget))
                .then_with(|| a.line.cmp(&b.line))
        });
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    LoadPhp,
    IndexPhp,
}

/// What the source file says about how the script was served.
fn delivery(r: &NormalizedReport) -> Option<Delivery> {
    let path = r
        .source_file
        .as_deref()
        .and_then(|s| Url::parse(s).ok())?
        .path()
        .to_owned();
    if path.ends_with("/load.php") {
        Some(Delivery::LoadPhp)
    } else if path.ends_with("/index.php") {
        Some(Delivery::IndexPhp)
    } else {
        None
    }
}

/// Is a load with directive `load` something a report on `report` can be
/// about? `default-src` on either side matches everything; unknown report
/// directives match nothing.
pub fn compatible(report: &str, load: Directive) -> bool {
    use Directive as D;
    if load == D::DefaultSrc {
        return true;
    }
    match report {
        "" | "default-src" => true,
        "script-src" | "script-src-elem" | "script-src-attr" => load == D::ScriptSrc,
        "style-src" | "style-src-elem" | "style-src-attr" => load == D::StyleSrc,
        "connect-src" => load == D::ConnectSrc,
        "img-src" => load == D::ImgSrc,
        "font-src" => load == D::FontSrc,
        "media-src" => load == D::MediaSrc,
        "frame-src" => load == D::FrameSrc,
        // child-src governs frames and workers; worker-src falls back to
        // script-src.
        "child-src" => matches!(load, D::FrameSrc | D::WorkerSrc),
        "worker-src" => matches!(load, D::WorkerSrc | D::ScriptSrc),
        "form-action" => load == D::FormAction,
        _ => false,
    }
}

/// The host of `Source::wiki` when it is a URL or a host name (not a
/// database name such as `enwiki`).
fn wiki_host(wiki: &str) -> Option<String> {
    if wiki.contains("://") {
        return Url::parse(wiki)
            .ok()?
            .host_str()
            .map(str::to_ascii_lowercase);
    }
    wiki.contains('.').then(|| wiki.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests;
