//! The XML state machine: `<mediawiki>` header, `<siteinfo>`, then pages.
//!
//! Text of unwanted revisions is read as events and dropped, never
//! collected. The machine tolerates fragments (stray end tags, pages at the
//! top level), so after an error in a multistream segment it starts again
//! at the next segment, which begins with a whole `<page>`.

use std::io::BufRead;
use std::path::PathBuf;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{DumpError, Position};
use crate::source::{ChunkReader, Compression};
use crate::types::{DumpPage, SiteInfo, Wanted};

/// The longest single value (title, comment, user name, siteinfo field)
/// kept. MediaWiki's own limits are far lower (255 bytes for a title, 1,000
/// characters for a comment); anything longer is a damaged or hostile dump,
/// and is streamed past instead of buffered.
const MAX_VALUE_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Mediawiki,
    Siteinfo,
    Page,
    Revision,
    Contributor,
    Text,
    Comment,
    Redirect,
    Minor,
    Namespace,
    Leaf(Leaf),
    Other,
}

/// Elements whose text is a single value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    Title,
    Ns,
    Id,
    ParentId,
    Timestamp,
    Username,
    Ip,
    Model,
    Format,
    Sha1,
    Sitename,
    Dbname,
    Base,
    Generator,
    Case,
}

fn tag_of(e: &BytesStart<'_>) -> Tag {
    match e.local_name().as_ref() {
        "mediawiki" => Tag::Mediawiki,
        "siteinfo" => Tag::Siteinfo,
        "page" => Tag::Page,
        "revision" => Tag::Revision,
        "contributor" => Tag::Contributor,
        "text" => Tag::Text,
        "comment" => Tag::Comment,
        "redirect" => Tag::Redirect,
        "minor" => Tag::Minor,
        "namespace" => Tag::Namespace,
        "title" => Tag::Leaf(Leaf::Title),
        "ns" => Tag::Leaf(Leaf::Ns),
        "id" => Tag::Leaf(Leaf::Id),
        "parentid" => Tag::Leaf(Leaf::ParentId),
        "timestamp" => Tag::Leaf(Leaf::Timestamp),
        "username" => Tag::Leaf(Leaf::Username),
        "ip" => Tag::Leaf(Leaf::Ip),
        "model" => Tag::Leaf(Leaf::Model),
        "format" => Tag::Leaf(Leaf::Format),
        "sha1" => Tag::Leaf(Leaf::Sha1),
        "sitename" => Tag::Leaf(Leaf::Sitename),
        "dbname" => Tag::Leaf(Leaf::Dbname),
        "base" => Tag::Leaf(Leaf::Base),
        "generator" => Tag::Leaf(Leaf::Generator),
        "case" => Tag::Leaf(Leaf::Case),
        _ => Tag::Other,
    }
}

/// Only the ends that steer the machine are told apart.
fn end_tag(name: &str) -> Tag {
    match name {
        "siteinfo" => Tag::Siteinfo,
        "mediawiki" => Tag::Mediawiki,
        "page" => Tag::Page,
        _ => Tag::Other,
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_or_else(|_| a.value.to_string(), std::borrow::Cow::into_owned)
        })
}

/// An event reduced to what the machine needs, so the read buffer is free
/// again before the next call.
enum Step {
    Start(Tag, Attrs),
    Empty(Tag, Attrs),
    End(Tag),
    Eof,
    /// Whitespace, comments, declarations: nothing to do.
    Skip,
    /// Text outside of a value element (or a stray reference).
    Text,
}

/// The few attributes the dump format uses.
#[derive(Default)]
struct Attrs {
    deleted: bool,
    bytes: Option<u64>,
    /// `title` on `<redirect>`, `version` on `<mediawiki>`.
    value: Option<String>,
    /// `xmlns` on `<mediawiki>`, `key` on `<namespace>`.
    extra: Option<String>,
}

