//! Server-default expressions: the many ways catalogs spell the same default.
//!
//! PostgreSQL shows `'x'::text` for `'x'` and `now()` for `CURRENT_TIMESTAMP`; MariaDB
//! shows `current_timestamp()`; SQLite keeps the text as written, parentheses included;
//! MySQL shows a boolean `TRUE` as `1`. [`normalize_default`] maps each to one spelling
//! so that the differ compares meanings, not spellings.

use crate::{ColumnType, Dialect, lex};

/// The canonical spelling of a default expression for a column of type `ty`, or `None`
/// when the default is `NULL` (which is the same as having none).
pub fn normalize_default(expr: &str, ty: &ColumnType, dialect: Dialect) -> Option<String> {
    let mut e = lex::strip_outer_parens(expr.trim()).to_string();
    if dialect == Dialect::Postgres {
        e = strip_pg_cast(&e);
        e = lex::strip_outer_parens(&e).to_string();
    }
    let e = lex::lower_words(&e);
    if e == "null" {
        return None;
    }
    let e = match e.as_str() {
        "now()"
        | "current_timestamp"
        | "current_timestamp()"
        | "transaction_timestamp()"
        | "localtimestamp"
        | "localtimestamp()"
        | "statement_timestamp()" => "current_timestamp".to_string(),
        "curdate()" | "current_date()" | "current_date" => "current_date".to_string(),
        "curtime()" | "current_time()" | "current_time" | "localtime" => "current_time".to_string(),
        "datetime('now')" if dialect == Dialect::Sqlite => "current_timestamp".to_string(),
        _ => match e.strip_prefix("current_timestamp(") {
            Some(rest) if rest.ends_with(')') && rest[..rest.len() - 1].parse::<u8>().is_ok() => {
                "current_timestamp".to_string()
            }
            _ => e,
        },
    };
    let ty = ty.canonical(dialect);
    if ty == ColumnType::Boolean {
        let unq = unquote(&e).unwrap_or(&e);
        match unq {
            "true" | "t" | "1" | "yes" | "on" | "b'1'" => return Some("true".into()),
            "false" | "f" | "0" | "no" | "off" | "b'0'" => return Some("false".into()),
            _ => {}
        }
    }
    if ty.is_numeric() {
        let unq = unquote(&e).unwrap_or(&e);
        if let Some(n) = canonical_number(unq) {
            return Some(n);
        }
    }
    Some(e)
}

/// Whether a default can be written after `DEFAULT` without parentheses on every
/// dialect: a literal or one of the SQL-standard current-time keywords.
pub fn is_literal_default(expr: &str) -> bool {
    let e = expr.trim();
    if unquote(e).is_some() {
        return true;
    }
    if canonical_number(e).is_some() {
        return true;
    }
    matches!(
        e.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "current_timestamp" | "current_date" | "current_time"
    )
}

/// `'x'::character varying` -> `'x'`; `'-1'::integer` -> `'-1'`. Only a cast at the top
/// level of the whole expression is removed, repeatedly.
fn strip_pg_cast(e: &str) -> String {
    let mut e = e.to_string();
    loop {
        let Some(pos) = top_level_cast(&e) else {
            return e;
        };
        let cast = &e[pos + 2..];
        let is_type = cast.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '_' | '(' | ')' | ',' | '[' | ']' | '"' | '.')
        });
        if !is_type {
            return e;
        }
        e = e[..pos].trim().to_string();
    }
}

/// The byte position of the first `::` outside strings and parentheses.
fn top_level_cast(e: &str) -> Option<usize> {
    let toks = lex::tokens(e);
    let mut pos = 0;
    for (t, d) in toks.iter().zip(lex::depths(&toks)) {
        if d == 0 && t.is_punct("::") {
            return Some(pos);
        }
        pos += t.text.len();
    }
    None
}

/// The content of a single-quoted literal, when `e` is exactly one (quotes inside
/// still doubled).
fn unquote(e: &str) -> Option<&str> {
    match lex::tokens(e).as_slice() {
        [t] if t.kind == lex::Kind::Str && t.closed() => Some(&t.text[1..t.text.len() - 1]),
        _ => None,
    }
}

/// `+007.50` -> `7.5`; `1e3` stays as written; anything not a plain decimal number is
/// `None`.
fn canonical_number(s: &str) -> Option<String> {
    let s = s.trim();
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut out = String::new();
    if neg && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType as T;

    fn same(dialect: Dialect, ty: ColumnType, a: &str, b: &str) {
        assert_eq!(
            normalize_default(a, &ty, dialect),
            normalize_default(b, &ty, dialect),
            "{dialect}: {a:?} vs {b:?}"
        );
    }

    #[test]
    fn equal_spellings() {
        use Dialect::*;
        same(Postgres, T::Text, "'x'", "'x'::text");
        same(
            Postgres,
            T::Varchar(20),
            "'draft'",
            "'draft'::character varying",
        );
        same(Postgres, T::TimestampTz, "CURRENT_TIMESTAMP", "now()");
        same(Postgres, T::Integer, "-1", "'-1'::integer");
        same(Postgres, T::Boolean, "TRUE", "true");
        same(
            Postgres,
            T::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            "0",
            "0.00",
        );
        same(Postgres, T::Text, "''", "''::text");
        same(MySql, T::Boolean, "TRUE", "1");
        same(MySql, T::Boolean, "false", "'0'");
        same(
            MySql,
            T::Timestamp,
            "CURRENT_TIMESTAMP",
            "current_timestamp(6)",
        );
        same(
            MySql,
            T::Timestamp,
            "CURRENT_TIMESTAMP",
            "current_timestamp()",
        );
        same(MySql, T::Integer, "0", "'0'");
        same(
            MySql,
            T::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            "1.5",
            "1.50",
        );
        same(
            Sqlite,
            T::Timestamp,
            "CURRENT_TIMESTAMP",
            "(CURRENT_TIMESTAMP)",
        );
        same(Sqlite, T::Integer, "((0))", "0");
        same(Sqlite, T::Boolean, "1", "TRUE");
    }

    #[test]
    fn different_meanings_stay_different() {
        let d = Dialect::Postgres;
        assert_ne!(
            normalize_default("'a'", &T::Text, d),
            normalize_default("'A'", &T::Text, d),
            "string literals keep their case"
        );
        assert_ne!(
            normalize_default("1", &T::Integer, d),
            normalize_default("10", &T::Integer, d)
        );
        assert_ne!(
            normalize_default("(a) + (b)", &T::Integer, d),
            normalize_default("a + b + c", &T::Integer, d)
        );
    }

    #[test]
    fn null_default_is_no_default() {
        assert_eq!(normalize_default("NULL", &T::Text, Dialect::MySql), None);
        assert_eq!(
            normalize_default("NULL::character varying", &T::Text, Dialect::Postgres),
            None
        );
    }

    #[test]
    fn parentheses_around_parts_are_kept() {
        assert_eq!(lex::strip_outer_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(lex::strip_outer_parens("((1))"), "1");
        assert_eq!(lex::strip_outer_parens("('(')"), "'('");
    }

    #[test]
    fn literal_defaults() {
        for lit in [
            "'x'",
            "0",
            "-1.5",
            "TRUE",
            "null",
            "CURRENT_TIMESTAMP",
            "'it''s'",
        ] {
            assert!(is_literal_default(lit), "{lit}");
        }
        for expr in ["now()", "'a' || 'b'", "1 + 1", "gen_random_uuid()"] {
            assert!(!is_literal_default(expr), "{expr}");
        }
    }
}
