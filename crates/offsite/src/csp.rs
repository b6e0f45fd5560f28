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
use offsite_csp::evaluate::{EvaluateOptions, Severity as EvalSeverity, evaluate, render_text};
use offsite_csp::generate::{
    AllowPattern, Base, GadgetPages, GenerateOptions, Generated, ReportTo, generate, merged,
    per_gadget,
};
use offsite_csp::mediawiki::{MwSite, mediawiki_form, mediawiki_header};
use offsite_csp::{Origin, diff, diff_loads, parse_header_lines};
use offsite_model::ReportedLoad;
use offsite_rules::Settings;

use crate::cli::{
    CspBase, CspCommand, CspDiffArgs, CspEvaluateArgs, CspFormat, CspGenerateArgs, CspReportFormat,
    LoadSourceArgs,
};

pub fn run(command: &CspCommand) -> Result<ExitCode> {
    match command {
        CspCommand::Generate(args) => run_generate(args),
        CspCommand::Evaluate(args) => run_evaluate(args),
        CspCommand::Diff(args) => run_diff(args),
    }
}

/// The `[csp]` table of offsite.toml, typed when the policy is read.
type CspConfig = offsite_rules::CspOptions;

/// The loads, the gadget map and the settings.
struct Input {
    loads: Vec<ReportedLoad>,
    gadgets: GadgetPages,
    settings: Settings,
    csp: CspConfig,
}

