//! Consent on broken files, from bracket structure rather than the tree.
//!
//! Around a syntax error tree-sitter's tree can be shaped oddly (a whole
//! IIFE folded into one `ERROR` node, a function body read as an object
//! pattern), but its tokens are right. So the brackets open at each load are
//! worked out from the token stream, and each open `{` is read from the tokens
//! just before it: a function passed to `.on('click', …)` gates the load on a
//! user action, `if (confirm(…)) {` on a confirmation; IIFEs and callbacks of
//! other calls (`$(…)`, `mw.hook(…).add`, `.then`) are transparent; a
//! function that is stored or declared runs at a time only call-site analysis
//! could tell, so its loads are `unknown`.

use std::collections::HashMap;

use offsite_model::{Consent, ConsentKind, Load};
use tree_sitter::Tree;

use super::Preorder;
use crate::Options;

const UNKNOWN_REASON: &str = "file has syntax errors; consent analysed heuristically";

/// Events that only fire on a user's deliberate action.
const ACTION_EVENTS: [&str; 16] = [
    "click",
    "dblclick",
    "auxclick",
    "contextmenu",
    "submit",
    "change",
    "input",
    "select",
    "keydown",
    "keyup",
    "keypress",
    "mousedown",
    "mouseup",
    "pointerdown",
    "pointerup",
    "touchend",
];

/// One token; `string` and `regex` literals are single tokens so that the
/// brackets inside them do not count.
struct Token<'t> {
    kind: &'t str,
    text: &'t str,
    start: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Transparent,
    Unknown,
    Gated(ConsentKind, String),
}

/// Set consent on `loads` (sorted by start).
pub(super) fn apply(tree: &Tree, text: &str, options: &Options, loads: &mut [Load]) {
    let tokens = tokens(tree, text);
    let mut scan = Scan {
        tokens: &tokens,
        text,
        options,
        open: Vec::new(),
        matching: HashMap::new(),
    };
    let mut next = 0;
    for load in loads.iter_mut() {
        let start = load.start as usize;
        while next < tokens.len() && tokens[next].start < start {
            scan.feed(next);
            next += 1;
        }
        let verdict = scan.verdict(next);
        match verdict {
            Verdict::Transparent => {
                load.consent = Consent::Ungated;
                load.consent_kind = None;
                load.consent_reason = None;
            }
            Verdict::Unknown => {
                load.consent = Consent::Unknown;
                load.consent_kind = None;
                load.consent_reason = Some(UNKNOWN_REASON.to_owned());
            }
            Verdict::Gated(kind, reason) => {
                load.consent = Consent::Gated;
                load.consent_kind = Some(kind);
                load.consent_reason = Some(reason);
            }
        }
    }
}

fn tokens<'t>(tree: &'t Tree, text: &'t str) -> Vec<Token<'t>> {
    let mut out = Vec::new();
    let mut inside: Option<usize> = None;
    for node in Preorder::new(tree) {
        // Skip the children of a literal already taken as one token.
        if inside.is_some_and(|end| node.end_byte() <= end) {
            continue;
        }
        inside = None;
        let kind = node.kind();
        if node.is_missing() || kind == "comment" || kind == "html_comment" {
            continue;
        }
        if kind == "string" || kind == "regex" {
            inside = Some(node.end_byte());
        } else if node.child_count() > 0 || node.start_byte() == node.end_byte() {
            continue;
        }
        out.push(Token {
            kind,
            text: super::node_text(node, text),
            start: node.start_byte(),
        });
    }
    out
}

struct Scan<'a, 't> {
    tokens: &'a [Token<'t>],
    text: &'t str,
    options: &'a Options,
    /// Indices of the open `(`, `[`, `{` and `${` tokens, outermost first.
    open: Vec<usize>,
    /// Closing token index → its opening token index.
    matching: HashMap<usize, usize>,
}

