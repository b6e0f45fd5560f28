//! Finding and reading the policy file (`offsite.toml`).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use offsite_rules::Settings;

pub fn load_settings(
    no_config: bool,
    config: Option<&PathBuf>,
    paths: &[PathBuf],
) -> Result<(Settings, Option<PathBuf>)> {
    if no_config {
        return Ok((Settings::default(), None));
    }
    let path = if let Some(p) = config {
        Some(p.clone())
    } else {
        let first = paths.first().filter(|p| p.as_os_str() != "-");
        let start = match first {
            Some(p) if p.is_dir() => p.clone(),
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => PathBuf::from("."),
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let start = start.canonicalize().unwrap_or(start);
        Settings::discover(&start)
    };
    let Some(path) = path else {
        return Ok((Settings::default(), None));
    };
    let text = fs::read_to_string(&path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    let settings = Settings::from_toml(&text, &path.display().to_string())?;
    Ok((settings, Some(path)))
}
