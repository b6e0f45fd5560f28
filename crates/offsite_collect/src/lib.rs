//! CSP violation reports: what browsers send, reduced to what offsite keeps.
//!
//! - [`report`]: the normalised, privacy-reduced report every other part of
//!   the collector works with ([`NormalizedReport`]) and its group key.
//! - `parse` (lenient parsing of `application/csp-report`, `application/json`
//!   with a `csp-report` key, and `application/reports+json` batches),
//!   `filter` (extension and adware noise), `privacy` (URL, user-agent and
//!   client reduction) and `attribute` (linking a group to the gadget or
//!   script whose load matches it) build on it.
//!
//! Every string in a report is attacker-controlled: nothing here trusts it.

pub mod report;

pub use report::{Attribution, Blocked, Disposition, GroupKey, NormalizedReport, ReportFormat};
