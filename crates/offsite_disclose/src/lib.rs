//! Privacy notices generated from a scan: for each gadget, site script and
//! widely imported user script, who receives the reader's requests (host,
//! operator, tier), what each receives (true per sink), when (every page
//! view, after a click, after opting in) and what offsite could not
//! determine.
//!
//! Pure: a scan's loads in ([`build`]), notices out, rendered by
//! [`render`] as wikitext, HTML or JSON through a message catalogue
//! ([`Messages`]). It reads no file and asks no wiki; the binary does that.
//! It does not decide whether a load is allowed (that is `offsite_rules`)
//! nor ask the reader anything (that is a consent gate's job).

mod build;
mod messages;
mod render;

use offsite_model::{ExposureKind, Sink, Tier};
use serde::Serialize;

pub use build::{Options, build};
pub use messages::{Messages, MessagesError};
pub use render::{Format, html, json, render, wikitext};

/// What kind of code a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// `MediaWiki:Common.js`, skins' and groups' pages: every reader (or a
    /// group) runs them without choosing to.
    SiteScript,
    /// A gadget, named as in the gadget definitions.
    Gadget,
    /// A page in the User namespace, run by its owner and whoever imports it.
    UserScript,
    /// A file with no page title (a scan of plain files).
    File,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SiteScript => "site-script",
            Self::Gadget => "gadget",
            Self::UserScript => "user-script",
            Self::File => "file",
        }
    }
}

/// The gadget or script a notice is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    /// Gadget name, page title, or file path.
    pub name: String,
    /// The pages (or files) whose loads the notice covers, sorted.
    pub pages: Vec<String>,
}

/// What a recipient receives. The sink decides it: the notice must be true
/// for the way the browser talks to the host, not for what the code means to
/// do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Data {
    /// Every request carries it.
    IpAddress,
    /// Every request carries it.
    UserAgent,
    /// The wiki's origin, from the `Referer` header under Wikimedia's
    /// `origin-when-cross-origin` referrer policy.
    WikiOrigin,
    /// A script (or JSONP, or a worker) runs with the reader's session: it can
    /// read every page the reader can and act as the reader.
    EverythingOnWiki,
    /// A fetch, XHR, beacon or socket: whatever the code puts in it.
    SentByCode,
    /// A frame: what the reader does inside it.
    FrameInteraction,
    /// A form: what the reader enters and submits.
    FormInput,
}

impl Data {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IpAddress => "ip-address",
            Self::UserAgent => "user-agent",
            Self::WikiOrigin => "wiki-origin",
            Self::EverythingOnWiki => "everything-on-wiki",
            Self::SentByCode => "sent-by-code",
            Self::FrameInteraction => "frame-interaction",
            Self::FormInput => "form-input",
        }
    }

    /// What a request through `sink` gives the host, beyond nothing.
    pub fn of_sink(sink: Sink) -> &'static [Self] {
        const NETWORK: [Data; 3] = [Data::IpAddress, Data::UserAgent, Data::WikiOrigin];
        match sink {
            Sink::Script | Sink::Jsonp | Sink::Worker => &[
                Self::IpAddress,
                Self::UserAgent,
                Self::WikiOrigin,
                Self::EverythingOnWiki,
            ],
            Sink::Fetch | Sink::Xhr | Sink::Beacon | Sink::Websocket => &[
                Self::IpAddress,
                Self::UserAgent,
                Self::WikiOrigin,
                Self::SentByCode,
            ],
            Sink::Iframe => &[
                Self::IpAddress,
                Self::UserAgent,
                Self::WikiOrigin,
                Self::FrameInteraction,
            ],
            Sink::Form => &[
                Self::IpAddress,
                Self::UserAgent,
                Self::WikiOrigin,
                Self::FormInput,
            ],
            // An event stream is a plain GET: what it sends is in the URL,
            // which the notice lists as visible fields.
            Sink::Style
            | Sink::Image
            | Sink::Font
            | Sink::Media
            | Sink::Prefetch
            | Sink::Eventsource
            | Sink::Module
            | Sink::Other => &NETWORK,
        }
    }
}

/// When the reader's browser contacts the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// Ungated: whenever the code runs, on every page view it runs on.
    EveryPageView,
    /// Inside a handler for a click, key or submit.
    AfterClick,
    /// After `confirm()` or a dialog answered yes.
    AfterConfirm,
    /// Behind a stored opt-in (a preference, local storage, a consent call).
    AfterOptIn,
    /// Gated, by something the scan did not name.
    AfterAction,
    /// The scan could not tell whether it is gated.
    Undetermined,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EveryPageView => "every-page-view",
            Self::AfterClick => "after-click",
            Self::AfterConfirm => "after-confirm",
            Self::AfterOptIn => "after-opt-in",
            Self::AfterAction => "after-action",
            Self::Undetermined => "undetermined",
        }
    }
}

/// Who runs the code, as the scan's import graph saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub kind: ExposureKind,
    /// For people, in English as the scan wrote it (`12 users`).
    pub label: String,
    /// How many users run it, where counted.
    pub users: Option<u64>,
}

/// One load behind a recipient or an undetermined entry, so a reader of the
/// notice can check it against the code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LoadRef {
    /// Page title, or file path.
    pub page: String,
    pub line: u32,
    pub api: String,
    pub sink: Sink,
    pub when: When,
}

/// One outside host the code makes the browser contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub host: String,
    /// The operator, from the entity data, when known.
    pub entity: Option<String>,
    pub tier: Tier,
    /// Union over the loads to this host, in [`Data`] order.
    pub receives: Vec<Data>,
    /// Query parameter names visible in the URLs, sorted.
    pub url_fields: Vec<String>,
    /// Union over the loads, in [`When`] order (every page view first).
    pub when: Vec<When>,
    pub loads: Vec<LoadRef>,
}

/// Why a load is listed as undetermined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The address is computed at run time and its host is not known.
    DynamicUrl,
    /// The host is not known, though the address is not marked dynamic.
    UnknownHost,
}

/// A load whose recipient offsite could not work out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Undetermined {
    pub reason: Reason,
    pub load: LoadRef,
    /// The expression that defeated resolution, as written in the code.
    pub expr: Option<String>,
}

/// The privacy notice of one gadget or script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub subject: Subject,
    pub exposure: Option<Exposure>,
    /// Third party first, then Wikimedia Cloud Services, then hosts of
    /// unknown tier; by host.
    pub recipients: Vec<Recipient>,
    pub undetermined: Vec<Undetermined>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests;
