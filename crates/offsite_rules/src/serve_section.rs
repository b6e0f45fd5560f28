//! The `[serve]` table, read as the caller's type: the collector's
//! configuration lives in a crate above this one, so `Settings` does not
//! hold it; its errors still read like every other problem of the file.

use crate::settings::{ConfigError, Cx, Settings};

impl Settings {
    /// The `[serve]` table of an `offsite.toml` read as `T` — the
    /// collector's configuration, whose type lives in a crate above this
    /// one —, with errors naming the file, line and key like every other
    /// problem of the file. `None` when the file has no `[serve]`.
    pub fn serve_section<T: serde::de::DeserializeOwned>(
        text: &str,
        path: &str,
    ) -> Result<Option<T>, ConfigError> {
        /// Only `[serve]`; the other tables were checked by `from_toml`.
        #[derive(serde::Deserialize)]
        struct ServeOnly<T> {
            serve: Option<T>,
        }
        let cx = Cx { text, path };
        toml::from_str::<ServeOnly<T>>(text)
            .map(|only| only.serve)
            .map_err(|e| {
                let span = e.span().unwrap_or(0..0);
                let key = cx.key_at(&span).map(|k| format!("serve.{k}"));
                cx.error(span, key, e.message().trim())
            })
    }
}
