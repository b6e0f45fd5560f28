//! Exposure: who runs a page (and so every load in it), worked out from the
//! entry points that reach it in the [`ImportGraph`].
//!
//! | entry point | exposure |
//! |---|---|
//! | site JS/CSS (`Common`, skin, `Mobile`, `Print`) | every reader |
//! | default gadget, no `rights` (or only rights logged-out readers hold) | every reader |
//! | default gadget with `rights` | logged-in users with those rights |
//! | `MediaWiki:Group-<g>.js` or `.css` | logged-in members of `<g>` |
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

pub use offsite_model::RankKey;
use offsite_model::{Consent, ExposureKind, LoadExposure, ReportedLoad, Sink};
use serde::{Deserialize, Serialize};

use crate::graph::{EntryKind, ImportGraph, Node};
use crate::inventory::exposure_label;

/// Who runs a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "kebab-case")]
pub enum Exposure {
    /// No entry point reaches it.
    Nobody,
    /// This many users (gadget usage plus users whose own scripts reach it).
    Users {
        count: u64,
        /// An opt-in gadget reaches the page but no usage figures were
        /// given (a dump carries none): `count` is a lower bound.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        uncounted: bool,
    },
    /// Logged-in users holding any of these rights sets or groups. Both
    /// empty never happens; `groups` containing `user` means every logged-in user.
    LoggedIn {
        rights: Vec<String>,
        groups: Vec<String>,
    },
    /// Every reader, logged out included.
    EveryReader,
}

