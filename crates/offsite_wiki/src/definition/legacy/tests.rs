use super::*;
use crate::definition::GadgetKind;

const FIXTURE: &str = include_str!("../../../tests/fixtures/Gadgets-definition.wiki");

fn gadget<'a>(parsed: &'a ParsedDefinitions, id: &str) -> &'a GadgetDefinition {
    parsed
        .gadgets
        .iter()
        .find(|g| g.id == id)
        .unwrap_or_else(|| panic!("gadget {id} missing from {:#?}", parsed.gadgets))
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn regexes_compile() {
    LazyLock::force(&SECTION);
    LazyLock::force(&GADGET);
    LazyLock::force(&BAR);
    LazyLock::force(&EQUALS);
}

#[test]
fn fixture_gadgets_in_extension_order() {
    let parsed = parse_legacy(FIXTURE);
    let ids: Vec<&str> = parsed.gadgets.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "navigation-popups",
            "ReferenceTooltips",
            "ReferenceTooltips-styles",
            "HotCat",
            "libJQuery",
            "Translator",
            "DarkMode",
            "legacy_counter",
            "nested_gadget",
            "Sysop-tools",
        ]
    );
}

#[test]
fn fixture_options() {
    let parsed = parse_legacy(FIXTURE);
    let rt = gadget(&parsed, "ReferenceTooltips");
    assert_eq!(rt.section, "browsing-gadgets");
    assert!(rt.resource_loader && rt.default && rt.requires_es6 && !rt.hidden);
    assert_eq!(rt.dependencies, strs(&["mediawiki.api", "jquery.client"]));
    assert_eq!(rt.peers, strs(&["ReferenceTooltips-styles"]));
    assert_eq!(rt.unknown_options, strs(&["targets=desktop,mobile"]));
    assert_eq!(rt.pages, strs(&["MediaWiki:Gadget-ReferenceTooltips.js"]));
    assert_eq!(rt.source_line, Some(5));

    let styles = gadget(&parsed, "ReferenceTooltips-styles");
    assert!(styles.hidden && !styles.resource_loader);
    assert_eq!(styles.kind, GadgetKind::Styles);

    let hotcat = gadget(&parsed, "HotCat");
    assert_eq!(hotcat.section, "editing-gadgets");
    assert_eq!(hotcat.rights, strs(&["edit", "createpage"]));
    assert_eq!(hotcat.skins, strs(&["vector", "vector-2022", "monobook"]));
    assert_eq!(hotcat.dependencies[0], "ext.gadget.libJQuery");
    assert_eq!(hotcat.source_line, Some(10));

    let lib = gadget(&parsed, "libJQuery");
    assert!(lib.hidden && lib.package && lib.resource_loader);
    assert_eq!(lib.codex_icons, strs(&["cdxIconAdd", "cdxIconTrash"]));
    assert_eq!(
        lib.pages,
        strs(&[
            "MediaWiki:Gadget-libJQuery.js",
            "MediaWiki:Gadget-libJQuery-data.json"
        ])
    );

    let tr = gadget(&parsed, "Translator");
    assert_eq!(tr.actions, strs(&["view", "edit"]));
    assert_eq!(tr.namespaces, strs(&["0", "2"]));
    assert_eq!(tr.categories, strs(&["Articles needing translation"]));
    assert_eq!(tr.content_models, strs(&["wikitext"]));
    assert!(tr.supports_url_load);
    assert_eq!(tr.kind, GadgetKind::General);

    let dark = gadget(&parsed, "DarkMode");
    assert!(!dark.supports_url_load && dark.default);
    assert_eq!(dark.kind, GadgetKind::Styles);

    let legacy = gadget(&parsed, "legacy_counter");
    assert!(!legacy.resource_loader);
    assert_eq!(legacy.pages, strs(&["MediaWiki:Gadget-legacy counter.js"]));
}

