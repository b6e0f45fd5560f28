//! `MediaWiki:Gadgets-definition`, read as
//! `MediaWikiGadgetsDefinitionRepo::listFromDefinition` and `newFromDefinition`
//! (mediawiki-extensions-Gadgets, `includes/MediaWikiGadgetsDefinitionRepo.php`)
//! read it. Where the extension silently skips a line, we keep going too but
//! report the line.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::{DefinitionOrigin, GadgetDefinition, RESOURCE_TITLE_PREFIX, module_name, resolve_kind};

/// A line of `MediaWiki:Gadgets-definition` the extension ignores or
/// overrides. The gadget it meant to define does not exist on the wiki.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("MediaWiki:Gadgets-definition line {line}: {message}")]
pub struct DefinitionError {
    /// 1-based line of the original text (before comments were stripped).
    pub line: usize,
    pub message: String,
}

/// Everything read from one `MediaWiki:Gadgets-definition` text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedDefinitions {
    /// In the order the extension keeps them: a redefined name keeps the
    /// position of its first definition (PHP array semantics).
    pub gadgets: Vec<GadgetDefinition>,
    pub errors: Vec<DefinitionError>,
}

// PCRE without the `u` flag: `\s` and `\w` are ASCII. Rust's classes are
// Unicode, so the ASCII sets are spelled out.
const SPACE: &str = r"[\t\n\x0B\x0C\r ]";

// The invariant for the `expect`s below: the patterns are constants, checked
// by the tests, so compiling them cannot fail at run time.
static SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^==+ *([^*:\t\n\x0B\x0C\r |]+?){SPACE}*==+{SPACE}*$"
    ))
    .expect("constant regex")
});
static GADGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\*+ *([a-zA-Z](?:[-_:.A-Za-z0-9 ]*[a-zA-Z0-9])?)({SPACE}*\[.*?\])?{SPACE}*((\|[^|]*)+){SPACE}*$"
    ))
    .expect("constant regex")
});
static BAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"{SPACE}*\|{SPACE}*")).expect("constant regex"));
static EQUALS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"{SPACE}*={SPACE}*")).expect("constant regex"));

/// `Gadget::isValidGadgetID`: non-empty, and `ext.gadget.<id>` a valid
/// ResourceLoader module name (at most 255 bytes, no `|`, `,` or `!`).
pub fn is_valid_gadget_id(id: &str) -> bool {
    let module = module_name(id);
    !id.is_empty() && module.len() <= 255 && !module.contains(['|', ',', '!'])
}

/// Parse the wikitext of `MediaWiki:Gadgets-definition`. Never fails: lines
/// the extension would skip are returned as [`DefinitionError`]s.
pub fn parse_legacy(text: &str) -> ParsedDefinitions {
    let mut out = ParsedDefinitions::default();
    let mut index: HashMap<String, (usize, usize)> = HashMap::new();
    let mut section = String::new();
    for (line_no, line) in lines_without_comments(text) {
        if let Some(m) = SECTION.captures(&line) {
            m[1].clone_into(&mut section);
            continue;
        }
        match parse_line(&line, &section, line_no) {
            Ok(gadget) => {
                if let Some(&(pos, first)) = index.get(&gadget.id) {
                    // The earlier line is the one whose definition is lost.
                    out.errors.push(DefinitionError {
                        line: first,
                        message: format!(
                            "gadget `{}` is defined again on line {line_no}, which replaces this definition",
                            gadget.id
                        ),
                    });
                    index.insert(gadget.id.clone(), (pos, line_no));
                    out.gadgets[pos] = gadget;
                } else {
                    index.insert(gadget.id.clone(), (out.gadgets.len(), line_no));
                    out.gadgets.push(gadget);
                }
            }
            Err(Some(message)) => out.errors.push(DefinitionError {
                line: line_no,
                message,
            }),
            Err(None) => {}
        }
    }
    out.errors.sort_by_key(|e| e.line);
    out
}

