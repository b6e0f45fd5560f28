//! MediaWiki's `$wgCSPHeader`: the PHP form of a generated policy, and the
//! header MediaWiki 1.39 builds from it, compared with headers a real
//! MediaWiki 1.39 sent.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::fmt::Write as _;
use std::process::Command;

use offsite_csp::generate::{GenerateOptions, ReportTo, generate};
use offsite_csp::mediawiki::{
    MwCspConfig, MwMode, MwReportUri, MwSite, mediawiki_form, mediawiki_header, php_string,
    report_to_hooks,
};
use offsite_csp::{Origin, Policy, Request, ResourceKind};
use offsite_model::{ReportedLoad, Sink, split_url};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The testbed of `scripts/testbed`: `php -S` on this address, scripts at the root.
const TESTBED: &str = "http://127.0.0.1:8091";

#[test]
fn report_only_array_matches_the_real_header() {
    // mediawiki-testbed.md, step 6: `curl -sI http://127.0.0.1:8091/index.php/Main_Page`
    // with this array as $wgCSPReportOnlyHeader.
    let config = MwCspConfig {
        use_nonces: Some(false),
        script_src: Some(vec!["https://allowed.example.org".to_owned()]),
        default_src: Some(vec!["https://allowed.example.org".to_owned()]),
        report_uri: Some(MwReportUri::Url("http://127.0.0.1:8092/report".to_owned())),
        ..MwCspConfig::default()
    };
    let site = MwSite::new(TESTBED, "", MwMode::ReportOnly);
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' https://allowed.example.org 'unsafe-inline'; \
         default-src 'self' data: blob: https://allowed.example.org; \
         style-src 'self' data: blob: https://allowed.example.org 'unsafe-inline'; \
         object-src 'none'; report-uri http://127.0.0.1:8092/report"
    );
    assert_eq!(
        config.to_php(MwMode::ReportOnly),
        "$wgCSPReportOnlyHeader = [\n\
         \t'useNonces' => false,\n\
         \t'script-src' => [\n\t\t'https://allowed.example.org',\n\t],\n\
         \t'default-src' => [\n\t\t'https://allowed.example.org',\n\t],\n\
         \t'report-uri' => 'http://127.0.0.1:8092/report',\n\
         ];\n"
    );
}

#[test]
fn defaults_match_the_real_headers() {
    // `$wgCSPReportOnlyHeader = true;` and `$wgCSPHeader = true;` on the testbed.
    let config = MwCspConfig::default();
    let mut site = MwSite::new(TESTBED, "", MwMode::ReportOnly);
    site.nonce = "MwXYut3qw8mBWHw6cHZH".to_owned();
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' 'nonce-MwXYut3qw8mBWHw6cHZH' 'unsafe-inline'; \
         default-src * data: blob:; style-src * data: blob: 'unsafe-inline'; object-src 'none'; \
         report-uri /api.php?action=cspreport&format=json&reportonly=1"
    );
    site.mode = MwMode::Enforce;
    site.nonce = "6UeplmpXZW4ZaU5bMvHl".to_owned();
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' 'nonce-6UeplmpXZW4ZaU5bMvHl' 'unsafe-inline'; \
         default-src * data: blob:; style-src * data: blob: 'unsafe-inline'; object-src 'none'; \
         report-uri /api.php?action=cspreport&format=json"
    );
    assert_eq!(config.to_php(MwMode::Enforce), "$wgCSPHeader = true;\n");
}

