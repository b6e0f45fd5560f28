use offsite_model::{Consent, Load, Sink};

use super::*;
use crate::definition::parse_legacy;
use crate::exposure::{Exposure, ExposureOptions};

const EN: &str = "en.wikipedia.org";

fn import(title: &str) -> LoadRef {
    let mut l = Load::new(0, 1, "importScript", Sink::Script);
    l.same_wiki = true;
    l.page = Some(title.to_owned());
    (&l).into()
}

fn url(u: &str) -> LoadRef {
    (&Load::new(0, 1, "mw.loader.load", Sink::Script).with_url(u)).into()
}

fn build(pages: &[PageLoads], defs: &str) -> ImportGraph {
    let wiki = WikiId::wikimedia("en.m.wikipedia.org", "enwiki");
    let gadgets = parse_legacy(defs).gadgets;
    ImportGraph::build(GraphInput {
        wiki: &wiki,
        namespaces: &Namespaces::english(),
        pages,
        gadgets: &gadgets,
    })
}

fn page(title: &str) -> Node {
    Node::Page {
        wiki: EN.into(),
        title: title.into(),
    }
}

#[test]
fn hosts_are_canonical() {
    assert_eq!(canonical_host("EN.M.Wikipedia.org."), EN);
    assert_eq!(canonical_host("m.wikidata.org"), "www.wikidata.org");
    assert_eq!(canonical_host("localhost:8080"), "localhost");
    assert_eq!(canonical_host("m.org"), "m.org");
}

#[test]
fn mobile_and_absolute_urls_to_this_wiki_are_raw_loads() {
    let mut load = Load::new(0, 1, "mw.loader.load", Sink::Script)
        .with_url("https://en.m.wikipedia.org/w/index.php?title=User:B/x.js&action=raw");
    load.page = Some("User:B/x.js".into());
    let pages = [PageLoads::new("User:A/common.js", [(&load).into()])];
    let g = build(&pages, "");
    let a = g.node_id(&page("User:A/common.js")).expect("a");
    let b = g.node_id(&page("User:B/x.js")).expect("b");
    assert!(
        g.edges()
            .iter()
            .any(|e| e.from == a && e.to == b && e.kind == EdgeKind::RawLoad)
    );
    assert!(!g.is_known(b), "named but not scanned");
    assert!(g.is_known(a));
}

#[test]
fn dynamic_targets_are_unresolved_not_dropped() {
    let mut dynamic_page = Load::new(0, 1, "importScript", Sink::Script);
    dynamic_page.same_wiki = true;
    dynamic_page.page = Some(format!("User:{DYNAMIC}/x.js"));
    let unknown_host =
        Load::new(0, 1, "mw.loader.load", Sink::Script).with_url(format!("{DYNAMIC}/x.js"));
    let nothing = Load::new(0, 1, "fetch", Sink::Fetch);
    let pages = [PageLoads::new(
        "User:A/common.js",
        [
            (&dynamic_page).into(),
            (&unknown_host).into(),
            (&nothing).into(),
        ],
    )];
    let g = build(&pages, "");
    assert_eq!(g.unresolved().len(), 3, "{:#?}", g.unresolved());
    assert_eq!(g.nodes().len(), 1);
}

#[test]
fn self_import_is_a_cycle_and_chains_stop() {
    let pages = [PageLoads::new(
        "User:A/common.js",
        [import("User:A/common.js"), url("https://x.example/a.js")],
    )];
    let g = build(&pages, "");
    assert_eq!(g.cycles(), vec![vec![0]]);
    let chains = g.chains_to(&Node::External {
        url: "https://x.example/a.js".into(),
    });
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].len(), 2);
}

#[test]
fn long_import_chain_does_not_overflow() {
    let n = 5000;
    let pages: Vec<PageLoads> = (0..n)
        .map(|i| {
            let title = if i == 0 {
                "User:A/common.js".to_owned()
            } else {
                format!("User:A/{i}.js")
            };
            PageLoads::new(title, [import(&format!("User:A/{}.js", i + 1))])
        })
        .collect();
    let g = build(&pages, "");
    let depths = g.depths();
    let last = g.node_id(&page(&format!("User:A/{n}.js"))).expect("last");
    assert_eq!(depths[last], Some(u32::try_from(n).expect("small")));
    assert!(g.cycles().is_empty());
    // Chains longer than the bound are not reported.
    assert!(g.chains_to(&page(&format!("User:A/{n}.js"))).is_empty());
    assert_eq!(g.chains_to(&page("User:A/3.js")).len(), 1);
}

#[test]
fn chains_are_bounded() {
    // A ladder of diamonds has 2^k paths.
    let mut pages = vec![PageLoads::new(
        "User:A/common.js",
        [import("User:A/l0.js"), import("User:A/r0.js")],
    )];
    for i in 0..12 {
        for side in ["l", "r"] {
            pages.push(PageLoads::new(
                format!("User:A/{side}{i}.js"),
                [
                    import(&format!("User:A/l{}.js", i + 1)),
                    import(&format!("User:A/r{}.js", i + 1)),
                ],
            ));
        }
    }
    let g = build(&pages, "");
    let chains = g.chains_to(&page("User:A/l12.js"));
    assert_eq!(chains.len(), MAX_CHAINS);
    assert!(chains.iter().all(|c| c.len() <= MAX_CHAIN_LEN));
}

#[test]
fn default_gadget_with_anonymous_rights_reaches_every_reader() {
    let defs = "* A[ResourceLoader|default|rights=edit]|A.js\n* B[ResourceLoader|default|rights=edit,delete]|B.js\n* C|C.js\n* D[ResourceLoader|dependencies=ext.gadget.Missing]|D.js";
    let pages = [PageLoads::new(
        "MediaWiki:Gadget-A.js",
        [LoadRef {
            consent: Consent::Gated,
            ..url("https://a.example/x.js")
        }],
    )];
    let g = build(&pages, defs);
    let ex = g.exposures(&ExposureOptions::default());
    let of = |n: &Node| ex.of(&g, n).map(|e| e.exposure.clone());
    assert_eq!(
        of(&page("MediaWiki:Gadget-A.js")),
        Some(Exposure::EveryReader)
    );
    assert!(matches!(
        of(&page("MediaWiki:Gadget-B.js")),
        Some(Exposure::LoggedIn { .. })
    ));
    // Opt-in gadget without usage figures: reachable, count unknown.
    assert_eq!(
        of(&page("MediaWiki:Gadget-C.js")),
        Some(Exposure::Users {
            count: 0,
            uncounted: true
        })
    );
    // An undefined gadget named as a dependency loads nothing itself.
    let missing = Node::Gadget {
        name: "Missing".into(),
    };
    let id = g.node_id(&missing).expect("missing gadget node");
    assert!(!g.is_known(id));
    assert_eq!(
        of(&missing),
        Some(Exposure::Users {
            count: 0,
            uncounted: true
        })
    );
}
