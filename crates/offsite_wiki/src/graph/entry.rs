//! Entry points: the pages and gadgets MediaWiki loads by itself, without
//! any other code asking for them.

use serde::{Deserialize, Serialize};

use crate::title::{Title, ns};

/// Skins whose user pages (`User:X/<skin>.js|css`) MediaWiki loads for the
/// user while that skin is in use (`ResourceLoaderUserModule`).
pub const USER_SKINS: [&str; 7] = [
    "vector",
    "vector-2022",
    "monobook",
    "timeless",
    "minerva",
    "modern",
    "cologneblue",
];

/// The same skins as site pages (`MediaWiki:<Skin>.js|css`,
/// `ResourceLoaderSiteModule`): the skin name with its first letter upper-cased.
pub const SITE_SKINS: [&str; 7] = [
    "Vector",
    "Vector-2022",
    "Monobook",
    "Timeless",
    "Minerva",
    "Modern",
    "Cologneblue",
];

/// How MediaWiki loads an entry point, which decides who runs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EntryKind {
    /// `MediaWiki:Common.js|css`, `MediaWiki:<Skin>.js|css`,
    /// `MediaWiki:Mobile.js|css`, `MediaWiki:Print.css`: every reader.
    Site { page: String },
    /// `MediaWiki:Group-<group>.js|css`: members of the group.
    Group { group: String },
    /// `User:X/common.js|css` or `User:X/<skin>.js|css`: user X on this wiki.
    User { user: String },
    /// `User:X/global.js|css` on the central wiki (GlobalCssJs): user X on every wiki.
    GlobalUser { user: String },
    /// A gadget: everyone if default, else those who enable it.
    Gadget,
}

/// Classify a page. `wiki` is the page's canonical host, `host` the graph's
/// wiki and `central` the `GlobalCssJs` wiki.
pub fn entry_kind(
    host: &str,
    central: Option<&str>,
    wiki: &str,
    title: &Title,
) -> Option<EntryKind> {
    let on_this = wiki == host;
    let on_central = central == Some(wiki);
    match title.namespace {
        ns::USER => {
            let (user, file) = title.text.split_once('/')?;
            if user.is_empty() || file.contains('/') {
                return None;
            }
            let user = user.to_owned();
            let (stem, ext) = file.rsplit_once('.')?;
            if ext != "js" && ext != "css" {
                return None;
            }
            if on_central && stem == "global" {
                return Some(EntryKind::GlobalUser { user });
            }
            (on_this && (stem == "common" || USER_SKINS.contains(&stem)))
                .then_some(EntryKind::User { user })
        }
        ns::MEDIAWIKI if on_this => {
            let (stem, ext) = title.text.rsplit_once('.')?;
            if ext != "js" && ext != "css" {
                return None;
            }
            if let Some(group) = stem.strip_prefix("Group-") {
                return (!group.is_empty()).then(|| EntryKind::Group {
                    group: group.to_owned(),
                });
            }
            // Print.css has no script twin.
            let site = stem == "Common"
                || stem == "Mobile"
                || (stem == "Print" && ext == "css")
                || SITE_SKINS.contains(&stem);
            site.then(|| EntryKind::Site { page: title.full() })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::title::Namespaces;

    fn kind(wiki: &str, title: &str) -> Option<EntryKind> {
        let t = Namespaces::english().parse(title);
        entry_kind("en.wikipedia.org", Some("meta.wikimedia.org"), wiki, &t)
    }

    const EN: &str = "en.wikipedia.org";
    const META: &str = "meta.wikimedia.org";

    #[test]
    fn user_entry_points() {
        let alice = || {
            Some(EntryKind::User {
                user: "Alice".into(),
            })
        };
        assert_eq!(kind(EN, "User:Alice/common.js"), alice());
        assert_eq!(kind(EN, "user:alice/vector-2022.css"), alice());
        assert_eq!(kind(EN, "User:Alice/minerva.js"), alice());
        assert_eq!(kind(EN, "User:Alice/Common.js"), None);
        assert_eq!(kind(EN, "User:Alice/tools/common.js"), None);
        assert_eq!(kind(EN, "User:Alice/twinkle.js"), None);
        assert_eq!(kind(EN, "User:Alice/global.js"), None);
        assert_eq!(kind(META, "User:Alice/common.js"), None);
        assert_eq!(
            kind(META, "User:Alice/global.css"),
            Some(EntryKind::GlobalUser {
                user: "Alice".into()
            })
        );
    }

    #[test]
    fn site_entry_points() {
        for page in [
            "MediaWiki:Common.js",
            "MediaWiki:Common.css",
            "MediaWiki:Vector-2022.js",
            "MediaWiki:Monobook.css",
            "MediaWiki:Mobile.js",
            "MediaWiki:Print.css",
        ] {
            assert_eq!(
                kind(EN, page),
                Some(EntryKind::Site { page: page.into() }),
                "{page}"
            );
        }
        assert_eq!(kind(EN, "MediaWiki:Print.js"), None);
        assert_eq!(kind(EN, "MediaWiki:Gadget-foo.js"), None);
        assert_eq!(kind(META, "MediaWiki:Common.js"), None);
        assert_eq!(
            kind(EN, "MediaWiki:Group-sysop.js"),
            Some(EntryKind::Group {
                group: "sysop".into()
            })
        );
    }
}
