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
/// foreign key references. An estimate from the operations alone: it errs high rather
/// than low for tables whose storage it cannot see.
pub fn estimate(ops: &[Operation], before: &Schema) -> usize {
    let mut locked: HashSet<String> = HashSet::new();
    for op in ops {
        match op {
            Operation::CreateTable { table } => table_relations(table, &mut locked),
            Operation::DropTable { table } => match before.tables.by_name(table) {
                Some(t) => table_relations(t, &mut locked),
                None => {
                    locked.insert(format!("t {table}"));
                }
            },
            Operation::CreateIndex { table, index, .. } => {
                locked.insert(format!("t {table}"));
                locked.insert(format!("i {table} {:?} {:?}", index.name, index.columns));
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

/// A table, its key, unique and plain indexes, its sequences, its TOAST table and index
/// when a column may be stored out of line, and the tables its foreign keys reference.
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
    if t.columns.iter().any(|c| out_of_line(&c.ty)) {
        locked.insert(format!("toast {name}"));
        locked.insert(format!("toast index {name}"));
    }
    for fk in &t.foreign_keys {
        locked.insert(format!("t {}", fk.ref_table));
    }
}

/// Whether PostgreSQL may store a value of the type out of line (it then gives the table
/// a TOAST table): every variable-length type, and what aludel cannot see into.
fn out_of_line(ty: &ColumnType) -> bool {
    !matches!(
        ty,
        ColumnType::Boolean
            | ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Timestamp
            | ColumnType::TimestampTz
            | ColumnType::Uuid
            | ColumnType::Enum { .. }
    )
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
        assert_eq!(estimate(&ops, &Schema::default()), 25_000);
    }
}
