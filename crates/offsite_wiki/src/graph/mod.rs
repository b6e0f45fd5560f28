//! The import graph: which page, gadget or module pulls which, from the
//! entry points MediaWiki itself loads (site scripts, users' own scripts,
//! gadgets) down to third-party URLs.
//!
//! The graph is drawn from the point of view of a reader of one wiki
//! ([`WikiId`]). Code runs on the wiki that shows the page, wherever it is
//! stored: `importScript('X')` inside `meta:User:A/global.js` loads *this*
//! wiki's page `X`, and `mw.loader.load('ext.gadget.Y')` in a page fetched from
//! another wiki loads *this* wiki's gadget `Y`. Only a load that names another
//! host (`//meta.wikimedia.org/w/index.php?title=...&action=raw`) leaves the wiki.

mod entry;
mod render;
mod traverse;

pub use entry::{EntryKind, SITE_SKINS, USER_SKINS, entry_kind};
pub use render::GraphJson;
pub use traverse::{MAX_CHAIN_LEN, MAX_CHAINS};

use std::collections::{BTreeMap, HashMap};

use offsite_model::{Consent, DYNAMIC, Load, ReportedLoad, Sink, Tier};
use serde::{Deserialize, Serialize};

use crate::definition::{GadgetDefinition, gadget_of_module};
use crate::title::{Namespaces, Title};

/// The wiki whose readers the graph is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WikiId {
    /// Canonical host, `en.wikipedia.org`.
    pub host: String,
    /// Database name, `enwiki`.
    pub dbname: Option<String>,
    /// Where `User:X/global.js|css` live (`GlobalCssJs`), `meta.wikimedia.org`
    /// on Wikimedia wikis; `None` where the extension is not installed.
    pub central_host: Option<String>,
}

impl WikiId {
    pub fn new(host: &str) -> Self {
        Self {
            host: canonical_host(host),
            dbname: None,
            central_host: None,
        }
    }

    /// A Wikimedia wiki: `GlobalCssJs` pages come from Meta-Wiki.
    pub fn wikimedia(host: &str, dbname: &str) -> Self {
        Self {
            host: canonical_host(host),
            dbname: Some(dbname.to_owned()),
            central_host: Some("meta.wikimedia.org".to_owned()),
        }
    }

    fn central(&self) -> Option<String> {
        self.central_host.as_deref().map(canonical_host)
    }
}

/// Lower-case, without port or trailing dot, and the mobile host folded into
/// the desktop one (`en.m.wikipedia.org` → `en.wikipedia.org`,
/// `m.wikidata.org` → `www.wikidata.org`): both serve the same pages.
pub fn canonical_host(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h.to_owned(),
        _ => host,
    };
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        ["m", rest @ ..] if rest.len() >= 2 => format!("www.{}", rest.join(".")),
        [first, "m", rest @ ..] if rest.len() >= 2 => format!("{first}.{}", rest.join(".")),
        _ => host,
    }
}

/// What the graph needs of one load; built from a detector [`Load`] or a
/// reported [`ReportedLoad`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadRef {
    pub api: String,
    pub sink: Sink,
    pub url: Option<String>,
    pub host: Option<String>,
    pub same_wiki: bool,
    pub page: Option<String>,
    pub modules: Vec<String>,
    pub consent: Consent,
    pub tier: Option<Tier>,
    /// 1-based line, when known.
    pub line: Option<u32>,
}

impl From<&Load> for LoadRef {
    fn from(l: &Load) -> Self {
        Self {
            api: l.api.clone(),
            sink: l.sink,
            url: l.url.clone(),
            host: l.host.clone(),
            same_wiki: l.same_wiki,
            page: l.page.clone(),
            modules: l.modules.clone(),
            consent: l.consent,
            tier: None,
            line: None,
        }
    }
}

