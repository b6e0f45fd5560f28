//! The canonical text of a policy.
//!
//! Directive names lower-case, one space between a name and each of its
//! sources, `; ` between directives, `, ` between policies; keywords quoted
//! and lower-case, schemes and hosts lower-case, nonces, hashes, paths and
//! raw tokens as written; a source listed twice is written once. Parsing the
//! canonical text gives the same policies back.

use std::collections::HashSet;
use std::fmt;

use crate::policy::{DirectiveEntry, Policy};

impl fmt::Display for DirectiveEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        let mut seen = HashSet::new();
        for source in &self.sources {
            if seen.insert(source) {
                write!(f, " {source}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut seen = HashSet::new();
        for directive in &self.directives {
            // A directive named twice would be ignored by browsers anyway.
            if !seen.insert(directive.name.as_str()) {
                continue;
            }
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            directive.fmt(f)?;
        }
        Ok(())
    }
}

/// The canonical header value for several policies (`, `-separated); empty
/// policies are left out, as the parser leaves them out.
pub fn serialize_header(policies: &[Policy]) -> String {
    policies
        .iter()
        .filter(|p| !p.directives.is_empty())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
