//! Against a real MediaWiki: the testbed of `scripts/testbed` (Debian's MediaWiki 1.39
//! under `php -S`, seeded from `scripts/testbed-pages/`).
//!
//! These tests need `OFFSITE_TEST_API` set to the testbed's api.php URL. `scripts/test`
//! starts the testbed once and exports it; by hand:
//!
//! ```sh
//! export OFFSITE_TEST_API=$(W=/tmp/offsite-tb scripts/testbed | tail -1)
//! cargo test -p offsite_api --test live
//! ```
//!
//! Without it they fail under CI (`CI=true`) and skip with a note elsewhere. They only
//! read, so they can share one wiki with other test binaries.
#![expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::path::Path;

use offsite_api::{ApiClient, ClientOptions, Removal, RemovedPage, WikiPage, crawl_with};

fn api() -> Option<String> {
    match std::env::var("OFFSITE_TEST_API") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "OFFSITE_TEST_API is not set: under CI the live MediaWiki tests must run (scripts/test starts scripts/testbed)"
            )
        }
        _ => {
            eprintln!(
                "skipping: OFFSITE_TEST_API is not set (start scripts/testbed and export its api.php URL)"
            );
            None
        }
    }
}

fn options(url: &str) -> ClientOptions {
    let mut o = ClientOptions::new(url, "offsite-tests@example.invalid");
    o.maxlag = 5;
    o
}

/// Titles and content models the testbed must hold: the seed pages, after the moves
/// and deletions of `history/plan`.
fn expected_pages() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/testbed-pages/seed");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let title = entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .replace("%2F", "/");
        let model = match title.rsplit_once('.').map(|(_, ext)| ext) {
            Some("js") => "javascript",
            Some("css") => "css",
            Some("json") => "json",
            _ => "wikitext",
        };
        out.insert(title, model.to_owned());
    }
    out.remove("User:Bob/obsolete.js").unwrap();
    out.remove("User:Carol/draft.js").unwrap();
    out.insert("User:Carol/gadget-draft.js".into(), "javascript".into());
    out
}

async fn crawl_all(
    client: &ApiClient,
    since: Option<&str>,
) -> (Vec<WikiPage>, offsite_api::CrawlSummary) {
    let mut pages = Vec::new();
    let summary = crawl_with(client, None, since, |p| {
        pages.push(p);
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    assert!(summary.complete, "{:?}", summary.error);
    (pages, summary)
}

#[tokio::test]
async fn site_info_describes_the_testbed() {
    let Some(url) = api() else { return };
    let info = ApiClient::new(options(&url))
        .unwrap()
        .site_info()
        .await
        .unwrap();
    assert_eq!(info.wiki_id, "testwiki");
    assert!(
        info.generator.starts_with("MediaWiki 1."),
        "{}",
        info.generator
    );
    assert!(url.starts_with(&info.server), "{} vs {url}", info.server);
    assert_eq!(
        format!("{}{}", info.server, info.script),
        url.replace("api.php", "index.php")
    );
    assert!(info.article_path.contains("$1"));
    let ns: BTreeMap<i64, &str> = info
        .namespaces
        .iter()
        .map(|n| (n.id, n.name.as_str()))
        .collect();
    assert_eq!(ns.get(&2), Some(&"User"));
    assert_eq!(ns.get(&8), Some(&"MediaWiki"));
    assert_eq!(ns.get(&2300), Some(&"Gadget"));
}

#[tokio::test]
async fn listing_follows_continuation() {
    let Some(url) = api() else { return };
    let whole = ApiClient::new(options(&url))
        .unwrap()
        .list_pages(2)
        .await
        .unwrap();
    let mut o = options(&url);
    o.list_limit = 2;
    let client = ApiClient::new(o).unwrap();
    let paged = client.list_pages(2).await.unwrap();
    assert_eq!(paged, whole);
    assert!(paged.len() >= 9, "{paged:?}");
    assert_eq!(client.requests_sent(), paged.len().div_ceil(2) as u64);
    assert!(paged.iter().all(|p| p.ns == 2 && p.page_id > 0));
}

#[tokio::test]
async fn crawl_fetches_every_seeded_page_with_its_model() {
    let Some(url) = api() else { return };
    let mut o = options(&url);
    o.batch_size = 2;
    o.list_limit = 3;
    let client = ApiClient::new(o).unwrap();
    let (pages, summary) = crawl_all(&client, None).await;
    let got: BTreeMap<String, String> = pages
        .iter()
        .map(|p| (p.title.clone(), p.content_model.clone()))
        .collect();
    assert_eq!(got, expected_pages());
    assert_eq!(pages.len(), got.len(), "a page was delivered twice");
    assert_eq!(summary.fetched, summary.delivered);

    let by_title: BTreeMap<&str, &WikiPage> = pages.iter().map(|p| (p.title.as_str(), p)).collect();
    let tool = by_title["User:Bob/tool.js"];
    assert!(
        tool.text.contains("cdn.jsdelivr.example")
            && tool.text.contains("importScript( 'User:Carol/lib.js' )")
    );
    assert_eq!(tool.user.as_deref(), Some("Bob"));
    let common = by_title["MediaWiki:Common.js"];
    assert!(
        common.text.contains("analytics.example.net")
            && !common.text.contains("widgets.example.com")
    );
    assert_eq!(common.user.as_deref(), Some("Carol"));
    assert_eq!(common.sha1.as_deref().map(str::len), Some(40));
    assert!(
        by_title["MediaWiki:Gadgets-definition"]
            .text
            .contains("* HotTools[ResourceLoader|default")
    );
    assert!(
        by_title["User:Alice/common.js"]
            .text
            .contains("//meta.wikimedia.org/w/index.php?title=User:Alice/global.js")
    );
}

#[tokio::test]
async fn gadgets_and_usage_are_parsed() {
    let Some(url) = api() else { return };
    let client = ApiClient::new(options(&url)).unwrap();
    let gadgets = client.gadgets().await.unwrap();
    let by_id: BTreeMap<&str, _> = gadgets.iter().map(|g| (g.id.as_str(), g)).collect();
    let ids: BTreeSet<&str> = by_id.keys().copied().collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "AdminStats",
            "DarkFonts",
            "HotTools",
            "MapWidget",
            "OldTool",
            "Translate"
        ])
    );
    let hot = by_id["HotTools"];
    assert!(hot.settings.default && !hot.settings.hidden);
    assert_eq!(hot.settings.category, "editing");
    assert_eq!(hot.module.scripts, ["MediaWiki:Gadget-HotTools.js"]);
    assert_eq!(hot.module.styles, ["MediaWiki:Gadget-HotTools.css"]);
    assert_eq!(by_id["AdminStats"].settings.rights, ["delete", "block"]);
    assert!(
        by_id["MapWidget"]
            .module
            .dependencies
            .contains(&"ext.gadget.HotTools".to_owned())
    );
    assert_eq!(by_id["MapWidget"].module.peers, ["DarkFonts"]);
    assert!(by_id["DarkFonts"].settings.hidden && by_id["DarkFonts"].module.scripts.is_empty());
    assert!(by_id["OldTool"].settings.legacyscripts);
    assert!(!by_id["Translate"].settings.default);

    let usage = client.gadget_usage().await.unwrap();
    assert!(!usage.cached);
    let users: BTreeMap<&str, u64> = usage
        .entries
        .iter()
        .map(|u| (u.gadget.as_str(), u.users))
        .collect();
    assert_eq!(
        users,
        BTreeMap::from([
            ("HotTools", 0),
            ("MapWidget", 2),
            ("OldTool", 1),
            ("Translate", 2)
        ])
    );
    assert!(
        usage
            .entries
            .iter()
            .all(|u| u.active_users.is_some_and(|a| a <= u.users)),
        "{usage:?}"
    );
}

