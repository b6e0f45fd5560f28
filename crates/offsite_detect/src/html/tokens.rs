//! html5gum events folded into the few tokens the HTML front end reads, with
//! byte spans of attribute *values* (html5gum's default emitter only spans
//! whole attributes).

use html5gum::Span;
use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};

/// One attribute; `start..end` is the value's byte span, without quotes.
#[derive(Debug, Clone, Default)]
pub(super) struct Attr {
    /// Lower-case, as the tokenizer reports it.
    pub name: Vec<u8>,
    /// With character references decoded.
    pub value: Vec<u8>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Tag {
    pub name: Vec<u8>,
    pub attrs: Vec<Attr>,
    /// Byte offset just past the closing `>`.
    pub end: usize,
}

impl Tag {
    pub fn attr(&self, name: &[u8]) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

#[derive(Debug)]
pub(super) enum Event {
    Start(Tag),
    /// An end tag's name and the offset of its `<`.
    End {
        name: Vec<u8>,
        start: usize,
    },
}

#[derive(Debug, Default)]
pub(super) struct Builder {
    tag: Option<Tag>,
    /// A repeated attribute: the first one wins (WHATWG), so this value is dropped.
    duplicate: bool,
}

impl Callback<Event, usize> for Builder {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<Event> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag = Some(Tag {
                    name: name.to_vec(),
                    attrs: Vec::new(),
                    end: span.end,
                });
                None
            }
            CallbackEvent::AttributeName { name } => {
                // Attributes on end tags arrive with no open start tag: ignored.
                if let Some(tag) = &mut self.tag {
                    self.duplicate = tag.attr(name).is_some();
                    if !self.duplicate {
                        tag.attrs.push(Attr {
                            name: name.to_vec(),
                            value: Vec::new(),
                            start: span.end,
                            end: span.end,
                        });
                    }
                }
                None
            }
            CallbackEvent::AttributeValue { value } => {
                if let (Some(tag), false) = (&mut self.tag, self.duplicate)
                    && let Some(attr) = tag.attrs.last_mut()
                {
                    attr.value.extend_from_slice(value);
                    attr.start = span.start;
                    attr.end = span.end;
                }
                None
            }
            CallbackEvent::CloseStartTag { .. } => self.tag.take().map(|mut tag| {
                tag.end = span.end;
                Event::Start(tag)
            }),
            CallbackEvent::EndTag { name } => {
                self.tag = None;
                Some(Event::End {
                    name: name.to_vec(),
                    start: span.start,
                })
            }
            // Text is never read for itself: raw-text bodies are sliced from
            // the input between their tags (html5gum 0.9 misreports where a
            // text run starts; tag spans are right).
            CallbackEvent::String { .. }
            | CallbackEvent::Comment { .. }
            | CallbackEvent::Doctype { .. }
            | CallbackEvent::Error(_) => None,
        }
    }
}

pub(super) fn emitter() -> CallbackEmitter<Builder, Event, usize> {
    CallbackEmitter::new(Builder::default())
}
