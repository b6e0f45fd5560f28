//! What loads what, as data: the element attributes that fetch a URL and the
//! global APIs that take one. Elements created in JavaScript (`el.src =
//! url`, `setAttribute`, `$('<img>').attr`), the fallback parser and HTML
//! markup read these tables, so a sink learnt once is learnt everywhere. The
//! HTML scanner keeps its own arms only for conditional cases (a script's
//! type, `<link rel>`, `<picture>`, `srcdoc`); a test checks that it finds
//! every row here.

use offsite_model::Sink;

/// `(element, attribute, sink)`: setting the attribute loads a URL into the
/// sink. Elements and attributes are lower-case. An `<a href>` is navigation,
/// not a load, and is not here.
pub const ELEMENT_SINKS: &[(&str, &str, Sink)] = &[
    ("script", "src", Sink::Script),
    // The real sink of a `<link>` depends on its `rel`; callers refine it.
    ("link", "href", Sink::Style),
    ("img", "src", Sink::Image),
    ("img", "srcset", Sink::Image),
    // `srcset` on `<source>` is only read inside `<picture>`: image
    // candidates (the JS tables said media; the HTML scanner said image).
    ("source", "srcset", Sink::Image),
    ("video", "poster", Sink::Image),
    // Only with `type=image`; the HTML scanner checks the type.
    ("input", "src", Sink::Image),
    // SVG `<image>` and `<use>` of another file's symbol; `xlink:href` is
    // the SVG 1.1 spelling.
    ("image", "href", Sink::Image),
    ("image", "xlink:href", Sink::Image),
    ("use", "href", Sink::Image),
    ("use", "xlink:href", Sink::Image),
    // Presentational attribute still honoured by browsers.
    ("body", "background", Sink::Image),
    ("table", "background", Sink::Image),
    ("td", "background", Sink::Image),
    ("th", "background", Sink::Image),
    ("iframe", "src", Sink::Iframe),
    ("frame", "src", Sink::Iframe),
    ("audio", "src", Sink::Media),
    ("video", "src", Sink::Media),
    ("source", "src", Sink::Media),
    ("track", "src", Sink::Media),
    ("form", "action", Sink::Form),
    ("input", "formaction", Sink::Form),
    ("button", "formaction", Sink::Form),
    ("embed", "src", Sink::Other),
    ("object", "data", Sink::Other),
];

/// What setting `attribute` on a `tag` element loads; `None`: nothing.
/// Both names are compared ASCII case-insensitively, as HTML does.
pub fn element_sink(tag: &str, attribute: &str) -> Option<Sink> {
    ELEMENT_SINKS
        .iter()
        .find(|(t, a, _)| t.eq_ignore_ascii_case(tag) && a.eq_ignore_ascii_case(attribute))
        .map(|&(_, _, sink)| sink)
}

/// `(callee path, sink)`: global functions whose first argument is the URL
/// they load.
pub const URL_API_SINKS: &[(&str, Sink)] = &[
    ("mw.loader.getScript", Sink::Script),
    ("$.getScript", Sink::Script),
    ("importScriptURI", Sink::Script),
    ("importStylesheetURI", Sink::Style),
    ("fetch", Sink::Fetch),
    ("navigator.sendBeacon", Sink::Beacon),
    ("navigator.serviceWorker.register", Sink::Worker),
];

/// `(callee path, sink)`: MediaWiki functions whose first argument is the
/// title of a wiki page they load.
pub const PAGE_API_SINKS: &[(&str, Sink)] = &[
    ("importScript", Sink::Script),
    ("importStylesheet", Sink::Style),
];

/// The sink of a URL-taking global API by its callee path.
pub fn url_api_sink(path: &str) -> Option<Sink> {
    URL_API_SINKS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|&(_, sink)| sink)
}

/// The sink of a page-loading MediaWiki API by its callee path.
pub fn page_api_sink(path: &str) -> Option<Sink> {
    PAGE_API_SINKS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|&(_, sink)| sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_is_listed_once() {
        for (i, (tag, attr, _)) in ELEMENT_SINKS.iter().enumerate() {
            assert!(
                !ELEMENT_SINKS[i + 1..]
                    .iter()
                    .any(|(t, a, _)| t == tag && a == attr),
                "<{tag} {attr}> twice"
            );
        }
        let apis: Vec<&str> = URL_API_SINKS
            .iter()
            .chain(PAGE_API_SINKS)
            .map(|(p, _)| *p)
            .collect();
        for (i, api) in apis.iter().enumerate() {
            assert!(!apis[i + 1..].contains(api), "{api} twice");
        }
    }

    #[test]
    fn lookups_read_the_tables() {
        assert_eq!(element_sink("BUTTON", "formAction"), Some(Sink::Form));
        assert_eq!(element_sink("image", "href"), Some(Sink::Image));
        assert_eq!(element_sink("a", "href"), None);
        assert_eq!(url_api_sink("navigator.sendBeacon"), Some(Sink::Beacon));
        assert_eq!(page_api_sink("importStylesheet"), Some(Sink::Style));
        assert_eq!(url_api_sink("importScript"), None);
    }

    fn assert_found(loads: &[offsite_model::Load], sink: Sink, code: &str) {
        assert!(
            loads
                .iter()
                .any(|l| l.sink == sink && l.url.as_deref() == Some("https://cdn.example.org/a.x")),
            "{code}: {loads:?}"
        );
    }

    /// The HTML scanner keeps a match for its conditional cases (a script's
    /// type, `<input type=image>`, `<source>` in `<picture>`); every row of
    /// the table must still come out of it with the table's sink.
    #[test]
    fn html_markup_finds_every_element_sink_of_the_table() {
        for &(tag, attr, sink) in ELEMENT_SINKS {
            let extra = if tag == "input" && attr == "src" {
                " type=image"
            } else if tag == "link" {
                " rel=stylesheet"
            } else {
                ""
            };
            let html = format!("<{tag}{extra} {attr}=\"https://cdn.example.org/a.x\">");
            let found = crate::html::detect(&html, &crate::Options::default());
            assert_found(&found.loads, sink, &html);
        }
    }

    /// Elements created in JavaScript read the same table.
    #[test]
    fn created_elements_find_every_element_sink_of_the_table() {
        for &(tag, attr, sink) in ELEMENT_SINKS.iter().filter(|(t, _, _)| *t != "link") {
            let js = format!(
                "var e = document.createElement('{tag}');\ne.setAttribute('{attr}', 'https://cdn.example.org/a.x');\ndocument.body.appendChild(e);\n"
            );
            let found = crate::detect(
                &js,
                offsite_model::Language::JavaScript,
                &crate::Options::default(),
            );
            assert_found(&found.loads, sink, &js);
        }
    }
}
