//! The lints: each operation of the revisions a branch adds, judged against the schema it
//! changes.
//!
//! A table or column the branch itself creates holds no production data yet: operations
//! on it raise nothing.

use std::collections::HashSet;

use aludel_schema::{
    AlterColumn, Column, ColumnType, Dialect, Index, Operation, Schema, TableName, Unique,
};

use crate::rules::{self, Rule};

/// One thing a lint found in one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static Rule,
    pub message: String,
}

/// What the branch created so far, in order of its operations.
#[derive(Default)]
pub struct Fresh {
    tables: HashSet<TableName>,
    columns: HashSet<(TableName, String)>,
    enums: HashSet<TableName>,
}

impl Fresh {
    fn table(&self, t: &TableName) -> bool {
        self.tables.contains(t)
    }

    fn column(&self, t: &TableName, c: &str) -> bool {
        self.table(t) || self.columns.contains(&(t.clone(), c.to_string()))
    }

    fn enum_type(&self, name: &TableName) -> bool {
        self.enums.contains(name)
    }

    /// Records what `op` creates or renames.
    pub fn note(&mut self, op: &Operation) {
        match op {
            Operation::CreateTable { table } => {
                self.tables.insert(table.table_name());
            }
            Operation::RenameTable { table, to } => {
                let new = TableName::qualified(table.schema.clone(), to.clone());
                if self.tables.remove(table) {
                    self.tables.insert(new.clone());
                }
                // Columns the branch added move with their table.
                let moved: Vec<String> = self
                    .columns
                    .iter()
                    .filter(|(t, _)| t == table)
                    .map(|(_, c)| c.clone())
                    .collect();
                for c in moved {
                    self.columns.remove(&(table.clone(), c.clone()));
                    self.columns.insert((new.clone(), c));
                }
            }
            Operation::CreateEnum { ty } => {
                self.enums
                    .insert(TableName::qualified(ty.schema.clone(), ty.name.clone()));
            }
            Operation::AddColumn { table, column } => {
                self.columns.insert((table.clone(), column.name.clone()));
            }
            Operation::RenameColumn { table, from, to }
                if self.columns.remove(&(table.clone(), from.clone())) =>
            {
                self.columns.insert((table.clone(), to.clone()));
            }
            _ => {}
        }
    }
}

/// Whether MySQL's implicit default for the type is a zero date or time.
fn zero_dated(ty: &ColumnType) -> bool {
    match ty.canonical(Dialect::MySql) {
        ColumnType::Date | ColumnType::Time | ColumnType::Timestamp | ColumnType::TimestampTz => {
            true
        }
        ColumnType::Custom(c) => ["date", "time", "year"].iter().any(|k| c.contains(k)),
        _ => false,
    }
}

/// The lints `op` raises, `state` being the schema just before it.
pub fn check(op: &Operation, state: &Schema, fresh: &Fresh, dialect: Dialect) -> Vec<Hit> {
    let mut l = Lint {
        hits: Vec::new(),
        dialect,
    };
    // Only what existed before the branch can hold data.
    let old_table = |t: &TableName| !fresh.table(t) && state.table(t).is_some();
    let old_column = |t: &TableName, c: &str| {
        !fresh.column(t, c) && state.table(t).is_some_and(|t| t.get_column(c).is_some())
    };
    match op {
        Operation::DropTable { table } if old_table(table) => l.hit(
            rules::DROP_TABLE,
            format!("drops table {table} and every row in it"),
        ),
        Operation::DropColumn { table, column } if old_column(table, column) => l.hit(
            rules::DROP_COLUMN,
            format!(
                "drops column {table}.{column} and its data; the application version running during the deploy may still read it"
            ),
        ),
        Operation::AddColumn { table, column } if old_table(table) => {
            l.add_column(table, column)
        }
        Operation::AlterColumn(a) if old_column(&a.table, &a.column) => l.alter_column(a),
        Operation::CreateIndex {
            table,
            index,
            concurrently,
        } if old_table(table) => l.create_index(table, index, *concurrently),
        Operation::AddUnique { table, unique } if old_table(table) => l.add_unique(table, unique),
        Operation::AddPrimaryKey { table, .. } if old_table(table) => l.hit(
            rules::NEW_UNIQUE,
            format!(
                "adds a primary key to {table}: it fails if existing rows hold duplicates or NULLs"
            ),
        ),
        Operation::AddForeignKey {
            table,
            foreign_key,
            not_valid,
        } if old_table(table) && !not_valid => l.hit(
            rules::FOREIGN_KEY_WITHOUT_NOT_VALID,
            format!(
                "adds foreign key {} on {table}: PostgreSQL checks every row of {table} while writes to {table} and {} wait",
                foreign_key.name.as_deref().unwrap_or("?"),
                foreign_key.ref_table
            ),
        ),
        Operation::AlterEnum { name, from, to } if !fresh.enum_type(name) => {
            l.alter_enum(name, from, to)
        }
        Operation::RenameTable { table, to } if old_table(table) => l.hit(
            rules::RENAME,
            format!(
                "renames table {table} to {to}: the application version running during the deploy still uses {table}"
            ),
        ),
        Operation::RenameColumn { table, from, to } if old_column(table, from) => l.hit(
            rules::RENAME,
            format!(
                "renames column {table}.{from} to {to}: the application version running during the deploy still uses {from}"
            ),
        ),
        _ => {}
    }
    l.hits
}