/// Headers MediaWiki 1.39's `ContentSecurityPolicy::makeCSPDirectives` built
/// on the testbed (through `maintenance/eval.php`, the settings below laid
/// over the wiki's), for the URL handling a live page does not show.
#[test]
fn asset_hosts_cors_images_and_escaping_match_mediawiki() {
    let mut site = MwSite::new(TESTBED, "", MwMode::Enforce);
    site.cross_site_ajax_domains = [
        "*.wikipedia.org",
        "commons.wikimedia.org",
        "x?.example.org",
        "https://meta.wikimedia.org:8443/w",
    ]
    .map(String::from)
    .into();
    site.load_script = "https://static.example.org/w/load.php".to_owned();
    site.extension_assets_path = "//assets.example.org/ext".to_owned();
    site.style_path = format!("{TESTBED}/skins");
    let config = MwCspConfig {
        use_nonces: Some(false),
        default_src: Some(Vec::new()),
        include_cors: Some(true),
        report_uri: Some(MwReportUri::Url("https://r.example/a;b,c".to_owned())),
        ..MwCspConfig::default()
    };
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' https://static.example.org assets.example.org \
         'unsafe-inline' *.wikipedia.org commons.wikimedia.org https://meta.wikimedia.org:8443; \
         default-src 'self' data: blob: https://static.example.org assets.example.org \
         *.wikipedia.org commons.wikimedia.org https://meta.wikimedia.org:8443; \
         style-src 'self' data: blob: https://static.example.org assets.example.org \
         *.wikipedia.org commons.wikimedia.org https://meta.wikimedia.org:8443 'unsafe-inline'; \
         object-src 'none'; report-uri https://r.example/a%3Bb%2Cc"
    );

    let mut site = MwSite::new(TESTBED, "", MwMode::Enforce);
    site.external_images = true;
    let config = MwCspConfig {
        use_nonces: Some(false),
        unsafe_fallback: Some(false),
        object_src: Some(Vec::new()),
        report_uri: Some(MwReportUri::Off),
        script_src: Some(vec![
            "example.org".to_owned(),
            "https://q.example/a'b".to_owned(),
        ]),
        ..MwCspConfig::default()
    };
    // External images change nothing while default-src is lenient.
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' example.org https://q.example/a'b; \
         default-src * data: blob:; style-src * data: blob: 'unsafe-inline'"
    );

    let mut site = MwSite::new(TESTBED, "", MwMode::ReportOnly);
    site.external_images = true;
    site.resource_loader_sources = [
        "/load.php",
        "/api.php",
        "https://meta.example.org/w/load.php",
        "https://meta.example.org/w/api.php",
    ]
    .map(String::from)
    .into();
    let config = MwCspConfig {
        use_nonces: Some(false),
        default_src: Some(vec!["https://a.example".to_owned()]),
        object_src: Some(vec!["'self'".to_owned(), "https://o.example".to_owned()]),
        ..MwCspConfig::default()
    };
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' https://meta.example.org 'unsafe-inline'; \
         default-src 'self' data: blob: https://meta.example.org https://a.example; \
         style-src 'self' data: blob: https://meta.example.org https://a.example 'unsafe-inline'; \
         img-src * data: blob:; object-src 'self' https://o.example; \
         report-uri /api.php?action=cspreport&format=json&reportonly=1"
    );
}

#[test]
fn the_servers_own_host_and_relative_paths_add_nothing() {
    let mut site = MwSite::new("https://test.wikipedia.org", "/w", MwMode::Enforce);
    site.repo_urls = vec![
        "https://upload.wikimedia.org/wikipedia/test".to_owned(),
        "//upload.wikimedia.org/wikipedia/commons".to_owned(),
    ];
    site.load_script = "https://test.wikipedia.org/w/load.php".to_owned();
    let config = MwCspConfig {
        use_nonces: Some(false),
        default_src: Some(Vec::new()),
        ..MwCspConfig::default()
    };
    assert_eq!(
        mediawiki_header(&config, &site),
        "script-src 'unsafe-eval' blob: 'self' 'unsafe-inline'; \
         default-src 'self' data: blob: https://upload.wikimedia.org upload.wikimedia.org; \
         style-src 'self' data: blob: https://upload.wikimedia.org upload.wikimedia.org \
         'unsafe-inline'; object-src 'none'; report-uri /w/api.php?action=cspreport&format=json"
    );
}

// ---- the generated policy in MediaWiki's terms ----

