//! Foreign-key order: create a referenced table before the tables that reference it,
//! drop it after them, and break cycles with separate foreign-key operations.

use std::collections::{BTreeSet, HashMap};

use aludel_schema::{Operation, Schema, Table, TableName};

/// Sorts `tables` so that each comes after the tables its foreign keys reference. A
/// foreign key that would close a cycle is taken out of its `CreateTable` and returned
/// as an `AddForeignKey` to run once all the tables exist.
pub(crate) fn creation_order(tables: Vec<Table>) -> (Vec<Table>, Vec<Operation>) {
    // Kahn's algorithm over positions: the ready table that comes first by name goes
    // next, so the order is the same whatever order the tables came in. Linear in the
    // tables and keys up to the sort by name; no table is moved or name copied until
    // the order is known.
    let n = tables.len();
    let mut by_rank: Vec<usize> = (0..n).collect();
    by_rank.sort_unstable_by(|&a, &b| tables[a].key().cmp(&tables[b].key()));
    let mut rank = vec![0; n];
    for (r, &i) in by_rank.iter().enumerate() {
        rank[i] = r;
    }
    let position: HashMap<(Option<&str>, &str), usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key(), i))
        .collect();
    let fk_target = |f: &aludel_schema::ForeignKey| position.get(&f.ref_table.key()).copied();
    let mut waits = vec![0usize; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in tables.iter().enumerate() {
        let mut refs: Vec<usize> = t
            .foreign_keys
            .iter()
            .filter_map(fk_target)
            .filter(|&r| r != i)
            .collect();
        refs.sort_unstable();
        refs.dedup();
        waits[i] = refs.len();
        for r in refs {
            dependents[r].push(i);
        }
    }
    // Ready tables by rank (smallest first).
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waits[i] == 0).map(|i| rank[i]).collect();
    let mut done = vec![false; n];
    // The pending table of the smallest rank, for breaking a cycle.
    let mut first_pending = 0;
    let mut order = Vec::with_capacity(n);
    // (table, foreign keys taken out of it) for the tables that close a cycle.
    let mut cut: Vec<(usize, Vec<usize>)> = Vec::new();
    while order.len() < n {
        let i = match ready.pop_first() {
            Some(r) => by_rank[r],
            None => {
                // A cycle: create the first pending table without its foreign keys to
                // tables still pending.
                while done[by_rank[first_pending]] {
                    first_pending += 1;
                }
                let i = by_rank[first_pending];
                let later: Vec<usize> = tables[i]
                    .foreign_keys
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| fk_target(f).is_some_and(|r| r != i && !done[r]))
                    .map(|(k, _)| k)
                    .collect();
                cut.push((i, later));
                i
            }
        };
        done[i] = true;
        for &d in &dependents[i] {
            if waits[d] > 0 {
                waits[d] -= 1;
                if waits[d] == 0 && !done[d] {
                    ready.insert(rank[d]);
                }
            }
        }
        order.push(i);
    }
    drop(position);
    let mut slots: Vec<Option<Table>> = tables.into_iter().map(Some).collect();
    let mut deferred = Vec::new();
    for (i, later) in cut {
        let Some(t) = slots[i].as_mut() else {
            continue;
        };
        let fks = std::mem::take(&mut t.foreign_keys);
        let table = t.table_name();
        for (k, foreign_key) in fks.into_iter().enumerate() {
            if later.contains(&k) {
                deferred.push(Operation::AddForeignKey {
                    table: table.clone(),
                    foreign_key,
                    not_valid: false,
                });
            } else {
                t.foreign_keys.push(foreign_key);
            }
        }
    }
    let ordered = order.into_iter().filter_map(|i| slots[i].take()).collect();
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