impl Exposure {
    /// Users who run the page: the count for [`Exposure::Users`] (none when
    /// it is 0 only because no usage figures were given), 0 for
    /// [`Exposure::Nobody`], none where nobody counts (every reader,
    /// logged-in users).
    pub fn users(&self) -> Option<u64> {
        match self {
            Exposure::Users { count, uncounted } => (*count > 0 || !uncounted).then_some(*count),
            Exposure::Nobody => Some(0),
            Exposure::EveryReader | Exposure::LoggedIn { .. } => None,
        }
    }
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
    /// Some opt-in gadget has no usage figure.
    uncounted: bool,
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
                        uncounted: a.uncounted,
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
                    } else if usage.is_empty() {
                        // No figures at all (a dump); with figures, a
                        // gadget missing from Special:GadgetUsage has none.
                        a.uncounted = true;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Sort key for reports: exposure × sink severity × consent, sort
/// descending (see [`RankKey`]).
pub fn rank_key(exposure: &Exposure, sink: Sink, consent: Consent) -> RankKey {
    RankKey::new(&LoadExposure::from(exposure), sink, consent)
}

impl From<&Exposure> for LoadExposure {
    /// The exposure alone; [`expose_loads`] adds where it comes from.
    fn from(exposure: &Exposure) -> Self {
        let label = exposure_label(exposure);
        let users = exposure.users();
        match exposure {
            Exposure::EveryReader => Self::new(ExposureKind::EveryReader, label),
            Exposure::Nobody => Self {
                users,
                ..Self::new(ExposureKind::Nobody, label)
            },
            Exposure::Users { .. } => Self {
                users,
                ..Self::new(ExposureKind::Users, label)
            },
            Exposure::LoggedIn { rights, groups } => Self {
                rights: rights.clone(),
                groups: groups.clone(),
                ..Self::new(ExposureKind::LoggedIn, label)
            },
        }
    }
}

impl From<&NodeExposure> for LoadExposure {
    fn from(node: &NodeExposure) -> Self {
        Self {
            entry_points: node.entry_points.len(),
            depth: node.depth,
            url_loadable: node.url_loadable,
            ..Self::from(&node.exposure)
        }
    }
}

/// Gives every load the exposure of the page it is in: the page of its
/// `source.title` on the graph's wiki, looked up the way the graph
/// normalises titles. A load whose page is not in the graph (or that has no
/// title) gets [`ExposureKind::Unknown`].
pub fn expose_loads(graph: &ImportGraph, exposures: &Exposures, loads: &mut [ReportedLoad]) {
    let mut by_title: BTreeMap<String, LoadExposure> = BTreeMap::new();
    for load in loads {
        let Some(title) = load.source.title.as_deref() else {
            load.exposure = Some(LoadExposure::unknown());
            continue;
        };
        let exposure = by_title
            .entry(title.to_owned())
            .or_insert_with(|| {
                exposures
                    .of(graph, &graph.page(None, title))
                    .map_or_else(LoadExposure::unknown, LoadExposure::from)
            })
            .clone();
        load.exposure = Some(exposure);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_without_figures_are_not_counted_as_zero() {
        let uncounted = |count| Exposure::Users {
            count,
            uncounted: true,
        };
        assert_eq!(exposure_label(&uncounted(0)), "opt-in users (not counted)");
        assert_eq!(exposure_label(&uncounted(2)), "at least 2 users");
        assert_eq!(LoadExposure::from(&uncounted(0)).users, None);
        assert_eq!(LoadExposure::from(&uncounted(2)).users, Some(2));
        let counted = Exposure::Users {
            count: 0,
            uncounted: false,
        };
        assert_eq!(exposure_label(&counted), "0 users");
        assert_eq!(LoadExposure::from(&counted).users, Some(0));
    }

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
            &Exposure::Users {
                count: 5000,
                uncounted: false,
            },
            Sink::Image,
            Consent::Gated,
        );
        let few = rank_key(
            &Exposure::Users {
                count: 3,
                uncounted: false,
            },
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

    /// A reported load in `title` (its target does not matter here).
    fn reported(title: Option<&str>, sink: Sink) -> ReportedLoad {
        ReportedLoad {
            source: offsite_model::Source {
                title: title.map(str::to_owned),
                ..offsite_model::Source::default()
            },
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            api: "mw.loader.load".into(),
            sink,
            directive: sink.directive(),
            url: None,
            host: None,
            page: None,
            modules: Vec::new(),
            tier: offsite_model::Tier::ThirdParty,
            entity: None,
            resolution: offsite_model::Resolution::Literal,
            dynamic_expr: None,
            consent: Consent::Ungated,
            consent_kind: None,
            consent_reason: None,
            findings: Vec::new(),
            exposure: None,
            snippet: None,
        }
    }

    #[test]
    fn loads_get_the_exposure_of_their_page() {
        use crate::graph::{GraphInput, LoadRef, PageLoads, WikiId};
        use crate::title::Namespaces;
        use offsite_model::Load;

        let import = |title: &str| {
            let mut l = Load::new(0, 1, "importScript", Sink::Script);
            l.same_wiki = true;
            l.page = Some(title.to_owned());
            LoadRef::from(&l)
        };
        let pages = [
            PageLoads::new("MediaWiki:Gadget-Maps.js", []),
            PageLoads::new("MediaWiki:Gadget-Fonts.js", []),
            PageLoads::new("User:Alice/common.js", [import("User:Bob/tool.js")]),
            PageLoads::new("User:Bob/tool.js", []),
            PageLoads::new("User:Old/unused.js", []),
            PageLoads::new("MediaWiki:Group-sysop.js", []),
        ];
        let gadgets = crate::parse_legacy(
            "* Maps[ResourceLoader|default|supportsUrlLoad]|Maps.js\n* Fonts[ResourceLoader]|Fonts.js\n",
        )
        .gadgets;
        let wiki = WikiId::new("test.example.org");
        let graph = ImportGraph::build(GraphInput {
            wiki: &wiki,
            namespaces: &Namespaces::english(),
            pages: &pages,
            gadgets: &gadgets,
        });
        let exposures = graph.exposures(&ExposureOptions {
            usage: vec![GadgetUsage {
                gadget: "Fonts".into(),
                users: 40,
                active_users: 7,
            }],
            ..ExposureOptions::default()
        });
        let mut loads = vec![
            reported(Some("MediaWiki:Gadget-Maps.js"), Sink::Script),
            reported(Some("MediaWiki:Gadget-Fonts.js"), Sink::Style),
            // Lower-case first letter and underscores: the graph's title rules.
            reported(Some("user:Bob/tool.js"), Sink::Fetch),
            reported(Some("User:Old/unused.js"), Sink::Script),
            reported(Some("MediaWiki:Group-sysop.js"), Sink::Script),
            reported(Some("User:Never/scanned.js"), Sink::Script),
            reported(None, Sink::Script),
        ];
        expose_loads(&graph, &exposures, &mut loads);
        let got: Vec<(ExposureKind, String, Option<u64>)> = loads
            .iter()
            .map(|l| {
                let e = l.exposure.as_ref().expect("every load gets one");
                (e.kind, e.label.clone(), e.users)
            })
            .collect();
        assert_eq!(
            got,
            [
                (ExposureKind::EveryReader, "every reader".into(), None),
                (ExposureKind::Users, "40 users".into(), Some(40)),
                (ExposureKind::Users, "1 user".into(), Some(1)),
                (ExposureKind::Nobody, "nobody".into(), Some(0)),
                (
                    ExposureKind::LoggedIn,
                    "logged-in (groups: sysop)".into(),
                    None
                ),
                (ExposureKind::Unknown, "unknown".into(), None),
                (ExposureKind::Unknown, "unknown".into(), None),
            ]
        );
        let maps = loads[0].exposure.as_ref().expect("maps");
        assert!(maps.url_loadable, "supportsUrlLoad");
        assert_eq!((maps.entry_points, maps.depth), (1, Some(1)));
        let bob = loads[2].exposure.as_ref().expect("bob");
        assert_eq!((bob.entry_points, bob.depth), (1, Some(1)));
        assert_eq!(loads[4].exposure.as_ref().expect("sysop").groups, ["sysop"]);

        let mut ranks: Vec<(RankKey, usize)> = loads
            .iter()
            .enumerate()
            .map(|(i, l)| (l.rank_key().expect("ranked"), i))
            .collect();
        ranks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let order: Vec<usize> = ranks.iter().map(|r| r.1).collect();
        assert_eq!(order, [0, 4, 1, 2, 3, 5, 6]);
    }
}
