//! Markdown generated from the doc comments of the rules and the options:
//! `docs/rules/*.md` and `docs/configuration.md` are this module's output,
//! checked for freshness by the `docs_are_fresh` test.

use std::fmt::Write as _;

use crate::options::{FieldDoc, SECTIONS, Section};
use crate::rule::Rule;
use crate::rules;

/// The Markdown page of one rule (`OS101` or `remote-executable-code`);
/// a one-line note when there is no such rule.
pub fn rule_page(code: &str) -> String {
    rules::find(code).map_or_else(|| format!("No rule `{code}`.\n"), render_rule)
}

/// The file name of a rule's page under `docs/rules/`.
pub fn rule_file_name(code: &str) -> Option<String> {
    rules::find(code).map(|r| format!("{}-{}.md", r.code, r.name))
}

pub(crate) fn render_rule(rule: &Rule) -> String {
    let mut out = format!("# {} {}\n\n", rule.code, rule.name);
    let allow = if rule.remote { "yes" } else { "no" };
    let _ = writeln!(
        out,
        "Default severity: **{}**. Silenced by `[[allow]]` entries: {allow}. \
         Suppress with `// offsite-ignore {}: reason`.\n",
        rule.default_severity, rule.code
    );
    out.push_str(&rule.docs());
    out
}

/// `docs/rules/README.md`: one row per rule.
pub fn rule_index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rule sources in `crates/offsite_rules/src/rules/`; \
         do not edit by hand.\n\n\
         | Code | Name | Default severity | What it finds |\n| --- | --- | --- | --- |\n",
    );
    for rule in &rules::ALL {
        let _ = writeln!(
            out,
            "| {code} | [{name}]({code}-{name}.md) | {sev} | {summary} |",
            code = rule.code,
            name = rule.name,
            sev = rule.default_severity,
            summary = rule.summary().replace('|', "\\|"),
        );
    }
    out
}

/// An `offsite.toml` that uses every key (and parses: see the tests).
pub const EXAMPLE_CONFIG: &str = r#"# offsite.toml: the policy for the gadgets in this folder and below.
profile = "wikimedia"
first-party = ["wiki.example.org"]
consent-functions = ["myGadget.hasConsent"]
fail-on = "warning"

[rules]
select = ["ALL"]
ignore = ["OS204"]
severity = { OS104 = "info" }

[[allow]]
host = "fonts.example.com"
sinks = ["font", "style"]
reason = "Self-hosted font mirror run by the chapter"

[[exempt]]
page = "MediaWiki:Gadget-maps*"
host = "*.maps.example.com"
rules = ["OS105", "OS202"]
reason = "Map embeds until the on-wiki map service ships"
expires = "2026-12-31"

[[exempt]]
path = "vendor/**"
reason = "Third-party code kept for reference, never deployed"
"#;

/// `docs/configuration.md`.
pub fn configuration_reference() -> String {
    let mut out = String::from(
        "# Configuration\n\n\
         Generated from `crates/offsite_rules/src/options.rs`; do not edit by hand.\n\n\
         offsite reads `offsite.toml` from the folder it checks, or the nearest folder \
         above it. Every key is optional; unknown keys are errors, reported with the \
         file, line and key.\n\n## Example\n\n```toml\n",
    );
    out.push_str(EXAMPLE_CONFIG);
    out.push_str("```\n");
    for section in &SECTIONS {
        render_section(&mut out, section);
    }
    out.push_str(SUPPRESSIONS);
    out
}

const SUPPRESSIONS: &str = "
## Suppression comments

A comment hides findings of the named rules (codes or names, comma-separated,
or `ALL`) on one load. The reason after the colon is required.

```js
// offsite-ignore OS101, OS202: vendored copy lands in T000000
mw.loader.load('https://cdn.example.com/lib/1.0.0/lib.js');
mw.loader.load('https://cdn.example.com/x.js'); // offsite-ignore OS101: same
```

- The comment must start with the marker; a comment that mentions it further
  in is prose.
- A comment on a line of its own covers loads that start on the next line; a
  comment after code covers loads on its line.
- `offsite-ignore-file OS104: reason` anywhere in the file covers the whole file.
- JavaScript takes `//` and `/* */` comments, CSS `/* */`, HTML and wikitext
  `<!-- -->` (and `/* */` in inline styles and scripts).
- A suppression without a reason, or naming an unknown rule, is reported as
  `invalid-suppression` and hides nothing; one that hides nothing is reported
  as `unused-suppression`.

## Baselines

A baseline file records the fingerprints of today's findings; a later run
given the baseline hides them, so only new findings are reported (see
`offsite scan --help` for the flags). A
fingerprint hashes the rule, the source, the load's URL and API, the source
line with its whitespace normalised, and the occurrence among identical
findings in the source: inserting or deleting lines elsewhere keeps it.
";

fn render_section(out: &mut String, section: &Section) {
    let heading = match section.table {
        "" => "Top-level keys".to_owned(),
        t if t.starts_with('[') => format!("`[{t}]`"),
        t => format!("`[{t}]`"),
    };
    let _ = write!(out, "\n## {heading}\n\n{}", unindent(section.raw_docs));
    for field in section.fields {
        if field.example.starts_with('[') && !field.example.contains('\n') {
            // A sub-table: it has a section of its own.
            continue;
        }
        render_field(out, field);
    }
}

fn render_field(out: &mut String, field: &FieldDoc) {
    let _ = write!(
        out,
        "\n### `{}`\n\n{}\n```toml\n{}\n```\n",
        field.name.replace('_', "-"),
        unindent(field.raw_docs),
        field.example
    );
}

/// Doc comment lines joined, without rustdoc's leading space.
fn unindent(raw: &str) -> String {
    raw.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
        + "\n"
}
