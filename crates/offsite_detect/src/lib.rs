//! Finds resource loads in JavaScript, TypeScript, CSS and HTML text.
//!
//! Text in, [`Load`]s out: no I/O, no network, no policy. The JavaScript
//! front end uses oxc's parser and semantic model (so a local `mw` or `$` is
//! not taken for the global), folds constant URLs and decides consent gating;
//! when oxc cannot recover from a syntax error it falls back to an
//! error-tolerant tree-sitter pass. CSS is scanned with cssparser's tokenizer
//! and HTML with html5gum; markup and styles found inside JavaScript strings
//! are scanned recursively.
//!
//! What it does not do: decide tiers (see `offsite_classify`) or whether a
//! load is allowed (see `offsite_rules`).

/// Stack each thread that runs [`detect`] should have, in bytes.
///
/// oxc's parser and the analysis walk recurse once per nesting level of the
/// code; deeply nested pages (thousands of brackets, long `else if` chains)
/// need far more than the 2 MiB a Rust thread gets by default. Callers run
/// analysis on threads built with this size (rayon's `stack_size`); the
/// memory is reserved, not committed, so idle depth costs nothing.
pub const ANALYSIS_STACK_SIZE: usize = 256 * 1024 * 1024;

pub mod crossfile;
pub mod css;
pub mod html;
pub mod js;
pub mod sink_tables;

use offsite_model::{Language, Load};

/// Knobs for detection that come from the user's policy.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Extra functions whose truthy result means the user opted in
    /// (`myGadget.hasConsent`, `window.askConsent`): a load guarded by one is
    /// `gated` with kind `preference`. Dotted paths, matched on the callee.
    pub consent_functions: Vec<String>,
}

/// A syntax problem found while analysing a text. Detection carried on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset into the analysed text.
    pub start: u32,
    pub message: String,
}

/// Everything detection found in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detection {
    /// Sorted by `start`.
    pub loads: Vec<Load>,
    pub errors: Vec<SyntaxError>,
}

/// Detect the loads in `text`, read as `language`.
pub fn detect(text: &str, language: Language, options: &Options) -> Detection {
    detect_in(text, language, options, None)
}

/// [`detect`] for one source of a scanned set: `context` holds the set's
/// summaries (see [`crossfile`]), so values and loaders defined in other
/// sources are followed.
pub fn detect_in(
    text: &str,
    language: Language,
    options: &Options,
    context: Option<crossfile::FileContext<'_>>,
) -> Detection {
    let mut detection = match language {
        Language::JavaScript => js::detect_in(text, false, options, context),
        Language::TypeScript => js::detect_in(text, true, options, context),
        Language::Css => css::detect(text),
        Language::Html | Language::Wikitext => html::detect(text, options),
    };
    detection.loads.sort_by_key(|l| (l.start, l.end));
    detection
}

/// Pass one of cross-file analysis: what `text` offers the other sources of
/// its set (exported URLs and loaders, globals it assigns, loaders it
/// calls). Empty for languages other than JavaScript and TypeScript.
pub fn summarize(text: &str, language: Language, options: &Options) -> crossfile::Summary {
    match language {
        Language::JavaScript => js::summarize(text, false, options),
        Language::TypeScript => js::summarize(text, true, options),
        Language::Css | Language::Html | Language::Wikitext => crossfile::Summary::default(),
    }
}

/// [`detect`] and [`summarize`] from one analysis: pass one of a scan over a
/// set of sources. Languages other than JavaScript and TypeScript give an
/// empty summary.
pub fn detect_and_summarize(
    text: &str,
    language: Language,
    options: &Options,
) -> (Detection, crossfile::Summary) {
    let (mut detection, summary) = match language {
        Language::JavaScript => js::detect_and_summarize(text, false, options),
        Language::TypeScript => js::detect_and_summarize(text, true, options),
        Language::Css | Language::Html | Language::Wikitext => (
            detect(text, language, options),
            crossfile::Summary::default(),
        ),
    };
    detection.loads.sort_by_key(|l| (l.start, l.end));
    (detection, summary)
}
