//! Page titles the way MediaWiki normalises them (`Title::newFromText` /
//! `MediaWikiTitleCodec::splitTitleString`), enough to compare a title written
//! in `importScript('user:foo/bar_baz.js')` with the page `User:Foo/bar baz.js`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Namespace ids of core MediaWiki (`includes/Defines.php`).
pub mod ns {
    pub const MEDIA: i32 = -2;
    pub const SPECIAL: i32 = -1;
    pub const MAIN: i32 = 0;
    pub const USER: i32 = 2;
    pub const USER_TALK: i32 = 3;
    pub const PROJECT: i32 = 4;
    pub const FILE: i32 = 6;
    pub const MEDIAWIKI: i32 = 8;
    pub const MEDIAWIKI_TALK: i32 = 9;
}

/// One namespace of a wiki.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    pub id: i32,
    /// The local name, used when a title is written back (`Wikipedia`, `Benutzer`).
    pub name: String,
    /// The canonical English name, accepted on every wiki (`Project`, `User`).
    pub canonical: Option<String>,
    /// Further accepted names (`Image` for `File`, `WP` for `Project`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Titles keep their first letter as written (`$wgCapitalLinkOverrides`).
    #[serde(default)]
    pub case_sensitive: bool,
}

/// The namespaces of one wiki, looked up case-insensitively by any of their names.
#[derive(Debug, Clone)]
pub struct Namespaces {
    list: Vec<Namespace>,
    by_name: HashMap<String, i32>,
}

/// A parsed title: namespace id, the namespace's local name, the page part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Title {
    pub namespace: i32,
    /// Local namespace name; empty for the main namespace.
    pub prefix: String,
    /// The page part, normalised (`Foo/bar baz.js`).
    pub text: String,
}

impl Title {
    /// `Prefix:Text`, or `Text` in the main namespace.
    pub fn full(&self) -> String {
        if self.prefix.is_empty() {
            self.text.clone()
        } else {
            format!("{}:{}", self.prefix, self.text)
        }
    }
}

impl Default for Namespaces {
    fn default() -> Self {
        Self::english()
    }
}

impl Namespaces {
    /// Build from a namespace list (e.g. from a dump's `<siteinfo>` or
    /// `meta=siteinfo&siprop=namespaces|namespacealiases`).
    pub fn new(list: Vec<Namespace>) -> Self {
        let mut by_name = HashMap::new();
        for n in &list {
            let names = std::iter::once(&n.name)
                .chain(n.canonical.as_ref())
                .chain(&n.aliases);
            for name in names {
                by_name.insert(key(name), n.id);
            }
        }
        Self { list, by_name }
    }

    /// Core's English namespaces with their canonical names, plus the aliases
    /// every wiki accepts (`Image` → `File`). The project namespace is called
    /// `Project` until [`Namespaces::with_project_name`] names it.
    pub fn english() -> Self {
        let ns = |id: i32, name: &str, aliases: &[&str]| Namespace {
            id,
            name: name.to_owned(),
            canonical: Some(name.to_owned()),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            case_sensitive: false,
        };
        Self::new(vec![
            ns(-2, "Media", &[]),
            ns(-1, "Special", &[]),
            ns(0, "", &[]),
            ns(1, "Talk", &[]),
            ns(2, "User", &[]),
            ns(3, "User talk", &[]),
            ns(4, "Project", &[]),
            ns(5, "Project talk", &[]),
            // `Image` is the pre-1.14 name of `File`, still accepted everywhere.
            ns(6, "File", &["Image"]),
            ns(7, "File talk", &["Image talk"]),
            ns(8, "MediaWiki", &[]),
            ns(9, "MediaWiki talk", &[]),
            ns(10, "Template", &[]),
            ns(11, "Template talk", &[]),
            ns(12, "Help", &[]),
            ns(13, "Help talk", &[]),
            ns(14, "Category", &[]),
            ns(15, "Category talk", &[]),
        ])
    }

    /// Name the project namespace (`$wgMetaNamespace`, `Wikipedia` on
    /// Wikipedias); `Project` stays accepted as its canonical name.
    #[must_use]
    pub fn with_project_name(mut self, name: &str) -> Self {
        for n in &mut self.list {
            if n.id == ns::PROJECT {
                name.clone_into(&mut n.name);
            } else if n.id == ns::PROJECT + 1 {
                n.name = format!("{name} talk");
            }
        }
        Self::new(self.list)
    }

    /// Add an alias (`WP` → 4).
    #[must_use]
    pub fn with_alias(mut self, alias: &str, id: i32) -> Self {
        if let Some(n) = self.list.iter_mut().find(|n| n.id == id) {
            n.aliases.push(alias.to_owned());
        }
        Self::new(self.list)
    }

    /// `$wgCapitalLinks = false` (Wiktionaries): titles keep their first
    /// letter, except in the namespaces core always capitalises.
    #[must_use]
    pub fn without_capital_links(mut self) -> Self {
        for n in &mut self.list {
            n.case_sensitive = true;
        }
        Self::new(self.list)
    }

    pub fn list(&self) -> &[Namespace] {
        &self.list
    }

    /// The id of a namespace name, alias or canonical name, any case.
    pub fn id_of(&self, name: &str) -> Option<i32> {
        self.by_name.get(&key(&clean_spaces(name))).copied()
    }

