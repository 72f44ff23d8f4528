//! One small SQL-text lexer for everything aludel reads back from a catalog or a model:
//! default expressions, CHECK expressions and index predicates, type spellings, and
//! SQLite's `CREATE TABLE` text.
//!
//! It knows exactly what decides where a token ends: single-quoted strings (a doubled
//! quote inside; on MySQL also backslash escapes), quoted identifiers (`"..."`,
//! `` `...` ``, `[...]`), `--` and `/* */` comments, words, numbers and punctuation
//! (`::` is one token). It never fails and never panics: unterminated text becomes a
//! token that runs to the end. Concatenating the tokens gives back the input.

use crate::Dialect;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted word: keyword or identifier (letters, digits, `_`, `$`).
    Word,
    /// A quoted identifier; the char is its opening quote (`"`, `` ` `` or `[`).
    Quoted(char),
    /// A single-quoted string literal.
    Str,
    /// A number (`12`, `1.5`).
    Number,
    /// Whitespace.
    Space,
    /// A `--` or `/* */` comment.
    Comment,
    /// Anything else: one character, or `::`.
    Punct,
}

/// One token: its kind and its exact text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
}

/// What differs between dialects' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A backslash escapes the next character inside strings (MySQL's default).
    pub backslash_escapes: bool,
    /// `[name]` is a quoted identifier (SQLite), not a subscript.
    pub brackets: bool,
}

impl Rules {
    /// PostgreSQL, and any text read without a dialect: standard strings, `[` a subscript.
    pub const STANDARD: Rules = Rules {
        backslash_escapes: false,
        brackets: false,
    };
    pub const MYSQL: Rules = Rules {
        backslash_escapes: true,
        brackets: false,
    };
    pub const SQLITE: Rules = Rules {
        backslash_escapes: false,
        brackets: true,
    };

    /// The rules of `dialect`'s SQL text.
    pub fn of(dialect: Dialect) -> Rules {
        match dialect {
            Dialect::Postgres => Rules::STANDARD,
            Dialect::MySql => Rules::MYSQL,
            Dialect::Sqlite => Rules::SQLITE,
        }
    }
}

/// The tokens of `s`, with standard rules.
pub fn tokens(s: &str) -> Vec<Token<'_>> {
    tokens_with(s, Rules::STANDARD)
}

/// The tokens of `s`.
pub fn tokens_with(s: &str, rules: Rules) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let (kind, len) = next_token(rest, c, rules);
        out.push(Token {
            kind,
            text: &rest[..len],
        });
        rest = &rest[len..];
    }
    out
}

