//! Insert throughput of `Store::insert_batch`, the collector's hot path.
//!
//! ```text
//! cargo run --release -p offsite_store --example insert_bench
//! cargo run --release -p offsite_store --example insert_bench -- --store "$OFFSITE_TEST_POSTGRES"
//! ```
//!
//! Options: `--store SPEC` (default: a SQLite file in a temporary
//! directory; a PostgreSQL URL gets a fresh schema `offsite_bench`),
//! `--reports N` (default 200000), `--batch N` (default 1000), `--groups N`
//! (default 2000), `--sync-full` (SQLite `synchronous=FULL`).
//!
//! Two workloads, each on a fresh store, reports generated before the clock
//! starts:
//! - **steady**: group keys drawn from a Zipf(1.1) distribution over
//!   `--groups` keys, one hour of simulated time per 50,000 reports, as a
//!   collector sees after warm-up (most groups already hold their samples);
//! - **cold**: every report its own new group (worst case: a group row, a
//!   bucket row and a sample per report).
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::Instant;

use offsite_collect::{Blocked, Disposition, ReportFormat};
use offsite_store::{NormalizedReport, Store, StoreOptions, StoreSpec};
use sqlx::Connection;

const T0: i64 = 1_800_000_000_000;

struct Args {
    store: Option<String>,
    reports: usize,
    batch: usize,
    groups: usize,
    sync_full: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        store: None,
        reports: 200_000,
        batch: 1000,
        groups: 2000,
        sync_full: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{v}: {e}"));
        match arg.as_str() {
            "--store" => args.store = Some(value()?),
            "--reports" => args.reports = number(value()?)?,
            "--batch" => args.batch = number(value()?)?.max(1),
            "--groups" => args.groups = number(value()?)?.max(1),
            "--sync-full" => args.sync_full = true,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(args)
}

/// A deterministic generator (64-bit LCG), so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // the high 32 bits (the best ones of an LCG), scaled into [0, 1)
        let bits = u32::try_from(self.0 >> 32).unwrap_or(0);
        f64::from(bits) / 4_294_967_296.0
    }
}

fn report(i: usize, group: usize, at: i64) -> NormalizedReport {
    let directive = [
        "script-src-elem",
        "img-src",
        "connect-src",
        "style-src-elem",
    ][group % 4];
    NormalizedReport {
        received_ms: at,
        format: ReportFormat::ReportsJson,
        disposition: Disposition::Report,
        directive: directive.to_owned(),
        blocked: Blocked::Url(format!("https://cdn{group}.example.org/lib/{i}.js")),
        document: "https://en.wikipedia.org/wiki/Special:Search".to_owned(),
        document_host: Some("en.wikipedia.org".to_owned()),
        source_file: Some("https://en.wikipedia.org/w/load.php".to_owned()),
        line: Some(1),
        column: Some(4711),
        status_code: Some(200),
        sample: None,
        browser: Some("Chrome 156".to_owned()),
        source: None,
    }
}

fn steady(n: usize, groups: usize) -> Vec<NormalizedReport> {
    let weights: Vec<f64> = (1..=groups)
        .map(|k| 1.0 / f64::from(u32::try_from(k).unwrap_or(u32::MAX)).powf(1.1))
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(groups);
    let mut acc = 0.0;
    for w in weights {
        acc += w / sum;
        cumulative.push(acc);
    }
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let x = rng.next_f64();
            let group = cumulative.partition_point(|c| *c < x).min(groups - 1);
            let at = T0 + i64::try_from(i).unwrap_or(i64::MAX) * 72; // 50k per hour
            report(i, group, at)
        })
        .collect()
}

fn cold(n: usize) -> Vec<NormalizedReport> {
    (0..n)
        .map(|i| report(i, i, T0 + i64::try_from(i).unwrap_or(i64::MAX)))
        .collect()
}

async fn fresh_spec(args: &Args, dir: &tempfile::TempDir, name: &str) -> Result<StoreSpec, String> {
    let Some(text) = &args.store else {
        return Ok(StoreSpec::Sqlite(dir.path().join(format!("{name}.db"))));
    };
    let spec = StoreSpec::parse(text).map_err(|e| e.to_string())?;
    match &spec {
        StoreSpec::Sqlite(path) => {
            let _ = std::fs::remove_file(path);
            Ok(spec)
        }
        StoreSpec::Postgres(url) => {
            let mut conn = sqlx::postgres::PgConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(
                "DROP SCHEMA IF EXISTS offsite_bench CASCADE; CREATE SCHEMA offsite_bench",
            )
            .execute(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
            let sep = if url.contains('?') { '&' } else { '?' };
            StoreSpec::parse(&format!("{url}{sep}options[search_path]=offsite_bench"))
                .map_err(|e| e.to_string())
        }
    }
}

async fn run(args: &Args, name: &str, reports: &[NormalizedReport]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let spec = fresh_spec(args, &dir, name).await?;
    let options = StoreOptions {
        sqlite_sync_full: args.sync_full,
        ..StoreOptions::default()
    };
    let store = Store::open(&spec, options)
        .await
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut new_groups = 0;
    for batch in reports.chunks(args.batch) {
        new_groups += store
            .insert_batch(batch)
            .await
            .map_err(|e| e.to_string())?
            .new_groups
            .len();
    }
    let secs = start.elapsed().as_secs_f64();
    let total = store.total_reports().await.map_err(|e| e.to_string())?;
    #[expect(
        clippy::cast_precision_loss,
        reason = "report counts are far below 2^52"
    )]
    let rate = reports.len() as f64 / secs;
    println!(
        "{backend:8} {name:6} {n:>8} reports in batches of {batch}: {secs:6.2} s, \
         {rate:>9.0} reports/s ({new_groups} groups, {total} stored)",
        backend = store.backend(),
        n = reports.len(),
        batch = args.batch,
    );
    if usize::try_from(total).ok() != Some(reports.len()) {
        return Err(format!("stored {total} of {} reports", reports.len()));
    }
    store.close().await;
    if let StoreSpec::Sqlite(path) = &spec {
        // after close the WAL is checkpointed into the file
        let bytes = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        #[expect(clippy::cast_precision_loss, reason = "file sizes are far below 2^52")]
        let mib = bytes as f64 / 1_048_576.0;
        println!("{:8} {name:6} file size {mib:.1} MiB", "");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = parse_args()?;
    run(&args, "steady", &steady(args.reports, args.groups)).await?;
    run(&args, "cold", &cold(args.reports)).await?;
    Ok(())
}
