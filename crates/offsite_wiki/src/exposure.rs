//! Exposure: who runs a page (and so every load in it), worked out from the
//! entry points that reach it in the [`ImportGraph`].
//!
//! | entry point | exposure |
//! |---|---|
//! | site JS/CSS (`Common`, skin, `Mobile`, `Print`) | every reader |
//! | default gadget, no `rights` (or only rights logged-out readers hold) | every reader |
//! | default gadget with `rights` | logged-in users with those rights |
//! | `MediaWiki:Group-<g>.js|css` | logged-in members of `<g>` |
//! | non-default gadget | its users (from [`GadgetUsage`], else 0) |
//! | `User:X/common.js`, skin files, `global.js` | user X |
//! | nothing | nobody |
//!
//! A page reached several ways gets the widest: every reader > logged-in >
//! users (counted) > nobody. The user count adds the distinct users whose own
//! scripts reach the page to the usage of the non-default gadgets that reach
//! it; a user who both enabled the gadget and imports the page counts twice,
//! so the count is an upper bound.

use std::collections::{BTreeMap, BTreeSet};

use offsite_model::{Consent, Sink};
use serde::{Deserialize, Serialize};

use crate::graph::{EntryKind, ImportGraph, Node};

/// Who runs a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "kebab-case")]
pub enum Exposure {
    /// No entry point reaches it.
    Nobody,
    /// This many users (gadget usage plus users whose own scripts reach it).
    Users { count: u64 },
    /// Logged-in users holding any of these rights sets or groups. Both
    /// empty never happens; `groups` containing `user` means every logged-in user.
    LoggedIn {
        rights: Vec<String>,
        groups: Vec<String>,
    },
    /// Every reader, logged out included.
    EveryReader,
}

/// A gadget's figures from `Special:GadgetUsage`
/// (`list=querypage&qppage=GadgetUsage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GadgetUsage {
    pub gadget: String,
    pub users: u64,
    pub active_users: u64,
}

/// Settings for [`ImportGraph::exposures`].
#[derive(Debug, Clone)]
pub struct ExposureOptions {
    pub usage: Vec<GadgetUsage>,
    /// Rights logged-out readers hold: a default gadget that requires only
    /// these still runs for every reader. Defaults to core's
    /// `$wgGroupPermissions['*']`.
    pub anonymous_rights: BTreeSet<String>,
}

