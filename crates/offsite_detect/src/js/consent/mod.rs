//! Consent gating: does a load run only after the user asked for it?
//!
//! # Policy
//!
//! From the node that performs a load we walk up the tree. The first thing
//! that decides the matter wins:
//!
//! - A **condition** that holds only with consent: the consequent of
//!   `if (confirm(…))`, the right of `confirm(…) && load()`, the statements
//!   after `if (!confirm(…)) return;` in the same block (any `return`,
//!   `throw`, `break` or `continue`), the same shapes with stored opt-ins
//!   (`mw.user.options.get('userjs-…' | 'gadget-…')`, `localStorage`,
//!   `sessionStorage`, `mw.storage`, `mw.cookie`, `$.cookie`, the configured
//!   consent functions), never-reassigned variables holding one of those,
//!   and the answer parameter of `OO.ui.confirm(…).done(function (ok) …)`.
//!   Comparisons count only against a value a person must have stored
//!   (`=== '1'`, `!== null`); `!== '0'` lets an unset value through.
//! - A **function boundary**: the load runs when the function runs, so the
//!   verdict is that of every place the function value goes (`sites.rs`):
//!   called (`f()`, IIFE, `.call`), registered as a handler for a user
//!   action (`click`, `submit`, `keydown`… via `addEventListener`, jQuery
//!   `.on/.one/.bind/.delegate`, shorthands like `.click(fn)`, OOUI `.on`
//!   and `.connect(ctx, { click: fn })`, `el.onclick = fn`,
//!   `$('<a>', { click: fn })`), passed to a *transparent* API that runs it
//!   as part of load (`$(fn)`, `.ready`, `mw.hook(…).add`, `.then/.done`,
//!   `mw.loader.using`, `setTimeout`, `forEach`/`$.each`, `$.getJSON`…), or
//!   passed to a local function (then each use of that parameter counts).
//!   Object methods are followed through `obj.key` reads (a dynamic
//!   `obj[name]()` counts as a possible way in); class methods through any
//!   property access of their name, constructors through `new C()`.
//!   jQuery UI dialog `buttons` run on click.
//! - The **program**: the load runs when the script loads (`ungated`).
//!
//! Over all the places a function goes, `ungated` beats `unknown`, which
//! beats `gated`: one way to run on load is enough to expose the reader.
//!
//! `unknown` is the answer whenever we cannot see every caller, because a
//! false `gated` hides a real exposure: a function that is exported
//! (`window.x = fn`, `mw.libs.x = fn`, `module.exports`, `export`) or
//! returned or stored; never called in the file; only called from itself;
//! passed to a function we do not know; registered for a hover / focus /
//! custom event; a class method. Top-level function declarations are *not*
//! taken as exported: ResourceLoader wraps gadget code in a closure.
//!
//! Known blind spots: a handler fired by code (`$(el).trigger('click')` or
//! `el.click()` elsewhere in the file) is taken for a user action unless the
//! trigger is chained on the registration; OOUI widgets also emit `change`
//! on `setValue()`; `this.method()` on object literals is not resolved
//! (`unknown`); opt-in checks are matched by name, so a minifier's renamed
//! `mw` hides them (`ungated`); `switch` on an opt-in is not read.
//!
//! Cost: the verdict of each function is memoised per file, recursion is cut
//! by an in-progress stack, and a per-file step budget turns pathological
//! input into `unknown` instead of a long run.

mod checks;
mod classes;
mod events;
mod sites;
mod stores;
#[cfg(test)]
mod tests;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;

use offsite_model::{Consent, ConsentKind};
use oxc::ast::AstKind;
use oxc::ast::ast::AssignmentTarget;
use oxc::semantic::{NodeId, Semantic, SymbolId};
use oxc::span::{GetSpan, Span};
use oxc::syntax::operator::LogicalOperator;

use crate::Options;

/// The verdict for one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub consent: Consent,
    pub kind: Option<ConsentKind>,
    /// What gates it (`click handler`, `confirm()`), or why it is unknown.
    pub reason: Option<String>,
}

impl Gate {
    fn gated(kind: ConsentKind, reason: impl Into<String>) -> Self {
        Self {
            consent: Consent::Gated,
            kind: Some(kind),
            reason: Some(reason.into()),
        }
    }

    fn ungated() -> Self {
        Self {
            consent: Consent::Ungated,
            kind: None,
            reason: None,
        }
    }

    fn unknown(reason: impl Into<String>) -> Self {
        Self {
            consent: Consent::Unknown,
            kind: None,
            reason: Some(reason.into()),
        }
    }

