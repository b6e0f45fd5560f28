//! User-action handlers and callbacks that run on load.

use super::super::Options;
use super::{gate, gates_with};

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

#[test]
fn jquery_ui_dialog_buttons_are_actions() {
    let src = r"
        $('<div>').text('Load the map?').dialog({
            buttons: { 'Load map': function () { LOAD(1); } }
        });
        $('#d').dialog({ buttons: [{ text: 'Load', click: function () { LOAD(2); } }] });
        $('#d').dialog({ open: function () { LOAD(3); } });";
    assert_eq!(
        gates_with(src, &Options::default()),
        [
            "gated/action: dialog button (Load map)",
            "gated/action: dialog button (click)",
            "unknown: passed as 'open' to .dialog(); when it runs is unknown",
        ]
    );
}
