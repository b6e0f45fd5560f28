//! A policy: an ordered list of directives, each with its sources.

use serde::Serialize;

use crate::directive::{ValueKind, value_kind};
use crate::source::{Keyword, SourceExpr};

/// A byte range in the text that was parsed (`start..end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The spanned text, when the span lies in `text` on char boundaries.
    pub fn slice(self, text: &str) -> Option<&str> {
        text.get(self.start..self.end)
    }
}

/// One directive: a lower-case name and its values in the order written.
///
/// Equality and hashing look at `name` and `sources` only: spans say where a
/// directive came from, not what it is, so a parsed policy equals the same
/// policy built in code.
#[derive(Debug, Clone, Serialize)]
pub struct DirectiveEntry {
    /// Lower-case (`script-src`).
    pub name: String,
    /// The values; no two equal. Source-list directives hold typed sources,
    /// others [`SourceExpr::Raw`] tokens.
    pub sources: Vec<SourceExpr>,
    /// Where the directive (name and value) is in the parsed text; `None`
    /// when built in code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Where each source is, parallel to `sources` when parsed; empty when
    /// built in code (and possibly shorter after edits).
    #[serde(skip)]
    pub source_spans: Vec<Span>,
}

impl PartialEq for DirectiveEntry {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.sources == other.sources
    }
}

impl Eq for DirectiveEntry {}

impl std::hash::Hash for DirectiveEntry {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.sources.hash(state);
    }
}

impl DirectiveEntry {
    /// A directive with no sources; the name is lower-cased.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_ascii_lowercase(),
            sources: Vec::new(),
            span: None,
            source_spans: Vec::new(),
        }
    }

    /// Does its value hold sources (rather than tokens such as `report-uri`'s)?
    pub fn is_source_list(&self) -> bool {
        value_kind(&self.name) == ValueKind::SourceList
    }

    /// Does it list this source?
    pub fn contains(&self, source: &SourceExpr) -> bool {
        self.sources.contains(source)
    }

    /// Does it list this keyword?
    pub fn has_keyword(&self, keyword: Keyword) -> bool {
        self.sources.contains(&SourceExpr::Keyword(keyword))
    }

    /// Add a source unless it is there already; `true` when added. Adding a
    /// source to a list that holds only `'none'` replaces the `'none'`.
    pub fn add_source(&mut self, source: SourceExpr) -> bool {
        if self.sources.contains(&source) {
            return false;
        }
        if self.sources == [SourceExpr::NONE] && source != SourceExpr::NONE {
            self.sources.clear();
            self.source_spans.clear();
        }
        self.sources.push(source);
        true
    }

    /// Remove a source; `true` when it was there.
    pub fn remove_source(&mut self, source: &SourceExpr) -> bool {
        let Some(index) = self.sources.iter().position(|s| s == source) else {
            return false;
        };
        self.sources.remove(index);
        if index < self.source_spans.len() {
            self.source_spans.remove(index);
        }
        true
    }

    /// The span of the source at `index`, when parsed.
    pub fn source_span(&self, index: usize) -> Option<Span> {
        self.source_spans.get(index).copied()
    }
}

/// One policy: the directives in the order written, names unique (a
/// duplicate directive is dropped when parsing, as browsers ignore it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Policy {
    pub directives: Vec<DirectiveEntry>,
}

impl Policy {
    /// An empty policy (which restricts nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse leniently and return the first policy (empty when there is
    /// none), dropping diagnostics. Use [`crate::parse_header`] to see the
    /// diagnostics and every comma-separated policy.
    pub fn parse(text: &str) -> Self {
        crate::parse_header(text)
            .policies
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// The directive with this name (ASCII case-insensitive).
    pub fn directive(&self, name: &str) -> Option<&DirectiveEntry> {
        self.directives
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// The directive with this name, mutable.
    pub fn directive_mut(&mut self, name: &str) -> Option<&mut DirectiveEntry> {
        self.directives
            .iter_mut()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// Does the policy have this directive?
    pub fn has(&self, name: &str) -> bool {
        self.directive(name).is_some()
    }

    /// The sources of a directive, when present.
    pub fn sources(&self, name: &str) -> Option<&[SourceExpr]> {
        self.directive(name).map(|d| d.sources.as_slice())
    }

    /// The `report-uri` URLs (empty when there is none).
    pub fn report_uri(&self) -> Vec<&str> {
        self.raw_values("report-uri")
    }

    /// The `report-to` group name (the first token), when present.
    pub fn report_to(&self) -> Option<&str> {
        self.raw_values("report-to").into_iter().next()
    }

    fn raw_values(&self, name: &str) -> Vec<&str> {
        self.directive(name)
            .map(|d| {
                d.sources
                    .iter()
                    .filter_map(|s| match s {
                        SourceExpr::Raw(text) => Some(text.as_str()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The directive with this name, added empty at the end when missing.
    pub fn directive_or_insert(&mut self, name: &str) -> &mut DirectiveEntry {
        let lower = name.to_ascii_lowercase();
        let index = self.directives.iter().position(|d| d.name == lower);
        let index = index.unwrap_or_else(|| {
            self.directives.push(DirectiveEntry::new(&lower));
            self.directives.len() - 1
        });
        &mut self.directives[index]
    }

    /// Add a source to a directive (created when missing); `true` when the
    /// source was new. See [`DirectiveEntry::add_source`] for `'none'`.
    pub fn add_source(&mut self, directive: &str, source: SourceExpr) -> bool {
        self.directive_or_insert(directive).add_source(source)
    }

    /// Builder form of [`Self::add_source`].
    #[must_use]
    pub fn with_source(mut self, directive: &str, source: SourceExpr) -> Self {
        self.add_source(directive, source);
        self
    }

    /// Builder: a directive with these sources (added to any already there).
    #[must_use]
    pub fn with_directive(
        mut self,
        directive: &str,
        sources: impl IntoIterator<Item = SourceExpr>,
    ) -> Self {
        let entry = self.directive_or_insert(directive);
        for source in sources {
            entry.add_source(source);
        }
        self
    }

    /// Remove a directive; `true` when it was there.
    pub fn remove_directive(&mut self, name: &str) -> bool {
        let before = self.directives.len();
        self.directives
            .retain(|d| !d.name.eq_ignore_ascii_case(name));
        self.directives.len() != before
    }

    /// The directive that governs a kind of request: the first of its
    /// fallback list that the policy has (CSP3 §6.8.4).
    pub fn governing_directive(&self, kind: crate::ResourceKind) -> Option<&DirectiveEntry> {
        kind.fallback_list()
            .iter()
            .find_map(|name| self.directive(name))
    }
}