impl Default for ExposureOptions {
    fn default() -> Self {
        let anon = [
            "createaccount",
            "read",
            "edit",
            "createpage",
            "createtalk",
            "viewmyprivateinfo",
            "editmyprivateinfo",
            "editmyoptions",
        ];
        Self {
            usage: Vec::new(),
            anonymous_rights: anon.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// The exposure of one node and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeExposure {
    pub exposure: Exposure,
    /// Fewest loads from an entry point.
    pub depth: Option<u32>,
    /// The entry points that reach the node (node ids).
    pub entry_points: Vec<usize>,
    /// Distinct users whose own scripts reach it.
    pub users: Vec<String>,
    /// Total usage of the non-default gadgets that reach it.
    pub gadget_users: u64,
    pub active_gadget_users: u64,
    /// Some gadget that reaches it can be loaded by any reader with
    /// `?withgadget=` (`supportsUrlLoad`), e.g. through a crafted link.
    pub url_loadable: bool,
}

/// Exposure of every node of a graph.
#[derive(Debug, Clone, Serialize)]
pub struct Exposures {
    pub nodes: Vec<NodeExposure>,
}

impl Exposures {
    pub fn of(&self, graph: &ImportGraph, node: &Node) -> Option<&NodeExposure> {
        graph.node_id(node).and_then(|id| self.nodes.get(id))
    }
}

#[derive(Default)]
struct Audience {
    every: bool,
    rights: BTreeSet<String>,
    groups: BTreeSet<String>,
    users: BTreeSet<String>,
    gadget_users: u64,
    active: u64,
    opt_in: bool,
    url_loadable: bool,
}

impl ImportGraph {
    /// Exposure of every node (index = node id).
    pub fn exposures(&self, options: &ExposureOptions) -> Exposures {
        let usage: BTreeMap<&str, &GadgetUsage> = options
            .usage
            .iter()
            .map(|u| (u.gadget.as_str(), u))
            .collect();
        let depths = self.depths();
        let reached = self.reached_by();
        let nodes = reached
            .iter()
            .enumerate()
            .map(|(id, entries)| {
                let mut a = Audience::default();
                for &entry in entries {
                    self.add_entry(&mut a, entry, &usage, options);
                }
                let exposure = if a.every {
                    Exposure::EveryReader
                } else if !a.rights.is_empty() || !a.groups.is_empty() {
                    Exposure::LoggedIn {
                        rights: a.rights.iter().cloned().collect(),
                        groups: a.groups.iter().cloned().collect(),
                    }
                } else if a.opt_in || !a.users.is_empty() {
                    Exposure::Users {
                        count: (a.users.len() as u64).saturating_add(a.gadget_users),
                    }
                } else {
                    Exposure::Nobody
                };
                NodeExposure {
                    exposure,
                    depth: depths[id],
                    entry_points: entries.clone(),
                    users: a.users.into_iter().collect(),
                    gadget_users: a.gadget_users,
                    active_gadget_users: a.active,
                    url_loadable: a.url_loadable,
                }
            })
            .collect();
        Exposures { nodes }
    }

    fn add_entry(
        &self,
        a: &mut Audience,
        entry: usize,
        usage: &BTreeMap<&str, &GadgetUsage>,
        options: &ExposureOptions,
    ) {
        match (self.entry_kind(entry), &self.nodes()[entry]) {
            (Some(EntryKind::Site { .. }), _) => a.every = true,
            (Some(EntryKind::Group { group }), _) => {
                a.groups.insert(group.clone());
            }
            (Some(EntryKind::User { user } | EntryKind::GlobalUser { user }), _) => {
                a.users.insert(user.clone());
            }
            (Some(EntryKind::Gadget), Node::Gadget { name }) => {
                let Some(def) = self.gadget(name) else {
                    // Named as a dependency but not defined: loads nothing.
                    return;
                };
                a.url_loadable |= def.supports_url_load;
                if def.default {
                    let anon = def
                        .rights
                        .iter()
                        .all(|r| options.anonymous_rights.contains(r));
                    if anon {
                        a.every = true;
                    } else {
                        a.rights.insert(def.rights.join("+"));
                    }
                } else {
                    a.opt_in = true;
                    if let Some(u) = usage.get(name.as_str()) {
                        a.gadget_users = a.gadget_users.saturating_add(u.users);
                        a.active = a.active.saturating_add(u.active_users);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Sort key for reports: sort descending. Lexicographic on
/// (exposure level, user count, sink severity, consent), so every reader >
/// all logged-in users > logged-in users with some right or group > N users
/// (by N) > nobody; within a level, executable sinks before styles and
/// frames, before data and fonts, before images; ungated before unknown
/// before gated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RankKey {
    /// 4 every reader, 3 all logged-in, 2 some logged-in, 1 users, 0 nobody.
    pub exposure: u8,
    /// Users for the users level, else 0.
    pub users: u64,
    /// 4 script/JSONP/worker, 3 style/iframe, 2 data/font/form, 1 image/media/other, 0 module.
    pub sink: u8,
    /// 2 ungated, 1 unknown, 0 gated.
    pub consent: u8,
}

pub fn rank_key(exposure: &Exposure, sink: Sink, consent: Consent) -> RankKey {
    let (level, users) = match exposure {
        Exposure::EveryReader => (4, 0),
        Exposure::LoggedIn { groups, .. } if groups.iter().any(|g| g == "user") => (3, 0),
        Exposure::LoggedIn { .. } => (2, 0),
        Exposure::Users { count } => (1, *count),
        Exposure::Nobody => (0, 0),
    };
    RankKey {
        exposure: level,
        users,
        sink: sink_severity(sink),
        consent: match consent {
            Consent::Ungated => 2,
            Consent::Unknown => 1,
            Consent::Gated => 0,
        },
    }
}

fn sink_severity(sink: Sink) -> u8 {
    match sink {
        Sink::Script | Sink::Jsonp | Sink::Worker => 4,
        Sink::Style | Sink::Iframe => 3,
        Sink::Fetch
        | Sink::Xhr
        | Sink::Websocket
        | Sink::Eventsource
        | Sink::Beacon
        | Sink::Font
        | Sink::Form => 2,
        Sink::Image | Sink::Media | Sink::Prefetch | Sink::Other => 1,
        Sink::Module => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_orders_levels_then_users_then_sink_then_consent() {
        let every = rank_key(&Exposure::EveryReader, Sink::Image, Consent::Gated);
        let all_logged = rank_key(
            &Exposure::LoggedIn {
                rights: vec![],
                groups: vec!["user".into()],
            },
            Sink::Script,
            Consent::Ungated,
        );
        let sysops = rank_key(
            &Exposure::LoggedIn {
                rights: vec![],
                groups: vec!["sysop".into()],
            },
            Sink::Script,
            Consent::Ungated,
        );
        let many = rank_key(
            &Exposure::Users { count: 5000 },
            Sink::Image,
            Consent::Gated,
        );
        let few = rank_key(
            &Exposure::Users { count: 3 },
            Sink::Script,
            Consent::Ungated,
        );
        let nobody = rank_key(&Exposure::Nobody, Sink::Script, Consent::Ungated);
        assert!(every > all_logged && all_logged > sysops && sysops > many);
        assert!(many > few && few > nobody);
        let script = rank_key(&Exposure::EveryReader, Sink::Script, Consent::Gated);
        let style = rank_key(&Exposure::EveryReader, Sink::Style, Consent::Ungated);
        assert!(script > style && style > every);
        let ungated = rank_key(&Exposure::Nobody, Sink::Fetch, Consent::Ungated);
        let unknown = rank_key(&Exposure::Nobody, Sink::Fetch, Consent::Unknown);
        let gated = rank_key(&Exposure::Nobody, Sink::Fetch, Consent::Gated);
        assert!(ungated > unknown && unknown > gated);
    }
}
