use aludel_schema::{Dialect, TableName};

/// Quotes an identifier for `dialect`, doubling any embedded quote character.
pub fn quote_ident(dialect: Dialect, name: &str) -> String {
    let q = match dialect {
        Dialect::MySql => '`',
        Dialect::Postgres | Dialect::Sqlite => '"',
    };
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

/// A single-quoted SQL string literal. MySQL also treats a backslash as an escape
/// character, so it is doubled there.
pub fn quote_literal(dialect: Dialect, s: &str) -> String {
    let mut body = s.replace('\'', "''");
    if dialect == Dialect::MySql {
        body = body.replace('\\', "\\\\");
    }
    format!("'{body}'")
}

/// `"schema"."table"` or `"table"`.
pub(crate) fn quote_table(dialect: Dialect, t: &TableName) -> String {
    match &t.schema {
        Some(s) => format!(
            "{}.{}",
            quote_ident(dialect, s),
            quote_ident(dialect, &t.name)
        ),
        None => quote_ident(dialect, &t.name),
    }
}

pub(crate) fn quote_list(dialect: Dialect, names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(dialect, n))
        .collect::<Vec<_>>()
        .join(", ")
}
