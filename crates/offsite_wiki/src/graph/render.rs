//! The graph as Graphviz DOT and as JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Edge, EntryKind, ImportGraph, Node, Unresolved, WikiId};

/// The JSON form of the graph (`offsite graph --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct GraphJson<'a> {
    pub wiki: &'a WikiId,
    pub nodes: Vec<NodeJson<'a>>,
    pub edges: &'a [Edge],
    /// Node ids of each import cycle.
    pub cycles: Vec<Vec<usize>>,
    pub unresolved: &'a [Unresolved],
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeJson<'a> {
    pub id: usize,
    #[serde(flatten)]
    pub node: &'a Node,
    /// How MediaWiki loads it, when it is an entry point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<&'a EntryKind>,
    /// Scanned page or defined gadget (false: only named by some load).
    pub known: bool,
    /// Fewest loads from an entry point; absent for orphans.
    pub depth: Option<u32>,
}

impl ImportGraph {
    pub fn to_json_value(&self) -> GraphJson<'_> {
        let depths = self.depths();
        GraphJson {
            wiki: &self.wiki,
            nodes: self
                .nodes
                .iter()
                .enumerate()
                .map(|(id, node)| NodeJson {
                    id,
                    node,
                    entry: self.entries[id].as_ref(),
                    known: self.known[id],
                    depth: depths[id],
                })
                .collect(),
            edges: &self.edges,
            cycles: self.cycles(),
            unresolved: &self.unresolved,
        }
    }

    /// Pretty-printed JSON of [`GraphJson`].
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings and numbers into a String
        // cannot fail; fall back to an empty object rather than panic.
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Graphviz DOT: pages are boxes, gadgets components, modules ellipses,
    /// external URLs red octagons; entry points have a double border and
    /// nodes no entry point reaches are dashed.
    pub fn to_dot(&self) -> String {
        let depths = self.depths();
        let mut out =
            String::from("digraph imports {\n  rankdir=LR;\n  node [fontname=\"sans-serif\"];\n");
        for (id, node) in self.nodes.iter().enumerate() {
            let (label, shape) = match node {
                Node::Page { wiki, title } if *wiki == self.wiki.host => (title.clone(), "box"),
                Node::Page { wiki, title } => (format!("{wiki}\n{title}"), "box"),
                Node::Gadget { name } => (format!("gadget {name}"), "component"),
                Node::Module { name } => (name.clone(), "ellipse"),
                Node::External { url } => (url.clone(), "octagon"),
            };
            let mut attrs = format!("label=\"{}\", shape={shape}", escape(&label));
            if self.entries[id].is_some() {
                attrs.push_str(", peripheries=2");
            }
            if matches!(node, Node::External { .. }) {
                attrs.push_str(", color=red");
            }
            if depths[id].is_none() {
                attrs.push_str(", style=dashed");
            }
            let _ = writeln!(out, "  n{id} [{attrs}];");
        }
        for e in &self.edges {
            let kind = serde_json::to_value(e.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  n{} -> n{} [label=\"{}\"];",
                e.from,
                e.to,
                escape(&kind)
            );
        }
        out.push_str("}\n");
        out
    }
}

/// DOT double-quoted string: escape `"` and `\`, turn line breaks into `\n`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}
