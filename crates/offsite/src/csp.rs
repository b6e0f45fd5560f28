//! `offsite csp generate | evaluate | diff`: the command-line side of
//! `offsite_csp`. Loads come from a saved scan (`--scan`), files named by
//! title, a dump or a live wiki; the policy (offsite.toml) decides which
//! loads are permitted and gives the `[csp]` defaults.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use offsite_csp::evaluate::{EvaluateOptions, evaluate, render_text};
use offsite_csp::generate::{
    AllowPattern, Base, GadgetPages, GenerateOptions, ReportTo, gadgets_from_titles, generate,
    merged, per_gadget, render_explain, render_fragments, render_notes,
};
use offsite_csp::mediawiki::{mediawiki_form, mediawiki_php};
use offsite_csp::{CspConfig, csp_lines, diff, diff_loads, parse_header_lines, render_diff};
use offsite_model::ReportedLoad;
use offsite_rules::Settings;
use serde::Deserialize;

use crate::cli::{
    CspBase, CspCommand, CspDiffArgs, CspEvaluateArgs, CspFormat, CspGenerateArgs, CspReportFormat,
    LoadSourceArgs,
};
use crate::scan::load_settings;

pub fn run(command: &CspCommand) -> Result<ExitCode> {
    match command {
        CspCommand::Generate(args) => run_generate(args),
        CspCommand::Evaluate(args) => run_evaluate(args),
        CspCommand::Diff(args) => run_diff(args),
    }
}

/// The loads, the gadget map and the settings.
struct Input {
    loads: Vec<ReportedLoad>,
    gadgets: GadgetPages,
    settings: Settings,
    csp: CspConfig,
}

fn read_input(args: &LoadSourceArgs, need_loads: bool) -> Result<Input> {
    let (settings, path) = load_settings(args.no_config, args.config.as_ref(), &args.paths)?;
    let csp = match &settings.csp {
        Some(table) => toml::Value::Table(table.clone())
            .try_into::<CspConfig>()
            .with_context(|| {
                format!(
                    "{}: invalid [csp] table",
                    path.as_ref()
                        .map_or_else(|| "offsite.toml".to_owned(), |p| p.display().to_string())
                )
            })?,
        None => CspConfig::default(),
    };
    let (loads, gadgets) = if let Some(scan) = &args.scan {
        let loads = read_saved_scan(scan)?;
        let gadgets = gadgets_from_titles(loads.iter().filter_map(|l| l.source.title.as_deref()));
        (loads, gadgets)
    } else if args.wiki.is_set() || !args.paths.is_empty() {
        let scan = crate::graph::read_scan(
            &args.paths,
            &args.wiki,
            args.no_config,
            args.config.as_ref(),
            args.threads,
        )?;
        if !args.quiet {
            for d in &scan.report.diagnostics {
                let _ = writeln!(
                    io::stderr(),
                    "offsite: {}: {}",
                    d.source.display_name(),
                    d.message
                );
            }
        }
        let mut gadgets = GadgetPages::new();
        for g in &scan.gadgets {
            for page in &g.pages {
                gadgets.insert(page, &g.id);
            }
        }
        (scan.report.loads, gadgets)
    } else if need_loads {
        bail!(
            "give the loads: --scan FILE (from `offsite scan --format json`), --dump FILE, --wiki API_URL or the files of the pages"
        );
    } else {
        (Vec::new(), GadgetPages::new())
    };
    Ok(Input {
        loads,
        gadgets,
        settings,
        csp,
    })
}

/// The `loads` of an `offsite scan --format json` output.
pub(crate) fn read_saved_scan(path: &Path) -> Result<Vec<ReportedLoad>> {
    /// The part of the scan JSON needed here.
    #[derive(Deserialize)]
    struct Saved {
        loads: Vec<ReportedLoad>,
    }
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let saved: Saved = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not the JSON of `offsite scan --format json`",
            path.display()
        )
    })?;
    Ok(saved.loads)
}

