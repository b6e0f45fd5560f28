//! Gadget membership guessed from page titles, for saved scans.

use super::GadgetPages;

/// A saved scan has no gadget definitions: pages named
/// `MediaWiki:Gadget-NAME.js|css|json` are taken as gadget `NAME`.
pub fn gadgets_from_titles<'a>(titles: impl IntoIterator<Item = &'a str>) -> GadgetPages {
    let mut gadgets = GadgetPages::new();
    for title in titles {
        let Some(rest) = title.strip_prefix("MediaWiki:Gadget-") else {
            continue;
        };
        let name = rest.rsplit_once('.').map_or(rest, |(name, _)| name);
        if !name.is_empty() {
            gadgets.insert(title, name);
        }
    }
    gadgets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_scans_map_gadget_pages_by_title() {
        let map: GadgetPages = gadgets_from_titles([
            "MediaWiki:Gadget-HotTools.js",
            "MediaWiki:Gadget-HotTools.css",
            "MediaWiki:Gadget-HotTools.js",
            "MediaWiki:Common.js",
        ]);
        assert_eq!(map.len(), 2, "{map:?}");
        assert_eq!(
            map.gadgets_of("MediaWiki:Gadget-HotTools.css")
                .collect::<Vec<_>>(),
            ["HotTools"]
        );
        assert_eq!(map.gadgets_of("MediaWiki:Common.js").count(), 0);
    }
}
