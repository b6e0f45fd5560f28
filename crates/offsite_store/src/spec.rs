//! `STORE` strings: parsing, display with the password hidden, and the
//! connection URLs sqlx wants.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{StoreError, StoreSpec};

const EXPECTED: &str =
    "expected `sqlite:PATH`, `sqlite://PATH`, `postgres://…` or `postgresql://…`";

impl StoreSpec {
    /// Parses a `STORE` string:
    ///
    /// - `sqlite:PATH` or `sqlite://PATH`: a SQLite file; everything after
    ///   the prefix is the path, taken literally (no `?mode=` parameters);
    ///   `sqlite:///abs/path` and `sqlite:/abs/path` are absolute;
    /// - `postgres://…` or `postgresql://…`: a PostgreSQL URL, passed to
    ///   sqlx as is (so `?sslmode=` and `options[search_path]=` work).
    ///
    /// Anything else is [`StoreError::InvalidSpec`] naming the text.
    pub fn parse(text: &str) -> Result<StoreSpec, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidSpec {
            spec: redact(text),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            let url = url::Url::parse(trimmed).map_err(|e| invalid(&format!("not a URL: {e}")))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(invalid("the PostgreSQL URL names no host"));
            }
            return Ok(StoreSpec::Postgres(trimmed.to_owned()));
        }
        if lower.starts_with("sqlite:") {
            let rest = &trimmed["sqlite:".len()..];
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(invalid("the SQLite path is empty"));
            }
            if path == ":memory:" {
                return Err(invalid(
                    "in-memory SQLite is not supported (reports would vanish on exit): name a file",
                ));
            }
            return Ok(StoreSpec::Sqlite(PathBuf::from(path)));
        }
        Err(invalid(EXPECTED))
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self {
            StoreSpec::Sqlite(_) => "sqlite",
            StoreSpec::Postgres(_) => "postgres",
        }
    }
}

impl Default for StoreSpec {
    /// `sqlite:offsite-reports.db` in the working directory.
    fn default() -> Self {
        StoreSpec::Sqlite(PathBuf::from("offsite-reports.db"))
    }
}

impl fmt::Display for StoreSpec {
    /// The spec as a user would write it, with any password replaced by
    /// `***`, so it can go into logs and error messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreSpec::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// The text with the password of a URL replaced by `***`; other text as is.
/// Works on text that is not a valid URL too, since that is when it ends up
/// in an error message.
pub(crate) fn redact(text: &str) -> String {
    let Some(scheme_end) = text.find("://") else {
        return text.to_owned();
    };
    let start = scheme_end + 3;
    let end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    let authority = &text[start..end];
    let Some(at) = authority.rfind('@') else {
        return text.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return text.to_owned();
    };
    format!(
        "{}{}:***{}",
        &text[..start],
        &authority[..colon],
        &text[start + at..]
    )
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The sqlx URL for an existing SQLite file: absolute, percent-encoded,
/// read-write.
pub(crate) fn sqlite_url(path: &Path) -> Result<String, StoreError> {
    let Some(text) = path.to_str() else {
        return Err(StoreError::InvalidSpec {
            spec: path.display().to_string(),
            reason: "the SQLite path is not valid UTF-8".to_owned(),
        });
    };
    let mut encoded = String::with_capacity(text.len() + 16);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    Ok(format!("sqlite://{encoded}?mode=rw"))
}

/// Makes `path` absolute and creates its parent directory, so a fresh file
/// can be created in a directory that does not exist yet.
pub(crate) fn prepare_sqlite_path(path: &Path) -> Result<PathBuf, StoreError> {
    let io = |context, path: &Path, source| StoreError::Io {
        context,
        path: path.to_path_buf(),
        source,
    };
    let absolute =
        std::path::absolute(path).map_err(|e| io("cannot resolve the SQLite path", path, e))?;
    if let Some(parent) = absolute.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| io("cannot create the directory for the SQLite file", parent, e))?;
    }
    if absolute.is_dir() {
        return Err(io(
            "cannot use as the SQLite file",
            &absolute,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory"),
        ));
    }
    Ok(absolute)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(
            StoreSpec::parse("sqlite:reports.db").unwrap(),
            StoreSpec::Sqlite("reports.db".into())
        );
        assert_eq!(
            StoreSpec::parse("sqlite://data/reports.db").unwrap(),
            StoreSpec::Sqlite("data/reports.db".into())
        );
        assert_eq!(
            StoreSpec::parse("sqlite:///var/lib/offsite/r.db").unwrap(),
            StoreSpec::Sqlite("/var/lib/offsite/r.db".into())
        );
        assert_eq!(
            StoreSpec::parse("sqlite:/var/lib/offsite/r.db").unwrap(),
            StoreSpec::Sqlite("/var/lib/offsite/r.db".into())
        );
        for url in [
            "postgres://u:p@db.example.org:5432/offsite",
            "postgresql://db.example.org/offsite?sslmode=require",
        ] {
            assert_eq!(
                StoreSpec::parse(url).unwrap(),
                StoreSpec::Postgres(url.to_owned())
            );
        }
    }

    #[test]
    fn rejects_everything_else_naming_the_text() {
        for text in [
            "",
            "reports.db",
            "mysql://x/y",
            "sqlite:",
            "sqlite://",
            "sqlite::memory:",
            "postgres://",
        ] {
            let err = StoreSpec::parse(text).unwrap_err();
            let StoreError::InvalidSpec { spec, .. } = &err else {
                panic!("{text}: {err:?}");
            };
            assert_eq!(spec, text);
            assert!(err.to_string().contains(&format!("`{text}`")), "{err}");
        }
    }

    #[test]
    fn passwords_never_reach_messages() {
        let err = StoreSpec::parse("postgres://u:s3cret@/db").unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
        let spec = StoreSpec::parse("postgres://u:s3cret@h/db").unwrap();
        assert_eq!(spec.to_string(), "postgres://u:***@h/db");
    }

    #[test]
    fn sqlite_urls_survive_odd_paths() {
        let url = sqlite_url(Path::new("/tmp/a b/c?d#e%.db")).unwrap();
        assert_eq!(url, "sqlite:///tmp/a%20b/c%3Fd%23e%25.db?mode=rw");
    }
}
