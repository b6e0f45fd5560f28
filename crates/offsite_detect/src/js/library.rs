//! The library model: what well-known libraries that gadgets lean on load
//! when their entry points are called, kept as data (one table row per entry
//! point) rather than as code paths in the analysis.
//!
//! A row names the global path of the entry point as the resolver spells it
//! (`window.` and the `mediaWiki`/`jQuery` aliases already removed), how it
//! is reached (a call, `new`, or a configuration global the library reads)
//! and what it then fetches. Fandom's dev libraries publish themselves on
//! `window.dev.NAME` and through `mw.hook('dev.NAME')`; both resolve to
//! `dev.NAME` here.

use std::collections::HashSet;
use std::sync::LazyLock;

use offsite_model::{Load, Resolution, Sink};
use oxc::ast::ast::{AssignmentTarget, CallExpression, Expression};
use oxc::semantic::NodeId;
use oxc::span::Span;

use super::resolve::{Elem, Val, property};
use super::sinks::Scanner;

/// How the library is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
    /// `path(...)` fetches `url`.
    Call,
    /// `new path(...)` fetches `url`.
    New,
    /// `path(tag, {attr: value})` builds a DOM element like
    /// `Object.assign(document.createElement(tag), attrs)`.
    ElementFactory,
    /// Assigning an object with property `key` to the global `path` makes
    /// the library (loaded elsewhere) fetch `url`.
    Config { key: &'static str },
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Library {
    /// Library name, for the load's API text.
    pub name: &'static str,
    pub path: &'static str,
    pub entry: Entry,
    pub sink: Sink,
    /// What it fetches: a URL, or `${wgScriptPath}/…` for the wiki itself.
    pub url: &'static str,
}

/// The model. Sources: each library's documentation (linked per row).
pub(super) static LIBRARIES: &[Library] = &[
    // https://dev.fandom.com/wiki/I18n-js: message files come from Dev Wiki.
    Library {
        name: "I18n-js",
        path: "dev.i18n.loadMessages",
        entry: Entry::Call,
        sink: Sink::Xhr,
        url: "https://dev.fandom.com/api.php",
    },
    // https://dev.fandom.com/wiki/DOMTools
    Library {
        name: "DOMTools",
        path: "dev.dom.createElement",
        entry: Entry::ElementFactory,
        sink: Sink::Other,
        url: "",
    },
    // Fandom's Nirvana controller client: requests to the wiki's wikia.php.
    Library {
        name: "Nirvana",
        path: "$.nirvana.getJson",
        entry: Entry::Call,
        sink: Sink::Xhr,
        url: "${wgScriptPath}/wikia.php",
    },
    Library {
        name: "Nirvana",
        path: "$.nirvana.postJson",
        entry: Entry::Call,
        sink: Sink::Xhr,
        url: "${wgScriptPath}/wikia.php",
    },
    Library {
        name: "Nirvana",
        path: "$.nirvana.sendRequest",
        entry: Entry::Call,
        sink: Sink::Xhr,
        url: "${wgScriptPath}/wikia.php",
    },
    // https://github.com/wikimedia-gadgets/twinkle (morebits.js): both wrap
    // mw.Api on the wiki's api.php.
    Library {
        name: "Morebits",
        path: "Morebits.wiki.api",
        entry: Entry::New,
        sink: Sink::Xhr,
        url: "${wgScriptPath}/api.php",
    },
    Library {
        name: "Morebits",
        path: "Morebits.wiki.page",
        entry: Entry::New,
        sink: Sink::Xhr,
        url: "${wgScriptPath}/api.php",
    },
    // https://github.com/typekit/webfontloader: `WebFontConfig.google`
    // makes webfont.js fetch the Google Fonts stylesheet.
    Library {
        name: "webfont.js",
        path: "WebFontConfig",
        entry: Entry::Config { key: "google" },
        sink: Sink::Style,
        url: "https://fonts.googleapis.com/css",
    },
    Library {
        name: "webfont.js",
        path: "WebFontConfig",
        entry: Entry::Config { key: "typekit" },
        sink: Sink::Style,
        url: "https://use.typekit.net/",
    },
];

/// AMD module names and the globals they stand for, as Fandom's module
/// loader hands them to `require([...], function (...) {…})` callbacks.
static AMD_MODULES: &[(&str, &str)] = &[
    ("jquery", "$"),
    ("mw", "mw"),
    ("wikia.window", "window"),
    ("wikia.document", "document"),
    ("wikia.nirvana", "$.nirvana"),
];

/// The global an AMD module name stands for.
pub(super) fn amd_module(name: &str) -> Option<&'static str> {
    AMD_MODULES
        .iter()
        .find(|(module, _)| *module == name)
        .map(|(_, global)| *global)
}

