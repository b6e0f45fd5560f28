//! Pass two of a scan over files: the sources that the rest of the set can
//! tell more about (an imported constant, a loader published by another
//! file, a loader another file calls) are analysed again with the set's
//! summaries; the others keep their pass-one report. See
//! `offsite_detect::crossfile`.

use offsite_detect::crossfile::{FileContext, SourceSet, Summary};
use offsite_model::Source;
use offsite_rules::{FileReport, Linter};
use rayon::prelude::*;

use crate::files::{Input, display_path, read_text};

/// The final reports, in input order: pass one's, with the informed sources
/// analysed again.
pub(crate) fn second_pass(
    linter: &Linter,
    pool: &rayon::ThreadPool,
    inputs: &[Input],
    first: Vec<(FileReport, Option<Summary>)>,
) -> Vec<FileReport> {
    let summaries: Vec<(String, Summary)> = inputs
        .iter()
        .zip(&first)
        .filter_map(|(input, (_, summary))| match (input, summary) {
            (Input::File { path, .. }, Some(s)) if !s.is_empty() => {
                Some((display_path(path), s.clone()))
            }
            _ => None,
        })
        .collect();
    let set = SourceSet::new(summaries);
    if set.is_empty() {
        return first.into_iter().map(|(report, _)| report).collect();
    }
    pool.install(|| {
        inputs
            .par_iter()
            .zip(first.into_par_iter())
            .map(|(input, (report, summary))| {
                let (Input::File { path, language }, Some(summary)) = (input, summary) else {
                    return report;
                };
                let key = display_path(path);
                // The file is read again only when the set may inform it.
                let by_summary = set.informs_by_summary(&key, &summary);
                if !by_summary && !set.has_globals() {
                    return report;
                }
                let Ok((text, _)) = read_text(path) else {
                    return report;
                };
                if !by_summary && !set.names_others_globals(&text, &summary) {
                    return report;
                }
                let source = Source::file(key.clone());
                let context = FileContext {
                    path: &key,
                    set: &set,
                };
                let informed = crate::confine::confine(
                    &source,
                    || {
                        let detection = offsite_detect::detect_in(
                            &text,
                            *language,
                            linter.detect_options(),
                            Some(context),
                        );
                        Some(linter.check_detection(&source, &text, *language, detection))
                    },
                    |_| None,
                );
                match informed {
                    // Pass one's diagnostics about reading (encoding) stay.
                    Some(mut again) => {
                        again.diagnostics.extend(
                            report
                                .diagnostics
                                .into_iter()
                                .filter(|d| d.kind == offsite_model::DiagnosticKind::EncodingError),
                        );
                        again
                    }
                    None => report,
                }
            })
            .collect()
    })
}
