//! `confirm()`, `OO.ui.confirm()` and stored opt-ins.

use super::super::Options;
use super::{gate, gates_with};

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
