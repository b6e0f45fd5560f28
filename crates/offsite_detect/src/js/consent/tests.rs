//! Gadget-shaped snippets; the load under test is the call to `LOAD(…)`.

use oxc::allocator::Allocator;
use oxc::ast::AstKind;
use oxc::ast::ast::Expression;
use oxc::parser::{ParseOptions, Parser};
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;

use super::*;

/// The gate of every `LOAD(…)` call in `source`, in source order, as
/// `consent/kind: reason`.
fn gates_with(source: &str, options: &Options) -> Vec<String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::cjs())
        .with_options(ParseOptions {
            allow_return_outside_function: true,
            ..ParseOptions::default()
        })
        .parse();
    assert!(
        !parsed.panicked && parsed.diagnostics.is_empty(),
        "{:?}",
        parsed.diagnostics
    );
    let built = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&parsed.program);
    let semantic = built.semantic;
    let analysis = ConsentAnalysis::new(&semantic, options);
    let mut loads: Vec<_> = semantic
        .nodes()
        .iter()
        .filter(|n| {
            matches!(n.kind(), AstKind::CallExpression(c)
                if matches!(&c.callee, Expression::Identifier(id) if id.name.as_str() == "LOAD"))
        })
        .map(|n| (n.kind().span().start, n.id()))
        .collect();
    loads.sort_unstable();
    loads
        .into_iter()
        .map(|(_, id)| render(&analysis.gate(id)))
        .collect()
}

fn render(gate: &Gate) -> String {
    let consent = match gate.consent {
        Consent::Gated => "gated",
        Consent::Ungated => "ungated",
        Consent::Unknown => "unknown",
    };
    let kind = match gate.kind {
        Some(ConsentKind::Action) => "/action",
        Some(ConsentKind::Confirm) => "/confirm",
        Some(ConsentKind::Preference) => "/preference",
        None => "",
    };
    match &gate.reason {
        Some(reason) => format!("{consent}{kind}: {reason}"),
        None => format!("{consent}{kind}"),
    }
}

/// The gate of the one `LOAD(…)` call in `source`.
fn gate(source: &str) -> String {
    let gates = gates_with(source, &Options::default());
    assert_eq!(gates.len(), 1, "expected one LOAD call in {source}");
    gates.into_iter().next().unwrap_or_default()
}

// --- user actions -------------------------------------------------------

#[test]
fn portlet_link_click_handler_is_action() {
    let src = r"
        var link = mw.util.addPortletLink('p-tb', '#', 'Translate', 't-translate');
        $(link).on('click', function (e) {
            e.preventDefault();
            LOAD('https://translate.example.com/widget.js');
        });";
    assert_eq!(gate(src), "gated/action: click handler (.on('click'))");
}

#[test]
fn shorthand_click_inside_ready_wrapper_is_action() {
    let src = r"
        $(function () {
            $(mw.util.addPortletLink('p-cactions', '#', 'Map')).click(function () {
                LOAD('https://maps.example.org/api.js');
            });
        });";
    assert_eq!(gate(src), "gated/action: click handler (.click())");
}

#[test]
fn add_event_listener_and_onclick_are_actions() {
    let src = r"
        document.getElementById('b').addEventListener('click', function () { LOAD(1); });
        link.onclick = function () { LOAD(2); };
        $('#f').on('submit.tool keydown', function () { LOAD(3); });";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "gated/action: click handler (.addEventListener('click'))",
            "gated/action: click handler (onclick)",
            "gated/action: submit/keydown handler (.on('submit.tool keydown'))",
        ]
    );
}

#[test]
fn delegated_and_map_and_element_props_handlers_are_actions() {
    let src = r"
        $(document).on('click', '#t-tool a', function () { LOAD(1); });
        $('#x').on({ dblclick: function () { LOAD(2); } });
        $('<button>', { text: 'Load', click: function () { LOAD(3); } }).appendTo('#c');";
    let gates = gates_with(src, &Options::default());
    assert!(
        gates.iter().all(|g| g.starts_with("gated/action")),
        "{gates:?}"
    );
}

