//! The comparison form of a schema on one dialect.
//!
//! Both sides of a diff (the models and the live database) go through [`normalize`]
//! before they are compared, so that differences of spelling that the dialect does not
//! keep (type aliases, default casts, unique constraint versus unique index, rewritten
//! check expressions) never show up as changes. Names are kept: the differ uses them to
//! address what it drops.

use crate::{
    Check, ColumnType, Dialect, FkAction, Index, Schema, Table, normalize_default, normalize_expr,
};

/// The CHECK constraints that hold SQLite's enum columns to their values (SQLite has no
/// enum type): one per column of an enum type.
pub fn enum_checks(t: &Table) -> Vec<Check> {
    t.columns
        .iter()
        .filter_map(|c| match &c.ty {
            ColumnType::Enum { values, .. } => {
                let list: Vec<String> = values
                    .iter()
                    .map(|v| format!("'{}'", v.replace('\'', "''")))
                    .collect();
                Some(Check {
                    name: Some(format!("ck_{}_{}_enum", t.name, c.name)),
                    expr: format!(
                        "\"{}\" IN ({})",
                        c.name.replace('"', "\"\""),
                        list.join(", ")
                    ),
                })
            }
            _ => None,
        })
        .collect()
}

/// Returns `schema` in the form two schemas are compared in on `dialect`.
pub fn normalize(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = schema.clone();
    for t in &mut s.tables {
        if dialect == Dialect::Sqlite {
            // No enum type: the column is text held to its values by a CHECK.
            t.checks.extend(enum_checks(t));
        }
        let pk_cols: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        for c in &mut t.columns {
            c.ty = c.ty.canonical(dialect);
            if dialect == Dialect::Sqlite && matches!(c.ty, ColumnType::Enum { .. }) {
                c.ty = ColumnType::Text;
            }
            if let ColumnType::Enum { values, .. } = &mut c.ty
                && dialect == Dialect::Postgres
            {
                // The values belong to the enum type, which is compared on its own.
                values.clear();
            }
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
            c.comment = c.comment.take().filter(|c| !c.is_empty());
        }
        if dialect == Dialect::Sqlite {
            t.comment = None;
        }
        t.comment = t.comment.take().filter(|c| !c.is_empty());
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
            i.predicate = i.predicate.as_deref().map(normalize_expr);
        }
        for c in &mut t.checks {
            c.expr = normalize_expr(&c.expr);
        }
    }
    if dialect != Dialect::Postgres {
        // Only PostgreSQL has enum types; elsewhere an enum lives in its column.
        s.enums.clear();
    }
    s.sort();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, Unique};

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
    fn enums_compare_by_values_outside_postgres() {
        let mut s = Schema::new();
        s.tables.push(Table::new("posts").column(Column::new(
            "status",
            ColumnType::Enum {
                name: "post_status".into(),
                values: vec!["draft".into(), "live".into()],
            },
        )));
        let want = ColumnType::Enum {
            name: String::new(),
            values: vec!["draft".into(), "live".into()],
        };
        assert_eq!(normalize(&s, Dialect::MySql).tables[0].columns[0].ty, want);
        let lite = normalize(&s, Dialect::Sqlite);
        assert_eq!(lite.tables[0].columns[0].ty, ColumnType::Text);
        assert_eq!(
            lite.tables[0].checks,
            [Check {
                name: Some("ck_posts_status_enum".into()),
                expr: normalize_expr("status IN ('draft', 'live')"),
            }]
        );
        let pg = ColumnType::Enum {
            name: "post_status".into(),
            values: vec![],
        };
        assert_eq!(normalize(&s, Dialect::Postgres).tables[0].columns[0].ty, pg);
    }
}
