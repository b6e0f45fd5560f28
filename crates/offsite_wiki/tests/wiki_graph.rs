//! The import graph of a small wiki written as real gadget and user-script
//! code (`tests/fixtures/wiki/`), scanned by the real detector.

use std::path::Path;

use offsite_model::Language;
use offsite_wiki::{
    EdgeKind, EntryKind, Exposure, ExposureOptions, GadgetUsage, GraphInput, ImportGraph,
    Namespaces, Node, PageLoads, WikiId, parse_legacy,
};

const EN: &str = "en.wikipedia.org";
const META: &str = "meta.wikimedia.org";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wiki")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn pages() -> Vec<PageLoads> {
    fixture("pages.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let [wiki, title, file] = cols[..] else {
                panic!("bad manifest line {line:?}")
            };
            let language = Language::from_name(file).expect("known extension");
            let detection = offsite_detect::detect(
                &fixture(file),
                language,
                &offsite_detect::Options::default(),
            );
            let page = PageLoads::new(title, detection.loads.iter().map(Into::into));
            if wiki.is_empty() {
                page
            } else {
                page.on_wiki(wiki)
            }
        })
        .collect()
}

fn graph() -> ImportGraph {
    let defs = parse_legacy(&fixture("Gadgets-definition.wiki"));
    assert!(defs.errors.is_empty(), "{:#?}", defs.errors);
    let wiki = WikiId::wikimedia(EN, "enwiki");
    let namespaces = Namespaces::english().with_project_name("Wikipedia");
    let pages = pages();
    ImportGraph::build(GraphInput {
        wiki: &wiki,
        namespaces: &namespaces,
        pages: &pages,
        gadgets: &defs.gadgets,
    })
}

fn page(wiki: &str, title: &str) -> Node {
    Node::Page {
        wiki: wiki.into(),
        title: title.into(),
    }
}

fn gadget(name: &str) -> Node {
    Node::Gadget { name: name.into() }
}

fn url(u: &str) -> Node {
    Node::External { url: u.into() }
}

fn has_edge(g: &ImportGraph, from: &Node, to: &Node, kind: EdgeKind) -> bool {
    let (Some(f), Some(t)) = (g.node_id(from), g.node_id(to)) else {
        return false;
    };
    g.edges()
        .iter()
        .any(|e| e.from == f && e.to == t && e.kind == kind)
}

#[test]
fn edges_of_every_kind() {
    let g = graph();
    let cases = [
        (
            page(EN, "MediaWiki:Common.js"),
            page(EN, "MediaWiki:Common.js/edit.js"),
            EdgeKind::Import,
        ),
        (
            page(EN, "MediaWiki:Common.js/edit.js"),
            gadget("libJQuery"),
            EdgeKind::ModuleLoad,
        ),
        (
            gadget("ReferenceTooltips"),
            page(EN, "MediaWiki:Gadget-ReferenceTooltips.js"),
            EdgeKind::GadgetPage,
        ),
        (
            gadget("ReferenceTooltips"),
            gadget("libJQuery"),
            EdgeKind::Dependency,
        ),
        (
            gadget("ReferenceTooltips"),
            Node::Module {
                name: "mediawiki.util".into(),
            },
            EdgeKind::Dependency,
        ),
        (
            gadget("ReferenceTooltips"),
            gadget("ReferenceTooltips-styles"),
            EdgeKind::Peer,
        ),
        (
            page(EN, "User:Alice/common.js"),
            page(META, "User:Dave/shared.js"),
            EdgeKind::CrossWiki,
        ),
        (
            page(META, "User:Erin/global.js"),
            page(META, "User:Erin/global-tools.js"),
            EdgeKind::CrossWiki,
        ),
        // importScript in a page stored on Meta runs on the viewing wiki.
        (
            page(META, "User:Erin/global-tools.js"),
            page(EN, "User:Bob/twinkle fork.js"),
            EdgeKind::Import,
        ),
        (
            page(EN, "User:Bob/common.js"),
            page(EN, "User:Bob/twinkle fork.js"),
            EdgeKind::Import,
        ),
        (
            page(EN, "MediaWiki:Gadget-ReferenceTooltips.js"),
            url("https://cdn.jsdelivr.net/npm/tippy.js@6/dist/tippy-bundle.umd.min.js"),
            EdgeKind::External,
        ),
        (
            page(EN, "MediaWiki:Common.css"),
            url("https://fonts.googleapis.com/css2?family=Roboto&display=swap"),
            EdgeKind::External,
        ),
    ];
    for (from, to, kind) in cases {
        assert!(
            has_edge(&g, &from, &to, kind),
            "missing {kind:?} edge {} -> {}",
            from.label(),
            to.label()
        );
    }
    assert!(g.unresolved().is_empty(), "{:#?}", g.unresolved());
}