/// The row for a call or `new` of `path`.
pub(super) fn entry_point(path: &str, new: bool) -> Option<&'static Library> {
    LIBRARIES.iter().find(|l| {
        l.path == path
            && match l.entry {
                Entry::Call | Entry::ElementFactory => !new,
                Entry::New => new,
                Entry::Config { .. } => false,
            }
    })
}

/// The rows for a configuration global.
pub(super) fn configs(path: &str) -> impl Iterator<Item = &'static Library> + '_ {
    LIBRARIES
        .iter()
        .filter(move |l| l.path == path && matches!(l.entry, Entry::Config { .. }))
}

/// The last and first names of every entry point, derived from the table
/// once: the sink scan and the prescan ask for every member call and every
/// identifier of every file.
static ENTRY_NAMES: LazyLock<(HashSet<&'static str>, HashSet<&'static str>)> =
    LazyLock::new(|| {
        let methods = LIBRARIES
            .iter()
            .filter_map(|l| l.path.rsplit('.').next())
            .collect();
        let roots = LIBRARIES
            .iter()
            .filter_map(|l| l.path.split('.').next())
            .collect();
        (methods, roots)
    });

/// Method names that end a library entry point (for the sink scan's filter).
pub(super) fn is_entry_method(name: &str) -> bool {
    ENTRY_NAMES.0.contains(name)
}

/// Global roots a library entry point starts from (for the prescan).
pub(super) fn is_entry_root(name: &str) -> bool {
    ENTRY_NAMES.1.contains(name)
}

impl<'a> Scanner<'_, 'a> {
    /// A call of a library entry point; `false` when `path` is none.
    pub(super) fn library_call(
        &mut self,
        id: NodeId,
        call: &'a CallExpression<'a>,
        path: &str,
    ) -> bool {
        let Some(library) = entry_point(path, false) else {
            return false;
        };
        if library.entry == Entry::ElementFactory {
            let arg = |i: usize| call.arguments.get(i).and_then(|a| a.as_expression());
            let tag = arg(0)
                .map(|t| self.r.fold(t))
                .filter(|t| t.dynamic.is_none());
            if let (Some(tag), Some(attrs)) = (tag, arg(1))
                && let Val::Object(object) = self.r.resolve(attrs, 0)
            {
                let elem = Elem {
                    tag: tag.text.to_ascii_lowercase(),
                    rel: None,
                    origin: None,
                };
                self.element_props(id, call.span, &elem, object);
            }
            return true;
        }
        self.library_load(id, call.span, library);
        true
    }

    /// The load a library makes, at the code that asks it to.
    pub(super) fn library_load(&mut self, id: NodeId, span: Span, library: &Library) {
        // A configuration global loads nothing itself: name the library.
        let api = match library.entry {
            Entry::Config { .. } => library.name,
            _ => library.path,
        };
        let mut load = Load::new(span.start, span.end, api, library.sink).with_url(library.url);
        load.resolution = Resolution::Constant;
        self.push(id, load);
    }

    /// `WebFontConfig = {google: …}`: the fetches the configured library makes.
    pub(super) fn library_config(
        &mut self,
        id: NodeId,
        span: Span,
        path: &str,
        value: &'a Expression<'a>,
    ) {
        if configs(path).next().is_none() {
            return;
        }
        let Val::Object(object) = self.r.resolve(value, 0) else {
            return;
        };
        for library in configs(path) {
            if let Entry::Config { key } = library.entry
                && property(object, key).is_some()
            {
                self.library_load(id, span, library);
            }
        }
    }

    /// The global a plain assignment writes (`X = …`, `window.X = …`), when
    /// it names a library configuration global.
    pub(super) fn global_target(&mut self, target: &'a AssignmentTarget<'a>) -> Option<String> {
        let name = match target {
            AssignmentTarget::AssignmentTargetIdentifier(ident) => ident.name.as_str(),
            AssignmentTarget::StaticMemberExpression(member) => {
                match self.r.resolve(&member.object, 0) {
                    Val::Global(root)
                        if matches!(root.as_str(), "window" | "self" | "globalThis") =>
                    {
                        member.property.name.as_str()
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        configs(name).next().map(|_| name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_reachable_and_fetches_something() {
        for l in LIBRARIES {
            let found = match l.entry {
                Entry::Config { .. } => configs(l.path).any(|c| std::ptr::eq(c, l)),
                Entry::New => entry_point(l.path, true).is_some(),
                Entry::Call | Entry::ElementFactory => entry_point(l.path, false).is_some(),
            };
            assert!(found, "{} ({}) cannot be looked up", l.name, l.path);
            if l.entry != Entry::ElementFactory {
                assert!(
                    l.url.starts_with("https://") || l.url.starts_with("${wgScriptPath}/"),
                    "{}: {}",
                    l.name,
                    l.url
                );
            }
            assert!(is_entry_root(l.path.split('.').next().unwrap_or_default()));
        }
        assert!(is_entry_method("loadMessages"));
        assert!(!is_entry_method("toString"));
    }
}
