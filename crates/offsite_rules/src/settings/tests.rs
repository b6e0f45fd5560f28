use offsite_model::{Severity, Sink};

use super::*;

fn error(text: &str) -> String {
    match Settings::from_toml(text, "conf/offsite.toml") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_documented_example_parses() {
    let s = Settings::from_toml(crate::docs::EXAMPLE_CONFIG, "offsite.toml").expect("example");
    assert_eq!(s.tiers.profile, offsite_classify::Profile::Wikimedia);
    assert_eq!(s.tiers.first_party, ["wiki.example.org"]);
    assert_eq!(s.detect.consent_functions, ["myGadget.hasConsent"]);
    assert_eq!(s.fail_on, Some(crate::options::FailOn::Warning));
    assert!(!s.rules.is_enabled("OS204"));
    assert!(s.rules.is_enabled("OS101"));
    assert_eq!(s.rules.severity.get("OS104"), Some(&Severity::Info));
    assert_eq!(s.allow.len(), 1);
    assert_eq!(
        s.allow[0].sinks.as_deref(),
        Some(&[Sink::Style, Sink::Font][..])
    );
    assert_eq!(s.exempt.len(), 2);
    assert_eq!(s.exempt[0].rules.as_deref(), Some(&["OS105", "OS202"][..]));
    assert_eq!(s.exempt[0].expires, Some(jiff::civil::date(2026, 12, 31)));
    assert!(s.exempt[0].host.is_some());
    assert!(matches!(&s.exempt[1].target, ExemptTarget::Path { glob, .. } if glob == "vendor/**"));
    assert_eq!(s.root, None);
}

#[test]
fn default_is_wikimedia_with_every_rule() {
    let s = Settings::default();
    assert_eq!(s.tiers.profile, offsite_classify::Profile::Wikimedia);
    assert_eq!(s.rules.enabled.len(), crate::rules::ALL.len());
    let empty = Settings::from_toml("", "dir/offsite.toml").expect("empty file");
    assert_eq!(empty.rules, s.rules);
    assert_eq!(empty.root.as_deref(), Some(Path::new("dir")));
}

#[test]
fn select_accepts_all_codes_prefixes_and_names() {
    let s = Settings::from_toml(
        "[rules]\nselect = [\"OS1\", \"plain-http-load\", \"os205\"]\nignore = [\"OS106\"]\n",
        "offsite.toml",
    )
    .expect("valid");
    assert_eq!(
        s.rules.enabled,
        [
            "OS101", "OS102", "OS103", "OS104", "OS105", "OS203", "OS205"
        ]
    );
    let s = Settings::from_toml(
        "[rules]\nseverity = { remote-stylesheet = \"error\", OS2 = \"info\" }\n",
        "offsite.toml",
    )
    .expect("valid");
    assert_eq!(s.rules.severity.get("OS102"), Some(&Severity::Error));
    assert_eq!(s.rules.severity.get("OS206"), Some(&Severity::Info));
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let e = error("profile = \"wikimedia\"\ncolour = \"red\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:2:1: `colour`: unknown key; expected one of: profile,"),
        "{e}"
    );
    let e = error("[[allow]]\nhost = \"a.example\"\nreason = \"x\"\nsink = [\"font\"]\n");
    assert!(
        e == "conf/offsite.toml:4:1: `allow[0].sink`: unknown key; did you mean `sinks`?",
        "{e}"
    );
}

#[test]
fn wrong_types_and_values_name_the_key() {
    let e = error("fail-on = \"fatal\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:1:11: `fail-on`: unknown variant `fatal`"),
        "{e}"
    );
    let e = error("first-party = \"wiki.example.org\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:1:15: `first-party`: invalid type"),
        "{e}"
    );
    let e = error("[rules]\nselect = [\"OS101\", \"OS999\"]\n");
    assert_eq!(
        e,
        "conf/offsite.toml:2:20: `rules.select`: unknown rule `OS999` (expected ALL, a code such as \
         OS101, a code prefix such as OS1, or a rule name)"
    );
    let e = error("profile = \"wikia\"\n");
    assert!(
        e.starts_with("conf/offsite.toml: unknown profile `wikia`"),
        "{e}"
    );
}

#[test]
fn bad_host_source_is_reported_with_its_place() {
    let e = error("[[allow]]\nhost = \"'self'\"\nreason = \"x\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:2:8: `allow[0].host`: invalid host-source `'self'`"),
        "{e}"
    );
    let e = error("[[allow]]\nhost = \"fonts.example.com\"\nsinks = [\"fonts\"]\nreason = \"x\"\n");
    assert!(
        e.starts_with(
            "conf/offsite.toml:3:10: `allow[0].sinks`: unknown sink or directive `fonts`"
        ),
        "{e}"
    );
    let e = error("[[allow]]\nhost = \"fonts.example.com\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:1:1: `allow[0]`: missing `reason`"),
        "{e}"
    );
}

