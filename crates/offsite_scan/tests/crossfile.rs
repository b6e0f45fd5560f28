//! The pipeline's two passes over files (see `offsite_detect::crossfile`):
//! a constant exported by one module and a loader exported by another are
//! followed into the module that uses them, the loader's own unknown load is
//! reported at its caller instead, and file order does not matter.

use std::fs;
use std::path::PathBuf;

use offsite_rules::Settings;
use offsite_scan::{ScanRequest, Sources, scan};

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write");
    path
}

fn loads(paths: Vec<PathBuf>) -> Vec<(String, Option<String>)> {
    let request = ScanRequest {
        sources: Sources::Files {
            paths,
            no_ignore: true,
            stdin_name: "stdin.js".to_owned(),
        },
        settings: Settings::default(),
        threads: Some(2),
    };
    let result = scan(&request, &|_| {}).expect("scan runs");
    let mut out: Vec<(String, Option<String>)> = result
        .report
        .loads
        .iter()
        .map(|l| {
            let file = l.source.path.clone().unwrap_or_default();
            let name = file.rsplit('/').next().unwrap_or_default().to_owned();
            (name, l.host.clone())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn modules_share_constants_and_loaders_across_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = write(
        dir.path(),
        "base.js",
        "export async function fetchJson(url, options = {}) {\n    return $.ajax(url, options);\n}\n",
    );
    let constants = write(
        dir.path(),
        "constants.js",
        "export const BACKEND = process.env.NODE_ENV === 'development'\n    ? 'http://localhost:8000'\n    : 'https://words.backendhost.example';\n",
    );
    let backend = write(
        dir.path(),
        "backend.js",
        "import { fetchJson } from './base';\nimport { BACKEND } from './constants';\nexport const words = () => fetchJson(BACKEND + '/v1/words');\n",
    );
    let want = vec![(
        "backend.js".to_owned(),
        Some("words.backendhost.example".to_owned()),
    )];
    assert_eq!(
        loads(vec![base.clone(), constants.clone(), backend.clone()]),
        want
    );
    assert_eq!(
        loads(vec![backend, constants, base]),
        want,
        "order matters not"
    );
}
