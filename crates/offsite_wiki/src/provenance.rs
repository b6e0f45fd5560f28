//! Provenance: when each host a page loads from arrived, who added it, and
//! whether it is still there, read from a page's revision history (a
//! `pages-meta-history` dump, or the API's `prop=revisions`).
//!
//! [`ProvenanceTracker`] is fed one page at a time, its revisions in the
//! order they were saved, each with the set of hosts its text loads from
//! (the caller scans the text; [`crate::inventory::inventory_host`] gives
//! the host of a classified load). It keeps only the current page's hosts, so
//! memory does not grow with the history.
//!
//! Rules:
//!
//! - **Introduced** is the first revision whose text loads from the host. A
//!   host that is removed and added again keeps its *earliest* introduction:
//!   the question a reviewer asks is "how long has this wiki trusted that
//!   host", and a revert war does not reset it. The latest reintroduction is
//!   kept separately in [`HostProvenance::reintroduced`].
//! - **Removed** is the revision since which the host is absent: the first
//!   revision without it after its last appearance. `None` when the latest
//!   revision still loads from it.
//! - A revision whose text is hidden (`<text deleted="deleted"/>`, revision
//!   deletion or suppression) tells nothing: it is skipped. A host is never
//!   counted as removed, or added, because text was hidden. So "latest" means
//!   the latest revision whose text could be read.
//! - A hidden contributor (`<contributor deleted="deleted"/>`) stays `None`;
//!   no name is ever guessed.
//!
//! The tracker trusts the order it is given (dumps list revisions oldest
//! first); it does not sort by id or timestamp.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// What provenance keeps of one revision.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RevisionMeta {
    pub id: u64,
    /// As the dump or API gives it, ISO 8601 (`2024-05-01T12:00:00Z`).
    pub timestamp: String,
    /// User name or IP; `None` when the contributor is hidden.
    pub user: Option<String>,
    /// The text is hidden: the revision says nothing about hosts.
    pub text_deleted: bool,
}

/// The history of one host in one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostProvenance {
    /// The page title as fed to the tracker.
    pub page: String,
    pub host: String,
    /// The earliest revision that loads from the host.
    pub introduced: RevisionMeta,
    /// The latest revision that added the host back after a removal; `None`
    /// when it never came back.
    pub reintroduced: Option<RevisionMeta>,
    /// The latest readable revision loads from the host.
    pub present_in_latest: bool,
    /// The first revision without the host after its last appearance;
    /// `None` when present in the latest.
    pub removed: Option<RevisionMeta>,
}

#[derive(Debug)]
struct HostState {
    introduced: RevisionMeta,
    reintroduced: Option<RevisionMeta>,
    present: bool,
    removed: Option<RevisionMeta>,
}

/// Follows hosts through the revisions of one page at a time.
#[derive(Debug, Default)]
pub struct ProvenanceTracker {
    page: Option<String>,
    hosts: BTreeMap<String, HostState>,
    /// A page that ended without [`Self::finish_page`] (the caller moved to
    /// another title): kept until the next `finish_page` rather than lost.
    unfinished: Vec<HostProvenance>,
}

