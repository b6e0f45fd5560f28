//! The per-source pipeline: classify each load, run the selected rules, then
//! apply the allowlist, exemptions and `offsite-ignore` comments.

use std::fmt::Write as _;
use std::path::Path;

use jiff::civil::Date;
use offsite_classify::{Classifier, HostSource, PAGE_SCHEME};
use offsite_detect::Detection;
use offsite_model::{
    Diagnostic, DiagnosticKind, Finding, Language, LineIndex, Load, ReportedLoad, Source,
};
use sha2::{Digest, Sha256};

use crate::rule::{Context, Rule};
use crate::rules;
use crate::settings::{ConfigError, ExemptTarget, Exemption, Settings};
use crate::suppression::{self, Scope};

/// What checking one source produced.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub loads: Vec<ReportedLoad>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings hidden by `offsite-ignore` comments.
    pub suppressed: usize,
}

/// Runs the rule catalogue with one policy. Build once, check many sources.
pub struct Linter {
    settings: Settings,
    classifier: Classifier,
    today: Date,
}

impl Linter {
    pub fn new(settings: Settings) -> Result<Self, ConfigError> {
        let classifier = Classifier::new(&settings.tiers)?;
        // UTC, so that a CI run and a laptop agree on which exemptions expired.
        let today = jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        Ok(Self {
            settings,
            classifier,
            today,
        })
    }

    /// Judge exemption expiry as of `today` instead of the real date.
    #[must_use]
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = today;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Detect, classify and judge the loads of one source.
    pub fn check(&self, source: &Source, text: &str, language: Language) -> FileReport {
        let detection = offsite_detect::detect(text, language, &self.settings.detect);
        self.check_detection(source, text, language, detection)
    }

    /// The detection options of the policy, for callers that run detection
    /// themselves (a cross-file scan's two passes) and hand the result to
    /// [`Linter::check_detection`].
    pub fn detect_options(&self) -> &offsite_detect::Options {
        &self.settings.detect
    }

    /// [`Linter::check`] after detection: for callers (and tests) that have
    /// the loads already.
    pub fn check_detection(
        &self,
        source: &Source,
        text: &str,
        language: Language,
        detection: Detection,
    ) -> FileReport {
        let index = LineIndex::new(text);
        let offset = |o: usize| u32::try_from(o).unwrap_or(u32::MAX);
        let position = |o: u32| index.position(text, o);
        let mut report = FileReport::default();
        for error in &detection.errors {
            let at = position(error.start);
            report.diagnostics.push(diagnostic(
                source,
                Some(at.line),
                Some(at.column),
                DiagnosticKind::SyntaxError,
                &error.message,
            ));
        }

        let mut loads: Vec<ReportedLoad> = Vec::with_capacity(detection.loads.len());
        let mut fingerprints = Fingerprints::default();
        for load in detection.loads {
            let class = self.classifier.classify(&load);
            let ctx = Context {
                load: &load,
                tier: class.tier,
                entity: class.entity.as_deref(),
                source,
            };
            let start = position(load.start);
            let end = position(load.end.max(load.start));
            let snippet = index
                .line_text(text, start.line)
                .map(|line| snippet_of(text, line, &load));
            let mut findings = self.judge(&ctx);
            for f in &mut findings {
                f.fingerprint = Some(fingerprints.next(f, source, &load, snippet.as_deref()));
            }
            loads.push(reported(
                source,
                load,
                class.tier,
                class.entity,
                start,
                end,
                snippet,
                findings,
            ));
        }

        let (mut suppressions, invalid) =
            suppression::scan(text, language, |o| position(offset(o)).line);
        for bad in invalid {
            let at = position(offset(bad.offset));
            report.diagnostics.push(diagnostic(
                source,
                Some(at.line),
                Some(at.column),
                DiagnosticKind::InvalidSuppression,
                &bad.message,
            ));
        }
        // One flag per (suppression, code) pair: unused ones are reported.
        let mut used: Vec<Vec<bool>> = suppressions
            .iter()
            .map(|s| vec![false; s.codes.as_ref().map_or(1, Vec::len)])
            .collect();
        for load in &mut loads {
            load.findings.retain(|finding| {
                for (s, flags) in suppressions.iter().zip(used.iter_mut()) {
                    let covers = match s.scope {
                        Scope::File => true,
                        Scope::StartLine(line) => load.line == line,
                        Scope::Covering(line) => (load.line..=load.end_line).contains(&line),
                    };
                    if !covers {
                        continue;
                    }
                    let hit = match &s.codes {
                        None => Some(0),
                        Some(codes) => codes.iter().position(|c| *c == finding.rule),
                    };
                    if let Some(i) = hit {
                        flags[i] = true;
                        report.suppressed += 1;
                        return false;
                    }
                }
                true
            });
        }
        for (s, flags) in suppressions.drain(..).zip(used) {
            let at = position(offset(s.offset));
            let unused: Vec<&str> = match &s.codes {
                None if !flags[0] => vec!["ALL"],
                None => Vec::new(),
                Some(codes) => codes
                    .iter()
                    .zip(&flags)
                    .filter(|(c, used)| !**used && self.settings.rules.is_enabled(c))
                    .map(|(c, _)| *c)
                    .collect(),
            };
            if !unused.is_empty() {
                let message = format!(
                    "`{} {}` suppresses nothing",
                    suppression::MARKER,
                    unused.join(", ")
                );
                report.diagnostics.push(diagnostic(
                    source,
                    Some(at.line),
                    Some(at.column),
                    DiagnosticKind::UnusedSuppression,
                    &message,
                ));
            }
        }
        report.diagnostics.sort_by_key(|d| (d.line, d.column));
        report.loads = loads;
        report
    }

