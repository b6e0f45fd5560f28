//! The inventory of a small wiki built from hand-written classified loads,
//! with exposures computed by the real import graph and provenance by the
//! real tracker; snapshots of every output format and an escaping test
//! with hostile titles, hosts and names.

use std::collections::BTreeSet;

use offsite_model::{Consent, Directive, ReportedLoad, Resolution, Sink, Source, Tier};
use offsite_wiki::{
    Exposure, ExposureOptions, GadgetUsage, GraphInput, HostProvenance, ImportGraph, Inventory,
    LoadRef, Namespaces, PageExposures, PageLoads, ProvenanceTracker, RevisionMeta, WikiId,
    inventory, inventory_hosts, parse_legacy,
};

const DEFINITIONS: &str = "\
== appearance ==
* Fonts[ResourceLoader|default|type=styles]|Fonts.css
== tools ==
* Maps[ResourceLoader|dependencies=mediawiki.util]|Maps.js
* SysopTools[ResourceLoader|default|rights=block]|SysopTools.js
";

struct L {
    title: &'static str,
    line: u32,
    sink: Sink,
    url: &'static str,
    host: Option<&'static str>,
    tier: Tier,
    entity: Option<&'static str>,
    consent: Consent,
}

fn reported(l: &L) -> ReportedLoad {
    ReportedLoad {
        source: Source {
            wiki: Some("enwiki".into()),
            title: Some(l.title.into()),
            ..Source::default()
        },
        line: l.line,
        column: 1,
        end_line: l.line,
        end_column: 40,
        api: "mw.loader.load".into(),
        sink: l.sink,
        directive: l.sink.directive(),
        url: Some(l.url.into()),
        host: l.host.map(str::to_owned),
        page: None,
        modules: Vec::new(),
        tier: l.tier,
        entity: l.entity.map(str::to_owned),
        resolution: if l.host.is_some() {
            Resolution::Literal
        } else {
            Resolution::Dynamic
        },
        dynamic_expr: None,
        consent: l.consent,
        consent_kind: None,
        consent_reason: None,
        findings: Vec::new(),
        exposure: None,
        snippet: None,
    }
}

#[expect(clippy::too_many_lines, reason = "one table of hand-built loads")]
fn loads() -> Vec<ReportedLoad> {
    use Consent::{Gated, Ungated, Unknown};
    use Tier::{FirstParty, ThirdParty, Wmcs};
    let cdn = Some("cdn.example.com");
    let acme = Some("Acme CDN");
    let table = [
        // Site script: the same host twice for script-src (merged), and a
        // first-party load that the inventory leaves out.
        L {
            title: "MediaWiki:Common.js",
            line: 3,
            sink: Sink::Jsonp,
            url: "https://cdn.example.com/data.js?callback=cb",
            host: cdn,
            tier: ThirdParty,
            entity: acme,
            consent: Gated,
        },
        L {
            title: "MediaWiki:Common.js",
            line: 9,
            sink: Sink::Script,
            url: "https://cdn.example.com/lib.js",
            host: cdn,
            tier: ThirdParty,
            entity: acme,
            consent: Ungated,
        },
        L {
            title: "MediaWiki:Common.js",
            line: 12,
            sink: Sink::Image,
            url: "https://upload.wikimedia.org/a.png",
            host: Some("upload.wikimedia.org"),
            tier: FirstParty,
            entity: Some("Wikimedia Foundation"),
            consent: Ungated,
        },
        // Default styles gadget: one host, two directives.
        L {
            title: "MediaWiki:Gadget-Fonts.css",
            line: 1,
            sink: Sink::Style,
            url: "https://fonts.example.net/css?family=X",
            host: Some("fonts.example.net"),
            tier: ThirdParty,
            entity: None,
            consent: Ungated,
        },
        L {
            title: "MediaWiki:Gadget-Fonts.css",
            line: 4,
            sink: Sink::Font,
            url: "https://fonts.example.net/x.woff2",
            host: Some("fonts.example.net"),
            tier: ThirdParty,
            entity: None,
            consent: Ungated,
        },
        // Opt-in gadget: a Toolforge API behind a click, and a script whose
        // host is computed at run time.
        L {
            title: "MediaWiki:Gadget-Maps.js",
            line: 20,
            sink: Sink::Fetch,
            url: "https://maps.toolforge.org/api?q=${…}",
            host: Some("maps.toolforge.org"),
            tier: Wmcs,
            entity: Some("Wikimedia Cloud Services"),
            consent: Gated,
        },
        L {
            title: "MediaWiki:Gadget-Maps.js",
            line: 31,
            sink: Sink::Script,
            url: "${…}/tiles.js",
            host: None,
            tier: Tier::Unknown,
            entity: None,
            consent: Unknown,
        },
        // Default gadget restricted to a right.
        L {
            title: "MediaWiki:Gadget-SysopTools.js",
            line: 2,
            sink: Sink::Script,
            url: "https://cdn.example.com/admin.js",
            host: cdn,
            tier: ThirdParty,
            entity: acme,
            consent: Unknown,
        },
        // A user's own script, and a page nothing loads.
        L {
            title: "User:Alice/common.js",
            line: 5,
            sink: Sink::Image,
            url: "https://pixel.tracker.example/p.gif",
            host: Some("pixel.tracker.example"),
            tier: ThirdParty,
            entity: Some("Tracker Inc"),
            consent: Ungated,
        },
        L {
            title: "User:Bob/orphan.js",
            line: 1,
            sink: Sink::Script,
            url: "https://cdn.example.com/old.js",
            host: cdn,
            tier: ThirdParty,
            entity: acme,
            consent: Ungated,
        },
    ];
    table.iter().map(reported).collect()
}

