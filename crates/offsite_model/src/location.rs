//! Byte offsets to 1-based line and column numbers.

/// A 1-based line and column. Columns count Unicode scalar values, so a
/// multi-byte character is one column (what editors show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Line starts of a text, for turning byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                // Texts over 4 GiB are refused before analysis, so this fits.
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Self { starts }
    }

    /// Position of byte `offset`. Offsets past the end or inside a
    /// multi-byte character are clamped to the nearest earlier boundary.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line_idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.starts[line_idx] as usize;
        let mut end = offset as usize;
        while end > line_start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[line_start..end].chars().count() + 1;
        Position {
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text<'a>(&self, text: &'a str, line: u32) -> Option<&'a str> {
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(idx)? as usize;
        let end = self.starts.get(idx + 1).map_or(text.len(), |&e| e as usize);
        Some(text[start..end].trim_end_matches(['\n', '\r']))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\ncé d\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 3), Position { line: 2, column: 1 });
        // 'é' is two bytes; the space after it is column 3.
        assert_eq!(idx.position(text, 6), Position { line: 2, column: 3 });
        assert_eq!(idx.line_text(text, 2), Some("cé d"));
        assert_eq!(idx.line_text(text, 9), None);
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let text = "x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 99), Position { line: 1, column: 2 });
    }
}
