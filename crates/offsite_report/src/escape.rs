//! Making untrusted text safe to print on a terminal or a CI log.
//!
//! Analysed code is written by strangers. Printed raw, an escape sequence in a
//! URL could clear the reviewer's screen, rewrite earlier lines, set the
//! window title or plant a hyperlink; a bidirectional override could make a
//! URL read differently from what it is (CVE-2021-42574, "Trojan Source").
//! So every such character is shown as a visible escape instead.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

/// Characters that change how a terminal or a bidi-aware viewer shows the
/// text around them rather than showing themselves.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        // Writing to a String cannot fail.
        c if u32::from(c) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
        }
    }
}

/// `s` with every unsafe character replaced by a visible escape (`\x1b`,
/// `\n`, `\u{202e}`). Borrowed when nothing needed escaping.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` safe as HTML text or a quoted attribute value: the five markup
/// characters become references, and (as for the terminal) control and
/// bidirectional-override characters become visible escapes, so a hostile
/// string shows as the text it is and reads the way it is stored.
pub fn html(s: &str) -> String {
    let visible = terminal(s);
    let mut out = String::with_capacity(visible.len() + 16);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Terminal columns `s` takes once escaped.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Spaces a tab expands to in code frames. A fixed width (not tab stops)
/// keeps carets aligned without knowing the reader's tab setting.
const TAB: &str = "    ";

/// One source character as shown in a code frame: its text and how many
/// terminal columns it takes.
pub fn frame_cell(c: char) -> (Cow<'static, str>, usize) {
    if c == '\t' {
        (Cow::Borrowed(TAB), TAB.len())
    } else if is_unsafe(c) {
        let mut s = String::new();
        push_escaped(&mut s, c);
        let w = s.len();
        (Cow::Owned(s), w)
    } else {
        (Cow::Owned(c.to_string()), c.width().unwrap_or(0))
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn safe_text_is_borrowed() {
        assert!(matches!(terminal("https://例え.jp/ü.js"), Cow::Borrowed(_)));
    }

    #[test]
    fn control_and_bidi_characters_become_visible() {
        assert_eq!(terminal("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(terminal("x\u{7}\u{9b}\u{7f}"), "x\\x07\\x9b\\x7f");
        assert_eq!(terminal("line\nnext\r\t"), "line\\nnext\\r\\t");
        assert_eq!(terminal("abc\u{202e}txt.js"), "abc\\u{202e}txt.js");
        assert_eq!(terminal("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn html_escapes_markup_quotes_and_invisible_characters() {
        assert_eq!(
            html("</script><img src=x onerror=\"alert('1')\">&"),
            "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(html("a\u{202e}b\u{1b}"), "a\\u{202e}b\\x1b");
        assert_eq!(html("地図 ok"), "地図 ok");
    }

    #[test]
    fn frame_cells_measure_wide_characters() {
        assert_eq!(frame_cell('地').1, 2);
        assert_eq!(frame_cell('a').1, 1);
        assert_eq!(frame_cell('\t'), (Cow::Borrowed("    "), 4));
        assert_eq!(frame_cell('\u{1b}'), (Cow::Owned("\\x1b".to_owned()), 4));
        assert_eq!(width("地図-x"), 6);
    }
}
