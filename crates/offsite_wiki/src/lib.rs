//! Wiki structure on top of the loads the detector finds.
//!
//! - [`title`]: page titles normalised the MediaWiki way, so that
//!   `importScript('user:foo/bar_baz.js')` and the page `User:Foo/bar baz.js`
//!   are one node.
//! - [`definition`]: gadget definitions read exactly as the Gadgets extension
//!   reads them, from the legacy `MediaWiki:Gadgets-definition` page
//!   ([`parse_legacy`], every line it cannot use reported with its number)
//!   and from `MediaWiki:Gadgets/<id>.json` pages ([`parse_json`]).
//! - [`graph`]: the import graph between pages (on this wiki and others),
//!   gadgets, ResourceLoader modules and external URLs, with the entry
//!   points MediaWiki loads by itself, depths, cycles, chains, DOT and JSON.
//! - [`exposure`]: who runs each page (every reader, logged-in users, N users,
//!   nobody), handed to each load of a report ([`expose_loads`]), and a
//!   [`RankKey`] to sort findings by exposure × sink × consent.
//! - [`page_kind`]: how a page is treated (code, gadget definitions,
//!   nothing) from its namespace, title and content model.
//! - [`provenance`]: from a page's revision history, when each host arrived,
//!   who added it and whether it is still there.
//! - [`mod@inventory`]: the table of every non-first-party load per page and
//!   host, with its gadget, exposure and provenance, as JSON, CSV or a
//!   wikitext table, plus a roll-up per host.
//!
//! This crate is pure: no I/O, no network, no JavaScript parsing. The caller
//! scans pages with `offsite_detect`, fetches gadget usage figures, and hands
//! the results in. Rules for the domain are in `docs/wiki-structure.md`.

pub mod definition;
pub mod exposure;
pub mod graph;
pub mod inventory;
pub mod page_kind;
pub mod provenance;
pub mod title;

pub use definition::{
    DefinitionError, DefinitionOrigin, GadgetDefinition, GadgetKind, JsonDefinitionError,
    ParsedDefinitions, parse_json, parse_legacy,
};
pub use exposure::{
    Exposure, ExposureOptions, Exposures, GadgetUsage, NodeExposure, RankKey, expose_loads,
    rank_key,
};
pub use graph::{
    Edge, EdgeKind, EntryKind, GraphInput, ImportGraph, LoadRef, Node, PageLoads, WikiId,
};
pub use inventory::{
    HostRollup, Inventory, InventoryRow, PageExposures, exposure_label, inventory, inventory_host,
    inventory_hosts,
};
pub use page_kind::{PageKind, page_kind};
pub use provenance::{HostProvenance, ProvenanceTracker, RevisionMeta};
pub use title::{Namespace, Namespaces, Title, normalize_title};

/// Entry point for a cargo-fuzz target: any bytes through both definition
/// parsers. Must never panic.
pub fn fuzz_definitions(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let parsed = parse_legacy(&text);
    for g in &parsed.gadgets {
        let _ = g.validation_warnings();
    }
    let _ = parse_json("MediaWiki:Gadgets/Fuzz.json", &text);
    let _ = normalize_title(&text, &Namespaces::english());
}
