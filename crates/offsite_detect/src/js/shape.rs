//! One linear pass over the raw text, before any parser sees it: how deep
//! would a recursive parser have to go, is the file minified, and where can
//! it be cut into pieces for the fallback.
//!
//! oxc's parser, its semantic builder and every `Visit` walk recurse once per
//! level of the syntax tree. The tree's depth is not only bracket nesting: a
//! left-deep `a + b + c …` chain, `a.b.c…`, `f()()…`, `!!!…x`, a braceless
//! `if (a) if (b) …` or an `else if` chain each add a level per token. So
//! [`measure`] over-approximates the depth as the number of open brackets
//! plus, for every open bracket (and the top level), the operator characters
//! and chaining keywords seen in the current element, where an element ends
//! at `,`, at `;` (unless `else` follows) and where automatic semicolon
//! insertion would end a statement at a line break. Each AST level needs at
//! least one of those characters, so the estimate is never below the real
//! depth for text the estimate tokenises the way oxc does.
//!
//! Known limit: `/` is taken for a regular expression after anything that
//! cannot end an operand (the classic heuristic). Where oxc decides
//! otherwise (`{}` object literal followed by a division), the estimate may
//! read a stretch of one line wrongly. Strings and comments are exact.

/// Bytes of the text the pass looked at, grouped for the decisions made on
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shape {
    /// Upper estimate of the syntax tree depth (see the module comment).
    pub depth: usize,
    /// Line feeds plus one.
    pub lines: usize,
    pub bytes: usize,
    /// The text split into pieces of at most [`PIECE`] bytes (more only
    /// where one token is longer), each cut where the fewest brackets are
    /// open, after a `;`, `}` or line break where there is one.
    pub pieces: Vec<Piece>,
}

/// A stretch of the text and how little it looks like JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    /// Places where no JavaScript could be: a closing bracket that closes
    /// nothing, a string or regex cut by a line break, an operator right
    /// before `)`, `;` or `,`, a `;` inside brackets (outside `for (…)`),
    /// two names or literals in a row on one line, a control character.
    pub anomalies: usize,
}

impl Piece {
    /// Text, not code: more than one anomaly per 128 bytes (and more than
    /// a handful). Broken gadgets have a few; random or prose text has them
    /// everywhere, and tree-sitter's error recovery costs milliseconds per
    /// kilobyte on it.
    pub fn is_noise(&self) -> bool {
        self.anomalies > 8 && self.anomalies * 128 > self.end - self.start
    }
}

/// Longest piece the fallback parser is given at once (see `fallback`).
pub const PIECE: usize = 32 * 1024;

impl Shape {
    /// Average line length in bytes.
    pub fn average_line(&self) -> usize {
        self.bytes / self.lines.max(1)
    }

    /// Minified or generated, the way Semgrep's `Skip_target` decides it:
    /// lines average over 1,000 bytes, which hand-written code never does
    /// (<https://github.com/semgrep/semgrep/blob/develop/src/targeting/Skip_target.ml>).
    pub fn minified(&self) -> bool {
        self.bytes >= 1024 && self.average_line() > 1000
    }
}

/// What ended the last token, for telling a regex from a division and for
/// deciding where a line break ends a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of text, an operator, `(`, `,`, `;`, a keyword that expects an
    /// expression or statement: a `/` here starts a regex.
    Operator,
    /// A name, literal, `)`, `]` or `}`: a `/` here divides, and a line break
    /// followed by a name ends the statement.
    Operand,
    /// The `)` of `if (…)`, `while (…)`, `for (…)`, `with (…)`: a statement
    /// follows, so a `/` starts a regex and a line break ends nothing.
    Condition,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    close: u8,
    /// Operator characters and chaining keywords in the current element.
    run: usize,
    /// `(` right after `if`/`while`/`for`/`with`/`switch`/`catch`.
    condition: bool,
    /// `(` right after `for`: `;` belongs here.
    for_head: bool,
    /// The `${` of a template literal: its `}` resumes the template.
    template: bool,
}

