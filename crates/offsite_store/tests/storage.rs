//! The storage test suite, run against every back end: SQLite in a temporary
//! directory always, PostgreSQL when `OFFSITE_TEST_POSTGRES` holds a URL
//! (`scripts/postgres` starts one; `scripts/test` exports it). Each test
//! gets its own SQLite file and its own PostgreSQL schema, so tests can run
//! in parallel.
#![expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use offsite_collect::{Blocked, Disposition, ReportFormat};
use offsite_store::{
    Attribution, BucketCount, Filter, GroupKey, NormalizedReport, Store, StoreError, StoreOptions,
    StoreSpec,
};
use sqlx::Connection;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// 2027-01-15T08:00:00Z, on an hour boundary.
const T0: i64 = 1_800_000_000_000 - 1_800_000_000_000 % HOUR;

/// A place to open a store: a spec plus whatever must outlive it.
struct Db {
    name: &'static str,
    spec: StoreSpec,
    _dir: Option<tempfile::TempDir>,
}

/// The PostgreSQL URL, or `None` (skip) outside CI.
fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var("OFFSITE_TEST_POSTGRES") {
        return Some(url);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but OFFSITE_TEST_POSTGRES is unset: run scripts/test"
    );
    eprintln!("note: OFFSITE_TEST_POSTGRES unset; PostgreSQL half of the storage tests skipped");
    None
}

/// A fresh schema `t_<test>_<pid>` in the test database, and a URL whose
/// `search_path` points at it. Schemas of earlier runs of the test whose
/// process is gone are dropped; a failed test's schema stays until then, to
/// look at.
async fn postgres_schema(base: &str, test: &str) -> StoreSpec {
    let schema = format!("t_{test}_{}", std::process::id());
    let mut conn = sqlx::postgres::PgConnection::connect(base)
        .await
        .expect("connect to OFFSITE_TEST_POSTGRES");
    let prefix = format!("t_{test}_");
    let old: Vec<String> =
        sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)")
            .bind(&prefix)
            .fetch_all(&mut conn)
            .await
            .expect("list schemas");
    for name in old {
        let pid = &name[prefix.len()..];
        if pid.bytes().all(|b| b.is_ascii_digit())
            && !PathBuf::from(format!("/proc/{pid}")).exists()
        {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE"
            )))
            .execute(&mut conn)
            .await
            .expect("drop a stale schema");
        }
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    )))
    .execute(&mut conn)
    .await
    .expect("create test schema");
    conn.close().await.expect("close");
    let sep = if base.contains('?') { '&' } else { '?' };
    StoreSpec::parse(&format!("{base}{sep}options[search_path]={schema}")).expect("spec")
}

/// Every back end available here, each fresh for `test`.
async fn backends(test: &str) -> Vec<Db> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut dbs = vec![Db {
        name: "sqlite",
        spec: StoreSpec::Sqlite(dir.path().join("reports.db")),
        _dir: Some(dir),
    }];
    if let Some(url) = postgres_url() {
        dbs.push(Db {
            name: "postgres",
            spec: postgres_schema(&url, test).await,
            _dir: None,
        });
    }
    dbs
}

async fn open(db: &Db, options: StoreOptions) -> Store {
    Store::open(&db.spec, options)
        .await
        .unwrap_or_else(|e| panic!("{}: open: {e}", db.name))
}

fn report(at: i64, directive: &str, url: &str, document_host: &str) -> NormalizedReport {
    NormalizedReport {
        received_ms: at,
        format: ReportFormat::CspReport,
        disposition: Disposition::Enforce,
        directive: directive.to_owned(),
        blocked: Blocked::Url(url.to_owned()),
        document: format!("https://{document_host}/wiki/Main_Page"),
        document_host: Some(document_host.to_owned()),
        source_file: Some(format!("https://{document_host}/w/load.php")),
        line: Some(12),
        column: Some(34),
        status_code: Some(200),
        sample: None,
        browser: Some("Firefox 140".to_owned()),
        source: None,
    }
}

