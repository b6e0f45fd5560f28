//! A collector on its own, for benchmarks and manual tests until the CLI's
//! `offsite serve` is at hand:
//!
//! ```text
//! cargo run --release -p offsite_serve --example collector -- \
//!     [LISTEN=127.0.0.1:8080] [STORE=sqlite:offsite-reports.db] [--rate-limit]
//! ```
//!
//! The per-client rate limit is off unless `--rate-limit` is given: a load
//! generator on loopback is one client. Stops on Ctrl-C (flushing the queue).

use offsite_serve::ServeConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rate_limit = args.iter().any(|a| a == "--rate-limit");
    let mut positional = args.iter().filter(|a| !a.starts_with("--"));
    let mut config = ServeConfig::default();
    if let Some(listen) = positional.next() {
        config.listen.clone_from(listen);
    }
    if let Some(store) = positional.next() {
        config.store.clone_from(store);
    }
    if !rate_limit {
        config.rate_limit.per_second = 0.0;
    }
    offsite_serve::serve(config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
