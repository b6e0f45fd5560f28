//! `offsite disclose`: privacy notices per gadget, site script and widely
//! imported user script, from a saved scan or from the same sources `scan`
//! reads. The notices themselves are `offsite_disclose`'s; this reads the
//! input, picks the language and writes the output.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use offsite_disclose::{Format, Messages, Options, build, render};
use offsite_model::GadgetPages;

use crate::cli::LoadSourceArgs;

#[derive(Debug, Args)]
pub struct DiscloseArgs {
    #[command(flatten)]
    pub input: LoadSourceArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiscloseFormat::Wikitext)]
    pub format: DiscloseFormat,

    /// Language of the notices: a built-in one (en, de), or any code with
    /// --messages.
    #[arg(long, default_value = "en", value_name = "CODE")]
    pub lang: String,

    /// A message catalogue (flat TOML, keys of the English one) for --lang,
    /// over the built-in texts; keys it leaves out stay English.
    #[arg(long, value_name = "FILE")]
    pub messages: Option<PathBuf>,

    /// Only the notices of these subjects (gadget name, page title or file
    /// path); repeatable.
    #[arg(long, value_name = "NAME")]
    pub subject: Vec<String>,

    /// A user script gets a notice when at least N entry points run it
    /// (only where the scan knows who runs it).
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_entry_points: usize,

    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiscloseFormat {
    /// For a gadget's description page or a policy page.
    Wikitext,
    /// An HTML fragment.
    Html,
    /// Machine-readable (docs/schema/disclose.schema.json).
    Json,
}

fn messages(args: &DiscloseArgs) -> Result<Messages> {
    Ok(match &args.messages {
        Some(path) => {
            let text = fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Messages::with_catalogue(&args.lang, &path.display().to_string(), &text)?
        }
        None => Messages::built_in(&args.lang)?,
    })
}

pub fn run(args: &DiscloseArgs) -> Result<ExitCode> {
    // Before the scan: a wrong language should not cost a crawl.
    let messages = messages(args)?;
    let input = &args.input;
    let (loads, gadgets) = if let Some(scan) = &input.scan {
        (crate::csp::read_saved_scan(scan)?, GadgetPages::new())
    } else if input.wiki.is_set() || !input.paths.is_empty() {
        let mut scan = crate::graph::read_scan(
            &input.paths,
            &input.wiki,
            input.no_config,
            input.config.as_ref(),
            input.threads,
        )?;
        if !input.quiet {
            for d in &scan.report.diagnostics {
                eprintln!("offsite: {}: {}", d.source.display_name(), d.message);
            }
        }
        crate::graph::expose_loads(&mut scan);
        let mut gadgets = GadgetPages::new();
        for g in &scan.gadgets {
            for page in &g.pages {
                gadgets.insert(page, &g.id);
            }
        }
        (scan.report.loads, gadgets)
    } else {
        bail!(
            "give the loads: --scan FILE (from `offsite scan --format json`), --dump FILE, --wiki API_URL or the files of the pages"
        );
    };
    let options = Options {
        gadgets,
        min_user_script_entry_points: args.min_entry_points,
    };
    let mut notices = build(&loads, &options);
    if !args.subject.is_empty() {
        notices.retain(|n| args.subject.contains(&n.subject.name));
        if !input.quiet {
            // A subject with only first-party loads has no notice; a typo
            // looks the same, so say which names gave nothing.
            for name in &args.subject {
                if !notices.iter().any(|n| &n.subject.name == name) {
                    eprintln!(
                        "offsite: no notice for {name:?}: it loads nothing from outside the wiki, or no such gadget or page was scanned"
                    );
                }
            }
        }
    }
    let format = match args.format {
        DiscloseFormat::Wikitext => Format::Wikitext,
        DiscloseFormat::Html => Format::Html,
        DiscloseFormat::Json => Format::Json,
    };
    let text = render(format, &notices, &messages);
    if let Some(path) = &args.output {
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
