//! The one place where names and strings become SQL text.
//!
//! Every identifier and every string literal that aludel writes into a statement goes
//! through [`quote_ident`] or [`quote_literal`] (sea-query quotes table and column names
//! the same way, which a test holds it to). The
//! contract, checked by the hostile-name tests on every backend: whatever the name (quotes
//! of every kind, semicolons, comment markers, backslashes, Unicode), the server reads
//! back exactly the name that was quoted, and the text never ends the token early.

use crate::{Dialect, TableName};

/// The character that quotes identifiers on `dialect`.
pub fn ident_quote(dialect: Dialect) -> char {
    dialect.backend().ident_quote()
}

/// Quotes an identifier for `dialect`, doubling any embedded quote character.
pub fn quote_ident(dialect: Dialect, name: &str) -> String {
    let q = ident_quote(dialect);
    let mut out = String::with_capacity(name.len() + 2);
    out.push(q);
    for c in name.chars() {
        if c == q {
            out.push(q);
        }
        out.push(c);
    }
    out.push(q);
    out
}

/// A single-quoted SQL string literal. A quote is doubled everywhere; MySQL also reads a
/// backslash as an escape (aludel's sessions keep `NO_BACKSLASH_ESCAPES` off), so it is
/// doubled there. PostgreSQL's `standard_conforming_strings` (on since 9.1) and SQLite
/// take a backslash literally.
pub fn quote_literal(dialect: Dialect, s: &str) -> String {
    let backslash = dialect.backend().backslash_escapes();
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if backslash => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `"schema"."table"` or `"table"`.
pub fn quote_table(dialect: Dialect, t: &TableName) -> String {
    match &t.schema {
        Some(s) => format!(
            "{}.{}",
            quote_ident(dialect, s),
            quote_ident(dialect, &t.name)
        ),
        None => quote_ident(dialect, &t.name),
    }
}

/// `"a", "b"`.
pub fn quote_list(dialect: Dialect, names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(dialect, n))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_backslashes_only_on_mysql() {
        assert_eq!(quote_ident(Dialect::Postgres, r#"we"ird"#), r#""we""ird""#);
        assert_eq!(quote_ident(Dialect::MySql, "we`ird"), "`we``ird`");
        assert_eq!(quote_ident(Dialect::MySql, r#"a"b"#), r#"`a"b`"#);
        assert_eq!(quote_literal(Dialect::Postgres, "it's"), "'it''s'");
        assert_eq!(quote_literal(Dialect::Postgres, r"a\b"), r"'a\b'");
        assert_eq!(quote_literal(Dialect::Sqlite, r"a\b"), r"'a\b'");
        assert_eq!(quote_literal(Dialect::MySql, r"a\'b"), r"'a\\''b'");
    }
}
