//! The code frame under a text finding: the load's first source line with
//! carets under the load's columns.

use std::borrow::Cow;
use std::io::{self, Write};

use offsite_model::{ReportedLoad, Severity};

use crate::escape::frame_cell;
use crate::text::{Palette, Style};

/// Widest code line shown. Minified gadgets put everything on one line; the
/// frame then shows a window around the load instead.
const MAX_WIDTH: usize = 100;
/// Columns of context kept before the load when the line is cut.
const CONTEXT: usize = 24;

/// The visible part of the line: `(first, end)` indices into `cells`.
fn window(cells: &[(Cow<'static, str>, usize)], start: usize) -> (usize, usize) {
    let total: usize = cells.iter().map(|c| c.1).sum();
    if total <= MAX_WIDTH {
        return (0, cells.len());
    }
    let mut first = start;
    let mut before = 0;
    while first > 0 && before + cells[first - 1].1 <= CONTEXT {
        first -= 1;
        before += cells[first].1;
    }
    let mut end = first;
    let mut used = 0;
    while end < cells.len() && used + cells[end].1 <= MAX_WIDTH {
        used += cells[end].1;
        end += 1;
    }
    (first, end)
}

/// The code line and the caret line, both escaped and untrimmed.
pub(crate) fn lines(snippet: &str, load: &ReportedLoad) -> (String, String) {
    let cells: Vec<(Cow<'static, str>, usize)> = snippet.chars().map(frame_cell).collect();
    let n = cells.len();
    let start = (load.column.max(1) as usize - 1).min(n);
    let end = if load.end_line == load.line {
        load.end_column.max(1) as usize - 1
    } else {
        // The load goes on past this line: underline to its end.
        n
    };
    let end = end.clamp(start, n);
    let (first, last) = window(&cells, start);

    let mut code = String::new();
    let mut carets = String::new();
    if first > 0 {
        code.push('…');
        carets.push(' ');
    }
    let mut marked = false;
    for (i, (text, width)) in cells.iter().enumerate().take(last).skip(first) {
        code.push_str(text);
        let in_span = (start..end).contains(&i);
        marked |= in_span && *width > 0;
        carets.push_str(&(if in_span { "^" } else { " " }).repeat(*width));
    }
    if last < n {
        code.push('…');
    }
    if !marked {
        // An empty span (or one past the line's end): point at where it is.
        let offset: usize = cells[first..start.clamp(first, last)]
            .iter()
            .map(|c| c.1)
            .sum();
        carets = format!(
            "{}{}^",
            if first > 0 { " " } else { "" },
            " ".repeat(offset)
        );
    }
    (code, carets.trim_end().to_owned())
}

pub fn write(
    out: &mut dyn Write,
    p: Palette,
    load: &ReportedLoad,
    severity: Severity,
) -> io::Result<()> {
    let Some(snippet) = &load.snippet else {
        return Ok(());
    };
    let (code, carets) = lines(snippet, load);
    let number = load.line.to_string();
    let pad = " ".repeat(number.len());
    let bar = p.paint(Style::Gutter, "|");
    writeln!(out, "{pad} {bar}")?;
    writeln!(out, "{} {bar} {code}", p.paint(Style::Gutter, &number))?;
    writeln!(out, "{pad} {bar} {}", p.severity(severity, &carets))?;
    writeln!(out, "{pad} {bar}")
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;
    use offsite_model::{Sink, Source};

    fn load(line: u32, column: u32, end_line: u32, end_column: u32) -> ReportedLoad {
        let mut report = crate::fixture::report();
        let mut load = report.loads.remove(0);
        load.source = Source::file("a.js");
        load.sink = Sink::Script;
        (load.line, load.column, load.end_line, load.end_column) =
            (line, column, end_line, end_column);
        load
    }

    #[test]
    fn carets_sit_under_wide_characters_and_tabs() {
        let (code, carets) = lines("\t'地図' + x", &load(1, 9, 1, 10));
        assert_eq!(code, "    '地図' + x");
        assert_eq!(carets, "             ^");
        assert_eq!(crate::escape::width(code.split('x').next().unwrap()), 13);
    }

    #[test]
    fn a_span_past_the_line_underlines_to_its_end() {
        let (_, carets) = lines("abc(def", &load(1, 4, 3, 2));
        assert_eq!(carets, "   ^^^^");
    }

    #[test]
    fn an_empty_or_out_of_range_span_still_gets_one_caret() {
        assert_eq!(lines("abc", &load(1, 2, 1, 2)).1, " ^");
        assert_eq!(lines("abc", &load(1, 99, 1, 120)).1, "   ^");
        assert_eq!(lines("", &load(0, 0, 0, 0)).1, "^");
    }

    #[test]
    fn long_lines_show_a_window_around_the_load() {
        let line = format!("{}load('x'){}", "a;".repeat(500), "b;".repeat(500));
        let (code, carets) = lines(&line, &load(1, 1001, 1, 1010));
        assert!(code.starts_with('…') && code.ends_with('…'), "{code}");
        assert!(code.chars().count() <= MAX_WIDTH + 2);
        let at = carets.find('^').unwrap();
        assert_eq!(
            &code[code.char_indices().nth(at).unwrap().0..][..9],
            "load('x')"
        );
        assert_eq!(carets.matches('^').count(), 9);
    }
}
