//! Page titles as MediaWiki writes them, and the gadgets they belong to.

use std::collections::{BTreeMap, BTreeSet};

/// The whitespace rules of MediaWiki's `MediaWikiTitleCodec`: runs of `_`,
/// space and Unicode spaces become one space; bidi marks are dropped; ends
/// are trimmed. Every crate that compares page titles (`User:A__b.js` is
/// `User:A b.js`) goes through this; namespace and first-letter rules are
/// `offsite_wiki`'s.
pub fn clean_title_spaces(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        match c {
            // LRM, RLM and the embedding/override marks: stripped by the codec.
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' => {}
            ' '
            | '_'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => {
                pending_space = true;
            }
            _ => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

/// Which gadgets a page belongs to: page title (`MediaWiki:Gadget-foo.js`)
/// → gadget names, from the gadget definitions. Titles are kept and looked
/// up with [`clean_title_spaces`], so `_` and space are one. A page in no
/// gadget is a site script (`MediaWiki:Common.js`) or a user script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GadgetPages {
    by_page: BTreeMap<String, BTreeSet<String>>,
}

impl GadgetPages {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record that `gadget` includes `page`.
    pub fn insert(&mut self, page: &str, gadget: &str) {
        self.by_page
            .entry(clean_title_spaces(page))
            .or_default()
            .insert(gadget.trim().to_owned());
    }

    /// The gadgets that include `page`, sorted; none for a page in no gadget.
    pub fn gadgets_of(&self, page: &str) -> impl Iterator<Item = &str> {
        self.by_page
            .get(&clean_title_spaces(page))
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Every page (cleaned title, sorted) with its gadgets.
    pub fn pages(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &str>)> {
        self.by_page
            .iter()
            .map(|(page, gadgets)| (page.as_str(), gadgets.iter().map(String::as_str)))
    }

    /// How many pages belong to some gadget.
    pub fn len(&self) -> usize {
        self.by_page.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_page.is_empty()
    }
}

impl<P: AsRef<str>, G: AsRef<str>> FromIterator<(P, G)> for GadgetPages {
    fn from_iter<I: IntoIterator<Item = (P, G)>>(iter: I) -> Self {
        let mut out = Self::new();
        for (p, g) in iter {
            out.insert(p.as_ref(), g.as_ref());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{GadgetPages, clean_title_spaces};

    #[test]
    fn runs_of_spaces_and_underscores_become_one_space() {
        for (raw, clean) in [
            ("User:A__b.js", "User:A b.js"),
            ("  MediaWiki:Gadget-x.js_ ", "MediaWiki:Gadget-x.js"),
            ("User:A_\u{A0}\u{3000}b", "User:A b"),
            ("User:\u{200E}A b", "User:A b"),
            ("___", ""),
        ] {
            assert_eq!(clean_title_spaces(raw), clean, "{raw:?}");
        }
    }

    #[test]
    fn gadget_pages_compare_titles_the_mediawiki_way() {
        let pages: GadgetPages = [
            ("MediaWiki:Gadget-Hot_tools.js", "HotTools"),
            ("MediaWiki:Gadget-Hot tools.js", "Other"),
            ("MediaWiki:Gadget-maps.css", " Maps "),
        ]
        .into_iter()
        .collect();
        assert_eq!(pages.len(), 2);
        let of = |page| pages.gadgets_of(page).collect::<Vec<_>>();
        assert_eq!(of("MediaWiki:Gadget-Hot__tools.js"), ["HotTools", "Other"]);
        assert_eq!(of("MediaWiki:Gadget-maps.css"), ["Maps"]);
        assert!(of("MediaWiki:Common.js").is_empty());
        let listed: Vec<(&str, Vec<&str>)> = pages.pages().map(|(p, g)| (p, g.collect())).collect();
        assert_eq!(
            listed[0],
            ("MediaWiki:Gadget-Hot tools.js", vec!["HotTools", "Other"])
        );
    }
}