fn read_input(args: &LoadSourceArgs, need_loads: bool) -> Result<Input> {
    // Discovery starts at the first scanned path, as for every command.
    let scanned: Vec<PathBuf> = args.scan.iter().chain(&args.paths).cloned().collect();
    let policy = crate::graph::policy_for(
        args.no_config,
        args.config.as_deref(),
        &scanned,
        &args.wiki,
        args.verbose,
    )?;
    let settings = policy.settings;
    let csp = settings.csp.clone();
    let (loads, gadgets) = if let Some(scan) = &args.scan {
        let loads = read_saved_scan(scan)?;
        let gadgets = gadgets_from_titles(loads.iter().filter_map(|l| l.source.title.as_deref()));
        (loads, gadgets)
    } else if args.wiki.is_set() || !args.paths.is_empty() {
        let scan =
            crate::graph::read_scan(&args.paths, &args.wiki, settings.clone(), args.threads)?;
        crate::graph::print_diagnostics(&scan, args.quiet);
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
fn read_saved_scan(path: &Path) -> Result<Vec<ReportedLoad>> {
    Ok(offsite_report::saved::read_saved_scan(path)?)
}

/// A saved scan has no gadget definitions: pages named
/// `MediaWiki:Gadget-NAME.js|css|json` are taken as gadget `NAME`.
fn gadgets_from_titles<'a>(titles: impl IntoIterator<Item = &'a str>) -> GadgetPages {
    let mut gadgets = GadgetPages::new();
    for title in titles {
        let Some(rest) = title.strip_prefix("MediaWiki:Gadget-") else {
            continue;
        };
        let name = rest.rsplit_once('.').map_or(rest, |(name, _)| name);
        if !name.is_empty() {
            gadgets.insert(title, name);
        }
    }
    gadgets
}

fn parse_origin(text: &str) -> Result<Origin> {
    Origin::parse(text).map_err(|e| anyhow::anyhow!("invalid origin `{text}`: {e}"))
}

fn origin_of(
    explicit: Option<&String>,
    server: Option<&String>,
    csp: &CspConfig,
) -> Result<Origin> {
    let text = explicit
        .or(csp.origin.as_ref())
        .or(server)
        .or(csp.server.as_ref())
        .map_or("https://example.org", String::as_str);
    parse_origin(text)
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
    let origin = origin_of(args.origin.as_ref(), args.server.as_ref(), &input.csp)?;
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
            let host = offsite_csp::HostSource::parse(&entry.host_text)
                .map_err(|e| anyhow::anyhow!("[[allow]] host `{}`: {e}", entry.host_text))?;
            options.use_allow_patterns.push(AllowPattern {
                host,
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
            text.push_str(&render_fragments(fragments, args.format));
        }
        if args.explain {
            text.push_str(&render_explain(&generated, args.format));
        }
    }
    write_output(args.output.as_ref(), &text)?;
    if !args.input.quiet {
        report_notes(&generated);
    }
    Ok(if generated.over_budget.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// LocalSettings.php: the setting, the header MediaWiki will build from it
/// (as a comment), and what MediaWiki's form changes.
fn mediawiki_php(generated: &Generated, nonces: bool, server: &str, script_path: &str) -> String {
    let form = mediawiki_form(generated, nonces);
    let mut site = MwSite::new(server, script_path, form.mode);
    if nonces {
        "NONCE".clone_into(&mut site.nonce);
    }
    if let Some(report_to) = &form.report_to {
        site.hook_directives
            .push(format!("report-to {}", report_to.group));
    }
    let header = mediawiki_header(&form.config, &site);
    let mut out = String::from("<?php\n");
    let _ = writeln!(
        out,
        "// Generated by offsite {} (`offsite csp generate --format mediawiki`).",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "// MediaWiki 1.39 will send, on {server}:");
    let _ = writeln!(out, "// {}: {header}", form.mode.header_name());
    if let Some(report_to) = &form.report_to {
        let _ = writeln!(
            out,
            "// Reporting-Endpoints: {}=\"{}\"",
            report_to.group, report_to.url
        );
    }
    for dropped in &form.dropped {
        let _ = writeln!(out, "// MediaWiki cannot send: {dropped}");
    }
    for w in &form.widened {
        let _ = writeln!(
            out,
            "// {} is needed for {} but MediaWiki's default-src also allows it for {}",
            w.source,
            w.needed_for.join(", "),
            w.also_allows.join(", ")
        );
    }
    out.push_str(&form.php());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn comment(format: CspFormat) -> &'static str {
    if format == CspFormat::Mediawiki {
        "// "
    } else {
        "# "
    }
}

fn render_fragments(
    fragments: &[offsite_csp::generate::GadgetFragment],
    format: CspFormat,
) -> String {
    let c = comment(format);
    let mut out = format!("\n{c}Per gadget: the sources each needs beyond the base.\n");
    for f in fragments {
        let directives: Vec<String> = f
            .directives
            .iter()
            .map(|d| {
                let sources: Vec<String> = d.sources.iter().map(ToString::to_string).collect();
                format!("{} {}", d.directive, sources.join(" "))
            })
            .collect();
        let body = if directives.is_empty() {
            "(nothing beyond the base)".to_owned()
        } else {
            directives.join("; ")
        };
        let _ = writeln!(out, "{c}{}: {body}", f.gadget);
    }
    out
}

fn render_explain(generated: &Generated, format: CspFormat) -> String {
    let c = comment(format);
    let mut out = format!("\n{c}Why each source is there:\n");
    for need in &generated.needs {
        if need.base && need.loads.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{c}{} {}{}",
            need.directive,
            need.source,
            if need.base { " (base)" } else { "" }
        );
        for load in &need.loads {
            let _ = writeln!(
                out,
                "{c}    {}:{}:{} {}",
                load.source.display_name(),
                load.line,
                load.column,
                load.url.as_deref().unwrap_or("")
            );
        }
    }
    for f in &generated.forbidden {
        let _ = writeln!(
            out,
            "{c}left out ({}): {}:{} {}",
            f.rules.join(","),
            f.load.source.display_name(),
            f.load.line,
            f.load.url.as_deref().unwrap_or("")
        );
    }
    for u in &generated.not_representable {
        let _ = writeln!(
            out,
            "{c}cannot be written as a source: {}:{} {}",
            u.load.source.display_name(),
            u.load.line,
            u.load.url.as_deref().unwrap_or("")
        );
    }
    out
}

fn report_notes(generated: &Generated) {
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "offsite: {} bytes, {} host-sources; {} loads left out as forbidden, {} not representable",
        generated.size_bytes,
        generated.host_sources,
        generated.forbidden.len(),
        generated.not_representable.len()
    );
    if let (Some(over), Some(budget)) = (generated.over_budget, generated.budget_bytes) {
        let _ = writeln!(
            err,
            "offsite: the header is {over} bytes over the budget of {budget}; largest directives:"
        );
        let mut sizes = generated.directive_sizes.clone();
        sizes.sort_by_key(|s| std::cmp::Reverse(s.bytes));
        for s in sizes.iter().take(3) {
            let _ = writeln!(
                err,
                "offsite:   {} {} bytes ({} sources)",
                s.directive, s.bytes, s.sources
            );
        }
    }
    let allowed_anyway = generated
        .forbidden
        .iter()
        .filter(|f| {
            matches!(
                f.outcome,
                offsite_csp::generate::ForbiddenOutcome::Allowed { .. }
            )
        })
        .count();
    if allowed_anyway > 0 {
        let _ = writeln!(
            err,
            "offsite: {allowed_anyway} forbidden loads are allowed anyway (a permitted load needs the same source); see --explain"
        );
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

/// The CSP values in a text of one or more lines (header names stripped;
/// `Reporting-Endpoints` and other headers ignored).
fn csp_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once(':') {
            Some((name, value))
                if name.eq_ignore_ascii_case("content-security-policy")
                    || name.eq_ignore_ascii_case("content-security-policy-report-only") =>
            {
                out.push(value.trim().to_owned());
            }
            Some((name, _))
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                // Another header line (`Reporting-Endpoints: …`); a CSP
                // directive name is always followed by a space, not `:`.
            }
            _ => out.push(line.to_owned()),
        }
    }
    out
}

