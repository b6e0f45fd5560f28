//! Between Rust values and SQL: bound parameters, the text clean-up both
//! back ends need, and the sample columns of a [`NormalizedReport`].

use std::borrow::Cow;

use offsite_collect::{Blocked, Disposition, ReportFormat};
use sqlx::Row;
use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::Query;

use crate::{GroupKey, NormalizedReport, StoreError, StoredReport};

/// A bound parameter of a query built at run time.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Float(f64),
}

/// SQL text with `$N` placeholders and the values for them, built up piece
/// by piece (dynamic filters, multi-row `VALUES`).
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    params: Vec<Param>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_owned(),
            params: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `param`.
    pub fn bind(&mut self, param: Param) -> &mut Self {
        let placeholder = self.param(param);
        self.text.push_str(&placeholder);
        self
    }

    /// Registers `param` and returns its placeholder (`$N`) without
    /// appending it, for a value used more than once.
    pub fn param(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    /// Appends `(p1, p2, …)` for one row of a multi-row `VALUES`.
    pub fn row(&mut self, params: impl IntoIterator<Item = Param>) -> &mut Self {
        self.text.push('(');
        for (i, param) in params.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(param);
        }
        self.text.push(')');
        self
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.text.as_str()));
        for param in &self.params {
            query = match param {
                Param::Int(v) => query.bind(*v),
                Param::OptInt(v) => query.bind(*v),
                Param::Text(v) => query.bind(v.as_str()),
                Param::OptText(v) => query.bind(v.as_deref()),
                Param::Float(v) => query.bind(*v),
            };
        }
        query
    }
}

/// PostgreSQL's `TEXT` cannot hold U+0000 (it rejects the whole statement),
/// and a report is attacker-controlled text. Both back ends store U+FFFD
/// instead, so they return the same strings and a NUL can never make a
/// batch fail.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

pub(crate) fn text(text: &str) -> Param {
    Param::Text(clean(text).into_owned())
}

pub(crate) fn opt_text(text: Option<&str>) -> Param {
    Param::OptText(text.map(|t| clean(t).into_owned()))
}

/// The key as stored: cleaned, so keys that differ only in NULs vs U+FFFD
/// are one group.
pub(crate) fn clean_key(key: GroupKey) -> GroupKey {
    let fix = |s: String| match clean(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(fixed) => fixed,
    };
    GroupKey {
        directive: fix(key.directive),
        blocked_origin: fix(key.blocked_origin),
        document_host: fix(key.document_host),
        source_file: fix(key.source_file),
    }
}

/// `LIKE` pattern matching `needle` anywhere, ASCII-case-insensitively when
/// compared with `lower(column) LIKE … ESCAPE '\'`.
pub(crate) fn contains_pattern(needle: &str) -> Param {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in clean(needle).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c.to_ascii_lowercase());
    }
    pattern.push('%');
    Param::Text(pattern)
}

/// The sample columns in the order [`sample_params`] binds them.
pub(crate) const SAMPLE_COLUMNS: &str = "group_id, received_ms, format, disposition, directive, \
     blocked_kind, blocked_value, document, document_host, source_file, line, column_number, \
     status_code, sample, browser, source";

pub(crate) fn sample_params(group_id: i64, r: &NormalizedReport) -> [Param; 16] {
    let (kind, value) = blocked_parts(&r.blocked);
    [
        Param::Int(group_id),
        Param::Int(r.received_ms),
        Param::Text(format_str(r.format).to_owned()),
        Param::Text(r.disposition.as_str().to_owned()),
        text(&r.directive),
        Param::Text(kind.to_owned()),
        opt_text(value),
        text(&r.document),
        opt_text(r.document_host.as_deref()),
        opt_text(r.source_file.as_deref()),
        Param::OptInt(r.line.map(i64::from)),
        Param::OptInt(r.column.map(i64::from)),
        Param::OptInt(r.status_code.map(i64::from)),
        opt_text(r.sample.as_deref()),
        opt_text(r.browser.as_deref()),
        opt_text(r.source.as_deref()),
    ]
}

