//! Classifies hosts into tiers and names the organisation behind them.
//!
//! - [`Classifier`] puts a host in a [`Tier`]: first party, Wikimedia Cloud
//!   Services or third party. A [`Profile`] gives an operator's domains (the
//!   built-in `wikimedia` profile knows Wikimedia's; `none` knows nothing), and
//!   the user adds entries in [`TierConfig`]. The most specific entry wins.
//! - [`entity_of_host`] names who runs a host (`Google Fonts`, `JSDelivr
//!   CDN`), from the third-party-web data set (MIT, vendored in `data/`), with
//!   `Wikimedia Foundation` for Wikimedia production hosts and `Wikimedia
//!   Cloud Services` for Toolforge and Cloud VPS hosts, whatever the profile.
//! - [`registrable_domain`] applies the Public Suffix List (MPL-2.0,
//!   vendored), PRIVATE section included by default (see [`psl`]).
//! - [`HostSource`] (`offsite_csp`'s) matches allowlist entries on pages
//!   served over [`PAGE_SCHEME`].
//!
//! No I/O: the data is compiled in and parsed once, on first use. Lookups
//! cost a few hash probes per host label; nothing scans a list per call.
//! Hosts are expected lower-case and punycode, as `Load::host` has them;
//! other spellings are normalised first.

mod entities;
mod host;
mod host_source;
mod profile;
pub mod psl;

pub use entities::{Entity, entities_version, entity_of_host};
pub use host_source::{HostSource, PAGE_SCHEME};
pub use profile::Profile;
pub use psl::{Sections, list_version, public_suffix};

use offsite_model::{Load, Sink, Tier};

/// Which domains count as first party and which as WMCS (what the user wrote).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierConfig {
    /// The built-in domains to start from.
    pub profile: Profile,
    /// Extra first-party entries: a domain matches itself and its
    /// subdomains; CSP host-source syntax is read as CSP reads it
    /// (`*.example.org` = subdomains only, `https://x.example.org` = that
    /// host only).
    pub first_party: Vec<String>,
    /// Extra WMCS entries, read the same way.
    pub wmcs: Vec<String>,
}

/// The verdict for one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub tier: Tier,
    /// The organisation behind the host, when known (`Google CDN`, `JSDelivr CDN`).
    pub entity: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("unknown profile `{0}` (known: wikimedia, fandom, none)")]
    UnknownProfile(String),
    #[error(
        "invalid domain `{0}` in the first-party or WMCS list (expected a domain such as \
         `example.org`, or a CSP host-source such as `*.example.org`; not `*` nor a public \
         suffix such as `org`)"
    )]
    InvalidDomain(String),
}

/// Decides tiers. Build once per configuration and share by reference.
#[derive(Debug, Clone)]
pub struct Classifier {
    profile: Profile,
    index: profile::DomainIndex,
}

impl Classifier {
    pub fn new(config: &TierConfig) -> Result<Self, ClassifyError> {
        let profile = config.profile;
        let mut index = profile::DomainIndex::default();
        for domain in profile.first_party() {
            index.add_builtin(Tier::FirstParty, domain);
        }
        for domain in profile.wmcs() {
            index.add_builtin(Tier::Wmcs, domain);
        }
        for entry in &config.first_party {
            index.add_user(Tier::FirstParty, entry)?;
        }
        for entry in &config.wmcs {
            index.add_user(Tier::Wmcs, entry)?;
        }
        Ok(Self { profile, index })
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Tier of a host: first party or WMCS when a configured entry covers it,
    /// third party otherwise; [`Tier::Unknown`] when it is not a host at all
    /// (empty, or still holding a `${…}` marker).
    pub fn tier_of_host(&self, host: &str) -> Tier {
        match host::normalize(host) {
            Some(h) => self.index.tier_of(&h).unwrap_or(Tier::ThirdParty),
            None => Tier::Unknown,
        }
    }

    /// The organisation behind a host (see [`entity_of_host`]).
    pub fn entity_of_host(&self, host: &str) -> Option<&'static Entity> {
        entity_of_host(host)
    }

    /// Tier and entity of a load: by host when it has one; a load with no
    /// host that targets this wiki (a relative URL, a page, modules) is first
    /// party; one with neither is unknown.
    pub fn classify(&self, load: &Load) -> Classification {
        match load.host.as_deref() {
            Some(h) => Classification {
                tier: self.tier_of_host(h),
                entity: entity_of_host(h).map(|e| e.name.clone()),
            },
            // ResourceLoader modules are served by the wiki's own load.php,
            // whether or not their names could be read (`using(a ? 'x' : 'y')`).
            None if load.same_wiki
                || load.sink == Sink::Module
                || !load.modules.is_empty()
                || load.page.is_some() =>
            {
                Classification {
                    tier: Tier::FirstParty,
                    entity: None,
                }
            }
            None => match load.url.as_deref().and_then(dynamic_subdomain_suffix) {
                // `'https://' + lang + '.wikipedia.org/'`: which host is a
                // run-time value, but every candidate is under one registrable
                // domain. Unless a configured entry lies below that domain
                // (then the subdomain could be in another tier), they share
                // its tier.
                Some(suffix) if !self.index.has_entries_below(&suffix.to_ascii_lowercase()) => {
                    Classification {
                        tier: self.tier_of_host(suffix),
                        entity: entity_of_host(suffix).map(|e| e.name.clone()),
                    }
                }
                _ => Classification {
                    tier: Tier::Unknown,
                    entity: None,
                },
            },
        }
    }

    /// Registrable domain (eTLD+1) of a host with both sections of the
    /// Public Suffix List: `x.github.io` for `a.x.github.io`. `None` for IP
    /// literals, `localhost` and public suffixes themselves.
    pub fn registrable_domain(host: &str) -> Option<String> {
        registrable_domain(host)
    }
}

/// Registrable domain (eTLD+1) of a host with both sections of the Public
/// Suffix List; see [`psl::registrable_domain`] for the ICANN-only view.
pub fn registrable_domain(host: &str) -> Option<String> {
    psl::registrable_domain(host, Sections::All)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests;

/// For a URL whose host is `${…}.<suffix>` (a run-time subdomain of a known
/// domain), the suffix, when it is more than an ICANN public suffix (`org`,
/// `co.uk`): a private suffix such as `toolforge.org` still names one operator.
fn dynamic_subdomain_suffix(url: &str) -> Option<&str> {
    let rest = url.split_once("//")?.1;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let suffix = authority
        .strip_prefix(offsite_model::DYNAMIC)?
        .strip_prefix('.')?;
    let suffix = suffix.split(':').next()?;
    let known = !suffix.contains("${") && !suffix.is_empty();
    (known && psl::registrable_domain(suffix, psl::Sections::IcannOnly).is_some()).then_some(suffix)
}
