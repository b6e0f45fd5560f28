//! Gadget definitions, read exactly as the Gadgets extension reads them:
//! the legacy `MediaWiki:Gadgets-definition` page ([`parse_legacy`]) and the
//! per-gadget `MediaWiki:Gadgets/<id>.json` pages ([`parse_json`]).

mod json;
mod legacy;

pub use json::{JsonDefinitionError, gadget_id_from_json_title, parse_json};
pub use legacy::{DefinitionError, ParsedDefinitions, is_valid_gadget_id, parse_legacy};

use serde::{Deserialize, Serialize};

/// The prefix the extension puts before every page a gadget names
/// (`GadgetRepo::RESOURCE_TITLE_PREFIX`).
pub const RESOURCE_TITLE_PREFIX: &str = "MediaWiki:Gadget-";

/// The ResourceLoader module name of a gadget (`Gadget::getModuleName`).
pub fn module_name(gadget: &str) -> String {
    format!("ext.gadget.{gadget}")
}

/// The gadget a module name stands for (`ext.gadget.Foo` → `Foo`).
pub fn gadget_of_module(module: &str) -> Option<&str> {
    module
        .strip_prefix("ext.gadget.")
        .filter(|name| !name.is_empty())
}

/// How ResourceLoader delivers a gadget's module (`Gadget::getType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GadgetKind {
    /// Styles only, added to the page before any script runs.
    Styles,
    /// Scripts and styles, loaded by the client.
    General,
}

/// Where a definition was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "lowercase")]
pub enum DefinitionOrigin {
    /// A line of `MediaWiki:Gadgets-definition`.
    Legacy,
    /// A `MediaWiki:Gadgets/<id>.json` page (content model `GadgetDefinition`).
    Json { page: String },
}

/// One gadget as the extension understands it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GadgetDefinition {
    /// The gadget name (spaces turned into `_`), its module is `ext.gadget.<id>`.
    pub id: String,
    /// The `== section ==` it was listed under (`settings.category` in JSON); empty when none.
    pub section: String,
    /// Full page titles (`MediaWiki:Gadget-foo.js`), as written after the prefix.
    pub pages: Vec<String>,
    /// Loaded through ResourceLoader (always true for JSON definitions).
    pub resource_loader: bool,
    /// On for everyone, logged-out readers included, unless `rights` restricts it.
    pub default: bool,
    /// Not shown in preferences.
    pub hidden: bool,
    /// User rights required, all of them (`isAllowedAll`).
    pub rights: Vec<String>,
    pub skins: Vec<String>,
    pub actions: Vec<String>,
    /// Namespace ids as written (the extension keeps the legacy format's strings).
    pub namespaces: Vec<String>,
    pub categories: Vec<String>,
    pub content_models: Vec<String>,
    /// ResourceLoader modules the gadget needs; `ext.gadget.Y` is gadget Y.
    pub dependencies: Vec<String>,
    /// Gadgets loaded alongside (by gadget name).
    pub peers: Vec<String>,
    pub kind: GadgetKind,
    pub package: bool,
    pub requires_es6: bool,
    /// Loadable by anyone through `?withgadget=<id>`.
    pub supports_url_load: bool,
    pub codex_icons: Vec<String>,
    /// Options the extension does not know (e.g. the removed `targets`), as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_options: Vec<String>,
    /// 1-based line in `MediaWiki:Gadgets-definition`; `None` for JSON definitions.
    pub source_line: Option<usize>,
    pub origin: DefinitionOrigin,
}

impl GadgetDefinition {
    /// An empty, non-default gadget; parsers fill it in.
    pub fn new(id: impl Into<String>, origin: DefinitionOrigin) -> Self {
        Self {
            id: id.into(),
            section: String::new(),
            pages: Vec::new(),
            resource_loader: false,
            default: false,
            hidden: false,
            rights: Vec::new(),
            skins: Vec::new(),
            actions: Vec::new(),
            namespaces: Vec::new(),
            categories: Vec::new(),
            content_models: Vec::new(),
            dependencies: Vec::new(),
            peers: Vec::new(),
            kind: GadgetKind::General,
            package: false,
            requires_es6: false,
            supports_url_load: false,
            codex_icons: Vec::new(),
            unknown_options: Vec::new(),
            source_line: None,
            origin,
        }
    }