#[test]
fn entry_points_are_classified() {
    let g = graph();
    let kind = |n: &Node| g.node_id(n).and_then(|id| g.entry_kind(id)).cloned();
    assert_eq!(
        kind(&page(EN, "MediaWiki:Common.css")),
        Some(EntryKind::Site {
            page: "MediaWiki:Common.css".into()
        })
    );
    assert_eq!(
        kind(&page(EN, "MediaWiki:Group-sysop.js")),
        Some(EntryKind::Group {
            group: "sysop".into()
        })
    );
    assert_eq!(
        kind(&page(EN, "User:Alice/common.js")),
        Some(EntryKind::User {
            user: "Alice".into()
        })
    );
    assert_eq!(
        kind(&page(META, "User:Erin/global.js")),
        Some(EntryKind::GlobalUser {
            user: "Erin".into()
        })
    );
    assert_eq!(kind(&gadget("Translate")), Some(EntryKind::Gadget));
    assert_eq!(kind(&page(EN, "User:Bob/twinkle fork.js")), None);
    assert_eq!(kind(&page(META, "User:Dave/shared.js")), None);
}

#[test]
fn cycle_between_alice_and_bob() {
    let g = graph();
    let alice = g.node_id(&page(EN, "User:Alice/common.js")).expect("alice");
    let bob = g.node_id(&page(EN, "User:Bob/common.js")).expect("bob");
    let mut want = vec![alice, bob];
    want.sort_unstable();
    assert_eq!(g.cycles(), vec![want]);
}

#[test]
fn depths_and_orphans() {
    let g = graph();
    let depths = g.depths();
    let depth = |n: &Node| g.node_id(n).and_then(|id| depths[id]);
    assert_eq!(depth(&page(EN, "MediaWiki:Common.js")), Some(0));
    assert_eq!(depth(&gadget("libJQuery")), Some(0));
    assert_eq!(depth(&page(EN, "User:Bob/twinkle fork.js")), Some(1));
    assert_eq!(
        depth(&url("https://code.jquery.com/ui/1.13.2/jquery-ui.min.js")),
        Some(2)
    );
    let orphans: Vec<String> = g
        .orphans()
        .iter()
        .map(|&id| g.nodes()[id].label())
        .collect();
    assert_eq!(
        orphans,
        [
            "en.wikipedia.org:User:Frank/old-experiment.js",
            "https://evil.example.net/x.js"
        ]
    );
}

#[test]
fn chains_to_a_third_party_script() {
    let g = graph();
    let chains = g.chains_to(&url("https://code.jquery.com/ui/1.13.2/jquery-ui.min.js"));
    let labels: Vec<Vec<String>> = chains
        .iter()
        .map(|c| c.iter().map(Node::label).collect())
        .collect();
    let fork = "en.wikipedia.org:User:Bob/twinkle fork.js";
    let jq = "https://code.jquery.com/ui/1.13.2/jquery-ui.min.js";
    let bob = "en.wikipedia.org:User:Bob/common.js";
    let alice = "en.wikipedia.org:User:Alice/common.js";
    let erin = "meta.wikimedia.org:User:Erin/global.js";
    let tools = "meta.wikimedia.org:User:Erin/global-tools.js";
    assert_eq!(
        labels,
        vec![
            vec![bob, fork, jq],
            vec![alice, bob, fork, jq],
            vec![erin, tools, fork, jq],
        ]
    );
    assert!(
        g.chains_to(&url("https://evil.example.net/x.js"))
            .is_empty()
    );
    assert!(g.chains_to(&url("https://not.in.graph/")).is_empty());
}