/// The findings of one operation, and the dialect they are for.
struct Lint {
    hits: Vec<Hit>,
    dialect: Dialect,
}

impl Lint {
    fn pg(&self) -> bool {
        self.dialect == Dialect::Postgres
    }

    fn hit(&mut self, rule: &'static Rule, message: String) {
        if !rule.postgres_only || self.pg() {
            self.hits.push(Hit { rule, message });
        }
    }

    fn add_column(&mut self, table: &TableName, column: &Column) {
        // MySQL fills existing rows with the type's implicit default (0, '', the
        // first enum value ...); a date's is the zero date, which strict modes with
        // NO_ZERO_DATE refuse. The other servers refuse every such column.
        let refused = self.dialect != Dialect::MySql || zero_dated(&column.ty);
        if refused && !column.nullable && column.default.is_none() && !column.auto_increment {
            self.hit(
                rules::NOT_NULL_WITHOUT_DEFAULT,
                format!(
                    "adds NOT NULL column {table}.{} without a default: it fails if {table} has rows",
                    column.name
                ),
            );
        }
        if let Some(expr) = column.default.as_deref().filter(|e| volatile(e)) {
            self.hit(
                rules::VOLATILE_DEFAULT,
                format!(
                    "adds {table}.{} with the volatile default {expr}: PostgreSQL computes it for every row, rewriting {table} under an ACCESS EXCLUSIVE lock",
                    column.name
                ),
            );
        }
    }

    fn alter_column(&mut self, a: &AlterColumn) {
        let (t, c) = (&a.table, &a.column);
        if let Some(ch) = &a.ty {
            let (from, to) = (&ch.from, &ch.to);
            let removed = enum_removed(from, to);
            if !removed.is_empty() {
                self.hit(
                    rules::ENUM_VALUE_REMOVED,
                    format!(
                        "removes {} from the values of {t}.{c}: rows that hold them make the migration fail",
                        quoted(&removed)
                    ),
                );
            } else if !widens(from, to) {
                self.hit(
                    rules::NARROWING_TYPE,
                    format!(
                        "changes {t}.{c} from {} to {}: a value that does not fit makes the migration fail (MySQL without strict mode cuts it)",
                        from.sql(self.dialect),
                        to.sql(self.dialect)
                    ),
                );
            }
            if pg_rewrites(from, to) {
                self.hit(
                    rules::TABLE_REWRITE,
                    format!(
                        "changes {t}.{c} from {} to {}: PostgreSQL rewrites {t} and its indexes under an ACCESS EXCLUSIVE lock",
                        from.sql(self.dialect),
                        to.sql(self.dialect)
                    ),
                );
            }
        }
        if a.nullable.as_ref().is_some_and(|n| n.from && !n.to) {
            self.hit(
                rules::NOT_NULL_WITHOUT_DEFAULT,
                format!(
                    "makes {t}.{c} NOT NULL: it fails if a row holds NULL{}",
                    if self.pg() {
                        ", and PostgreSQL scans the table under an ACCESS EXCLUSIVE lock"
                    } else {
                        ""
                    }
                ),
            );
        }
    }