    /// The local name of a namespace.
    pub fn name_of(&self, id: i32) -> Option<&str> {
        self.list
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.as_str())
    }

    fn capitalised(&self, id: i32) -> bool {
        // NamespaceInfo::$alwaysCapitalizedNamespaces: Special, User, MediaWiki
        // (and their talk namespaces, which follow their subject).
        let subject = if id > 0 { id & !1 } else { id };
        if matches!(subject, ns::SPECIAL | ns::USER | ns::MEDIAWIKI) {
            return true;
        }
        !self
            .list
            .iter()
            .find(|n| n.id == id)
            .is_some_and(|n| n.case_sensitive)
    }

    /// Split and normalise a title. Never fails: text MediaWiki would reject
    /// (empty, `[`...) is still normalised, because the graph must name what
    /// the code asked for even when the page cannot exist.
    pub fn parse(&self, raw: &str) -> Title {
        let cleaned = clean_spaces(raw);
        // A leading colon forces the main namespace (`[[:File:X]]`).
        let (forced_main, cleaned) = match cleaned.strip_prefix(':') {
            Some(rest) => (true, rest.trim_start().to_owned()),
            None => (false, cleaned),
        };
        let mut namespace = ns::MAIN;
        let mut prefix = String::new();
        let mut text = cleaned.as_str();
        if !forced_main
            && let Some((head, rest)) = cleaned.split_once(':')
            && let Some(id) = self.id_of(head)
        {
            namespace = id;
            self.name_of(id)
                .unwrap_or(head.trim())
                .clone_into(&mut prefix);
            text = rest.trim_start();
        }
        let text = if self.capitalised(namespace) {
            upper_first(text)
        } else {
            text.to_owned()
        };
        Title {
            namespace,
            prefix,
            text,
        }
    }
}

/// Normalise a title the MediaWiki way: underscores and odd spaces become
/// one space, ends trimmed, namespace name in its local spelling, first letter
/// of the page upper-cased where the wiki capitalises (`user:x` → `User:X`,
/// `Image:a.png` → `File:A.png`).
pub fn normalize_title(title: &str, namespaces: &Namespaces) -> String {
    namespaces.parse(title).full()
}

fn key(name: &str) -> String {
    clean_spaces(name).to_lowercase()
}

use offsite_model::clean_title_spaces as clean_spaces;

/// Upper-case the first letter. Where Unicode upper-cases to several letters
/// (`ß` → `SS`) the letter is kept, as Wikimedia's `$wgOverrideUcfirstCharacters` does.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut upper = first.to_uppercase();
    let mut out = String::with_capacity(text.len());
    match (upper.next(), upper.next()) {
        (Some(u), None) => out.push(u),
        _ => out.push(first),
    }
    out.push_str(chars.as_str());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(t: &str) -> String {
        normalize_title(t, &Namespaces::english())
    }

    #[test]
    fn underscores_and_case() {
        assert_eq!(n("user:foo/bar_baz.js"), "User:Foo/bar baz.js");
        assert_eq!(n("  User__talk : x  "), "User talk:X");
        assert_eq!(n("mediawiki:gadget-Foo.js"), "MediaWiki:Gadget-Foo.js");
        assert_eq!(n("MEDIAWIKI:Common.js"), "MediaWiki:Common.js");
    }

    #[test]
    fn aliases_and_canonical_names() {
        assert_eq!(n("Image:Foo.png"), "File:Foo.png");
        assert_eq!(n("image_talk:foo"), "File talk:Foo");
        let wp = Namespaces::english()
            .with_project_name("Wikipedia")
            .with_alias("WP", 4);
        assert_eq!(normalize_title("project:x", &wp), "Wikipedia:X");
        assert_eq!(normalize_title("WP:x", &wp), "Wikipedia:X");
        assert_eq!(normalize_title("Project_talk:x", &wp), "Wikipedia talk:X");
    }

    #[test]
    fn main_namespace_and_unknown_prefixes() {
        assert_eq!(n("foo"), "Foo");
        assert_eq!(n("Foo: bar"), "Foo: bar");
        assert_eq!(n(":user:x"), "User:x");
        assert_eq!(Namespaces::english().parse(":User:x").namespace, ns::MAIN);
        assert_eq!(n("ßtraße"), "ßtraße");
        assert_eq!(n("éclair"), "Éclair");
        assert_eq!(n(""), "");
        assert_eq!(n("User:"), "User:");
    }

    #[test]
    fn capital_links_off_keeps_case_except_core_namespaces() {
        let wikt = Namespaces::english().without_capital_links();
        assert_eq!(normalize_title("foo", &wikt), "foo");
        assert_eq!(normalize_title("template:foo", &wikt), "Template:foo");
        assert_eq!(
            normalize_title("user:foo/common.js", &wikt),
            "User:Foo/common.js"
        );
        assert_eq!(normalize_title("user_talk:foo", &wikt), "User talk:Foo");
        assert_eq!(
            normalize_title("mediawiki:common.js", &wikt),
            "MediaWiki:Common.js"
        );
    }

    #[test]
    fn odd_spaces_and_bidi_marks() {
        assert_eq!(n("User:\u{A0}Foo\u{200E}_bar"), "User:Foo bar");
    }
}
