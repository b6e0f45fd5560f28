//! Header extraction: the CSP values in a text of header lines.

/// The CSP values in a text of one or more lines (header names stripped;
/// `Reporting-Endpoints` and other headers ignored).
pub fn csp_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once(':') {
            Some((name, value))
                if name.eq_ignore_ascii_case("content-security-policy")
                    || name.eq_ignore_ascii_case("content-security-policy-report-only") =>
            {
                out.push(value.trim().to_owned());
            }
            Some((name, _))
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                // Another header line (`Reporting-Endpoints: …`); a CSP
                // directive name is always followed by a space, not `:`.
            }
            _ => out.push(line.to_owned()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_lines_strip_header_names_and_skip_other_headers() {
        let text = "Content-Security-Policy: script-src 'self'\nReporting-Endpoints: offsite=\"https://r.example/x\"\ncontent-security-policy-report-only: default-src 'none'\nimg-src https://a.example";
        assert_eq!(
            csp_lines(text),
            vec![
                "script-src 'self'",
                "default-src 'none'",
                "img-src https://a.example"
            ]
        );
    }
}
