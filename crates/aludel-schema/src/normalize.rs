//! The comparison form of a schema on one dialect.
//!
//! Both sides of a diff (the models and the live database) go through [`normalize`]
//! before they are compared, so that differences of spelling that the dialect does not
//! keep (type aliases, default casts, unique constraint versus unique index, rewritten
//! check expressions) never show up as changes. Names are kept: the differ uses them to
//! address what it drops.

use crate::{
    Check, Column, ColumnType, Dialect, FkAction, Index, Schema, Table, enum_check_values,
    normalize_default, normalize_expr,
};

/// The name of the CHECK that holds a SQLite enum column to its values (SQLite has no
/// enum type). Check names are per table on SQLite.
pub fn enum_check_name(column: &str) -> String {
    format!("{column}_enum")
}

/// The CHECK that holds a SQLite enum column to its values, for a column of an enum
/// type.
pub fn enum_check(c: &Column) -> Option<Check> {
    let ColumnType::Enum { values, .. } = &c.ty else {
        return None;
    };
    let list: Vec<String> = values
        .iter()
        .map(|v| crate::quote_literal(Dialect::Sqlite, v))
        .collect();
    Some(Check {
        name: Some(enum_check_name(&c.name)),
        expr: format!(
            "{} IN ({})",
            crate::quote_ident(Dialect::Sqlite, &c.name),
            list.join(", ")
        ),
    })
}

/// On SQLite, a text column held to a list of values by a CHECK is an enum column,
/// whoever wrote the CHECK: the column becomes an enum and the check goes.
fn sqlite_enums(t: &mut Table) {
    let mut keep = Vec::new();
    for check in std::mem::take(&mut t.checks) {
        if let Some((col, values)) = enum_check_values(&check.expr)
            && let Some(c) = t.get_column_mut(&col)
            && matches!(c.ty, ColumnType::Text | ColumnType::Enum { .. })
        {
            c.ty = ColumnType::Enum {
                name: String::new(),
                values,
            };
            continue;
        }
        keep.push(check);
    }
    t.checks = keep;
}

/// Returns `schema` in the form two schemas are compared in on `dialect`.
pub fn normalize(schema: &Schema, dialect: Dialect) -> Schema {
    let mut s = Schema {
        tables: schema
            .tables
            .iter()
            .map(|t| normalize_table(t, dialect))
            .collect(),
        enums: normalize_enums(schema, dialect),
    };
    s.sort();
    s
}

/// The enum types as the differ compares them: PostgreSQL's, by name; none elsewhere
/// (an enum lives in its column there).
pub fn normalize_enums(schema: &Schema, dialect: Dialect) -> Vec<crate::EnumType> {
    if dialect != Dialect::Postgres {
        return Vec::new();
    }
    let mut enums = schema.enums.clone();
    enums.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    enums
}

/// One table as the differ compares it; see [`normalize`].
pub fn normalize_table(table: &Table, dialect: Dialect) -> Table {
    let mut t = table.clone();
    {
        let t = &mut t;
        let pk_cols: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        for c in &mut t.columns {
            c.ty = c.ty.canonical(dialect);
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
            sqlite_enums(t);
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
                    method: None,
                });
            }
        }
        for i in &mut t.indexes {
            i.predicate = i.predicate.as_deref().map(|p| normalize_expr(p, dialect));
            i.method = i
                .method
                .as_deref()
                .map(str::to_ascii_lowercase)
                .filter(|m| m != "btree");
        }
        for c in &mut t.checks {
            c.expr = normalize_expr(&c.expr, dialect);
        }
    }
    t.sort_constraints();
    t
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
        assert_eq!(normalize(&s, Dialect::Sqlite).tables[0].columns[0].ty, want);
        // Text held to the same values by a hand-written CHECK is the same column.
        let mut hand = Schema::new();
        hand.tables.push(
            Table::new("posts")
                .column(Column::new("status", ColumnType::Text))
                .check(Check::new("status IN ('draft', 'live')")),
        );
        let n = normalize(&hand, Dialect::Sqlite);
        assert_eq!(n.tables[0].columns[0].ty, want);
        assert!(n.tables[0].checks.is_empty());
        let pg = ColumnType::Enum {
            name: "post_status".into(),
            values: vec![],
        };
        assert_eq!(normalize(&s, Dialect::Postgres).tables[0].columns[0].ty, pg);
    }
}