    /// The findings of one load after rules, allowlist and exemptions.
    fn judge(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let allowed = self.is_allowed(ctx.load);
        let mut findings: Vec<Finding> = rules::ALL
            .iter()
            .filter(|r| self.settings.rules.is_enabled(r.code) && !(r.remote && allowed))
            .filter_map(|r| (r.check)(ctx).map(|v| self.finding(r, v.severity, v.message)))
            .collect();
        let mut expired = Vec::new();
        for exemption in &self.settings.exempt {
            if !exemption_matches(exemption, ctx, self.settings.root.as_deref()) {
                continue;
            }
            let covers = |f: &Finding| {
                exemption
                    .rules
                    .as_ref()
                    .is_none_or(|r| r.contains(&f.rule.as_str()))
            };
            match exemption.expires {
                Some(last_day) if last_day < self.today => {
                    if findings.iter().any(covers) {
                        expired.push((exemption, last_day));
                    }
                }
                _ => findings.retain(|f| !covers(f)),
            }
        }
        let os301 = &rules::EXPIRED_EXEMPTION;
        if self.settings.rules.is_enabled(os301.code) {
            for (exemption, last_day) in expired {
                let message = format!(
                    "the exemption for {} (\"{}\") expired on {last_day}; its findings are reported again",
                    describe_exemption(exemption),
                    exemption.reason
                );
                findings.push(self.finding(os301, os301.default_severity, message));
            }
        }
        findings
    }

    fn finding(&self, rule: &Rule, severity: offsite_model::Severity, message: String) -> Finding {
        Finding {
            rule: rule.code.to_owned(),
            name: rule.name.to_owned(),
            severity: self
                .settings
                .rules
                .severity
                .get(rule.code)
                .copied()
                .unwrap_or(severity),
            message,
            fingerprint: None,
        }
    }

    fn is_allowed(&self, load: &Load) -> bool {
        self.settings.allow.iter().any(|a| {
            a.sinks.as_ref().is_none_or(|s| s.contains(&load.sink)) && host_matches(&a.host, load)
        })
    }
}

/// Does a host-source match where the load goes? A load whose URL is only
/// partly known is matched on its scheme and host alone, so a host-source
/// with a path never matches it.
fn host_matches(source: &HostSource, load: &Load) -> bool {
    let Some(host) = &load.host else { return false };
    match load.url.as_deref() {
        Some(url) if !url.contains(offsite_model::DYNAMIC) => {
            let absolute = if url.starts_with("//") {
                format!("https:{url}")
            } else {
                url.to_owned()
            };
            source.matches_absolute_url(&absolute, PAGE_SCHEME)
        }
        // Partly known URL: match on what is certain (scheme, host), as a
        // request to the host's root would be; the port is not certain.
        url => {
            let scheme = url.and_then(|u| offsite_model::split_url(u).scheme);
            source.matches_parts(
                scheme.as_deref().unwrap_or(PAGE_SCHEME),
                host,
                None,
                "/",
                PAGE_SCHEME,
            )
        }
    }
}

