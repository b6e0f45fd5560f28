//! The `offsite` command line: a thin layer over the library crates.
//!
//! It parses arguments, turns them into an `offsite_scan::ScanRequest`
//! (every command that reads code enters the same pipeline), draws the
//! progress bar from the pipeline's callback, applies a baseline, renders
//! with `offsite_report` and picks the exit code: 0 no finding at or above
//! `--fail-on`, 1 findings, 2 an input could not be read (the report is
//! still written) or the tool failed. A closed pipe exits quietly. The
//! argument structs (`cli.rs`) never leave this crate.

mod cli;
mod csp;
mod graph;
mod inventory;
mod scan;
mod serve;

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
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`offsite scan … | head`) is not an error.
        Err(err)
            if err.chain().any(|cause| {
                cause
                    .downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // Best effort: if stderr itself is gone there is nobody to tell.
            let _ = writeln!(io::stderr(), "offsite: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
