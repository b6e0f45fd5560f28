use offsite_model::{DYNAMIC, Severity};

use crate::rule::{Context, Violation, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds executable code loaded from a URL whose content can change
    /// without the URL changing: `@latest`, `/latest/`, `releases/latest`,
    /// a branch on `raw.githubusercontent.com` or `cdn.jsdelivr.net/gh`
    /// (`master`, `main`, `HEAD`), an npm package on jsDelivr or unpkg with no
    /// version or only a range (`pkg@3`), an unversioned file on
    /// `code.jquery.com`, or a cdnjs / Google Hosted Libraries path without
    /// its version segment.
    ///
    /// ## Why is this bad?
    /// Whatever was reviewed is not what runs tomorrow: a new release, a push
    /// to the branch or a hijacked package account changes the code every
    /// reader executes, with no edit on the wiki to show for it. A pinned
    /// version at least makes each change an edit someone can see.
    ///
    /// ## CSP impact
    /// Same as any remote script (`script-src`); a host-source with a path
    /// can pin the allowlist entry to a versioned folder.
    ///
    /// ## Severity
    /// `warning`, whatever the consent: pinning is about what runs, not
    /// whether the user asked for it.
    ///
    /// ## Example
    /// ```js
    /// mw.loader.load('https://cdn.jsdelivr.net/gh/someone/tool@master/dist/tool.js');
    /// $.getScript('https://unpkg.com/chart-lib');
    /// ```
    ///
    /// ## Use instead
    /// Pin an exact version or a commit (and better, copy the code into a
    /// gadget page, see OS101):
    /// ```js
    /// mw.loader.load('https://cdn.jsdelivr.net/gh/someone/tool@1.4.2/dist/tool.js');
    /// ```
    const UNPINNED_REMOTE_CODE = {
        code: "OS204",
        name: "unpinned-remote-code",
        default_severity: Warning,
        remote: false,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if !ctx.load.sink.is_executable() {
        return None;
    }
    let host = ctx.load.host.as_deref()?;
    let url = ctx.load.url.as_deref()?;
    let reason = unpinned_reason(host, path_of(url))?;
    Some(Violation {
        severity: Severity::Warning,
        message: format!(
            "`{}` loads code from `{url}`, which is not pinned: {reason}",
            ctx.load.api
        ),
    })
}

/// The path of an absolute or protocol-relative URL, without query or fragment.
fn path_of(url: &str) -> &str {
    let after_authority = url.split_once("//").map_or(url, |(_, rest)| rest);
    let path = after_authority
        .find('/')
        .map_or("", |i| &after_authority[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

/// Why the code at `path` on `host` can change under the same URL.
fn unpinned_reason(host: &str, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(seg) = segments
        .iter()
        .find(|s| **s == "latest" || s.ends_with("@latest") || s.contains("-latest."))
    {
        return Some(format!("`{seg}` always points to the newest release"));
    }
    match host {
        "raw.githubusercontent.com" => {
            // /owner/repo/ref/file or /owner/repo/refs/heads/branch/file
            let reference = match segments.get(2).copied() {
                Some("refs") => segments.get(4).copied(),
                other => other,
            }?;
            branch_reason(reference)
        }
        "cdn.jsdelivr.net" | "fastly.jsdelivr.net" | "gcore.jsdelivr.net" => match segments.first()
        {
            Some(&"gh") => match segments.get(2)?.split_once('@') {
                None => Some("no `@version`: jsDelivr serves the default branch".to_owned()),
                Some((_, reference)) => branch_reason(reference),
            },
            Some(&"npm") => npm_reason(&segments[1..]),
            _ => None,
        },
        "unpkg.com" => npm_reason(&segments),
        "code.jquery.com" => (!segments.iter().any(|s| has_version(s)))
            .then(|| "no version in the file name".to_owned()),
        "cdnjs.cloudflare.com" | "ajax.googleapis.com" | "tools-static.wmflabs.org" => {
            let libs = segments.iter().position(|s| *s == "libs")?;
            let version = segments.get(libs + 2).copied().unwrap_or("");
            let starts_with_digit = version.chars().next().is_some_and(|c| c.is_ascii_digit());
            (!version.contains(DYNAMIC) && !starts_with_digit)
                .then(|| "no version segment after the library name".to_owned())
        }
        _ => None,
    }
}

/// For a git reference: `None` when it is a commit hash or a version tag.
fn branch_reason(reference: &str) -> Option<String> {
    let is_commit =
        (7..=40).contains(&reference.len()) && reference.chars().all(|c| c.is_ascii_hexdigit());
    let is_tag = reference
        .strip_prefix('v')
        .unwrap_or(reference)
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit());
    if is_commit || is_tag || reference.contains(DYNAMIC) {
        None
    } else {
        Some(format!(
            "`{reference}` is a branch, not a commit or version tag"
        ))
    }
}

/// For `pkg[@version]/file` or `@scope/pkg[@version]/file`.
fn npm_reason(segments: &[&str]) -> Option<String> {
    let package = if segments.first()?.starts_with('@') {
        segments.get(1)?
    } else {
        segments.first()?
    };
    let Some((_, version)) = package.split_once('@') else {
        return Some("no `@version`: the CDN serves the newest release".to_owned());
    };
    if version.contains(DYNAMIC) || is_exact_version(version) {
        None
    } else {
        Some(format!("`@{version}` is a range, not an exact version"))
    }
}

/// `1.2.3`, `1.2.3-beta.1`, `1.2.3+build`.
fn is_exact_version(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Contains `digit.digit` (`jquery-3.7.1.min.js`, `1.13.2`).
fn has_version(segment: &str) -> bool {
    segment
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::UNPINNED_REMOTE_CODE;
    use crate::rules::testing::{case, load, run};

    #[test]
    fn fixture() {
        let script = |url| load("mw.loader.load", Sink::Script, url);
        let tp = Tier::ThirdParty;
        let cases = [
            case(
                "bad jsdelivr gh branch",
                script("https://cdn.jsdelivr.net/gh/someone/tool@master/dist/tool.js"),
                tp,
            ),
            case(
                "bad jsdelivr gh no ref",
                script("https://cdn.jsdelivr.net/gh/someone/tool/dist/tool.js"),
                tp,
            ),
            case(
                "bad jsdelivr npm no version",
                script("https://cdn.jsdelivr.net/npm/chart-lib/dist/chart.js"),
                tp,
            ),
            case(
                "bad jsdelivr npm range",
                script("https://cdn.jsdelivr.net/npm/@scope/pkg@3/index.js"),
                tp,
            ),
            case(
                "bad jsdelivr @latest",
                script("https://cdn.jsdelivr.net/npm/chart-lib@latest"),
                tp,
            ),
            case("bad unpkg bare", script("https://unpkg.com/chart-lib"), tp),
            case(
                "bad raw github main",
                script("https://raw.githubusercontent.com/someone/tool/main/tool.js"),
                tp,
            ),
            case(
                "bad raw github refs/heads",
                script("https://raw.githubusercontent.com/someone/tool/refs/heads/HEAD/tool.js"),
                tp,
            ),
            case(
                "bad github releases/latest",
                script("https://github.com/someone/tool/releases/latest/download/tool.js"),
                tp,
            ),
            case(
                "bad code.jquery.com",
                script("https://code.jquery.com/jquery.min.js"),
                tp,
            ),
            case(
                "bad jquery-latest",
                script("//code.jquery.com/jquery-latest.js"),
                tp,
            ),
            case(
                "bad cdnjs no version",
                script("https://cdnjs.cloudflare.com/ajax/libs/lodash.js/lodash.min.js"),
                tp,
            ),
            case(
                "bad wmcs cdnjs mirror",
                script("https://tools-static.wmflabs.org/cdnjs/ajax/libs/d3/d3.min.js"),
                Tier::Wmcs,
            ),
            case(
                "ok jsdelivr pinned",
                script("https://cdn.jsdelivr.net/npm/chart-lib@4.4.1/dist/chart.js"),
                tp,
            ),
            case(
                "ok gh commit",
                script("https://cdn.jsdelivr.net/gh/someone/tool@0f3c9a1/dist/tool.js"),
                tp,
            ),
            case(
                "ok raw github tag",
                script("https://raw.githubusercontent.com/someone/tool/v1.2.0/tool.js"),
                tp,
            ),
            case(
                "ok code.jquery.com versioned",
                script("https://code.jquery.com/jquery-3.7.1.min.js"),
                tp,
            ),
            case(
                "ok cdnjs versioned",
                script("https://cdnjs.cloudflare.com/ajax/libs/lodash.js/4.17.21/lodash.min.js"),
                tp,
            ),
            case(
                "ok dynamic version",
                script("https://unpkg.com/chart-lib@${…}/x.js"),
                tp,
            ),
            case(
                "ok stylesheet",
                load("mw.loader.load", Sink::Style, "https://unpkg.com/theme"),
                tp,
            ),
            case(
                "ok other host",
                script("https://cdn.example.com/tool.js"),
                tp,
            ),
        ];
        insta::assert_snapshot!(run(&UNPINNED_REMOTE_CODE, &cases));
    }
}