impl ProvenanceTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// One revision of the current page. A new `page_title` starts a new page.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "the caller builds one per revision and hands it over; it is cloned only where a host changes"
    )]
    pub fn revision(&mut self, page_title: &str, revision: RevisionMeta, hosts: &BTreeSet<String>) {
        if self.page.as_deref() != Some(page_title) {
            if self.page.is_some() {
                let done = self.drain();
                self.unfinished.extend(done);
            }
            self.page = Some(page_title.to_owned());
        }
        if revision.text_deleted {
            return;
        }
        for (host, state) in &mut self.hosts {
            let here = hosts.contains(host);
            if state.present && !here {
                state.present = false;
                state.removed = Some(revision.clone());
            } else if !state.present && here {
                state.present = true;
                state.removed = None;
                state.reintroduced = Some(revision.clone());
            }
        }
        for host in hosts {
            if !self.hosts.contains_key(host) {
                self.hosts.insert(
                    host.clone(),
                    HostState {
                        introduced: revision.clone(),
                        reintroduced: None,
                        present: true,
                        removed: None,
                    },
                );
            }
        }
    }

    /// The provenance of every host the page ever loaded from, sorted by
    /// host, and the tracker ready for the next page. Also returns any page
    /// that was left without `finish_page`, first.
    pub fn finish_page(&mut self) -> Vec<HostProvenance> {
        let mut out = std::mem::take(&mut self.unfinished);
        out.extend(self.drain());
        self.page = None;
        out
    }

    fn drain(&mut self) -> Vec<HostProvenance> {
        let page = self.page.clone().unwrap_or_default();
        std::mem::take(&mut self.hosts)
            .into_iter()
            .map(|(host, s)| HostProvenance {
                page: page.clone(),
                host,
                introduced: s.introduced,
                reintroduced: s.reintroduced,
                present_in_latest: s.present,
                removed: s.removed,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(id: u64, user: Option<&str>) -> RevisionMeta {
        RevisionMeta {
            id,
            timestamp: format!("2024-01-{id:02}T00:00:00Z"),
            user: user.map(str::to_owned),
            text_deleted: false,
        }
    }

    fn hidden(id: u64) -> RevisionMeta {
        RevisionMeta {
            text_deleted: true,
            ..rev(id, Some("Hider"))
        }
    }

    fn hosts(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|h| (*h).to_owned()).collect()
    }

    /// Feeds `(revision, hosts)` to a fresh tracker for one page.
    fn run(history: &[(RevisionMeta, &[&str])]) -> Vec<HostProvenance> {
        let mut t = ProvenanceTracker::new();
        for (r, h) in history {
            t.revision("MediaWiki:Gadget-x.js", r.clone(), &hosts(h));
        }
        t.finish_page()
    }

    fn only<'a>(out: &'a [HostProvenance], host: &str) -> &'a HostProvenance {
        let found: Vec<_> = out.iter().filter(|p| p.host == host).collect();
        assert_eq!(found.len(), 1, "{host} in {out:#?}");
        found[0]
    }

    #[test]
    fn host_added_in_a_later_revision() {
        let out = run(&[
            (rev(1, Some("A")), &[]),
            (rev(2, Some("B")), &["cdn.example"]),
            (rev(3, Some("C")), &["cdn.example"]),
        ]);
        let p = only(&out, "cdn.example");
        assert_eq!(p.page, "MediaWiki:Gadget-x.js");
        assert_eq!(p.introduced, rev(2, Some("B")));
        assert!(p.present_in_latest);
        assert_eq!(p.removed, None);
        assert_eq!(p.reintroduced, None);
    }

    #[test]
    fn host_removed_names_the_removing_revision() {
        let out = run(&[
            (rev(1, Some("A")), &["cdn.example", "fonts.example"]),
            (rev(2, Some("B")), &["fonts.example"]),
            (rev(3, Some("C")), &["fonts.example"]),
        ]);
        let p = only(&out, "cdn.example");
        assert_eq!(p.introduced, rev(1, Some("A")));
        assert!(!p.present_in_latest);
        assert_eq!(p.removed, Some(rev(2, Some("B"))));
        let f = only(&out, "fonts.example");
        assert!(f.present_in_latest && f.removed.is_none());
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn readded_host_keeps_its_earliest_introduction() {
        let out = run(&[
            (rev(1, Some("A")), &["cdn.example"]),
            (rev(2, Some("B")), &[]),
            (rev(3, Some("C")), &["cdn.example"]),
        ]);
        let p = only(&out, "cdn.example");
        assert_eq!(p.introduced, rev(1, Some("A")));
        assert_eq!(p.reintroduced, Some(rev(3, Some("C"))));
        assert!(p.present_in_latest);
        assert_eq!(p.removed, None);
    }

    #[test]
    fn removed_twice_names_the_last_removal() {
        let out = run(&[
            (rev(1, Some("A")), &["cdn.example"]),
            (rev(2, Some("B")), &[]),
            (rev(3, Some("C")), &["cdn.example"]),
            (rev(4, Some("D")), &[]),
            (rev(5, Some("E")), &[]),
        ]);
        let p = only(&out, "cdn.example");
        assert_eq!(p.introduced, rev(1, Some("A")));
        assert_eq!(p.removed, Some(rev(4, Some("D"))));
        assert!(!p.present_in_latest);
    }

    #[test]
    fn hidden_text_is_neither_a_removal_nor_an_addition() {
        let out = run(&[
            (rev(1, Some("A")), &["cdn.example"]),
            // The caller found no hosts in hidden text: it must not count.
            (hidden(2), &[]),
            (hidden(3), &["other.example"]),
            (rev(4, Some("D")), &["cdn.example"]),
        ]);
        let p = only(&out, "cdn.example");
        assert_eq!(p.introduced, rev(1, Some("A")));
        assert!(p.present_in_latest);
        assert_eq!(p.removed, None);
        assert_eq!(p.reintroduced, None);
        assert!(out.iter().all(|p| p.host != "other.example"));
    }

    #[test]
    fn hidden_latest_revision_leaves_the_last_readable_state() {
        let out = run(&[(rev(1, Some("A")), &["cdn.example"]), (hidden(2), &[])]);
        let p = only(&out, "cdn.example");
        assert!(p.present_in_latest);
        assert_eq!(p.removed, None);
    }

    #[test]
    fn hidden_contributor_stays_unnamed() {
        let out = run(&[(rev(1, Some("A")), &[]), (rev(2, None), &["cdn.example"])]);
        let p = only(&out, "cdn.example");
        assert_eq!(p.introduced.user, None);
        assert_eq!(p.introduced.id, 2);
    }

    #[test]
    fn single_revision() {
        let out = run(&[(rev(7, Some("A")), &["a.example", "b.example"])]);
        assert_eq!(out.len(), 2);
        assert!(
            out.iter()
                .all(|p| p.introduced.id == 7 && p.present_in_latest)
        );
        assert!(run(&[(rev(1, Some("A")), &[])]).is_empty());
        assert!(run(&[]).is_empty());
    }

    #[test]
    fn pages_do_not_leak_into_each_other() {
        let mut t = ProvenanceTracker::new();
        t.revision("A.js", rev(1, Some("A")), &hosts(&["a.example"]));
        let a = t.finish_page();
        t.revision("B.js", rev(2, Some("B")), &hosts(&["b.example"]));
        let b = t.finish_page();
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].page.as_str(), a[0].host.as_str()),
            ("A.js", "a.example")
        );
        assert_eq!(b.len(), 1);
        assert_eq!(
            (b[0].page.as_str(), b[0].host.as_str()),
            ("B.js", "b.example")
        );
    }

    #[test]
    fn a_new_title_without_finish_page_loses_nothing() {
        let mut t = ProvenanceTracker::new();
        t.revision("A.js", rev(1, Some("A")), &hosts(&["a.example"]));
        t.revision("B.js", rev(2, Some("B")), &hosts(&["b.example"]));
        let out = t.finish_page();
        let pages: Vec<_> = out
            .iter()
            .map(|p| (p.page.as_str(), p.host.as_str()))
            .collect();
        assert_eq!(pages, [("A.js", "a.example"), ("B.js", "b.example")]);
        assert!(t.finish_page().is_empty());
    }
}
