//! CSP violation reports: what browsers send, reduced to what offsite keeps.
//!
//! - [`parse`]: lenient parsing of `application/csp-report`,
//!   `application/json` (with a `csp-report` key) and
//!   `application/reports+json` batches, in every browser's spelling, into
//!   [`NormalizedReport`]s ([`report`]).
//! - [`privacy`]: applied during normalisation. URLs lose query, fragment and
//!   user info; the user agent becomes `Chrome 156`; samples are cut to 40
//!   characters; every string is capped. No IP address ever reaches this
//!   crate, and the referrer is never read.
//! - [`filter`]: extension, adware and webview noise, from vendored lists
//!   (Sentry, `NelmioSecurityBundle`, Wikimedia's `$wgCSPFalsePositiveUrls`).
//! - [`attribute`]: linking a report to the gadget, user script or site
//!   script whose load matches it, with a confidence.
//!
//! Every string in a report is attacker-controlled: nothing here trusts it,
//! and nothing panics on it ([`fuzz_report`]). This crate does no I/O: the
//! server (`offsite_serve`) receives, the store (`offsite_store`) keeps.

pub mod attribute;
pub mod filter;
mod fuzz;
mod normalize;
pub mod parse;
pub mod privacy;
pub mod report;

pub use attribute::{AttributionIndex, GadgetPages};
pub use filter::{FilterConfig, FilterReason, NoiseFilter};
pub use fuzz::fuzz_report;
pub use parse::{
    BodyKind, ParseContext, ParseError, ParseOutcome, SkipReason, body_kind, parse_body,
};
pub use report::{
    Attribution, AttributionMethod, Blocked, Disposition, GroupKey, NormalizedReport, ReportFormat,
};