/// `n` reports spread over `groups` keys and `hours` buckets, deterministic.
fn workload(n: usize, groups: usize, hours: i64, start: i64) -> Vec<NormalizedReport> {
    (0..n)
        .map(|i| {
            let g = (i * 7 + i / 3) % groups;
            let at = start + (i64::try_from(i).unwrap() * 997) % (hours * HOUR);
            let directive = if g.is_multiple_of(2) {
                "script-src-elem"
            } else {
                "img-src"
            };
            report(
                at,
                directive,
                &format!("https://cdn{g}.example.org/lib.js?v={i}"),
                "en.wikipedia.org",
            )
        })
        .collect()
}

/// What the store should say, computed from the reports themselves.
fn expected_counts(reports: &[NormalizedReport]) -> BTreeMap<GroupKey, (i64, i64, i64)> {
    let mut m = BTreeMap::new();
    for r in reports {
        let e = m
            .entry(r.group_key())
            .or_insert((0, r.received_ms, r.received_ms));
        e.0 += 1;
        e.1 = e.1.min(r.received_ms);
        e.2 = e.2.max(r.received_ms);
    }
    m
}

fn all() -> Filter {
    Filter {
        limit: Some(1000),
        ..Filter::default()
    }
}

#[tokio::test]
async fn migrations_are_idempotent() {
    for db in backends("migrations_are_idempotent").await {
        let store = open(&db, StoreOptions::default()).await;
        store
            .insert_batch(&workload(10, 3, 2, T0))
            .await
            .expect("insert");
        store.close().await;
        drop(store);
        // twice more, one of them concurrently with another opener
        let (a, b) = tokio::join!(
            Store::open(&db.spec, StoreOptions::default()),
            Store::open(&db.spec, StoreOptions::default()),
        );
        let (a, b) = (a.expect("open a"), b.expect("open b"));
        assert_eq!(a.total_reports().await.unwrap(), 10, "{}", db.name);
        assert_eq!(b.groups(&all()).await.unwrap().len(), 3, "{}", db.name);
        assert_eq!(a.backend(), db.name);
    }
}

#[tokio::test]
async fn aggregates_are_exact_over_batches_and_buckets() {
    for db in backends("aggregates_exact").await {
        let store = open(&db, StoreOptions::default()).await;
        let reports = workload(3000, 12, 6, T0);
        let mut created = Vec::new();
        for batch in reports.chunks(700) {
            let outcome = store.insert_batch(batch).await.expect("insert");
            created.extend(outcome.new_groups);
        }
        let expected = expected_counts(&reports);
        // every group announced as new exactly once
        let created_keys: BTreeSet<_> = created.iter().map(|(_, k)| k.clone()).collect();
        assert_eq!(created.len(), expected.len(), "{}", db.name);
        assert_eq!(
            created_keys,
            expected.keys().cloned().collect(),
            "{}",
            db.name
        );

        let groups = store.groups(&all()).await.expect("groups");
        assert_eq!(groups.len(), expected.len());
        for g in &groups {
            let (n, first, last) = expected[&g.key];
            assert_eq!(
                (g.count, g.first_seen_ms, g.last_seen_ms),
                (n, first, last),
                "{}: {:?}",
                db.name,
                g.key
            );
            assert_eq!(store.group(g.id).await.unwrap().unwrap().count, n);
        }
        assert!(
            groups.windows(2).all(|w| w[0].count >= w[1].count),
            "sorted by count"
        );
        assert_eq!(store.total_reports().await.unwrap(), 3000);

        // timeline: one point per hour, matching the reports' hours
        let mut per_hour: BTreeMap<i64, i64> = BTreeMap::new();
        for r in &reports {
            *per_hour
                .entry(r.received_ms - r.received_ms % HOUR)
                .or_default() += 1;
        }
        let timeline = store.timeline(&Filter::default()).await.expect("timeline");
        let want: Vec<BucketCount> = per_hour
            .iter()
            .map(|(&bucket_start_ms, &count)| BucketCount {
                bucket_start_ms,
                count,
            })
            .collect();
        assert_eq!(timeline, want, "{}", db.name);

        // a time range counts whole buckets: hours 2 and 3
        let range = Filter {
            since_ms: Some(T0 + 2 * HOUR + 5),
            until_ms: Some(T0 + 4 * HOUR),
            ..all()
        };
        let in_range: i64 = reports
            .iter()
            .filter(|r| (T0 + 2 * HOUR..T0 + 4 * HOUR).contains(&r.received_ms))
            .count()
            .try_into()
            .unwrap();
        let ranged = store.groups(&range).await.unwrap();
        assert_eq!(
            ranged.iter().map(|g| g.count).sum::<i64>(),
            in_range,
            "{}",
            db.name
        );
        let since = store.group_counts_since(T0 + 5 * HOUR).await.unwrap();
        let late: i64 = reports
            .iter()
            .filter(|r| r.received_ms >= T0 + 5 * HOUR)
            .count()
            .try_into()
            .unwrap();
        assert_eq!(since.iter().map(|(_, n)| n).sum::<i64>(), late);
        assert!(
            since
                .iter()
                .all(|(id, _)| groups.iter().any(|g| g.id == *id))
        );
    }
}

