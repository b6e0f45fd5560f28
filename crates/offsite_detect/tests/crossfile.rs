//! Cross-file analysis over the sets in `tests/fixtures/crossfile/`: each
//! folder is one scanned set (an ES-module project, a gadget whose pages
//! share globals). Pass one summarises every file, pass two analyses each with
//! the others' summaries; the loads are snapshotted, and the result must not
//! depend on the order the files are given in.

use std::fmt::Write as _;
use std::path::Path;

use offsite_detect::crossfile::{FileContext, SourceSet};
use offsite_detect::{Options, detect, detect_in, summarize};
use offsite_model::{Language, LineIndex};

fn files(set: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crossfile");
    let mut out = Vec::new();
    let mut stack = vec![root.join(set)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(&root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((name, std::fs::read_to_string(&path).expect("text")));
            }
        }
    }
    out.sort();
    out
}

fn render(files: &[(String, String)]) -> String {
    let options = Options::default();
    let set = SourceSet::new(
        files
            .iter()
            .map(|(p, t)| (p.clone(), summarize(t, Language::JavaScript, &options))),
    );
    let mut rows = Vec::new();
    for (path, text) in files {
        let context = FileContext { path, set: &set };
        let detection = detect_in(text, Language::JavaScript, &options, Some(context));
        let index = LineIndex::new(text);
        for load in &detection.loads {
            let at = index.position(text, load.start);
            rows.push(format!(
                "{path}:{} {} {} url={} host={}",
                at.line,
                load.api,
                load.sink,
                load.url.as_deref().unwrap_or("-"),
                load.host.as_deref().unwrap_or("-"),
            ));
        }
    }
    rows.sort();
    let mut out = String::new();
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
    out
}

fn check(set: &str) {
    let mut given = files(set);
    let forward = render(&given);
    given.reverse();
    assert_eq!(forward, render(&given), "file order changed the result");
    insta::assert_snapshot!(set, forward);
}

#[test]
fn es_modules_share_constants_and_helpers() {
    check("feed");
}

#[test]
fn gadget_pages_share_globals() {
    check("shared");
}

/// Without the set, the same files report what a single-file scan can tell.
#[test]
fn alone_each_file_knows_less() {
    let options = Options::default();
    for (path, text) in files("shared") {
        if path.ends_with("gadget.js") {
            let loads = detect(&text, Language::JavaScript, &options).loads;
            assert!(
                loads
                    .iter()
                    .all(|l| l.host.as_deref() != Some("cdn.pkgmirror.example")),
                "{loads:?}"
            );
        }
    }
}

/// Only the sources the set can tell more need a second analysis.
#[test]
fn the_set_informs_only_sources_it_can_tell_more() {
    let options = Options::default();
    let all = files("shared");
    let set = SourceSet::new(
        all.iter()
            .map(|(p, t)| (p.clone(), summarize(t, Language::JavaScript, &options))),
    );
    for (path, text) in &all {
        let (_, summary) =
            offsite_detect::detect_and_summarize(text, Language::JavaScript, &options);
        let informed = set.informs(path, text, &summary);
        // gadget.js names the loader lib's globals; the lib's inject() is
        // called by gadget.js.
        assert!(informed, "{path}");
    }
    let lonely = "fetch('https://alone.example/x');";
    let summary = summarize(lonely, Language::JavaScript, &options);
    assert!(!set.informs("shared/alone.js", lonely, &summary));
}