impl<'t> Scan<'_, 't> {
    fn token(&self, index: Option<usize>) -> Option<&Token<'t>> {
        index.and_then(|i| self.tokens.get(i))
    }

    fn is(&self, index: Option<usize>, kind: &str) -> bool {
        self.token(index).is_some_and(|t| t.kind == kind)
    }

    fn feed(&mut self, index: usize) {
        let opener = match self.tokens[index].kind {
            "(" | "[" | "{" | "${" => {
                self.open.push(index);
                return;
            }
            ")" => "(",
            "]" => "[",
            "}" => "{",
            _ => return,
        };
        // A closer pops up to its opener; brackets left open in between were
        // never closed (the syntax error). A closer with no opener is ignored.
        let found = self.open.iter().rposition(|&o| {
            let kind = self.tokens[o].kind;
            kind == opener || (opener == "{" && kind == "${")
        });
        if let Some(position) = found {
            self.matching.insert(index, self.open[position]);
            self.open.truncate(position);
        }
    }

    /// Consent of a load whose first token is `next`.
    fn verdict(&self, next: usize) -> Verdict {
        let mut unknown = false;
        // A braceless `if (confirm(…)) load()`.
        if let Some(verdict) = self.braceless_if(next.checked_sub(1)) {
            return verdict;
        }
        for depth in (0..self.open.len()).rev() {
            match self.frame(depth) {
                gated @ Verdict::Gated(..) => return gated,
                Verdict::Unknown => unknown = true,
                Verdict::Transparent => {}
            }
        }
        if unknown {
            Verdict::Unknown
        } else {
            Verdict::Transparent
        }
    }

    fn braceless_if(&self, close: Option<usize>) -> Option<Verdict> {
        let close = close.filter(|&c| self.is(Some(c), ")"))?;
        let open = *self.matching.get(&close)?;
        self.is(open.checked_sub(1), "if")
            .then(|| self.condition(open, close))
    }

    /// What the bracket open at `open[depth]` says about consent.
    fn frame(&self, depth: usize) -> Verdict {
        let brace = self.open[depth];
        if self.tokens[brace].kind != "{" {
            return Verdict::Transparent;
        }
        let before = brace.checked_sub(1);
        match self.token(before).map(|t| t.kind) {
            Some("=>") => {
                let params = before.and_then(|b| b.checked_sub(1));
                let start = match params {
                    Some(p) if self.is(Some(p), ")") => self.matching.get(&p).copied(),
                    other => other,
                };
                self.function(depth, start)
            }
            Some(")") => {
                let Some(open) = before.and_then(|b| self.matching.get(&b).copied()) else {
                    return Verdict::Transparent;
                };
                let head = open.checked_sub(1);
                match self.token(head).map(|t| (t.kind, t.text)) {
                    Some(("if", _)) => self.condition(open, brace - 1),
                    Some(("function", _)) => self.function(depth, head),
                    Some(("*", _)) if self.is(head.and_then(|h| h.checked_sub(1)), "function") => {
                        self.function(depth, head.and_then(|h| h.checked_sub(1)))
                    }
                    Some(("identifier", _)) => {
                        let keyword = head.and_then(|h| h.checked_sub(1));
                        if self.is(keyword, "function") {
                            self.function(depth, keyword)
                        } else {
                            Verdict::Transparent
                        }
                    }
                    // A method (`name() {`, `get x() {`): called from elsewhere.
                    Some(("property_identifier", _)) => Verdict::Unknown,
                    _ => Verdict::Transparent,
                }
            }
            _ => Verdict::Transparent,
        }
    }

    /// A function whose first token (`function`, `async` or its parameters)
    /// is `start` and whose body is the brace open at `open[depth]`.
    fn function(&self, depth: usize, start: Option<usize>) -> Verdict {
        let Some(mut start) = start else {
            return Verdict::Unknown;
        };
        if self.is(start.checked_sub(1), "async") {
            start -= 1;
        }
        let context = start.checked_sub(1);
        match self.token(context).map(|t| t.kind) {
            Some("(" | ",") => {
                // An argument: the call's `(` is the bracket open just outside.
                let Some(paren) = depth.checked_sub(1).map(|d| self.open[d]) else {
                    return Verdict::Unknown;
                };
                if self.tokens[paren].kind != "(" {
                    return Verdict::Unknown;
                }
                self.callback(paren)
            }
            // `!function () {…}()`, `void function…`: an IIFE.
            Some("!" | "void" | "+" | "-" | "~") => Verdict::Transparent,
            _ => Verdict::Unknown,
        }
    }

    /// A function passed to the call whose argument list opens at `paren`.
    fn callback(&self, paren: usize) -> Verdict {
        let callee = paren.checked_sub(1);
        let Some(name) = self
            .token(callee)
            .filter(|t| matches!(t.kind, "identifier" | "property_identifier"))
        else {
            // `(function () {…})()`: grouping parentheses of an IIFE.
            return Verdict::Transparent;
        };
        let member = self.is(callee.and_then(|c| c.checked_sub(1)), ".");
        match name.text {
            "on" | "one" | "bind" | "live" | "delegate" | "addEventListener" => {
                let first = self.token(Some(paren + 1)).filter(|t| t.kind == "string");
                let events = first.map_or("", |t| t.text.trim_matches(['\'', '"']));
                let action = events
                    .split_whitespace()
                    .map(|e| e.split('.').next().unwrap_or(e).to_ascii_lowercase())
                    .find(|e| ACTION_EVENTS.contains(&e.as_str()));
                match action {
                    Some(event) => Verdict::Gated(ConsentKind::Action, format!("{event} handler")),
                    None => Verdict::Transparent,
                }
            }
            event if member && ACTION_EVENTS.contains(&event) => {
                Verdict::Gated(ConsentKind::Action, format!("{event} handler"))
            }
            "then" | "done" if member => {
                // `OO.ui.confirm(…).then(function (ok) {…})`.
                let object_end = callee
                    .and_then(|c| c.checked_sub(2))
                    .filter(|&e| self.is(Some(e), ")"));
                let call_open = object_end.and_then(|e| self.matching.get(&e).copied());
                if self
                    .token(call_open.and_then(|o| o.checked_sub(1)))
                    .is_some_and(|t| t.text == "confirm")
                {
                    Verdict::Gated(ConsentKind::Confirm, "OO.ui.confirm()".to_owned())
                } else {
                    Verdict::Transparent
                }
            }
            _ => Verdict::Transparent,
        }
    }

    /// An `if` whose condition spans the tokens between `open` and `close`.
    fn condition(&self, open: usize, close: usize) -> Verdict {
        let range = self.tokens.get(open + 1..close).unwrap_or(&[]);
        let calls = |name: &str| {
            range
                .windows(2)
                .any(|w| w[0].text == name && w[1].kind == "(")
        };
        if calls("confirm") {
            return Verdict::Gated(ConsentKind::Confirm, "confirm()".to_owned());
        }
        let (Some(first), Some(last)) = (range.first(), range.last()) else {
            return Verdict::Transparent;
        };
        let end = last.start + last.text.len();
        let source: String = self
            .text
            .get(first.start..end)
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let preference = self
            .options
            .consent_functions
            .iter()
            .map(String::as_str)
            .chain([
                "mw.user.options.get",
                "localStorage.getItem",
                "mw.storage.get",
            ])
            .find(|f| source.contains(&format!("{f}(")));
        match preference {
            Some(function) => Verdict::Gated(ConsentKind::Preference, format!("{function}()")),
            None => Verdict::Transparent,
        }
    }
}
