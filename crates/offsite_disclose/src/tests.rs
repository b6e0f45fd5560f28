//! Unit tests of [`crate::build`]: per sink, per consent state, subjects.

use offsite_model::{
    Consent, ConsentKind, Directive, ExposureKind, GadgetPages, LoadExposure, ReportedLoad,
    Resolution, Sink, Source, Tier,
};

use crate::{Data, Options, Reason, SubjectKind, When, build};

fn load(title: &str, sink: Sink, host: Option<&str>, tier: Tier) -> ReportedLoad {
    ReportedLoad {
        source: Source {
            title: Some(title.to_owned()),
            namespace: Some(if title.starts_with("User:") { 2 } else { 8 }),
            ..Source::default()
        },
        line: 3,
        column: 1,
        end_line: 3,
        end_column: 20,
        api: "mw.loader.load".to_owned(),
        sink,
        directive: Directive::ScriptSrc,
        url: host.map(|h| format!("https://{h}/x")),
        host: host.map(str::to_owned),
        page: None,
        modules: Vec::new(),
        tier,
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

fn third(sink: Sink) -> ReportedLoad {
    load(
        "MediaWiki:Gadget-Map.js",
        sink,
        Some("cdn.example.com"),
        Tier::ThirdParty,
    )
}

fn receives(sink: Sink) -> Vec<Data> {
    let notices = build(&[third(sink)], &Options::default());
    notices[0].recipients[0].receives.clone()
}

const NETWORK: [Data; 3] = [Data::IpAddress, Data::UserAgent, Data::WikiOrigin];

#[test]
fn a_script_jsonp_or_worker_gets_everything_on_the_wiki() {
    for sink in [Sink::Script, Sink::Jsonp, Sink::Worker] {
        let got = receives(sink);
        assert!(got.contains(&Data::EverythingOnWiki), "{sink:?}: {got:?}");
        assert!(NETWORK.iter().all(|d| got.contains(d)), "{sink:?}: {got:?}");
    }
}

#[test]
fn an_image_font_style_or_media_gets_only_what_every_request_carries() {
    for sink in [
        Sink::Image,
        Sink::Font,
        Sink::Style,
        Sink::Media,
        Sink::Prefetch,
    ] {
        assert_eq!(receives(sink), NETWORK, "{sink:?}");
    }
}

#[test]
fn a_frame_gets_what_the_reader_does_in_it() {
    assert_eq!(
        receives(Sink::Iframe),
        [
            Data::IpAddress,
            Data::UserAgent,
            Data::WikiOrigin,
            Data::FrameInteraction
        ]
    );
}

#[test]
fn a_fetch_xhr_beacon_or_socket_also_gets_what_the_code_sends() {
    for sink in [Sink::Fetch, Sink::Xhr, Sink::Beacon, Sink::Websocket] {
        assert_eq!(
            receives(sink),
            [
                Data::IpAddress,
                Data::UserAgent,
                Data::WikiOrigin,
                Data::SentByCode
            ],
            "{sink:?}"
        );
    }
    assert!(receives(Sink::Form).contains(&Data::FormInput));
}

#[test]
fn the_fields_visible_in_the_url_are_listed_without_run_time_parts() {
    let mut l = third(Sink::Beacon);
    l.url = Some("https://cdn.example.com/hit?page=${title}&lang=en&${k}=1#frag".to_owned());
    let notices = build(&[l], &Options::default());
    assert_eq!(notices[0].recipients[0].url_fields, ["lang", "page"]);
}

#[test]
fn consent_states_become_when() {
    let cases = [
        (Consent::Ungated, None, When::EveryPageView),
        (Consent::Gated, Some(ConsentKind::Action), When::AfterClick),
        (
            Consent::Gated,
            Some(ConsentKind::Confirm),
            When::AfterConfirm,
        ),
        (
            Consent::Gated,
            Some(ConsentKind::Preference),
            When::AfterOptIn,
        ),
        (Consent::Gated, None, When::AfterAction),
        (Consent::Unknown, None, When::Undetermined),
    ];
    for (consent, kind, want) in cases {
        let mut l = third(Sink::Script);
        l.consent = consent;
        l.consent_kind = kind;
        let notices = build(&[l], &Options::default());
        assert_eq!(
            notices[0].recipients[0].when,
            [want],
            "{consent:?} {kind:?}"
        );
    }
}

#[test]
fn loads_to_one_host_merge_with_every_when_and_sink() {
    let mut gated = third(Sink::Fetch);
    gated.consent = Consent::Gated;
    gated.consent_kind = Some(ConsentKind::Action);
    let notices = build(&[third(Sink::Image), gated], &Options::default());
    let r = &notices[0].recipients;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].when, [When::EveryPageView, When::AfterClick]);
    assert!(r[0].receives.contains(&Data::SentByCode));
    assert_eq!(r[0].loads.len(), 2);
}