#[tokio::test]
async fn samples_are_bounded_per_group() {
    for db in backends("samples_bounded").await {
        let options = StoreOptions {
            samples_per_group: 5,
            ..StoreOptions::default()
        };
        let store = open(&db, options).await;
        let a: Vec<_> = (0..12)
            .map(|i| {
                report(
                    T0 + i * 1000,
                    "script-src-elem",
                    "https://a.example/x.js",
                    "w.example",
                )
            })
            .collect();
        let b = [report(
            T0,
            "script-src-elem",
            "https://b.example/y.js",
            "w.example",
        )];
        for batch in [&a[..4], &a[4..7], &a[7..], &b[..]] {
            store.insert_batch(batch).await.expect("insert");
        }
        let samples = store.reports(&all()).await.expect("reports");
        let from = |origin: &str| {
            samples
                .iter()
                .filter(|s| s.report.blocked.origin_key() == origin)
                .map(|s| s.report.received_ms)
                .collect::<Vec<_>>()
        };
        // the first five of `a`, newest first; `b`'s only one
        let want: Vec<i64> = (0..5).rev().map(|i| T0 + i * 1000).collect();
        assert_eq!(from("https://a.example"), want, "{}", db.name);
        assert_eq!(from("https://b.example"), vec![T0], "{}", db.name);
        let stored = samples
            .iter()
            .find(|s| s.report.received_ms == T0 + 4000)
            .unwrap();
        assert_eq!(stored.report, a[4], "a sample round-trips");
        assert_eq!(store.total_reports().await.unwrap(), 13);
    }
}

