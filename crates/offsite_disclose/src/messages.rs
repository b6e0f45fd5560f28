//! The translation layer: message keys → text, English underneath every
//! other language, and a wiki's own catalogue on top.
//!
//! A catalogue is a flat TOML table (`key = "text"`); `{name}` placeholders
//! are filled with values the renderer has already escaped for its format.
//! The built-in catalogues live in `src/messages/<lang>.toml`.

use std::collections::BTreeMap;

use thiserror::Error;

/// Built-in catalogues: language code → TOML text. English first: it is the
/// fallback and must hold every key.
const BUILT_IN: [(&str, &str); 2] = [
    ("en", include_str!("messages/en.toml")),
    ("de", include_str!("messages/de.toml")),
];

#[derive(Debug, Error)]
pub enum MessagesError {
    #[error(
        "no built-in messages for language {lang:?} (built in: {known}); give a catalogue with --messages"
    )]
    UnknownLanguage { lang: String, known: String },
    #[error("{source_name}: not a flat TOML table of message texts: {message}")]
    Syntax {
        source_name: String,
        message: String,
    },
    #[error(
        "{source_name}: unknown message key {key:?} (the keys are those of the English catalogue)"
    )]
    UnknownKey { source_name: String, key: String },
}

/// Message texts for one language.
#[derive(Debug, Clone)]
pub struct Messages {
    lang: String,
    texts: BTreeMap<String, String>,
}

fn parse(source_name: &str, text: &str) -> Result<BTreeMap<String, String>, MessagesError> {
    toml::from_str(text).map_err(|e| MessagesError::Syntax {
        source_name: source_name.to_owned(),
        message: e.message().to_owned(),
    })
}

impl Messages {
    /// The languages with a built-in catalogue.
    pub fn built_in_languages() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(lang, _)| *lang)
    }

    /// English overlaid with the built-in catalogue of `lang`.
    pub fn built_in(lang: &str) -> Result<Self, MessagesError> {
        let (_, english) = BUILT_IN[0];
        let mut messages = Self {
            lang: "en".to_owned(),
            texts: parse("built-in en", english)?,
        };
        if lang != "en" {
            let Some((_, text)) = BUILT_IN.iter().find(|(l, _)| *l == lang) else {
                return Err(MessagesError::UnknownLanguage {
                    lang: lang.to_owned(),
                    known: Self::built_in_languages().collect::<Vec<_>>().join(", "),
                });
            };
            messages.overlay(&format!("built-in {lang}"), text)?;
            lang.clone_into(&mut messages.lang);
        }
        Ok(messages)
    }

    /// English overlaid with a wiki's own catalogue for `lang` (a language
    /// offsite does not ship, or local wording): keys it leaves out stay
    /// English.
    pub fn with_catalogue(
        lang: &str,
        source_name: &str,
        text: &str,
    ) -> Result<Self, MessagesError> {
        let mut messages = match Self::built_in(lang) {
            Ok(m) => m,
            Err(MessagesError::UnknownLanguage { .. }) => Self::built_in("en")?,
            Err(e) => return Err(e),
        };
        messages.overlay(source_name, text)?;
        lang.clone_into(&mut messages.lang);
        Ok(messages)
    }

    fn overlay(&mut self, source_name: &str, text: &str) -> Result<(), MessagesError> {
        for (key, value) in parse(source_name, text)? {
            // A misspelt key would silently leave the English text in place.
            let Some(slot) = self.texts.get_mut(&key) else {
                return Err(MessagesError::UnknownKey {
                    source_name: source_name.to_owned(),
                    key,
                });
            };
            *slot = value;
        }
        Ok(())
    }

    /// The language code (`en`, `de`, or a wiki's own).
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The text of `key` with `{name}` placeholders replaced. The values must
    /// already be escaped for the output format; the template is trusted
    /// (it comes from offsite or the wiki's administrators).
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> String {
        // Every key the renderers use is in the English catalogue (tested);
        // a missing one shows as itself rather than failing a notice.
        let template = self.texts.get(key).map_or(key, String::as_str);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => out.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    #[cfg(test)]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_language_has_exactly_the_english_keys() {
        let english: Vec<String> = parse("en", BUILT_IN[0].1).unwrap().into_keys().collect();
        for (lang, text) in BUILT_IN {
            let keys: Vec<String> = parse(lang, text).unwrap().into_keys().collect();
            assert_eq!(keys, english, "{lang}");
        }
    }

    #[test]
    fn german_overrides_and_placeholders_are_filled() {
        let de = Messages::built_in("de").unwrap();
        assert_eq!(de.lang(), "de");
        assert_eq!(
            de.text("title-gadget", &[("name", "Karte")]),
            "Helferlein „Karte“"
        );
        let en = Messages::built_in("en").unwrap();
        assert_eq!(en.text("title-gadget", &[("name", "Map")]), "Gadget “Map”");
    }

    #[test]
    fn unknown_placeholders_and_keys_stay_visible() {
        let en = Messages::built_in("en").unwrap();
        assert_eq!(en.text("title-gadget", &[]), "Gadget “{name}”");
        assert_eq!(en.text("no-such-key", &[]), "no-such-key");
    }

    #[test]
    fn a_wiki_catalogue_adds_a_language_and_falls_back_to_english() {
        let fr = Messages::with_catalogue("fr", "fr.toml", "title-gadget = \"Gadget « {name} »\"")
            .unwrap();
        assert_eq!(fr.lang(), "fr");
        assert_eq!(
            fr.text("title-gadget", &[("name", "Carte")]),
            "Gadget « Carte »"
        );
        assert_eq!(fr.text("col-host", &[]), "Host");
    }

    #[test]
    fn a_misspelt_key_or_bad_toml_is_an_error_naming_the_catalogue() {
        let err = Messages::with_catalogue("fr", "fr.toml", "titel-gadget = \"x\"").unwrap_err();
        assert!(err.to_string().contains("fr.toml") && err.to_string().contains("titel-gadget"));
        let err = Messages::with_catalogue("fr", "fr.toml", "title-gadget = [1]").unwrap_err();
        assert!(err.to_string().starts_with("fr.toml:"), "{err}");
        let err = Messages::built_in("xx").unwrap_err();
        assert!(err.to_string().contains("\"xx\""), "{err}");
    }
}
