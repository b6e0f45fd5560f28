//! Cross-file analysis: what one source of a scanned set tells the others.
//!
//! A scan over a set of sources (a folder, a repository, a gadget's pages)
//! first [summarises](crate::summarize) each JavaScript source: the URLs and
//! loader functions it exports (ES `export`; `CommonJS` `module.exports`,
//! whose `require` side is not followed yet) and
//! the globals it assigns (`window.X`, `mw.libs.X`, namespace objects). The
//! summaries form a [`SourceSet`]; each source is then analysed with a
//! [`FileContext`] (its own path and the set), so that
//! `import { FEED_URL } from './endpoints.js'; fetch(FEED_URL)` and
//! `sharedLoader.inject('https://…')` are resolved, and a loader's own load is
//! reported at its callers in other files instead of as an unknown load.
//!
//! Deterministic: the set is keyed by path, and a global that two sources
//! define differently is dropped, so results do not depend on file order or
//! thread count.

use std::collections::BTreeMap;

use offsite_model::Sink;

/// What an exported name or a global stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    /// A URL, or several candidate URLs (`dev ? 'http://localhost' : 'https://…'`),
    /// with run-time parts written `${…}`.
    Urls(Vec<String>),
    /// A function that hands its parameter `param` to a sink as the whole URL.
    Loader {
        param: usize,
        api: String,
        sink: Sink,
    },
}

/// One source's contribution to the set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Exported name (`default` for the default export) → what it is.
    pub exports: BTreeMap<String, Export>,
    /// Global path (`sharedLoader.inject`, `Relay.paths.api`, `mw.libs.x.load`)
    /// → what it is.
    pub globals: BTreeMap<String, Export>,
    /// Loads inside this source's exported loaders (byte offset of the load
    /// → `export:NAME` or `global:PATH`): reported at the callers instead,
    /// when another source calls the loader.
    pub loader_sites: BTreeMap<u32, String>,
    /// What this source calls that another may define: `global:PATH` and
    /// `import:SPECIFIER#NAME`.
    pub calls: std::collections::BTreeSet<String>,
    /// Relative module specifiers this source imports.
    pub imports: std::collections::BTreeSet<String>,
}

impl Summary {
    /// Nothing to offer the set and nothing to take from it.
    pub fn is_empty(&self) -> bool {
        self.exports.is_empty()
            && self.globals.is_empty()
            && self.calls.is_empty()
            && self.imports.is_empty()
    }
}

/// The URL forms worth carrying between sources: absolute, protocol-relative,
/// rooted, or built on the wiki's own paths.
pub(crate) fn is_url_like(text: &str) -> bool {
    text.contains("://") || text.starts_with('/') || text.starts_with("${wg")
}

/// The summaries of every source in a scanned set.
#[derive(Debug, Clone, Default)]
pub struct SourceSet {
    /// Path (`/`-separated, as given) → summary.
    modules: BTreeMap<String, Summary>,
    /// Globals merged over every source; conflicting definitions dropped.
    globals: BTreeMap<String, Export>,
    /// Loaders some source calls: `global:PATH`, `export:MODULE#NAME`.
    called: std::collections::BTreeSet<String>,
}

impl SourceSet {
    /// Build the set from `(path, summary)` pairs, in any order.
    pub fn new(summaries: impl IntoIterator<Item = (String, Summary)>) -> Self {
        let modules: BTreeMap<String, Summary> = summaries
            .into_iter()
            .map(|(path, s)| (normalise(&path), s))
            .collect();
        let mut globals: BTreeMap<String, Option<Export>> = BTreeMap::new();
        for summary in modules.values() {
            for (path, export) in &summary.globals {
                globals
                    .entry(path.clone())
                    .and_modify(|seen| {
                        if seen.as_ref() != Some(export) {
                            *seen = None;
                        }
                    })
                    .or_insert_with(|| Some(export.clone()));
            }
        }
        let globals = globals
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        let mut set = Self {
            modules,
            globals,
            called: std::collections::BTreeSet::new(),
        };
        let mut called = std::collections::BTreeSet::new();
        for (path, summary) in &set.modules {
            for call in &summary.calls {
                if call.starts_with("global:") {
                    called.insert(call.clone());
                } else if let Some((specifier, name)) = call
                    .strip_prefix("import:")
                    .and_then(|c| c.rsplit_once('#'))
                    && let Some(module) = set.resolve(path, specifier)
                {
                    called.insert(format!("export:{module}#{name}"));
                }
            }
        }
        set.called = called;
        set
    }

    /// Is the loader at `site` (a `loader_sites` value of the source `path`)
    /// called by some source of the set?
    pub fn is_called(&self, path: &str, site: &str) -> bool {
        match site.strip_prefix("export:") {
            Some(name) => self
                .called
                .contains(&format!("export:{}#{name}", normalise(path))),
            None => self.called.contains(site),
        }
    }

    /// No source offers anything to the others.
    pub fn is_empty(&self) -> bool {
        self.modules
            .values()
            .all(|s| s.exports.is_empty() && s.globals.is_empty())
    }

    /// A global defined by some source of the set.
    pub fn global(&self, path: &str) -> Option<&Export> {
        self.globals.get(path)
    }

