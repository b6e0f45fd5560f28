//! Bytes of a source file to text. UTF-8 is the norm; a byte-order mark
//! says otherwise: UTF-16 (little- or big-endian) is decoded, and a UTF-8
//! mark is dropped, so that lines and columns are those an editor shows.
//! Invalid sequences are replaced and noted rather than hiding the file's
//! loads.

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16_LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16_BE_BOM: &[u8] = b"\xFE\xFF";

/// The text of `bytes`, and a note when something had to be replaced.
pub fn decode(bytes: Vec<u8>) -> (String, Option<String>) {
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return utf8(rest.to_vec());
    }
    if let Some(rest) = bytes.strip_prefix(UTF16_LE_BOM) {
        return utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(UTF16_BE_BOM) {
        return utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> (String, Option<String>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            (
                text,
                Some(format!(
                    "not valid UTF-8 at byte {at}; invalid bytes were replaced"
                )),
            )
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> (String, Option<String>) {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut first_bad = None;
    for (i, c) in char::decode_utf16(units).enumerate() {
        text.push(c.unwrap_or_else(|_| {
            // Byte offset in the file: the mark, then two bytes per unit.
            first_bad.get_or_insert(2 + 2 * i);
            char::REPLACEMENT_CHARACTER
        }));
    }
    if bytes.len() % 2 == 1 {
        first_bad.get_or_insert(1 + bytes.len());
        text.push(char::REPLACEMENT_CHARACTER);
    }
    let note = first_bad
        .map(|at| format!("not valid {name} at byte {at}; invalid code units were replaced"));
    (text, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_bytes(bom: &[u8], text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = bom.to_vec();
        for unit in text.encode_utf16() {
            out.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_with_a_mark_is_decoded_both_ways() {
        let text = "mw.loader.load('https://é.example/x.js');";
        assert_eq!(
            decode(utf16_bytes(UTF16_LE_BOM, text, false)),
            (text.to_owned(), None)
        );
        assert_eq!(
            decode(utf16_bytes(UTF16_BE_BOM, text, true)),
            (text.to_owned(), None)
        );
    }

    #[test]
    fn the_utf8_mark_is_dropped_so_columns_are_an_editors() {
        let mut bytes = UTF8_BOM.to_vec();
        bytes.extend(b"var a = 1;");
        assert_eq!(decode(bytes), ("var a = 1;".to_owned(), None));
    }

    #[test]
    fn broken_utf16_is_replaced_and_noted_with_its_offset() {
        let mut bytes = utf16_bytes(UTF16_LE_BOM, "ab", false);
        bytes.extend([0x00, 0xD8]); // a lone high surrogate, unit 2
        bytes.extend(utf16_bytes(&[], "c", false));
        let (text, note) = decode(bytes);
        assert_eq!(text, "ab\u{FFFD}c");
        assert!(note.is_some_and(|n| n.contains("byte 6")));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_noted() {
        let (text, note) = decode(b"a\xFFb".to_vec());
        assert_eq!(text, "a\u{FFFD}b");
        assert!(note.is_some_and(|n| n.contains("byte 1")));
    }
}