impl From<&ReportedLoad> for LoadRef {
    fn from(l: &ReportedLoad) -> Self {
        Self {
            api: l.api.clone(),
            sink: l.sink,
            url: l.url.clone(),
            host: l.host.clone(),
            // A reported load has no flag: a page or URL without a host is this wiki's.
            same_wiki: l.host.is_none() && (l.page.is_some() || l.url.is_some()),
            page: l.page.clone(),
            modules: l.modules.clone(),
            consent: l.consent,
            tier: Some(l.tier),
            line: Some(l.line),
        }
    }
}

/// One scanned page and the loads found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLoads {
    /// Host of the wiki the page is stored on; `None` for the graph's wiki.
    pub wiki: Option<String>,
    pub title: String,
    pub loads: Vec<LoadRef>,
}

impl PageLoads {
    pub fn new(title: impl Into<String>, loads: impl IntoIterator<Item = LoadRef>) -> Self {
        Self {
            wiki: None,
            title: title.into(),
            loads: loads.into_iter().collect(),
        }
    }

    #[must_use]
    pub fn on_wiki(mut self, host: &str) -> Self {
        self.wiki = Some(canonical_host(host));
        self
    }
}

/// A vertex of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Node {
    /// A wiki page, on this wiki or another (`wiki` is its canonical host).
    Page { wiki: String, title: String },
    /// A gadget of this wiki.
    Gadget { name: String },
    /// A ResourceLoader module that is not a gadget (`mediawiki.util`).
    Module { name: String },
    /// A URL outside the wiki.
    External { url: String },
}

impl Node {
    /// A short label for text output.
    pub fn label(&self) -> String {
        match self {
            Self::Page { wiki, title } => format!("{wiki}:{title}"),
            Self::Gadget { name } => format!("gadget:{name}"),
            Self::Module { name } => format!("module:{name}"),
            Self::External { url } => url.clone(),
        }
    }

    /// [`Node::label`], with pages of the wiki at `own_host` by title alone.
    pub fn label_on(&self, own_host: &str) -> String {
        match self {
            Self::Page { wiki, title } if wiki == own_host => title.clone(),
            other => other.label(),
        }
    }
}

/// Why one node pulls another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// `importScript` / `importStylesheet`: a page of this wiki.
    Import,
    /// An `index.php?title=...&action=raw` URL on this wiki.
    RawLoad,
    /// An `action=raw` URL on another wiki.
    CrossWiki,
    /// `mw.loader.load` / `using` of a module (`ext.gadget.X` is gadget X).
    ModuleLoad,
    /// A gadget's own page.
    GadgetPage,
    /// A gadget's `dependencies`.
    Dependency,
    /// A gadget's `peers`.
    Peer,
    /// A load of a URL outside the wiki.
    External,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// The loading API, for edges that come from code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink: Option<Sink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A load the graph could not follow: its target is computed at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    pub from: usize,
    pub api: String,
    pub target: String,
}

/// Everything the graph is built from.
#[derive(Debug, Clone, Copy)]
pub struct GraphInput<'a> {
    pub wiki: &'a WikiId,
    /// This wiki's namespaces; pages on other wikis are read with the
    /// canonical English names every wiki accepts.
    pub namespaces: &'a Namespaces,
    pub pages: &'a [PageLoads],
    pub gadgets: &'a [GadgetDefinition],
}

/// The import graph of one wiki. Node ids are indexes into [`ImportGraph::nodes`].
#[derive(Debug, Clone)]
pub struct ImportGraph {
    pub wiki: WikiId,
    nodes: Vec<Node>,
    index: HashMap<Node, usize>,
    /// Per node: how MediaWiki itself loads it, if it does.
    entries: Vec<Option<EntryKind>>,
    /// Per node: the page was among the scanned ones (or the gadget is defined).
    known: Vec<bool>,
    edges: Vec<Edge>,
    out: Vec<Vec<usize>>,
    inc: Vec<Vec<usize>>,
    gadgets: BTreeMap<String, GadgetDefinition>,
    unresolved: Vec<Unresolved>,
    canonical: Namespaces,
    namespaces: Namespaces,
}