    /// Can the set tell the source at `path` (with `text` and `summary`)
    /// more than a single-file analysis did? True when it imports a module
    /// of the set, names a global another source defines, or exports a
    /// loader another source calls. A scan analyses only those sources a
    /// second time.
    pub fn informs(&self, path: &str, text: &str, summary: &Summary) -> bool {
        self.informs_by_summary(path, summary) || self.names_others_globals(text, summary)
    }

    /// The part of [`SourceSet::informs`] the summary alone decides: an
    /// import of a module of the set, or a loader another source calls.
    pub fn informs_by_summary(&self, path: &str, summary: &Summary) -> bool {
        summary
            .imports
            .iter()
            .any(|spec| self.resolve(path, spec).is_some())
            || summary
                .loader_sites
                .values()
                .any(|site| self.is_called(path, site))
    }

    /// Does some source define globals at all (the text check of
    /// [`SourceSet::informs`] can only then be true)?
    pub fn has_globals(&self) -> bool {
        !self.globals.is_empty()
    }

    /// The part of [`SourceSet::informs`] that needs the text: it names the
    /// root of a global another source defines.
    pub fn names_others_globals(&self, text: &str, summary: &Summary) -> bool {
        let own: std::collections::BTreeSet<&str> =
            summary.globals.keys().map(|k| root_of(k)).collect();
        self.globals
            .keys()
            .map(|k| root_of(k))
            .filter(|root| !own.contains(root))
            .any(|root| text.contains(root))
    }

    /// The summary of the source at `path`.
    pub fn summary(&self, path: &str) -> Option<&Summary> {
        self.modules.get(&normalise(path))
    }

    /// The export `name` of the module `specifier` imports from `from`:
    /// relative specifiers resolve inside the set (with the usual `.js`,
    /// `.ts`, `.mjs` and `/index.*` completions).
    pub fn import(&self, from: &str, specifier: &str, name: &str) -> Option<&Export> {
        let module = self.resolve(from, specifier)?;
        self.modules.get(&module)?.exports.get(name)
    }

    /// The set's path for `specifier` imported from `from`.
    fn resolve(&self, from: &str, specifier: &str) -> Option<String> {
        if !(specifier.starts_with("./") || specifier.starts_with("../")) {
            return None;
        }
        let dir = match normalise(from).rsplit_once('/') {
            Some((dir, _)) => dir.to_owned(),
            None => String::new(),
        };
        let joined = if dir.is_empty() {
            normalise(specifier)
        } else {
            normalise(&format!("{dir}/{specifier}"))
        };
        [
            joined.clone(),
            format!("{joined}.js"),
            format!("{joined}.ts"),
            format!("{joined}.mjs"),
            format!("{joined}/index.js"),
            format!("{joined}/index.ts"),
        ]
        .into_iter()
        .find(|c| self.modules.contains_key(c))
    }
}

/// One source's view of the set during its analysis.
#[derive(Debug, Clone, Copy)]
pub struct FileContext<'c> {
    /// This source's path, as given to [`SourceSet::new`].
    pub path: &'c str,
    pub set: &'c SourceSet,
}

/// `Relay.paths.api` → `Relay`.
fn root_of(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}

/// `a/./b/../c.js` → `a/c.js`; backslashes become slashes; a leading `./` goes.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(u: &str) -> Export {
        Export::Urls(vec![u.to_owned()])
    }

    #[test]
    fn relative_imports_resolve_inside_the_set() {
        let mut lib = Summary::default();
        lib.exports
            .insert("FEED".into(), urls("https://feed.example/x.json"));
        let set = SourceSet::new([("./proj/lib/endpoints.js".to_owned(), lib)]);
        let at = |from, spec| set.import(from, spec, "FEED").is_some();
        assert!(at("proj/main.js", "./lib/endpoints.js"));
        assert!(at("proj/main.js", "./lib/endpoints"));
        assert!(at("proj/sub/deep.js", "../lib/endpoints"));
        let top = SourceSet::new([("lib.js".to_owned(), {
            let mut s = Summary::default();
            s.exports
                .insert("FEED".into(), urls("https://feed.example/x.json"));
            s
        })]);
        assert!(
            top.import("main.js", "./lib", "FEED").is_some(),
            "files at the top"
        );
        assert!(
            !at("proj/main.js", "lib/endpoints"),
            "bare specifiers are packages"
        );
        assert!(!at("other/main.js", "./lib/endpoints"));
    }

    #[test]
    fn conflicting_globals_are_dropped_whatever_the_order() {
        let with = |u: &str| {
            let mut s = Summary::default();
            s.globals.insert("Cfg.api".into(), urls(u));
            s
        };
        let same = SourceSet::new([
            ("a.js".to_owned(), with("https://x.example")),
            ("b.js".to_owned(), with("https://x.example")),
        ]);
        assert_eq!(same.global("Cfg.api"), Some(&urls("https://x.example")));
        for order in [["a.js", "b.js"], ["b.js", "a.js"]] {
            let set = SourceSet::new(order.map(|p| {
                let u = if p == "a.js" {
                    "https://x.example"
                } else {
                    "https://y.example"
                };
                (p.to_owned(), with(u))
            }));
            assert_eq!(set.global("Cfg.api"), None);
        }
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise("./a/./b/../c.js"), "a/c.js");
        assert_eq!(normalise("a\\b.js"), "a/b.js");
        assert_eq!(normalise("../x.js"), "../x.js");
        assert_eq!(normalise("/r/a/../b"), "/r/b");
    }
}