fn load(spec: &Value) -> ReportedLoad {
    let sink: Sink = serde_json::from_value(spec["sink"].clone()).unwrap();
    let url = spec.get("url").and_then(Value::as_str);
    let findings: Vec<Value> = spec
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|rule| json!({ "rule": rule, "name": "rule", "severity": "error", "message": "m" }))
        .collect();
    let line = spec["line"].as_u64().unwrap();
    serde_json::from_value(json!({
        "source": { "wiki": "testwiki", "title": spec["title"] },
        "line": line, "column": 1, "end_line": line, "end_column": 9,
        "api": "x", "sink": sink, "directive": sink.directive(),
        "url": url, "host": url.and_then(|u| split_url(u).host),
        "page": spec.get("page"), "modules": spec.get("modules").cloned().unwrap_or(json!([])),
        "tier": spec.get("tier").cloned().unwrap_or(json!("third-party")), "entity": null,
        "resolution": "literal", "dynamic_expr": null, "consent": "ungated",
        "consent_kind": null, "consent_reason": null, "findings": findings,
    }))
    .unwrap()
}

/// The loads of `fixtures/generate/testwiki.json`.
fn testwiki_loads() -> Vec<ReportedLoad> {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/generate/testwiki.json")).unwrap();
    fixture["loads"]
        .as_array()
        .unwrap()
        .iter()
        .map(load)
        .collect()
}

fn wiki() -> Origin {
    Origin::https("test.wikipedia.org")
}

const TESTWIKI_PHP: &str = "$wgCSPHeader = [
\t'useNonces' => false,
\t'script-src' => [
\t\t'https://api.crossref.org',
\t\t'https://cdn.jsdelivr.net',
\t\t'https://tools-static.wmflabs.org',
\t\t'https://widgets.example.com',
\t],
\t'default-src' => [
\t\t'https://cdn.jsdelivr.net',
\t\t'https://citoid.toolforge.org',
\t\t'https://fonts.gstatic.com',
\t\t'https://tiles.wmflabs.org',
\t],
\t'includeCORS' => false,
\t'unsafeFallback' => true,
];
";

#[test]
fn generated_policy_as_php_and_as_mediawiki_sends_it() {
    let loads = testwiki_loads();
    let generated = generate(&loads, &GenerateOptions::new(wiki())).unwrap();
    let form = mediawiki_form(&generated, false);
    assert_eq!(form.mode, MwMode::Enforce);
    assert_eq!(form.php(), TESTWIKI_PHP);
    assert_eq!(form.dropped, ["base-uri 'self'"]);

    let site = MwSite::new("https://test.wikipedia.org", "/w", MwMode::Enforce);
    let header = mediawiki_header(&form.config, &site);
    assert_eq!(
        header,
        "script-src 'unsafe-eval' blob: 'self' https://api.crossref.org https://cdn.jsdelivr.net \
         https://tools-static.wmflabs.org https://widgets.example.com 'unsafe-inline'; \
         default-src 'self' data: blob: https://cdn.jsdelivr.net https://citoid.toolforge.org \
         https://fonts.gstatic.com https://tiles.wmflabs.org; \
         style-src 'self' data: blob: https://cdn.jsdelivr.net https://citoid.toolforge.org \
         https://fonts.gstatic.com https://tiles.wmflabs.org 'unsafe-inline'; \
         object-src 'none'; report-uri /w/api.php?action=cspreport&format=json"
    );
    // What MediaWiki sends still allows every permitted load and blocks
    // every forbidden one of this wiki.
    let policy = Policy::parse(&header);
    for load in &loads {
        let Some(url) = load.url.as_deref() else {
            continue;
        };
        if url.contains("${") && !url.starts_with("https://tiles") && !url.starts_with("${wg") {
            continue;
        }
        let url = url
            .replace("${wgServer}", "https://test.wikipedia.org")
            .replace("${…}", "sample");
        let verdict = policy.check(&Request::url(
            wiki(),
            ResourceKind::from(load.directive),
            &url,
        ));
        let forbidden = generated
            .forbidden
            .iter()
            .any(|f| f.load.line == load.line && f.load.source == load.source);
        assert_eq!(verdict.is_blocked(), forbidden, "{url}: {verdict:?}");
    }
    // The cost of one default-src: the stylesheet host may now serve
    // images, fetches, fonts, media and frames as well.
    let jsdelivr = form
        .widened
        .iter()
        .find(|w| w.source == "https://cdn.jsdelivr.net" && w.needed_for == ["style-src"])
        .unwrap();
    assert_eq!(
        jsdelivr.also_allows,
        [
            "default-src",
            "img-src",
            "connect-src",
            "font-src",
            "media-src",
            "frame-src",
            "manifest-src"
        ]
    );
    // Scripts and workers share script-src.
    let widget = form
        .widened
        .iter()
        .find(|w| w.source == "https://widgets.example.com")
        .unwrap();
    assert_eq!(widget.needed_for, ["script-src"]);
    assert_eq!(widget.also_allows, ["worker-src"]);
}