#[tokio::test]
async fn filters_and_pagination() {
    for db in backends("filters").await {
        let store = open(&db, StoreOptions::default()).await;
        // 1200 distinct groups, one report each, over three hours
        let mut reports: Vec<_> = (0..1200_i64)
            .map(|i| {
                let directive = if i % 2 == 0 {
                    "script-src-elem"
                } else {
                    "img-src"
                };
                report(
                    T0 + i * 9000,
                    directive,
                    &format!("https://cdn{i}.example.org/x"),
                    "en.wikipedia.org",
                )
            })
            .collect();
        let mut special = report(
            T0 + 10,
            "connect-src",
            "https://API.Tracker.example:8443/p",
            "de.wikipedia.org",
        );
        special.disposition = Disposition::Report;
        reports.push(special);
        store.insert_batch(&reports).await.expect("insert");

        let page = |limit, offset| Filter {
            limit,
            offset,
            ..Filter::default()
        };
        assert_eq!(
            store.groups(&page(None, None)).await.unwrap().len(),
            100,
            "default limit"
        );
        assert_eq!(
            store.groups(&page(Some(5000), None)).await.unwrap().len(),
            1000,
            "limit cap"
        );
        let first = store.groups(&page(Some(700), None)).await.unwrap();
        let rest = store.groups(&page(Some(700), Some(700))).await.unwrap();
        assert_eq!(rest.len(), 501);
        let ids: BTreeSet<i64> = first.iter().chain(&rest).map(|g| g.id).collect();
        assert_eq!(ids.len(), 1201, "{}: pages overlap or miss groups", db.name);
        let samples = store.reports(&page(Some(10), Some(3))).await.unwrap();
        let newest = store.reports(&page(Some(13), None)).await.unwrap();
        assert_eq!(samples, newest[3..], "{}", db.name);

        let one = |f: Filter| {
            let store = store.clone();
            async move {
                store
                    .groups(&Filter {
                        limit: Some(1000),
                        ..f
                    })
                    .await
                    .unwrap()
            }
        };
        let by_host = one(Filter {
            host: Some("tracker.EXAMPLE".into()),
            ..Filter::default()
        })
        .await;
        assert_eq!(by_host.len(), 1, "{}", db.name);
        assert_eq!(
            by_host[0].key.blocked_origin,
            "https://api.tracker.example:8443"
        );
        let by_directive = one(Filter {
            directive: Some("connect-src".into()),
            ..Filter::default()
        })
        .await;
        assert_eq!(
            by_directive.iter().map(|g| g.id).collect::<Vec<_>>(),
            vec![by_host[0].id]
        );
        let by_doc = one(Filter {
            document_host: Some("de.wikipedia.org".into()),
            ..Filter::default()
        })
        .await;
        assert_eq!(by_doc.len(), 1);
        assert!(
            one(Filter {
                document_host: Some("de.wikipedia".into()),
                ..Filter::default()
            })
            .await
            .is_empty(),
            "document_host is exact"
        );
        let img = one(Filter {
            directive: Some("img-src".into()),
            ..Filter::default()
        })
        .await;
        assert_eq!(
            img.len(),
            reports.iter().filter(|r| r.directive == "img-src").count()
        );
        let cdn1 = one(Filter {
            host: Some("cdn1".into()),
            ..Filter::default()
        })
        .await;
        let want = (0..1200)
            .filter(|i| format!("cdn{i}").contains("cdn1"))
            .count();
        assert_eq!(cdn1.len(), want, "{}", db.name);

        let report_only = store
            .reports(&Filter {
                disposition: Some("report".into()),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(report_only.len(), 1);
        assert_eq!(report_only[0].group_id, by_host[0].id);
        let in_group = store
            .reports(&Filter {
                group_id: Some(by_host[0].id),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(in_group, report_only);
        let window = store
            .reports(&Filter {
                since_ms: Some(T0 + HOUR),
                until_ms: Some(T0 + 2 * HOUR),
                ..all()
            })
            .await
            .unwrap();
        let want = reports
            .iter()
            .filter(|r| (T0 + HOUR..T0 + 2 * HOUR).contains(&r.received_ms))
            .count();
        assert_eq!(window.len(), want.min(1000), "{}", db.name);
        assert!(
            window
                .iter()
                .all(|s| (T0 + HOUR..T0 + 2 * HOUR).contains(&s.report.received_ms))
        );

        let hosts = store.top_hosts(&Filter::default(), 3).await.unwrap();
        assert_eq!(hosts.len(), 3);
        assert!(
            hosts.iter().all(|(h, n)| *n == 1 && !h.contains(':')),
            "{hosts:?}"
        );
        let tracker = store
            .top_hosts(
                &Filter {
                    directive: Some("connect-src".into()),
                    ..Filter::default()
                },
                10,
            )
            .await
            .unwrap();
        assert_eq!(tracker, vec![("api.tracker.example".to_owned(), 1)]);
    }
}

#[tokio::test]
async fn top_hosts_merge_origins_and_skip_hostless() {
    for db in backends("top_hosts").await {
        let store = open(&db, StoreOptions::default()).await;
        let mut reports = Vec::new();
        for _ in 0..3 {
            reports.push(report(
                T0,
                "script-src-elem",
                "https://cdn.example/a.js",
                "w.example",
            ));
        }
        for _ in 0..2 {
            reports.push(report(
                T0,
                "script-src-elem",
                "http://cdn.example:8080/a.js",
                "w.example",
            ));
        }
        reports.push(report(
            T0,
            "img-src",
            "https://img.example/a.png",
            "w.example",
        ));
        let mut inline = report(T0, "script-src-elem", "", "w.example");
        inline.blocked = Blocked::Inline;
        reports.extend([inline.clone(), inline.clone(), inline.clone(), inline]);
        store.insert_batch(&reports).await.unwrap();
        let hosts = store.top_hosts(&Filter::default(), 10).await.unwrap();
        assert_eq!(
            hosts,
            vec![("cdn.example".to_owned(), 5), ("img.example".to_owned(), 1)],
            "{}",
            db.name
        );
        let ranged = store
            .top_hosts(
                &Filter {
                    since_ms: Some(T0),
                    until_ms: Some(T0 + HOUR),
                    ..Filter::default()
                },
                1,
            )
            .await
            .unwrap();
        assert_eq!(ranged, vec![("cdn.example".to_owned(), 5)]);
    }
}

#[tokio::test]
async fn filtered_counts_add_up_per_reason_and_range() {
    for db in backends("filtered_counts").await {
        let store = open(&db, StoreOptions::default()).await;
        store
            .record_filtered(T0 + 10, &[("extension".into(), 3), ("bot".into(), 1)])
            .await
            .unwrap();
        store
            .record_filtered(T0 + 20, &[("extension".into(), 2), ("extension".into(), 1)])
            .await
            .unwrap();
        store
            .record_filtered(T0 + 3 * HOUR, &[("bot".into(), 7)])
            .await
            .unwrap();
        store.record_filtered(T0, &[]).await.unwrap();
        let total = store.filtered_counts(&Filter::default()).await.unwrap();
        assert_eq!(
            total,
            vec![("bot".to_owned(), 8), ("extension".to_owned(), 6)],
            "{}",
            db.name
        );
        let first_hour = store
            .filtered_counts(&Filter {
                since_ms: Some(T0),
                until_ms: Some(T0 + HOUR),
                ..Filter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            first_hour,
            vec![("extension".to_owned(), 6), ("bot".to_owned(), 1)]
        );
    }
}

#[tokio::test]
async fn attributions_are_replaced() {
    for db in backends("attributions").await {
        let store = open(&db, StoreOptions::default()).await;
        let outcome = store
            .insert_batch(&[
                report(T0, "script-src-elem", "https://a.example/x.js", "w.example"),
                report(T0, "script-src-elem", "https://b.example/x.js", "w.example"),
            ])
            .await
            .unwrap();
        let (id, _) = outcome.new_groups[0].clone();
        let att = |page: &str, confidence| Attribution {
            page: page.to_owned(),
            gadget: Some("HotCat".to_owned()),
            url: Some("https://a.example/x.js".to_owned()),
            line: Some(7),
            method: offsite_collect::AttributionMethod::ExactUrl,
            confidence,
        };
        store
            .set_attributions(
                id,
                &[
                    att("MediaWiki:Gadget-HotCat.js", 0.9),
                    att("User:Bob/common.js", 0.25),
                ],
            )
            .await
            .unwrap();
        store
            .set_attributions(id, &[att("MediaWiki:Gadget-Navpop.js", 0.5)])
            .await
            .unwrap();
        let group = store.group(id).await.unwrap().unwrap();
        assert_eq!(
            group.attributions,
            vec![att("MediaWiki:Gadget-Navpop.js", 0.5)],
            "{}",
            db.name
        );
        let by_page = store
            .groups(&Filter {
                page: Some("gadget-navpop".into()),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(by_page.iter().map(|g| g.id).collect::<Vec<_>>(), vec![id]);
        assert_eq!(by_page[0].attributions.len(), 1);
        assert!(
            store
                .groups(&Filter {
                    page: Some("HotCat".into()),
                    ..all()
                })
                .await
                .unwrap()
                .is_empty()
        );
        let samples = store
            .reports(&Filter {
                page: Some("Navpop".into()),
                ..all()
            })
            .await
            .unwrap();
        assert!(samples.iter().all(|s| s.group_id == id) && samples.len() == 1);

        store
            .set_attributions(id, &[att("NaN page", f64::NAN)])
            .await
            .unwrap();
        let group = store.group(id).await.unwrap().unwrap();
        assert!(
            group.attributions[0].confidence.abs() < f64::EPSILON,
            "NaN stored as 0"
        );
        store.set_attributions(id, &[]).await.unwrap();
        assert!(
            store
                .group(id)
                .await
                .unwrap()
                .unwrap()
                .attributions
                .is_empty()
        );
        let err = store
            .set_attributions(987_654, &[att("x", 1.0)])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownGroup(987_654)), "{err}");
        assert!(store.group(987_654).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn prune_keeps_aggregates_and_drops_old_samples() {
    for db in backends("prune").await {
        let store = open(
            &db,
            StoreOptions {
                samples_per_group: 3,
                ..StoreOptions::default()
            },
        )
        .await;
        let now = T0 + 500 * DAY;
        let ancient = report(
            now - 450 * DAY,
            "img-src",
            "https://gone.example/a.png",
            "w.example",
        );
        let old: Vec<_> = (0..3)
            .map(|i| {
                report(
                    now - 20 * DAY + i,
                    "script-src-elem",
                    "https://a.example/x.js",
                    "w.example",
                )
            })
            .collect();
        let fresh = report(
            now - HOUR,
            "script-src-elem",
            "https://b.example/y.js",
            "w.example",
        );
        store
            .insert_batch(std::slice::from_ref(&ancient))
            .await
            .unwrap();
        store.insert_batch(&old).await.unwrap();
        store
            .insert_batch(std::slice::from_ref(&fresh))
            .await
            .unwrap();
        let gone_id = store
            .groups(&Filter {
                host: Some("gone".into()),
                ..all()
            })
            .await
            .unwrap()[0]
            .id;
        store
            .set_attributions(
                gone_id,
                &[Attribution {
                    page: "P".into(),
                    gadget: None,
                    url: None,
                    line: None,
                    method: offsite_collect::AttributionMethod::Host,
                    confidence: 1.0,
                }],
            )
            .await
            .unwrap();

        let outcome = store.prune(now).await.unwrap();
        assert_eq!(
            (outcome.samples, outcome.groups),
            (1 + 3, 1),
            "{}: {outcome:?}",
            db.name
        );
        assert_eq!(outcome.buckets, 1);
        let groups = store.groups(&all()).await.unwrap();
        let origins: BTreeSet<_> = groups
            .iter()
            .map(|g| g.key.blocked_origin.as_str())
            .collect();
        assert_eq!(
            origins,
            BTreeSet::from(["https://a.example", "https://b.example"])
        );
        let a = groups
            .iter()
            .find(|g| g.key.blocked_origin == "https://a.example")
            .unwrap();
        assert_eq!(a.count, 3, "aggregates of pruned samples stay");
        assert_eq!(
            store
                .timeline(&Filter {
                    group_id: Some(a.id),
                    ..Filter::default()
                })
                .await
                .unwrap()
                .len(),
            1
        );
        let left = store.reports(&all()).await.unwrap();
        assert_eq!(
            left.iter().map(|s| &s.report).collect::<Vec<_>>(),
            vec![&fresh]
        );
        assert!(store.group(gone_id).await.unwrap().is_none());

        // group `a` lost its samples, so it collects new ones again
        let newer: Vec<_> = (0..5)
            .map(|i| {
                report(
                    now + i,
                    "script-src-elem",
                    "https://a.example/x.js",
                    "w.example",
                )
            })
            .collect();
        store.insert_batch(&newer).await.unwrap();
        let again = store
            .reports(&Filter {
                group_id: Some(a.id),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(again.len(), 3, "{}", db.name);
        assert_eq!(
            store.prune(now).await.unwrap(),
            offsite_store::PruneOutcome::default(),
            "prune twice"
        );
    }
}

#[tokio::test]
async fn data_survives_closing_and_reopening() {
    for db in backends("reopen").await {
        let reports = workload(500, 20, 3, T0);
        {
            let store = open(&db, StoreOptions::default()).await;
            store.insert_batch(&reports).await.unwrap();
            store
                .record_filtered(T0, &[("extension".into(), 4)])
                .await
                .unwrap();
            drop(store); // no close(): a dropped store must not lose commits
        }
        let store = open(&db, StoreOptions::default()).await;
        assert_eq!(store.total_reports().await.unwrap(), 500, "{}", db.name);
        assert_eq!(store.groups(&all()).await.unwrap().len(), 20);
        assert_eq!(
            store.filtered_counts(&Filter::default()).await.unwrap(),
            vec![("extension".to_owned(), 4)]
        );
        let kept: i64 = expected_counts(&reports)
            .values()
            .map(|(n, _, _)| (*n).min(20))
            .sum();
        assert_eq!(
            i64::try_from(store.reports(&all()).await.unwrap().len()).unwrap(),
            kept
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_lose_no_counts() {
    for db in backends("concurrent").await {
        let store = open(
            &db,
            StoreOptions {
                samples_per_group: 7,
                ..StoreOptions::default()
            },
        )
        .await;
        let mut tasks = Vec::new();
        for t in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut created = Vec::new();
                for b in 0..15 {
                    // overlapping groups across tasks, each task in its own order
                    let batch = workload(100, 30, 4, T0 + (t * 15 + b) * 1000);
                    let mut batch = batch;
                    if t % 2 == 1 {
                        batch.reverse();
                    }
                    created.extend(store.insert_batch(&batch).await.expect("insert").new_groups);
                }
                created
            }));
        }
        let mut created = Vec::new();
        for task in tasks {
            created.extend(task.await.expect("task"));
        }
        assert_eq!(
            store.total_reports().await.unwrap(),
            8 * 15 * 100,
            "{}",
            db.name
        );
        let groups = store.groups(&all()).await.unwrap();
        assert_eq!(groups.len(), 30);
        assert_eq!(
            created.len(),
            30,
            "{}: each group created exactly once",
            db.name
        );
        let timeline: i64 = store
            .timeline(&Filter::default())
            .await
            .unwrap()
            .iter()
            .map(|b| b.count)
            .sum();
        assert_eq!(timeline, 12_000);
        for g in &groups {
            let samples = store
                .reports(&Filter {
                    group_id: Some(g.id),
                    ..all()
                })
                .await
                .unwrap();
            assert_eq!(samples.len(), 7, "{}: group {} samples", db.name, g.id);
        }
    }
}

#[tokio::test]
async fn hostile_strings_round_trip() {
    for db in backends("hostile").await {
        let store = open(&db, StoreOptions::default()).await;
        let nasty = "'; DROP TABLE groups; -- \"q\" \\ % _ ü 漢字 🙂 \u{202e}";
        let mut r = report(T0, nasty, "https://x.example/a.js", "w.example");
        r.sample = Some(format!("eval(\"{nasty}\")"));
        r.document = format!("https://w.example/{nasty}");
        r.source = Some(nasty.to_owned());
        r.blocked = Blocked::Scheme(nasty.to_owned());
        let mut with_nul = report(
            T0,
            "script-src\0elem",
            "https://y.example/a.js",
            "w.example",
        );
        with_nul.sample = Some("a\0b".to_owned());
        let outcome = store
            .insert_batch(&[r.clone(), with_nul])
            .await
            .expect("insert");
        assert_eq!(outcome.new_groups.len(), 2);

        let got = store
            .reports(&Filter {
                directive: Some(nasty.into()),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(got.len(), 1, "{}", db.name);
        assert_eq!(got[0].report, r, "{}", db.name);
        // NUL is stored as U+FFFD on both back ends, and found that way
        let nul = store
            .reports(&Filter {
                directive: Some("script-src\u{FFFD}elem".into()),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(nul.len(), 1, "{}", db.name);
        assert_eq!(nul[0].report.sample.as_deref(), Some("a\u{FFFD}b"));
        let also = store
            .groups(&Filter {
                directive: Some("script-src\0elem".into()),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(
            also.len(),
            1,
            "a NUL in a filter matches like the stored text"
        );
        // LIKE wildcards in a filter are literal
        let percent = store
            .groups(&Filter {
                host: Some("%".into()),
                ..all()
            })
            .await
            .unwrap();
        assert_eq!(
            percent.len(),
            1,
            "{}: only the origin with a literal %",
            db.name
        );
        assert_eq!(percent[0].key.blocked_origin, format!("{nasty}:"));
        assert!(
            store
                .groups(&Filter {
                    host: Some("x_example".into()),
                    ..all()
                })
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .groups(&Filter {
                    host: Some(nasty.to_lowercase()[..8].to_owned()),
                    ..all()
                })
                .await
                .unwrap()
                .len(),
            1
        );
        // the table is still there
        assert_eq!(store.total_reports().await.unwrap(), 2);
    }
}

#[tokio::test]
async fn sqlite_creates_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("does/not/exist/yet/reports.db");
    let spec = StoreSpec::parse(&format!("sqlite:{}", path.display())).unwrap();
    let store = Store::open(&spec, StoreOptions::default())
        .await
        .expect("open");
    store.insert_batch(&workload(3, 1, 1, T0)).await.unwrap();
    assert!(path.is_file());
    let journal: String = {
        let mut conn =
            sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(journal, "wal");
}

#[tokio::test]
async fn sqlite_unusable_paths_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "not a directory").unwrap();
    // a directory that cannot be created (its parent is a file; fails for root too)
    let under_file = file.join("sub/reports.db");
    let err = Store::open(&StoreSpec::Sqlite(under_file), StoreOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    let want = format!(
        "cannot create the directory for the SQLite file `{}`: Not a directory",
        file.join("sub").display()
    );
    assert!(err.to_string().starts_with(&want), "{err}");
    // the path is a directory
    let err = Store::open(
        &StoreSpec::Sqlite(dir.path().to_path_buf()),
        StoreOptions::default(),
    )
    .await
    .unwrap_err();
    let want = format!(
        "cannot use as the SQLite file `{}`: it is a directory",
        dir.path().display()
    );
    assert_eq!(err.to_string(), want);
    // a file that is not a database
    let err = Store::open(&StoreSpec::Sqlite(file.clone()), StoreOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("`sqlite:{}`", file.display())),
        "{text}"
    );
    assert!(text.contains("not a database"), "{text}");
}

#[tokio::test]
async fn postgres_errors_name_the_store_without_password() {
    let Some(_) = postgres_url() else { return };
    // nothing listens on port 1
    let spec = StoreSpec::parse("postgres://offsite:hunter2@127.0.0.1:1/nowhere").unwrap();
    let err = Store::open(&spec, StoreOptions::default())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("127.0.0.1:1/nowhere") && !text.contains("hunter2"),
        "{text}"
    );
}

#[tokio::test]
async fn invalid_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = StoreSpec::Sqlite(dir.path().join("r.db"));
    let err = Store::open(
        &spec,
        StoreOptions {
            bucket_secs: 0,
            ..StoreOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("bucket_secs"), "{err}");
}

// ---- durability against SIGKILL --------------------------------------------------------------

/// Child half of `committed_batches_survive_sigkill`: inserts batches of
/// 100 into the store named by `OFFSITE_STORE_CRASH_SPEC`, printing
/// `committed N` after each `Ok`, until killed (or 2000 batches).
#[tokio::test]
#[ignore = "helper process for committed_batches_survive_sigkill"]
async fn crash_child() {
    let Ok(spec) = std::env::var("OFFSITE_STORE_CRASH_SPEC") else {
        return;
    };
    let store = Store::open(&StoreSpec::parse(&spec).unwrap(), StoreOptions::default())
        .await
        .unwrap();
    let mut out = std::io::stdout().lock();
    for n in 1..=2000 {
        store
            .insert_batch(&workload(100, 50, 2, T0 + n * 10))
            .await
            .unwrap();
        writeln!(out, "committed {n}").unwrap();
        out.flush().unwrap();
    }
}

#[tokio::test]
async fn committed_batches_survive_sigkill() {
    for db in backends("sigkill").await {
        let spec = match &db.spec {
            StoreSpec::Sqlite(path) => format!("sqlite:{}", path.display()),
            StoreSpec::Postgres(url) => url.clone(),
        };
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "crash_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("OFFSITE_STORE_CRASH_SPEC", &spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let mut committed = 0;
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            if let Some(n) = line.unwrap().strip_prefix("committed ") {
                committed = n.parse::<i64>().unwrap();
                if committed >= 30 {
                    break;
                }
            }
        }
        child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
        child.wait().unwrap();
        assert!(
            committed >= 30,
            "{}: the child stopped after {committed} batches",
            db.name
        );
        let store = open(&db, StoreOptions::default()).await;
        let total = store.total_reports().await.unwrap();
        assert!(
            total >= committed * 100,
            "{}: {total} reports after {committed} committed batches",
            db.name
        );
        assert_eq!(total % 100, 0, "{}: a batch was half stored", db.name);
        let timeline: i64 = store
            .timeline(&Filter::default())
            .await
            .unwrap()
            .iter()
            .map(|b| b.count)
            .sum();
        assert_eq!(timeline, total, "{}", db.name);
    }
}
