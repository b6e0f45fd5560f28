//! A hand-built report shaped like a real scan of a gadget folder: every
//! format's tests and snapshots render this.

use offsite_model::{
    Consent, ConsentKind, Diagnostic, DiagnosticKind, ExposureKind, Finding, LoadExposure, Report,
    ReportedLoad, Resolution, RuleInfo, Severity, Sink, Source, Tier,
};

pub fn rules() -> Vec<RuleInfo> {
    let rule = |code: &str, name: &str, summary: &str, severity, docs: &str| RuleInfo {
        code: code.to_owned(),
        name: name.to_owned(),
        summary: summary.to_owned(),
        default_severity: severity,
        docs: docs.to_owned(),
    };
    vec![
        rule(
            "OS101",
            "remote-executable-code",
            "Executable code is loaded from a third-party host.",
            Severity::Error,
            "## What it does\nFinds scripts loaded from third-party hosts.\n\n\
             ## Why is this bad?\nA remote script runs with the reader's session.",
        ),
        rule(
            "OS102",
            "remote-stylesheet",
            "A stylesheet is loaded from a third-party host.",
            Severity::Warning,
            "## What it does\nFinds `@import` and stylesheet links to third-party hosts.",
        ),
        rule(
            "OS201",
            "unresolvable-load-target",
            "The target of a load depends on run-time values.",
            Severity::Warning,
            "## What it does\nFinds loads whose URL could not be worked out.",
        ),
        rule(
            "OS202",
            "third-party-load-without-consent",
            "A third-party resource is loaded before the user asked for it.",
            Severity::Warning,
            "## What it does\nFinds third-party loads that run on page load.",
        ),
        rule(
            "OS205",
            "executable-code-from-wmcs",
            "Executable code is loaded from Wikimedia Cloud Services.",
            Severity::Warning,
            "## What it does\nFinds scripts loaded from Toolforge and Cloud VPS.",
        ),
        rule(
            "OS206",
            "cross-wiki-code-import",
            "A script page is imported from another wiki.",
            Severity::Warning,
            "## What it does\nFinds `action=raw` script loads from another wiki.",
        ),
    ]
}

fn finding(rule: &str, name: &str, severity: Severity, message: &str, fp: &str) -> Finding {
    Finding {
        rule: rule.to_owned(),
        name: name.to_owned(),
        severity,
        message: message.to_owned(),
        fingerprint: Some(fp.to_owned()),
    }
}

/// A load on one line, `len` characters long, with the usual defaults.
fn load(path: &str, line: u32, column: u32, len: u32, api: &str, sink: Sink) -> ReportedLoad {
    ReportedLoad {
        source: Source::file(path),
        line,
        column,
        end_line: line,
        end_column: column + len,
        api: api.to_owned(),
        sink,
        directive: sink.directive(),
        url: None,
        host: None,
        page: None,
        modules: Vec::new(),
        tier: Tier::FirstParty,
        entity: None,
        resolution: Resolution::Literal,
        dynamic_expr: None,
        consent: Consent::Ungated,
        consent_kind: None,
        consent_reason: None,
        findings: Vec::new(),
        exposure: None,
        snippet: None,
    }
}

