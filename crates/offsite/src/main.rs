//! The `offsite` command line: a thin layer over the library crates.
//!
//! `offsite scan` walks files (honouring `.gitignore`), checks them in
//! parallel with `offsite_rules::Linter`, applies a baseline and renders the
//! report with `offsite_report`. Exit codes: 0 no finding at or above
//! `--fail-on`, 1 findings, 2 the tool failed. A closed pipe exits quietly.

mod cli;
mod csp;
mod disclose;
mod graph;
mod inventory;
mod scan;
mod serve;
mod wiki;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => cli::list_rules(&args),
        Command::Rule(args) => cli::show_rule(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Inventory(args) => inventory::run(&args),
        Command::Csp(command) => csp::run(&command),
        Command::Serve(args) => serve::run(&args),
        Command::Disclose(args) => disclose::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // Best effort: if stderr itself is gone there is nobody to tell.
            let _ = writeln!(io::stderr(), "offsite: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that closed the pipe (`offsite scan | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
