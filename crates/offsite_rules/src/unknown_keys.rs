//! Every unknown key of an `offsite.toml` at once, each with the nearest
//! known key ("did you mean"), before the typed parse stops at the first.
//! The known keys are those of the documented sections (`options.rs`), so
//! a new option is known here as soon as it is documented.

use crate::options::SECTIONS;
use crate::settings::{ConfigError, Cx};

/// One key nobody reads: its dotted place, the line it is on, and the
/// nearest known key of its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownKey {
    /// `colour`, `rules.selct`, `allow[0].hots`.
    pub key: String,
    /// 1-based line of the key in the text, when found.
    pub line: Option<usize>,
    pub suggestion: Option<String>,
    /// The known keys of its table, kebab-case.
    pub expected: Vec<String>,
}

impl Cx<'_> {
    /// The error for one unknown key, with its suggestion or the keys known.
    pub(crate) fn unknown(&self, u: UnknownKey) -> ConfigError {
        let hint = u.suggestion.map_or_else(
            || format!("expected one of: {}", u.expected.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        ConfigError::At {
            path: self.path.to_owned(),
            line: u.line.unwrap_or(1),
            column: 1,
            key: Some(u.key),
            message: format!("unknown key; {hint}"),
        }
    }
}

/// The unknown keys of `text`; empty when it does not parse (the typed
/// parse then reports the syntax error with its place).
pub(crate) fn unknown_keys(text: &str) -> Vec<UnknownKey> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    check_table(text, &table, "", "", &mut found);
    // TOML tables are sorted by key: report in the order of the file.
    found.sort_by_key(|u| u.line);
    found
}

/// The known keys of a documented table (`""`, `rules`, `[allow]`...).
fn known(section: &str) -> Vec<String> {
    SECTIONS
        .iter()
        .find(|s| s.table == section)
        .map(|s| s.fields.iter().map(|f| f.name.replace('_', "-")).collect())
        .unwrap_or_default()
}

fn check_table(
    text: &str,
    table: &toml::Table,
    section: &str,
    prefix: &str,
    found: &mut Vec<UnknownKey>,
) {
    let keys = known(section);
    for (key, value) in table {
        let path = format!("{prefix}{key}");
        if !keys.iter().any(|k| k == key) {
            found.push(UnknownKey {
                line: line_of(text, key),
                suggestion: nearest(key, &keys),
                expected: keys.clone(),
                key: path,
            });
            continue;
        }
        // Tables whose own keys are documented; `[serve]` is checked by
        // the collector, `rules.severity` holds rule names.
        match (section, key.as_str(), value) {
            ("", "rules" | "csp", toml::Value::Table(t)) => {
                check_table(text, t, key, &format!("{path}."), found);
            }
            ("", "allow" | "exempt", toml::Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let toml::Value::Table(t) = item {
                        check_table(
                            text,
                            t,
                            &format!("[{key}]"),
                            &format!("{path}[{i}]."),
                            found,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// The first line that sets `key` (`key =`, `"key" =`, `[key]`).
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let bare = line
                .strip_prefix('"')
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix('"'))
                .or_else(|| line.strip_prefix(key));
            let sets = bare.is_some_and(|rest| rest.trim_start().starts_with('='));
            let heads = line
                .trim_start_matches('[')
                .trim_end()
                .trim_end_matches(']')
                == key
                && line.starts_with('[');
            sets || heads
        })
        .map(|i| i + 1)
}

/// The known key closest to `key`, if it is close enough to be a typo
/// (`_` for `-` counts as one edit; a swap of two letters as two).
fn nearest(key: &str, known: &[String]) -> Option<String> {
    let (edits, best) = known
        .iter()
        .map(|k| (distance(key, k), k))
        .min_by_key(|(d, _)| *d)?;
    (edits <= (key.len() / 3).max(2)).then(|| best.clone())
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unknown_key_is_found_with_a_suggestion() {
        let text = "colour = \"red\"\nfail_on = \"never\"\n[rules]\nselct = [\"ALL\"]\n\
                    [[allow]]\nhots = \"x.org\"\nreason = \"r\"\n[csp]\nbudgett = 1\n[serve]\nanything = 1\n";
        let found = unknown_keys(text);
        let summary: Vec<(&str, Option<usize>, Option<&str>)> = found
            .iter()
            .map(|u| (u.key.as_str(), u.line, u.suggestion.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("colour", Some(1), None),
                ("fail_on", Some(2), Some("fail-on")),
                ("rules.selct", Some(4), Some("select")),
                ("allow[0].hots", Some(6), Some("host")),
                ("csp.budgett", Some(9), Some("budget")),
            ]
        );
    }

    #[test]
    fn distances_count_edits() {
        assert_eq!(distance("selct", "select"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
