use offsite_model::Sink;
use proptest::prelude::*;

use super::*;

fn classifier(profile: &str, first_party: &[&str], wmcs: &[&str]) -> Classifier {
    Classifier::new(&TierConfig {
        profile: Profile::parse(profile).unwrap_or_else(|e| panic!("{e}")),
        first_party: first_party.iter().map(|s| (*s).to_owned()).collect(),
        wmcs: wmcs.iter().map(|s| (*s).to_owned()).collect(),
    })
    .unwrap()
}

fn wikimedia() -> Classifier {
    classifier("wikimedia", &[], &[])
}

#[test]
fn empty_profile_means_wikimedia() {
    assert_eq!(classifier("", &[], &[]).profile(), Profile::Wikimedia);
    assert_eq!(
        Classifier::new(&TierConfig::default()).unwrap().profile(),
        Profile::Wikimedia
    );
}

#[test]
fn unknown_profile_is_an_error_naming_it() {
    let err = Profile::parse("miraheze").unwrap_err();
    assert!(
        matches!(&err, ClassifyError::UnknownProfile(p) if p == "miraheze"),
        "{err}"
    );
}

#[test]
fn wikimedia_production_is_first_party() {
    let c = wikimedia();
    for host in [
        "en.wikipedia.org",
        "wikipedia.org",
        "meta.wikimedia.org",
        "upload.wikimedia.org",
        "www.mediawiki.org",
        "www.wikidata.org",
        "en.wiktionary.org",
        "w.wiki",
        "phab.wmfusercontent.org",
        "EN.WIKIPEDIA.ORG",
    ] {
        assert_eq!(c.tier_of_host(host), Tier::FirstParty, "{host}");
    }
}

#[test]
fn wikimedia_cloud_services_is_its_own_tier() {
    let c = wikimedia();
    for host in [
        "mytool.toolforge.org",
        "toolforge.org",
        "tools-static.wmflabs.org",
        "tools.wmflabs.org",
        "project.wmcloud.org",
        "en.wikipedia.beta.wmcloud.org",
        "object.eqiad1.wikimediacloud.org",
    ] {
        assert_eq!(c.tier_of_host(host), Tier::Wmcs, "{host}");
    }
}

#[test]
fn everything_else_is_third_party() {
    let c = wikimedia();
    for host in [
        "fonts.googleapis.com",
        "cdn.jsdelivr.net",
        "wikipedia.org.evil.example",
        "notwikipedia.org",
        "wikipedia.com",
        "127.0.0.1",
        "[::1]",
    ] {
        assert_eq!(c.tier_of_host(host), Tier::ThirdParty, "{host}");
    }
}

#[test]
fn non_hosts_are_unknown() {
    let c = wikimedia();
    assert_eq!(c.tier_of_host(""), Tier::Unknown);
    assert_eq!(c.tier_of_host("${…}.example.org"), Tier::Unknown);
}

#[test]
fn none_profile_has_no_builtin_domains() {
    let c = classifier("none", &[], &[]);
    assert_eq!(c.tier_of_host("en.wikipedia.org"), Tier::ThirdParty);
    assert_eq!(c.tier_of_host("mytool.toolforge.org"), Tier::ThirdParty);
    // Entities are facts about hosts, not policy: still named.
    assert_eq!(
        c.entity_of_host("upload.wikimedia.org")
            .map(|e| e.name.as_str()),
        Some("Wikimedia Foundation")
    );
}

#[test]
fn fandom_profile_makes_every_fandom_wiki_first_party() {
    let c = classifier("fandom", &[], &[]);
    for host in [
        "dev.fandom.com",
        "community.fandom.com",
        "static.wikia.nocookie.net",
        "old.wikia.com",
        "x.wikia.org",
    ] {
        assert_eq!(c.tier_of_host(host), Tier::FirstParty, "{host}");
    }
    assert_eq!(c.tier_of_host("fandom.com.evil.example"), Tier::ThirdParty);
    assert_eq!(c.tier_of_host("en.wikipedia.org"), Tier::ThirdParty);
    assert_eq!(c.tier_of_host("tool.toolforge.org"), Tier::ThirdParty);
    assert_eq!(c.profile().as_str(), "fandom");
}

#[test]
fn custom_domains_under_none() {
    let c = classifier(
        "none",
        &["miraheze.org", "*.wikitide.net"],
        &["static.example.org"],
    );
    assert_eq!(c.tier_of_host("miraheze.org"), Tier::FirstParty);
    assert_eq!(c.tier_of_host("meta.miraheze.org"), Tier::FirstParty);
    assert_eq!(
        c.tier_of_host("wikitide.net"),
        Tier::ThirdParty,
        "`*.` excludes the apex"
    );
    assert_eq!(c.tier_of_host("mw1.wikitide.net"), Tier::FirstParty);
    assert_eq!(c.tier_of_host("static.example.org"), Tier::Wmcs);
    assert_eq!(c.tier_of_host("a.static.example.org"), Tier::Wmcs);
    assert_eq!(c.tier_of_host("example.org"), Tier::ThirdParty);
}

