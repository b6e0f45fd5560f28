//! Error-tolerant fallback for files oxc cannot parse (tree-sitter).
//! Placeholder until the real one lands.

use offsite_model::Load;

use crate::Options;

/// Loads recoverable from a file with unrecoverable syntax errors.
pub fn detect(text: &str, options: &Options) -> Vec<Load> {
    let _ = (text, options);
    Vec::new()
}