#[test]
fn ooui_on_and_connect_are_actions() {
    let src = r"
        var button = new OO.ui.ButtonWidget({ label: 'Go' });
        button.on('click', function () { LOAD(1); });
        button.connect(null, { click: function () { LOAD(2); } });";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "gated/action: click handler (.on('click'))",
            "gated/action: click handler (.connect())"
        ]
    );
}

#[test]
fn named_handler_function_is_action() {
    let src = r"
        function loadTool() { LOAD('https://cdn.example.com/tool.js'); }
        $('#ca-tool').on('click', loadTool);";
    assert_eq!(gate(src), "gated/action: click handler (.on('click'))");
}

#[test]
fn named_function_also_called_on_load_is_ungated() {
    let src = r"
        function loadTool() { LOAD('https://cdn.example.com/tool.js'); }
        $('#ca-tool').on('click', loadTool);
        if (mw.config.get('wgAction') === 'edit') { loadTool(); }";
    assert_eq!(gate(src), "ungated");
}

#[test]
fn handler_registered_inside_click_handler_is_still_action() {
    let src = r"
        $('#open').click(function () {
            $('#dialog button.go').on('click', function () { LOAD(1); });
        });";
    assert_eq!(gate(src), "gated/action: click handler (.on('click'))");
}

#[test]
fn chained_trigger_runs_the_handler_on_load() {
    let src = r"$('#b').on('click', function () { LOAD(1); }).trigger('click');";
    assert_eq!(gate(src), "ungated");
}

#[test]
fn hover_and_custom_events_are_unknown() {
    let src = r"
        $('a.ref').on('mouseover', function () { LOAD(1); });
        $(document).on('mytool:open', function () { LOAD(2); });
        el.addEventListener(eventName, function () { LOAD(3); });";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "unknown: 'mouseover' handler: runs without an explicit request",
            "unknown: handler for event 'mytool:open'; when it fires is unknown",
            "unknown: handler for a computed event name",
        ]
    );
}

// --- transparent callbacks --------------------------------------------------

#[test]
fn load_time_callbacks_are_ungated() {
    let src = r"
        LOAD(0);
        (function ($, mw) { LOAD(1); })(jQuery, mediaWiki);
        $(function () { LOAD(2); });
        $(document).ready(function () { LOAD(3); });
        mw.hook('wikipage.content').add(function ($content) { LOAD(4); });
        mw.loader.using(['mediawiki.util']).then(function () { LOAD(5); });
        $.when(mw.loader.using('oojs-ui'), $.ready).done(function () { LOAD(6); });
        setTimeout(function () { LOAD(7); }, 100);
        ['a', 'b'].forEach(function (x) { LOAD(8); });
        $.each(list, function (i, x) { LOAD(9); });
        window.addEventListener('load', function () { LOAD(10); });
        $(window).on('load', () => LOAD(11));
        new Promise(function (resolve) { LOAD(12); });
        $.getJSON('/w/api.php', function (data) { LOAD(13); });";
    let gates = gates_with(src, &Options::default());
    assert_eq!(gates.len(), 14);
    assert!(gates.iter().all(|g| g == "ungated"), "{gates:?}");
}

#[test]
fn callback_of_unknown_function_is_unknown() {
    let src = r"someLib.register(function () { LOAD(1); });";
    assert_eq!(
        gate(src),
        "unknown: passed to someLib.register(); when it runs is unknown"
    );
}

// --- confirm ------------------------------------------------------------------

#[test]
fn confirm_shapes_are_confirm() {
    let src = r"
        if (confirm('Load the map from maps.example.org?')) { LOAD(1); }
        window.confirm('Load?') && LOAD(2);
        var ok = confirm('Load?');
        if (ok) LOAD(3);
        confirm('x') ? LOAD(4) : null;
        function f() {
            if (!confirm('Load?')) {
                mw.notify('Cancelled');
                return;
            }
            LOAD(5);
        }
        f();";
    let gates = gates_with(src, &Options::default());
    assert!(
        gates.iter().all(|g| g == "gated/confirm: after confirm()"),
        "{gates:?}"
    );
}

#[test]
fn top_level_early_return_on_confirm_gates_the_rest() {
    let src = r"
        if (!window.confirm('Load external fonts?')) { return; }
        LOAD(1);";
    assert_eq!(gate(src), "gated/confirm: after confirm()");
}