/// A pending end of element: `;` always ends one unless `else` follows;
/// a line break only where ASI would apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reset {
    None,
    Semicolon,
    LineBreak,
}

struct Pass<'t> {
    bytes: &'t [u8],
    at: usize,
    stack: Vec<Frame>,
    /// `stack.len()` plus the sum of the runs.
    total: usize,
    max: usize,
    prev: Prev,
    reset: Reset,
    lines: usize,
    /// The last word, for `(` after `if` and friends.
    keyword_before_paren: bool,
    /// The last word was `for`.
    after_for: bool,
    /// The last token was an operator that needs an operand after it.
    dangling: bool,
    /// A line break came since the last token.
    line_break: bool,
    /// The last token was a name or literal, `)` or `]`: a value.
    value: bool,
    anomalies: usize,
    /// Each cut made so far with the anomaly count up to it.
    cuts: Vec<(usize, usize)>,
    /// Best cut since the last one: (open brackets, offset, anomalies).
    candidate: Option<(usize, usize, usize)>,
}

/// Measure `text` in one pass, O(length) time and O(nesting) memory.
pub fn measure(text: &str) -> Shape {
    let mut pass = Pass {
        bytes: text.as_bytes(),
        at: 0,
        stack: vec![Frame {
            close: 0,
            run: 0,
            condition: false,
            for_head: false,
            template: false,
        }],
        total: 1,
        max: 1,
        prev: Prev::Operator,
        reset: Reset::None,
        lines: 1,
        keyword_before_paren: false,
        after_for: false,
        dangling: false,
        line_break: false,
        value: false,
        anomalies: 0,
        cuts: Vec::new(),
        candidate: None,
    };
    pass.run();
    pass.cuts.push((text.len(), pass.anomalies));
    let mut pieces = Vec::with_capacity(pass.cuts.len());
    let (mut start, mut before) = (0, 0);
    for (mut end, anomalies) in pass.cuts {
        // Cuts fall between tokens, which start and end on ASCII bytes; this
        // only guards the slicing against a mistake in that reasoning.
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end > start {
            pieces.push(Piece {
                start,
                end,
                anomalies: anomalies - before,
            });
        }
        (start, before) = (end, anomalies);
    }
    Shape {
        depth: pass.max,
        lines: pass.lines,
        bytes: text.len(),
        pieces,
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'\\' || b >= 0x80
}

/// Keywords that nest what follows them one level deeper.
fn is_chaining_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"if"
            | b"else"
            | b"for"
            | b"while"
            | b"do"
            | b"with"
            | b"new"
            | b"typeof"
            | b"void"
            | b"delete"
            | b"await"
            | b"yield"
            | b"extends"
            | b"in"
            | b"instanceof"
            | b"of"
            | b"return"
            | b"throw"
            | b"case"
            | b"async"
    )
}

/// Reserved and contextual words: after a name, these may follow on the same
/// line (`a in b`, `x as T`, `get y()`), other names may not.
fn is_keyword(word: &[u8]) -> bool {
    is_chaining_keyword(word)
        || matches!(
            word,
            b"break"
                | b"catch"
                | b"class"
                | b"const"
                | b"continue"
                | b"debugger"
                | b"default"
                | b"export"
                | b"finally"
                | b"function"
                | b"import"
                | b"let"
                | b"super"
                | b"switch"
                | b"this"
                | b"try"
                | b"var"
                | b"null"
                | b"true"
                | b"false"
                | b"static"
                | b"get"
                | b"set"
                | b"from"
                | b"as"
                | b"enum"
                | b"implements"
                | b"interface"
                | b"package"
                | b"private"
                | b"protected"
                | b"public"
                | b"type"
                | b"declare"
                | b"readonly"
                | b"abstract"
                | b"satisfies"
                | b"keyof"
        )
}

/// Words after which a `/` starts a regex.
fn expects_expression(word: &[u8]) -> bool {
    is_chaining_keyword(word) || matches!(word, b"default" | b"export")
}

