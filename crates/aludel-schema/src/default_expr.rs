//! Server-default expressions: the many ways catalogs spell the same default.
//!
//! PostgreSQL shows `'x'::text` for `'x'` and `now()` for `CURRENT_TIMESTAMP`; MariaDB
//! shows `current_timestamp()`; SQLite keeps the text as written, parentheses included;
//! MySQL shows a boolean `TRUE` as `1`. [`normalize_default`] maps each to one spelling
//! so that the differ compares meanings, not spellings.

use crate::{ColumnType, Dialect};

/// The canonical spelling of a default expression for a column of type `ty`, or `None`
/// when the default is `NULL` (which is the same as having none).
pub fn normalize_default(expr: &str, ty: &ColumnType, dialect: Dialect) -> Option<String> {
    let mut e = strip_parens(expr.trim()).to_string();
    if dialect == Dialect::Postgres {
        e = strip_pg_cast(&e);
        e = strip_parens(&e).to_string();
    }
    let e = lower_outside_quotes(&e);
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

/// Removes parentheses that enclose the whole expression: `((0))` -> `0`, but not
/// `(a) + (b)`.
fn strip_parens(mut e: &str) -> &str {
    while e.starts_with('(') && e.ends_with(')') && encloses_all(e) {
        e = e[1..e.len() - 1].trim();
    }
    e
}

fn encloses_all(e: &str) -> bool {
    let mut depth = 0i32;
    let mut in_quote = false;
    for (i, c) in e.char_indices() {
        match c {
            '\'' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => {
                depth -= 1;
                if depth == 0 && i != e.len() - 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
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

/// The position of the first `::` outside quotes and parentheses.
fn top_level_cast(e: &str) -> Option<usize> {
    let bytes = e.as_bytes();
    let mut depth = 0i32;
    let mut in_quote = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' => in_quote = !in_quote,
            b'(' if !in_quote => depth += 1,
            b')' if !in_quote => depth -= 1,
            b':' if !in_quote && depth == 0 && bytes.get(i + 1) == Some(&b':') => return Some(i),
            _ => {}
        }
    }
    None
}

fn lower_outside_quotes(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    let mut in_quote = false;
    let mut last_space = false;
    for c in e.chars() {
        if c == '\'' {
            in_quote = !in_quote;
            out.push(c);
            last_space = false;
        } else if in_quote {
            out.push(c);
        } else if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    out.trim().to_string()
}

/// The content of a single-quoted literal, when `e` is exactly one.
fn unquote(e: &str) -> Option<&str> {
    let inner = e.strip_prefix('\'')?.strip_suffix('\'')?;
    // `'a' || 'b'` is not one literal: every quote inside must be doubled.
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
    }
    Some(inner)
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
        assert_eq!(strip_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_parens("((1))"), "1");
        assert_eq!(strip_parens("('(')"), "'('");
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
