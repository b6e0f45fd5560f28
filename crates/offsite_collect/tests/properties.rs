//! Property tests: normalisation invariants on generated reports.

use offsite_collect::{
    Blocked, BodyKind, ParseContext, fuzz_report, parse::MAX_BATCH, parse_body, privacy,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Every spelling of every field the parser reads.
const FIELDS: &[&str] = &[
    "document-uri",
    "documentURL",
    "blocked-uri",
    "blockedURL",
    "effective-directive",
    "effectiveDirective",
    "violated-directive",
    "source-file",
    "sourceFile",
    "line-number",
    "lineNumber",
    "column-number",
    "columnNumber",
    "status-code",
    "statusCode",
    "script-sample",
    "sample",
    "disposition",
    "referrer",
    "original-policy",
];

/// URL-ish text: schemes, hosts, user info, paths, queries and fragments in
/// any mix, plus plain noise.
fn urlish() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "https://",
        "http://",
        "//",
        "wss://",
        "chrome-extension://",
        "data:",
        "blob:https://",
        "",
        "/",
        "javascript:",
    ]);
    let host = "[a-zA-Z0-9.-]{0,20}(:[0-9]{1,5})?";
    let user = prop::option::of("[a-z]{1,5}:[a-z]{1,5}@");
    let path = "(/[^?#\\s]{0,30}){0,3}";
    let query = prop::option::of("\\?[^#]{0,40}");
    let frag = prop::option::of("#.{0,20}");
    (scheme, user, host, path, query, frag).prop_map(|(s, u, h, p, q, f)| {
        format!(
            "{s}{}{h}{p}{}{}",
            u.unwrap_or_default(),
            q.unwrap_or_default(),
            f.unwrap_or_default()
        )
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        urlish().prop_map(Value::String),
        ".{0,80}".prop_map(Value::String),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(Value::Null),
        Just(json!(["x"])),
        Just(json!({"a": 1})),
    ]
}

fn report_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((prop::sample::select(FIELDS), value()), 0..12)
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_normalised_report_keeps_the_invariants(obj in report_object(), ua in ".{0,200}", report_only in any::<bool>()) {
        let body = serde_json::to_vec(&json!({"csp-report": obj})).expect("json");
        let cx = ParseContext { received_ms: 1, report_only, source: Some("internal".into()), user_agent: Some(ua) };
        let out = parse_body(BodyKind::CspReport, &body, &cx).expect("an object with csp-report parses");
        prop_assert_eq!(out.reports.len(), 1);
        let r = &out.reports[0];
        prop_assert!(privacy::check_report(r).is_ok(), "{:?}: {:?}", privacy::check_report(r), r);
    }

    #[test]
    fn blocked_urls_lose_query_fragment_and_user_info(url in urlish()) {
        let body = serde_json::to_vec(&json!({"csp-report": {
            "blocked-uri": url, "document-uri": "https://en.wikipedia.org/wiki/X", "effective-directive": "script-src-elem",
        }})).expect("json");
        let out = parse_body(BodyKind::Json, &body, &ParseContext::default()).expect("parses");
        let r = &out.reports[0];
        if let Blocked::Url(u) = &r.blocked {
            prop_assert!(!u.contains(['?', '#']), "{u}");
            let parsed = url::Url::parse(u).expect("a stored URL parses");
            prop_assert_eq!(parsed.username(), "");
            prop_assert!(parsed.password().is_none());
            // Stripping is idempotent: normalising the stored URL changes nothing.
            let again = serde_json::to_vec(&json!({"csp-report": {"blocked-uri": u, "document-uri": "https://en.wikipedia.org/wiki/X"}})).expect("json");
            let again = parse_body(BodyKind::Json, &again, &ParseContext::default()).expect("parses");
            prop_assert_eq!(&again.reports[0].blocked, &r.blocked);
        }
    }

    #[test]
    fn batches_account_for_every_entry(entries in prop::collection::vec(prop_oneof![
        report_object().prop_map(|b| json!({"type": "csp-violation", "body": b})),
        report_object().prop_map(|b| json!({"type": "deprecation", "body": b})),
        Just(json!({"type": "csp-violation"})),
        Just(json!(42)),
    ], 0..(MAX_BATCH + 20))) {
        let n = entries.len();
        let body = serde_json::to_vec(&entries).expect("json");
        let out = parse_body(BodyKind::ReportsJson, &body, &ParseContext::default()).expect("an array parses");
        let skipped_entries = out.skipped.iter().filter(|s| s.as_str() != "too_many").count();
        prop_assert_eq!(out.reports.len() + skipped_entries, n.min(MAX_BATCH));
        prop_assert_eq!(out.skipped.iter().any(|s| s.as_str() == "too_many"), n > MAX_BATCH);
    }

    #[test]
    fn user_agents_reduce_to_a_fixed_point(ua in ".{0,300}") {
        let reduced = privacy::reduce_user_agent(&ua);
        prop_assert!(reduced == "Other" || reduced.split_once(' ').is_some_and(|(f, v)|
            ["Chrome", "Firefox", "Safari", "Edge"].contains(&f) && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())), "{reduced}");
        prop_assert_eq!(privacy::reduce_user_agent(&reduced), reduced);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        fuzz_report(&bytes);
    }

    #[test]
    fn json_shaped_noise_never_panics(v in prop::collection::vec(value(), 0..8)) {
        fuzz_report(&serde_json::to_vec(&v).expect("json"));
        fuzz_report(&serde_json::to_vec(&json!({"csp-report": v})).expect("json"));
    }
}
