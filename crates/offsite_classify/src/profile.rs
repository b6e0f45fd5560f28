//! Operator profiles and the domain index that decides tiers.
//!
//! A profile names an operator's first-party and WMCS domains; the user adds
//! entries on top. Lookups walk the host's parent domains, longest first, so
//! the most specific entry wins: a first-party `beta.wmcloud.org` beats the
//! WMCS `wmcloud.org`.

use std::collections::HashMap;
use std::fmt;

use offsite_model::Tier;

use crate::ClassifyError;
use crate::host::{self, Host};
use crate::host_source::HostSource;
use crate::psl::{self, Sections};

/// Wikimedia production (see `offsite_model::wikimedia`).
pub(crate) const WIKIMEDIA_PRODUCTION: &[&str] = offsite_model::wikimedia::PRODUCTION_DOMAINS;

/// Wikimedia Cloud Services (see `offsite_model::wikimedia`).
pub(crate) const WIKIMEDIA_WMCS: &[&str] = offsite_model::wikimedia::WMCS_DOMAINS;

/// Fandom: the wikis (`*.fandom.com`, formerly `*.wikia.com`/`*.wikia.org`)
/// and their static and image host (`*.nocookie.net`). Every Fandom wiki is
/// first party to every other: one operator serves them all from one cookie
/// domain, so a CSP cannot tell them apart either. A code import from another
/// Fandom wiki is still another party's code: the cross-wiki rule (OS206)
/// reports it, as it does for another Wikimedia wiki.
pub(crate) const FANDOM: &[&str] = &["fandom.com", "wikia.com", "wikia.org", "nocookie.net"];

/// A built-in set of first-party and WMCS domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// Wikimedia production is first party, Wikimedia Cloud Services its own
    /// tier. The default (an empty profile name means this).
    #[default]
    Wikimedia,
    /// No built-in domains: only same-wiki loads (and what the user lists)
    /// are first party, and nothing is WMCS unless listed. For wikis not run
    /// by Wikimedia.
    None,
    /// Fandom's domains are first party ([`FANDOM`]); nothing is WMCS.
    Fandom,
}

impl Profile {
    pub const ALL: [Self; 3] = [Self::Wikimedia, Self::None, Self::Fandom];

    /// `wikimedia`, `none`, `fandom`, or the empty string (= `wikimedia`);
    /// case-insensitive.
    pub fn parse(name: &str) -> Result<Self, ClassifyError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "wikimedia" => Ok(Self::Wikimedia),
            "none" => Ok(Self::None),
            "fandom" => Ok(Self::Fandom),
            _ => Err(ClassifyError::UnknownProfile(name.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wikimedia => "wikimedia",
            Self::None => "none",
            Self::Fandom => "fandom",
        }
    }

