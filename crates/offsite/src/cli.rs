//! Argument definitions and the small `rules` / `rule` commands.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "offsite",
    version,
    about = "Find, govern and watch the third-party resources loaded by MediaWiki gadgets, user scripts and site scripts.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan JavaScript, TypeScript, CSS and HTML files for resource loads.
    Scan(ScanArgs),
    /// List the rule catalogue.
    Rules(RulesArgs),
    /// Print the documentation of one rule (by code or name).
    Rule(RuleArgs),
    /// Draw the import graph of a wiki (pages, gadgets, modules, external URLs).
    Graph(GraphArgs),
    /// The inventory of a wiki's non-first-party loads: page, gadget, host,
    /// tier, directive, consent, exposure, introduced by; and a host roll-up.
    Inventory(InventoryArgs),
    /// Content-Security-Policy: generate a header from a scan, evaluate
    /// one, or compare two.
    #[command(subcommand)]
    Csp(CspCommand),
    /// Collect the CSP violation reports browsers send: store, filter,
    /// attribute to pages and show them (dashboard, JSON API, metrics).
    Serve(ServeArgs),
}

#[derive(Debug, Subcommand)]
pub enum CspCommand {
    /// The smallest header that allows exactly the loads the policy
    /// (offsite.toml) permits: raw header, MediaWiki's `$wgCSPHeader`, or
    /// JSON; per gadget; with the pages behind every source.
    Generate(CspGenerateArgs),
    /// Check a header as Google's CSP Evaluator does, and with a scan, say
    /// what it breaks and what it lets through that the policy forbids.
    Evaluate(CspEvaluateArgs),
    /// What changes between two headers: sources, fallbacks, capabilities,
    /// and with a scan the loads newly blocked or allowed.
    Diff(CspDiffArgs),
}

/// Where the loads come from: a saved scan, files named by title, a dump or
/// a live wiki.
#[derive(Debug, Args)]
pub struct LoadSourceArgs {
    /// Files or folders of pages, named by title (`User:Alice%2Fcommon.js`).
    #[arg(conflicts_with_all = ["dump", "wiki", "scan"])]
    pub paths: Vec<PathBuf>,

    /// A saved scan (`offsite scan --format json`) instead of scanning.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dump", "wiki"])]
    pub scan: Option<PathBuf>,

    #[command(flatten)]
    pub wiki: WikiSourceArgs,

    /// Policy file (the `[[allow]]` entries decide what is permitted; its
    /// `[csp]` table gives defaults). Default: the nearest `offsite.toml` at
    /// or above the first scanned path (scan, page file or dump), else the
    /// current directory.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every `offsite.toml`.
    #[arg(long)]
    pub no_config: bool,

    /// Number of threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// No notes on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Say which policy file is used.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CspFormat {
    /// Header lines, ready for a web server's configuration.
    Header,
    /// `$wgCSPHeader` / `$wgCSPReportOnlyHeader` for LocalSettings.php,
    /// with the header MediaWiki will send as a comment.
    Mediawiki,
    /// Everything, as JSON.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CspBase {
    /// What MediaWiki needs: `'unsafe-eval'`, `'unsafe-inline'`, `blob:`,
    /// `data:` where it uses them.
    Mediawiki,
    /// `'self'` only.
    Strict,
}