#[test]
fn report_only_with_report_uri_and_report_to_hooks() {
    let loads = testwiki_loads();
    let mut opts = GenerateOptions::new(wiki());
    opts.report_only = true;
    opts.report_uri = Some("https://csp.example.org/report".to_owned());
    opts.report_to = Some(ReportTo {
        group: "offsite".to_owned(),
        url: "https://csp.example.org/reports".to_owned(),
    });
    let generated = generate(&loads, &opts).unwrap();
    let form = mediawiki_form(&generated, true);
    assert_eq!(form.mode, MwMode::ReportOnly);
    let hooks = "// report-to has no MediaWiki setting: these hooks add the directive to the header
// and send the endpoint it names.
$wgHooks['ContentSecurityPolicyDirectives'][] = static function ( array &$directives, $policyConfig, $mode ) {
\t$directives[] = 'report-to offsite';
};
$wgHooks['BeforePageDisplay'][] = static function ( $out, $skin ) {
\t$out->getRequest()->response()->header( 'Reporting-Endpoints: offsite=\"https://csp.example.org/reports\"' );
};
";
    assert_eq!(report_to_hooks(opts.report_to.as_ref().unwrap()), hooks);
    let expected = TESTWIKI_PHP
        .replace("$wgCSPHeader", "$wgCSPReportOnlyHeader")
        .replace("'useNonces' => false", "'useNonces' => true")
        .replace(
            "\t'unsafeFallback' => true,\n",
            "\t'unsafeFallback' => true,\n\t'report-uri' => 'https://csp.example.org/report',\n",
        )
        + hooks;
    assert_eq!(form.php(), expected);

    let mut site = MwSite::new("https://test.wikipedia.org", "/w", MwMode::ReportOnly);
    site.nonce = "n0nce".to_owned();
    site.hook_directives = vec!["report-to offsite".to_owned()];
    let header = mediawiki_header(&form.config, &site);
    assert!(
        header.starts_with("script-src 'unsafe-eval' blob: 'self' 'nonce-n0nce' https://api"),
        "{header}"
    );
    assert!(
        header.ends_with(
            "; object-src 'none'; report-uri https://csp.example.org/report; report-to offsite"
        ),
        "{header}"
    );
}

#[test]
fn php_strings_are_escaped() {
    assert_eq!(php_string(r"C:\path\'x'"), r"'C:\\path\\\'x\''");
    let config = MwCspConfig {
        script_src: Some(vec!["'sha256-abc='".to_owned()]),
        report_uri: Some(MwReportUri::Url(r"https://r.example/it's\here".to_owned())),
        object_src: Some(Vec::new()),
        default_src: Some(Vec::new()),
        ..MwCspConfig::default()
    };
    assert_eq!(
        config.to_php(MwMode::Enforce),
        "$wgCSPHeader = [\n\
         \t'script-src' => [\n\t\t'\\'sha256-abc=\\'',\n\t],\n\
         \t'default-src' => true,\n\
         \t'report-uri' => 'https://r.example/it\\'s\\\\here',\n\
         \t'object-src' => false,\n\
         ];\n"
    );
}