#[test]
fn loads_not_inside_the_confirm_are_ungated() {
    let src = r"
        if (confirm('x')) { mw.notify('thanks'); }
        LOAD(1);
        if (confirm('x')) { } else { LOAD(2); }
        if (confirm('x') || force) { LOAD(3); }
        var ok = confirm('x');
        ok = true;
        if (ok) { LOAD(4); }
        if (confirm('x') !== null) { LOAD(5); }";
    let gates = gates_with(src, &Options::default());
    assert!(gates.iter().all(|g| g == "ungated"), "{gates:?}");
}

#[test]
fn local_function_named_confirm_is_not_a_dialog() {
    let src = r"
        function confirm() { return true; }
        if (confirm('x')) { LOAD(1); }";
    assert_eq!(gate(src), "ungated");
}

#[test]
fn ooui_confirm_answer_gates_the_load() {
    let src = r"
        OO.ui.confirm('Load?').done(function (confirmed) {
            if (confirmed) { LOAD(1); }
        });
        OO.ui.confirm('Load?').then(function (ok) {
            if (!ok) { return; }
            LOAD(2);
        });
        async function go() { if (await OO.ui.confirm('Load?')) { LOAD(3); } }
        go();";
    let gates = gates_with(src, &Options::default());
    assert!(
        gates
            .iter()
            .all(|g| g == "gated/confirm: after OO.ui.confirm()"),
        "{gates:?}"
    );
}

#[test]
fn ooui_confirm_without_checking_the_answer_is_ungated() {
    let src = r"
        OO.ui.confirm('Load?').done(function (confirmed) { LOAD(1); });
        if (OO.ui.confirm('Load?')) { LOAD(2); }";
    let gates = gates_with(src, &Options::default());
    assert!(gates.iter().all(|g| g == "ungated"), "{gates:?}");
}

// --- stored opt-ins ---------------------------------------------------------------

#[test]
fn stored_opt_ins_are_preference() {
    let src = r"
        if (mw.user.options.get('userjs-maps-enabled')) { LOAD(1); }
        if (mw.user.options.get('gadget-Translate') === '1') { LOAD(2); }
        if (localStorage.getItem('fontsOptIn') !== null) { LOAD(3); }
        mw.storage.get('tool-consent') && LOAD(4);
        if ($.cookie('toolConsent')) { LOAD(5); }
        if (mw.cookie.get('toolConsent') == 'yes') { LOAD(6); }";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "gated/preference: behind mw.user.options 'userjs-maps-enabled'",
            "gated/preference: behind mw.user.options 'gadget-Translate'",
            "gated/preference: behind localStorage 'fontsOptIn'",
            "gated/preference: behind mw.storage 'tool-consent'",
            "gated/preference: behind $.cookie 'toolConsent'",
            "gated/preference: behind mw.cookie 'toolConsent'",
        ]
    );
}

#[test]
fn early_return_opt_in_guard_gates_callbacks_after_it() {
    let src = r"
        if (localStorage.getItem('mapsConsent') !== 'yes') {
            return;
        }
        mw.hook('wikipage.content').add(function () { LOAD(1); });";
    assert_eq!(
        gate(src),
        "gated/preference: behind localStorage 'mapsConsent'"
    );
}

#[test]
fn values_that_pass_when_unset_are_not_opt_ins() {
    let src = r"
        if (mw.user.options.get('skin') === 'vector') { LOAD(1); }
        if (localStorage.getItem('mapsOptOut') !== '1') { LOAD(2); }
        if (mw.storage.get('x') === '0') { return; }
        LOAD(3);
        $.cookie('toolConsent', 'yes') && LOAD(4);";
    let gates = gates_with(src, &Options::default());
    assert!(gates.iter().all(|g| g == "ungated"), "{gates:?}");
}

#[test]
fn configured_consent_function_is_preference() {
    let src = r"if (window.myGadget.hasConsent()) { LOAD(1); }";
    let options = Options {
        consent_functions: vec![String::from("myGadget.hasConsent")],
    };
    assert_eq!(
        gates_with(src, &options),
        ["gated/preference: behind consent function myGadget.hasConsent()"]
    );
    assert_eq!(gate(src), "ungated");
}

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
