//! Every format must render any report without panicking, and the escaping
//! promises must hold for arbitrary strings, not only the fixture's.

use offsite_model::Report;
use proptest::prelude::*;

use crate::{Format, RenderOptions, fixture, render};

fn render_to_string(report: &Report, format: Format, color: bool) -> String {
    let rules = fixture::rules();
    let mut options = RenderOptions::new("0.1.0", &rules);
    options.color = color;
    options.show_all_loads = true;
    let mut out = Vec::new();
    render(report, format, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_strings_and_positions_render_safely(
        snippet in any::<String>(),
        url in any::<String>(),
        path in any::<String>(),
        message in any::<String>(),
        line in any::<u32>(),
        column in any::<u32>(),
        end_line in any::<u32>(),
        end_column in any::<u32>(),
    ) {
        let mut report = fixture::report();
        for load in &mut report.loads {
            load.snippet = Some(snippet.clone());
            load.url = Some(url.clone());
            load.source.path = Some(path.clone());
            (load.line, load.column, load.end_line, load.end_column) =
                (line, column, end_line, end_column);
            for finding in &mut load.findings {
                finding.message.clone_from(&message);
            }
        }
        report.diagnostics[0].message.clone_from(&message);

        let text = render_to_string(&report, Format::Text, false);
        prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");

        let github = render_to_string(&report, Format::Github, false);
        let annotations: usize =
            report.loads.iter().map(|l| l.findings.len()).sum::<usize>() + report.diagnostics.len();
        prop_assert_eq!(github.lines().count(), annotations);
        prop_assert!(!github.chars().any(|c| c.is_control() && c != '\n'));

        for format in [Format::Json, Format::Sarif] {
            let out = render_to_string(&report, format, false);
            let value: serde_json::Value = serde_json::from_str(&out).unwrap();
            prop_assert!(value.is_object());
        }
        let csv = render_to_string(&report, Format::Csv, false);
        let rows = csv::Reader::from_reader(csv.as_bytes()).records().count();
        prop_assert_eq!(rows, report.loads.len());
    }
}
