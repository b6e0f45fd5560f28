//! Directive names, what their values are, and which directive governs which
//! kind of resource (CSP Level 3 §6.8.1 "Get the effective directive for
//! request" and §6.8.3 "Get the fallback list").

use serde::Serialize;

/// What a directive's value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    /// A source list (`script-src`, `form-action`…).
    SourceList,
    /// A list of tokens kept as written (`report-uri`, `sandbox`…).
    Tokens,
    /// No value (`upgrade-insecure-requests`).
    Empty,
}

/// A directive offsite knows, with the facts the parser and matcher need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownDirective {
    /// Lower-case name.
    pub name: &'static str,
    pub value: ValueKind,
    /// Removed from CSP or never shipped widely: browsers ignore it.
    pub deprecated: bool,
}

const fn list(name: &'static str) -> KnownDirective {
    KnownDirective {
        name,
        value: ValueKind::SourceList,
        deprecated: false,
    }
}

const fn tokens(name: &'static str) -> KnownDirective {
    KnownDirective {
        name,
        value: ValueKind::Tokens,
        deprecated: false,
    }
}

const fn deprecated(mut d: KnownDirective) -> KnownDirective {
    d.deprecated = true;
    d
}

/// Every directive of CSP Level 3 and its drafts, plus the removed ones
/// browsers still see in the wild (`block-all-mixed-content`,
/// `plugin-types`, `prefetch-src`, `navigate-to`, `referrer`,
/// `reflected-xss`, `require-sri-for`).
pub const KNOWN_DIRECTIVES: &[KnownDirective] = &[
    list("default-src"),
    list("script-src"),
    list("script-src-elem"),
    list("script-src-attr"),
    list("style-src"),
    list("style-src-elem"),
    list("style-src-attr"),
    list("img-src"),
    list("font-src"),
    list("connect-src"),
    list("media-src"),
    list("object-src"),
    list("manifest-src"),
    list("frame-src"),
    list("child-src"),
    list("worker-src"),
    list("fenced-frame-src"),
    list("base-uri"),
    list("form-action"),
    list("frame-ancestors"),
    tokens("report-uri"),
    tokens("report-to"),
    tokens("sandbox"),
    tokens("webrtc"),
    tokens("trusted-types"),
    tokens("require-trusted-types-for"),
    KnownDirective {
        name: "upgrade-insecure-requests",
        value: ValueKind::Empty,
        deprecated: false,
    },
    deprecated(KnownDirective {
        name: "block-all-mixed-content",
        value: ValueKind::Empty,
        deprecated: false,
    }),
    deprecated(list("prefetch-src")),
    deprecated(list("navigate-to")),
    deprecated(tokens("plugin-types")),
    deprecated(tokens("referrer")),
    deprecated(tokens("reflected-xss")),
    deprecated(tokens("require-sri-for")),
    deprecated(tokens("disown-opener")),
];

/// The directive with this (lower-case) name, when offsite knows it.
pub fn known_directive(name: &str) -> Option<&'static KnownDirective> {
    KNOWN_DIRECTIVES.iter().find(|d| d.name == name)
}

/// What a directive named `name` holds; unknown directives hold tokens.
pub fn value_kind(name: &str) -> ValueKind {
    known_directive(name).map_or(ValueKind::Tokens, |d| d.value)
}

/// A kind of request a policy decides on, named by its effective directive
/// (CSP3 §6.8.1). Inline code and `eval` are [`crate::Subject`]s, checked
/// against the `*-attr`/`*-elem` and `script-src` directives.
///
/// Serialised as its effective directive (`"script-src-elem"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    /// `<script src>`, `import()`, `importScripts` in a page: `script-src-elem`.
    ScriptElem,
    /// Event-handler attributes and `javascript:` URLs: `script-src-attr`.
    ScriptAttr,
    /// `<link rel=stylesheet>`, `@import`, `<style>`: `style-src-elem`.
    StyleElem,
    /// `style=""` attributes: `style-src-attr`.
    StyleAttr,
    Img,
    Font,
    /// `fetch`, XHR, WebSocket, EventSource, `sendBeacon`.
    Connect,
    Media,
    Object,
    Manifest,
    Frame,
    Worker,
    FormAction,
    BaseUri,
    FrameAncestors,
    /// `<link rel=prefetch>` and requests no other directive names:
    /// `default-src` alone (prefetch-src was removed from CSP3).
    Prefetch,
}

impl ResourceKind {
    /// Every kind.
    pub const ALL: [Self; 16] = [
        Self::ScriptElem,
        Self::ScriptAttr,
        Self::StyleElem,
        Self::StyleAttr,
        Self::Img,
        Self::Font,
        Self::Connect,
        Self::Media,
        Self::Object,
        Self::Manifest,
        Self::Frame,
        Self::Worker,
        Self::FormAction,
        Self::BaseUri,
        Self::FrameAncestors,
        Self::Prefetch,
    ];

    /// The effective directive: what a violation report names.
    pub fn effective_directive(self) -> &'static str {
        self.fallback_list()[0]
    }

    /// The directives consulted in order; the first one the policy has
    /// decides (CSP3 §6.8.3). `form-action`, `base-uri` and
    /// `frame-ancestors` do not fall back to `default-src`.
    pub fn fallback_list(self) -> &'static [&'static str] {
        match self {
            Self::ScriptElem => &["script-src-elem", "script-src", "default-src"],
            Self::ScriptAttr => &["script-src-attr", "script-src", "default-src"],
            Self::StyleElem => &["style-src-elem", "style-src", "default-src"],
            Self::StyleAttr => &["style-src-attr", "style-src", "default-src"],
            Self::Img => &["img-src", "default-src"],
            Self::Font => &["font-src", "default-src"],
            Self::Connect => &["connect-src", "default-src"],
            Self::Media => &["media-src", "default-src"],
            Self::Object => &["object-src", "default-src"],
            Self::Manifest => &["manifest-src", "default-src"],
            Self::Frame => &["frame-src", "child-src", "default-src"],
            Self::Worker => &["worker-src", "child-src", "script-src", "default-src"],
            Self::FormAction => &["form-action"],
            Self::BaseUri => &["base-uri"],
            Self::FrameAncestors => &["frame-ancestors"],
            Self::Prefetch => &["default-src"],
        }
    }

    /// The kind whose effective directive is `name` (`img-src` → [`Self::Img`]).
    pub fn from_effective_directive(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.effective_directive().eq_ignore_ascii_case(name))
    }

    /// Is this a script kind, where `'strict-dynamic'` applies?
    pub fn is_script(self) -> bool {
        matches!(self, Self::ScriptElem | Self::ScriptAttr)
    }
}

impl Serialize for ResourceKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.effective_directive())
    }
}

impl std::fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.effective_directive())
    }
}

/// The kind of request a scanned load makes: the directive
/// [`offsite_model::Directive`] names, as the request's effective directive
/// (`script-src` loads are `<script src>`, so `script-src-elem`).
impl From<offsite_model::Directive> for ResourceKind {
    fn from(directive: offsite_model::Directive) -> Self {
        use offsite_model::Directive as D;
        match directive {
            D::ScriptSrc => Self::ScriptElem,
            D::StyleSrc => Self::StyleElem,
            D::ConnectSrc => Self::Connect,
            D::ImgSrc => Self::Img,
            D::FontSrc => Self::Font,
            D::MediaSrc => Self::Media,
            D::FrameSrc => Self::Frame,
            D::WorkerSrc => Self::Worker,
            D::FormAction => Self::FormAction,
            // Prefetches and loads the detector could not place.
            D::DefaultSrc => Self::Prefetch,
        }
    }
}