/// PHP reads the generated text back to the same values (needs `php`, the
/// Debian `php-cli` package that the MediaWiki testbed installs; skipped
/// without it).
#[test]
fn php_reads_the_config_back() {
    let Some(php) = php() else {
        eprintln!("skipped: no php on PATH");
        return;
    };
    let config = MwCspConfig {
        use_nonces: Some(false),
        script_src: Some(vec![
            "https://a.example".to_owned(),
            "'nonce-x'".to_owned(),
            r"back\slash".to_owned(),
        ]),
        default_src: Some(vec!["it's".to_owned()]),
        include_cors: Some(false),
        unsafe_fallback: Some(true),
        report_uri: Some(MwReportUri::Url(r"https://r.example/a\'b".to_owned())),
        object_src: None,
    };
    let code = format!(
        "{}echo json_encode($wgCSPHeader);",
        config.to_php(MwMode::Enforce)
    );
    let out = Command::new(php).arg("-r").arg(code).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        read,
        json!({
            "useNonces": false,
            "script-src": ["https://a.example", "'nonce-x'", "back\\slash"],
            "default-src": ["it's"],
            "includeCORS": false,
            "unsafeFallback": true,
            "report-uri": "https://r.example/a\\'b",
        })
    );
}

fn php() -> Option<&'static str> {
    Command::new("php")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "php")
}

