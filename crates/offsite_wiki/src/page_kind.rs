//! Which pages of a wiki run code, define gadgets or do nothing, from the
//! namespace, title and content model a dump or the API gives.

use offsite_model::Language;

/// How a page is treated, from its namespace, title and content model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Code(Language),
    /// `MediaWiki:Gadgets-definition` (wikitext).
    LegacyDefinitions,
    /// `MediaWiki:Gadgets/<id>.json`.
    JsonDefinition,
    /// Wikitext, JSON data and anything else that runs nothing.
    Skip,
}

pub fn page_kind(namespace: Option<i32>, title: &str, model: Option<&str>) -> PageKind {
    // The namespace's local name varies by wiki; its number does not.
    let in_mediawiki_ns = namespace.map_or_else(|| title.starts_with("MediaWiki:"), |n| n == 8);
    let rest = title.split_once(':').map_or(title, |(_, rest)| rest);
    if in_mediawiki_ns && rest == "Gadgets-definition" {
        return PageKind::LegacyDefinitions;
    }
    #[expect(
        clippy::case_sensitive_file_extension_comparisons,
        reason = "MediaWiki titles are case-sensitive after the first letter: `Gadgets/X.JSON` is no definition"
    )]
    let json_title = rest.starts_with("Gadgets/") && rest.ends_with(".json");
    if model == Some("GadgetDefinition") || (in_mediawiki_ns && json_title) {
        return PageKind::JsonDefinition;
    }
    match model {
        Some("javascript") => PageKind::Code(Language::JavaScript),
        Some("css" | "sanitized-css") => PageKind::Code(Language::Css),
        Some(_) => PageKind::Skip,
        // Older dumps and plain files say nothing: the title's extension decides.
        None => match Language::from_name(title) {
            Some(l @ (Language::JavaScript | Language::Css)) => PageKind::Code(l),
            _ => PageKind::Skip,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_content_model_then_the_title() {
        let k = |ns, t, m| page_kind(ns, t, m);
        assert_eq!(
            k(Some(8), "MediaWiki:Gadgets-definition", Some("wikitext")),
            PageKind::LegacyDefinitions
        );
        assert_eq!(
            k(Some(8), "MediaWiki:Gadgets/Foo.json", Some("json")),
            PageKind::JsonDefinition
        );
        assert_eq!(k(Some(2), "User:A/x.json", Some("json")), PageKind::Skip);
        assert_eq!(
            k(Some(2), "User:A/x.js", Some("javascript")),
            PageKind::Code(Language::JavaScript)
        );
        assert_eq!(
            k(Some(10), "Template:X/styles.css", Some("sanitized-css")),
            PageKind::Code(Language::Css)
        );
        assert_eq!(k(Some(0), "Main Page", Some("wikitext")), PageKind::Skip);
        assert_eq!(k(None, "User:A/x.css", None), PageKind::Code(Language::Css));
    }
}
