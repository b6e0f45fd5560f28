//! Page titles, user names and (in a broken classifier config) hosts and
//! entities are written by anyone. Rendered into a wikitext table meant to
//! be pasted on a wiki, or a CSV meant to be opened in a spreadsheet, none
//! of them may change the table's structure or run as markup or formula.

use offsite_model::{Consent, ReportedLoad, Resolution, Sink, Source, Tier};
use offsite_wiki::inventory::{HOST_COLUMNS, ROW_COLUMNS, wikitext_cell};
use offsite_wiki::{
    Exposure, HostProvenance, Inventory, PageExposures, RevisionMeta, inventory, parse_legacy,
};

const HOSTILE_TITLE: &str = "User:X/a|b}}{{Delete}}[[Category:Spam]]<script>alert(1)</script>\n|}\n{|\n! evil || x ~~~~ __NOTOC__ </nowiki> https://evil.example/ ''bold'' ISBN 9780000000000 &lt;";

fn load(title: &str, host: &str, entity: &str, wiki: &str) -> ReportedLoad {
    ReportedLoad {
        source: Source {
            wiki: Some(wiki.into()),
            title: Some(title.into()),
            ..Source::default()
        },
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 2,
        api: "mw.loader.load".into(),
        sink: Sink::Script,
        directive: Sink::Script.directive(),
        url: None,
        host: Some(host.into()),
        page: None,
        modules: Vec::new(),
        tier: Tier::ThirdParty,
        entity: Some(entity.into()),
        resolution: Resolution::Literal,
        dynamic_expr: None,
        consent: Consent::Ungated,
        consent_kind: None,
        consent_reason: None,
        findings: Vec::new(),
        exposure: None,
        snippet: None,
    }
}

fn hostile() -> Inventory {
    let loads = [
        load(
            HOSTILE_TITLE,
            "evil.example|}",
            "</NOWIKI >{{x}}",
            "en|wiki",
        ),
        load(
            "MediaWiki:Gadget-Evil.js",
            "-leading.example",
            "!bang",
            "enwiki",
        ),
        load(
            "=HYPERLINK(\"http://x\")",
            "+plus.example",
            "@SUM(A1)",
            "enwiki",
        ),
        load("User:Y/z.js", "\u{2028}line.example", "\tTab", "\r\n-row"),
    ];
    let defs = parse_legacy("* Evil:x.y[ResourceLoader|default]|Evil.js\n");
    assert!(defs.errors.is_empty(), "{:#?}", defs.errors);
    let exposures: PageExposures = [(HOSTILE_TITLE.to_owned(), Exposure::EveryReader)]
        .into_iter()
        .collect();
    let provenance = [HostProvenance {
        page: HOSTILE_TITLE.into(),
        host: "evil.example|}".into(),
        introduced: RevisionMeta {
            id: 1,
            timestamp: "2020-01-01T00:00:00Z".into(),
            user: Some("<b>Mallory</b>|}\n|-".into()),
            text_deleted: false,
        },
        reintroduced: None,
        present_in_latest: true,
        removed: None,
    }];
    inventory(&loads, &defs.gadgets, &exposures, &provenance)
}

fn is_plain(cell: &str) -> bool {
    cell.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && cell
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .,()-".contains(c))
}

