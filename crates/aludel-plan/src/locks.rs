//! How many relation locks a revision takes on PostgreSQL, counted before it runs.
//!
//! A transaction keeps every lock it takes until it ends, and PostgreSQL's shared lock
//! table holds `max_locks_per_transaction × (max_connections + max_prepared_transactions)`
//! of them for the whole server. A revision that creates thousands of tables (the first
//! revision of a large schema, a baseline) needs more and fails half-way with "out of
//! shared memory"; counted first, it is refused before it starts, with the numbers.

use std::collections::HashSet;

use aludel_schema::{ColumnType, Operation, Schema, Table, TableName};

/// The relations a run of `ops` from `before` locks: each table it creates, changes or
/// drops, with its indexes, sequences and TOAST table and index, and each table a new
/// foreign key references. An estimate from the operations alone; a change that rewrites
/// a table (a type change, a dropped column) counts every relation of it.
pub fn estimate(ops: &[Operation], before: &Schema) -> usize {
    let mut locked: HashSet<String> = HashSet::new();
    let existing = |t: &TableName| before.tables.by_name(t);
    for op in ops {
        match op {
            Operation::CreateTable { table } => table_relations(table, &mut locked),
            Operation::DropTable { table } | Operation::DropColumn { table, .. } => {
                whole_table(table, existing(table), &mut locked)
            }
            Operation::AlterColumn(a) if a.ty.is_some() => {
                whole_table(&a.table, existing(&a.table), &mut locked)
            }
            Operation::CreateIndex { table, index, .. } => {
                locked.insert(format!("t {table}"));
                locked.insert(format!(
                    "new index {table} {:?} {:?}",
                    index.name, index.columns
                ));
            }
            Operation::AddUnique { table, unique } => {
                locked.insert(format!("t {table}"));
                locked.insert(format!("new unique {table} {:?}", unique.columns));
            }
            Operation::AddPrimaryKey { table, .. } => {
                locked.insert(format!("t {table}"));
                locked.insert(format!("pk {table}"));
            }
            Operation::AddColumn { table, column } => {
                locked.insert(format!("t {table}"));
                if column.auto_increment {
                    locked.insert(format!("seq {table} {}", column.name));
                }
                if out_of_line(&column.ty) {
                    locked.insert(format!("toast {table}"));
                    locked.insert(format!("toast index {table}"));
                }
            }
            Operation::AddForeignKey {
                table, foreign_key, ..
            } => {
                locked.insert(format!("t {table}"));
                locked.insert(format!("t {}", foreign_key.ref_table));
            }
            other => {
                if let Some(t) = other.table() {
                    locked.insert(format!("t {t}"));
                }
            }
        }
    }
    locked.len()
}

/// A table that exists: all its relations; unknown to the schema: the table itself.
fn whole_table(name: &TableName, table: Option<&Table>, locked: &mut HashSet<String>) {
    match table {
        Some(t) => table_relations(t, locked),
        None => {
            locked.insert(format!("t {name}"));
        }
    }
}

/// A table, its key, unique and plain indexes, its sequences, its TOAST table and index
/// when a row may be stored out of line, and the tables its foreign keys reference.
fn table_relations(t: &Table, locked: &mut HashSet<String>) {
    let name = TableName::qualified(t.schema.clone(), t.name.clone());
    locked.insert(format!("t {name}"));
    if t.primary_key.is_some() {
        locked.insert(format!("pk {name}"));
    }
    for (i, _) in t.uniques.iter().enumerate() {
        locked.insert(format!("u {name} {i}"));
    }
    for (i, _) in t.indexes.iter().enumerate() {
        locked.insert(format!("ix {name} {i}"));
    }
    for c in t.columns.iter().filter(|c| c.auto_increment) {
        locked.insert(format!("seq {name} {}", c.name));
    }
    if has_toast(t) {
        locked.insert(format!("toast {name}"));
        locked.insert(format!("toast index {name}"));
    }
    for fk in &t.foreign_keys {
        locked.insert(format!("t {}", fk.ref_table));
    }
}

