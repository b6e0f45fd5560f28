//! Crash safety of `offsite serve`: a 2xx answer means the report is on
//! disk. Client threads send distinct reports without pause (in all three
//! formats) while the collector is killed with SIGKILL at random moments
//! and restarted on the same SQLite file, five times. Afterwards every
//! acknowledged report must be in the store, exactly once, and nothing that
//! was never sent may be there.
//!
//! Each report is its own group (blocked origin `https://h<N>.example.com`),
//! so the check reads group counts, which are not bounded the way samples
//! are. The seed of the kill times is printed; `OFFSITE_CRASH_SEED=<n>`
//! replays it. Only real parts: the `offsite` binary, a SQLite file, HTTP
//! over loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Collector, http};

use serde_json::Value;

const ROUNDS: usize = 5;
const CLIENTS: usize = 4;
/// Entries in each `application/reports+json` batch.
const BATCH: u64 = 3;

fn get_json(addr: SocketAddr, path: &str) -> Value {
    let (status, body) = http(addr, "GET", path, &[], b"").expect("GET");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).expect("JSON answer")
}

fn healthz(addr: SocketAddr) -> u16 {
    http(addr, "GET", "/healthz", &[], b"").map_or(0, |(s, _)| s)
}

/// The CSP2 body of report `id`: its own blocked origin, so its own group.
fn csp2(id: u64) -> Value {
    serde_json::json!({
        "document-uri": format!("https://wiki.example.org/wiki/Page_{}", id % 97),
        "effective-directive": "script-src-elem",
        "violated-directive": "script-src-elem",
        "blocked-uri": format!("https://h{id}.example.com/x.js"),
        "source-file": "https://wiki.example.org/w/load.php",
        "line-number": id % 5000 + 1,
        "disposition": "report",
        "status-code": 200,
    })
}

/// Sends reports `first..first+n` in format `format` (0: CSP2 as
/// `application/csp-report`, 1: as `application/json`, 2: a Reporting API
/// batch); `Ok(status)` when the collector answered.
fn send(addr: SocketAddr, format: u64, first: u64, n: u64) -> std::io::Result<u16> {
    let (content_type, body) = match format {
        0 => (
            "application/csp-report",
            serde_json::json!({ "csp-report": csp2(first) }),
        ),
        1 => (
            "application/json",
            serde_json::json!({ "csp-report": csp2(first) }),
        ),
        _ => {
            let batch: Vec<Value> = (first..first + n)
                .map(|id| {
                    let c = csp2(id);
                    serde_json::json!({
                        "age": 1, "type": "csp-violation",
                        "url": c["document-uri"],
                        "user_agent": "Mozilla/5.0 Chrome/140.0.0.0",
                        "body": {
                            "documentURL": c["document-uri"],
                            "blockedURL": c["blocked-uri"],
                            "effectiveDirective": "script-src-elem",
                            "sourceFile": c["source-file"],
                            "lineNumber": c["line-number"],
                            "disposition": "report",
                            "statusCode": 200,
                        }
                    })
                })
                .collect();
            ("application/reports+json", Value::Array(batch))
        }
    };
    let body = body.to_string();
    http(
        addr,
        "POST",
        "/csp-report",
        &[("Content-Type", content_type)],
        body.as_bytes(),
    )
    .map(|(status, _)| status)
}

/// What the client threads saw.
#[derive(Default)]
struct Tally {
    acknowledged: BTreeSet<u64>,
    statuses: BTreeMap<u16, u64>,
    connection_errors: u64,
}

