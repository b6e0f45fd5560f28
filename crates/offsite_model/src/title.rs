//! Page titles as MediaWiki writes them.

/// The whitespace rules of MediaWiki's `MediaWikiTitleCodec`: runs of `_`,
/// space and Unicode spaces become one space; bidi marks are dropped; ends
/// are trimmed. Every crate that compares page titles (`User:A__b.js` is
/// `User:A b.js`) goes through this; namespace and first-letter rules are
/// `offsite_wiki`'s.
pub fn clean_title_spaces(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        match c {
            // LRM, RLM and the embedding/override marks: stripped by the codec.
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' => {}
            ' '
            | '_'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => {
                pending_space = true;
            }
            _ => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean_title_spaces;

    #[test]
    fn runs_of_spaces_and_underscores_become_one_space() {
        for (raw, clean) in [
            ("User:A__b.js", "User:A b.js"),
            ("  MediaWiki:Gadget-x.js_ ", "MediaWiki:Gadget-x.js"),
            ("User:A_\u{A0}\u{3000}b", "User:A b"),
            ("User:\u{200E}A b", "User:A b"),
            ("___", ""),
        ] {
            assert_eq!(clean_title_spaces(raw), clean, "{raw:?}");
        }
    }
}