#[derive(Debug, Args)]
pub struct CspGenerateArgs {
    #[command(flatten)]
    pub input: LoadSourceArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CspFormat::Header)]
    pub format: CspFormat,

    /// `Content-Security-Policy-Report-Only` (`$wgCSPReportOnlyHeader`).
    #[arg(long)]
    pub report_only: bool,

    /// Where browsers POST reports (`report-uri`), e.g. `offsite serve`'s
    /// `https://csp.example.org/csp-report`. Default: `[csp] report-uri`.
    #[arg(long, value_name = "URL")]
    pub report_uri: Option<String>,

    /// A Reporting API endpoint (https): `report-to offsite` plus
    /// `Reporting-Endpoints: offsite="URL"`. Default: `[csp] report-to`.
    #[arg(long, value_name = "URL")]
    pub report_to: Option<String>,

    /// The origin of the wiki's pages (`'self'`, the scheme of
    /// protocol-relative loads). Default: `[csp] origin`, else `--server`,
    /// else `https://example.org`.
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,

    /// The wiki's `$wgServer` (for the header MediaWiki builds). Default:
    /// `[csp] server`, else the origin.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,

    /// The wiki's `$wgScriptPath` (`/w` on Wikimedia). Default: `[csp]
    /// script-path`, else empty.
    #[arg(long, value_name = "PATH")]
    pub script_path: Option<String>,

    /// Only site and user scripts plus these gadgets (comma-separated): the
    /// merged header for that set of enabled gadgets.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub gadgets: Option<Vec<String>>,

    /// Print each gadget's fragment (the sources it needs beyond the base).
    #[arg(long)]
    pub per_gadget: bool,

    /// Warn (and exit 1) when the header lines take more bytes. Default:
    /// `[csp] budget`.
    #[arg(long, value_name = "BYTES")]
    pub budget: Option<usize>,

    /// List, for every source in the header, the loads that need it.
    #[arg(long)]
    pub explain: bool,

    /// What every policy allows before any load.
    #[arg(long, value_enum, default_value_t = CspBase::Mediawiki)]
    pub base: CspBase,

    /// Write `[[allow]]` host patterns (`*.toolforge.org`) instead of one
    /// source per host they permit.
    #[arg(long)]
    pub allow_patterns: bool,

    /// MediaWiki's `useNonces` (off by default: gadgets' inline handlers need
    /// `'unsafe-inline'`, which a nonce disables).
    #[arg(long)]
    pub nonces: bool,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CspReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CspEvaluateArgs {
    /// The header value (or the whole `Content-Security-Policy: …` line).
    #[arg(value_name = "HEADER", conflicts_with_all = ["file", "url"])]
    pub header: Option<String>,

    /// Read the header from this file (one or more lines).
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    pub file: Option<PathBuf>,

    /// Fetch this URL and evaluate the CSP headers of the response.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    #[command(flatten)]
    pub input: LoadSourceArgs,

    /// The origin of the protected pages. Default: the `--url`'s origin,
    /// else `[csp] origin`, else `https://example.org`.
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,

    /// The pages do not run MediaWiki.
    #[arg(long)]
    pub not_mediawiki: bool,

    #[arg(long, short = 'f', value_enum, default_value_t = CspReportFormat::Text)]
    pub format: CspReportFormat,

    /// Exit 1 when a finding is at least this severe (CSP Evaluator's
    /// scale: `high`, `syntax`, `medium`, `high-maybe`, `strict-csp`,
    /// `medium-maybe`, `low`, `info`) or a permitted load would be blocked.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = csp_severity)]
    pub fail_on: offsite_csp::evaluate::Severity,
}

/// `--fail-on` of `csp evaluate`: one of CSP Evaluator's severities, refused
/// at parse time (exit 2) with the list when it is none of them.
fn csp_severity(name: &str) -> Result<offsite_csp::evaluate::Severity, String> {
    use offsite_csp::evaluate::Severity;
    Severity::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

#[derive(Debug, Args)]
pub struct CspDiffArgs {
    /// The old header: its value, or `@FILE`.
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The new header: its value, or `@FILE`.
    #[arg(value_name = "NEW")]
    pub new: String,

    #[command(flatten)]
    pub input: LoadSourceArgs,

    /// The origin of the protected pages. Default: `[csp] origin`, else
    /// `https://example.org`.
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,

    #[arg(long, short = 'f', value_enum, default_value_t = CspReportFormat::Text)]
    pub format: CspReportFormat,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:8080`; port 0 picks a free port).
    /// Default: `[serve] listen` in offsite.toml, else 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Where reports go: `sqlite:PATH` or a `postgres://` URL. Default:
    /// `[serve] store`, else `sqlite:offsite-reports.db`.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,

    /// Bearer token the read API and the dashboard require. Default:
    /// `[serve] read-token`, else the `OFFSITE_READ_TOKEN` environment
    /// variable, else reading is open.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "OFFSITE_READ_TOKEN",
        hide_env_values = true
    )]
    pub read_token: Option<String>,

    /// A scan of the wiki (`offsite scan --format json`, the file `offsite
    /// csp` calls `--scan`): new report groups are attributed to the page and
    /// gadget whose load matches. `--inventory` is the old spelling.
    #[arg(long, value_name = "FILE", alias = "inventory")]
    pub scan: Option<PathBuf>,

    /// Policy file whose `[serve]` table configures the collector. Default:
    /// the nearest `offsite.toml` at or above the current directory.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every `offsite.toml`.
    #[arg(long)]
    pub no_config: bool,
    /// Say which policy file is used.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    Json,
    /// One row per (page, host, directive).
    Csv,
    /// The roll-up by host.
    HostsCsv,
    /// Two sortable tables ready to paste on a wiki.
    Wikitext,
    Html, // the scan's HTML report, every load with who is exposed
}