fn run_evaluate(args: &CspEvaluateArgs) -> Result<ExitCode> {
    let fail_on = EvalSeverity::from_name(&args.fail_on)
        .with_context(|| {
            format!(
                "--fail-on `{}`: expected high, syntax, medium, high-maybe, strict-csp, medium-maybe, low or info",
                args.fail_on
            )
        })?;
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
    let origin = origin_of(args.origin.as_ref(), url_origin.as_ref(), &input.csp)?;
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = offsite_api::http::client_builder(
            concat!("offsite/", env!("CARGO_PKG_VERSION"), " (csp evaluate)"),
            std::time::Duration::from_secs(30),
        )
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
    let origin = origin_of(args.origin.as_ref(), None, &input.csp)?;
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

fn render_diff(policy: &offsite_csp::PolicyDiff, loads: Option<&offsite_csp::LoadDiff>) -> String {
    let mut out = String::new();
    if policy.is_empty() {
        out.push_str("No change in the policies.\n");
    }
    for d in &policy.directives {
        let added: Vec<String> = d.added.iter().map(ToString::to_string).collect();
        let removed: Vec<String> = d.removed.iter().map(ToString::to_string).collect();
        let _ = write!(out, "{} ({:?})", d.directive, d.change);
        if !added.is_empty() {
            let _ = write!(out, "  + {}", added.join(" "));
        }
        if !removed.is_empty() {
            let _ = write!(out, "  - {}", removed.join(" "));
        }
        out.push('\n');
    }
    for k in &policy.kinds {
        let _ = writeln!(
            out,
            "{:?} requests: governed by {} → {}{}",
            k.kind,
            k.old_directive.unwrap_or("nothing"),
            k.new_directive.unwrap_or("nothing"),
            if k.sources_changed {
                " (sources changed)"
            } else {
                ""
            }
        );
    }
    for c in &policy.capabilities {
        let _ = writeln!(
            out,
            "{:?}: {} → {}",
            c.capability,
            if c.old { "allowed" } else { "blocked" },
            if c.new { "allowed" } else { "blocked" }
        );
    }
    if let Some(loads) = loads {
        let sections: [(&str, &Vec<offsite_csp::LoadChange>); 2] = [
            (
                "newly blocked (the change breaks these)",
                &loads.newly_blocked,
            ),
            ("newly allowed", &loads.newly_allowed),
        ];
        for (title, list) in sections {
            let _ = writeln!(out, "\n{} loads {title}:", list.len());
            for change in list {
                let places: Vec<String> = change
                    .places
                    .iter()
                    .map(|p| format!("{}:{}", p.source.display_name(), p.line))
                    .collect();
                let _ = writeln!(
                    out,
                    "  {} {}  ({})",
                    change.directive,
                    change.url,
                    places.join(", ")
                );
            }
        }
        if !loads.unknown.is_empty() {
            let _ = writeln!(
                out,
                "\n{} loads whose URL is not fully known were not checked.",
                loads.unknown.len()
            );
        }
    }
    out
}

/// Title-based gadget guesses are only used for saved scans; expose for tests.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_lines_strip_header_names_and_skip_other_headers() {
        let text = "Content-Security-Policy: script-src 'self'\nReporting-Endpoints: offsite=\"https://r.example/x\"\ncontent-security-policy-report-only: default-src 'none'\nimg-src https://a.example";
        assert_eq!(
            csp_lines(text),
            vec![
                "script-src 'self'",
                "default-src 'none'",
                "img-src https://a.example"
            ]
        );
    }

    #[test]
    fn saved_scans_map_gadget_pages_by_title() {
        let map: GadgetPages = gadgets_from_titles([
            "MediaWiki:Gadget-HotTools.js",
            "MediaWiki:Gadget-HotTools.css",
            "MediaWiki:Gadget-HotTools.js",
            "MediaWiki:Common.js",
        ]);
        assert_eq!(map.len(), 2, "{map:?}");
        assert_eq!(
            map.gadgets_of("MediaWiki:Gadget-HotTools.css")
                .collect::<Vec<_>>(),
            ["HotTools"]
        );
        assert_eq!(map.gadgets_of("MediaWiki:Common.js").count(), 0);
    }
}
