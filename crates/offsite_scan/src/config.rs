//! Finding and reading the policy file (`offsite.toml`), the same way for
//! every command: `--config FILE` if given, else the nearest `offsite.toml`
//! at or above the first scanned path (a folder, or a file's folder: a
//! dump, a saved scan, a page file), else at or above the working
//! directory. Parsing and validation are `offsite_rules::Settings`'s, which
//! returns typed sections for rules, tiers, allow/exempt entries and CSP.

use std::fs;
use std::path::{Path, PathBuf};

use offsite_rules::Settings;

use crate::error::ScanError;

/// The policy a command runs under, and the file it came from.
#[derive(Debug, Clone)]
pub struct Policy {
    pub settings: Settings,
    /// `None`: no file was found or `--no-config`; the built-in defaults.
    pub path: Option<PathBuf>,
    /// The file's text, for sections typed above this crate (`[serve]`).
    text: Option<String>,
}

impl Policy {
    /// What `-v` says about the policy.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(p) => format!("policy {}", p.display()),
            None => "no policy file; built-in defaults".to_owned(),
        }
    }

    /// The `[serve]` table as the collector's configuration type `T`;
    /// `None` on the defaults or without the table.
    pub fn serve<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>, ScanError> {
        match (&self.text, &self.path) {
            (Some(text), Some(path)) => {
                Ok(Settings::serve_section(text, &path.display().to_string())?)
            }
            _ => Ok(None),
        }
    }

    /// The file's name for run metadata, `None` on the defaults.
    pub fn path_text(&self) -> Option<String> {
        self.path.as_ref().map(|p| p.display().to_string())
    }
}

/// Where discovery starts for a command whose first scanned path is
/// `first`: a folder itself, a file's folder, else the working directory.
pub fn discovery_start(first: Option<&Path>) -> PathBuf {
    let first = first.filter(|p| p.as_os_str() != "-");
    let start = match first {
        Some(p) if p.is_dir() => p.to_path_buf(),
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => PathBuf::from("."),
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    start.canonicalize().unwrap_or(start)
}

/// The policy for a command: none with `no_config`, the `explicit` file,
/// else the nearest `offsite.toml` from [`discovery_start`].
pub fn load_policy(
    no_config: bool,
    explicit: Option<&Path>,
    first_scanned: Option<&Path>,
) -> Result<Policy, ScanError> {
    if no_config {
        return Ok(Policy {
            settings: Settings::default(),
            path: None,
            text: None,
        });
    }
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Settings::discover(&discovery_start(first_scanned)),
    };
    let Some(path) = path else {
        return Ok(Policy {
            settings: Settings::default(),
            path: None,
            text: None,
        });
    };
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(cause) => return Err(ScanError::PolicyRead { path, cause }),
    };
    let settings = Settings::from_toml(&text, &path.display().to_string())?;
    Ok(Policy {
        settings,
        path: Some(path),
        text: Some(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_starts_at_the_first_scanned_path_not_the_working_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wiki = dir.path().join("wiki");
        fs::create_dir(&wiki).expect("mkdir");
        fs::write(wiki.join("offsite.toml"), "fail-on = \"never\"\n").expect("write");
        fs::write(wiki.join("dump.xml"), "").expect("write");
        for first in [wiki.clone(), wiki.join("dump.xml")] {
            let policy = load_policy(false, None, Some(&first)).expect("policy");
            let found = policy.path.clone().expect("the folder's policy is found");
            assert_eq!(
                found.canonicalize().ok(),
                wiki.join("offsite.toml").canonicalize().ok()
            );
            assert!(policy.describe().contains("offsite.toml"));
        }
        let none = load_policy(true, None, Some(&wiki)).expect("no config");
        assert!(none.path.is_none());
        assert_eq!(none.describe(), "no policy file; built-in defaults");
    }
}
