//! Which DOM / jQuery / OOUI events are a user asking for something, and
//! which callback-taking APIs run their callback as part of page load.

use oxc::ast::ast::Expression;

/// What a handler for a set of event names means for consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum EventClass {
    /// Every event is an explicit user action (`click`, `submit`, `keydown`).
    Action,
    /// At least one event fires on its own during page load (`load`,
    /// `DOMContentLoaded`): the handler is as ungated as its registration.
    OnLoad,
    /// An event that needs the user but is not a request (`mouseover`,
    /// `focus`, `scroll`) or one we do not know (custom events).
    Other(String),
}

/// Events a person fires on purpose. `select` is left out because OOUI's
/// `select` also fires on programmatic `selectItem()`.
const USER_EVENTS: &[&str] = &[
    "click",
    "dblclick",
    "auxclick",
    "contextmenu",
    "submit",
    "reset",
    "change",
    "input",
    "beforeinput",
    "keydown",
    "keyup",
    "keypress",
    "mousedown",
    "mouseup",
    "pointerdown",
    "pointerup",
    "touchstart",
    "touchend",
    "drop",
    "paste",
    "cut",
    "copy",
    // OOUI: emitted only when the user picks an item.
    "choose",
];

/// Events that fire during page load without anyone doing anything.
const LOAD_EVENTS: &[&str] = &[
    "load",
    "domcontentloaded",
    "readystatechange",
    "pageshow",
    "ready",
];

/// Need a person, but nobody asked for anything by hovering or scrolling.
const PASSIVE_EVENTS: &[&str] = &[
    "mouseover",
    "mouseenter",
    "mousemove",
    "mouseout",
    "mouseleave",
    "hover",
    "focus",
    "focusin",
    "focusout",
    "blur",
    "scroll",
    "wheel",
    "resize",
    "hashchange",
    "popstate",
    "visibilitychange",
    "message",
];

/// jQuery shorthand methods that register a handler for the event of the
/// same name (`.click(fn)`). Without a function argument they *trigger* it.
pub(super) fn is_event_shorthand(method: &str) -> bool {
    USER_EVENTS.contains(&method) || PASSIVE_EVENTS.contains(&method)
}

/// Classify a jQuery / DOM event string: space-separated names, each with
/// optional jQuery namespaces (`click.myGadget`).
pub(super) fn classify_events(spec: &str) -> EventClass {
    let mut other = None;
    let mut any = false;
    for raw in spec.split_whitespace() {
        let name = raw.split('.').next().unwrap_or(raw).to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        any = true;
        if LOAD_EVENTS.contains(&name.as_str()) {
            return EventClass::OnLoad;
        }
        if !USER_EVENTS.contains(&name.as_str()) && other.is_none() {
            other = Some(name);
        }
    }
    match (any, other) {
        (false, _) => EventClass::Other(String::from("an empty event name")),
        (true, Some(name)) => EventClass::Other(name),
        (true, None) => EventClass::Action,
    }
}

/// The reason for an [`EventClass::Other`] handler.
pub(super) fn other_event_reason(name: &str) -> String {
    if PASSIVE_EVENTS.contains(&name) {
        format!("'{name}' handler: runs without an explicit request")
    } else {
        format!("handler for event '{name}'; when it fires is unknown")
    }
}

/// Methods whose function argument runs as part of the caller's own flow
/// (now, on DOM ready, after a request the caller made, once per item).
pub(super) const TRANSPARENT_METHODS: &[&str] = &[
    "ready",
    "then",
    "done",
    "always",
    "fail",
    "catch",
    "finally",
    "progress",
    "pipe",
    "forEach",
    "map",
    "filter",
    "some",
    "every",
    "reduce",
    "reduceRight",
    "find",
    "findIndex",
    "findLast",
    "flatMap",
    "sort",
    "each",
    "grep",
    "using",
    "getScript",
    "getJSON",
    "get",
    "post",
    "ajax",
    "load",
    "Deferred",
    "setTimeout",
    "setInterval",
    "requestAnimationFrame",
    "requestIdleCallback",
    "queueMicrotask",
];

/// Global functions and constructors that run their callback on load.
pub(super) const TRANSPARENT_FUNCTIONS: &[&str] = &[
    "setTimeout",
    "setInterval",
    "requestAnimationFrame",
    "requestIdleCallback",
    "queueMicrotask",
    "Promise",
    "MutationObserver",
    "IntersectionObserver",
    "ResizeObserver",
];

/// Options of `$.ajax({...})` that hold callbacks run after the request.
pub(super) const AJAX_CALLBACKS: &[&str] = &["success", "error", "complete", "beforeSend"];

/// Methods that register a handler with the event name as an argument.
pub(super) fn registration_event_index(method: &str) -> Option<usize> {
    match method {
        "addEventListener" | "on" | "one" | "bind" | "live" | "attachEvent" => Some(0),
        "delegate" => Some(1),
        _ => None,
    }
}

/// Methods that remove a handler: passing a function to them never runs it.
pub(super) fn is_unregistration(method: &str) -> bool {
    matches!(
        method,
        "off" | "removeEventListener" | "unbind" | "die" | "undelegate" | "detachEvent"
    )
}

/// `a.b.c` for an identifier / static member chain, with `this` and string
/// computed members; `None` for anything dynamic.
pub(super) fn dotted_path(expr: &Expression<'_>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::Identifier(id) => Some(id.name.as_str().to_owned()),
        Expression::ThisExpression(_) => Some(String::from("this")),
        Expression::StaticMemberExpression(m) => {
            let object = dotted_path(&m.object)?;
            Some(format!("{object}.{}", m.property.name.as_str()))
        }
        Expression::ComputedMemberExpression(m) => {
            let object = dotted_path(&m.object)?;
            let Expression::StringLiteral(key) = m.expression.get_inner_expression() else {
                return None;
            };
            Some(format!("{object}.{}", key.value.as_str()))
        }
        _ => None,
    }
}

/// The path with a leading global-object qualifier removed, so that
/// `window.confirm` and `confirm` compare equal.
pub(super) fn unqualified(path: &str) -> &str {
    ["window.", "globalThis.", "self."]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))
        .unwrap_or(path)
}

/// The value of a string literal or a template literal without
/// substitutions.
pub(super) fn static_string<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    match expr.get_inner_expression() {
        Expression::StringLiteral(s) => Some(s.value.as_str()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
            t.quasis.first().map(|q| q.value.raw.as_str())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_events_with_namespaces_are_actions() {
        assert_eq!(
            classify_events("click.myGadget keydown"),
            EventClass::Action
        );
    }

    #[test]
    fn any_load_event_makes_the_handler_run_on_load() {
        assert_eq!(classify_events("click load"), EventClass::OnLoad);
        assert_eq!(classify_events("DOMContentLoaded"), EventClass::OnLoad);
    }

    #[test]
    fn hover_and_custom_events_are_other() {
        assert_eq!(
            classify_events("click mouseover"),
            EventClass::Other("mouseover".into())
        );
        assert_eq!(
            classify_events("mygadget:open"),
            EventClass::Other("mygadget:open".into())
        );
        assert!(matches!(classify_events("  "), EventClass::Other(_)));
    }

    #[test]
    fn unqualified_strips_global_object() {
        assert_eq!(unqualified("window.confirm"), "confirm");
        assert_eq!(unqualified("mw.user.options.get"), "mw.user.options.get");
    }
}
