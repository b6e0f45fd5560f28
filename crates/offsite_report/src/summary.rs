//! Counts and the per-host table shared by the text summary and the JSON
//! `summary` object.

use std::collections::{BTreeMap, BTreeSet};

use offsite_model::{Report, Severity, Sink, Tier};
use serde::Serialize;

/// What a run found, in numbers. The `summary` object of the JSON output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    /// Every load, with or without findings.
    pub loads: usize,
    /// Findings shown (not counting those hidden by baseline or suppression).
    pub findings: usize,
    pub by_severity: SeverityCounts,
    /// Loads per host tier.
    pub by_tier: TierCounts,
    pub diagnostics: usize,
    pub baseline_hidden: usize,
    pub suppressed: usize,
    /// One row per (tier, host), third party first; see [`HostSummary`].
    pub hosts: Vec<HostSummary>,
}

impl Summary {
    /// The most severe finding shown, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        let c = &self.by_severity;
        [
            (c.error, Severity::Error),
            (c.warning, Severity::Warning),
            (c.info, Severity::Info),
        ]
        .into_iter()
        .find(|&(n, _)| n > 0)
        .map(|(_, s)| s)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TierCounts {
    #[serde(rename = "third-party")]
    pub third_party: usize,
    pub wmcs: usize,
    pub unknown: usize,
    #[serde(rename = "first-party")]
    pub first_party: usize,
}

/// Loads that reach one host. Loads without a host (same-wiki targets, and
/// targets that could not be worked out) are grouped under `host: None` per
/// tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostSummary {
    pub host: Option<String>,
    pub tier: Tier,
    /// Who operates the host, when the classifier knows.
    pub entity: Option<String>,
    /// Kinds of resource fetched from it, in [`Sink`] order.
    pub sinks: Vec<Sink>,
    pub loads: usize,
    pub findings: usize,
}

/// Third party first: the order a reviewer reads the host table in.
pub(crate) fn tier_rank(tier: Tier) -> u8 {
    match tier {
        Tier::ThirdParty => 0,
        Tier::Wmcs => 1,
        Tier::Unknown => 2,
        Tier::FirstParty => 3,
    }
}

pub fn summary(report: &Report) -> Summary {
    #[derive(Default)]
    struct Acc {
        entity: Option<String>,
        sinks: BTreeSet<Sink>,
        loads: usize,
        findings: usize,
    }

    let mut by_severity = SeverityCounts::default();
    let mut by_tier = TierCounts::default();
    let mut hosts: BTreeMap<(u8, Option<&str>), (Tier, Acc)> = BTreeMap::new();
    let mut findings = 0;
    for load in &report.loads {
        for finding in &load.findings {
            findings += 1;
            match finding.severity {
                Severity::Error => by_severity.error += 1,
                Severity::Warning => by_severity.warning += 1,
                Severity::Info => by_severity.info += 1,
            }
        }
        match load.tier {
            Tier::FirstParty => by_tier.first_party += 1,
            Tier::Wmcs => by_tier.wmcs += 1,
            Tier::ThirdParty => by_tier.third_party += 1,
            Tier::Unknown => by_tier.unknown += 1,
        }
        let key = (tier_rank(load.tier), load.host.as_deref());
        let (_, acc) = hosts
            .entry(key)
            .or_insert_with(|| (load.tier, Acc::default()));
        // Entities come from the host, so any load's answer will do; take the
        // smallest so the result does not depend on load order.
        if let Some(entity) = &load.entity
            && acc.entity.as_ref().is_none_or(|e| entity < e)
        {
            acc.entity = Some(entity.clone());
        }
        acc.sinks.insert(load.sink);
        acc.loads += 1;
        acc.findings += load.findings.len();
    }

    let mut hosts: Vec<HostSummary> = hosts
        .into_iter()
        .map(|((_, host), (tier, acc))| HostSummary {
            host: host.map(str::to_owned),
            tier,
            entity: acc.entity,
            sinks: acc.sinks.into_iter().collect(),
            loads: acc.loads,
            findings: acc.findings,
        })
        .collect();
    // Within a tier the busiest hosts first; the host name breaks ties and
    // the host-less group of each tier comes after the named hosts.
    hosts.sort_by(|a, b| {
        tier_rank(a.tier)
            .cmp(&tier_rank(b.tier))
            .then(b.loads.cmp(&a.loads))
            .then_with(|| match (&a.host, &b.host) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
    });

    Summary {
        files_scanned: report.files_scanned,
        loads: report.loads.len(),
        findings,
        by_severity,
        by_tier,
        diagnostics: report.diagnostics.len(),
        baseline_hidden: report.baseline_hidden,
        suppressed: report.suppressed,
        hosts,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn counts_match_the_report() {
        let report = fixture::report();
        let s = summary(&report);
        let findings: usize = report.loads.iter().map(|l| l.findings.len()).sum();
        assert_eq!(s.findings, findings);
        assert_eq!(
            s.by_severity.error + s.by_severity.warning + s.by_severity.info,
            findings
        );
        assert_eq!(
            s.by_tier.first_party + s.by_tier.wmcs + s.by_tier.third_party + s.by_tier.unknown,
            report.loads.len()
        );
        assert_eq!(
            s.hosts.iter().map(|h| h.loads).sum::<usize>(),
            report.loads.len()
        );
        assert_eq!(s.hosts.iter().map(|h| h.findings).sum::<usize>(), findings);
        assert_eq!(s.max_severity(), Some(Severity::Error));
        assert_eq!(s.baseline_hidden, 2);
        assert_eq!(s.suppressed, 1);
    }

    #[test]
    fn hosts_are_grouped_and_third_party_comes_first() {
        let s = summary(&fixture::report());
        let ranks: Vec<u8> = s.hosts.iter().map(|h| tier_rank(h.tier)).collect();
        let mut sorted = ranks.clone();
        sorted.sort_unstable();
        assert_eq!(ranks, sorted);
        assert_eq!(s.hosts[0].tier, Tier::ThirdParty);
        let keys: BTreeSet<(Tier, Option<&str>)> = s
            .hosts
            .iter()
            .map(|h| (h.tier, h.host.as_deref()))
            .collect();
        assert_eq!(keys.len(), s.hosts.len(), "one row per (tier, host)");
        let google = s
            .hosts
            .iter()
            .find(|h| h.host.as_deref() == Some("translate.google.com"))
            .unwrap();
        assert_eq!(google.entity.as_deref(), Some("Google"));
    }

    #[test]
    fn empty_report_has_no_max_severity() {
        let s = summary(&Report::default());
        assert_eq!(s.max_severity(), None);
        assert!(s.hosts.is_empty());
    }
}