/// Reads a row of `SELECT id, {SAMPLE_COLUMNS} FROM samples`.
pub(crate) fn stored_report(row: &AnyRow) -> Result<StoredReport, StoreError> {
    let id: i64 = row.try_get(0)?;
    let kind: String = row.try_get(6)?;
    let value: Option<String> = row.try_get(7)?;
    let format: String = row.try_get(3)?;
    let disposition: String = row.try_get(4)?;
    let report = NormalizedReport {
        received_ms: row.try_get(2)?,
        format: parse_format(&format).ok_or_else(|| corrupt(id, "format", &format))?,
        disposition: parse_disposition(&disposition)
            .ok_or_else(|| corrupt(id, "disposition", &disposition))?,
        directive: row.try_get(5)?,
        blocked: blocked_from(&kind, value).ok_or_else(|| corrupt(id, "blocked_kind", &kind))?,
        document: row.try_get(8)?,
        document_host: row.try_get(9)?,
        source_file: row.try_get(10)?,
        line: small(row.try_get(11)?, id, "line")?,
        column: small(row.try_get(12)?, id, "column_number")?,
        status_code: small(row.try_get(13)?, id, "status_code")?,
        sample: row.try_get(14)?,
        browser: row.try_get(15)?,
        source: row.try_get(16)?,
    };
    Ok(StoredReport {
        id,
        group_id: row.try_get(1)?,
        report,
    })
}

fn small<T: TryFrom<i64>>(
    value: Option<i64>,
    id: i64,
    column: &str,
) -> Result<Option<T>, StoreError> {
    value
        .map(|v| T::try_from(v).map_err(|_| corrupt(id, column, &v.to_string())))
        .transpose()
}

fn corrupt(id: i64, column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("samples row {id}: unknown {column} `{value}`"))
}

fn format_str(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::CspReport => "csp-report",
        ReportFormat::ReportsJson => "reports-json",
    }
}

fn parse_format(text: &str) -> Option<ReportFormat> {
    match text {
        "csp-report" => Some(ReportFormat::CspReport),
        "reports-json" => Some(ReportFormat::ReportsJson),
        _ => None,
    }
}

fn parse_disposition(text: &str) -> Option<Disposition> {
    [Disposition::Enforce, Disposition::Report]
        .into_iter()
        .find(|d| d.as_str() == text)
}

/// `Blocked` as `(blocked_kind, blocked_value)`; the kinds are the serde
/// tags, so the JSON API and the database use the same words.
fn blocked_parts(blocked: &Blocked) -> (&'static str, Option<&str>) {
    match blocked {
        Blocked::Url(url) => ("url", Some(url)),
        Blocked::Inline => ("inline", None),
        Blocked::Eval => ("eval", None),
        Blocked::Data => ("data", None),
        Blocked::Blob => ("blob", None),
        Blocked::SelfOrigin => ("self-origin", None),
        Blocked::Empty => ("empty", None),
        Blocked::Scheme(scheme) => ("scheme", Some(scheme)),
    }
}

fn blocked_from(kind: &str, value: Option<String>) -> Option<Blocked> {
    Some(match kind {
        "url" => Blocked::Url(value.unwrap_or_default()),
        "inline" => Blocked::Inline,
        "eval" => Blocked::Eval,
        "data" => Blocked::Data,
        "blob" => Blocked::Blob,
        "self-origin" => Blocked::SelfOrigin,
        "empty" => Blocked::Empty,
        "scheme" => Blocked::Scheme(value.unwrap_or_default()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("INSERT INTO t VALUES ");
        sql.row([Param::Int(1), Param::Text("a".into())]);
        sql.push(", ");
        sql.row([Param::Int(2), Param::OptText(None)]);
        assert_eq!(sql.text, "INSERT INTO t VALUES ($1, $2), ($3, $4)");
        assert_eq!(sql.params.len(), 4);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        let Param::Text(p) = contains_pattern("A_b%c\\d") else {
            unreachable!()
        };
        assert_eq!(p, "%a\\_b\\%c\\\\d%");
    }

    #[test]
    fn nul_becomes_replacement_character() {
        assert_eq!(clean("a\0b"), "a\u{FFFD}b");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_blocked_kind_round_trips() {
        for b in [
            Blocked::Url("https://x.example/a.js".into()),
            Blocked::Inline,
            Blocked::Eval,
            Blocked::Data,
            Blocked::Blob,
            Blocked::SelfOrigin,
            Blocked::Empty,
            Blocked::Scheme("chrome-extension".into()),
        ] {
            let (kind, value) = blocked_parts(&b);
            assert_eq!(blocked_from(kind, value.map(str::to_owned)), Some(b));
        }
        assert_eq!(blocked_from("nonsense", None), None);
    }
}