impl Pass<'_> {
    fn peek(&self, offset: usize) -> u8 {
        self.bytes.get(self.at + offset).copied().unwrap_or(0)
    }

    fn top(&mut self) -> &mut Frame {
        // Invariant: the top-level frame is pushed first and never popped.
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    /// One more level in the current element.
    fn chain(&mut self, levels: usize) {
        self.top().run += levels;
        self.total += levels;
        self.max = self.max.max(self.total);
    }

    fn end_element(&mut self) {
        let run = std::mem::take(&mut self.top().run);
        self.total -= run;
    }

    /// Apply a pending reset before a token that is not `else`; `starts`
    /// says whether the token could begin a new statement (for ASI).
    fn settle(&mut self, starts: bool) {
        match self.reset {
            Reset::Semicolon => self.end_element(),
            Reset::LineBreak if starts && self.prev == Prev::Operand => self.end_element(),
            _ => {}
        }
        self.reset = Reset::None;
    }

    fn open(&mut self, close: u8, template: bool) {
        let condition = close == b')' && self.keyword_before_paren;
        self.stack.push(Frame {
            close,
            run: 0,
            condition,
            for_head: condition && self.after_for,
            template,
        });
        self.total += 1;
        self.max = self.max.max(self.total);
        self.prev = Prev::Operator;
    }

    /// Close the innermost bracket if `close` matches it; a stray closer is
    /// ignored so unbalanced noise cannot lower the estimate below the
    /// brackets that are really open.
    fn close(&mut self, close: u8) -> Option<Frame> {
        if self.stack.len() > 1 && self.stack[self.stack.len() - 1].close == close {
            let frame = self.stack.pop()?;
            self.total -= frame.run + 1;
            Some(frame)
        } else {
            None
        }
    }

    /// Called at each token boundary: cut when the piece is full.
    fn maybe_cut(&mut self) {
        let last = self.cuts.last().map_or(0, |c| c.0);
        if self.at - last < PIECE {
            return;
        }
        let cut = match self.candidate.take() {
            Some((_, offset, anomalies)) if offset > last => (offset, anomalies),
            _ => (self.at, self.anomalies),
        };
        self.cuts.push(cut);
    }

    /// After `;`, `}` or a line break: remember the shallowest (then latest)
    /// place in the second half of the current piece.
    fn offer_cut(&mut self) {
        let last = self.cuts.last().map_or(0, |c| c.0);
        if self.at - last < PIECE / 2 {
            return;
        }
        let open = self.stack.len();
        if self.candidate.is_none_or(|(depth, _, _)| open <= depth) {
            self.candidate = Some((open, self.at, self.anomalies));
        }
    }

    fn run(&mut self) {
        while self.at < self.bytes.len() {
            self.maybe_cut();
            let b = self.bytes[self.at];
            match b {
                b'\n' => {
                    self.lines += 1;
                    self.line_break = true;
                    if self.reset == Reset::None {
                        self.reset = Reset::LineBreak;
                    }
                    self.at += 1;
                    self.offer_cut();
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.at += 1,
                b'/' if self.peek(1) == b'/' => self.line_comment(),
                b'/' if self.peek(1) == b'*' => self.block_comment(),
                b'\'' | b'"' => {
                    self.settle(true);
                    self.operand();
                    self.string(b);
                    self.prev = Prev::Operand;
                    self.token(true);
                }
                b'`' => {
                    self.settle(true);
                    if self.prev == Prev::Operand {
                        // A tagged template nests its tag.
                        self.chain(1);
                    }
                    self.at += 1;
                    self.token(false);
                    self.template();
                }
                b'/' if self.prev != Prev::Operand => {
                    self.settle(true);
                    self.operand();
                    self.regex();
                    self.prev = Prev::Operand;
                    self.token(true);
                }
                b'0'..=b'9' => {
                    self.settle(true);
                    self.operand();
                    self.number();
                }
                b'.' if self.peek(1).is_ascii_digit() => {
                    self.settle(true);
                    self.operand();
                    self.number();
                }
                b'(' | b'[' | b'{' => self.opener(b),
                b')' | b']' | b'}' => self.closer(b),
                b';' => {
                    self.settle(false);
                    self.missing_operand();
                    let top = self.stack[self.stack.len() - 1];
                    if self.stack.len() > 1 && top.close != b'}' && !top.for_head {
                        self.anomalies += 1;
                    }
                    self.token(false);
                    self.reset = Reset::Semicolon;
                    self.prev = Prev::Operator;
                    self.keyword_before_paren = false;
                    self.at += 1;
                    self.offer_cut();
                }
                b',' => {
                    self.settle(false);
                    self.missing_operand();
                    self.token(false);
                    self.end_element();
                    self.prev = Prev::Operator;
                    self.at += 1;
                }
                b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'!' | b'~' | b'<' | b'>'
                | b'=' | b'?' | b':' | b'.' | b'/' | b'@' | b'#' => {
                    // `!x` or `~x` after a line break starts a statement.
                    let starts = matches!(b, b'!' | b'~' | b'@' | b'#');
                    self.settle(starts);
                    if b == b'#' {
                        // A private name: one token, like an identifier.
                        self.at += 1;
                        self.word();
                        continue;
                    }
                    self.chain(1);
                    // `a++ / 2` divides; otherwise an operator expects an operand.
                    let postfix =
                        matches!(b, b'+' | b'-') && self.peek(1) == b && self.prev == Prev::Operand;
                    if postfix {
                        self.chain(1);
                        self.at += 2;
                        self.token(self.value);
                    } else {
                        self.prev = Prev::Operator;
                        self.at += 1;
                        self.token(false);
                        // `case 1: }` is fine; `a + )` is not.
                        self.dangling = b != b':';
                    }
                    self.keyword_before_paren = false;
                }
                _ if is_ident_byte(b) => self.word(),
                _ => {
                    // Control characters: not JavaScript; they nest nothing.
                    self.anomalies += 1;
                    self.at += 1;
                }
            }
        }
    }

    /// A token that ends an element came right after an operator.
    fn missing_operand(&mut self) {
        if self.dangling {
            self.anomalies += 1;
        }
    }

    /// A name or literal starts: right after another one on the same line
    /// it cannot be JavaScript.
    fn operand(&mut self) {
        if self.value && !self.line_break {
            self.anomalies += 1;
        }
    }

    /// A token ended; `value` says whether it was a name or literal.
    fn token(&mut self, value: bool) {
        self.value = value;
        self.line_break = false;
        self.dangling = false;
    }

    fn opener(&mut self, b: u8) {
        self.settle(b == b'{');
        if b != b'{' && self.prev == Prev::Operand {
            // `f(…)` and `a[…]` nest their callee or object.
            self.chain(1);
        }
        let close = match b {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        self.open(close, false);
        self.keyword_before_paren = false;
        self.after_for = false;
        self.token(false);
        self.at += 1;
    }

    fn closer(&mut self, b: u8) {
        self.settle(false);
        self.missing_operand();
        self.at += 1;
        self.keyword_before_paren = false;
        self.token(b != b'}');
        match self.close(b) {
            Some(frame) if frame.template => {
                self.value = false;
                self.template();
            }
            Some(frame) if frame.condition => {
                self.prev = Prev::Condition;
                self.value = false;
            }
            Some(_) => self.prev = Prev::Operand,
            None => {
                self.anomalies += 1;
                self.prev = Prev::Operand;
            }
        }
        if b == b'}' {
            self.offer_cut();
        }
    }

    fn word(&mut self) {
        let start = self.at;
        while self.at < self.bytes.len() && is_ident_byte(self.bytes[self.at]) {
            // `\u0061` escapes are part of the name.
            self.at += 1;
        }
        let word = &self.bytes[start..self.at];
        // `a.new`, `p.catch(…)`: after a dot every word is a property name.
        let property = self.bytes[..start]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'.');
        if property {
            self.settle(true);
            self.keyword_before_paren = false;
            self.after_for = false;
            self.prev = Prev::Operand;
            self.token(true);
            return;
        }
        if word == b"else" {
            // `} else`, `f(); else`: the `if` statement goes on.
            self.reset = Reset::None;
        } else {
            self.settle(true);
        }
        let keyword = is_keyword(word);
        if !keyword {
            self.operand();
        }
        if is_chaining_keyword(word) {
            self.chain(1);
        }
        self.keyword_before_paren = matches!(
            word,
            b"if" | b"while" | b"for" | b"with" | b"switch" | b"catch"
        );
        self.after_for = word == b"for";
        self.prev = if expects_expression(word) {
            Prev::Operator
        } else {
            Prev::Operand
        };
        self.token(!keyword || matches!(word, b"this" | b"null" | b"true" | b"false" | b"super"));
    }

    fn number(&mut self) {
        self.at += 1;
        while self.at < self.bytes.len()
            && (self.bytes[self.at].is_ascii_alphanumeric()
                || matches!(self.bytes[self.at], b'.' | b'_'))
        {
            self.at += 1;
        }
        self.prev = Prev::Operand;
        self.keyword_before_paren = false;
        self.token(true);
    }

    fn line_comment(&mut self) {
        while self.at < self.bytes.len() && self.bytes[self.at] != b'\n' {
            self.at += 1;
        }
    }

    fn block_comment(&mut self) {
        self.at += 2;
        while self.at < self.bytes.len() {
            if self.bytes[self.at] == b'*' && self.peek(1) == b'/' {
                self.at += 2;
                return;
            }
            if self.bytes[self.at] == b'\n' {
                // A line break inside a comment counts for ASI.
                self.lines += 1;
                if self.reset == Reset::None {
                    self.reset = Reset::LineBreak;
                }
            }
            self.at += 1;
        }
    }

    /// A quoted string; ends at its quote or, unterminated, at a line break.
    fn string(&mut self, quote: u8) {
        self.at += 1;
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\\' => {
                    if self.peek(1) == b'\n' {
                        self.lines += 1;
                    }
                    self.at += 2;
                }
                b'\n' => {
                    self.anomalies += 1;
                    return;
                }
                b if b == quote => {
                    self.at += 1;
                    return;
                }
                _ => self.at += 1,
            }
        }
        self.at = self.at.min(self.bytes.len());
        self.keyword_before_paren = false;
    }

    /// Template characters up to the closing backtick, or up to `${`, which
    /// opens a frame whose `}` comes back here.
    fn template(&mut self) {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\\' => self.at += 2,
                b'`' => {
                    self.at += 1;
                    self.prev = Prev::Operand;
                    self.token(true);
                    return;
                }
                b'$' if self.peek(1) == b'{' => {
                    self.at += 2;
                    self.open(b'}', true);
                    return;
                }
                b'\n' => {
                    self.lines += 1;
                    self.at += 1;
                }
                _ => self.at += 1,
            }
        }
        self.at = self.at.min(self.bytes.len());
        self.prev = Prev::Operand;
    }

    /// A regex literal; ends at its unescaped `/` outside a class, or at a
    /// line break (regexes cannot span lines).
    fn regex(&mut self) {
        self.at += 1;
        let mut class = false;
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b'\\' => self.at += 2,
                b'\n' => {
                    self.anomalies += 1;
                    return;
                }
                b'[' => {
                    class = true;
                    self.at += 1;
                }
                b']' => {
                    class = false;
                    self.at += 1;
                }
                b'/' if !class => {
                    self.at += 1;
                    while self.at < self.bytes.len() && is_ident_byte(self.bytes[self.at]) {
                        self.at += 1;
                    }
                    return;
                }
                _ => self.at += 1,
            }
        }
        self.at = self.at.min(self.bytes.len());
        self.keyword_before_paren = false;
    }
}

#[cfg(test)]
mod tests;
