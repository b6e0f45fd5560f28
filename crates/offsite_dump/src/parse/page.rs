//! `<page>`, `<revision>` and `<contributor>`.

use super::{Leaf, MAX_TEXT_RESERVE, Parser, Step, Tag};
use crate::error::DumpError;
use crate::types::{DumpPage, PageHeader, Revision};

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
                Step::Start(Tag::Revision, _) => {
                    self.stats.revisions_seen += 1;
                    let revision = self.parse_revision(&header, &mut keep, &mut problem)?;
                    if keep {
                        revisions.push(revision);
                    }
                }
                Step::Start(..) => self.skip_element()?,
                Step::End(_) => break,
                Step::Eof => {
                    let inside = format!("page {:?}", header.title);
                    return Err(self.truncated(&inside));
                }
                _ => {}
            }
        }
        self.stats.pages_seen += 1;
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

    fn parse_revision(
        &mut self,
        header: &PageHeader,
        keep: &mut bool,
        problem: &mut Problem,
    ) -> Result<Revision, DumpError> {
        let mut rev = Revision::default();
        let mut decided = false;
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
                Step::Start(Tag::Text, attrs) => {
                    decided = true;
                    *keep = *keep || (self.wanted)(header, rev.model.as_deref());
                    rev.text_deleted = attrs.deleted;
                    if *keep && !attrs.deleted {
                        let reserve = attrs
                            .bytes
                            .and_then(|b| usize::try_from(b).ok())
                            .unwrap_or(0);
                        let mut text = String::with_capacity(reserve.min(MAX_TEXT_RESERVE));
                        self.read_text(Some(&mut text))?;
                        rev.text = Some(text);
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
                Step::Start(..) => self.skip_element()?,
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
        }
        Ok(rev)
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
