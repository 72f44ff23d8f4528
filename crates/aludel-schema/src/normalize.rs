//! The comparison form of a schema on one dialect.
//!
//! Both sides of a diff (the models and the live database) go through [`normalize`]
//! before they are compared, so that differences of spelling that the dialect does not
//! keep (type aliases, default casts, unique constraint versus unique index, constraint
//! names the dialect does not store) never show up as changes.

use crate::{Dialect, FkAction, Index, Schema, normalize_default};

/// Returns `schema` in the form two schemas are compared in on `dialect`.
pub fn normalize(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = schema.clone();
    for t in &mut s.tables {
        let pk_cols: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        for c in &mut t.columns {
            c.ty = c.ty.canonical(dialect);
            c.default = c
                .default
                .as_deref()
                .and_then(|d| normalize_default(d, &c.ty, dialect));
            if pk_cols.contains(&c.name) {
                c.nullable = false;
            }
            if c.auto_increment {
                c.default = None;
            }
            if dialect == Dialect::Sqlite {
                c.comment = None;
            }
        }
        if dialect == Dialect::Sqlite {
            t.comment = None;
        }
        if dialect == Dialect::MySql {
            // InnoDB checks foreign keys immediately: NO ACTION is RESTRICT, and MariaDB
            // reports the default as RESTRICT.
            for f in &mut t.foreign_keys {
                for a in [&mut f.on_delete, &mut f.on_update] {
                    if *a == FkAction::Restrict {
                        *a = FkAction::NoAction;
                    }
                }
            }
        }
        if matches!(dialect, Dialect::MySql | Dialect::Sqlite) {
            // A unique constraint is a unique index on these dialects.
            for u in std::mem::take(&mut t.uniques) {
                t.indexes.push(Index {
                    name: u.name,
                    columns: u.columns,
                    unique: true,
                    predicate: None,
                });
            }
        }
        for i in &mut t.indexes {
            i.predicate = i.predicate.as_deref().map(normalize_predicate);
        }
    }
    if dialect != Dialect::Postgres {
        // Only PostgreSQL has enum types; elsewhere an enum lives in its column.
        s.enums.clear();
    }
    s.sort();
    s
}

/// Lower-cases outside quotes, collapses whitespace and drops enclosing parentheses.
fn normalize_predicate(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut in_quote = false;
    let mut last_space = false;
    for c in p.trim().chars() {
        if c == '\'' {
            in_quote = !in_quote;
        }
        if in_quote || c == '\'' {
            out.push(c);
            last_space = false;
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
    let mut s = out.trim();
    while s.starts_with('(')
        && s.ends_with(')')
        && s[1..s.len() - 1].matches('(').count() == s[1..s.len() - 1].matches(')').count()
    {
        s = s[1..s.len() - 1].trim();
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, ColumnType, Table, Unique};

    #[test]
    fn unique_constraint_is_unique_index_on_mysql_and_sqlite() {
        let mut s = Schema::new();
        s.tables.push(
            Table::new("users")
                .column(Column::new("email", ColumnType::Varchar(100)))
                .unique(Unique::new(["email"]).named("uq_users_email")),
        );
        for d in [Dialect::MySql, Dialect::Sqlite] {
            let n = normalize(&s, d);
            assert!(n.tables[0].uniques.is_empty());
            assert_eq!(n.tables[0].indexes.len(), 1);
            assert!(n.tables[0].indexes[0].unique);
        }
        let n = normalize(&s, Dialect::Postgres);
        assert_eq!(n.tables[0].uniques.len(), 1);
    }

    #[test]
    fn primary_key_columns_are_not_null() {
        let mut s = Schema::new();
        s.tables.push(
            Table::new("t")
                .column(Column::new("id", ColumnType::Integer).nullable())
                .primary_key(["id"]),
        );
        assert!(!normalize(&s, Dialect::Sqlite).tables[0].columns[0].nullable);
    }

    #[test]
    fn predicates_compare_by_meaning() {
        assert_eq!(
            normalize_predicate("(status = 'Draft'::text)"),
            normalize_predicate("STATUS  =  'Draft'::text")
        );
    }
}
