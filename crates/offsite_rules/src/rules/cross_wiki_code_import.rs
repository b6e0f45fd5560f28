use offsite_model::{Severity, Source, Tier};

use crate::rule::{Context, Violation, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds executable code loaded from a page on another wiki, such as
    /// `mw.loader.load('//meta.wikimedia.org/w/index.php?title=User:X/tool.js&action=raw&ctype=text/javascript')`.
    ///
    /// ## Why is this bad?
    /// The host is first party, so CSP lets it through, but trust moves to a
    /// page that the wiki's own administrators do not watch: whoever can edit
    /// that page (its owner, the other wiki's interface administrators, or
    /// an attacker who takes over the account) changes the code that runs
    /// here. In March 2026 a self-propagating user script on Meta-Wiki
    /// edited other users' scripts: every import of another page is a path
    /// such code can travel. The imported page should be reviewed in turn.
    ///
    /// ## CSP impact
    /// None: the other wiki is on a first-party host already in `script-src`.
    ///
    /// ## Severity
    /// - `info` when the page is in the `MediaWiki:` namespace (editable only
    ///   by interface administrators);
    /// - `warning` for any other page, such as a user script.
    ///
    /// Loads whose source is known to be on the same wiki are not reported.
    ///
    /// ## Example
    /// ```js
    /// mw.loader.load('//meta.wikimedia.org/w/index.php?title=User:Someone/tool.js&action=raw&ctype=text/javascript');
    /// ```
    ///
    /// ## Use instead
    /// Use the global gadget or a local copy that the wiki's interface
    /// administrators maintain:
    /// ```js
    /// mw.loader.load('ext.gadget.tool');
    /// ```
    const CROSS_WIKI_CODE_IMPORT = {
        code: "OS206",
        name: "cross-wiki-code-import",
        default_severity: Warning,
        remote: false,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    let load = ctx.load;
    if ctx.tier != Tier::FirstParty || !load.sink.is_executable() || load.same_wiki {
        return None;
    }
    let page = load.page.as_deref()?;
    let host = load.host.as_deref()?;
    if wiki_host(ctx.source).is_some_and(|own| own == host) {
        return None;
    }
    let severity = if page.starts_with("MediaWiki:") {
        Severity::Info
    } else {
        Severity::Warning
    };
    Some(Violation {
        severity,
        message: format!(
            "`{}` runs the page `{page}` from another wiki (`{host}`): whoever can edit it controls this code",
            load.api
        ),
    })
}

/// The host of the wiki a source belongs to, from a base URL or a Wikimedia
/// database name (`enwiki`, `metawiki`, `dewiktionary`).
fn wiki_host(source: &Source) -> Option<String> {
    let wiki = source.wiki.as_deref()?;
    if wiki.contains("//") {
        return offsite_model::split_url(wiki).host;
    }
    let special = match wiki {
        "metawiki" => Some("meta.wikimedia.org"),
        "commonswiki" => Some("commons.wikimedia.org"),
        "wikidatawiki" => Some("www.wikidata.org"),
        "mediawikiwiki" => Some("www.mediawiki.org"),
        "specieswiki" => Some("species.wikimedia.org"),
        _ => None,
    };
    if let Some(host) = special {
        return Some(host.to_owned());
    }
    let families = [
        ("wiktionary", "wiktionary.org"),
        ("wikibooks", "wikibooks.org"),
        ("wikinews", "wikinews.org"),
        ("wikiquote", "wikiquote.org"),
        ("wikisource", "wikisource.org"),
        ("wikiversity", "wikiversity.org"),
        ("wikivoyage", "wikivoyage.org"),
        ("wiki", "wikipedia.org"),
    ];
    families.iter().find_map(|(suffix, domain)| {
        let lang = wiki.strip_suffix(suffix)?;
        (!lang.is_empty()).then(|| format!("{}.{domain}", lang.replace('_', "-")))
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Source, Tier};

    use super::{CROSS_WIKI_CODE_IMPORT, wiki_host};
    use crate::rules::testing::{case, load, run};

    fn page_load(url: &str, page: &str) -> offsite_model::Load {
        let mut l = load("mw.loader.load", Sink::Script, url);
        l.page = Some(page.to_owned());
        l
    }

    #[test]
    fn fixture() {
        let fp = Tier::FirstParty;
        let cases = [
            case(
                "bad user script on meta",
                page_load(
                    "//meta.wikimedia.org/w/index.php?title=User:Someone/tool.js&action=raw&ctype=text/javascript",
                    "User:Someone/tool.js",
                ),
                fp,
            ),
            case(
                "bad mediawiki page on another wiki",
                page_load(
                    "https://www.mediawiki.org/w/index.php?title=MediaWiki:Gadget-x.js&action=raw",
                    "MediaWiki:Gadget-x.js",
                ),
                fp,
            ),
            case(
                "ok same wiki",
                page_load("/w/index.php?title=User:Me/x.js&action=raw", "User:Me/x.js"),
                fp,
            ),
            case(
                "ok style from meta",
                {
                    let mut l = page_load(
                        "//meta.wikimedia.org/w/index.php?title=User:X/y.css&action=raw",
                        "User:X/y.css",
                    );
                    l.sink = Sink::Style;
                    l
                },
                fp,
            ),
            case(
                "ok no page",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "https://upload.wikimedia.org/x.js",
                ),
                fp,
            ),
        ];
        insta::assert_snapshot!(run(&CROSS_WIKI_CODE_IMPORT, &cases));
    }

    #[test]
    fn own_wiki_is_not_another_wiki() {
        let wiki = |w: &str| Source {
            wiki: Some(w.to_owned()),
            ..Source::default()
        };
        assert_eq!(
            wiki_host(&wiki("metawiki")).as_deref(),
            Some("meta.wikimedia.org")
        );
        assert_eq!(
            wiki_host(&wiki("zh_yuewiki")).as_deref(),
            Some("zh-yue.wikipedia.org")
        );
        assert_eq!(
            wiki_host(&wiki("dewiktionary")).as_deref(),
            Some("de.wiktionary.org")
        );
        assert_eq!(
            wiki_host(&wiki("https://wiki.example.org")).as_deref(),
            Some("wiki.example.org")
        );
        assert_eq!(wiki_host(&wiki("wiki")), None);

        let l = page_load(
            "//meta.wikimedia.org/w/index.php?title=User:X/y.js&action=raw",
            "User:X/y.js",
        );
        let source = wiki("metawiki");
        let ctx = crate::rule::Context {
            load: &l,
            tier: Tier::FirstParty,
            entity: None,
            source: &source,
        };
        assert!((CROSS_WIKI_CODE_IMPORT.check)(&ctx).is_none());
        let source = wiki("enwiki");
        let ctx = crate::rule::Context {
            load: &l,
            tier: Tier::FirstParty,
            entity: None,
            source: &source,
        };
        assert!((CROSS_WIKI_CODE_IMPORT.check)(&ctx).is_some());
    }
}