    pub fn module_name(&self) -> String {
        module_name(&self.id)
    }

    pub fn scripts(&self) -> impl Iterator<Item = &str> {
        self.pages_ending(".js")
    }

    pub fn styles(&self) -> impl Iterator<Item = &str> {
        self.pages_ending(".css")
    }

    fn pages_ending<'a>(&'a self, suffix: &'a str) -> impl Iterator<Item = &'a str> {
        self.pages
            .iter()
            .map(String::as_str)
            .filter(move |p| p.ends_with(suffix))
    }

    /// The extension's own warnings for this definition
    /// (`Gadget::getValidationWarnings`), as message keys.
    pub fn validation_warnings(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.default && self.requires_es6 {
            out.push("gadgets-validate-es6default");
        }
        #[expect(
            clippy::case_sensitive_file_extension_comparisons,
            reason = "the extension compares with str_ends_with: `.JS` is not a script"
        )]
        let known = |p: &String| p.ends_with(".js") || p.ends_with(".css") || p.ends_with(".json");
        if !self.pages.iter().all(known) {
            out.push("gadgets-validate-unknownpages");
        }
        if !self.package && self.pages_ending(".json").next().is_some() {
            out.push("gadgets-validate-json");
        }
        if self.package && self.scripts().next().is_none() {
            out.push("gadgets-validate-noentrypoint");
        }
        if self.kind == GadgetKind::Styles && self.scripts().next().is_some() {
            out.push("gadgets-validate-scriptsnotallowed");
        }
        if self.kind == GadgetKind::Styles && !self.peers.is_empty() {
            out.push("gadgets-validate-stylepeers");
        }
        out
    }
}

/// `Gadget::getType`: an explicit `styles`/`general` wins; otherwise a gadget
/// with styles and no scripts and no dependencies is styles-only.
fn resolve_kind(explicit: Option<&str>, pages: &[String], dependencies: &[String]) -> GadgetKind {
    match explicit {
        Some("styles") => GadgetKind::Styles,
        Some("general") => GadgetKind::General,
        _ => {
            let has = |s: &str| pages.iter().any(|p| p.ends_with(s));
            if has(".css") && !has(".js") && dependencies.is_empty() {
                GadgetKind::Styles
            } else {
                GadgetKind::General
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_round_trip() {
        assert_eq!(module_name("HotCat"), "ext.gadget.HotCat");
        assert_eq!(gadget_of_module("ext.gadget.HotCat"), Some("HotCat"));
        assert_eq!(gadget_of_module("ext.gadget."), None);
        assert_eq!(gadget_of_module("mediawiki.util"), None);
    }

    #[test]
    fn kind_defaults_like_the_extension() {
        let css = vec!["MediaWiki:Gadget-a.css".to_owned()];
        let both = vec![
            "MediaWiki:Gadget-a.css".to_owned(),
            "MediaWiki:Gadget-a.js".to_owned(),
        ];
        assert_eq!(resolve_kind(None, &css, &[]), GadgetKind::Styles);
        assert_eq!(
            resolve_kind(None, &css, &["mediawiki.util".to_owned()]),
            GadgetKind::General
        );
        assert_eq!(resolve_kind(None, &both, &[]), GadgetKind::General);
        assert_eq!(resolve_kind(Some("styles"), &both, &[]), GadgetKind::Styles);
        assert_eq!(resolve_kind(Some("bogus"), &css, &[]), GadgetKind::Styles);
    }

    #[test]
    fn warnings_follow_the_extension() {
        let mut g = GadgetDefinition::new("x", DefinitionOrigin::Legacy);
        g.pages = vec![
            "MediaWiki:Gadget-x.js".into(),
            "MediaWiki:Gadget-x.txt".into(),
        ];
        g.kind = GadgetKind::Styles;
        g.default = true;
        g.requires_es6 = true;
        let w = g.validation_warnings();
        assert!(w.contains(&"gadgets-validate-es6default"));
        assert!(w.contains(&"gadgets-validate-unknownpages"));
        assert!(w.contains(&"gadgets-validate-scriptsnotallowed"));
        assert!(!w.contains(&"gadgets-validate-noentrypoint"));
    }
}