/// Differential test against the real class: set `OFFSITE_MW_CONFIG_FILE` to
/// the LocalSettings.php of a MediaWiki 1.39 wiki (the testbed's
/// `$W/wiki/LocalSettings.php`); the test runs `maintenance/eval.php` with
/// configurations laid over the wiki's and compares the headers. Skipped
/// when the variable is not set.
/// A setting, its mode, and wiki settings laid over the wiki's.
type LiveCase = (MwCspConfig, MwMode, Vec<(&'static str, Value)>);

#[test]
fn simulation_matches_mediawiki_on_a_live_wiki() {
    let Ok(settings) = std::env::var("OFFSITE_MW_CONFIG_FILE") else {
        eprintln!("skipped: OFFSITE_MW_CONFIG_FILE is not set");
        return;
    };
    let mw = std::env::var("OFFSITE_MW_DIR").unwrap_or_else(|_| "/usr/share/mediawiki".to_owned());
    let cases: Vec<LiveCase> = vec![
        (MwCspConfig::default(), MwMode::ReportOnly, vec![]),
        (
            MwCspConfig {
                use_nonces: Some(false),
                default_src: Some(vec![
                    "https://a.example".to_owned(),
                    "b.example:8443".to_owned(),
                ]),
                script_src: Some(vec!["https://*.jsdelivr.net".to_owned()]),
                report_uri: Some(MwReportUri::Url("https://r.example/x?a=1;2".to_owned())),
                ..MwCspConfig::default()
            },
            MwMode::Enforce,
            vec![
                (
                    "CrossSiteAJAXdomains",
                    json!(["*.wikipedia.org", "a?.example", "//c.example/p"]),
                ),
                ("LoadScript", json!("https://static.example.org/w/load.php")),
                ("ExtensionAssetsPath", json!("//assets.example.org/ext")),
                ("AllowExternalImages", json!(true)),
            ],
        ),
        (
            MwCspConfig {
                use_nonces: Some(false),
                unsafe_fallback: Some(false),
                include_cors: Some(false),
                object_src: Some(Vec::new()),
                report_uri: Some(MwReportUri::Off),
                ..MwCspConfig::default()
            },
            MwMode::ReportOnly,
            vec![("CrossSiteAJAXdomains", json!(["*.wikipedia.org"]))],
        ),
    ];
    let dir = std::env::temp_dir().join(format!("offsite-mw-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut probe = String::from(
        "<?php\nuse MediaWiki\\MediaWikiServices;\n\
         $services = MediaWikiServices::getInstance();\n\
         echo json_encode( [ $GLOBALS['wgServer'], $GLOBALS['wgScriptPath'] ] ), \"\\n\";\n",
    );
    for (i, (config, mode, overrides)) in cases.iter().enumerate() {
        let key = match mode {
            MwMode::Enforce => "CSPHeader",
            MwMode::ReportOnly => "CSPReportOnlyHeader",
        };
        let number = match mode {
            MwMode::Enforce => 2,
            MwMode::ReportOnly => 1,
        };
        let php = config
            .to_php(*mode)
            .replacen(mode.variable(), &format!("$config{i}"), 1);
        let overrides: serde_json::Map<String, Value> = overrides
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let overrides = Value::Object(overrides).to_string();
        probe.push_str(&php);
        let _ = write!(
            probe,
            "$hash = new HashConfig( array_merge( [ '{key}' => $config{i} ], json_decode( {overrides}, true ) ) );\n\
             $c = new MultiConfig( [ $hash, $services->getMainConfig() ] );\n\
             $csp = new ContentSecurityPolicy( new FauxResponse(), $c, $services->getHookContainer() );\n\
             $m = new ReflectionMethod( $csp, 'makeCSPDirectives' );\n\
             $m->setAccessible( true );\n\
             echo $m->invoke( $csp, $config{i}, {number} ), \"\\n\";\n",
            overrides = php_string(&overrides),
        );
    }
    let probe_path = dir.join("probe.php");
    std::fs::write(&probe_path, probe).unwrap();
    let out = Command::new("php")
        .arg(format!("{mw}/maintenance/eval.php"))
        .env("MW_CONFIG_FILE", &settings)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().unwrap();
            writeln!(
                stdin,
                "require {};",
                php_string(probe_path.to_str().unwrap())
            )?;
            drop(stdin);
            child.wait_with_output()
        })
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        cases.len() + 1,
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (server, script_path): (String, String) = serde_json::from_str(lines[0]).unwrap();
    for ((config, mode, overrides), real) in cases.iter().zip(&lines[1..]) {
        let mut site = MwSite::new(&server, &script_path, *mode);
        site.nonce = real
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_default()
            .to_owned();
        for (key, value) in overrides {
            match *key {
                "CrossSiteAJAXdomains" => {
                    site.cross_site_ajax_domains = serde_json::from_value(value.clone()).unwrap();
                }
                "LoadScript" => site.load_script = value.as_str().unwrap().to_owned(),
                "ExtensionAssetsPath" => {
                    site.extension_assets_path = value.as_str().unwrap().to_owned();
                }
                "AllowExternalImages" => site.external_images = value.as_bool().unwrap(),
                other => panic!("no MwSite field for {other}"),
            }
        }
        assert_eq!(mediawiki_header(config, &site), *real, "{config:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// MediaWiki's form loosens, never tightens: every load the generated
    /// policy allows, the header MediaWiki builds from the form allows too.
    #[test]
    fn mediawiki_header_allows_every_permitted_load(
        specs in prop::collection::vec(
            (
                prop::sample::select(vec!["a.example", "b.example", "cdn.example.org"]),
                prop::sample::select(vec![
                    "script", "style", "fetch", "image", "font", "media", "iframe", "worker",
                    "form", "prefetch",
                ]),
                prop::sample::select(vec!["https://", "http://", "//"]),
                any::<bool>(),
            ),
            0..16,
        ),
        strict in any::<bool>(),
    ) {
        let loads: Vec<ReportedLoad> = specs
            .iter()
            .enumerate()
            .map(|(i, (host, sink, scheme, forbidden))| {
                load(&json!({
                    "title": "MediaWiki:Common.js", "line": i + 1, "sink": sink,
                    "url": format!("{scheme}{host}/x"),
                    "rules": if *forbidden { json!(["OS101"]) } else { json!([]) },
                }))
            })
            .collect();
        let mut opts = GenerateOptions::new(wiki());
        if strict {
            opts.base = offsite_csp::generate::Base::Strict;
        }
        let generated = generate(&loads, &opts).unwrap();
        let form = mediawiki_form(&generated, false);
        let site = MwSite::new("https://test.wikipedia.org", "/w", MwMode::Enforce);
        let header = Policy::parse(&mediawiki_header(&form.config, &site));
        for load in &loads {
            let request = Request::url(
                wiki(),
                ResourceKind::from(load.directive),
                load.url.as_deref().unwrap(),
            );
            if generated.policy.check(&request).is_allowed() {
                prop_assert!(header.check(&request).is_allowed(), "{:?}", request);
            }
        }
    }
}