/// `s` as one plain statement, without its terminating `;`, when that is certain: `None`
/// when it holds no statement or more than one, leaves a quote open, or holds text that
/// servers read otherwise than this lexer (any comment: MySQL runs `/*! ... */` and does
/// not take `--x` for one; `#`, a comment on MySQL; `$`, PostgreSQL's dollar quoting). What
/// can be sent with other statements in one round trip, each result counted as one
/// statement's; nothing of the text but the `;` is left out.
pub fn single_statement(s: &str, rules: Rules) -> Option<&str> {
    let (mut offset, mut end, mut any) = (0, None, false);
    for t in tokens_with(s, rules) {
        let start = offset;
        offset += t.text.len();
        if t.kind == Kind::Space {
            continue;
        }
        let unsure = t.kind == Kind::Comment || t.is_punct("#") || t.text.contains('$');
        if end.is_some() || unsure || !t.closed() {
            return None;
        }
        if t.is_punct(";") {
            end = Some(start);
        } else {
            any = true;
        }
    }
    any.then(|| &s[..end.unwrap_or(s.len())])
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The kind and byte length of the token that starts `rest` (whose first char is `c`).
fn next_token(rest: &str, c: char, rules: Rules) -> (Kind, usize) {
    let end_of = |pred: &dyn Fn(char) -> bool| {
        rest.char_indices()
            .find(|&(_, ch)| !pred(ch))
            .map_or(rest.len(), |(i, _)| i)
    };
    match c {
        '\'' => (
            Kind::Str,
            scan_quoted(rest, '\'', rules.backslash_escapes).0,
        ),
        '"' | '`' => (Kind::Quoted(c), scan_quoted(rest, c, false).0),
        '[' if rules.brackets => (
            Kind::Quoted('['),
            rest.find(']').map_or(rest.len(), |i| i + 1),
        ),
        _ if rest.starts_with("--") => (Kind::Comment, rest.find('\n').unwrap_or(rest.len())),
        _ if rest.starts_with("/*") => (
            Kind::Comment,
            rest[2..].find("*/").map_or(rest.len(), |i| i + 4),
        ),
        _ if rest.starts_with("::") => (Kind::Punct, 2),
        _ if c.is_whitespace() => (Kind::Space, end_of(&|ch| ch.is_whitespace())),
        _ if c.is_ascii_digit() => (Kind::Number, end_of(&|ch| ch.is_ascii_digit() || ch == '.')),
        _ if is_word_char(c) => (Kind::Word, end_of(&is_word_char)),
        _ => (Kind::Punct, c.len_utf8()),
    }
}

/// The length of the quoted token at the start of `rest`, its closing quote included (a
/// doubled quote stays inside), and whether it was closed.
fn scan_quoted(rest: &str, q: char, backslash_escapes: bool) -> (usize, bool) {
    let mut it = rest.char_indices().skip(1).peekable();
    while let Some((i, ch)) = it.next() {
        if ch == '\\' && backslash_escapes {
            it.next();
        } else if ch == q {
            if it.peek().is_some_and(|&(_, n)| n == q) {
                it.next();
            } else {
                return (i + q.len_utf8(), true);
            }
        }
    }
    (rest.len(), false)
}

impl<'a> Token<'a> {
    /// Whether this is the word `kw`, in any case.
    pub fn is_keyword(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Whether this is the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// Whether the token carries no meaning (whitespace or a comment).
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, Kind::Space | Kind::Comment)
    }

    /// Whether a string or quoted identifier has its closing quote (strings read with
    /// standard rules).
    pub fn closed(&self) -> bool {
        match self.kind {
            Kind::Str => scan_quoted(self.text, '\'', false).1,
            Kind::Quoted('[') => self.text.len() > 1 && self.text.ends_with(']'),
            Kind::Quoted(q) => scan_quoted(self.text, q, false).1,
            _ => true,
        }
    }

    /// The name an identifier token stands for: a word as written, a quoted identifier
    /// without its quotes (doubled quotes undoubled); `None` for anything else.
    pub fn ident(&self) -> Option<String> {
        match self.kind {
            Kind::Word => Some(self.text.to_string()),
            Kind::Quoted('[') => Some(inner(self.text, ']').to_string()),
            Kind::Quoted(q) => Some(undouble(inner(self.text, q), q)),
            _ => None,
        }
    }

    /// The value of a string literal (doubled quotes undoubled; backslash escapes read
    /// when the text was lexed with them).
    pub fn string_value(&self, rules: Rules) -> Option<String> {
        if self.kind != Kind::Str {
            return None;
        }
        let body = inner(self.text, '\'');
        Some(if rules.backslash_escapes {
            unescape_mysql(body)
        } else {
            undouble(body, '\'')
        })
    }
}

/// The text between the opening quote and `close`, when the token is terminated.
fn inner(text: &str, close: char) -> &str {
    let body = &text[1..];
    body.strip_suffix(close).unwrap_or(body)
}

fn undouble(s: &str, q: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        out.push(c);
        if c == q && it.peek() == Some(&q) {
            it.next();
        }
    }
    out
}

