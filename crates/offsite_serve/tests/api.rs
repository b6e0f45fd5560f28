//! The read side over real HTTP: token, filters, group detail, attribution
//! from an inventory.
#![expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]

mod common;

use common::{CSP_REPORT, REPORTS_JSON, fixture, start};
use serde_json::Value;

const TOKEN: &str = "correct-horse-battery-staple";

#[tokio::test]
async fn read_endpoints_need_the_token_and_reporting_does_not() {
    let server = start(|c| c.read_token = Some(TOKEN.to_owned())).await;
    // Browsers never have a token.
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 204);

    for path in [
        "/api/groups",
        "/api/groups/1",
        "/api/reports",
        "/api/timeline",
        "/api/top-hosts",
        "/api/filtered",
        "/api/stats",
    ] {
        let none = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(none.status(), 401, "{path}");
        assert_eq!(
            none.headers()["www-authenticate"],
            "Bearer realm=\"offsite\""
        );
        let v: Value = none.json().await.unwrap();
        assert_eq!(v["error"]["code"], "unauthorized");

        let wrong = server
            .client
            .get(server.url(path))
            .bearer_auth("correct-horse-battery-stapl")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
        assert_eq!(
            wrong.headers()["www-authenticate"],
            "Bearer realm=\"offsite\", error=\"invalid_token\""
        );

        let basic = server
            .client
            .get(server.url(path))
            .basic_auth("x", Some(TOKEN))
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), 401, "{path}: only Bearer counts");

        let right = server
            .client
            .get(server.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(right.status(), 200, "{path}");
        assert_eq!(right.headers()["cache-control"], "no-store");
    }
    // The dashboard's files, health and metrics carry no report data.
    for path in [
        "/",
        "/dashboard.js",
        "/dashboard.css",
        "/healthz",
        "/metrics",
    ] {
        let resp = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
    }
    server.stop().await.unwrap();
}

fn report_with(blocked: &str, directive: &str, document: &str) -> String {
    let mut v: Value = serde_json::from_str(CSP_REPORT).unwrap();
    let r = v["csp-report"].as_object_mut().unwrap();
    r.insert("blocked-uri".into(), blocked.into());
    r.insert("effective-directive".into(), directive.into());
    r.insert("violated-directive".into(), directive.into());
    r.insert("document-uri".into(), document.into());
    v.to_string()
}