/// Reserves ids and sends them until `stop`; every 2xx goes into the tally.
fn client(addr: SocketAddr, next: &AtomicU64, stop: &AtomicBool, tally: &Mutex<Tally>) {
    let mut format = 0;
    while !stop.load(Ordering::Relaxed) {
        format = (format + 1) % 3;
        let n = if format == 2 { BATCH } else { 1 };
        let first = next.fetch_add(n, Ordering::Relaxed);
        if let Ok(status) = send(addr, format, first, n) {
            let mut t = tally.lock().unwrap();
            *t.statuses.entry(status).or_default() += 1;
            if (200..300).contains(&status) {
                t.acknowledged.extend(first..first + n);
            }
        } else {
            tally.lock().unwrap().connection_errors += 1;
            // The collector is gone until the next round starts.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// xorshift64*: enough randomness for kill times, reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// Every group of the store, read a page at a time: blocked origin → count.
fn all_groups(addr: SocketAddr) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    let mut offset = 0;
    loop {
        let page = get_json(addr, &format!("/api/groups?limit=1000&offset={offset}"));
        let groups = page["groups"].as_array().expect("groups array");
        for g in groups {
            let origin = g["blocked_origin"].as_str().expect("origin").to_owned();
            let count = g["count"].as_i64().expect("count");
            assert!(
                out.insert(origin.clone(), count).is_none(),
                "{origin} is listed twice"
            );
        }
        if groups.len() < 1000 {
            return out;
        }
        offset += 1000;
    }
}

#[test]
fn acknowledged_reports_survive_sigkill_and_restart() {
    let seed = std::env::var("OFFSITE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| {
                    d.as_secs().wrapping_mul(1_000_000_007) ^ u64::from(d.subsec_nanos())
                })
                | 1
        });
    eprintln!("OFFSITE_CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("offsite.toml"),
        "[serve]\nrate-limit.per-second = 0\n",
    )
    .unwrap();
    let store = format!("sqlite:{}", dir.path().join("reports.db").display());

    let next = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    for round in 0..ROUNDS {
        let collector = start(dir.path(), &store);
        assert_eq!(
            healthz(collector.addr),
            200,
            "round {round}: /healthz after a restart; stderr:\n{}",
            collector.log.lock().unwrap()
        );
        let before = tally.lock().unwrap().acknowledged.len();
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let (next, stop, tally) = (next.clone(), stop.clone(), tally.clone());
                let addr = collector.addr;
                std::thread::spawn(move || client(addr, &next, &stop, &tally))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300 + rng.below(1200)));
        collector.kill();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
        let after = tally.lock().unwrap().acknowledged.len();
        assert!(
            after > before,
            "round {round}: no report was acknowledged before the kill"
        );
    }

    let collector = start(dir.path(), &store);
    assert_eq!(healthz(collector.addr), 200, "/healthz after the last kill");
    let groups = all_groups(collector.addr);
    let sent = next.load(Ordering::Relaxed);
    let tally = tally.lock().unwrap();
    let mut stored = BTreeSet::new();
    for (origin, count) in &groups {
        let id = origin
            .strip_prefix("https://h")
            .and_then(|r| r.strip_suffix(".example.com"))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("a group nobody sent: {origin}"));
        assert!(id < sent, "{origin}: id {id} was never sent");
        assert_eq!(*count, 1, "{origin}: each report is sent once");
        stored.insert(id);
    }
    let lost: Vec<u64> = tally.acknowledged.difference(&stored).copied().collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged reports are missing after SIGKILL (seed {seed}), first: {:?}",
        lost.len(),
        &lost[..lost.len().min(20)]
    );
    let non_2xx: BTreeMap<_, _> = tally
        .statuses
        .iter()
        .filter(|(s, _)| !(200..300).contains(*s))
        .collect();
    assert!(
        non_2xx.is_empty(),
        "with the rate limit off, only 2xx or a dropped connection are expected: {non_2xx:?}"
    );
    eprintln!(
        "{ROUNDS} kills in {:.1} s: {} reports acknowledged, {} stored \
         ({} were in flight at a kill and stored without an answer), \
         {} requests cut off by a kill",
        started.elapsed().as_secs_f64(),
        tally.acknowledged.len(),
        stored.len(),
        stored.len() - tally.acknowledged.len(),
        tally.connection_errors
    );
    collector.kill();
}

/// The collector on `store`, with the test's offsite.toml.
fn start(dir: &Path, store: &str) -> Collector {
    let config = dir.join("offsite.toml");
    Collector::start(
        dir,
        &[
            OsStr::new("--store"),
            OsStr::new(store),
            OsStr::new("--config"),
            config.as_os_str(),
        ],
    )
}