/// Whether PostgreSQL gives the table a TOAST table: some column's values have no bound
/// on their size, or the widest row can pass TOAST's threshold (about 2 kB).
fn has_toast(t: &Table) -> bool {
    const TOAST_TUPLE_THRESHOLD: usize = 2032;
    let mut widest = 0;
    for c in &t.columns {
        match max_width(&c.ty) {
            Some(w) => widest += w,
            None => return true,
        }
    }
    widest > TOAST_TUPLE_THRESHOLD
}

/// Whether a column of the type alone can make a row need TOAST (no bound on its size).
fn out_of_line(ty: &ColumnType) -> bool {
    max_width(ty).is_none()
}

/// The most bytes a value of the type takes in a row; `None` when it has no bound (text,
/// bytes, JSON, a numeric without precision, what aludel cannot see into).
fn max_width(ty: &ColumnType) -> Option<usize> {
    Some(match ty {
        ColumnType::Boolean => 1,
        ColumnType::SmallInt => 2,
        ColumnType::Integer | ColumnType::Real | ColumnType::Date | ColumnType::Enum { .. } => 4,
        ColumnType::BigInt
        | ColumnType::Double
        | ColumnType::Time
        | ColumnType::Timestamp
        | ColumnType::TimestampTz => 8,
        ColumnType::Uuid => 16,
        // Four bytes a character at most (UTF-8), and the length word.
        ColumnType::Varchar(n) | ColumnType::Char(n) => 4 + 4 * *n as usize,
        ColumnType::Decimal {
            precision: Some(p), ..
        } => 8 + 2 * (*p as usize).div_ceil(4),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use aludel_schema::{Column, ColumnType as T, ForeignKey, Index, Table};

    use super::*;

    fn create(t: Table) -> Operation {
        Operation::CreateTable { table: t }
    }

    #[test]
    fn a_created_table_locks_itself_its_indexes_sequence_toast_and_referenced_tables() {
        let users = Table::new("users")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(Column::new("name", T::Text))
            .primary_key(["id"]);
        let posts = Table::new("posts")
            .column(Column::new("id", T::Integer))
            .column(Column::new("owner", T::BigInt))
            .primary_key(["id"])
            .index(Index::new(["owner"]))
            .foreign_key(ForeignKey::new(["owner"], "users", ["id"]));
        // users: table, key, sequence, TOAST table and index; posts: table, key, index
        // (users is locked once).
        assert_eq!(
            estimate(&[create(users), create(posts)], &Schema::default()),
            8
        );
    }

    #[test]
    fn a_table_of_unbounded_or_wide_rows_has_toast() {
        let t = |ty| Table::new("t").column(Column::new("a", ty));
        assert!(has_toast(&t(T::Text)));
        assert!(has_toast(&t(T::Varchar(1000))));
        assert!(!has_toast(&t(T::Varchar(100))));
        assert!(!has_toast(&t(T::BigInt)));
    }

    #[test]
    fn changes_to_one_table_lock_it_once() {
        let ops = [
            Operation::AddColumn {
                table: "t".into(),
                column: Column::new("a", T::Integer),
            },
            Operation::DropColumn {
                table: "t".into(),
                column: "b".into(),
            },
        ];
        assert_eq!(estimate(&ops, &Schema::default()), 1);
    }

    #[test]
    fn thousands_of_tables_need_thousands_of_locks() {
        let ops: Vec<Operation> = (0..5000)
            .map(|i| {
                create(
                    Table::new(format!("t{i}"))
                        .column(Column::new("id", T::Integer).auto_increment())
                        .column(Column::new("v", T::Varchar(20)))
                        .primary_key(["id"]),
                )
            })
            .collect();
        // A bounded varchar: no TOAST table.
        assert_eq!(estimate(&ops, &Schema::default()), 15_000);
    }
}
