//! `<page>`, `<revision>` and `<contributor>`.

use super::text::Bounded;
use super::{Attrs, Leaf, Parser, Step, Tag};
use crate::error::DumpError;
use crate::types::{DumpPage, PageHeader, Revision};

/// Elements of `<page>` the export schema has and offsite has no use for
/// (<https://www.mediawiki.org/xml/export-0.11.xsd>); any other unknown
/// element is counted in the summary's warnings.
const IGNORED_IN_PAGE: &[&str] = &["restrictions", "discussionthreadinginfo", "upload"];
/// The same for `<revision>`: `<content>` holds the extra slots of 0.11.
const IGNORED_IN_REVISION: &[&str] = &["origin", "content", "textid"];

/// Why a kept revision cannot be returned.
struct TooLarge {
    revision: u64,
    bytes: u64,
}

/// The first problem with a page's values; the page is still read to its
/// end tag so the next one starts cleanly.
type Problem = Option<String>;

fn number<T: std::str::FromStr>(value: &str, what: &str, problem: &mut Problem) -> Option<T> {
    let parsed = value.trim().parse().ok();
    if parsed.is_none() && problem.is_none() {
        *problem = Some(format!("invalid <{what}> {value:?}"));
    }
    parsed
}

impl Parser {
    /// Reads a page whose start tag was just read. `Ok(None)`: not wanted.
    pub(super) fn parse_page(&mut self) -> Result<Option<DumpPage>, DumpError> {
        let start = self.here();
        let mut header = PageHeader::default();
        let mut revisions = Vec::new();
        // Set at the first wanted revision; from then on every revision is
        // kept, so memory follows wanted pages only.
        let mut keep = false;
        let mut problem: Problem = None;
        let mut too_large: Option<TooLarge> = None;
        self.value_overflow = None;
        loop {
            match self.step()? {
                Step::Start(Tag::Leaf(leaf), _) => {
                    let value = self.read_string()?;
                    match leaf {
                        Leaf::Title => header.title = value,
                        Leaf::Ns => header.ns = number(&value, "ns", &mut problem).unwrap_or(0),
                        Leaf::Id => header.id = number(&value, "id", &mut problem).unwrap_or(0),
                        _ => {}
                    }
                }
                Step::Start(Tag::Redirect, attrs) => {
                    header.redirect = attrs.value;
                    self.skip_element()?;
                }
                Step::Empty(Tag::Redirect, attrs) => header.redirect = attrs.value,
                Step::Empty(Tag::Other, attrs) => {
                    self.note_unexpected(
                        Tag::Other,
                        &attrs,
                        "page",
                        IGNORED_IN_PAGE,
                        Some(&header.title),
                    );
                }
                Step::Start(Tag::Revision, _) => {
                    self.stats.revisions_seen += 1;
                    let (revision, text_bytes) =
                        self.parse_revision(&header, &mut keep, &mut problem)?;
                    if keep {
                        if let (Some(bytes), None) = (text_bytes, &too_large) {
                            too_large = Some(TooLarge {
                                revision: revision.id,
                                bytes,
                            });
                        }
                        revisions.push(revision);
                    }
                }
                Step::Start(tag, attrs) => {
                    self.note_unexpected(tag, &attrs, "page", IGNORED_IN_PAGE, Some(&header.title));
                    self.skip_element()?;
                }
                Step::End(_) => break,
                Step::Eof => {
                    let inside = format!("page {:?}", header.title);
                    return Err(self.truncated(&inside));
                }
                _ => {}
            }
        }
        self.stats.pages_seen += 1;
        if let (Some(bytes), None) = (self.value_overflow.take(), &problem) {
            problem = Some(format!(
                "a value of {bytes} bytes, above the limit of {} for one element",
                super::MAX_VALUE_BYTES
            ));
        }
        if let (Some(big), true) = (too_large, keep) {
            return Err(DumpError::PageTooLarge {
                path: self.path.clone(),
                title: header.title,
                page_id: header.id,
                revision: big.revision,
                at: start,
                bytes: big.bytes,
                limit: self.max_text_bytes,
            });
        }
        if let Some(message) = problem {
            return Err(DumpError::BadPage {
                path: self.path.clone(),
                title: header.title,
                at: start,
                message,
            });
        }
        if !keep {
            return Ok(None);
        }
        self.stats.pages_wanted += 1;
        Ok(Some(DumpPage { header, revisions }))
    }