#[test]
fn unicode_entries_match_punycode_hosts() {
    let c = classifier("none", &["Bücher.example"], &[]);
    assert_eq!(
        c.tier_of_host("shop.xn--bcher-kva.example"),
        Tier::FirstParty
    );
}

#[test]
fn host_source_entries_cover_that_host_only() {
    let c = classifier("none", &["https://wiki.example.org:8443/w/"], &[]);
    assert_eq!(c.tier_of_host("wiki.example.org"), Tier::FirstParty);
    assert_eq!(c.tier_of_host("sub.wiki.example.org"), Tier::ThirdParty);
    assert_eq!(c.tier_of_host("example.org"), Tier::ThirdParty);
}

#[test]
fn most_specific_entry_wins() {
    // A first-party entry under a WMCS domain.
    let c = classifier("wikimedia", &["beta.wmcloud.org"], &[]);
    assert_eq!(
        c.tier_of_host("en.wikipedia.beta.wmcloud.org"),
        Tier::FirstParty
    );
    assert_eq!(c.tier_of_host("beta.wmcloud.org"), Tier::FirstParty);
    assert_eq!(c.tier_of_host("other.wmcloud.org"), Tier::Wmcs);
    // And the other way round.
    let c = classifier("wikimedia", &[], &["labs.wikimedia.org"]);
    assert_eq!(c.tier_of_host("x.labs.wikimedia.org"), Tier::Wmcs);
    assert_eq!(c.tier_of_host("meta.wikimedia.org"), Tier::FirstParty);
}

#[test]
fn user_entry_beats_profile_entry_on_the_same_domain() {
    let c = classifier("wikimedia", &["toolforge.org"], &[]);
    assert_eq!(c.tier_of_host("mytool.toolforge.org"), Tier::FirstParty);
}

#[test]
fn same_domain_in_both_user_lists_is_wmcs() {
    let c = classifier("none", &["example.org"], &["example.org"]);
    assert_eq!(c.tier_of_host("example.org"), Tier::Wmcs);
}

#[test]
fn invalid_entries_name_themselves() {
    for (fp, wmcs) in [
        (vec!["exa mple.org"], vec![]),
        (vec![], vec!["*"]),
        (vec!["co.uk"], vec![]),
    ] {
        let config = TierConfig {
            profile: Profile::None,
            first_party: fp.iter().map(|s: &&str| (*s).to_owned()).collect(),
            wmcs: wmcs.iter().map(|s: &&str| (*s).to_owned()).collect(),
        };
        let bad = fp.first().or(wmcs.first()).unwrap();
        let err = Classifier::new(&config).unwrap_err();
        assert!(
            matches!(&err, ClassifyError::InvalidDomain(e) if e == bad),
            "{err}"
        );
        assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
    }
}

fn load(url: &str) -> Load {
    Load::new(0, 1, "mw.loader.load", Sink::Script).with_url(url)
}

#[test]
fn classify_loads_by_host() {
    let c = wikimedia();
    let got = c.classify(&load("https://fonts.googleapis.com/css?family=Roboto"));
    assert_eq!(got.tier, Tier::ThirdParty);
    assert_eq!(got.entity.as_deref(), Some("Google Fonts"));

    let got = c.classify(&load(
        "//meta.wikimedia.org/w/index.php?title=User:X/y.js&action=raw",
    ));
    assert_eq!(got.tier, Tier::FirstParty);
    assert_eq!(got.entity.as_deref(), Some("Wikimedia Foundation"));

    let got = c.classify(&load(
        "https://tools-static.wmflabs.org/cdnjs/ajax/libs/x.js",
    ));
    assert_eq!(got.tier, Tier::Wmcs);
    assert_eq!(got.entity.as_deref(), Some("Wikimedia Cloud Services"));

    let got = c.classify(&load("https://example.org/x.js"));
    assert_eq!((got.tier, got.entity), (Tier::ThirdParty, None));
}

#[test]
fn classify_loads_without_host() {
    let c = classifier("none", &[], &[]);
    // Same-wiki relative URL.
    let got = c.classify(&load("/w/index.php?title=MediaWiki:Foo.js&action=raw"));
    assert_eq!((got.tier, got.entity), (Tier::FirstParty, None));
    // ResourceLoader modules.
    let mut modules = Load::new(0, 1, "mw.loader.using", Sink::Module);
    modules.modules = vec!["ext.gadget.Foo".into()];
    assert_eq!(c.classify(&modules).tier, Tier::FirstParty);
    // importScript('User:X/y.js').
    let mut page = Load::new(0, 1, "importScript", Sink::Script);
    page.page = Some("User:X/y.js".into());
    assert_eq!(c.classify(&page).tier, Tier::FirstParty);
    // Nothing known.
    let unknown = Load::new(0, 1, "$.getScript", Sink::Script);
    assert_eq!(c.classify(&unknown).tier, Tier::Unknown);
    // A host still holding a run-time part.
    assert_eq!(c.classify(&load("https://${…}/x.js")).tier, Tier::Unknown);
}