#[test]
fn bad_exemptions_are_reported() {
    let e = error("[[exempt]]\npath = \"a/**\"\nreason = \"r\"\nexpires = \"2026-13-01\"\n");
    assert!(e.starts_with("conf/offsite.toml:4:11: `exempt[0].expires`: invalid date `2026-13-01`, expected YYYY-MM-DD"), "{e}");
    let e = error("[[exempt]]\npath = \"a/**\"\nreason = \"r\"\nexpires = \"soon\"\n");
    assert!(e.contains("invalid date `soon`"), "{e}");
    let e = error("[[exempt]]\npath = \"a/**\"\npage = \"User:X/*\"\nreason = \"r\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:1:1: `exempt[0]`: give exactly one of `path` and `page`"),
        "{e}"
    );
    let e = error("[[exempt]]\npath = \"a/**\"\n");
    assert!(e.contains("`exempt[0]`: missing `reason`"), "{e}");
    let e = error("[[exempt]]\npath = \"a/[\"\nreason = \"r\"\n");
    assert!(
        e.starts_with("conf/offsite.toml:2:8: `exempt[0].path`: invalid glob"),
        "{e}"
    );
}

#[test]
fn toml_dates_are_accepted_for_expiry() {
    let s = Settings::from_toml(
        "[[exempt]]\npage = \"MediaWiki:Gadget-x.js\"\nreason = \"r\"\nexpires = 2025-01-31\n",
        "offsite.toml",
    )
    .expect("valid");
    assert_eq!(s.exempt[0].expires, Some(jiff::civil::date(2025, 1, 31)));
}

#[test]
fn discover_walks_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).expect("mkdir");
    assert_eq!(Settings::discover(&nested), None);
    std::fs::write(dir.path().join("a/offsite.toml"), "").expect("write");
    assert_eq!(
        Settings::discover(&nested),
        Some(dir.path().join("a/offsite.toml"))
    );
}

#[test]
fn error_messages() {
    let cases = [
        "colour = \"red\"\n",
        "fail-on = \"fatal\"\n",
        "[rules]\nignore = [\"remote-scripts\"]\n",
        "[rules]\nseverity = { OS101 = \"loud\" }\n",
        "[[allow]]\nhost = \"https://*.example.com:99999\"\nreason = \"x\"\n",
        "[[allow]]\nreason = \"x\"\n",
        "[[exempt]]\npage = \"User:X/*\"\nrules = [\"OS7\"]\nreason = \"r\"\n",
        "[[exempt]]\npage = \"User:X/*\"\nreason = \"r\"\nexpires = 2025-01-31T10:00:00Z\n",
        "[[exempt]]\npage = \"User:X/*\"\nreason = \" \"\n",
    ];
    let rendered: Vec<String> = cases.iter().map(|c| error(c)).collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

#[test]
fn every_error_of_a_file_comes_at_once() {
    let unknown = error("colour = 1\nprofle = \"none\"\n[rules]\nselct = []\n");
    assert_eq!(unknown.lines().count(), 3, "{unknown}");
    assert!(
        unknown.contains(":2:1: `profle`: unknown key; did you mean `profile`?"),
        "{unknown}"
    );
    assert!(
        unknown.contains("`rules.selct`: unknown key; did you mean `select`?"),
        "{unknown}"
    );
    let invalid = error(
        "[rules]\nignore = [\"nope\"]\n[[allow]]\nreason = \"x\"\n[[exempt]]\npage = \"X\"\nreason = \" \"\n",
    );
    assert_eq!(invalid.lines().count(), 3, "{invalid}");
    assert!(invalid.contains("`rules.ignore`"), "{invalid}");
    assert!(invalid.contains("`allow[0]`: missing `host`"), "{invalid}");
    assert!(
        invalid.contains("`exempt[0]`: missing `reason`"),
        "{invalid}"
    );
}

#[test]
fn fail_on_never_is_accepted_in_the_file_as_on_the_command_line() {
    let s = Settings::from_toml("fail-on = \"never\"\n", "offsite.toml").expect("never");
    assert_eq!(s.fail_on, Some(crate::options::FailOn::Never));
    assert_eq!(s.fail_on.and_then(crate::options::FailOn::threshold), None);
}

#[test]
fn the_csp_table_is_typed_when_the_file_is_read() {
    let s = Settings::from_toml(
        "[csp]\nreport-uri = \"https://csp.example.org/r\"\nbudget = 4096\n",
        "offsite.toml",
    )
    .expect("csp");
    assert_eq!(
        s.csp.report_uri.as_deref(),
        Some("https://csp.example.org/r")
    );
    assert_eq!(s.csp.budget, Some(4096));
    let e = error("[csp]\nbudgett = 1\n");
    assert!(e.contains("budgett"), "{e}");
}

#[test]
fn the_serve_table_is_read_as_the_callers_type_with_located_errors() {
    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Serve {
        listen: String,
    }
    let text = "profile = \"none\"\n[serve]\nlisten = \"127.0.0.1:1\"\n";
    let serve: Option<Serve> = Settings::serve_section(text, "offsite.toml").expect("serve");
    assert_eq!(
        serve,
        Some(Serve {
            listen: "127.0.0.1:1".to_owned()
        })
    );
    let none: Option<Serve> =
        Settings::serve_section("profile = \"none\"\n", "offsite.toml").expect("none");
    assert_eq!(none, None);
    let e = Settings::serve_section::<Serve>("[serve]\nlistne = \"x\"\n", "conf/offsite.toml")
        .expect_err("typo")
        .to_string();
    assert!(
        e.starts_with("conf/offsite.toml:2:1: `serve.listne`: unknown field `listne`"),
        "{e}"
    );
}
