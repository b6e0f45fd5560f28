//! What happens after an error: damage explained, then stop or resync.

use super::{Parser, new_reader};
use crate::error::{DumpError, Position};
use crate::source::{ChunkReader, Compression};

impl Parser {
    /// Damage decodes to nonsense before the decoder notices (bzip2 checks
    /// a block's CRC only after handing out its data), so an XML error or
    /// an early end in compressed data is looked at again: when a decode
    /// failure follows within a block's reach, that failure is the error.
    fn explain_by_damage(&mut self, error: DumpError) -> DumpError {
        // A bzip2 block decodes to at most 900 kB, and its run-length step
        // can expand it about 50-fold in the worst case.
        const REACH: u64 = 48 << 20;
        if self.compression == Compression::None {
            return error;
        }
        let (DumpError::Xml { at, message, .. }
        | DumpError::Truncated {
            at,
            detail: message,
            ..
        }) = &error
        else {
            return error;
        };
        let chunks = self.reader.get_mut();
        let Some(failure) = chunks.failure_ahead(REACH, self.can_resync) else {
            return error;
        };
        DumpError::Decompress {
            path: self.path.clone(),
            format: self.compression.name(),
            at: Position {
                decompressed: at.decompressed,
                compressed: Some(failure.compressed),
                is_stream_start: failure.is_stream_start,
            },
            message: format!(
                "{}; the data decoded before the failure was already damaged (it read as: {message})",
                failure.message
            ),
        }
    }

    /// Records an error and decides how reading goes on.
    pub(super) fn fail(&mut self, error: DumpError) -> DumpError {
        let error = self.explain_by_damage(error);
        self.stats.errors += 1;
        if self.stats.first_error.is_none() {
            self.stats.first_error = Some(error.to_string());
        }
        match &error {
            // The page was read to its end tag: carry on.
            DumpError::BadPage { .. } | DumpError::PageTooLarge { .. } => {}
            DumpError::Decompress { .. } | DumpError::Xml { .. } if self.can_resync => {
                let is_xml = matches!(error, DumpError::Xml { .. });
                let old = std::mem::replace(&mut self.reader, new_reader(ChunkReader::empty()));
                let mut chunks = old.into_inner();
                // A decode failure already ends its segment; an XML error
                // leaves the rest of the segment unread.
                if is_xml && !chunks.skip_to_next_segment() {
                    self.done = true;
                }
                self.base = chunks.delivered;
                self.skipped = 0;
                self.reader = new_reader(chunks);
            }
            _ => self.done = true,
        }
        error
    }
}
