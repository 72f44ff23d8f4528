//! Foreign-key order: create a referenced table before the tables that reference it,
//! drop it after them, and break cycles with separate foreign-key operations.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aludel_schema::{Operation, Schema, Table, TableName};

/// Sorts `tables` so that each comes after the tables its foreign keys reference. A
/// foreign key that would close a cycle is taken out of its `CreateTable` and returned
/// as an `AddForeignKey` to run once all the tables exist.
pub(crate) fn creation_order(tables: Vec<Table>) -> (Vec<Table>, Vec<Operation>) {
    let mut pending: BTreeMap<TableName, Table> =
        tables.into_iter().map(|t| (t.table_name(), t)).collect();
    let mut ordered = Vec::with_capacity(pending.len());
    let mut deferred = Vec::new();
    let mut created: HashSet<TableName> = HashSet::new();
    while !pending.is_empty() {
        let names: BTreeSet<TableName> = pending.keys().cloned().collect();
        // The first table (by name) whose references are all satisfied.
        let ready = pending
            .iter()
            .find(|(name, t)| {
                t.foreign_keys
                    .iter()
                    .all(|f| f.ref_table == **name || !names.contains(&f.ref_table))
            })
            .map(|(n, _)| n.clone());
        let name =
            match ready {
                Some(n) => n,
                None => {
                    // A cycle: create the first table without its foreign keys into the cycle.
                    let name = pending
                        .keys()
                        .next()
                        .cloned()
                        .expect("pending is not empty");
                    let t = pending.get_mut(&name).expect("present");
                    let (later, now): (Vec<_>, Vec<_>) = t
                        .foreign_keys
                        .drain(..)
                        .partition(|f| f.ref_table != name && names.contains(&f.ref_table));
                    t.foreign_keys = now;
                    deferred.extend(later.into_iter().map(|foreign_key| {
                        Operation::AddForeignKey {
                            table: name.clone(),
                            foreign_key,
                            not_valid: false,
                        }
                    }));
                    name
                }
            };
        let t = pending.remove(&name).expect("present");
        created.insert(name);
        ordered.push(t);
    }
    (ordered, deferred)
}

/// Orders the drops of `tables` (names in `current`) so that a table is dropped before
/// the tables it references. Foreign keys that make a cycle among them are dropped first.
pub(crate) fn drop_order(tables: Vec<TableName>, current: &Schema) -> Vec<Operation> {
    let defs: Vec<Table> = tables
        .iter()
        .filter_map(|n| current.table(n).cloned())
        .collect();
    let (created, cycle_fks) = creation_order(defs);
    let mut ops: Vec<Operation> = cycle_fks
        .into_iter()
        .map(|op| match op {
            Operation::AddForeignKey {
                table, foreign_key, ..
            } => Operation::DropForeignKey {
                table,
                name: foreign_key.name.unwrap_or_default(),
            },
            other => other,
        })
        .collect();
    ops.extend(created.into_iter().rev().map(|t| Operation::DropTable {
        table: t.table_name(),
    }));
    ops
}
