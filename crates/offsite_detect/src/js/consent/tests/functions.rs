//! Named functions, exports, classes, recursion and cost.

use super::super::Options;
use super::{gate, gates_with};

// --- functions, exports, recursion ---------------------------------------------

#[test]
fn exported_and_uncalled_functions_are_unknown() {
    let src = r"
        function loadA() { LOAD(1); }
        window.loadA = loadA;
        mw.libs.tool = { open: function () { LOAD(2); } };
        function loadC() { LOAD(3); }
        module.exports = function () { LOAD(4); };";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "unknown: function loadA is exported as window.loadA; callers unknown",
            "unknown: method open is exported as mw.libs.tool.open; callers unknown",
            "unknown: function loadC is never called in this file",
            "unknown: anonymous function is exported as module.exports; callers unknown",
        ]
    );
}

#[test]
fn exported_function_also_called_on_load_is_ungated() {
    let src = r"
        function loadA() { LOAD(1); }
        window.loadA = loadA;
        loadA();";
    assert_eq!(gate(src), "ungated");
}

#[test]
fn call_chains_through_several_functions_are_followed() {
    let src = r"
        function inject() { LOAD('https://cdn.example.com/x.js'); }
        var setup = function () { inject(); };
        const start = () => { setup(); };
        $('#ca-x').click(start);";
    assert_eq!(gate(src), "gated/action: click handler (.click())");
}

#[test]
fn object_methods_are_followed() {
    let src = r"
        var Tool = {
            load: function () { LOAD(1); },
            init: function () { $('#t-tool').on('click', Tool.load); }
        };
        $(Tool.init);";
    assert_eq!(gate(src), "gated/action: click handler (.on('click'))");
}

#[test]
fn callbacks_of_local_helpers_follow_the_helper() {
    let src = r"
        function withConsent(cb) { if (confirm('Load?')) { cb(); } }
        withConsent(function () { LOAD(1); });
        function later(cb) { setTimeout(cb, 10); }
        later(function () { LOAD(2); });";
    assert_eq!(
        gates_with(src, &Options::default()),
        ["gated/confirm: after confirm()", "ungated"]
    );
}

#[test]
fn recursion_is_cut() {
    let on_load = r"function poll() { LOAD(1); setTimeout(poll, 1000); } poll();";
    assert_eq!(gate(on_load), "ungated");
    let on_click = r"function poll() { LOAD(1); setTimeout(poll, 1000); } $('#b').click(poll);";
    assert_eq!(gate(on_click), "gated/action: click handler (.click())");
    let only_self = r"function poll() { LOAD(1); setTimeout(poll, 1000); }";
    assert_eq!(
        gate(only_self),
        "unknown: function poll is only called from itself"
    );
}

#[test]
fn mutual_recursion_entered_on_load_is_ungated() {
    // Whichever of the pair is analysed first, the entry from the top level
    // must reach both; a memoised half-answer would say "only from itself".
    let src = r"
        function a(n) { if (n) { b(n - 1); } LOAD(1); }
        function b(n) { a(n); LOAD(2); }
        b(3);";
    assert_eq!(gates_with(src, &Options::default()), ["ungated", "ungated"]);
}

#[test]
fn many_functions_stay_linear_and_deep_chains_end_unknown() {
    use std::fmt::Write as _;
    let mut src = String::new();
    for i in 0..2000 {
        let _ = write!(src, "function f{i}() {{ LOAD({i}); }} ");
        let _ = write!(src, "$('#b{i}').click(f{i}); ");
    }
    let gates = gates_with(&src, &Options::default());
    assert_eq!(gates.len(), 2000);
    assert!(gates.iter().all(|g| g.starts_with("gated/action")));

    let mut chain = String::from("function f0() { LOAD(0); } ");
    for i in 1..400 {
        let _ = write!(chain, "function f{i}() {{ f{}(); }} ", i - 1);
    }
    chain.push_str("$('#b').click(f399);");
    assert_eq!(gate(&chain), "unknown: call chain too deep to follow");
}

#[test]
fn class_methods_run_where_a_property_of_their_name_is_called() {
    let src = r"
        class Widget {
            constructor() { LOAD(1); }
            init() { LOAD(2); }
            open() { LOAD(3); }
            get icon() { return LOAD(4); }
        }
        const w = new Widget();
        w.init();
        $('#w').on('click', () => w.open());";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "ungated",
            "ungated",
            "gated/action: click handler (.on('click'))",
            "unknown: anonymous function is never called in this file",
        ]
    );
}

#[test]
fn exported_class_methods_are_unknown() {
    let src = r"
        class Viewer { open() { LOAD(1); } }
        $('#v').click(() => new Viewer().open());
        window.Viewer = Viewer;";
    assert_eq!(gate(src), "unknown: class Viewer escapes; callers unknown");
}

#[test]
fn dynamic_index_counts_as_a_way_in() {
    let src = r"
        const loaders = { chart: () => LOAD(1) };
        loaders[mw.config.get('wgWanted')]();";
    assert_eq!(gate(src), "ungated");
    let on_click = r"
        var loaders = { chart: function () { LOAD(1); } };
        $('#c').click(function () { loaders[this.dataset.kind](); });";
    assert_eq!(gate(on_click), "gated/action: click handler (.click())");
}

#[test]
fn minified_iife_parameters_still_match_hooks_and_handlers() {
    let src = r##"!function(e,t){t.hook("wikipage.content").add(function(){LOAD(1)}),e("#x").on("click",function(){LOAD(2)})}(jQuery,mediaWiki);"##;
    assert_eq!(
        gates_with(src, &Options::default()),
        ["ungated", "gated/action: click handler (.on('click'))"]
    );
}

#[test]
fn else_of_a_declined_confirm_and_arrow_answers_are_confirm() {
    let src = r"
        if (!confirm('Load?')) { mw.notify('Not loaded'); } else { LOAD(1); }
        OO.ui.confirm('Load?').done((ok) => ok && LOAD(2));
        async function go() {
            const ok = await OO.ui.confirm('Load?');
            if (ok) { LOAD(3); }
        }
        go();";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "gated/confirm: after confirm()",
            "gated/confirm: after OO.ui.confirm()",
            "gated/confirm: after OO.ui.confirm()"
        ]
    );
}

#[test]
fn ajax_callbacks_and_bound_handlers_follow_their_registration() {
    let src = r"
        $.ajax({ url: '/w/api.php', success: function () { LOAD(1); } });
        function onClick() { LOAD(2); }
        document.body.addEventListener('click', onClick.bind(null));";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "ungated",
            "gated/action: click handler (.addEventListener('click'))"
        ]
    );
}
