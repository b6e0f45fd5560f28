//! CSP host-sources (`https://*.example.org:443/path/`) in allowlists.
//!
//! There is one host-source type, `offsite_csp`'s: parsing and the CSP
//! Level 3 algorithm "Does url match expression in origin" are written once
//! for allowlists and policies. What allowlists add is the page scheme: every
//! Wikimedia wiki is served over HTTPS.
//!
//! Spec: <https://www.w3.org/TR/CSP3/#match-url-to-source-expression>.

pub use offsite_csp::HostSource;

/// The scheme of the pages an allowlist protects: a scheme-less source
/// matches what this scheme matches, and `*` matches it too. Pass it to
/// [`HostSource::matches_absolute_url`] and [`HostSource::matches_parts`].
pub const PAGE_SCHEME: &str = "https";

#[cfg(test)]
mod tests;