#[test]
fn exposure_for_each_case() {
    let g = graph();
    let options = ExposureOptions {
        usage: vec![GadgetUsage {
            gadget: "Translate".into(),
            users: 1234,
            active_users: 200,
        }],
        ..Default::default()
    };
    let ex = g.exposures(&options);
    let of = |n: &Node| {
        ex.of(&g, n)
            .unwrap_or_else(|| panic!("{} not in graph", n.label()))
            .exposure
            .clone()
    };
    // Site scripts and default gadgets without rights: every reader.
    assert_eq!(
        of(&page(EN, "MediaWiki:Common.js/edit.js")),
        Exposure::EveryReader
    );
    assert_eq!(
        of(&url(
            "https://cdn.jsdelivr.net/npm/tippy.js@6/dist/tippy-bundle.umd.min.js"
        )),
        Exposure::EveryReader
    );
    // Hidden library gadget reached through a default gadget's dependency.
    assert_eq!(
        of(&page(EN, "MediaWiki:Gadget-libJQuery.js")),
        Exposure::EveryReader
    );
    assert_eq!(
        of(&page(EN, "MediaWiki:Gadget-ReferenceTooltips.css")),
        Exposure::EveryReader
    );
    // Default gadget restricted by rights.
    assert_eq!(
        of(&url(
            "https://sysop-tools.toolforge.org/static/sysop-tools.js"
        )),
        Exposure::LoggedIn {
            rights: vec!["delete+block".into()],
            groups: vec![]
        }
    );
    // Group page.
    assert_eq!(
        of(&url("https://unpkg.com/lodash@4.17.21/lodash.min.js")),
        Exposure::LoggedIn {
            rights: vec![],
            groups: vec!["sysop".into()]
        }
    );
    // Opt-in gadget with usage figures.
    assert_eq!(
        of(&url(
            "https://translate.googleapis.com/translate_a/single?client=gtx&sl=auto&tl=en"
        )),
        Exposure::Users {
            count: 1234,
            uncounted: false
        }
    );
    // Users: Alice and Bob import each other; Erin's global.js reaches Bob's fork too.
    assert_eq!(
        of(&page(META, "User:Dave/shared.js")),
        Exposure::Users {
            count: 2,
            uncounted: false
        }
    );
    assert_eq!(
        of(&page(EN, "User:Bob/twinkle fork.js")),
        Exposure::Users {
            count: 3,
            uncounted: false
        }
    );
    let fork = ex
        .of(&g, &page(EN, "User:Bob/twinkle fork.js"))
        .expect("fork");
    assert_eq!(fork.users, ["Alice", "Bob", "Erin"]);
    // The widest wins: mediawiki.api is a dependency of an opt-in gadget and
    // used by user scripts; mediawiki.util also by a default gadget.
    assert_eq!(
        of(&Node::Module {
            name: "mediawiki.api".into()
        }),
        Exposure::Users {
            count: 1237,
            uncounted: false
        }
    );
    assert_eq!(
        of(&Node::Module {
            name: "mediawiki.util".into()
        }),
        Exposure::EveryReader
    );
    // Orphan.
    assert_eq!(of(&url("https://evil.example.net/x.js")), Exposure::Nobody);
}

#[test]
fn dot_snapshot() {
    insta::assert_snapshot!(graph().to_dot());
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(graph().to_json());
}
