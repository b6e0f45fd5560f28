//! From `offsite.toml` (the [`Options`] as written) to [`Settings`] (checked
//! and resolved): hosts parsed as CSP host-sources, rule selectors turned
//! into codes, globs compiled, dates parsed. Every error names the file,
//! the line and the key.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;
use offsite_classify::{HostSource, Profile, TierConfig};
use offsite_model::{Severity, Sink};
use toml::Spanned;

use crate::options::{AllowOptions, CspOptions, ExemptOptions, FailOn, Options, RulesOptions};
use crate::rules;

/// The resolved policy. Built from `offsite.toml` by [`Settings::from_toml`];
/// the default is the `wikimedia` profile with every rule.
#[derive(Debug, Clone)]
pub struct Settings {
    pub tiers: TierConfig,
    pub detect: offsite_detect::Options,
    /// The policy's default for the command line's `--fail-on`.
    pub fail_on: Option<FailOn>,
    pub rules: RuleSettings,
    pub allow: Vec<AllowEntry>,
    pub exempt: Vec<Exemption>,
    /// The folder of `offsite.toml`: exemption path globs are relative to it.
    pub root: Option<PathBuf>,
    /// The `[csp]` table: the defaults of `offsite csp`.
    pub csp: CspOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            tiers: TierConfig {
                profile: Profile::Wikimedia,
                ..TierConfig::default()
            },
            detect: offsite_detect::Options::default(),
            fail_on: None,
            rules: RuleSettings::default(),
            allow: Vec::new(),
            exempt: Vec::new(),
            root: None,
            csp: CspOptions::default(),
        }
    }
}

/// Which rules run, and fixed severities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSettings {
    /// Codes of the rules that run, in code order.
    pub enabled: Vec<&'static str>,
    pub severity: BTreeMap<&'static str, Severity>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            enabled: rules::ALL.iter().map(|r| r.code).collect(),
            severity: BTreeMap::new(),
        }
    }
}

impl RuleSettings {
    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains(&code)
    }
}

/// A resolved `[[allow]]` entry.
#[derive(Debug, Clone)]
pub struct AllowEntry {
    pub host: HostSource,
    /// `None` = every kind of load.
    pub sinks: Option<Vec<Sink>>,
    pub reason: String,
}

/// What an exemption matches on.
#[derive(Debug, Clone)]
pub enum ExemptTarget {
    Path { glob: String, matcher: GlobMatcher },
    Page { glob: String, matcher: GlobMatcher },
}

/// A resolved `[[exempt]]` entry.
#[derive(Debug, Clone)]
pub struct Exemption {
    pub target: ExemptTarget,
    pub host: Option<HostSource>,
    /// `None` = every rule.
    pub rules: Option<Vec<&'static str>>,
    pub reason: String,
    /// The last day the exemption applies.
    pub expires: Option<Date>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// A problem at a known place in the file.
    #[error("{path}:{line}:{column}: {}{message}", key.as_deref().map(|k| format!("`{k}`: ")).unwrap_or_default())]
    At {
        path: String,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
    #[error(transparent)]
    Classify(#[from] offsite_classify::ClassifyError),
    /// Several problems, all reported at once, one per line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Many(Vec<ConfigError>),
}

impl ConfigError {
    /// One error as itself, several as [`ConfigError::Many`].
    fn all(mut errors: Vec<ConfigError>) -> Self {
        if errors.len() == 1 {
            errors.remove(0)
        } else {
            Self::Many(errors)
        }
    }
}

impl Settings {
    /// Parse the text of an `offsite.toml`; `path` names the file in
    /// messages, and its folder is the root for exemption paths.
    pub fn from_toml(text: &str, path: &str) -> Result<Self, ConfigError> {
        let cx = Cx { text, path };
        let unknown = crate::unknown_keys::unknown_keys(text);
        if !unknown.is_empty() {
            return Err(ConfigError::all(
                unknown.into_iter().map(|u| cx.unknown(u)).collect(),
            ));
        }
        let options: Options = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let key = cx.key_at(&span);
            cx.error(span, key, e.message().trim())
        })?;
        let Options {
            profile,
            first_party,
            wmcs,
            consent_functions,
            fail_on,
            rules,
            allow,
            exempt,
            csp,
            // Read by `serve_section`, typed as the collector's config.
            serve: _,
        } = options;
        let tiers = TierConfig {
            profile: Profile::parse(profile.as_deref().unwrap_or_default()).map_err(|e| {
                ConfigError::Invalid {
                    path: path.to_owned(),
                    message: e.to_string(),
                }
            })?,
            first_party,
            wmcs,
        };
        // Fail early, naming the file, on an unknown profile or domain.
        offsite_classify::Classifier::new(&tiers).map_err(|e| ConfigError::Invalid {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let root = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf);
        // Every problem at once: a user fixing the file sees them all.
        let mut errors = Vec::new();
        let rules = cx
            .rules(&rules)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let allow = allow
            .iter()
            .enumerate()
            .filter_map(|(i, a)| cx.allow(i, a).map_err(|e| errors.push(e)).ok())
            .collect();
        let exempt = exempt
            .iter()
            .enumerate()
            .filter_map(|(i, e)| cx.exempt(i, e).map_err(|e| errors.push(e)).ok())
            .collect();
        if !errors.is_empty() {
            return Err(ConfigError::all(errors));
        }
        Ok(Self {
            tiers,
            detect: offsite_detect::Options { consent_functions },
            fail_on,
            rules,
            allow,
            exempt,
            root,
            csp,
        })
    }

    /// Find `offsite.toml` in `start` (a file's folder or a folder) or the
    /// nearest folder above it.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|d| d.join("offsite.toml"))
            .find(|p| p.is_file())
    }
}

