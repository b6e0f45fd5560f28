use std::fmt::Write as _;

use offsite_detect::{Detection, SyntaxError};
use offsite_model::{Consent, Language, Load, Report, Severity, Sink, Source};

use super::*;
use crate::baseline;

/// A load at the `nth` occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, sink: Sink, url: &str) -> Load {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in fixture"));
    let end = start + needle.len();
    Load::new(
        u32::try_from(start).unwrap_or(0),
        u32::try_from(end).unwrap_or(0),
        "mw.loader.load",
        sink,
    )
    .with_url(url)
}

fn linter(toml: &str) -> Linter {
    let settings = Settings::from_toml(toml, "offsite.toml").expect("valid policy");
    Linter::new(settings)
        .expect("valid tiers")
        .with_today(jiff::civil::date(2026, 6, 1))
}

fn run(linter: &Linter, source: &Source, text: &str, loads: Vec<Load>) -> FileReport {
    let detection = Detection {
        loads,
        errors: Vec::new(),
    };
    linter.check_detection(source, text, Language::JavaScript, detection)
}

/// One line per load and finding, one per diagnostic.
fn render(report: &FileReport) -> String {
    let mut out = String::new();
    for l in &report.loads {
        let _ = writeln!(
            out,
            "{}:{}-{}:{} {} {} {} `{}`",
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            l.sink,
            l.directive,
            l.tier,
            l.snippet.as_deref().unwrap_or("")
        );
        for f in &l.findings {
            let _ = writeln!(
                out,
                "    {} {} {}: {}",
                f.rule, f.name, f.severity, f.message
            );
        }
    }
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}:{} {}: {}",
            d.line.unwrap_or(0),
            d.column.unwrap_or(0),
            d.kind,
            d.message
        );
    }
    let _ = writeln!(out, "suppressed: {}", report.suppressed);
    out
}

fn rules_of(report: &FileReport) -> Vec<Vec<&str>> {
    report
        .loads
        .iter()
        .map(|l| l.findings.iter().map(|f| f.rule.as_str()).collect())
        .collect()
}

const GADGET: &str = "\
// Gadget-maps: shows a map next to coordinates.
( function () {
    mw.loader.load( 'ext.gadget.maps-core' );
    mw.loader.load( 'https://cdn.example.com/leaflet/1.9.4/leaflet.js' );
    mw.loader.load( 'https://tiles.example.com/style.css', 'text/css' );
    $( '#coordinates' ).on( 'click', function () {
        fetch( 'http://geo.example.org/lookup?q=' + encodeURIComponent( mw.config.get( 'wgTitle' ) ) );
    } );
}() );
";

fn gadget_loads() -> Vec<Load> {
    let mut module = at(
        GADGET,
        "mw.loader.load( 'ext.gadget.maps-core' )",
        Sink::Module,
        "",
    );
    module.url = None;
    module.host = None;
    module.same_wiki = false;
    module.modules = vec!["ext.gadget.maps-core".to_owned()];
    let mut fetch = at(
        GADGET,
        "fetch(",
        Sink::Fetch,
        "http://geo.example.org/lookup?q=${…}",
    );
    fetch.api = "fetch".to_owned();
    fetch.consent = Consent::Gated;
    fetch.consent_reason = Some("click handler".to_owned());
    vec![
        module,
        at(
            GADGET,
            "mw.loader.load( 'https://cdn.example.com",
            Sink::Script,
            "https://cdn.example.com/leaflet/1.9.4/leaflet.js",
        ),
        at(
            GADGET,
            "mw.loader.load( 'https://tiles.example.com",
            Sink::Style,
            "https://tiles.example.com/style.css",
        ),
        fetch,
    ]
}

#[test]
fn every_load_is_reported_with_its_findings() {
    let mut detection = Detection {
        loads: gadget_loads(),
        errors: Vec::new(),
    };
    detection.errors.push(SyntaxError {
        start: 20,
        message: "unexpected token".to_owned(),
    });
    let report = linter("").check_detection(
        &Source::file("maps.js"),
        GADGET,
        Language::JavaScript,
        detection,
    );
    insta::assert_snapshot!(render(&report));
    assert_eq!(
        rules_of(&report),
        [
            vec![],
            vec!["OS101", "OS202"],
            vec!["OS102", "OS202"],
            vec!["OS103", "OS203"]
        ]
    );
    assert!(
        report
            .loads
            .iter()
            .flat_map(|l| &l.findings)
            .all(|f| f.fingerprint.as_ref().is_some_and(|h| h.len() == 16))
    );
}

#[test]
fn ignored_rules_and_severity_overrides() {
    let l = linter("[rules]\nignore = [\"OS202\", \"OS1\"]\nseverity = { OS203 = \"error\" }\n");
    let report = run(&l, &Source::file("maps.js"), GADGET, gadget_loads());
    assert_eq!(rules_of(&report), [vec![], vec![], vec![], vec!["OS203"]]);
    assert_eq!(report.loads[3].findings[0].severity, Severity::Error);
}