fn attrs_of(tag: Tag, e: &BytesStart<'_>) -> Attrs {
    match tag {
        Tag::Text | Tag::Contributor | Tag::Comment => Attrs {
            deleted: attr(e, "deleted").is_some(),
            bytes: attr(e, "bytes").and_then(|b| b.parse().ok()),
            ..Attrs::default()
        },
        Tag::Redirect => Attrs {
            value: attr(e, "title"),
            ..Attrs::default()
        },
        Tag::Mediawiki => Attrs {
            value: attr(e, "version"),
            extra: attr(e, "xmlns"),
            ..Attrs::default()
        },
        Tag::Namespace => Attrs {
            extra: attr(e, "key"),
            ..Attrs::default()
        },
        // The name, for the warning about an element offsite does not know.
        Tag::Other => Attrs {
            extra: Some(e.local_name().as_ref().to_owned()),
            ..Attrs::default()
        },
        _ => Attrs::default(),
    }
}

/// Parser statistics, read by the summary.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub pages_seen: u64,
    pub pages_wanted: u64,
    pub revisions_seen: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub saw_end: bool,
    /// Elements not read, by (parent, name): how often, and the first
    /// page they were met in.
    pub unexpected: std::collections::BTreeMap<(&'static str, String), (u64, Option<String>)>,
}

pub(crate) struct Parser {
    reader: Reader<ChunkReader>,
    buf: Vec<u8>,
    path: PathBuf,
    compression: Compression,
    /// Decompressed offset where the current `reader` started.
    base: u64,
    /// Bytes consumed behind the reader's back by [`Parser::skip_text`].
    skipped: u64,
    wanted: Wanted,
    /// Multistream segments hold whole pages: restart at the next one.
    can_resync: bool,
    /// The header loop met a `<page>` (no siteinfo) and left it to us.
    pending_page: bool,
    /// See [`crate::DumpOptions::max_text_bytes`].
    max_text_bytes: u64,
    /// Set by [`Parser::read_string`] when a value was above
    /// [`MAX_VALUE_BYTES`] (and returned empty): its length, for the page's
    /// problem.
    value_overflow: Option<u64>,
    done: bool,
    pub stats: Stats,
}

fn new_reader(chunks: ChunkReader) -> Reader<ChunkReader> {
    let mut reader = Reader::from_reader(chunks);
    // A segment read after an error may close elements it never opened.
    reader.config_mut().allow_unmatched_ends = true;
    reader
}

/// The header: export version and siteinfo.
pub(crate) struct Header {
    pub version: String,
    pub site_info: SiteInfo,
    pub warnings: Vec<String>,
}

impl Parser {
    pub fn new(
        chunks: ChunkReader,
        path: PathBuf,
        compression: Compression,
        wanted: Wanted,
        can_resync: bool,
        max_text_bytes: u64,
    ) -> Self {
        Self {
            reader: new_reader(chunks),
            buf: Vec::with_capacity(1 << 16),
            path,
            compression,
            base: 0,
            skipped: 0,
            wanted,
            can_resync,
            pending_page: false,
            max_text_bytes,
            value_overflow: None,
            done: false,
            stats: Stats::default(),
        }
    }

    pub fn chunks(&self) -> &ChunkReader {
        self.reader.get_ref()
    }

    fn position(&self, offset: u64) -> Position {
        let chunks = self.reader.get_ref();
        let (compressed, is_stream_start) = match (self.compression, chunks.current_stream()) {
            (Compression::None, _) => (None, false),
            (_, Some(stream)) => (Some(stream), true),
            (_, None) => (Some(chunks.compressed_read), false),
        };
        Position {
            decompressed: self.base + self.skipped + offset,
            compressed,
            is_stream_start,
        }
    }

    fn here(&self) -> Position {
        self.position(self.reader.buffer_position())
    }