pub fn report() -> Report {
    let translate = "gadgets/Gadget-translate.js";
    let maps = "gadgets/Gadget-maps.js";
    let common = "user/Example/common.js";
    let css = "styles/Common.css";

    let mut google = load(translate, 12, 3, 81, "mw.loader.load", Sink::Script);
    google.url = Some("https://translate.google.com/translate_a/element.js?cb=gtInit".into());
    google.host = Some("translate.google.com".into());
    google.tier = Tier::ThirdParty;
    google.entity = Some("Google".into());
    google.snippet = Some(
        "  mw.loader.load( 'https://translate.google.com/translate_a/element.js?cb=gtInit' );"
            .into(),
    );
    google.findings.push(finding(
        "OS101",
        "remote-executable-code",
        Severity::Error,
        "`mw.loader.load` loads a script from third-party host `translate.google.com` (Google) without consent",
        "4f1c9a7be2d05a31",
    ));

    let mut api = load(translate, 27, 5, 103, "$.getJSON", Sink::Xhr);
    api.url = Some("https://translation.googleapis.com/language/translate/v2?q=${…}".into());
    api.host = Some("translation.googleapis.com".into());
    api.tier = Tier::ThirdParty;
    api.entity = Some("Google".into());
    api.resolution = Resolution::Dynamic;
    api.dynamic_expr = Some("encodeURIComponent( text )".into());
    api.consent = Consent::Gated;
    api.consent_kind = Some(ConsentKind::Action);
    api.consent_reason = Some("click handler on #ca-translate".into());
    api.snippet = Some(
        "    $.getJSON( 'https://translation.googleapis.com/language/translate/v2?q=' + encodeURIComponent( text ) )"
            .into(),
    );

    // Wide characters and a tab before the span: carets must still line up.
    let mut tiles = load(maps, 8, 26, 64, "$.getScript", Sink::Script);
    tiles.url = Some("https://unpkg.com/leaflet@1.9.4/dist/leaflet.js".into());
    tiles.host = Some("unpkg.com".into());
    tiles.tier = Tier::ThirdParty;
    tiles.consent = Consent::Gated;
    tiles.consent_kind = Some(ConsentKind::Action);
    tiles.consent_reason = Some("click handler on #地図".into());
    tiles.snippet = Some(
        "\t$( '#地図' ).click( () => $.getScript( 'https://unpkg.com/leaflet@1.9.4/dist/leaflet.js' ) );"
            .into(),
    );
    tiles.findings.push(finding(
        "OS101",
        "remote-executable-code",
        Severity::Warning,
        "`$.getScript` loads a script from third-party host `unpkg.com` after consent (click handler on #地図)",
        "9d02e6c4a1b37f58",
    ));

    let mut fonts = load(maps, 3, 1, 96, "mw.loader.load", Sink::Script);
    fonts.url =
        Some("https://tools-static.wmflabs.org/cdnjs/ajax/libs/chart.js/4.4.1/chart.umd.js".into());
    fonts.host = Some("tools-static.wmflabs.org".into());
    fonts.tier = Tier::Wmcs;
    fonts.entity = Some("Wikimedia Cloud Services".into());
    fonts.snippet = Some(
        "mw.loader.load( 'https://tools-static.wmflabs.org/cdnjs/ajax/libs/chart.js/4.4.1/chart.umd.js' );"
            .into(),
    );
    fonts.findings.push(finding(
        "OS205",
        "executable-code-from-wmcs",
        Severity::Warning,
        "`mw.loader.load` loads a script from Wikimedia Cloud Services host `tools-static.wmflabs.org`",
        "c7e8015ab3f94d26",
    ));

    let mut modules = load(maps, 1, 1, 54, "mw.loader.using", Sink::Module);
    modules.modules = vec!["mediawiki.api".into(), "oojs-ui-core".into()];
    modules.snippet =
        Some("mw.loader.using( [ 'mediawiki.api', 'oojs-ui-core' ] ).then( function () {".into());

    let mut dynamic = load(common, 5, 5, 43, "mw.loader.load", Sink::Script);
    dynamic.url = Some("${…}/${…}.js".into());
    dynamic.tier = Tier::Unknown;
    dynamic.resolution = Resolution::Dynamic;
    dynamic.dynamic_expr = Some("base + '/' + name + '.js'".into());
    dynamic.consent = Consent::Unknown;
    dynamic.consent_reason = Some("runs in a callback passed to an unknown function".into());
    dynamic.snippet = Some("    mw.loader.load( base + '/' + name + '.js' );".into());
    dynamic.findings.push(finding(
        "OS201",
        "unresolvable-load-target",
        Severity::Warning,
        "`mw.loader.load` loads a script from a URL built at run time: `base + '/' + name + '.js'`",
        "0b5d7e91f3a2c864",
    ));

    let mut meta = load(common, 2, 1, 114, "mw.loader.load", Sink::Script);
    meta.url = Some(
        "//meta.wikimedia.org/w/index.php?title=User:Example/global.js&action=raw&ctype=text/javascript"
            .into(),
    );
    meta.host = Some("meta.wikimedia.org".into());
    meta.page = Some("User:Example/global.js".into());
    meta.entity = Some("Wikimedia Foundation".into());
    meta.snippet = Some(
        "mw.loader.load( '//meta.wikimedia.org/w/index.php?title=User:Example/global.js&action=raw&ctype=text/javascript' );"
            .into(),
    );
    meta.findings.push(finding(
        "OS206",
        "cross-wiki-code-import",
        // Lowered from the default warning in offsite.toml.
        Severity::Info,
        "`mw.loader.load` imports User:Example/global.js from meta.wikimedia.org: its editors can change this script",
        "61a3f08d2c9be417",
    ));

    let mut same_wiki = load(common, 1, 1, 39, "importScript", Sink::Script);
    same_wiki.page = Some("User:Example/tools.js".into());
    same_wiki.snippet = Some("importScript( 'User:Example/tools.js' ); // 🛠 tools".into());

    // One load, two findings.
    let mut import = load(css, 1, 1, 83, "@import", Sink::Style);
    import.url = Some("https://fonts.googleapis.com/css2?family=Noto+Serif+JP&display=swap".into());
    import.host = Some("fonts.googleapis.com".into());
    import.tier = Tier::ThirdParty;
    import.entity = Some("Google".into());
    import.snippet = Some(
        "@import url(\"https://fonts.googleapis.com/css2?family=Noto+Serif+JP&display=swap\");"
            .into(),
    );
    import.findings.push(finding(
        "OS102",
        "remote-stylesheet",
        Severity::Warning,
        "`@import` loads a stylesheet from third-party host `fonts.googleapis.com` (Google)",
        "e2b94c10d7f5a386",
    ));
    import.findings.push(finding(
        "OS202",
        "third-party-load-without-consent",
        Severity::Warning,
        "`@import` contacts `fonts.googleapis.com` (Google) on every page view, before any consent",
        "5a8f2d6e0c1b7394",
    ));

    let mut image = load(css, 9, 15, 52, "url()", Sink::Image);
    image.url = Some("/w/images/thumb/a/ab/Logo.svg/40px-Logo.svg.png".into());
    image.snippet = Some(
        "  background: url(/w/images/thumb/a/ab/Logo.svg/40px-Logo.svg.png) no-repeat;".into(),
    );

    Report {
        // Deliberately not in output order: renderers sort.
        loads: vec![
            google, image, dynamic, api, import, tiles, fonts, modules, meta, same_wiki,
        ],
        diagnostics: vec![
            Diagnostic {
                source: Source::file("gadgets/Gadget-broken.js"),
                line: Some(3),
                column: Some(17),
                kind: DiagnosticKind::SyntaxError,
                message:
                    "Unexpected token `}`; loads after this point were found by the fallback parser"
                        .into(),
            },
            Diagnostic {
                source: Source::file(common),
                line: Some(4),
                column: Some(8),
                kind: DiagnosticKind::UnusedSuppression,
                message: "`offsite-ignore: OS102` suppresses nothing on the next line".into(),
            },
            Diagnostic {
                source: Source::file("gadgets/Gadget-big.js"),
                line: None,
                column: None,
                kind: DiagnosticKind::IoError,
                message: "could not read gadgets/Gadget-big.js: permission denied".into(),
            },
        ],
        baseline_hidden: 2,
        suppressed: 1,
        files_scanned: 6,
    }
}