fn rev(id: u64, day: u32, user: Option<&str>, text_deleted: bool) -> RevisionMeta {
    RevisionMeta {
        id,
        timestamp: format!("2023-03-{day:02}T10:00:00Z"),
        user: user.map(str::to_owned),
        text_deleted,
    }
}

/// The history of `MediaWiki:Common.js` and `MediaWiki:Gadget-Fonts.css`
/// through the real tracker, hosts taken from hand-built loads.
fn provenance() -> Vec<HostProvenance> {
    let all = loads();
    let of = |title: &str| {
        inventory_hosts(
            all.iter()
                .filter(|l| l.source.title.as_deref() == Some(title)),
        )
    };
    let mut t = ProvenanceTracker::new();
    let common = "MediaWiki:Common.js";
    t.revision(
        common,
        rev(100, 1, Some("Founder"), false),
        &BTreeSet::new(),
    );
    t.revision(common, rev(140, 4, Some("Alice"), false), &of(common));
    t.revision(common, rev(150, 5, Some("Hider"), true), &BTreeSet::new());
    t.revision(common, rev(160, 6, None, false), &of(common));
    let mut out = t.finish_page();
    let fonts = "MediaWiki:Gadget-Fonts.css";
    t.revision(fonts, rev(120, 2, None, false), &of(fonts));
    out.extend(t.finish_page());
    out
}

fn build() -> Inventory {
    let defs = parse_legacy(DEFINITIONS);
    assert!(defs.errors.is_empty(), "{:#?}", defs.errors);
    let loads = loads();
    let mut pages: Vec<PageLoads> = Vec::new();
    for l in &loads {
        let title = l.source.title.clone().unwrap_or_default();
        match pages.iter_mut().find(|p| p.title == title) {
            Some(p) => p.loads.push(LoadRef::from(l)),
            None => pages.push(PageLoads::new(title, [LoadRef::from(l)])),
        }
    }
    let wiki = WikiId::wikimedia("en.wikipedia.org", "enwiki");
    let graph = ImportGraph::build(GraphInput {
        wiki: &wiki,
        namespaces: &Namespaces::english(),
        pages: &pages,
        gadgets: &defs.gadgets,
    });
    let exposures = graph.exposures(&ExposureOptions {
        usage: vec![GadgetUsage {
            gadget: "Maps".into(),
            users: 120,
            active_users: 30,
        }],
        ..ExposureOptions::default()
    });
    let exposures = PageExposures::from_graph(&graph, &exposures);
    inventory(&loads, &defs.gadgets, &exposures, &provenance())
}

