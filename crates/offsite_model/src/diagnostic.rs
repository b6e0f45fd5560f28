//! What went wrong analysing a source, as a closed set: each kind carries
//! its severity here, so every output format ranks a diagnostic the same way
//! and a new kind cannot be added without saying how serious it is.

use serde::{Deserialize, Serialize};

use crate::{Severity, Source};

/// A problem analysing a source that is not itself a load: a syntax error, an
/// unreadable file, a bad suppression comment. The run carries on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub source: Source,
    /// 1-based; `None` when the problem concerns the whole source.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub kind: DiagnosticKind,
    pub message: String,
}

/// The kind of a [`Diagnostic`]; serialized as the kebab-case name the JSON
/// contract has always used (`io-error`, `dump-error`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    /// A file or folder named on the command line could not be read.
    IoError,
    /// A dump is damaged or truncated; the pages read before the damage are
    /// reported.
    DumpError,
    /// A live-wiki crawl stopped early; the pages read before it are
    /// reported.
    ApiError,
    /// The analysis of one source failed (a panic, confined to that source):
    /// its loads are missing from the report.
    InternalError,
    /// A file over the size limit, skipped.
    TooLarge,
    /// Code that does not parse; the loads found around the error are kept.
    SyntaxError,
    /// A file that is not valid UTF-8, decoded lossily.
    EncodingError,
    /// A gadget definition line that could not be read.
    GadgetDefinition,
    /// Something odd about a dump that did not stop the read (for example a
    /// second site info block).
    DumpWarning,
    /// A suppression comment that suppressed nothing.
    UnusedSuppression,
    /// A suppression comment offsite could not read (no code after the
    /// colon, an unknown code).
    InvalidSuppression,
    /// A path left out on purpose (not a script, style or page source).
    Skipped,
    /// Where a resumed crawl started, or that a finished one read nothing.
    Checkpoint,
}

impl DiagnosticKind {
    /// Every kind, in the order the docs list them (most severe first).
    pub const ALL: [Self; 13] = [
        Self::IoError,
        Self::DumpError,
        Self::ApiError,
        Self::InternalError,
        Self::TooLarge,
        Self::SyntaxError,
        Self::EncodingError,
        Self::GadgetDefinition,
        Self::DumpWarning,
        Self::UnusedSuppression,
        Self::InvalidSuppression,
        Self::Skipped,
        Self::Checkpoint,
    ];

    /// The name in JSON, SARIF rule ids and text output.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::IoError => "io-error",
            Self::DumpError => "dump-error",
            Self::ApiError => "api-error",
            Self::InternalError => "internal-error",
            Self::TooLarge => "too-large",
            Self::SyntaxError => "syntax-error",
            Self::EncodingError => "encoding-error",
            Self::GadgetDefinition => "gadget-definition",
            Self::DumpWarning => "dump-warning",
            Self::UnusedSuppression => "unused-suppression",
            Self::InvalidSuppression => "invalid-suppression",
            Self::Skipped => "skipped",
            Self::Checkpoint => "checkpoint",
        }
    }

    /// One line for the docs table of kinds.
    #[must_use]
    pub const fn summary(self) -> &'static str {
        match self {
            Self::IoError => "a file or folder could not be read",
            Self::DumpError => {
                "a dump is damaged or truncated; the pages read before the damage are reported"
            }
            Self::ApiError => {
                "a live-wiki crawl stopped early; the pages read before it are reported"
            }
            Self::InternalError => {
                "the analysis of one source failed; its loads are missing from the report"
            }
            Self::TooLarge => "a file or dump page over the size limit, skipped unread",
            Self::SyntaxError => "code that does not parse; loads around the error are kept",
            Self::EncodingError => "a file that is not valid UTF-8, decoded lossily",
            Self::GadgetDefinition => "a gadget definition line that could not be read",
            Self::DumpWarning => "something odd about a dump that did not stop the read",
            Self::UnusedSuppression => "a suppression comment that suppresses nothing",
            Self::InvalidSuppression => "a suppression comment that could not be read",
            Self::Skipped => "a path left out on purpose (not a script, style or page)",
            Self::Checkpoint => {
                "where a resumed crawl started, or that a finished one read nothing"
            }
        }
    }

    /// An input that could not be read (or read only in part because it is
    /// damaged) is an error; a source that was only partly analysed a
    /// warning; a remark about the run a note.
    #[must_use]
    pub const fn severity(self) -> Severity {
        match self {
            Self::IoError | Self::DumpError | Self::ApiError | Self::InternalError => {
                Severity::Error
            }
            Self::TooLarge
            | Self::SyntaxError
            | Self::EncodingError
            | Self::GadgetDefinition
            | Self::DumpWarning => Severity::Warning,
            Self::UnusedSuppression
            | Self::InvalidSuppression
            | Self::Skipped
            | Self::Checkpoint => Severity::Info,
        }
    }

    /// True for the kinds that mean an input could not be read or analysed
    /// (in whole or in part): what the exit status 2 looks at.
    #[must_use]
    pub const fn is_read_error(self) -> bool {
        matches!(
            self,
            Self::IoError | Self::DumpError | Self::ApiError | Self::InternalError
        )
    }
}

/// `page.js:12: syntax-error: message`, as the CLI prints it on stderr.
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.source.display_name())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.kind, self.message)
    }
}

impl std::fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
#[expect(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn serde_name_is_the_display_name() {
        for kind in DiagnosticKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{kind}\""));
            let back: DiagnosticKind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn damaged_or_unreadable_inputs_are_errors() {
        for kind in [
            DiagnosticKind::IoError,
            DiagnosticKind::DumpError,
            DiagnosticKind::ApiError,
        ] {
            assert_eq!(kind.severity(), Severity::Error, "{kind}");
            assert!(kind.is_read_error(), "{kind}");
        }
        assert_eq!(DiagnosticKind::UnusedSuppression.severity(), Severity::Info);
        assert!(!DiagnosticKind::SyntaxError.is_read_error());
    }

    #[test]
    fn all_is_ordered_most_severe_first() {
        let severities: Vec<Severity> = DiagnosticKind::ALL.iter().map(|k| k.severity()).collect();
        let mut sorted = severities.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(severities, sorted);
    }

    /// The docs rank exactly the kinds the code produces, with the severity
    /// the code gives them.
    #[test]
    fn docs_list_every_kind_with_its_severity() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/output-formats.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let start = docs.find("<!-- diagnostic kinds:").unwrap();
        let end = docs.find("<!-- end of diagnostic kinds -->").unwrap();
        let table = &docs[start..end];
        let rows: Vec<String> = table
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("| `"))
            .map(str::to_owned)
            .collect();
        let expected: Vec<String> = DiagnosticKind::ALL
            .iter()
            .map(|k| format!("| `{k}` | {} | {} |", k.severity(), k.summary()))
            .collect();
        assert_eq!(rows, expected, "regenerate the table in {path}");
    }

    #[test]
    fn unknown_kind_is_rejected() {
        assert!(serde_json::from_str::<DiagnosticKind>("\"config-error\"").is_err());
    }
}