/// A load whose URL and snippet carry terminal escape sequences (clear
/// screen, set window title, bell) and a bidi override, as hostile code could.
pub fn hostile_report() -> Report {
    let url = "https://evil.example/\u{1b}[2J\u{1b}]0;pwned\u{7}x.js?\u{202e}sj.txt";
    let mut evil = load(
        "gadgets/Gadget-\u{1b}[31mred.js",
        1,
        1,
        30,
        "mw.loader.load",
        Sink::Script,
    );
    evil.url = Some(url.into());
    evil.host = Some("evil.example".into());
    evil.tier = Tier::ThirdParty;
    evil.snippet = Some(format!("mw.loader.load( '{url}' );"));
    evil.dynamic_expr = Some("\u{1b}[1mbold".into());
    evil.findings.push(finding(
        "OS101",
        "remote-executable-code",
        Severity::Error,
        &format!("Script from {url}"),
        "ffff0000ffff0000",
    ));
    let mut quiet = evil.clone();
    quiet.line = 2;
    quiet.end_line = 2;
    quiet.findings.clear();
    Report {
        loads: vec![evil, quiet],
        diagnostics: vec![Diagnostic {
            source: Source::file("x.js"),
            line: Some(1),
            column: Some(1),
            // The kind is a closed set now, so only the message can carry escapes.
            kind: DiagnosticKind::SyntaxError,
            message: "bad \u{1b}]8;;https://evil.example\u{7}link".into(),
        }],
        files_scanned: 1,
        ..Report::default()
    }
}