#[tokio::test]
async fn interrupted_crawl_resumes_without_refetching_or_missing() {
    let Some(url) = api() else { return };
    let mut o = options(&url);
    o.batch_size = 2;
    o.list_limit = 2;
    o.max_concurrency = 1;
    let (full, full_summary) = crawl_all(&ApiClient::new(o.clone()).unwrap(), None).await;

    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("crawl.json");
    let client = ApiClient::new(o.clone()).unwrap();
    let mut first = Vec::new();
    let s1 = crawl_with(&client, Some(&cp), None, |p| {
        first.push(p.title);
        if first.len() == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await
    .unwrap();
    assert!(s1.stopped && s1.is_partial() && s1.error.is_none());
    assert_eq!(first.len(), 2);

    let client = ApiClient::new(o).unwrap();
    let mut second = Vec::new();
    let s2 = crawl_with(&client, Some(&cp), None, |p| {
        second.push(p.title);
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    assert!(s2.complete, "{:?}", s2.error);
    assert_eq!(s2.delivered_total, full.len() as u64);

    let a: BTreeSet<&String> = first.iter().collect();
    let b: BTreeSet<&String> = second.iter().collect();
    assert!(
        a.is_disjoint(&b),
        "delivered twice: {:?}",
        a.intersection(&b).collect::<Vec<_>>()
    );
    let union: BTreeSet<&String> = a.union(&b).copied().collect();
    let all: BTreeSet<&String> = full.iter().map(|p| &p.title).collect();
    assert_eq!(union, all);
    // No page fetched twice; only the listing request of the interrupted batch repeats.
    assert_eq!(s1.fetched + s2.fetched, full_summary.fetched);
    assert_eq!(s1.requests + s2.requests, full_summary.requests + 1);
}

#[tokio::test]
async fn since_returns_only_later_changes_and_reports_removals() {
    let Some(url) = api() else { return };
    let client = ApiClient::new(options(&url)).unwrap();
    let (full, _) = crawl_all(&client, None).await;
    // The testbed's history starts with Bob's second edit of his tool, at least a
    // second after every seed edit.
    let since = full
        .iter()
        .find(|p| p.title == "User:Bob/tool.js")
        .unwrap()
        .timestamp
        .clone();
    let want: BTreeSet<&str> = full
        .iter()
        .filter(|p| p.timestamp >= since)
        .map(|p| p.title.as_str())
        .collect();
    assert!(want.len() < full.len() / 2, "{want:?}");

    let (pages, summary) = crawl_all(&client, Some(&since)).await;
    let got: BTreeSet<&str> = pages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(got, want);
    assert_eq!(
        got,
        BTreeSet::from([
            "MediaWiki:Common.js",
            "User:Bob/tool.js",
            "User:Carol/gadget-draft.js"
        ])
    );
    assert_eq!(
        summary.removed,
        [
            RemovedPage {
                title: "User:Bob/obsolete.js".into(),
                removal: Removal::Deleted
            },
            RemovedPage {
                title: "User:Carol/draft.js".into(),
                removal: Removal::MovedTo("User:Carol/gadget-draft.js".into())
            },
        ]
    );
    let later = client
        .recent_changes_since("2999-01-01T00:00:00Z", &[2, 8])
        .await
        .unwrap();
    assert!(later.changed.is_empty() && later.removed.is_empty());
}