/// The text a reader sees in a cell, or an error if the cell could escape.
fn cell_text(cell: &str) -> Result<String, String> {
    if cell.is_empty() || is_plain(cell) {
        return Ok(cell.to_owned());
    }
    let inner = cell
        .strip_prefix("<nowiki>")
        .and_then(|c| c.strip_suffix("</nowiki>"))
        .ok_or_else(|| format!("neither plain nor one <nowiki>: {cell:?}"))?;
    if inner.contains(['<', '>']) || inner.chars().any(char::is_control) {
        return Err(format!(
            "markup or a control character inside <nowiki>: {cell:?}"
        ));
    }
    Ok(inner
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&"))
}

/// Every line must be one of the table's own forms; returns the cells of
/// each table, row by row.
fn parse_tables(wikitext: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut inside = false;
    for line in wikitext.lines() {
        match line {
            "{| class=\"wikitable sortable\"" => {
                assert!(!inside, "nested table");
                inside = true;
            }
            "|}" => {
                assert!(inside, "closing a table that is not open");
                inside = false;
                tables.push(std::mem::take(&mut rows));
            }
            "|-" => rows.push(Vec::new()),
            "" => assert!(!inside, "blank line inside a table"),
            l if l.starts_with("|+ ") || l.starts_with("! ") => {
                assert!(rows.is_empty(), "caption or header after the rows: {l:?}");
            }
            l => {
                let cell = l
                    .strip_prefix("| ")
                    .unwrap_or_else(|| panic!("a line the table did not write: {l:?}"));
                let text = cell_text(cell).unwrap_or_else(|e| panic!("{e}"));
                rows.last_mut().expect("a cell before any row").push(text);
            }
        }
    }
    assert!(!inside, "unclosed table");
    tables
}

#[test]
fn hostile_text_cannot_break_the_wikitext_table() {
    let inv = hostile();
    assert_eq!(inv.rows.len(), 4);
    let tables = parse_tables(&inv.to_wikitext());
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].len(), inv.rows.len());
    assert_eq!(tables[1].len(), inv.hosts.len());
    assert!(tables[0].iter().all(|r| r.len() == ROW_COLUMNS.len()));
    assert!(tables[1].iter().all(|r| r.len() == HOST_COLUMNS.len()));

    // The reader sees the hostile text itself, line breaks as spaces.
    let row = tables[0]
        .iter()
        .find(|r| r[1].starts_with("User:X/"))
        .expect("the hostile row");
    assert_eq!(row[1], HOSTILE_TITLE.replace('\n', " "));
    assert_eq!(row[0], "en|wiki");
    assert_eq!(row[4], "evil.example|}");
    assert_eq!(row[6], "</NOWIKI >{{x}}");
    assert_eq!(row[15], "<b>Mallory</b>|} |-");
    let gadget_row = tables[0]
        .iter()
        .find(|r| r[1] == "MediaWiki:Gadget-Evil.js")
        .expect("the gadget row");
    assert_eq!(gadget_row[2], "Evil:x.y");
    assert_eq!(gadget_row[4], "-leading.example");
    assert_eq!(gadget_row[6], "!bang");
}

#[test]
fn cells_that_look_like_markup_are_wrapped() {
    for text in [
        "-x",
        "!x",
        "+x",
        "=x",
        "*x",
        "#x",
        ":x",
        ";x",
        " x",
        "a_b",
        "a__NOTOC__",
        "ISBN 123",
        "RFC 1234",
        "PMID 1",
        "a'b",
        "a~b",
        "a/b",
        "a:b",
    ] {
        let cell = wikitext_cell(text);
        assert!(cell.starts_with("<nowiki>"), "{text:?} → {cell:?}");
    }
    for text in [
        "cdn.example.com",
        "script-src",
        "12",
        "every reader",
        "logged-in (rights, x)",
    ] {
        assert_eq!(wikitext_cell(text), text);
    }
    assert_eq!(wikitext_cell(""), "");
    assert_eq!(
        wikitext_cell("a</nowiki>&b"),
        "<nowiki>a&lt;/nowiki&gt;&amp;b</nowiki>"
    );
}

#[test]
fn csv_keeps_text_and_defuses_formulas() {
    let inv = hostile();
    let csv = inv.to_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, ROW_COLUMNS);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), inv.rows.len());
    let titles: Vec<&str> = records.iter().map(|r| &r[1]).collect();
    assert!(titles.contains(&HOSTILE_TITLE), "kept verbatim: {titles:?}");
    assert!(titles.contains(&"'=HYPERLINK(\"http://x\")"));
    let formula = records
        .iter()
        .find(|r| r[1].starts_with("'="))
        .expect("formula row");
    assert_eq!(&formula[4], "'+plus.example");
    assert_eq!(&formula[6], "'@SUM(A1)");
    let tab = records
        .iter()
        .find(|r| &r[1] == "User:Y/z.js")
        .expect("tab row");
    assert_eq!(&tab[6], "'\tTab");
    assert_eq!(&tab[0], "'\r\n-row");
    for r in &records {
        assert!(
            r.iter()
                .all(|cell| !cell.starts_with(['=', '+', '-', '@', '\t', '\r'])),
            "{r:?}"
        );
    }
    let hosts = inv.hosts_to_csv();
    let mut reader = csv::Reader::from_reader(hosts.as_bytes());
    assert_eq!(reader.records().count(), inv.hosts.len());
}