    fn create_index(&mut self, table: &TableName, index: &Index, concurrently: bool) {
        let name = index.name.as_deref().unwrap_or("?");
        if index.unique {
            self.hit(
                rules::NEW_UNIQUE,
                format!(
                    "adds unique index {name} on {table} ({}): it fails if existing rows hold duplicates",
                    index.columns.join(", ")
                ),
            );
        }
        if !concurrently {
            self.hit(
                rules::INDEX_WITHOUT_CONCURRENTLY,
                format!(
                    "builds index {name} on {table} without CONCURRENTLY: writes to {table} wait until it is built"
                ),
            );
        }
    }

    fn add_unique(&mut self, table: &TableName, unique: &Unique) {
        let name = unique.name.as_deref().unwrap_or("?");
        self.hit(
            rules::NEW_UNIQUE,
            format!(
                "adds unique constraint {name} on {table} ({}): it fails if existing rows hold duplicates",
                unique.columns.join(", ")
            ),
        );
        self.hit(
            rules::INDEX_WITHOUT_CONCURRENTLY,
            format!(
                "adds unique constraint {name} on {table}: PostgreSQL builds its index while writes to {table} wait; a unique index built concurrently does the same job"
            ),
        );
    }

    fn alter_enum(&mut self, name: &TableName, from: &[String], to: &[String]) {
        let removed: Vec<String> = from.iter().filter(|v| !to.contains(v)).cloned().collect();
        if !removed.is_empty() {
            self.hit(
                rules::ENUM_VALUE_REMOVED,
                format!(
                    "removes {} from enum {name}: rows that hold them make the migration fail{}",
                    quoted(&removed),
                    if self.pg() {
                        "; PostgreSQL swaps the type, rewriting every table that uses it"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Enum values `to` no longer allows.
fn enum_removed(from: &ColumnType, to: &ColumnType) -> Vec<String> {
    match (from, to) {
        (ColumnType::Enum { values: a, .. }, ColumnType::Enum { values: b, .. }) => {
            a.iter().filter(|v| !b.contains(v)).cloned().collect()
        }
        _ => Vec::new(),
    }
}

/// Functions whose value differs per row: a default that calls one is computed row by row.
fn volatile(expr: &str) -> bool {
    const VOLATILE: &[&str] = &[
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v",
        "clock_timestamp(",
        "timeofday(",
        "nextval(",
        "gen_random_bytes(",
        "txid_current(",
    ];
    let e = expr.to_ascii_lowercase().replace(' ', "");
    VOLATILE.iter().any(|f| e.contains(f))
}

fn int_rank(t: &ColumnType) -> Option<u8> {
    match t {
        ColumnType::SmallInt => Some(1),
        ColumnType::Integer => Some(2),
        ColumnType::BigInt => Some(3),
        _ => None,
    }
}

fn int_digits(rank: u8) -> u32 {
    match rank {
        1 => 5,
        2 => 10,
        _ => 19,
    }
}

/// Whether every value of `from` converts to `to` without loss.
pub fn widens(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    if from == to {
        return true;
    }
    match (from, to) {
        // Any value can be spelled as text.
        (_, T::Text) => !matches!(from, T::Bytes),
        (a, b) if int_rank(a).is_some() && int_rank(b).is_some() => int_rank(a) <= int_rank(b),
        (a, T::Decimal { precision, scale }) if int_rank(a).is_some() => match precision {
            None => true,
            Some(p) => p.saturating_sub(scale.unwrap_or(0)) >= int_digits(int_rank(a).unwrap_or(3)),
        },
        (T::SmallInt | T::Integer, T::Double) | (T::SmallInt, T::Real) => true,
        (T::Real, T::Double) => true,
        (
            T::Decimal {
                precision: p1,
                scale: s1,
            },
            T::Decimal {
                precision: p2,
                scale: s2,
            },
        ) => match (p1, p2) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(p1), Some(p2)) => {
                let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
                s2 >= s1 && p2.saturating_sub(s2) >= p1.saturating_sub(s1)
            }
        },
        (T::Varchar(n) | T::Char(n), T::Varchar(m)) => m >= n,
        (T::Char(n), T::Char(m)) => m >= n,
        (T::Varchar(_), T::Char(_)) => false,
        (T::Uuid | T::Boolean, T::Varchar(n)) => *n >= 36,
        (T::Date, T::Timestamp | T::TimestampTz) | (T::Timestamp, T::TimestampTz) => true,
        (T::Json, T::Jsonb) | (T::Jsonb, T::Json) => true,
        (T::Enum { values: a, .. }, T::Enum { values: b, .. }) => a.iter().all(|v| b.contains(v)),
        (T::Enum { values, .. }, T::Varchar(n)) => {
            values.iter().all(|v| v.chars().count() <= *n as usize)
        }
        _ => false,
    }
}

/// Whether PostgreSQL rewrites the table for this type change (it skips the rewrite only
/// for binary-coercible changes: a longer varchar, varchar to text, more numeric
/// precision at the same scale).
pub fn pg_rewrites(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    if from == to {
        return false;
    }
    let binary_coercible = match (from, to) {
        (T::Varchar(n), T::Varchar(m)) => m >= n,
        (T::Varchar(_), T::Text) => true,
        (
            T::Decimal {
                precision: p1,
                scale: s1,
            },
            T::Decimal {
                precision: p2,
                scale: s2,
            },
        ) => match (p1, p2) {
            (_, None) => s2.is_none(),
            (None, Some(_)) => false,
            (Some(p1), Some(p2)) => p2 >= p1 && s1.unwrap_or(0) == s2.unwrap_or(0),
        },
        (T::Json, T::Text) => false,
        _ => false,
    };
    !binary_coercible
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType as T;
    use aludel_schema::{
        AlterColumn, Change, Column, EnumType, ForeignKey, Index, PrimaryKey, Table, Unique,
    };

    fn existing() -> Schema {
        Schema {
            tables: vec![
                Table::new("users")
                    .column(Column::new("id", T::BigInt))
                    .column(Column::new("name", T::Varchar(64)).nullable())
                    .column(Column::new(
                        "role",
                        T::Enum {
                            name: "role".into(),
                            values: vec!["admin".into(), "member".into()],
                        },
                    ))
                    .primary_key(["id"]),
                Table::new("posts")
                    .column(Column::new("id", T::BigInt))
                    .column(Column::new("owner_id", T::BigInt).nullable())
                    .column(Column::new("score", T::Integer)),
            ]
            .into(),
            enums: vec![EnumType {
                name: "role".into(),
                schema: None,
                values: vec!["admin".into(), "member".into()],
            }],
        }
    }

    fn codes(op: &Operation, d: Dialect) -> Vec<&'static str> {
        check(op, &existing(), &Fresh::default(), d)
            .into_iter()
            .map(|h| h.rule.code)
            .collect()
    }

    fn alter(column: &str) -> AlterColumn {
        AlterColumn::new("posts", column)
    }

    #[test]
    fn each_lint_fires_on_its_case() {
        use Dialect::{MySql as M, Postgres as P, Sqlite as S};
        let not_null = Column::new("title", T::Text);
        let cases: Vec<(Operation, Dialect, &[&str])> = vec![
            (
                Operation::DropTable {
                    table: "posts".into(),
                },
                S,
                &["AL101"],
            ),
            (
                Operation::DropColumn {
                    table: "posts".into(),
                    column: "score".into(),
                },
                M,
                &["AL102"],
            ),
            (
                Operation::AlterColumn(AlterColumn {
                    ty: Some(Change::new(T::BigInt, T::Integer)),
                    ..alter("owner_id")
                }),
                P,
                &["AL103", "AL303"],
            ),
            (
                Operation::AlterColumn(AlterColumn {
                    ty: Some(Change::new(T::Integer, T::BigInt)),
                    ..alter("score")
                }),
                P,
                &["AL303"],
            ),
            (
                Operation::AlterColumn(AlterColumn {
                    ty: Some(Change::new(T::Integer, T::BigInt)),
                    ..alter("score")
                }),
                M,
                &[],
            ),
            (
                Operation::AddColumn {
                    table: "posts".into(),
                    column: not_null.clone(),
                },
                S,
                &["AL201"],
            ),
            (
                Operation::AddColumn {
                    table: "posts".into(),
                    column: not_null.clone().default("''"),
                },
                P,
                &[],
            ),
            (
                Operation::AlterColumn(AlterColumn {
                    nullable: Some(Change::new(true, false)),
                    ..alter("owner_id")
                }),
                P,
                &["AL201"],
            ),
            (
                Operation::AddUnique {
                    table: "users".into(),
                    unique: Unique::new(["name"]).named("uq_users_name"),
                },
                P,
                &["AL202", "AL301"],
            ),
            (
                Operation::AddUnique {
                    table: "users".into(),
                    unique: Unique::new(["name"]).named("uq_users_name"),
                },
                M,
                &["AL202"],
            ),
            (
                Operation::AddPrimaryKey {
                    table: "posts".into(),
                    primary_key: PrimaryKey::new(["id"]),
                },
                S,
                &["AL202"],
            ),
            (
                Operation::CreateIndex {
                    table: "posts".into(),
                    index: Index::new(["score"]).named("ix_posts_score"),
                    concurrently: false,
                },
                P,
                &["AL301"],
            ),
            (
                Operation::CreateIndex {
                    table: "posts".into(),
                    index: Index::new(["score"]).named("ix_posts_score"),
                    concurrently: true,
                },
                P,
                &[],
            ),
            (
                Operation::CreateIndex {
                    table: "posts".into(),
                    index: Index::new(["score"]).named("ix_posts_score"),
                    concurrently: false,
                },
                S,
                &[],
            ),
            (
                Operation::AddForeignKey {
                    table: "posts".into(),
                    foreign_key: ForeignKey::new(["owner_id"], "users", ["id"]).named("fk"),
                    not_valid: false,
                },
                P,
                &["AL302"],
            ),
            (
                Operation::AddForeignKey {
                    table: "posts".into(),
                    foreign_key: ForeignKey::new(["owner_id"], "users", ["id"]).named("fk"),
                    not_valid: true,
                },
                P,
                &[],
            ),
            (
                Operation::AddColumn {
                    table: "posts".into(),
                    column: Column::new("key", T::Uuid).default("gen_random_uuid()"),
                },
                P,
                &["AL304"],
            ),
            (
                Operation::AddColumn {
                    table: "posts".into(),
                    column: Column::new("at", T::TimestampTz).default("now()"),
                },
                P,
                &[],
            ),
            (
                Operation::AlterEnum {
                    name: "role".into(),
                    from: vec!["admin".into(), "member".into()],
                    to: vec!["admin".into()],
                },
                P,
                &["AL401"],
            ),
            (
                Operation::AddColumn {
                    table: "posts".into(),
                    column: Column::new("flag", T::Integer),
                },
                M,
                &[],
            ),
            (
                Operation::AddColumn {
                    table: "posts".into(),
                    column: Column::new("due", T::Date),
                },
                M,
                &["AL201"],
            ),
            (
                Operation::AlterEnum {
                    name: "role".into(),
                    from: vec!["admin".into(), "member".into()],
                    to: vec!["admin".into(), "member".into(), "guest".into()],
                },
                P,
                &[],
            ),
            (
                Operation::RenameColumn {
                    table: "posts".into(),
                    from: "score".into(),
                    to: "points".into(),
                },
                S,
                &["AL501"],
            ),
            (
                Operation::RenameTable {
                    table: "posts".into(),
                    to: "articles".into(),
                },
                M,
                &["AL501"],
            ),
        ];
        for (op, d, want) in cases {
            assert_eq!(codes(&op, d), want, "{op} on {d}");
        }
    }

    #[test]
    fn what_the_branch_creates_raises_nothing() {
        let mut state = existing();
        let mut fresh = Fresh::default();
        let ops = [
            Operation::CreateTable {
                table: Table::new("tags").column(Column::new("id", T::Integer)),
            },
            Operation::AddColumn {
                table: "posts".into(),
                column: Column::new("draft", T::Text).nullable(),
            },
            Operation::CreateIndex {
                table: "tags".into(),
                index: Index::new(["id"]).named("ix_tags_id").unique(),
                concurrently: false,
            },
            Operation::AlterColumn(AlterColumn {
                nullable: Some(Change::new(true, false)),
                ..alter("draft")
            }),
            Operation::RenameColumn {
                table: "posts".into(),
                from: "draft".into(),
                to: "body".into(),
            },
            Operation::DropColumn {
                table: "posts".into(),
                column: "body".into(),
            },
            Operation::DropTable {
                table: "tags".into(),
            },
            // An enum the branch creates, then changes.
            Operation::CreateEnum {
                ty: EnumType {
                    name: "mood".into(),
                    schema: None,
                    values: vec!["ok".into(), "meh".into()],
                },
            },
            Operation::AlterEnum {
                name: "mood".into(),
                from: vec!["ok".into(), "meh".into()],
                to: vec!["ok".into()],
            },
            // A column the branch adds to a table it then renames.
            Operation::AddColumn {
                table: "posts".into(),
                column: Column::new("extra", T::Integer).nullable(),
            },
            Operation::RenameTable {
                table: "posts".into(),
                to: "articles".into(),
            },
            Operation::DropColumn {
                table: "articles".into(),
                column: "extra".into(),
            },
        ];
        for op in &ops {
            // (The rename itself is a lint of its own: AL501.)
            if matches!(op, Operation::RenameTable { .. }) {
                fresh.note(op);
                op.apply(&mut state).unwrap();
                continue;
            }
            let hits = check(op, &state, &fresh, Dialect::Postgres);
            assert!(hits.is_empty(), "{op}: {hits:?}");
            fresh.note(op);
            op.apply(&mut state).unwrap();
        }
    }

    fn dec(p: u32, s: u32) -> ColumnType {
        T::Decimal {
            precision: Some(p),
            scale: Some(s),
        }
    }

    #[test]
    fn widening_and_narrowing() {
        for (from, to) in [
            (T::SmallInt, T::BigInt),
            (T::Integer, T::BigInt),
            (T::Integer, dec(12, 2)),
            (T::Varchar(20), T::Varchar(40)),
            (T::Varchar(20), T::Text),
            (T::Char(2), T::Varchar(2)),
            (T::Real, T::Double),
            (dec(10, 2), dec(12, 3)),
            (T::Timestamp, T::TimestampTz),
            (T::Uuid, T::Text),
        ] {
            assert!(widens(&from, &to), "{from:?} -> {to:?}");
        }
        for (from, to) in [
            (T::BigInt, T::Integer),
            (T::Integer, dec(8, 2)),
            (T::Varchar(40), T::Varchar(20)),
            (T::Text, T::Varchar(255)),
            (T::Double, T::Real),
            (T::Double, T::Integer),
            (dec(12, 3), dec(12, 2)),
            (T::Text, T::Integer),
            (T::Bytes, T::Text),
            (T::BigInt, T::Double),
        ] {
            assert!(!widens(&from, &to), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn postgres_rewrites_unless_binary_coercible() {
        assert!(!pg_rewrites(&T::Varchar(20), &T::Varchar(40)));
        assert!(!pg_rewrites(&T::Varchar(20), &T::Text));
        assert!(!pg_rewrites(&dec(10, 2), &dec(14, 2)));
        assert!(pg_rewrites(&T::Integer, &T::BigInt));
        assert!(pg_rewrites(&T::Varchar(40), &T::Varchar(20)));
        assert!(pg_rewrites(&T::Text, &T::Varchar(20)));
        assert!(pg_rewrites(&dec(10, 2), &dec(10, 3)));
        assert!(pg_rewrites(&T::Timestamp, &T::TimestampTz));
    }

    #[test]
    fn volatile_defaults() {
        assert!(volatile("gen_random_uuid()"));
        assert!(volatile("(random() * 10)::int"));
        assert!(volatile("nextval('s'::regclass)"));
        assert!(!volatile("now()"));
        assert!(!volatile("CURRENT_TIMESTAMP"));
        assert!(!volatile("0"));
    }
}