fn unescape_mysql(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('Z') => out.push('\u{1a}'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '\'' if it.peek() == Some(&'\'') => {
                it.next();
                out.push('\'');
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` with words lower-cased, whitespace collapsed to one space, comments dropped and
/// the ends trimmed; strings and quoted identifiers stay as written.
pub fn lower_words(s: &str) -> String {
    lower_words_with(s, false)
}

/// As [`lower_words`]; with `tight_parens`, also no space before a `(` (outside strings:
/// `varchar (10)` is `varchar(10)`, `'a (b)'` stays).
pub fn lower_words_with(s: &str, tight_parens: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for t in tokens(s) {
        if t.is_trivia() {
            space = !out.is_empty();
            continue;
        }
        if space && !(tight_parens && t.is_punct("(")) {
            out.push(' ');
        }
        space = false;
        match t.kind {
            Kind::Word => out.push_str(&t.text.to_lowercase()),
            _ => out.push_str(t.text),
        }
    }
    out
}

/// The depth of parentheses before each token (a `(` counts from the token after it).
pub fn depths(toks: &[Token<'_>]) -> Vec<i32> {
    let mut depth = 0;
    toks.iter()
        .map(|t| {
            if t.is_punct(")") {
                depth -= 1;
            }
            let here = depth;
            if t.is_punct("(") {
                depth += 1;
            }
            here
        })
        .collect()
}

/// Whether the parentheses of `s` balance and never close more than they opened.
pub fn balanced(s: &str) -> bool {
    let mut depth = 0;
    for t in tokens(s) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
    }
    depth == 0
}

/// `s` without parentheses that enclose the whole of it: `((0))` -> `0`, but not
/// `(a) + (b)`.
pub fn strip_outer_parens(mut s: &str) -> &str {
    loop {
        let t = s.trim();
        let Some(body) = t.strip_prefix('(').and_then(|b| b.strip_suffix(')')) else {
            return t;
        };
        if !balanced(body) {
            return t;
        }
        s = body;
    }
}

/// Splits `s` at `sep` outside parentheses, strings and quoted names; the parts keep
/// their text as written (untrimmed).
pub fn split_top_level<'a>(s: &'a str, sep: &str, rules: Rules) -> Vec<&'a str> {
    let toks = tokens_with(s, rules);
    let mut parts = Vec::new();
    let (mut start, mut pos) = (0, 0);
    for (t, d) in toks.iter().zip(depths(&toks)) {
        if d == 0 && t.is_punct(sep) {
            parts.push(&s[start..pos]);
            start = pos + t.text.len();
        }
        pos += t.text.len();
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(Kind, &str)> {
        tokens(s).iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn tokens_end_where_sql_says() {
        assert_eq!(
            kinds("a'it''s'\"we\"\"ird\"--x\n::b"),
            [
                (Kind::Word, "a"),
                (Kind::Str, "'it''s'"),
                (Kind::Quoted('"'), "\"we\"\"ird\""),
                (Kind::Comment, "--x"),
                (Kind::Space, "\n"),
                (Kind::Punct, "::"),
                (Kind::Word, "b"),
            ]
        );
        let mysql = tokens_with(r"'a\'b' c", Rules::MYSQL);
        assert_eq!(mysql[0].text, r"'a\'b'");
        assert_eq!(mysql[0].string_value(Rules::MYSQL).unwrap(), "a'b");
        assert_eq!(kinds("名前 1.5")[0], (Kind::Word, "名前"));
    }

    #[test]
    fn unterminated_text_runs_to_the_end() {
        for s in ["'abc", "\"abc", "[abc", "/* x", "`a``"] {
            let t = tokens_with(s, Rules::SQLITE);
            assert_eq!(t.len(), 1, "{s}");
            assert_eq!(t[0].text, s);
        }
    }

    #[test]
    fn identifiers_are_unquoted() {
        let t = tokens_with(r#""we""ird" `a``b` [x y] plain"#, Rules::SQLITE);
        let names: Vec<String> = t.iter().filter_map(|t| t.ident()).collect();
        assert_eq!(names, ["we\"ird", "a`b", "x y", "plain"]);
    }

    #[test]
    fn structure_ignores_quoted_text() {
        assert_eq!(strip_outer_parens("((1))"), "1");
        assert_eq!(strip_outer_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_outer_parens("('(')"), "'('");
        assert_eq!(
            split_top_level("a, 'b,c', f(d, e), \"g,h\"", ",", Rules::STANDARD),
            ["a", " 'b,c'", " f(d, e)", " \"g,h\""]
        );
        assert_eq!(lower_words("  A  'B' \"C\" /* x */ d "), "a 'B' \"C\" d");
    }
    #[test]
    fn a_single_statement_is_found_without_its_semicolon() {
        let one = |s| single_statement(s, Rules::STANDARD);
        assert_eq!(
            one("CREATE TABLE t (a int)"),
            Some("CREATE TABLE t (a int)")
        );
        assert_eq!(one("DROP TABLE t;\n"), Some("DROP TABLE t"));
        assert_eq!(
            one("INSERT INTO t VALUES ('a;b')"),
            Some("INSERT INTO t VALUES ('a;b')")
        );
        assert_eq!(
            one(r#"CREATE TABLE "x;y" (a int)"#),
            Some(r#"CREATE TABLE "x;y" (a int)"#)
        );
        // Two statements, none, or a quote left open: not one statement.
        assert_eq!(one("DROP TABLE a; DROP TABLE b"), None);
        assert_eq!(one("SELECT 1;;"), None);
        assert_eq!(one(";"), None);
        assert_eq!(one("  "), None);
        assert_eq!(one("SELECT 'open"), None);
        // What a server reads otherwise: never sent with others.
        assert_eq!(one("DROP TABLE t; -- done"), None);
        assert_eq!(one("SELECT 1--1; DROP TABLE t"), None);
        assert_eq!(
            one("CREATE TABLE t (a int) /*!50100 PARTITION BY HASH (a) */"),
            None
        );
        assert_eq!(one("SELECT 1 # x; DROP TABLE t"), None);
        assert_eq!(
            one("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"),
            None
        );
        assert_eq!(
            single_statement(r"INSERT INTO t VALUES ('it\'s; x')", Rules::MYSQL),
            Some(r"INSERT INTO t VALUES ('it\'s; x')")
        );
        assert_eq!(
            single_statement(r"INSERT INTO t VALUES ('it\'s; x')", Rules::STANDARD),
            None
        );
    }
}
