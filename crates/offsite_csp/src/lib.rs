//! Content-Security-Policy for offsite: the policy model, lenient parsing,
//! canonical serialisation, CSP Level 3 matching and policy diffs.
//!
//! - [`parse_header`] reads a header value (several policies, separated by
//!   `,`) into [`Policy`]s plus [`PolicyDiagnostic`]s; it never fails.
//! - [`Policy`]'s `Display` is the canonical form; [`serialize_header`]
//!   writes several policies.
//! - [`Policy::check`] and [`check_all`] decide a [`Request`] with CSP3's
//!   effective directives, fallback lists and source matching.
//! - [`diff`] and [`diff_loads`] compare two policy sets, by directive and by
//!   the loads a scan found.
//!
//! - [`CspConfig`] is the `[csp]` table of `offsite.toml` (the defaults of
//!   `offsite csp`); [`csp_lines`] pulls the CSP values out of header text.
//!
//! No I/O. Evaluation (`offsite csp evaluate`), generation and MediaWiki's
//! `$wgCSPHeader` live in their own modules on top of this model, each with
//! the text it renders (`evaluate::render_text`, `generate::render_explain`,
//! `mediawiki::mediawiki_php`, [`render_diff`]): the binary only parses
//! arguments, reads inputs, prints and picks the exit code.
//!
//! Spec: <https://www.w3.org/TR/CSP3/>.

mod config;
mod diff;
mod directive;
pub mod evaluate;
mod fuzz;
pub mod generate;
mod headers;
mod matching;
pub mod mediawiki;
mod parse;
mod policy;
mod serialize;
mod source;
mod url_match;

pub use config::CspConfig;
pub use diff::render::render_diff;
pub use diff::{
    Capability, CapabilityChange, ChangeKind, DirectiveChange, KindChange, LoadChange, LoadDiff,
    LoadPlace, PolicyDiff, UnknownLoad, UnknownReason, diff, diff_loads,
};
pub use directive::{KNOWN_DIRECTIVES, KnownDirective, ResourceKind, ValueKind, known_directive};
pub use fuzz::fuzz_header;
pub use headers::csp_lines;
pub use matching::{Origin, OriginError, Request, Subject, Verdict, check_all, hash_base64};
pub use parse::{
    DiagnosticCode, ParsedHeader, PolicyDiagnostic, Severity, parse_header, parse_header_lines,
};
pub use policy::{DirectiveEntry, Policy, Span};
pub use serialize::serialize_header;
pub use source::{HashAlgorithm, HostSource, HostSourceError, Keyword, Port, SourceExpr};
pub use url_match::{UrlView, host_source_matches, url_matches_source_list};
