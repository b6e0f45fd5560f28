//! The pipeline driven without the CLI: a typed request in, a typed result
//! out, progress through the callback.

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};

use offsite_rules::Settings;
use offsite_scan::{Progress, ScanRequest, Sources, WikiSource, scan};

fn request(sources: Sources) -> ScanRequest {
    ScanRequest {
        sources,
        settings: Settings::default(),
        threads: Some(2),
    }
}

fn urls(result: &offsite_scan::ScanResult) -> Vec<&str> {
    result
        .report
        .loads
        .iter()
        .filter_map(|l| l.url.as_deref())
        .collect()
}

#[test]
fn files_and_folders_give_loads_diagnostics_and_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("gadgets")).expect("mkdir");
    fs::write(
        dir.path().join("gadgets/a.js"),
        "mw.loader.load('https://cdn.example.org/a.js');\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("gadgets/b.css"),
        "@import url(https://fonts.example.net/b.css);\n",
    )
    .expect("write");
    let analysed = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let result = scan(
        &request(Sources::Files {
            paths: vec![dir.path().join("gadgets"), dir.path().join("gone.js")],
            no_ignore: false,
            stdin_name: "stdin.js".to_owned(),
        }),
        &|event| match event {
            Progress::Total(n) => total.store(n, Ordering::SeqCst),
            Progress::Analysed => {
                analysed.fetch_add(1, Ordering::SeqCst);
            }
        },
    )
    .expect("the scan runs");
    assert_eq!(result.report.files_scanned, 2);
    assert_eq!(total.load(Ordering::SeqCst), 2);
    assert_eq!(analysed.load(Ordering::SeqCst), 2);
    let mut found = urls(&result);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "https://cdn.example.org/a.js",
            "https://fonts.example.net/b.css"
        ]
    );
    let failures = offsite_scan::read_failures(&result.report.diagnostics);
    assert_eq!(failures.len(), 1, "{:?}", result.report.diagnostics);
    assert!(failures[0].source.display_name().ends_with("gone.js"));
}

#[test]
fn a_dump_gives_pages_gadgets_and_graph_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = |title: &str, ns: i32, id: u32, model: &str, text: &str| {
        format!(
            "<page><title>{title}</title><ns>{ns}</ns><id>{id}</id><revision><id>{}</id>\
             <timestamp>2026-01-01T00:00:00Z</timestamp><contributor><username>Admin</username><id>1</id></contributor>\
             <model>{model}</model><format>text/plain</format><text xml:space=\"preserve\">{text}</text></revision></page>\n",
            id * 10
        )
    };
    let xml = format!(
        "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" version=\"0.11\" xml:lang=\"en\">\n\
         <siteinfo><sitename>T</sitename><dbname>testwiki</dbname><base>https://test.example.org/wiki/Main_Page</base>\
         <generator>MediaWiki 1.43</generator><case>first-letter</case><namespaces>\
         <namespace key=\"2\" case=\"first-letter\">User</namespace><namespace key=\"8\" case=\"first-letter\">MediaWiki</namespace>\
         </namespaces></siteinfo>\n{}{}{}</mediawiki>\n",
        page(
            "MediaWiki:Gadgets-definition",
            8,
            1,
            "wikitext",
            "* maps[ResourceLoader|default]|maps.js"
        ),
        page(
            "MediaWiki:Gadget-maps.js",
            8,
            2,
            "javascript",
            "mw.loader.load('https://tiles.example.com/map.js');"
        ),
        page("User:A/notes", 2, 3, "wikitext", "not code"),
    );
    let path = dir.path().join("testwiki.xml");
    fs::write(&path, xml).expect("write");
    let result = scan(
        &request(Sources::Wiki(WikiSource {
            dump: Some(path),
            ..WikiSource::default()
        })),
        &|_| {},
    )
    .expect("the dump is read");
    assert_eq!(urls(&result), ["https://tiles.example.com/map.js"]);
    assert_eq!(result.gadgets.len(), 1);
    assert_eq!(result.gadgets[0].id, "maps");
    assert_eq!(result.pages.len(), 1);
    assert_eq!(result.wiki.host, "test.example.org");
    assert!(offsite_scan::read_failures(&result.report.diagnostics).is_empty());
    let graph = offsite_scan::exposure::build_graph(&result);
    assert!(graph.to_json().contains("tiles.example.com"));
}
