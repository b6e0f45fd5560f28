//! The one error type of the crate. Every message names the file and, where
//! the problem is inside the data, the byte offset.

use std::fmt;
use std::path::PathBuf;

/// Where in a dump something went wrong.
///
/// `decompressed` counts bytes of XML read so far (the XML parser's view);
/// `stream` is the compressed offset of the bzip2 stream being decoded when
/// the file is read as a parallel multistream, otherwise the start of the
/// damaged bzip2 block when one was found, otherwise the number of
/// compressed bytes read from the file so far (the decoder reads ahead, so
/// it is an upper bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub decompressed: u64,
    pub compressed: Option<u64>,
    /// True when `compressed` is the start of the multistream stream.
    pub is_stream_start: bool,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "decompressed byte {}", self.decompressed)?;
        match self.compressed {
            Some(c) if self.is_stream_start => {
                write!(f, ", in the bz2 stream at compressed byte {c}")
            }
            Some(c) => write!(f, ", compressed byte {c}"),
            None => Ok(()),
        }
    }
}

/// Everything that can go wrong reading a dump.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DumpError {
    #[error("{path}: cannot read: {message}")]
    Io { path: PathBuf, message: String },

    #[error("{path}: not a MediaWiki XML dump ({detail}) at {at}")]
    NotADump {
        path: PathBuf,
        at: Position,
        detail: String,
    },

    #[error(
        "{path}: unsupported export version {version:?} (offsite reads 0.8 to 0.11, and tries later 0.x versions)"
    )]
    UnsupportedVersion { path: PathBuf, version: String },

    #[error("{path}: {format} data is corrupt or truncated at {at}: {message}")]
    Decompress {
        path: PathBuf,
        format: &'static str,
        at: Position,
        message: String,
    },

    #[error("{path}: malformed XML at {at}: {message}")]
    Xml {
        path: PathBuf,
        at: Position,
        message: String,
    },

    #[error("{path}: the dump ends early at {at} ({detail})")]
    Truncated {
        path: PathBuf,
        at: Position,
        detail: String,
    },

    #[error("{path}: page {title:?} at {at}: {message}")]
    BadPage {
        path: PathBuf,
        title: String,
        at: Position,
        message: String,
    },

    /// A wanted page with a revision whose text is above
    /// [`crate::DumpOptions::max_text_bytes`]: the text was streamed past,
    /// never buffered, and the page is skipped; reading goes on.
    #[error(
        "{path}: page {title:?} (page id {page_id}) at {at}: revision {revision} has {bytes} bytes of text as written in the dump, above the limit of {limit}; the page is skipped"
    )]
    PageTooLarge {
        path: PathBuf,
        title: String,
        page_id: u64,
        revision: u64,
        at: Position,
        bytes: u64,
        limit: u64,
    },

    #[error("{path}: multistream index line {line}: {message}")]
    Index {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

impl DumpError {
    /// The position inside the data, when the error has one.
    pub fn position(&self) -> Option<Position> {
        match self {
            Self::NotADump { at, .. }
            | Self::Decompress { at, .. }
            | Self::Xml { at, .. }
            | Self::Truncated { at, .. }
            | Self::BadPage { at, .. }
            | Self::PageTooLarge { at, .. } => Some(*at),
            Self::Io { .. } | Self::UnsupportedVersion { .. } | Self::Index { .. } => None,
        }
    }

    /// True when part of the dump could not be read (I/O, damaged or
    /// truncated compressed data, broken XML, a dump that is not one): the
    /// scan is incomplete and a caller should fail (offsite exits 2).
    /// False for one page skipped whole while reading went on
    /// ([`Self::BadPage`], [`Self::PageTooLarge`]): a caller reports it
    /// and carries on.
    pub fn is_damage(&self) -> bool {
        !matches!(self, Self::BadPage { .. } | Self::PageTooLarge { .. })
    }
}