fn write_output(output: Option<&PathBuf>, text: &str) -> Result<()> {
    if let Some(path) = output {
        return fs::write(path, text).with_context(|| format!("cannot write {}", path.display()));
    }
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn run_generate(args: &CspGenerateArgs) -> Result<ExitCode> {
    let input = read_input(&args.input, false)?;
    let origin = input
        .csp
        .origin(args.origin.as_deref(), args.server.as_deref())?;
    let mut options = GenerateOptions::new(origin.clone());
    options.base = match args.base {
        CspBase::Mediawiki => Base::MediaWiki,
        CspBase::Strict => Base::Strict,
    };
    options.report_only = args.report_only;
    options.report_uri = args
        .report_uri
        .clone()
        .or_else(|| input.csp.report_uri.clone());
    options.report_to = args
        .report_to
        .clone()
        .or_else(|| input.csp.report_to.clone())
        .map(|url| ReportTo {
            group: "offsite".to_owned(),
            url,
        });
    options.budget_bytes = args.budget.or(input.csp.budget);
    if args.allow_patterns {
        for entry in &input.settings.allow {
            options.use_allow_patterns.push(AllowPattern {
                host: entry.host.clone(),
                sinks: entry.sinks.clone(),
            });
        }
    }
    let generated = match &args.gadgets {
        Some(enabled) => merged(&input.loads, &input.gadgets, enabled, &options)?,
        None => generate(&input.loads, &options)?,
    };
    let fragments = args
        .per_gadget
        .then(|| per_gadget(&input.loads, &input.gadgets, &options));
    let server = args
        .server
        .clone()
        .or_else(|| input.csp.server.clone())
        .unwrap_or_else(|| origin.to_string());
    let script_path = args
        .script_path
        .clone()
        .or_else(|| input.csp.script_path.clone())
        .unwrap_or_default();

    let text = match args.format {
        CspFormat::Header => {
            let mut out = String::new();
            let _ = writeln!(out, "{}", generated.header());
            for line in &generated.extra_headers {
                let _ = writeln!(out, "{line}");
            }
            out
        }
        CspFormat::Mediawiki => mediawiki_php(&generated, args.nonces, &server, &script_path),
        CspFormat::Json => {
            let form = mediawiki_form(&generated, args.nonces);
            let value = serde_json::json!({
                "generated": generated,
                "mediawiki": form,
                "gadgets": fragments,
            });
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
    };
    let mut text = text;
    if args.format != CspFormat::Json {
        if let Some(fragments) = &fragments {
            text.push_str(&render_fragments(fragments, comment(args.format)));
        }
        if args.explain {
            text.push_str(&render_explain(&generated, comment(args.format)));
        }
    }
    write_output(args.output.as_ref(), &text)?;
    if !args.input.quiet {
        let _ = write!(io::stderr().lock(), "{}", render_notes(&generated));
    }
    Ok(if generated.over_budget.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn comment(format: CspFormat) -> &'static str {
    if format == CspFormat::Mediawiki {
        "// "
    } else {
        "# "
    }
}

/// A header given as text, `@FILE`, or a file path; header names and
/// several lines are accepted.
fn header_text(arg: &str) -> Result<String> {
    if let Some(path) = arg.strip_prefix('@') {
        return fs::read_to_string(path).with_context(|| format!("cannot read {path}"));
    }
    Ok(arg.to_owned())
}

fn run_evaluate(args: &CspEvaluateArgs) -> Result<ExitCode> {
    let fail_on = args.fail_on;
    let input = read_input(&args.input, false)?;
    let (text, url_origin) = if let Some(url) = &args.url {
        (fetch_headers(url)?, Some(url.clone()))
    } else if let Some(file) = &args.file {
        (
            fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?,
            None,
        )
    } else if let Some(header) = &args.header {
        (header.clone(), None)
    } else {
        bail!("give the header: as an argument, --file FILE or --url URL");
    };
    let lines = csp_lines(&text);
    if lines.is_empty() {
        bail!("no Content-Security-Policy found");
    }
    let origin = input
        .csp
        .origin(args.origin.as_deref(), url_origin.as_deref())?;
    let mut options = EvaluateOptions::new(origin)
        .mediawiki(!args.not_mediawiki)
        .with_wiki_domains(input.csp.wiki_domains.clone());
    if !input.loads.is_empty() {
        options = options.with_inventory(&input.loads);
    }
    let evaluation = evaluate(&lines.join(", "), &options);
    let out = match args.format {
        CspReportFormat::Text => render_text(&evaluation),
        CspReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(&evaluation)?),
    };
    write_output(None, &out)?;
    let breaks = evaluation
        .inventory
        .as_ref()
        .is_some_and(|i| !i.breaks.is_empty());
    let severe = evaluation.findings.iter().any(|f| f.severity <= fail_on);
    Ok(if severe || breaks {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The response headers of `url` (a GET, redirects followed), as lines.
fn fetch_headers(url: &str) -> Result<String> {
    // Without a provider reqwest's rustls panics; a second install is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "offsite/",
                env!("CARGO_PKG_VERSION"),
                " (csp evaluate)"
            ))
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        let response = client
            .get(url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        let mut out = String::new();
        for name in [
            "content-security-policy",
            "content-security-policy-report-only",
        ] {
            for value in response.headers().get_all(name) {
                let value = value
                    .to_str()
                    .with_context(|| format!("GET {url}: {name} is not ASCII"))?;
                let _ = writeln!(out, "{name}: {value}");
            }
        }
        if out.is_empty() {
            bail!(
                "GET {url} ({}): the response has no Content-Security-Policy header",
                response.status()
            );
        }
        Ok(out)
    })
}

fn run_diff(args: &CspDiffArgs) -> Result<ExitCode> {
    let input = read_input(&args.input, false)?;
    let origin = input.csp.origin(args.origin.as_deref(), None)?;
    let old = parse_header_lines(
        csp_lines(&header_text(&args.old)?)
            .iter()
            .map(String::as_str),
    );
    let new = parse_header_lines(
        csp_lines(&header_text(&args.new)?)
            .iter()
            .map(String::as_str),
    );
    let policy_diff = diff(&old.policies, &new.policies);
    let load_diff = (!input.loads.is_empty())
        .then(|| diff_loads(&old.policies, &new.policies, &input.loads, &origin));
    let out = match args.format {
        CspReportFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "policy": policy_diff,
                "loads": load_diff,
            }))?
        ),
        CspReportFormat::Text => render_diff(&policy_diff, load_diff.as_ref()),
    };
    write_output(None, &out)?;
    let breaks = load_diff
        .as_ref()
        .is_some_and(|d| !d.newly_blocked.is_empty());
    Ok(if breaks {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
