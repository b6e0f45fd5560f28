//! Markup strings handed to the page (`document.write`, `innerHTML`,
//! jQuery's `.append()`), scanned by the HTML front end. API names follow
//! the main detector: `document.write <script src>`, `.append() <img src>`.

use offsite_model::{DYNAMIC, Load, Resolution};
use tree_sitter::Node;

use super::sinks::{Finder, arguments};
use super::{callee_path, node_text};
use crate::Options;

/// jQuery methods that insert markup (and run its scripts).
const JQUERY_INSERT: [&str; 6] = [
    "html",
    "append",
    "prepend",
    "after",
    "before",
    "replaceWith",
];

/// Loads in markup that `node` (a call or assignment) inserts.
pub(super) fn loads<'t>(finder: &Finder<'_, 't>, node: Node<'t>, options: &Options) -> Vec<Load> {
    let text = finder.folder.text;
    let (api, markup): (String, Vec<Node<'t>>) = match node.kind() {
        "assignment_expression" => {
            let Some(left) = node
                .child_by_field_name("left")
                .filter(|l| l.kind() == "member_expression")
            else {
                return Vec::new();
            };
            let property = left
                .child_by_field_name("property")
                .map_or("", |p| node_text(p, text));
            if !matches!(property, "innerHTML" | "outerHTML") {
                return Vec::new();
            }
            (
                property.to_owned(),
                node.child_by_field_name("right").into_iter().collect(),
            )
        }
        "call_expression" => {
            let Some(function) = node.child_by_field_name("function") else {
                return Vec::new();
            };
            let args = arguments(node);
            match callee_path(function, text).as_deref() {
                Some(path @ ("document.write" | "document.writeln")) => (path.to_owned(), args),
                Some("$") => ("$()".to_owned(), args.into_iter().take(1).collect()),
                _ => match method(function, text) {
                    Some(("insertAdjacentHTML", _)) => (
                        "insertAdjacentHTML".to_owned(),
                        args.into_iter().skip(1).take(1).collect(),
                    ),
                    Some((m, receiver))
                        if JQUERY_INSERT.contains(&m) && jquery_like(receiver, text) =>
                    {
                        (format!(".{m}()"), args)
                    }
                    _ => return Vec::new(),
                },
            }
        }
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for arg in markup {
        let folded = finder.folder.fold(arg);
        if !folded.value.contains('<') {
            continue;
        }
        for mut load in crate::html::detect_fragment(&folded.value, 0, options) {
            // The DOM never runs a `<script>` inserted through innerHTML:
            // https://html.spec.whatwg.org/multipage/dynamic-markup-insertion.html#dom-element-innerhtml
            if matches!(
                api.as_str(),
                "innerHTML" | "outerHTML" | "insertAdjacentHTML"
            ) && load.api.starts_with("<script")
            {
                continue;
            }
            load.start = u32::try_from(node.start_byte()).unwrap_or(u32::MAX);
            load.end = u32::try_from(node.end_byte()).unwrap_or(u32::MAX);
            load.api = format!("{api} {}", load.api);
            if load.url.as_deref().is_none_or(|u| u.contains(DYNAMIC))
                && folded.dynamic_expr.is_some()
            {
                load.resolution = Resolution::Dynamic;
                load.dynamic_expr.clone_from(&folded.dynamic_expr);
            } else if load.resolution == Resolution::Literal {
                load.resolution = folded.resolution;
            }
            out.push(load);
        }
    }
    out
}

/// `(method, receiver)` of a member call.
fn method<'t>(function: Node<'t>, text: &'t str) -> Option<(&'t str, Node<'t>)> {
    if function.kind() != "member_expression" {
        return None;
    }
    let property = function.child_by_field_name("property")?;
    Some((
        node_text(property, text),
        function.child_by_field_name("object")?,
    ))
}

/// A jQuery object by naming convention: its chain starts at `$`, `jQuery`
/// or a `$name` variable (no types without a parse).
fn jquery_like(receiver: Node<'_>, text: &str) -> bool {
    let mut current = receiver;
    for _ in 0..64 {
        let next = match current.kind() {
            "call_expression" => current.child_by_field_name("function"),
            "member_expression" => current.child_by_field_name("object"),
            "parenthesized_expression" => current.named_child(0),
            "identifier" => {
                let name = node_text(current, text);
                return name.starts_with('$') || name == "jQuery";
            }
            _ => None,
        };
        match next {
            Some(n) => current = n,
            None => return false,
        }
    }
    false
}
