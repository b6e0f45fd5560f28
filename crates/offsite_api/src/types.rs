//! What the operations return: strict types read from the API's lenient JSON.

use serde::{Deserialize, Serialize};

/// The page that holds legacy (wikitext) gadget definitions.
pub const GADGETS_DEFINITION: &str = "MediaWiki:Gadgets-definition";

/// Content models whose pages can run or style something in a reader's browser, or
/// define gadgets: `javascript`, `css`, `sanitized-css` (`TemplateStyles`), `json` (gadget
/// data, user settings) and `GadgetDefinition` (JSON gadget definitions).
pub const SCRIPT_MODELS: &[&str] = &[
    "javascript",
    "css",
    "sanitized-css",
    "json",
    "GadgetDefinition",
];

/// Whether the crawl wants a page: a script-like content model, or the legacy gadget
/// definition page (which is wikitext).
pub fn is_wanted(title: &str, content_model: &str) -> bool {
    SCRIPT_MODELS.contains(&content_model) || title == GADGETS_DEFINITION
}

/// `meta=siteinfo`: who the wiki is and where its scripts live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// `wikiid` (the database name on Wikimedia wikis, e.g. `enwiki`).
    pub wiki_id: String,
    pub site_name: String,
    /// `server`, e.g. `//en.wikipedia.org` (protocol-relative on Wikimedia) or `http://127.0.0.1:8091`.
    pub server: String,
    pub server_name: String,
    /// `scriptpath`, e.g. `/w`; empty when MediaWiki is at the root.
    pub script_path: String,
    /// `script`, e.g. `/w/index.php`: where `importScript` loads `action=raw` from.
    pub script: String,
    /// `articlepath`, e.g. `/wiki/$1`.
    pub article_path: String,
    /// `generator`, e.g. `MediaWiki 1.39.17`.
    pub generator: String,
    pub namespaces: Vec<Namespace>,
}

/// One namespace of the wiki, with its local and canonical names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    pub id: i64,
    pub name: String,
    pub canonical: Option<String>,
}

/// A listed page, before its content is fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    pub title: String,
    pub ns: i64,
    pub page_id: u64,
    pub content_model: String,
}

/// A page with the text of its current revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WikiPage {
    pub title: String,
    pub ns: i64,
    pub page_id: u64,
    /// Revision id of the text.
    pub revision: u64,
    /// ISO 8601 UTC, e.g. `2026-11-25T05:24:11Z`.
    pub timestamp: String,
    /// `None` when the user name is hidden (revision deletion).
    pub user: Option<String>,
    pub content_model: String,
    pub text: String,
    /// Hex SHA-1 of the text (the API's form; dumps use base 36).
    pub sha1: Option<String>,
}

/// One gadget from `list=gadgets` (metadata as the Gadgets extension resolved it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Gadget {
    pub id: String,
    /// The description message, rendered; `⧼gadget-ID⧽` when the message page is missing.
    #[serde(rename = "desc")]
    pub description: Option<String>,
    pub settings: GadgetSettings,
    pub module: GadgetModule,
}

/// `metadata.settings` of a gadget. `type=styles` and `targets` are not reported by the
/// API (1.39); read them from the definition page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct GadgetSettings {
    pub rights: Vec<String>,
    pub skins: Vec<String>,
    pub actions: Vec<String>,
    pub namespaces: Vec<i64>,
    #[serde(rename = "contentModels")]
    pub content_models: Vec<String>,
    pub categories: Vec<String>,
    pub default: bool,
    pub hidden: bool,
    pub package: bool,
    pub shared: bool,
    pub category: String,
    /// A gadget not on ResourceLoader: listed, but MediaWiki 1.39 never loads it.
    pub legacyscripts: bool,
    #[serde(rename = "supportsUrlLoad")]
    pub supports_url_load: bool,
    #[serde(rename = "requiresES6")]
    pub requires_es6: bool,
}

/// `metadata.module` of a gadget: its pages and ResourceLoader relations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct GadgetModule {
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
    pub datas: Vec<String>,
    pub dependencies: Vec<String>,
    pub peers: Vec<String>,
    pub messages: Vec<String>,
}

/// Special:GadgetUsage as `list=querypage` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GadgetUsageList {
    /// Served from the cache of an expensive query page (`$wgMiserMode`); empty until
    /// `updateSpecialPages.php` has run on the wiki.
    pub cached: bool,
    pub cached_timestamp: Option<String>,
    pub entries: Vec<GadgetUsage>,
}

/// One gadget's preference counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GadgetUsage {
    pub gadget: String,
    /// Users who set the preference explicitly (`SUM(up_value)`). Default gadgets store
    /// only opt-outs as 0, so for them this says nothing about how many use it.
    pub users: u64,
    /// How many of those users are active; `None` when the wiki does not track it.
    pub active_users: Option<u64>,
}

/// Pages changed in some namespaces since a time (from recent changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Changes {
    /// Titles created, edited, restored, imported or moved in, in title order.
    pub changed: Vec<String>,
    /// Titles that no longer hold a page: deleted, or moved away without a redirect.
    pub removed: Vec<RemovedPage>,
}

/// A title whose page went away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedPage {
    pub title: String,
    pub removal: Removal,
}

/// How a page went away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    Deleted,
    MovedTo(String),
}