/// The pages of a wiki to read, and how: shared by `graph` and `inventory`.
#[derive(Debug, Args)]
pub struct PagesArgs {
    /// Files or folders of pages, named by title (`User:Alice%2Fcommon.js`).
    #[arg(conflicts_with_all = ["dump", "wiki"])]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub wiki: WikiSourceArgs,

    /// Policy file (decides how loads are detected). Default: the nearest
    /// `offsite.toml` at or above the first page file or the dump, else the
    /// current directory.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every `offsite.toml`.
    #[arg(long)]
    pub no_config: bool,

    /// Number of threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Print nothing but the result.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Say which policy file is used.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub pages: PagesArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = InventoryFormat::Json)]
    pub format: InventoryFormat,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Csv,
    Github,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// One self-contained HTML page: summary, charts, sortable table.
    Html,
}

impl From<OutputFormat> for offsite_report::Format {
    fn from(f: OutputFormat) -> Self {
        match f {
            OutputFormat::Text => Self::Text,
            OutputFormat::Json => Self::Json,
            OutputFormat::Sarif => Self::Sarif,
            OutputFormat::Csv => Self::Csv,
            OutputFormat::Github => Self::Github,
            OutputFormat::Concise => Self::Concise,
            OutputFormat::Html => Self::Html,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Warning,
    Error,
    /// Exit 0 whatever is found (the tool failing still exits 2).
    Never,
}

/// The command line's words are the policy file's (`offsite_rules::FailOn`
/// decides what they mean).
impl From<FailOn> for offsite_rules::FailOn {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Info => Self::Info,
            FailOn::Warning => Self::Warning,
            FailOn::Error => Self::Error,
            FailOn::Never => Self::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan (`-` reads standard input). Default: `.`.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Policy file. Default: the nearest `offsite.toml` at or above the first path.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every `offsite.toml`; use the built-in defaults (wikimedia profile, all rules).
    #[arg(long)]
    pub no_config: bool,

    /// Exit 1 when a finding at or above this severity remains. Default: the
    /// policy's `fail-on`, else `error`.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Hide the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write every current finding to this baseline file and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// The name to analyse standard input as (decides the language).
    #[arg(long, value_name = "NAME", default_value = "stdin.js")]
    pub stdin_filename: String,

    /// Text output: also list the loads that have no finding (first party included).
    #[arg(long)]
    pub all_loads: bool,

    /// Print how many findings each rule gave (and diagnostics of each
    /// kind) instead of the report; a JSON array with `--format json`.
    #[arg(long)]
    pub statistics: bool,

    /// Scan files that `.gitignore`, `.ignore` and hidden-file rules would skip.
    #[arg(long)]
    pub no_ignore: bool,

    /// Number of threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print nothing but the report; no progress bar.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say which policy is used and how long the scan took.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    #[command(flatten)]
    pub wiki: WikiSourceArgs,
}

/// Where wiki pages come from: a dump or a live wiki (instead of files).
#[derive(Debug, Clone, Default, Args)]
pub struct WikiSourceArgs {
    /// Read the wiki's pages from this XML dump (plain, gzip, bzip2 or zstd)
    /// instead of files: the latest revision of every JS/CSS page and the
    /// gadget definitions.
    #[arg(long, value_name = "FILE", conflicts_with = "wiki")]
    pub dump: Option<PathBuf>,

    /// The multistream index of a `*-multistream.xml.bz2` dump.
    #[arg(long, value_name = "FILE", requires = "dump")]
    pub dump_index: Option<PathBuf>,

    /// How to decompress a bzip2 dump: `auto` runs `lbzip2` (faster, on
    /// every core) when it is on PATH and the built-in decoder otherwise.
    #[arg(long, value_enum, value_name = "DECODER", default_value_t = Bzip2Decoder::Auto, requires = "dump")]
    pub bzip2_decoder: Bzip2Decoder,

    /// Crawl a live wiki through its Action API (`https://en.wikipedia.org/w/api.php`).
    #[arg(long, value_name = "API_URL")]
    pub wiki: Option<String>,

    /// How the wiki's operators can reach you (e-mail or URL), sent in the
    /// User-Agent. Default: the `OFFSITE_CONTACT` environment variable.
    #[arg(long, value_name = "EMAIL_OR_URL", requires = "wiki")]
    pub contact: Option<String>,

    /// Save crawl progress here and resume from it.
    #[arg(long, value_name = "FILE", requires = "wiki")]
    pub checkpoint: Option<PathBuf>,

    /// Only pages changed since this time (`2026-01-01T00:00:00Z`).
    #[arg(long, value_name = "TIMESTAMP", requires = "wiki")]
    pub since: Option<String>,

    /// Namespaces to crawl (repeatable). Default: 2 (User) and 8 (MediaWiki).
    #[arg(long = "namespace", value_name = "N", requires = "wiki")]
    pub namespaces: Vec<i64>,
    /// Skip dump pages whose text is larger, with a diagnostic (default 16 MiB).
    #[arg(long, value_name = "BYTES", requires = "dump")]
    pub max_page_bytes: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Bzip2Decoder {
    /// `lbzip2` when it is on PATH, else the built-in decoder.
    #[default]
    Auto,
    /// The built-in decoder (parallel on multistream dumps).
    Builtin,
    /// `lbzip2`; an error when it is not installed.
    Lbzip2,
}

impl WikiSourceArgs {
    pub fn is_set(&self) -> bool {
        self.dump.is_some() || self.wiki.is_some()
    }

    /// The pipeline's typed form of these options.
    pub fn to_source(&self) -> offsite_scan::request::WikiSource {
        offsite_scan::request::WikiSource {
            dump: self.dump.clone(),
            dump_index: self.dump_index.clone(),
            bzip2_decoder: match self.bzip2_decoder {
                Bzip2Decoder::Auto => offsite_scan::request::Bzip2Decoder::Auto,
                Bzip2Decoder::Builtin => offsite_scan::request::Bzip2Decoder::Builtin,
                Bzip2Decoder::Lbzip2 => offsite_scan::request::Bzip2Decoder::Lbzip2,
            },
            wiki: self.wiki.clone(),
            contact: self.contact.clone(),
            checkpoint: self.checkpoint.clone(),
            since: self.since.clone(),
            namespaces: self.namespaces.clone(),
            max_page_bytes: self.max_page_bytes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Json,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub pages: PagesArgs,

    /// `dot` (Graphviz) or `json`.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    /// Print the chains of loads from the entry points to this page, and its exposure.
    #[arg(long, value_name = "TITLE")]
    pub page: Option<String>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// What `offsite rules` writes: only the formats it handles are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table.
    Text,
    /// The catalogue as a JSON array.
    Json,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`OS101`) or name (`remote-executable-code`).
    pub rule: String,
}

pub fn list_rules(args: &RulesArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    match args.format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &offsite_rules::catalogue())?;
            writeln!(out)?;
        }
        RulesFormat::Text => write!(out, "{}", offsite_rules::catalogue_table())?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show_rule(args: &RuleArgs) -> Result<ExitCode> {
    let rule = offsite_rules::find_rule(&args.rule)
        .with_context(|| format!("no rule `{}` (see `offsite rules`)", args.rule.trim()))?;
    writeln!(io::stdout().lock(), "{}", rule.docs.trim_end())?;
    Ok(ExitCode::SUCCESS)
}