fn exemption_matches(exemption: &Exemption, ctx: &Context<'_>, root: Option<&Path>) -> bool {
    let source_matches = match &exemption.target {
        ExemptTarget::Path { matcher, .. } => ctx.source.path.as_deref().is_some_and(|path| {
            let path = path.strip_prefix("./").unwrap_or(path);
            let relative = root.and_then(|r| Path::new(path).strip_prefix(r).ok());
            let name = Path::new(path).file_name();
            matcher.is_match(path)
                || relative.is_some_and(|r| matcher.is_match(r))
                || (!matcher.glob().glob().contains('/')
                    && name.is_some_and(|n| matcher.is_match(n)))
        }),
        ExemptTarget::Page { matcher, .. } => ctx
            .source
            .title
            .as_deref()
            .is_some_and(|t| matcher.is_match(t.replace('_', " "))),
    };
    source_matches
        && exemption
            .host
            .as_ref()
            .is_none_or(|h| host_matches(h, ctx.load))
}

fn describe_exemption(exemption: &Exemption) -> String {
    match &exemption.target {
        ExemptTarget::Path { glob, .. } => format!("path `{glob}`"),
        ExemptTarget::Page { glob, .. } => format!("page `{glob}`"),
    }
}

/// Counts identical findings in one source, so each gets its own stable
/// fingerprint: the n-th identical finding keeps its fingerprint wherever
/// it moves.
#[derive(Default)]
struct Fingerprints {
    seen: std::collections::HashMap<[u8; 32], u32>,
}

impl Fingerprints {
    fn next(
        &mut self,
        finding: &Finding,
        source: &Source,
        load: &Load,
        snippet: Option<&str>,
    ) -> String {
        let identity = source.path.clone().unwrap_or_else(|| {
            format!(
                "{}:{}",
                source.wiki.as_deref().unwrap_or(""),
                source.title.as_deref().unwrap_or("")
            )
        });
        let target = load.url.as_deref().or(load.host.as_deref()).unwrap_or("");
        let snippet: Vec<&str> = snippet.unwrap_or("").split_whitespace().collect();
        let mut key = Sha256::new();
        for part in [
            finding.rule.as_str(),
            &identity,
            target,
            &load.api,
            &snippet.join(" "),
        ] {
            key.update(part.as_bytes());
            key.update([0]);
        }
        let key: [u8; 32] = key.finalize().into();
        let occurrence = self.seen.entry(key).or_insert(0);
        let mut hash = Sha256::new();
        hash.update(key);
        hash.update(occurrence.to_le_bytes());
        *occurrence += 1;
        hash.finalize()
            .iter()
            .take(8)
            .fold(String::with_capacity(16), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            })
    }
}

fn diagnostic(
    source: &Source,
    line: Option<u32>,
    column: Option<u32>,
    kind: DiagnosticKind,
    message: &str,
) -> Diagnostic {
    Diagnostic {
        source: source.clone(),
        line,
        column,
        kind,
        message: message.to_owned(),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a plain field-by-field move into the report type"
)]
fn reported(
    source: &Source,
    load: Load,
    tier: offsite_model::Tier,
    entity: Option<String>,
    start: offsite_model::Position,
    end: offsite_model::Position,
    snippet: Option<String>,
    findings: Vec<Finding>,
) -> ReportedLoad {
    ReportedLoad {
        source: source.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        api: load.api,
        directive: load.sink.directive(),
        sink: load.sink,
        url: load.url,
        host: load.host,
        page: load.page,
        modules: load.modules,
        tier,
        entity,
        resolution: load.resolution,
        dynamic_expr: load.dynamic_expr,
        consent: load.consent,
        consent_kind: load.consent_kind,
        consent_reason: load.consent_reason,
        findings,
        exposure: None,
        snippet,
    }
}

/// Longest snippet kept for a load: its whole line, or on a longer line
/// (minified code) the load with [`SNIPPET_CONTEXT`] bytes either side. A
/// copy of the whole line per load cost gigabytes on a one-line bundle.
const MAX_SNIPPET_BYTES: usize = 400;
const SNIPPET_CONTEXT: usize = 80;

/// The snippet for `load` on `line`, a slice of `text`.
fn snippet_of(text: &str, line: &str, load: &Load) -> String {
    if line.len() <= MAX_SNIPPET_BYTES {
        return line.to_owned();
    }
    // `line` is a subslice of `text` (LineIndex::line_text), so the
    // difference of their addresses is the line's offset.
    let line_start = (line.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let relative = |offset: u32| {
        usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .saturating_sub(line_start)
            .min(line.len())
    };
    let from = line.floor_char_boundary(relative(load.start).saturating_sub(SNIPPET_CONTEXT));
    let to = relative(load.end)
        .saturating_add(SNIPPET_CONTEXT)
        .min(from + MAX_SNIPPET_BYTES)
        .min(line.len());
    line[from..line.ceil_char_boundary(to.max(from))].to_owned()
}

#[cfg(test)]
mod tests;