impl ImportGraph {
    pub fn build(input: GraphInput<'_>) -> Self {
        let mut g = Self {
            wiki: WikiId {
                host: canonical_host(&input.wiki.host),
                ..input.wiki.clone()
            },
            nodes: Vec::new(),
            index: HashMap::new(),
            entries: Vec::new(),
            known: Vec::new(),
            edges: Vec::new(),
            out: Vec::new(),
            inc: Vec::new(),
            gadgets: BTreeMap::new(),
            unresolved: Vec::new(),
            canonical: Namespaces::english(),
            namespaces: input.namespaces.clone(),
        };
        for def in input.gadgets {
            // The extension keeps the last definition of a name.
            g.gadgets.insert(def.id.clone(), def.clone());
        }
        for name in g.gadgets.keys().cloned().collect::<Vec<_>>() {
            let id = g.intern(Node::Gadget { name });
            g.known[id] = true;
        }
        let mut pages: Vec<&PageLoads> = input.pages.iter().collect();
        pages.sort_by_cached_key(|p| g.page_node(p.wiki.as_deref(), &p.title));
        let page_ids: Vec<usize> = pages
            .iter()
            .map(|p| {
                let id = g.intern(g.page_node(p.wiki.as_deref(), &p.title));
                g.known[id] = true;
                id
            })
            .collect();
        let defs: Vec<GadgetDefinition> = g.gadgets.values().cloned().collect();
        for def in &defs {
            g.add_gadget_edges(def);
        }
        for (page, id) in pages.iter().zip(page_ids) {
            for load in &page.loads {
                g.add_load(id, load);
            }
        }
        g.edges.sort_by_key(|e| (e.from, e.to, e.kind));
        g.edges.dedup_by_key(|e| (e.from, e.to, e.kind));
        for (i, e) in g.edges.iter().enumerate() {
            g.out[e.from].push(i);
            g.inc[e.to].push(i);
        }
        g
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    pub fn node_id(&self, node: &Node) -> Option<usize> {
        self.index.get(node).copied()
    }

    /// The node of a page, with the title normalised the way the graph does.
    pub fn page(&self, wiki: Option<&str>, title: &str) -> Node {
        self.page_node(wiki, title)
    }

    pub fn entry_kind(&self, id: usize) -> Option<&EntryKind> {
        self.entries.get(id).and_then(Option::as_ref)
    }

    /// Was the page scanned (or the gadget defined)? Targets that were not are
    /// pages the code names but that the input did not contain.
    pub fn is_known(&self, id: usize) -> bool {
        self.known.get(id).copied().unwrap_or(false)
    }

    pub fn gadget(&self, name: &str) -> Option<&GadgetDefinition> {
        self.gadgets.get(name)
    }

    pub fn unresolved(&self) -> &[Unresolved] {
        &self.unresolved
    }

    pub(crate) fn outgoing(&self, id: usize) -> impl Iterator<Item = &Edge> {
        self.out[id].iter().map(|&e| &self.edges[e])
    }

    pub(crate) fn incoming(&self, id: usize) -> impl Iterator<Item = &Edge> {
        self.inc[id].iter().map(|&e| &self.edges[e])
    }

    fn page_node(&self, wiki: Option<&str>, title: &str) -> Node {
        let wiki = wiki.map_or_else(|| self.wiki.host.clone(), canonical_host);
        let ns = if wiki == self.wiki.host {
            &self.namespaces
        } else {
            &self.canonical
        };
        Node::Page {
            title: ns.parse(title).full(),
            wiki,
        }
    }

    fn parsed_title(&self, wiki: &str, title: &str) -> Title {
        if wiki == self.wiki.host {
            self.namespaces.parse(title)
        } else {
            self.canonical.parse(title)
        }
    }

    fn intern(&mut self, node: Node) -> usize {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let id = self.nodes.len();
        let entry = match &node {
            Node::Page { wiki, title } => {
                let t = self.parsed_title(wiki, title);
                entry_kind(&self.wiki.host, self.wiki.central().as_deref(), wiki, &t)
            }
            Node::Gadget { .. } => Some(EntryKind::Gadget),
            Node::Module { .. } | Node::External { .. } => None,
        };
        self.index.insert(node.clone(), id);
        self.nodes.push(node);
        self.entries.push(entry);
        self.known.push(false);
        self.out.push(Vec::new());
        self.inc.push(Vec::new());
        id
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind, load: Option<&LoadRef>) {
        self.edges.push(Edge {
            from,
            to,
            kind,
            api: load.map(|l| l.api.clone()),
            sink: load.map(|l| l.sink),
            consent: load.map(|l| l.consent),
            tier: load.and_then(|l| l.tier),
            line: load.and_then(|l| l.line),
        });
    }

    /// `ext.gadget.X` is gadget X (defined or not); anything else a module.
    fn module_node(&mut self, name: &str) -> usize {
        match gadget_of_module(name) {
            Some(gadget) => self.intern(Node::Gadget {
                name: gadget.to_owned(),
            }),
            None => self.intern(Node::Module {
                name: name.to_owned(),
            }),
        }
    }

    fn add_gadget_edges(&mut self, def: &GadgetDefinition) {
        let Some(from) = self.node_id(&Node::Gadget {
            name: def.id.clone(),
        }) else {
            return;
        };
        for page in &def.pages {
            let to = self.intern(self.page_node(None, page));
            self.edge(from, to, EdgeKind::GadgetPage, None);
        }
        // Empty names (`dependencies=`) are kept by the parser, as the
        // extension keeps them, but name nothing to load.
        for dep in def.dependencies.iter().filter(|d| !d.is_empty()) {
            let to = self.module_node(dep);
            self.edge(from, to, EdgeKind::Dependency, None);
        }
        for peer in def.peers.iter().filter(|p| !p.is_empty()) {
            // Peers are gadget names; tolerate a module name.
            let name = gadget_of_module(peer).unwrap_or(peer).to_owned();
            let to = self.intern(Node::Gadget { name });
            self.edge(from, to, EdgeKind::Peer, None);
        }
    }

    fn add_load(&mut self, from: usize, load: &LoadRef) {
        if !load.modules.is_empty() {
            for module in &load.modules {
                if module.contains(DYNAMIC) {
                    self.unresolve(from, load, module);
                    continue;
                }
                let to = self.module_node(module);
                self.edge(from, to, EdgeKind::ModuleLoad, Some(load));
            }
            return;
        }
        let target_host = load.host.as_deref().map(canonical_host);
        // No host and not marked same-wiki: the host is computed at run time.
        // A page named that way is still read as this wiki's.
        let unknown_host = !load.same_wiki && target_host.is_none();
        let on_this_wiki = load.same_wiki
            || unknown_host
            || target_host.as_deref() == Some(self.wiki.host.as_str());
        if let Some(page) = &load.page {
            if page.contains(DYNAMIC) {
                self.unresolve(from, load, page);
                return;
            }
            let (wiki, kind) = if on_this_wiki {
                let kind = if load.api.starts_with("import") {
                    EdgeKind::Import
                } else {
                    EdgeKind::RawLoad
                };
                (None, kind)
            } else {
                (target_host.as_deref(), EdgeKind::CrossWiki)
            };
            let to = self.intern(self.page_node(wiki, page));
            self.edge(from, to, kind, Some(load));
            return;
        }
        match &load.url {
            Some(url) if unknown_host => self.unresolve(from, load, url),
            Some(url) if !on_this_wiki => {
                let to = self.intern(Node::External { url: url.clone() });
                self.edge(from, to, EdgeKind::External, Some(load));
            }
            // A URL of this wiki that is not a page (api.php, load.php): stays home.
            Some(_) => {}
            None => self.unresolve(from, load, DYNAMIC),
        }
    }

    fn unresolve(&mut self, from: usize, load: &LoadRef, target: &str) {
        self.unresolved.push(Unresolved {
            from,
            api: load.api.clone(),
            target: target.to_owned(),
        });
    }
}

#[cfg(test)]
mod tests;
