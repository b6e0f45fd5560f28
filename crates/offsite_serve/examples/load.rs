//! Load generator for the collector: N keep-alive connections on loopback
//! POST Chromium-shaped CSP reports (varied blocked hosts and pages) for D
//! seconds, then print sustained accepted reports per second, latency
//! percentiles and status counts.
//!
//! ```text
//! cargo run --release -p offsite_serve --example collector -- 127.0.0.1:8099 sqlite:/tmp/load.db &
//! cargo run --release -p offsite_serve --example load -- \
//!     --url http://127.0.0.1:8099/csp-report --connections 64 --duration 10 --hosts 1000
//! ```
//!
//! `--format reports+json --batch 10` sends Reporting API batches instead.
#![expect(
    clippy::print_stdout,
    reason = "a command-line tool: its report is the output"
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

struct Options {
    url: String,
    connections: usize,
    duration: Duration,
    hosts: usize,
    reports_json: bool,
    batch: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        url: "http://127.0.0.1:8080/csp-report".to_owned(),
        connections: 64,
        duration: Duration::from_secs(10),
        hosts: 1000,
        reports_json: false,
        batch: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => o.url = value()?,
            "--connections" | "-c" => o.connections = number(value()?)?.max(1),
            "--duration" | "-d" => {
                o.duration = Duration::from_secs(number(value()?)? as u64);
            }
            "--hosts" => o.hosts = number(value()?)?.max(1),
            "--batch" => o.batch = number(value()?)?.max(1),
            "--format" => match value()?.as_str() {
                "csp-report" => o.reports_json = false,
                "reports+json" => o.reports_json = true,
                other => {
                    return Err(format!(
                        "--format: `{other}` is not csp-report or reports+json"
                    ));
                }
            },
            "--help" | "-h" => {
                return Err(
                    "usage: load [--url URL] [--connections N] [--duration SECS] [--hosts N] \
                     [--format csp-report|reports+json] [--batch N]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(o)
}

const POLICY: &str = "script-src 'unsafe-eval' blob: 'self' https://allowed.example.org 'unsafe-inline'; \
    default-src 'self' data: blob: https://allowed.example.org; style-src 'self' data: blob: \
    https://allowed.example.org 'unsafe-inline'; object-src 'none'; report-uri /csp-report";
const UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
    HeadlessChrome/156.0.0.0 Safari/537.36";

/// One `application/csp-report` body as Chromium sends it.
fn csp_report(n: usize, hosts: usize) -> String {
    let host = n % hosts;
    let wiki = n % 7;
    let directive = if n.is_multiple_of(3) {
        "style-src-elem"
    } else {
        "script-src-elem"
    };
    serde_json::json!({"csp-report": {
        "document-uri": format!("https://wiki{wiki}.example.org/wiki/Page_{}", n % 5000),
        "referrer": "",
        "violated-directive": directive,
        "effective-directive": directive,
        "original-policy": POLICY,
        "disposition": "report",
        "blocked-uri": format!("https://cdn{host}.example.net/lib.js?_={n}"),
        "line-number": 9,
        "column-number": 655,
        "source-file": format!("https://wiki{wiki}.example.org/w/load.php"),
        "status-code": 200,
        "script-sample": ""
    }})
    .to_string()
}

/// An `application/reports+json` batch of `batch` entries.
fn reports_json(n: usize, hosts: usize, batch: usize) -> String {
    let entries: Vec<serde_json::Value> = (0..batch)
        .map(|i| {
            let k = n * batch + i;
            let wiki = k % 7;
            serde_json::json!({
                "age": 60,
                "type": "csp-violation",
                "url": format!("https://wiki{wiki}.example.org/wiki/Page_{}", k % 5000),
                "user_agent": UA,
                "body": {
                    "blockedURL": format!("https://cdn{}.example.net/lib.js", k % hosts),
                    "columnNumber": 655,
                    "disposition": "report",
                    "documentURL": format!("https://wiki{wiki}.example.org/wiki/Page_{}", k % 5000),
                    "effectiveDirective": "script-src-elem",
                    "lineNumber": 9,
                    "originalPolicy": POLICY,
                    "referrer": "",
                    "sample": "",
                    "sourceFile": format!("https://wiki{wiki}.example.org/w/load.php"),
                    "statusCode": 200
                }
            })
        })
        .collect();
    serde_json::Value::Array(entries).to_string()
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    statuses: BTreeMap<String, u64>,
    accepted_reports: u64,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a list of at most a few million latencies"
    )]
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(o.connections)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    let (content_type, per_request) = if o.reports_json {
        ("application/reports+json", o.batch as u64)
    } else {
        ("application/csp-report", 1)
    };
    let started = Instant::now();
    let deadline = started + o.duration;
    let mut tasks = Vec::with_capacity(o.connections);
    for worker in 0..o.connections {
        let client = client.clone();
        let url = o.url.clone();
        let (hosts, batch, batched) = (o.hosts, o.batch, o.reports_json);
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut n = worker;
            while Instant::now() < deadline {
                let body = if batched {
                    reports_json(n, hosts, batch)
                } else {
                    csp_report(n, hosts)
                };
                n += 1_000_003;
                let sent = Instant::now();
                let result = client
                    .post(&url)
                    .header("content-type", content_type)
                    .header("user-agent", UA)
                    .body(body)
                    .send()
                    .await;
                let took = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                tally.latencies_us.push(took);
                let key = match result {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        // Drain the body so the connection is reused.
                        let _ = resp.bytes().await;
                        if status == 204 {
                            tally.accepted_reports += per_request;
                        }
                        status.to_string()
                    }
                    Err(e) if e.is_timeout() => "timeout".to_owned(),
                    Err(e) if e.is_connect() => "connect-error".to_owned(),
                    Err(_) => "error".to_owned(),
                };
                *tally.statuses.entry(key).or_default() += 1;
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        all.latencies_us.extend(t.latencies_us);
        for (k, v) in t.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
        all.accepted_reports += t.accepted_reports;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies_us.sort_unstable();
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let (requests, accepted) = (all.latencies_us.len() as f64, all.accepted_reports as f64);
    println!(
        "target {} · {} connections · {:.1} s · {} blocked hosts · {}",
        o.url,
        o.connections,
        elapsed,
        o.hosts,
        if o.reports_json {
            format!("reports+json batches of {}", o.batch)
        } else {
            "csp-report".to_owned()
        }
    );
    println!("requests:  {requests:.0} ({:.0}/s)", requests / elapsed);
    println!(
        "accepted:  {accepted:.0} reports ({:.0} reports/s sustained)",
        accepted / elapsed
    );
    println!(
        "latency:   p50 {:.2} ms · p90 {:.2} ms · p99 {:.2} ms · max {:.2} ms",
        percentile(&all.latencies_us, 0.50),
        percentile(&all.latencies_us, 0.90),
        percentile(&all.latencies_us, 0.99),
        percentile(&all.latencies_us, 1.0)
    );
    let statuses: Vec<String> = all
        .statuses
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    println!("statuses:  {}", statuses.join(" · "));
    Ok(())
}