#[test]
fn rows_merge_filter_and_rank() {
    let inv = build();
    let keys: Vec<(&str, &str, Directive)> = inv
        .rows
        .iter()
        .map(|r| (r.page.as_str(), r.host.as_str(), r.directive))
        .collect();
    assert_eq!(
        keys,
        [
            // Every reader: script before style before font.
            (
                "MediaWiki:Common.js",
                "cdn.example.com",
                Directive::ScriptSrc
            ),
            (
                "MediaWiki:Gadget-Fonts.css",
                "fonts.example.net",
                Directive::StyleSrc
            ),
            (
                "MediaWiki:Gadget-Fonts.css",
                "fonts.example.net",
                Directive::FontSrc
            ),
            // Logged-in users with a right.
            (
                "MediaWiki:Gadget-SysopTools.js",
                "cdn.example.com",
                Directive::ScriptSrc
            ),
            // 120 users, then 1 user, then nobody.
            ("MediaWiki:Gadget-Maps.js", "${…}", Directive::ScriptSrc),
            (
                "MediaWiki:Gadget-Maps.js",
                "maps.toolforge.org",
                Directive::ConnectSrc
            ),
            (
                "User:Alice/common.js",
                "pixel.tracker.example",
                Directive::ImgSrc
            ),
            (
                "User:Bob/orphan.js",
                "cdn.example.com",
                Directive::ScriptSrc
            ),
        ]
    );
    assert!(inv.rows.iter().all(|r| r.tier != Tier::FirstParty));

    let common = &inv.rows[0];
    assert_eq!(common.loads, 2);
    assert_eq!(common.sinks, [Sink::Script, Sink::Jsonp]);
    assert_eq!(common.consent, Consent::Ungated, "least gated of the two");
    assert_eq!(common.exposure, Exposure::EveryReader);
    assert_eq!(common.exposed_users, None);
    assert_eq!(common.gadget, None);
    let intro = common.introduced.as_ref().expect("provenance");
    assert_eq!((intro.id, intro.user.as_deref()), (140, Some("Alice")));

    let fonts = &inv.rows[1];
    assert_eq!(fonts.gadget.as_deref(), Some("Fonts"));
    assert!(fonts.default_gadget);
    assert_eq!(
        fonts.introduced.as_ref().map(|r| r.user.clone()),
        Some(None)
    );

    let maps = &inv.rows[5];
    assert_eq!(
        maps.exposure,
        Exposure::Users {
            count: 120,
            uncounted: false
        }
    );
    assert_eq!(maps.exposed_users, Some(120));
    assert!(!maps.default_gadget);
    assert_eq!(inv.rows[7].exposure, Exposure::Nobody);
    assert_eq!(inv.rows[7].exposed_users, Some(0));
}

#[test]
fn host_rollup() {
    let inv = build();
    let hosts: Vec<&str> = inv.hosts.iter().map(|h| h.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "cdn.example.com",
            "fonts.example.net",
            "${…}",
            "maps.toolforge.org",
            "pixel.tracker.example"
        ]
    );
    let cdn = &inv.hosts[0];
    assert_eq!(
        cdn.exposure,
        Exposure::EveryReader,
        "the widest of its rows"
    );
    assert_eq!(cdn.pages.len(), 3);
    assert_eq!(cdn.gadgets, ["SysopTools"]);
    assert_eq!(cdn.exposed_users, None, "every reader is not a count");
    assert_eq!(cdn.first_seen.as_deref(), Some("2023-03-04T10:00:00Z"));
    assert_eq!(cdn.entity.as_deref(), Some("Acme CDN"));
    let fonts = &inv.hosts[1];
    assert_eq!(fonts.directives, [Directive::StyleSrc, Directive::FontSrc]);
    assert_eq!(fonts.first_seen.as_deref(), Some("2023-03-02T10:00:00Z"));
    assert_eq!(inv.hosts[2].exposed_users, Some(120));
    assert_eq!(inv.hosts[4].exposed_users, Some(1));
    assert_eq!(inv.hosts[4].first_seen, None, "no history for that page");
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(build().to_json());
}

#[test]
fn csv_snapshot() {
    let inv = build();
    insta::assert_snapshot!("csv_rows", inv.to_csv());
    insta::assert_snapshot!("csv_hosts", inv.hosts_to_csv());
}

#[test]
fn wikitext_snapshot() {
    insta::assert_snapshot!(build().to_wikitext());
}
