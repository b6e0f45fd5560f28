//! Reading a saved scan back: the one reader of `offsite scan --format
//! json` output, for `csp --scan` and the collector's attribution. Only
//! `loads` is read; `version`, `tool`, `diagnostics` and `summary` are
//! ignored, so a newer scan with more fields still reads.

use std::path::{Path, PathBuf};

use offsite_model::ReportedLoad;
use serde::Deserialize;

/// Why a saved scan could not be read; names the file.
#[derive(Debug, thiserror::Error)]
pub enum SavedScanError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not the JSON of `offsite scan --format json`: {source} (line {}, column {})", path.display(), source.line(), source.column())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// The part of the scan JSON contract that is read.
#[derive(Deserialize)]
struct Saved {
    loads: Vec<ReportedLoad>,
}

/// The loads of the scan saved at `path`.
pub fn read_saved_scan(path: &Path) -> Result<Vec<ReportedLoad>, SavedScanError> {
    let bytes = std::fs::read(path).map_err(|source| SavedScanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let saved: Saved = serde_json::from_slice(&bytes).map_err(|source| SavedScanError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(saved.loads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loads_of_a_rendered_report_read_back_and_errors_name_the_file() {
        let report = crate::fixture::report();
        let rules = [];
        let mut out = Vec::new();
        crate::render(
            &report,
            crate::Format::Json,
            &crate::RenderOptions::new("0", &rules),
            &mut out,
        )
        .expect("render");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("scan.json");
        std::fs::write(&path, &out).expect("write");
        let loads = read_saved_scan(&path).expect("reads back");
        assert_eq!(loads.len(), report.loads.len());
        std::fs::write(&path, "{\"loads\": 3}").expect("write");
        let e = read_saved_scan(&path).expect_err("not a scan").to_string();
        assert!(e.contains("scan.json") && e.contains("line 1"), "{e}");
    }
}
