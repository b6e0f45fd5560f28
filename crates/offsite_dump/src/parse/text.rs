//! Element text read straight from the decoded chunks, with a bound.
//!
//! quick-xml returns the text between two tags as one event, so a 512 MiB
//! `<text>` would sit in its event buffer whole before anyone could look at
//! its length. Inside element text every `<` is escaped, so the content ends
//! at the next `<`: it is found with memchr in the chunks and consumed in
//! place, kept only while it fits the limit; entities and line ends are
//! decoded afterwards, as the reader would have done.

use std::io::BufRead;

use super::Parser;
use crate::error::DumpError;

/// `<text bytes=…>` is a hint for the allocation, capped so a hostile dump
/// cannot reserve gigabytes up front.
const MAX_TEXT_RESERVE: u64 = 16 << 20;

/// The text of an element, or how long it was when it did not fit.
pub(super) enum Bounded {
    Text(String),
    TooLarge { bytes: u64 },
}

impl Parser {
    /// Reads the text of the element just opened up to its end tag, keeping
    /// at most `limit` bytes as written in the file. `hint` (the `bytes`
    /// attribute) sizes the buffer.
    pub(super) fn read_bounded(&mut self, limit: u64, hint: u64) -> Result<Bounded, DumpError> {
        let reserve = hint.min(limit).min(MAX_TEXT_RESERVE);
        let mut raw = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
        let mut total = 0u64;
        loop {
            let chunks = self.reader.get_mut();
            let available = match chunks.fill_buf() {
                Ok(available) => available,
                Err(e) => return Err(self.convert(&quick_xml::Error::Io(std::sync::Arc::new(e)))),
            };
            if available.is_empty() {
                return Err(self.truncated("a text element"));
            }
            let (amount, found) = match memchr::memchr(b'<', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            total += amount as u64;
            if total <= limit {
                raw.extend_from_slice(&available[..amount]);
            } else if raw.capacity() > 0 {
                // Over the limit: give the memory back and only count.
                raw = Vec::new();
            }
            chunks.consume(amount);
            self.skipped += amount as u64;
            if found {
                break;
            }
        }
        if total > limit {
            self.read_text(None)?;
            return Ok(Bounded::TooLarge { bytes: total });
        }
        let mut text = String::with_capacity(raw.len());
        decode_text(&raw, &mut text);
        drop(raw);
        // Normally just the end tag; a CDATA section or comment (never
        // written by MediaWiki) goes through the reader as before.
        self.read_text(Some(&mut text))?;
        Ok(Bounded::Text(text))
    }
}

impl Parser {
    /// Drops text between tags (up to the next `<`) before the reader sees
    /// it, so text where no value is read (inside a skipped element, or
    /// stray text in a page) is never buffered either, however long.
    pub(super) fn drop_text(&mut self) -> Result<(), DumpError> {
        loop {
            let chunks = self.reader.get_mut();
            let available = match chunks.fill_buf() {
                Ok(available) => available,
                Err(e) => return Err(self.convert(&quick_xml::Error::Io(std::sync::Arc::new(e)))),
            };
            if available.is_empty() {
                return Ok(());
            }
            let (amount, found) = match memchr::memchr(b'<', available) {
                Some(i) => (i, true),
                None => (available.len(), false),
            };
            chunks.consume(amount);
            self.skipped += amount as u64;
            if found {
                return Ok(());
            }
        }
    }
}

/// Appends `raw` (element content as written, no `<` in it) decoded:
/// entities resolved, line ends normalised as XML 1.0 requires
/// (<https://www.w3.org/TR/xml/#sec-line-ends>), invalid UTF-8 replaced.
/// An entity MediaWiki never writes is kept as written rather than failing
/// the page.
pub(super) fn decode_text(raw: &[u8], out: &mut String) {
    let text = String::from_utf8_lossy(raw);
    let mut rest: &str = &text;
    while let Some(i) = memchr::memchr2(b'&', b'\r', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('\r') {
            out.push('\n');
            rest = after.strip_prefix('\n').unwrap_or(after);
            continue;
        }
        // The longest entity we resolve is `&#x10FFFF;` (10 bytes).
        let end = tail.as_bytes().iter().take(12).position(|&b| b == b';');
        let decoded = end.and_then(|end| entity(&tail[1..end]).map(|c| (c, end)));
        if let Some((c, end)) = decoded {
            out.push(c);
            rest = &tail[end + 1..];
        } else {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    fn decoded(raw: &str) -> String {
        let mut out = String::new();
        decode_text(raw.as_bytes(), &mut out);
        out
    }

    #[test]
    fn entities_and_line_ends_decode_as_the_reader_does() {
        assert_eq!(
            decoded("a &lt;b&gt; &amp;&quot;&apos; &#039;&#x41;\r\nx\ry"),
            "a <b> &\"' 'A\nx\ny"
        );
    }

    #[test]
    fn unknown_or_broken_entities_stay_visible() {
        assert_eq!(decoded("&nbsp; & x &#xZZ; &"), "&nbsp; & x &#xZZ; &");
        assert_eq!(decoded("&#1114112;"), "&#1114112;");
    }
}
