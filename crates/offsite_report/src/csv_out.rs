//! CSV: one row per load (findings or not), for spreadsheets and `xsv`.
//! The exposure columns are empty for plain files.

use std::borrow::Cow;
use std::io::{self, Write};

use offsite_model::{Consent, ConsentKind, Resolution};

use crate::Sorted;

/// New columns go at the end, so consumers that read by position keep working.
const HEADER: [&str; 22] = [
    "path",
    "wiki",
    "title",
    "line",
    "column",
    "api",
    "sink",
    "directive",
    "url",
    "host",
    "tier",
    "entity",
    "resolution",
    "consent",
    "consent_kind",
    "rules",
    "max_severity",
    "end_line",
    "end_column",
    "exposure",
    "exposed_users",
    "rank",
];

/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula
/// (CSV injection). Text that analysed code controls (paths, titles, URLs,
/// hosts) gets a leading `'` there, as OWASP advises; no real URL or host
/// starts that way. Names offsite itself writes (`@import`) are left alone.
fn cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn csv_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        // csv's Display, not the Rust `Debug` name of its error kind.
        return io::Error::other(format!("CSV output: {e}"));
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        // Unreachable: `is_io_error` said this is the `Io` kind.
        _ => io::Error::other("CSV output: I/O error"),
    }
}

pub fn render(sorted: &Sorted<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(HEADER).map_err(csv_error)?;
    for entry in &sorted.loads {
        let l = entry.load;
        let opt = |s: &Option<String>| s.as_deref().map_or(Cow::Borrowed(""), cell).into_owned();
        let mut rules: Vec<&str> = entry.findings.iter().map(|f| f.rule.as_str()).collect();
        rules.dedup();
        let record = [
            opt(&l.source.path),
            opt(&l.source.wiki),
            opt(&l.source.title),
            l.line.to_string(),
            l.column.to_string(),
            l.api.clone(),
            l.sink.as_str().to_owned(),
            l.directive.as_str().to_owned(),
            opt(&l.url),
            opt(&l.host),
            l.tier.as_str().to_owned(),
            opt(&l.entity),
            match l.resolution {
                Resolution::Literal => "literal",
                Resolution::Constant => "constant",
                Resolution::Dynamic => "dynamic",
            }
            .to_owned(),
            match l.consent {
                Consent::Gated => "gated",
                Consent::Ungated => "ungated",
                Consent::Unknown => "unknown",
            }
            .to_owned(),
            l.consent_kind
                .map_or("", |k| match k {
                    ConsentKind::Action => "action",
                    ConsentKind::Confirm => "confirm",
                    ConsentKind::Preference => "preference",
                })
                .to_owned(),
            rules.join(";"),
            entry.max_severity().map_or("", |s| s.as_str()).to_owned(),
            l.end_line.to_string(),
            l.end_column.to_string(),
            // Labels hold group and right names, which wiki pages define.
            l.exposure
                .as_ref()
                .map_or_else(String::new, |e| cell(&e.label).into_owned()),
            l.exposure
                .as_ref()
                .and_then(|e| e.users)
                .map_or_else(String::new, |n| n.to_string()),
            l.rank_key()
                .map_or_else(String::new, |k| k.score().to_string()),
        ];
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.flush()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use offsite_model::Report;

    use super::*;
    use crate::{Format, RenderOptions, fixture, render};

    fn csv_text(report: &Report) -> String {
        let options = RenderOptions::new("0.1.0", &[]);
        let mut out = Vec::new();
        render(report, Format::Csv, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_csv() {
        insta::assert_snapshot!(csv_text(&fixture::report()));
    }

    #[test]
    fn snapshot_csv_wiki() {
        insta::assert_snapshot!(csv_text(&fixture::wiki_report()));
    }

    #[test]
    fn exposure_columns_come_last_and_formulas_in_labels_are_neutralised() {
        let mut report = fixture::wiki_report();
        let sysop = report
            .loads
            .iter_mut()
            .find(|l| l.source.title.as_deref() == Some("MediaWiki:Group-sysop.js"))
            .unwrap();
        sysop.exposure.as_mut().unwrap().label = "=cmd()".into();
        let text = csv_text(&report);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header[19..], ["exposure", "exposed_users", "rank"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let cells: Vec<(&str, &str, &str)> =
            rows.iter().map(|r| (&r[19], &r[20], &r[21])).collect();
        assert_eq!(
            cells,
            [
                ("every reader", "", "100"),
                ("every reader", "", "94"),
                ("'=cmd()", "", "68"),
                ("40 users", "40", "25"),
                ("1 user", "1", "20"),
                ("nobody", "0", "14"),
            ]
        );
    }

    #[test]
    fn one_row_per_load_and_it_reads_back() {
        let report = fixture::report();
        let text = csv_text(&report);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), report.loads.len());
        // insta normalises line ends, so RFC 4180's CRLF is checked here.
        assert_eq!(text.matches("\r\n").count(), report.loads.len() + 1);
        assert_eq!(text.matches('\n').count(), report.loads.len() + 1);
        let import = rows.iter().find(|r| &r[5] == "@import").unwrap();
        assert_eq!(&import[5], "@import", "offsite's own names are not altered");
        assert_eq!(&import[15], "OS102;OS202", "rules joined in code order");
        assert_eq!(&import[16], "warning");
        let google = rows
            .iter()
            .find(|r| r[8].contains("translate.google.com"))
            .unwrap();
        assert_eq!((&google[15], &google[16]), ("OS101", "error"));
        let quiet = rows.iter().find(|r| &r[5] == "importScript").unwrap();
        assert_eq!((&quiet[15], &quiet[16], &quiet[8]), ("", "", ""));
    }

    #[test]
    fn formulas_and_newlines_from_analysed_code_are_neutralised() {
        let mut report = fixture::hostile_report();
        report.loads[0].url = Some("=HYPERLINK(\"https://evil.example\")".into());
        report.loads[0].source.path = Some("+cmd|' /C calc'!A0\nx.js".into());
        let text = csv_text(&report);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[8], "'=HYPERLINK(\"https://evil.example\")");
        assert_eq!(
            &row[0], "'+cmd|' /C calc'!A0\nx.js",
            "newlines stay inside a quoted cell"
        );
        assert_eq!(reader.records().count(), 1, "no row was split");
    }
}