    /// Domains that are first party, each with its subdomains.
    pub fn first_party(self) -> &'static [&'static str] {
        match self {
            Self::Wikimedia => WIKIMEDIA_PRODUCTION,
            Self::None => &[],
            Self::Fandom => FANDOM,
        }
    }

    /// Domains that are WMCS, each with its subdomains.
    pub fn wmcs(self) -> &'static [&'static str] {
        match self {
            Self::Wikimedia => WIKIMEDIA_WMCS,
            Self::None | Self::Fandom => &[],
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which hosts under an indexed domain an entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// `example.org`: the domain and its subdomains.
    Subtree,
    /// `*.example.org`: subdomains only (CSP wildcard semantics).
    Subdomains,
    /// `https://x.example.org`: that host only (CSP host-source semantics).
    Exact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rule {
    tier: Tier,
    reach: Reach,
    from_user: bool,
}

impl Rule {
    /// Among rules on the same domain that all match: the narrower reach,
    /// then the user's entry over the profile's, then WMCS over first party
    /// (the less trusted tier when two entries say the same thing).
    fn rank(self) -> (Reach, bool, bool) {
        (self.reach, self.from_user, self.tier == Tier::Wmcs)
    }
}

/// First-party and WMCS domains, indexed by domain.
#[derive(Debug, Clone, Default)]
pub(crate) struct DomainIndex {
    rules: HashMap<String, Vec<Rule>>,
}

impl DomainIndex {
    pub(crate) fn add_builtin(&mut self, tier: Tier, domain: &str) {
        self.insert(
            domain.to_owned(),
            Rule {
                tier,
                reach: Reach::Subtree,
                from_user: false,
            },
        );
    }

    /// Add a user entry: a bare domain (itself and its subdomains) or a CSP
    /// host-source (`*.example.org` = subdomains only, `https://x.example.org`
    /// = that host; scheme, port and path do not change a host's tier).
    pub(crate) fn add_user(&mut self, tier: Tier, entry: &str) -> Result<(), ClassifyError> {
        let invalid = || ClassifyError::InvalidDomain(entry.to_owned());
        let text = entry.trim();
        let looks_like_source = text.contains("://")
            || text.starts_with('*')
            || text.contains(':')
            || text.contains('/');
        let (domain, reach) = if looks_like_source {
            let source = HostSource::parse(text).map_err(|_| invalid())?;
            // `*` would make every host first party: surely a mistake.
            match source.host.strip_prefix("*.") {
                Some(parent) => (parent.to_owned(), Reach::Subdomains),
                None if source.host == "*" => return Err(invalid()),
                None => (source.host.clone(), Reach::Exact),
            }
        } else {
            (text.to_owned(), Reach::Subtree)
        };
        let domain = match host::normalize(&domain).ok_or_else(invalid)? {
            Host::Domain(d) => {
                // `org` or `co.uk` would swallow a whole registry; PRIVATE
                // suffixes stay allowed (`toolforge.org` is one), and so does
                // `localhost` for a wiki run on a developer's machine.
                if d != "localhost" && psl::registrable_of_domain(&d, Sections::IcannOnly).is_none()
                {
                    return Err(invalid());
                }
                d.into_owned()
            }
            // An intranet wiki's server may be an address: match it exactly.
            Host::Ip(ip) => ip.into_owned(),
        };
        self.insert(
            domain,
            Rule {
                tier,
                reach,
                from_user: true,
            },
        );
        Ok(())
    }

    /// Is any entry strictly below `domain` (`tools.example.org` below
    /// `example.org`)? Then a run-time subdomain of `domain` could be in
    /// another tier. Linear, but the lists hold tens of entries and this is
    /// asked only for URLs whose host is partly unknown.
    pub(crate) fn has_entries_below(&self, domain: &str) -> bool {
        let tail = format!(".{domain}");
        self.rules.keys().any(|k| k.ends_with(&tail))
    }

    fn insert(&mut self, domain: String, rule: Rule) {
        let rules = self.rules.entry(domain).or_default();
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }

    /// The tier of the most specific entry covering a normalised host.
    pub(crate) fn tier_of(&self, host: &Host<'_>) -> Option<Tier> {
        match host {
            Host::Ip(ip) => self.best_at(ip, ip),
            Host::Domain(d) => host::suffixes(d).find_map(|suffix| self.best_at(d, suffix)),
        }
    }

    fn best_at(&self, host: &str, domain: &str) -> Option<Tier> {
        let is_apex = host.len() == domain.len();
        self.rules
            .get(domain)?
            .iter()
            .filter(|rule| match rule.reach {
                Reach::Subtree => true,
                Reach::Subdomains => !is_apex,
                Reach::Exact => is_apex,
            })
            .max_by_key(|rule| rule.rank())
            .map(|rule| rule.tier)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn profile_names() {
        assert_eq!(Profile::parse("").unwrap(), Profile::Wikimedia);
        assert_eq!(Profile::parse("Wikimedia").unwrap(), Profile::Wikimedia);
        assert_eq!(Profile::parse("none").unwrap(), Profile::None);
        let err = Profile::parse("miraheze").unwrap_err();
        assert!(err.to_string().contains("miraheze"), "{err}");
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.as_str()).unwrap(), p);
        }
    }

    #[test]
    fn builtin_lists_are_valid_domains() {
        for d in WIKIMEDIA_PRODUCTION.iter().chain(WIKIMEDIA_WMCS) {
            assert!(
                matches!(host::normalize(d), Some(Host::Domain(n)) if n == *d),
                "{d}"
            );
        }
    }

    #[test]
    fn user_entries_are_validated() {
        let mut index = DomainIndex::default();
        for bad in [
            "",
            "org",
            "co.uk",
            "wiki",
            "*",
            "https://*",
            "a..b",
            "exa mple.org",
            "*.*.x.org",
        ] {
            let err = index.add_user(Tier::FirstParty, bad).unwrap_err();
            assert!(
                matches!(&err, ClassifyError::InvalidDomain(e) if e == bad),
                "{bad}: {err}"
            );
        }
        for good in [
            "example.org",
            "*.example.org",
            "https://x.example.org",
            "localhost",
            "10.0.0.5",
        ] {
            index.add_user(Tier::FirstParty, good).unwrap();
        }
    }
}