/// `preg_replace('/<!--.*?-->/s', '')` then `preg_split('/(\r\n|\r|\n)+/')`,
/// keeping for each resulting line the original line it starts on. A comment
/// spanning lines joins the text around it into one line, as in the extension.
fn lines_without_comments(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_line = 1;
    let mut line = 1;
    let mut rest = text;
    let flush = |current: &mut String, current_line: usize, lines: &mut Vec<(usize, String)>| {
        // A run of line breaks is one separator, so empty lines vanish.
        if !current.is_empty() {
            lines.push((current_line, std::mem::take(current)));
        }
    };
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<!--")
            && let Some(end) = rest[4..].find("-->")
        {
            let comment = &rest[..4 + end + 3];
            line += count_breaks(comment);
            rest = &rest[comment.len()..];
            continue;
        }
        match c {
            '\r' | '\n' => {
                flush(&mut current, current_line, &mut lines);
                let len = if rest.starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[len..];
                line += 1;
                current_line = line;
            }
            _ => {
                if current.is_empty() {
                    current_line = line;
                }
                current.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    flush(&mut current, current_line, &mut lines);
    lines
}

fn count_breaks(s: &str) -> usize {
    let crlf = s.matches("\r\n").count();
    s.matches('\n').count() + s.matches('\r').count() - crlf
}

/// `newFromDefinition`. `Err(None)` for blank lines, which are not errors.
fn parse_line(
    line: &str,
    section: &str,
    line_no: usize,
) -> Result<GadgetDefinition, Option<String>> {
    if line.trim().is_empty() {
        return Err(None);
    }
    let Some(m) = GADGET.captures(line) else {
        return Err(Some(explain(line)));
    };
    let id = m[1].replace(' ', "_");
    if !is_valid_gadget_id(&id) {
        return Err(Some(format!(
            "gadget name `{id}` is too long for a ResourceLoader module name (255 bytes with `ext.gadget.`)"
        )));
    }
    let mut g = GadgetDefinition::new(&id, DefinitionOrigin::Legacy);
    section.clone_into(&mut g.section);
    g.source_line = Some(line_no);
    // `trim($options, ' []')`: only spaces and brackets, not tabs.
    let options = m
        .get(2)
        .map_or("", |o| o.as_str().trim_matches([' ', '[', ']']));
    let mut explicit_type = None;
    for option in BAR.split(options).filter(|o| !o.is_empty()) {
        let mut parts = EQUALS.splitn(option, 2);
        let name = parts.next().unwrap_or_default();
        // `explode(',')` then PHP `trim` (spaces, \t \n \r \0 \x0B).
        let params: Vec<String> = parts
            .next()
            .map(|v| v.split(',').map(|p| php_trim(p).to_owned()).collect())
            .unwrap_or_default();
        match name {
            "ResourceLoader" => g.resource_loader = true,
            "requiresES6" => g.requires_es6 = true,
            "dependencies" => g.dependencies = params,
            "peers" => g.peers = params,
            "rights" => g.rights = params,
            "hidden" => g.hidden = true,
            "actions" => g.actions = params,
            "skins" => g.skins = params,
            "namespaces" => g.namespaces = params,
            "categories" => g.categories = params,
            "contentModels" => g.content_models = params,
            // The extension ignores any value: `default=false` is still default.
            "default" => g.default = true,
            "package" => g.package = true,
            "codexIcons" => g.codex_icons = params,
            // A single value, not a list.
            "type" => explicit_type = Some(params.into_iter().next().unwrap_or_default()),
            "supportsUrlLoad" => {
                g.supports_url_load = params.first().is_none_or(|v| v != "false");
            }
            _ => g.unknown_options.push(option.to_owned()),
        }
    }
    g.pages = BAR
        .split(&m[3])
        .filter(|p| !p.is_empty())
        .map(|p| format!("{RESOURCE_TITLE_PREFIX}{}", php_trim(p)))
        .collect();
    g.kind = resolve_kind(explicit_type.as_deref(), &g.pages, &g.dependencies);
    Ok(g)
}

fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B'])
}

/// Say why a line is not a gadget, in the words of the format.
fn explain(line: &str) -> String {
    let t = line.trim();
    let shown: String = t.chars().take(80).collect();
    if t.starts_with("==") {
        return format!(
            "`{shown}` is not a section header the extension accepts: the name must be one word without `*`, `:` or `|`"
        );
    }
    if !t.starts_with('*') {
        return format!("`{shown}` is not a gadget definition: gadget lines start with `*`");
    }
    if !t.contains('|') {
        return format!("`{shown}` names no pages: write `* name[options]|page.js|page.css`");
    }
    let name = t.trim_start_matches('*').trim_start_matches(' ');
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return format!("`{shown}`: a gadget name must start with an ASCII letter");
    }
    format!(
        "`{shown}` is not a valid gadget definition: names allow ASCII letters, digits, `-_:. ` and end with a letter or digit; options go in one `[...]` before the first `|`"
    )
}

#[cfg(test)]
mod tests;