    /// Ordering for combining the ways a function can run: any ungated way
    /// wins, then any unknown one.
    fn exposure(&self) -> u8 {
        match self.consent {
            Consent::Gated => 0,
            Consent::Unknown => 1,
            Consent::Ungated => 2,
        }
    }
}

/// The result of one step of the analysis. `gate` is `None` when the path
/// found no way in (only recursion, or a use that never runs the function);
/// `low` is the shallowest in-progress function the result depended on
/// (`usize::MAX` for none), so that results short of a fixed point are not
/// memoised.
#[derive(Debug, Clone)]
struct Outcome {
    gate: Option<Gate>,
    low: usize,
}

impl Outcome {
    fn done(gate: Gate) -> Self {
        Self {
            gate: Some(gate),
            low: usize::MAX,
        }
    }

    fn ignore() -> Self {
        Self {
            gate: None,
            low: usize::MAX,
        }
    }

    fn unknown(reason: impl Into<String>) -> Self {
        Self::done(Gate::unknown(reason))
    }

    /// Combine the ways in: the most exposed one wins; ties keep the first.
    fn any_of(outcomes: impl IntoIterator<Item = Outcome>) -> Self {
        let mut combined = Self::ignore();
        for outcome in outcomes {
            combined.low = combined.low.min(outcome.low);
            combined.gate = match (combined.gate, outcome.gate) {
                (Some(a), Some(b)) => Some(if b.exposure() > a.exposure() { b } else { a }),
                (a, b) => a.or(b),
            };
            if combined
                .gate
                .as_ref()
                .is_some_and(|g| g.consent == Consent::Ungated)
            {
                // Nothing can make it less exposed, so no need to look on.
                return Self {
                    gate: combined.gate,
                    low: usize::MAX,
                };
            }
        }
        combined
    }
}

/// Steps allowed per node of the file before the analysis gives up.
const STEPS_PER_NODE: usize = 64;

/// Per-file consent analysis over oxc's semantic model (built with nodes).
pub struct ConsentAnalysis<'s, 'a> {
    semantic: &'s Semantic<'a>,
    consent_functions: Vec<String>,
    /// Final verdicts of functions (by their `Function` / arrow node).
    memo: RefCell<HashMap<NodeId, Gate>>,
    /// Functions being analysed, outermost first.
    in_progress: RefCell<Vec<NodeId>>,
    /// Symbols (and object properties) whose uses are being followed, with
    /// the `in_progress` frame that follows them.
    visiting: RefCell<Vec<(SymbolId, String, usize)>>,
    /// Nesting of site lookups, to keep the native stack small.
    depth: Cell<usize>,
    steps_left: Cell<usize>,
    /// Member accesses by property name, built on first need (class methods).
    member_index: OnceCell<HashMap<String, Vec<NodeId>>>,
    /// The first consent guard of each statement list (keyed by the list's
    /// address and length in the AST arena) and where it ends.
    first_guards: RefCell<HashMap<(usize, usize), FirstGuard>>,
}

/// A statement list's first consent guard and the offset where it ends.
type FirstGuard = Option<(u32, checks::Found)>;

impl<'s, 'a> ConsentAnalysis<'s, 'a> {
    pub fn new(semantic: &'s Semantic<'a>, options: &Options) -> Self {
        let budget = semantic
            .nodes()
            .len()
            .saturating_mul(STEPS_PER_NODE)
            .saturating_add(10_000);
        Self {
            semantic,
            consent_functions: options.consent_functions.clone(),
            memo: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(Vec::new()),
            visiting: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            steps_left: Cell::new(budget),
            member_index: OnceCell::new(),
            first_guards: RefCell::new(HashMap::new()),
        }
    }

    /// Gate of the load performed by AST node `node` (the call, `new`
    /// expression or assignment that performs the load).
    pub fn gate(&self, node: NodeId) -> Gate {
        if node.index() >= self.semantic.nodes().len() {
            return Gate::unknown("not a node of this file");
        }
        self.walk_from(node)
            .gate
            .unwrap_or_else(|| Gate::unknown("only reached through recursion"))
    }

    /// Spend one step; `false` once the file's budget is gone.
    fn step(&self) -> bool {
        let left = self.steps_left.get();
        self.steps_left.set(left.saturating_sub(1));
        left > 0
    }

