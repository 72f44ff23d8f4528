//! Foreign-key order: create a referenced table before the tables that reference it,
//! drop it after them, and break cycles with separate foreign-key operations.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use aludel_schema::{Operation, Schema, Table, TableName};

/// Sorts `tables` so that each comes after the tables its foreign keys reference. A
/// foreign key that would close a cycle is taken out of its `CreateTable` and returned
/// as an `AddForeignKey` to run once all the tables exist.
pub(crate) fn creation_order(tables: Vec<Table>) -> (Vec<Table>, Vec<Operation>) {
    // Kahn's algorithm: the ready table that comes first by name goes next, so the order
    // is the same whatever order the tables came in. Linear in the tables and keys, up
    // to the logarithm of the ordered sets.
    let mut pending: BTreeMap<TableName, Table> =
        tables.into_iter().map(|t| (t.table_name(), t)).collect();
    let mut waits: HashMap<TableName, usize> = HashMap::with_capacity(pending.len());
    let mut dependents: HashMap<TableName, Vec<TableName>> = HashMap::new();
    for (name, t) in &pending {
        let refs: BTreeSet<&TableName> = t
            .foreign_keys
            .iter()
            .map(|f| &f.ref_table)
            .filter(|r| *r != name && pending.contains_key(*r))
            .collect();
        waits.insert(name.clone(), refs.len());
        for r in refs {
            dependents.entry(r.clone()).or_default().push(name.clone());
        }
    }
    let mut ready: BTreeSet<TableName> = waits
        .iter()
        .filter(|(_, w)| **w == 0)
        .map(|(n, _)| n.clone())
        .collect();
    let mut ordered = Vec::with_capacity(pending.len());
    let mut deferred = Vec::new();
    while !pending.is_empty() {
        let name =
            match ready.pop_first() {
                Some(n) => n,
                None => {
                    // A cycle: create the first table without its foreign keys into the cycle.
                    let name = pending
                        .keys()
                        .next()
                        .cloned()
                        .expect("pending is not empty");
                    let waiting: HashSet<TableName> = pending.keys().cloned().collect();
                    let t = pending.get_mut(&name).expect("present");
                    let (later, now): (Vec<_>, Vec<_>) = t
                        .foreign_keys
                        .drain(..)
                        .partition(|f| f.ref_table != name && waiting.contains(&f.ref_table));
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
        for d in dependents.get(&name).into_iter().flatten() {
            if let Some(w) = waits.get_mut(d)
                && *w > 0
            {
                *w -= 1;
                if *w == 0 && pending.contains_key(d) {
                    ready.insert(d.clone());
                }
            }
        }
        ordered.push(t);
    }
    (ordered, deferred)
}

/// Orders the drops of `tables` (names in `current`) so that a table is dropped before
/// the tables it references. Foreign keys that make a cycle among them are dropped first.
pub(crate) fn drop_order(tables: Vec<TableName>, current: &Schema) -> Vec<Operation> {
    let by_name: HashMap<TableName, &Table> =
        current.tables.iter().map(|t| (t.table_name(), t)).collect();
    let defs: Vec<Table> = tables
        .iter()
        .filter_map(|n| by_name.get(n).map(|t| (*t).clone()))
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