#[test]
fn first_party_loads_are_not_recipients_and_alone_make_no_notice() {
    let l = load(
        "MediaWiki:Common.js",
        Sink::Script,
        Some("meta.wikimedia.org"),
        Tier::FirstParty,
    );
    assert!(build(&[l], &Options::default()).is_empty());
}

#[test]
fn unknown_hosts_are_listed_as_undetermined_with_their_expression() {
    let mut l = load("MediaWiki:Common.js", Sink::Script, None, Tier::Unknown);
    l.resolution = Resolution::Dynamic;
    l.dynamic_expr = Some("base + path".to_owned());
    let notices = build(&[l], &Options::default());
    assert_eq!(notices[0].subject.kind, SubjectKind::SiteScript);
    assert!(notices[0].recipients.is_empty());
    let u = &notices[0].undetermined[0];
    assert_eq!(u.reason, Reason::DynamicUrl);
    assert_eq!(u.expr.as_deref(), Some("base + path"));
}

#[test]
fn subjects_come_from_titles_or_the_gadget_definitions() {
    let js = third(Sink::Script);
    let mut css = third(Sink::Style);
    css.source.title = Some("MediaWiki:Gadget-Map.css".to_owned());
    let notices = build(&[js.clone(), css.clone()], &Options::default());
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].subject.name, "Map");
    assert_eq!(
        notices[0].subject.pages,
        ["MediaWiki:Gadget-Map.css", "MediaWiki:Gadget-Map.js"]
    );

    // With definitions, a shared page is in each gadget's notice.
    let mut gadgets = GadgetPages::new();
    gadgets.insert("MediaWiki:Gadget-Map.js", "Map");
    gadgets.insert("MediaWiki:Gadget-Map.js", "Atlas");
    let options = Options {
        gadgets,
        ..Options::default()
    };
    let names: Vec<String> = build(&[js], &options)
        .into_iter()
        .map(|n| n.subject.name)
        .collect();
    assert_eq!(names, ["Atlas", "Map"]);

    let mut file = third(Sink::Script);
    file.source = Source::file("scripts/map.js");
    let notices = build(&[file], &Options::default());
    assert_eq!(notices[0].subject.kind, SubjectKind::File);
    assert_eq!(notices[0].subject.name, "scripts/map.js");
}

#[test]
fn a_user_script_run_by_its_owner_alone_gets_no_notice_when_exposure_is_known() {
    let mut own = load(
        "User:Bob/common.js",
        Sink::Script,
        Some("cdn.example.com"),
        Tier::ThirdParty,
    );
    let mut exposure = LoadExposure::new(ExposureKind::Users, "1 user");
    exposure.entry_points = 1;
    exposure.users = Some(1);
    own.exposure = Some(exposure.clone());
    assert!(build(std::slice::from_ref(&own), &Options::default()).is_empty());

    exposure.entry_points = 5;
    exposure.users = Some(5);
    exposure.label = "5 users".to_owned();
    own.exposure = Some(exposure);
    let notices = build(&[own], &Options::default());
    assert_eq!(notices[0].subject.kind, SubjectKind::UserScript);
    assert_eq!(notices[0].exposure.as_ref().unwrap().label, "5 users");
}

#[test]
fn the_most_exposed_page_gives_the_notice_its_exposure() {
    let mut a = third(Sink::Script);
    a.exposure = Some(LoadExposure::new(ExposureKind::Users, "3 users"));
    let mut b = third(Sink::Image);
    b.source.title = Some("MediaWiki:Gadget-Map.css".to_owned());
    b.exposure = Some(LoadExposure::new(ExposureKind::EveryReader, "every reader"));
    let notices = build(&[a, b], &Options::default());
    assert_eq!(
        notices[0].exposure.as_ref().unwrap().kind,
        ExposureKind::EveryReader
    );
}

#[test]
fn a_known_host_of_unknown_tier_is_a_recipient_not_undetermined() {
    let l = load(
        "MediaWiki:Common.js",
        Sink::Image,
        Some("203.0.113.7"),
        Tier::Unknown,
    );
    let notices = build(&[l], &Options::default());
    assert!(notices[0].undetermined.is_empty());
    assert_eq!(notices[0].recipients[0].host, "203.0.113.7");
    assert_eq!(notices[0].recipients[0].tier, Tier::Unknown);
}
