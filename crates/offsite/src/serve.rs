//! `offsite serve`: runs the CSP report collector of `offsite_serve` with
//! the `[serve]` table of offsite.toml, overridden by the command line.

use std::process::ExitCode;

use anyhow::{Context, Result};
use offsite_serve::ServeConfig;

use crate::cli::ServeArgs;
use offsite_scan::config::load_policy;

pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    let config = config(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(offsite_serve::serve(config, shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}

/// The `[serve]` table of the policy file, then the command line on top.
fn config(args: &ServeArgs) -> Result<ServeConfig> {
    // The collector scans nothing: discovery starts at the working directory.
    let policy = load_policy(args.no_config, args.config.as_deref(), None)?;
    if args.verbose {
        eprintln!("offsite: {}", policy.describe());
    }
    let mut config: ServeConfig = policy.serve()?.unwrap_or_default();
    let settings = policy.settings;
    if let Some(listen) = &args.listen {
        config.listen.clone_from(listen);
    }
    if let Some(store) = &args.store {
        config.store.clone_from(store);
    }
    if let Some(token) = &args.read_token {
        config.read_token = Some(token.clone());
    }
    if let Some(scan) = &args.scan {
        config.inventory = Some(scan.clone());
    }
    // Relative paths in the policy file are relative to that file.
    if args.scan.is_none()
        && let (Some(inventory), Some(root)) = (&config.inventory, &settings.root)
        && inventory.is_relative()
    {
        config.inventory = Some(root.join(inventory));
    }
    Ok(config)
}

/// Resolves on Ctrl-C or SIGTERM: the collector then stops accepting,
/// writes what it acknowledged and exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM stops us.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