    /// Reads a revision; the second value is the length of a text that
    /// was above the limit and not kept.
    fn parse_revision(
        &mut self,
        header: &PageHeader,
        keep: &mut bool,
        problem: &mut Problem,
    ) -> Result<(Revision, Option<u64>), DumpError> {
        let mut rev = Revision::default();
        let mut decided = false;
        let mut too_large = None;
        loop {
            match self.step()? {
                Step::Start(Tag::Leaf(leaf), _) => {
                    let value = self.read_string()?;
                    match leaf {
                        Leaf::Id => rev.id = number(&value, "id", problem).unwrap_or(0),
                        Leaf::ParentId => rev.parent_id = number(&value, "parentid", problem),
                        Leaf::Timestamp => rev.timestamp = value,
                        Leaf::Model => rev.model = Some(value),
                        Leaf::Format => rev.format = Some(value),
                        Leaf::Sha1 => rev.sha1 = Some(value),
                        _ => {}
                    }
                }
                Step::Start(Tag::Contributor, attrs) => {
                    rev.user_deleted = attrs.deleted;
                    self.parse_contributor(&mut rev, problem)?;
                }
                Step::Empty(Tag::Contributor, attrs) => rev.user_deleted = attrs.deleted,
                Step::Start(Tag::Comment, attrs) => {
                    let comment = self.read_string()?;
                    if !attrs.deleted {
                        rev.comment = Some(comment);
                    }
                }
                Step::Start(Tag::Minor, _) => {
                    rev.minor = true;
                    self.skip_element()?;
                }
                Step::Empty(Tag::Minor, _) => rev.minor = true,
                Step::Empty(Tag::Other, attrs) => self.note_unexpected(
                    Tag::Other,
                    &attrs,
                    "revision",
                    IGNORED_IN_REVISION,
                    Some(&header.title),
                ),
                Step::Start(Tag::Text, attrs) => {
                    rev.text_deleted = attrs.deleted;
                    // Export 0.10 and later write <model> before <text>;
                    // 0.8 and 0.9 (and python-mwxml's samples) write it
                    // after. Without a model yet, the text is read (within
                    // the limit) and the decision waits for the revision's end.
                    let known = rev.model.is_some() || (self.wanted)(header, None);
                    if known {
                        decided = true;
                        *keep = *keep || (self.wanted)(header, rev.model.as_deref());
                    }
                    if (*keep || !known) && !attrs.deleted {
                        match self.read_bounded(self.max_text_bytes, attrs.bytes.unwrap_or(0))? {
                            Bounded::Text(text) => rev.text = Some(text),
                            Bounded::TooLarge { bytes } => too_large = Some(bytes),
                        }
                    } else {
                        self.skip_text()?;
                    }
                }
                Step::Empty(Tag::Text, attrs) => {
                    decided = true;
                    *keep = *keep || (self.wanted)(header, rev.model.as_deref());
                    rev.text_deleted = attrs.deleted;
                    // `<text bytes="0" …/>` is an empty page; with bytes > 0
                    // the text is simply not in this dump (a stub dump).
                    if *keep && !attrs.deleted && attrs.bytes.unwrap_or(0) == 0 {
                        rev.text = Some(String::new());
                    }
                }
                // Extra slots of 0.11 (`<content>`) and anything newer.
                Step::Start(tag, attrs) => {
                    self.note_unexpected(
                        tag,
                        &attrs,
                        "revision",
                        IGNORED_IN_REVISION,
                        Some(&header.title),
                    );
                    self.skip_element()?;
                }
                Step::End(_) => break,
                Step::Eof => {
                    let inside = format!("a revision of page {:?}", header.title);
                    return Err(self.truncated(&inside));
                }
                _ => {}
            }
        }
        if !decided {
            *keep = *keep || (self.wanted)(header, rev.model.as_deref());
            if !*keep {
                rev.text = None;
            }
        }
        Ok((rev, too_large))
    }

    /// Counts an element the machine does not read, unless the export
    /// schema has it and offsite needs nothing from it; `title` is the page
    /// it is in, if any.
    pub(super) fn note_unexpected(
        &mut self,
        tag: Tag,
        attrs: &Attrs,
        inside: &'static str,
        ignored: &[&str],
        title: Option<&str>,
    ) {
        let name = match (tag, &attrs.extra) {
            (Tag::Other, Some(name)) if !ignored.contains(&name.as_str()) => name.clone(),
            (Tag::Other, _) => return,
            // A known element in the wrong place (`<text>` in a page, say).
            (tag, _) => format!("{tag:?}").to_lowercase(),
        };
        let entry = self
            .stats
            .unexpected
            .entry((inside, name))
            .or_insert_with(|| (0, title.map(str::to_owned)));
        entry.0 += 1;
    }

    fn parse_contributor(
        &mut self,
        rev: &mut Revision,
        problem: &mut Problem,
    ) -> Result<(), DumpError> {
        loop {
            match self.step()? {
                Step::Start(Tag::Leaf(leaf), _) => {
                    let value = self.read_string()?;
                    match leaf {
                        Leaf::Username => rev.user = Some(value),
                        Leaf::Id => rev.user_id = number(&value, "contributor id", problem),
                        Leaf::Ip => rev.ip = Some(value),
                        _ => {}
                    }
                }
                Step::Start(..) => self.skip_element()?,
                Step::End(_) => return Ok(()),
                Step::Eof => return Err(self.truncated("a contributor")),
                _ => {}
            }
        }
    }
}