    fn convert(&mut self, e: &quick_xml::Error) -> DumpError {
        if let quick_xml::Error::Io(io) = e {
            let failure = self.reader.get_mut().failure.take();
            let mut at = self.here();
            let message = match failure {
                Some(f) => {
                    at.compressed = Some(f.compressed);
                    at.is_stream_start = f.is_stream_start;
                    f.message
                }
                None => io.to_string(),
            };
            return DumpError::Decompress {
                path: self.path.clone(),
                format: self.compression.name(),
                at,
                message,
            };
        }
        let at = self.position(self.reader.error_position());
        // quick-xml reports a syntax error only on end of data inside markup.
        if let quick_xml::Error::Syntax(syntax) = e {
            return DumpError::Truncated {
                path: self.path.clone(),
                at,
                detail: format!("end of data inside markup: {syntax}"),
            };
        }
        DumpError::Xml {
            path: self.path.clone(),
            at,
            message: e.to_string(),
        }
    }

    /// The next event inside the root: text where no value is read is
    /// dropped unseen (see [`Parser::drop_text`]).
    fn step(&mut self) -> Result<Step, DumpError> {
        self.drop_text()?;
        self.step_with_text()
    }

    /// The next event, text included (before the root, text means the
    /// file is not a dump).
    fn step_with_text(&mut self) -> Result<Step, DumpError> {
        self.buf.clear();
        let step = match self.reader.read_event_into(&mut self.buf) {
            Ok(Event::Start(e)) => {
                let tag = tag_of(&e);
                Step::Start(tag, attrs_of(tag, &e))
            }
            Ok(Event::Empty(e)) => {
                let tag = tag_of(&e);
                Step::Empty(tag, attrs_of(tag, &e))
            }
            Ok(Event::End(e)) => Step::End(end_tag(e.local_name().as_ref())),
            Ok(Event::Eof) => Step::Eof,
            Ok(Event::Text(t)) if t.as_ref().trim_ascii().is_empty() => Step::Skip,
            Ok(Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)) => Step::Text,
            Ok(_) => Step::Skip,
            Err(e) => return Err(self.convert(&e)),
        };
        Ok(step)
    }

    fn truncated(&self, inside: &str) -> DumpError {
        DumpError::Truncated {
            path: self.path.clone(),
            at: self.here(),
            detail: format!("end of data inside {inside}"),
        }
    }

    /// Reads the text of the element just opened up to its end tag,
    /// appending it to `into`, or dropping it when `into` is `None`.
    fn read_text(&mut self, mut into: Option<&mut String>) -> Result<(), DumpError> {
        let mut depth = 0u32;
        loop {
            self.buf.clear();
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Text(t)) => {
                    if let Some(s) = into.as_deref_mut() {
                        s.push_str(&t.xml10_content());
                    }
                }
                Ok(Event::CData(t)) => {
                    if let Some(s) = into.as_deref_mut() {
                        s.push_str(&t.xml10_content());
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    if let Some(s) = into.as_deref_mut() {
                        match r.as_ref() {
                            "lt" => s.push('<'),
                            "gt" => s.push('>'),
                            "amp" => s.push('&'),
                            "quot" => s.push('"'),
                            "apos" => s.push('\''),
                            _ => {
                                if let Ok(Some(c)) = r.resolve_char_ref() {
                                    s.push(c);
                                } else {
                                    // Unknown entities never come from MediaWiki;
                                    // keep them visible rather than fail the page.
                                    s.push('&');
                                    s.push_str(r.as_ref());
                                    s.push(';');
                                }
                            }
                        }
                    }
                }
                Ok(Event::Start(_)) => depth += 1,
                Ok(Event::End(_)) => {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                }
                Ok(Event::Eof) => return Err(self.truncated("a text element")),
                Ok(_) => {}
                Err(e) => return Err(self.convert(&e)),
            }
        }
    }

    /// Drops the content of the `<text>` just opened without the reader
    /// copying it into its event buffer: inside text every `<` is escaped,
    /// so the content ends at the next `<`, found with memchr in the
    /// decoded chunks and consumed in place. Then the reader goes on with
    /// the end tag as if it had read the text itself.
    fn skip_text(&mut self) -> Result<(), DumpError> {
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
            chunks.consume(amount);
            self.skipped += amount as u64;
            if found {
                return self.read_text(None);
            }
        }
    }

    /// The text of a value element; empty, with `value_overflow` set, when
    /// it is longer than [`MAX_VALUE_BYTES`].
    fn read_string(&mut self) -> Result<String, DumpError> {
        match self.read_bounded(MAX_VALUE_BYTES, 0)? {
            text::Bounded::Text(s) => Ok(s),
            text::Bounded::TooLarge { bytes } => {
                self.value_overflow = Some(bytes);
                Ok(String::new())
            }
        }
    }

    /// Skips the element just opened, reading but not keeping its content.
    fn skip_element(&mut self) -> Result<(), DumpError> {
        let mut depth = 0u32;
        loop {
            match self.step()? {
                Step::Start(..) => depth += 1,
                Step::End(_) if depth == 0 => return Ok(()),
                Step::End(_) => depth -= 1,
                Step::Eof => return Err(self.truncated("an element")),
                _ => {}
            }
        }
    }

    /// Reads up to and including `<siteinfo>`. Errors here are hard errors:
    /// nothing usable has been read.
    pub fn read_header(&mut self) -> Result<Header, DumpError> {
        let not_a_dump = |this: &Self, detail: &str| DumpError::NotADump {
            path: this.path.clone(),
            at: this.here(),
            detail: detail.to_owned(),
        };
        let (version, warnings) = loop {
            let step = match self.step_with_text() {
                Ok(step) => step,
                // Before the root element an XML error means "not XML".
                Err(DumpError::Xml { at, message, .. }) => {
                    return Err(DumpError::NotADump {
                        path: self.path.clone(),
                        at,
                        detail: message,
                    });
                }
                Err(e) => return Err(e),
            };
            match step {
                Step::Skip => {}
                Step::Start(Tag::Mediawiki, attrs) => break self.check_version(attrs)?,
                Step::Empty(Tag::Mediawiki, attrs) => {
                    let found = self.check_version(attrs)?;
                    self.done = true;
                    self.stats.saw_end = true;
                    break found;
                }
                Step::Start(..) | Step::Empty(..) => {
                    return Err(not_a_dump(self, "the root element is not <mediawiki>"));
                }
                Step::Text => return Err(not_a_dump(self, "text before the <mediawiki> element")),
                Step::End(_) => return Err(not_a_dump(self, "a stray end tag")),
                Step::Eof => return Err(not_a_dump(self, "no <mediawiki> element")),
            }
        };
        let mut site_info = SiteInfo::default();
        while !self.done {
            match self.step()? {
                Step::Start(Tag::Siteinfo, _) => {
                    site_info = self.parse_siteinfo()?;
                    break;
                }
                Step::Start(Tag::Page, _) => {
                    self.pending_page = true;
                    break;
                }
                Step::End(_) => {
                    self.done = true;
                    self.stats.saw_end = true;
                }
                Step::Start(..) => self.skip_element()?,
                Step::Eof => return Err(self.truncated("the dump header")),
                _ => {}
            }
        }
        Ok(Header {
            version,
            site_info,
            warnings,
        })
    }

    fn check_version(&self, attrs: Attrs) -> Result<(String, Vec<String>), DumpError> {
        let from_xmlns = attrs.extra.as_deref().and_then(|ns| {
            ns.trim_end_matches('/')
                .rsplit_once("export-")
                .map(|(_, v)| v.to_owned())
        });
        let Some(version) = attrs.value.or(from_xmlns) else {
            return Ok((
                "0.11".to_owned(),
                vec!["the dump declares no export version; read as 0.11".to_owned()],
            ));
        };
        let unsupported = || DumpError::UnsupportedVersion {
            path: self.path.clone(),
            version: version.clone(),
        };
        let minor: u32 = match version.split_once('.') {
            Some(("0", minor)) => minor.parse().map_err(|_| unsupported())?,
            _ => return Err(unsupported()),
        };
        match minor {
            // 0.8 introduced <model>; 0.8 and 0.9 write it after <text>,
            // which the page machine reads (see parse_revision).
            8..=11 => Ok((version, Vec::new())),
            12.. => {
                let warning = format!("export version {version} is newer than 0.11; read as 0.11");
                Ok((version, vec![warning]))
            }
            _ => Err(unsupported()),
        }
    }

    fn parse_siteinfo(&mut self) -> Result<SiteInfo, DumpError> {
        let mut info = SiteInfo::default();
        loop {
            match self.step()? {
                Step::Start(Tag::Leaf(leaf), _) => {
                    let value = self.read_string()?;
                    match leaf {
                        Leaf::Sitename => info.sitename = value,
                        Leaf::Dbname => info.dbname = value,
                        Leaf::Base => info.base = value,
                        Leaf::Generator => info.generator = value,
                        Leaf::Case => info.case = value,
                        _ => {}
                    }
                }
                Step::Start(Tag::Namespace, attrs) => {
                    let name = self.read_string()?;
                    if let Some(key) = attrs.extra.and_then(|k| k.parse().ok()) {
                        info.namespaces.insert(key, name);
                    }
                }
                Step::Empty(Tag::Namespace, attrs) => {
                    if let Some(key) = attrs.extra.and_then(|k| k.parse().ok()) {
                        info.namespaces.insert(key, String::new());
                    }
                }
                // `<namespaces>` is a plain container: walk into it.
                Step::Start(Tag::Other, _) => {}
                Step::Start(..) => self.skip_element()?,
                Step::End(Tag::Siteinfo) => return Ok(info),
                Step::Eof => return Err(self.truncated("<siteinfo>")),
                _ => {}
            }
        }
    }

    /// The next wanted page, an error, or `None` at the end.
    pub fn next_page(&mut self) -> Option<Result<DumpPage, DumpError>> {
        loop {
            if self.done {
                return None;
            }
            if self.pending_page {
                self.pending_page = false;
                match self.parse_page() {
                    Ok(Some(page)) => return Some(Ok(page)),
                    Ok(None) => continue,
                    Err(e) => return Some(Err(self.fail(e))),
                }
            }
            match self.step() {
                Ok(Step::Start(Tag::Page, _)) => self.pending_page = true,
                // Entering the root (again, after a resync) or leaving it.
                Ok(Step::Start(Tag::Mediawiki, _)) => {}
                Ok(Step::End(Tag::Mediawiki) | Step::Empty(Tag::Mediawiki, _)) => {
                    self.stats.saw_end = true;
                }
                Ok(Step::Start(tag, attrs)) => {
                    self.note_unexpected(tag, &attrs, "mediawiki", &[], None);
                    if let Err(e) = self.skip_element() {
                        return Some(Err(self.fail(e)));
                    }
                }
                Ok(Step::Empty(tag @ Tag::Other, attrs)) => {
                    self.note_unexpected(tag, &attrs, "mediawiki", &[], None);
                }
                Ok(Step::Eof) => {
                    self.done = true;
                    if self.stats.saw_end || self.stats.errors > 0 {
                        return None;
                    }
                    let e = DumpError::Truncated {
                        path: self.path.clone(),
                        at: self.here(),
                        detail: "no closing </mediawiki>".to_owned(),
                    };
                    return Some(Err(self.fail(e)));
                }
                Ok(_) => {}
                Err(e) => return Some(Err(self.fail(e))),
            }
        }
    }
}

mod page;
mod recover;
mod text;