#[test]
fn comment_spanning_lines_joins_them_and_bad_header_keeps_section() {
    let parsed = parse_legacy(FIXTURE);
    let sysop = gadget(&parsed, "Sysop-tools");
    assert_eq!(
        sysop.pages,
        strs(&[
            "MediaWiki:Gadget-Sysop-tools.js",
            "MediaWiki:Gadget-Sysop-tools.css"
        ])
    );
    assert_eq!(sysop.source_line, Some(18));
    // `== interface admin tools ==` has spaces: the extension skips it.
    assert_eq!(sysop.section, "editing-gadgets");
    assert_eq!(sysop.rights, strs(&["delete", "block"]));
}

#[test]
fn redefinition_replaces_in_place_and_is_reported() {
    let parsed = parse_legacy(FIXTURE);
    let popups = &parsed.gadgets[0];
    assert_eq!(popups.id, "navigation-popups");
    assert_eq!(popups.pages, strs(&["MediaWiki:Gadget-popups-v2.js"]));
    assert_eq!(popups.source_line, Some(24));
    let err = parsed
        .errors
        .iter()
        .find(|e| e.line == 4)
        .expect("reported");
    assert!(err.message.contains("again on line 24"), "{}", err.message);
}

#[test]
fn malformed_lines_reported_with_line_numbers() {
    let parsed = parse_legacy(FIXTURE);
    let lines: Vec<usize> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [4, 17, 20, 21, 22, 23, 26], "{:#?}", parsed.errors);
    let msg = |line| {
        parsed
            .errors
            .iter()
            .find(|e| e.line == line)
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    assert!(msg(17).contains("section header"), "{}", msg(17));
    assert!(msg(20).contains("start with `*`"), "{}", msg(20));
    assert!(msg(21).contains("names no pages"), "{}", msg(21));
    assert!(msg(22).contains("ASCII letter"), "{}", msg(22));
    assert!(msg(23).starts_with("MediaWiki:Gadgets-definition line 23: "));
}

#[test]
fn option_quirks_match_php() {
    // A tab before `[` stops `trim(" []")`: the first option keeps tab and bracket, so is unknown.
    let p = parse_legacy("* a\t[ResourceLoader|default]|a.js");
    assert_eq!(p.gadgets.len(), 1);
    assert!(!p.gadgets[0].resource_loader);
    assert!(p.gadgets[0].default);
    assert_eq!(p.gadgets[0].unknown_options, strs(&["\t[ResourceLoader"]));
    // `default=false` is still default; empty values stay as the extension keeps them.
    let p = parse_legacy("* b[default=false|rights=|type]|b.js");
    assert!(p.gadgets[0].default);
    assert_eq!(p.gadgets[0].rights, strs(&[""]));
    assert_eq!(p.gadgets[0].kind, GadgetKind::General);
    // Spaces around `=` and `,` are trimmed.
    let p = parse_legacy("* c[ dependencies = x , y ]|c.js");
    assert_eq!(p.gadgets[0].dependencies, strs(&["x", "y"]));
}

#[test]
fn line_breaks_of_every_kind() {
    let p = parse_legacy("== s ==\r\n* a|a.js\r\r* b|b.js\n\n\n* c|c.js");
    let lines: Vec<_> = p
        .gadgets
        .iter()
        .map(|g| (g.id.as_str(), g.source_line))
        .collect();
    assert_eq!(lines, [("a", Some(2)), ("b", Some(4)), ("c", Some(7))]);
    assert!(p.gadgets.iter().all(|g| g.section == "s"));
    assert!(p.errors.is_empty());
}

#[test]
fn gadget_ids_validated_like_resource_loader() {
    assert!(is_valid_gadget_id("Foo_bar"));
    assert!(!is_valid_gadget_id(""));
    assert!(!is_valid_gadget_id("a,b"));
    assert!(is_valid_gadget_id(&"a".repeat(244)));
    assert!(!is_valid_gadget_id(&"a".repeat(245)));
    let long = format!("* {}|x.js", "a".repeat(245));
    let p = parse_legacy(&long);
    assert!(p.gadgets.is_empty());
    assert!(p.errors[0].message.contains("too long"));
}

#[test]
fn non_ascii_name_is_rejected_not_dropped() {
    let p = parse_legacy("* Café|cafe.js");
    assert!(p.gadgets.is_empty());
    assert_eq!(p.errors.len(), 1);
}