#[test]
fn registrable_domain_keeps_its_signature() {
    assert_eq!(
        Classifier::registrable_domain("a.b.example.co.uk").as_deref(),
        Some("example.co.uk")
    );
    assert_eq!(
        Classifier::registrable_domain("x.github.io").as_deref(),
        Some("x.github.io")
    );
    assert_eq!(Classifier::registrable_domain("10.1.2.3"), None);
}

fn host_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9.*_\\-\\[\\]:%]{0,40}",
        "([a-z0-9\\-]{1,10}\\.){0,5}(com|org|co\\.uk|github\\.io|ck|jp|toolforge\\.org|xn--55qx5d\\.cn)",
    ]
}

proptest! {
    #[test]
    fn classification_never_panics(host in host_strategy()) {
        let c = classifier("wikimedia", &["beta.wmcloud.org"], &["*.example.org"]);
        let _ = c.tier_of_host(&host);
        let _ = c.entity_of_host(&host);
        let _ = Classifier::registrable_domain(&host);
        let _ = psl::public_suffix(&host, Sections::IcannOnly);
        let mut l = Load::new(0, 1, "fetch", Sink::Fetch);
        l.host = Some(host.clone());
        let _ = c.classify(&l);
        if let Ok(source) = HostSource::parse(&host) {
            let _ = source.matches_absolute_url(&format!("https://{host}/x"), PAGE_SCHEME);
        }
    }

    #[test]
    fn registrable_domain_is_a_suffix_of_the_host(host in host_strategy()) {
        if let Some(reg) = Classifier::registrable_domain(&host) {
            let normal = host.trim().trim_end_matches('.').to_ascii_lowercase();
            // Unicode hosts come back as punycode, which is not a substring.
            if normal.is_ascii() {
                prop_assert!(normal == reg || normal.ends_with(&format!(".{reg}")), "{host} -> {reg}");
            }
        }
    }

    #[test]
    fn host_source_parse_never_panics(text in any::<String>(), url in any::<String>()) {
        if let Ok(source) = HostSource::parse(&text) {
            let _ = source.matches_absolute_url(&url, PAGE_SCHEME);
            // What parses prints back as something that parses to the same.
            prop_assert_eq!(HostSource::parse(&source.to_string()).ok(), Some(source));
        }
    }
}

#[test]
fn module_loads_are_first_party_even_when_their_names_are_unknown() {
    let classifier = Classifier::new(&TierConfig::default()).unwrap();
    let load = Load::new(0, 1, "mw.loader.using", Sink::Module);
    assert_eq!(classifier.classify(&load).tier, Tier::FirstParty);
    let script = Load::new(0, 1, "mw.loader.load", Sink::Script);
    assert_eq!(classifier.classify(&script).tier, Tier::Unknown);
}

#[test]
fn a_run_time_subdomain_of_a_known_domain_takes_the_domain_tier() {
    let classifier = Classifier::new(&TierConfig::default()).unwrap();
    let tier = |url: &str| {
        let load = Load::new(0, 1, "$.get", Sink::Xhr).with_url(url);
        assert_eq!(load.host, None, "{url} has no known host");
        classifier.classify(&load).tier
    };
    assert_eq!(
        tier("https://${…}.wikipedia.org/w/api.php"),
        Tier::FirstParty
    );
    assert_eq!(tier("//${…}.toolforge.org/api"), Tier::Wmcs);
    assert_eq!(tier("https://${…}.example.com/x"), Tier::ThirdParty);
    // Not a registrable domain, or nothing known: no guess.
    assert_eq!(tier("https://${…}.org/x"), Tier::Unknown);
    assert_eq!(tier("https://${…}/x"), Tier::Unknown);
    assert_eq!(tier("https://a${…}.example.com/x"), Tier::Unknown);
}

#[test]
fn a_run_time_subdomain_is_unknown_when_an_entry_lies_below_the_domain() {
    let config = TierConfig {
        wmcs: vec!["tools.example.org".to_owned()],
        ..TierConfig::default()
    };
    let classifier = Classifier::new(&config).unwrap();
    // `${…}` could be `tools` (WMCS) or anything else (third party).
    let load = Load::new(0, 1, "fetch", Sink::Fetch).with_url("https://${…}.example.org/");
    assert_eq!(classifier.classify(&load).tier, Tier::Unknown);
    // Below the WMCS entry itself every candidate is WMCS.
    let load = Load::new(0, 1, "fetch", Sink::Fetch).with_url("https://${…}.tools.example.org/");
    assert_eq!(classifier.classify(&load).tier, Tier::Wmcs);
}