    /// The verdict for code at `start`, from its ancestors up to the first
    /// condition, function boundary or the program.
    fn walk_from(&self, start: NodeId) -> Outcome {
        let nodes = self.semantic.nodes();
        let span = nodes.kind(start).span();
        for ancestor in nodes.ancestor_ids(start) {
            if !self.step() {
                return Outcome::unknown("analysis budget exceeded");
            }
            if let Some(found) = self.condition_at(nodes.kind(ancestor), span) {
                return Outcome::done(Gate::gated(found.kind, found.reason));
            }
            match nodes.kind(ancestor) {
                AstKind::Function(_) | AstKind::ArrowFunctionExpression(_) => {
                    return self.invocation(ancestor);
                }
                AstKind::PropertyDefinition(p) if !p.r#static => {
                    return Outcome::unknown("class field: runs when the class is instantiated");
                }
                AstKind::Program(_) => return Outcome::done(Gate::ungated()),
                _ => {}
            }
        }
        Outcome::done(Gate::ungated())
    }

    /// A consent condition that `ancestor` puts on its descendant at `span`.
    fn condition_at(&self, ancestor: AstKind<'a>, span: Span) -> Option<checks::Found> {
        match ancestor {
            AstKind::IfStatement(s) => {
                if s.consequent.span().contains_inclusive(span) {
                    self.truthy_means_consent(&s.test, 0)
                } else if s
                    .alternate
                    .as_ref()
                    .is_some_and(|a| a.span().contains_inclusive(span))
                {
                    self.falsy_means_consent(&s.test, 0)
                } else {
                    None
                }
            }
            AstKind::ConditionalExpression(c) => {
                if c.consequent.span().contains_inclusive(span) {
                    self.truthy_means_consent(&c.test, 0)
                } else if c.alternate.span().contains_inclusive(span) {
                    self.falsy_means_consent(&c.test, 0)
                } else {
                    None
                }
            }
            AstKind::LogicalExpression(l) if l.right.span().contains_inclusive(span) => {
                match l.operator {
                    LogicalOperator::And => self.truthy_means_consent(&l.left, 0),
                    LogicalOperator::Or => self.falsy_means_consent(&l.left, 0),
                    LogicalOperator::Coalesce => None,
                }
            }
            AstKind::Program(p) => self.early_exit_guard(&p.body, span.start),
            AstKind::FunctionBody(b) => self.early_exit_guard(&b.statements, span.start),
            AstKind::BlockStatement(b) => self.early_exit_guard(&b.body, span.start),
            AstKind::StaticBlock(b) => self.early_exit_guard(&b.body, span.start),
            AstKind::SwitchCase(c) => self.early_exit_guard(&c.consequent, span.start),
            _ => None,
        }
    }

    /// The verdict for the body of `function` (a `Function` or arrow node):
    /// memoised, with recursion cut at functions already being analysed.
    fn invocation(&self, function: NodeId) -> Outcome {
        if let Some(gate) = self.memo.borrow().get(&function) {
            return Outcome::done(gate.clone());
        }
        let depth = {
            let mut stack = self.in_progress.borrow_mut();
            if let Some(depth) = stack.iter().position(|&f| f == function) {
                return Outcome {
                    gate: None,
                    low: depth,
                };
            }
            stack.push(function);
            stack.len() - 1
        };
        let mut outcome = self.function_sites(function);
        self.in_progress.borrow_mut().truncate(depth);
        if outcome.low >= depth {
            // Every cycle this result went through closes here: it is final.
            let gate = outcome.gate.take().unwrap_or_else(|| {
                Gate::unknown(format!(
                    "{} is only called from itself",
                    self.describe(function)
                ))
            });
            self.memo.borrow_mut().insert(function, gate.clone());
            Outcome::done(gate)
        } else {
            outcome
        }
    }

    /// `function loadTool`, `function f` (for `var f = function`), or
    /// `anonymous function`, for reasons.
    fn describe(&self, function: NodeId) -> String {
        let nodes = self.semantic.nodes();
        if let AstKind::Function(f) = nodes.kind(function)
            && let Some(id) = &f.id
        {
            return format!("function {}", id.name.as_str());
        }
        let parent = nodes
            .ancestor_kinds(function)
            .find(|k| !matches!(k, AstKind::ParenthesizedExpression(_)));
        match parent {
            Some(AstKind::VariableDeclarator(d)) => match d.id.get_binding_identifier() {
                Some(id) => format!("function {}", id.name.as_str()),
                None => String::from("anonymous function"),
            },
            Some(AstKind::ObjectProperty(p)) => match p.key.static_name() {
                Some(name) => format!("method {name}"),
                None => String::from("anonymous function"),
            },
            Some(AstKind::AssignmentExpression(a)) => match &a.left {
                // `module.exports = function …` names nothing.
                AssignmentTarget::StaticMemberExpression(m)
                    if m.property.name.as_str() != "exports" =>
                {
                    format!("function {}", m.property.name.as_str())
                }
                AssignmentTarget::AssignmentTargetIdentifier(id) => {
                    format!("function {}", id.name.as_str())
                }
                _ => String::from("anonymous function"),
            },
            _ => String::from("anonymous function"),
        }
    }
}