#[tokio::test]
async fn filters_map_to_the_store() {
    let server = start(|_| {}).await;
    let sends = [
        (
            "https://cdn.example.org/a.js",
            "script-src-elem",
            "https://en.wiki.example/wiki/A",
            3,
        ),
        (
            "https://fonts.example.com/css",
            "style-src-elem",
            "https://en.wiki.example/wiki/B",
            2,
        ),
        (
            "https://api.example.net/v1",
            "connect-src",
            "https://de.wiki.example/wiki/C",
            1,
        ),
    ];
    for (blocked, directive, document, times) in sends {
        for _ in 0..times {
            let resp = server
                .post(
                    "/csp-report",
                    "application/csp-report",
                    &report_with(blocked, directive, document),
                )
                .await;
            assert_eq!(resp.status(), 204);
        }
    }

    let all = server.get_json("/api/groups").await;
    assert_eq!(all["groups"].as_array().unwrap().len(), 3);

    let style = server
        .get_json("/api/groups?directive=style-src-elem")
        .await;
    let style = style["groups"].as_array().unwrap();
    assert_eq!(style.len(), 1);
    assert_eq!(style[0]["blocked_origin"], "https://fonts.example.com");
    assert_eq!(style[0]["count"], 2);

    let host = server.get_json("/api/groups?host=cdn.example").await;
    assert_eq!(
        host["groups"][0]["blocked_origin"],
        "https://cdn.example.org"
    );
    assert_eq!(host["groups"].as_array().unwrap().len(), 1);

    let de = server
        .get_json("/api/groups?document_host=de.wiki.example")
        .await;
    assert_eq!(de["groups"].as_array().unwrap().len(), 1);
    assert_eq!(de["groups"][0]["directive"], "connect-src");

    let future = server
        .get_json("/api/groups?since=2999-01-01T00:00:00Z")
        .await;
    assert!(future["groups"].as_array().unwrap().is_empty());
    let past = server.get_json("/api/reports?until=1000").await;
    assert!(past["reports"].as_array().unwrap().is_empty());

    let one = server.get_json("/api/reports?limit=1").await;
    assert_eq!(one["reports"].as_array().unwrap().len(), 1);

    let hosts = server.get_json("/api/top-hosts").await;
    let hosts = hosts["hosts"].as_array().unwrap();
    assert_eq!(hosts[0]["count"], 3, "{hosts:?}");
    assert!(
        hosts[0]["host"]
            .as_str()
            .unwrap()
            .contains("cdn.example.org")
    );
    assert_eq!(hosts.len(), 3);

    let timeline = server.get_json("/api/timeline").await;
    let total: i64 = timeline["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 6);
    assert_eq!(timeline["bucket_secs"], 3600);

    let stats = server.get_json("/api/stats").await;
    assert_eq!(stats["total_reports"], 6);
    assert_eq!(stats["backend"], "sqlite");

    for bad in [
        "/api/groups?since=yesterday",
        "/api/groups?limit=-3",
        "/api/groups?disposition=maybe",
        "/api/reports?group=abc",
    ] {
        let resp = server.client.get(server.url(bad)).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], "badparam", "{bad}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn group_detail_has_its_samples() {
    let server = start(|_| {}).await;
    let resp = server
        .post("/reports", "application/reports+json", REPORTS_JSON)
        .await;
    assert_eq!(resp.status(), 204);
    let groups = server
        .get_json("/api/groups?directive=style-src-elem&host=fonts")
        .await;
    let id = groups["groups"][0]["id"].as_i64().unwrap();

    let detail = server.get_json(&format!("/api/groups/{id}")).await;
    assert_eq!(detail["group"]["id"], id);
    assert_eq!(
        detail["group"]["blocked_origin"],
        "https://fonts.example.com"
    );
    let samples = detail["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 1);
    assert_eq!(samples[0]["group_id"], id);
    assert_eq!(
        samples[0]["blocked"]["value"],
        "https://fonts.example.com/css"
    );
    // The @import report has no script position.
    assert!(samples[0]["line"].is_null());

    let missing = server
        .client
        .get(server.url("/api/groups/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let not_a_number = server
        .client
        .get(server.url("/api/groups/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_number.status(), 400);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn new_groups_are_attributed_from_the_inventory() {
    let server = start(|c| c.inventory = Some(fixture("inventory.json"))).await;
    let resp = server
        .post("/reports", "application/reports+json", REPORTS_JSON)
        .await;
    assert_eq!(resp.status(), 204);

    // Attribution runs after the acknowledgement: wait for it.
    let groups = server
        .wait_for(
            "/api/groups?host=cdn.example.org&directive=script-src-elem",
            |v| {
                v["groups"][0]["attributions"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
            },
        )
        .await;
    let attributions = groups["groups"][0]["attributions"].as_array().unwrap();
    assert!(
        attributions
            .iter()
            .any(|a| a["page"].as_str().unwrap().ends_with("Gadget-foo.js")),
        "{attributions:?}"
    );
    assert!(attributions.iter().all(|a| {
        let c = a["confidence"].as_f64().unwrap();
        (0.0..=1.0).contains(&c)
    }));

    // The wiki-page filter finds the group through its attribution.
    let by_page = server.get_json("/api/groups?page=Gadget-foo").await;
    let origins: Vec<&str> = by_page["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["blocked_origin"].as_str().unwrap())
        .collect();
    assert!(origins.contains(&"https://cdn.example.org"), "{origins:?}");
    assert!(
        !origins.contains(&"https://fonts.example.com"),
        "{origins:?}"
    );

    // The font @import is in no scanned file: no attribution.
    let fonts = server.get_json("/api/groups?host=fonts.example.com").await;
    assert_eq!(fonts["groups"][0]["attributions"], serde_json::json!([]));

    let stats = server.get_json("/api/stats").await;
    assert_eq!(stats["attribution"], true);
    assert!(server.metric("offsite_groups_attributed_total").await >= 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_bad_inventory_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.json");
    let mut config = offsite_serve::ServeConfig {
        store: format!("sqlite:{}", dir.path().join("r.db").display()),
        inventory: Some(missing.clone()),
        ..offsite_serve::ServeConfig::default()
    };
    let err = offsite_serve::app(config.clone()).await.err().unwrap();
    assert!(err.to_string().contains("nope.json"), "{err}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"loads\": [ {\"oops\": 1} ]}").unwrap();
    config.inventory = Some(broken);
    let err = offsite_serve::app(config).await.err().unwrap();
    let msg = err.to_string();
    assert!(
        msg.contains("broken.json") && msg.contains("line 1"),
        "{msg}"
    );
}

#[tokio::test]
async fn attributions_name_the_gadget_from_an_inventory_table() {
    let server = start(|c| {
        c.inventory = Some(fixture("inventory.json"));
        c.gadgets = Some(fixture("gadgets-inventory.json"));
    })
    .await;
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 204);
    let groups = server
        .wait_for("/api/groups", |v| {
            v["groups"][0]["attributions"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        })
        .await;
    let a = &groups["groups"][0]["attributions"][0];
    assert_eq!(a["page"], "gadgets/Gadget-foo.js");
    assert_eq!(a["gadget"], "foo");
    assert_eq!(a["method"], "exact-url");
    server.stop().await.unwrap();
}