/// The file being resolved, for error messages.
pub(crate) struct Cx<'a> {
    pub(crate) text: &'a str,
    pub(crate) path: &'a str,
}

impl Cx<'_> {
    pub(crate) fn error(
        &self,
        span: Range<usize>,
        key: Option<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        let start = span.start.min(self.text.len());
        let before = self.text.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        ConfigError::At {
            path: self.path.to_owned(),
            line,
            column,
            key,
            message: message.into(),
        }
    }

    /// The key on the line of `span` (`host` in `host = "x"`), for messages
    /// from the TOML parser that only give a place.
    pub(crate) fn key_at(&self, span: &Range<usize>) -> Option<String> {
        let start = span.start.min(self.text.len());
        let line_start = self.text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
        let line = self.text[line_start..].lines().next()?;
        let (key, _) = line.split_once('=')?;
        let key = key.trim().trim_matches('"');
        (!key.is_empty() && !key.starts_with('[')).then(|| key.to_owned())
    }

    fn rule_codes(
        &self,
        key: &str,
        selector: &Spanned<String>,
    ) -> Result<Vec<&'static str>, ConfigError> {
        let text = selector.get_ref().trim();
        let codes: Vec<&'static str> = if text.eq_ignore_ascii_case("ALL") {
            rules::ALL.iter().map(|r| r.code).collect()
        } else if let Some(rule) = rules::find(text) {
            vec![rule.code]
        } else {
            let upper = text.to_ascii_uppercase();
            rules::ALL
                .iter()
                .filter(|r| r.code.starts_with(&upper) && upper.len() >= 3)
                .map(|r| r.code)
                .collect()
        };
        if codes.is_empty() {
            return Err(self.error(
                selector.span(),
                Some(key.to_owned()),
                format!("unknown rule `{text}` (expected ALL, a code such as OS101, a code prefix such as OS1, or a rule name)"),
            ));
        }
        Ok(codes)
    }

    fn rules(&self, options: &RulesOptions) -> Result<RuleSettings, ConfigError> {
        let mut enabled = Vec::new();
        match &options.select {
            None => enabled.extend(rules::ALL.iter().map(|r| r.code)),
            Some(select) => {
                for s in select {
                    enabled.extend(self.rule_codes("rules.select", s)?);
                }
            }
        }
        for s in &options.ignore {
            let ignored = self.rule_codes("rules.ignore", s)?;
            enabled.retain(|c| !ignored.contains(c));
        }
        enabled.sort_by_key(|c| rules::index_of(c));
        enabled.dedup();
        let mut severity = BTreeMap::new();
        for (key, level) in &options.severity {
            for code in self.rule_codes("rules.severity", key)? {
                severity.insert(code, *level);
            }
        }
        Ok(RuleSettings { enabled, severity })
    }

    fn host_source(&self, key: &str, text: &Spanned<String>) -> Result<HostSource, ConfigError> {
        HostSource::parse(text.get_ref().trim())
            .map_err(|e| self.error(text.span(), Some(key.to_owned()), e.to_string()))
    }

    fn allow(
        &self,
        index: usize,
        entry: &Spanned<AllowOptions>,
    ) -> Result<AllowEntry, ConfigError> {
        let table = format!("allow[{index}]");
        let options = entry.get_ref();
        let host_text = options.host.as_ref().ok_or_else(|| {
            self.error(
                entry.span(),
                Some(table.clone()),
                "missing `host` (a CSP host-source such as `fonts.example.com`)",
            )
        })?;
        let host = self.host_source(&format!("{table}.host"), host_text)?;
        let reason = self.reason(entry.span(), &table, options.reason.as_deref())?;
        let sinks = if options.sinks.is_empty() {
            None
        } else {
            let mut sinks = Vec::new();
            for s in &options.sinks {
                let name = s.get_ref().trim();
                let matched: Vec<Sink> = Sink::ALL
                    .into_iter()
                    .filter(|k| {
                        k.as_str().eq_ignore_ascii_case(name)
                            || k.directive().as_str().eq_ignore_ascii_case(name)
                    })
                    .collect();
                if matched.is_empty() {
                    return Err(self.error(
                        s.span(),
                        Some(format!("{table}.sinks")),
                        format!(
                            "unknown sink or directive `{name}` (expected one of: {})",
                            sink_names()
                        ),
                    ));
                }
                sinks.extend(matched);
            }
            sinks.sort();
            sinks.dedup();
            Some(sinks)
        };
        Ok(AllowEntry {
            host,
            sinks,
            reason,
        })
    }

    fn reason(
        &self,
        span: Range<usize>,
        table: &str,
        reason: Option<&str>,
    ) -> Result<String, ConfigError> {
        match reason.map(str::trim) {
            Some(r) if !r.is_empty() => Ok(r.to_owned()),
            _ => Err(self.error(
                span,
                Some(table.to_owned()),
                "missing `reason`: every entry must say why",
            )),
        }
    }

    fn exempt(
        &self,
        index: usize,
        entry: &Spanned<ExemptOptions>,
    ) -> Result<Exemption, ConfigError> {
        let table = format!("exempt[{index}]");
        let options = entry.get_ref();
        let glob = |key: &str, text: &Spanned<String>, page: bool| {
            let pattern = text.get_ref().trim();
            let pattern = if page {
                pattern.replace('_', " ")
            } else {
                pattern.to_owned()
            };
            Glob::new(&pattern)
                .map(|g| g.compile_matcher())
                .map_err(|e| {
                    self.error(
                        text.span(),
                        Some(format!("{table}.{key}")),
                        format!("invalid glob: {}", e.kind()),
                    )
                })
                .map(|matcher| (pattern, matcher))
        };
        let target = match (&options.path, &options.page) {
            (Some(path), None) => {
                let (glob, matcher) = glob("path", path, false)?;
                ExemptTarget::Path { glob, matcher }
            }
            (None, Some(page)) => {
                let (glob, matcher) = glob("page", page, true)?;
                ExemptTarget::Page { glob, matcher }
            }
            _ => {
                return Err(self.error(
                    entry.span(),
                    Some(table),
                    "give exactly one of `path` and `page`",
                ));
            }
        };
        let host = options
            .host
            .as_ref()
            .map(|h| self.host_source(&format!("{table}.host"), h))
            .transpose()?;
        let rules = if options.rules.is_empty() {
            None
        } else {
            let mut codes = Vec::new();
            for r in &options.rules {
                codes.extend(self.rule_codes(&format!("{table}.rules"), r)?);
            }
            Some(codes)
        };
        let reason = self.reason(entry.span(), &table, options.reason.as_deref())?;
        let expires = options
            .expires
            .as_ref()
            .map(|e| self.date(&format!("{table}.expires"), e))
            .transpose()?;
        Ok(Exemption {
            target,
            host,
            rules,
            reason,
            expires,
        })
    }

    fn date(&self, key: &str, value: &Spanned<toml::Value>) -> Result<Date, ConfigError> {
        let text = match value.get_ref() {
            toml::Value::String(s) => s.trim().to_owned(),
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            toml::Value::Datetime(d) => {
                return Err(self.error(
                    value.span(),
                    Some(key.to_owned()),
                    format!("`{d}` has a time of day; give the date only (YYYY-MM-DD)"),
                ));
            }
            other => other.to_string(),
        };
        text.parse::<Date>().map_err(|e| {
            self.error(
                value.span(),
                Some(key.to_owned()),
                format!("invalid date `{text}`, expected YYYY-MM-DD: {e}"),
            )
        })
    }
}

fn sink_names() -> String {
    let mut names: Vec<&str> = Sink::ALL.iter().map(|s| s.as_str()).collect();
    names.extend([
        "script-src",
        "style-src",
        "connect-src",
        "img-src",
        "font-src",
        "media-src",
    ]);
    names.extend(["frame-src", "worker-src", "form-action", "default-src"]);
    names.join(", ")
}

#[cfg(test)]
mod tests;