#[test]
fn allowed_hosts_lose_remote_findings_but_stay_reported() {
    let l = linter(
        "[[allow]]\nhost = \"*.example.com\"\nsinks = [\"style-src\"]\nreason = \"tiles\"\n\
         [[allow]]\nhost = \"http://geo.example.org\"\nreason = \"lookup\"\n",
    );
    let report = run(&l, &Source::file("maps.js"), GADGET, gadget_loads());
    // The script on the same host is not allowed (sinks); the http fetch
    // keeps OS203: allowing a host does not make plain HTTP safe. (A
    // scheme-less `geo.example.org` would not match it at all: on an HTTPS
    // wiki CSP reads it as https only.)
    assert_eq!(
        rules_of(&report),
        [vec![], vec!["OS101", "OS202"], vec![], vec!["OS203"]]
    );
    assert_eq!(report.loads.len(), 4);
}

#[test]
fn exemptions_hide_findings_until_they_expire() {
    let policy = |expires: &str| {
        format!(
            "[[exempt]]\npath = \"gadgets/*.js\"\nhost = \"cdn.example.com\"\nrules = [\"OS101\"]\n\
             reason = \"Leaflet copy lands next sprint\"\nexpires = \"{expires}\"\n"
        )
    };
    let source = Source::file("gadgets/maps.js");
    let active = run(
        &linter(&policy("2026-06-01")),
        &source,
        GADGET,
        gadget_loads(),
    );
    assert_eq!(rules_of(&active)[1], ["OS202"]);

    let expired = run(
        &linter(&policy("2026-05-31")),
        &source,
        GADGET,
        gadget_loads(),
    );
    assert_eq!(rules_of(&expired)[1], ["OS101", "OS202", "OS301"]);
    assert_eq!(
        expired.loads[1].findings[2].message,
        "the exemption for path `gadgets/*.js` (\"Leaflet copy lands next sprint\") expired on \
         2026-05-31; its findings are reported again"
    );
    // Other files and other hosts were never covered.
    let other = run(
        &linter(&policy("2026-06-01")),
        &Source::file("other/maps.js"),
        GADGET,
        gadget_loads(),
    );
    assert_eq!(rules_of(&other)[1], ["OS101", "OS202"]);
    assert_eq!(rules_of(&active)[2], ["OS102", "OS202"]);
}

#[test]
fn page_exemptions_match_titles() {
    let l = linter("[[exempt]]\npage = \"MediaWiki:Gadget-maps*\"\nreason = \"reviewed\"\n");
    let page = Source {
        wiki: Some("enwiki".to_owned()),
        title: Some("MediaWiki:Gadget-maps_core.js".to_owned()),
        ..Source::default()
    };
    let report = run(&l, &page, GADGET, gadget_loads());
    assert!(report.loads.iter().all(|l| l.findings.is_empty()));
    assert_eq!(report.loads.len(), 4);
}

const SUPPRESSED: &str = "\
// offsite-ignore OS101: Leaflet is vendored in T000001
mw.loader.load( 'https://cdn.example.com/a.js' );
mw.loader.load( 'https://cdn.example.com/b.js' ); // offsite-ignore OS101, OS202: same
mw.loader.load( 'https://cdn.example.com/c.js' );
// offsite-ignore OS102: nothing here
var s = '// offsite-ignore OS101: in a string';
mw.loader.load( 'https://cdn.example.com/d.js' ); // offsite-ignore OS101
/* offsite-ignore-file remote-stylesheet: file-wide */
";

fn suppressed_loads() -> Vec<Load> {
    ["a.js", "b.js", "c.js", "d.js"]
        .into_iter()
        .map(|f| {
            at(
                SUPPRESSED,
                &format!("mw.loader.load( 'https://cdn.example.com/{f}' )"),
                Sink::Script,
                &format!("https://cdn.example.com/{f}"),
            )
        })
        .collect()
}

#[test]
fn suppression_comments() {
    let report = run(
        &linter(""),
        &Source::file("s.js"),
        SUPPRESSED,
        suppressed_loads(),
    );
    insta::assert_snapshot!(render(&report));
    assert_eq!(
        rules_of(&report),
        [
            vec!["OS202"],
            vec![],
            vec!["OS101", "OS202"],
            vec!["OS101", "OS202"]
        ]
    );
    assert_eq!(report.suppressed, 3);
    let kinds: Vec<(Option<u32>, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.line, d.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Some(5), "unused-suppression"),
            (Some(7), "invalid-suppression"),
            (Some(8), "unused-suppression")
        ]
    );
}

#[test]
fn suppressions_for_disabled_rules_are_not_unused() {
    let report = run(
        &linter("[rules]\nignore = [\"OS102\"]\n"),
        &Source::file("s.js"),
        SUPPRESSED,
        suppressed_loads(),
    );
    let unused: Vec<Option<u32>> = report
        .diagnostics
        .iter()
        .filter(|d| d.kind == offsite_model::DiagnosticKind::UnusedSuppression)
        .map(|d| d.line)
        .collect();
    assert!(unused.is_empty(), "{unused:?}");
}

