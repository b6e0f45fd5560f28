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
    /// For every [`CHECKPOINT`] bytes, the column count from that byte's
    /// line start up to it, so a position on a 50 MB one-line bundle costs
    /// at most [`CHECKPOINT`] bytes of counting, not the whole line.
    checkpoints: Vec<u32>,
}

/// Bytes between column checkpoints.
const CHECKPOINT: usize = 4096;

/// Counts characters without decoding: every byte but a UTF-8
/// continuation byte starts one.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT);
        let mut column: u32 = 0;
        for (i, b) in text.bytes().enumerate() {
            if i > 0 && i % CHECKPOINT == 0 {
                checkpoints.push(column);
            }
            if b == b'\n' {
                // Texts over 4 GiB are refused before analysis, so this fits.
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                column = 0;
            } else if b & 0xC0 != 0x80 {
                column = column.saturating_add(1);
            }
        }
        Self {
            starts,
            checkpoints,
        }
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
        // Count from the last checkpoint inside this line, if there is one.
        let block = end / CHECKPOINT;
        let (from, counted) = match block.checked_sub(1).and_then(|k| self.checkpoints.get(k)) {
            Some(&count) if block * CHECKPOINT > line_start => (block * CHECKPOINT, count as usize),
            _ => (line_start, 0),
        };
        let column = counted + chars_in(&text.as_bytes()[from..end]) + 1;
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

    /// Checkpoints give the same columns as counting from the line start,
    /// on long lines, short lines and multi-byte characters across them.
    #[test]
    fn checkpointed_columns_match_counting() {
        let text = format!(
            "{}\n{}\nab\n{}",
            "aé€😀".repeat(3_000),
            "x".repeat(9_000),
            "é".repeat(5_000)
        );
        let idx = LineIndex::new(&text);
        for offset in (0..text.len() + 3).step_by(7) {
            let offset = u32::try_from(offset).unwrap_or(u32::MAX);
            let got = idx.position(&text, offset);
            let mut end = (offset as usize).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..end].chars().count() + 1;
            assert_eq!(got.column as usize, column, "offset {offset}");
            assert_eq!(got.line as usize, text[..end].matches('\n').count() + 1);
        }
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let text = "x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 99), Position { line: 1, column: 2 });
    }
}