/// A load on a page of `testwiki`, with its exposure.
fn wiki_load(
    title: &str,
    line: u32,
    url: &str,
    sink: Sink,
    exposure: LoadExposure,
) -> ReportedLoad {
    let mut l = load("", line, 1, 40, "mw.loader.load", sink);
    l.source = Source {
        wiki: Some("testwiki".into()),
        title: Some(title.into()),
        namespace: Some(if title.starts_with("User:") { 2 } else { 8 }),
        ..Source::default()
    };
    l.url = Some(url.into());
    l.host = url
        .split("//")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(str::to_owned);
    l.tier = Tier::ThirdParty;
    l.snippet = Some(format!("mw.loader.load( '{url}' );"));
    l.exposure = Some(exposure);
    l
}

fn exposed(kind: ExposureKind, label: &str, users: Option<u64>, depth: u32) -> LoadExposure {
    LoadExposure {
        users,
        entry_points: 1,
        depth: Some(depth),
        ..LoadExposure::new(kind, label)
    }
}

/// A scan of a wiki dump: pages of a default gadget, an opt-in gadget used
/// by 40 people, a sysop group script, a user's own script and an orphan,
/// each loading from a third party. Listed alphabetically, which is not the
/// order of exposure.
pub fn wiki_report() -> Report {
    let script = |title: &str, line, url: &str, e| {
        let mut l = wiki_load(title, line, url, Sink::Script, e);
        l.findings.push(finding(
            "OS101",
            "remote-executable-code",
            Severity::Error,
            &format!("`mw.loader.load` loads a script from `{url}`"),
            &format!("{:016x}", u64::from(line) * 0x1_0001),
        ));
        l
    };
    let mut fonts = wiki_load(
        "MediaWiki:Gadget-Fonts.css",
        1,
        "https://fonts.example.com/serif.css",
        Sink::Style,
        exposed(ExposureKind::Users, "40 users", Some(40), 1),
    );
    fonts.api = "@import".into();
    fonts.snippet = Some("@import url(https://fonts.example.com/serif.css);".into());
    fonts.findings.push(finding(
        "OS102",
        "remote-stylesheet",
        Severity::Warning,
        "`@import` loads a stylesheet from third-party host `fonts.example.com`",
        "00000000000f0c55",
    ));
    let maps = script(
        "MediaWiki:Gadget-Maps.js",
        2,
        "https://maps.example.net/v2.js",
        LoadExposure {
            url_loadable: true,
            ..exposed(ExposureKind::EveryReader, "every reader", None, 1)
        },
    );
    let mut first_party = wiki_load(
        "MediaWiki:Gadget-Maps.js",
        5,
        "/w/index.php?title=MediaWiki:Maps-data.json&action=raw",
        Sink::Fetch,
        exposed(ExposureKind::EveryReader, "every reader", None, 1),
    );
    first_party.host = None;
    first_party.api = "fetch".into();
    first_party.snippet =
        Some("fetch( '/w/index.php?title=MediaWiki:Maps-data.json&action=raw' );".into());
    first_party.tier = Tier::FirstParty;
    let mut sysop = script(
        "MediaWiki:Group-sysop.js",
        3,
        "https://admin-tools.example.org/t.js",
        LoadExposure {
            groups: vec!["sysop".into()],
            ..exposed(ExposureKind::LoggedIn, "logged-in (groups: sysop)", None, 0)
        },
    );
    sysop.consent = Consent::Gated;
    sysop.consent_kind = Some(ConsentKind::Action);
    let alice = script(
        "User:Alice/common.js",
        4,
        "https://cdn.example.org/lib.js",
        exposed(ExposureKind::Users, "1 user", Some(1), 0),
    );
    let orphan = script(
        "User:Old/unused.js",
        1,
        "https://old.example.com/x.js",
        LoadExposure {
            users: Some(0),
            ..LoadExposure::new(ExposureKind::Nobody, "nobody")
        },
    );
    Report {
        loads: vec![orphan, alice, sysop, first_party, maps, fonts],
        files_scanned: 7,
        ..Report::default()
    }
}