fn report_of(text: &str, loads: Vec<Load>) -> Report {
    let file = run(&linter(""), &Source::file("maps.js"), text, loads);
    Report {
        loads: file.loads,
        diagnostics: file.diagnostics,
        ..Report::default()
    }
}

#[test]
fn baseline_survives_inserted_lines_and_catches_new_findings() {
    let before = report_of(GADGET, gadget_loads());
    let written = baseline::write(&before);
    assert!(
        written.starts_with("{\n  \"version\": 1,\n  \"fingerprints\": ["),
        "{written}"
    );

    let moved = format!("// A new header line.\n// And another.\n{GADGET}");
    let mut loads = gadget_loads();
    for l in &mut loads {
        l.start += 38;
        l.end += 38;
    }
    let mut after = report_of(&moved, loads);
    assert_eq!(after.loads[1].line, 6);
    baseline::apply(&written, &mut after).expect("valid baseline");
    assert_eq!(after.baseline_hidden, 6);
    assert!(after.loads.iter().all(|l| l.findings.is_empty()));

    // A changed URL is a new finding.
    let changed = GADGET.replace("leaflet/1.9.4", "leaflet/2.0.0");
    let mut loads = gadget_loads();
    loads[1] = at(
        &changed,
        "mw.loader.load( 'https://cdn.example.com",
        Sink::Script,
        "https://cdn.example.com/leaflet/2.0.0/leaflet.js",
    );
    let mut after = report_of(&changed, loads);
    baseline::apply(&written, &mut after).expect("valid baseline");
    assert_eq!(
        rules_of(&FileReport {
            loads: after.loads,
            ..FileReport::default()
        })[1],
        ["OS101", "OS202"]
    );
    assert_eq!(after.baseline_hidden, 4);
}

#[test]
fn identical_loads_get_distinct_fingerprints() {
    let text = "mw.loader.load( 'https://cdn.example.com/x.js' );\nmw.loader.load( 'https://cdn.example.com/x.js' );\n";
    let mut second = at(
        text,
        "mw.loader.load",
        Sink::Script,
        "https://cdn.example.com/x.js",
    );
    second.start += 50;
    second.end += 50;
    let loads = vec![
        at(
            text,
            "mw.loader.load",
            Sink::Script,
            "https://cdn.example.com/x.js",
        ),
        second,
    ];
    let both = report_of(text, loads.clone());
    let fp = |r: &Report, i: usize| r.loads[i].findings[0].fingerprint.clone();
    assert_ne!(fp(&both, 0), fp(&both, 1));
    // Baseline one copy only: the other copy is still reported.
    let only_first = report_of(&text[..50], vec![loads[0].clone()]);
    let mut again = both.clone();
    baseline::apply(&baseline::write(&only_first), &mut again).expect("valid baseline");
    assert_eq!(again.baseline_hidden, 2);
    assert_eq!(again.loads[1].findings.len(), 2);
}

#[test]
fn bad_baselines_are_errors() {
    let mut report = Report::default();
    assert!(baseline::apply("{}", &mut report).is_err());
    let err = baseline::apply("{\"version\": 2, \"fingerprints\": []}", &mut report)
        .expect_err("version 2 is refused");
    assert_eq!(err, "baseline version 2 is not supported (expected 1)");
}

#[test]
fn loads_with_offsets_outside_the_text_do_not_panic() {
    // A detector bug must not take the run down: offsets are clamped.
    let text = "é\n// offsite-ignore OS101: x\n";
    let mut far = Load::new(9_999, 3, "fetch", Sink::Fetch).with_url("https://a.example/");
    far.consent = Consent::Unknown;
    let mid_char = Load::new(1, 1, "img.src", Sink::Image).with_url("http://b.example/x.png");
    let report = run(&linter(""), &Source::default(), text, vec![far, mid_char]);
    assert_eq!(report.loads.len(), 2);
    assert_eq!((report.loads[0].line, report.loads[0].end_line), (3, 3));
    assert_eq!((report.loads[1].line, report.loads[1].column), (1, 1));
}

/// A one-line bundle: each load keeps a bounded snippet around itself, not
/// a copy of the whole line (that cost gigabytes on a 5 MB minified file).
#[test]
fn snippets_on_a_minified_line_are_bounded_windows_around_the_load() {
    let unit = "!function(){var a=1;mw.loader.load('https://cdn.example.org/x.js')}();";
    let text = unit.repeat(200);
    // The second unit's load: 20 bytes into it, 47 bytes long.
    let second: u32 = 70;
    assert_eq!(unit.len(), 70);
    let load = offsite_model::Load::new(
        second + 20,
        second + 67,
        "mw.loader.load",
        offsite_model::Sink::Script,
    );
    let snippet = super::snippet_of(&text, &text, &load);
    assert!(
        snippet.len() <= super::MAX_SNIPPET_BYTES,
        "{}",
        snippet.len()
    );
    assert!(
        snippet.contains("mw.loader.load('https://cdn.example.org/x.js')"),
        "{snippet}"
    );
    let short = "mw.loader.load('x');";
    let load = offsite_model::Load::new(0, 20, "mw.loader.load", offsite_model::Sink::Script);
    assert_eq!(super::snippet_of(short, short, &load), short);
}
