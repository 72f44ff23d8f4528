//! SQLite's `ALTER TABLE` adds, drops and renames columns, and little else. Every other
//! change rebuilds the table the way SQLite's documentation prescribes: create the new
//! table, copy the rows, drop the old table, rename the new one, recreate the indexes.
//! The runner turns foreign-key enforcement off around the revision (so that dropping the
//! old table cascades nowhere) and runs `PRAGMA foreign_key_check` before it commits.

use aludel_schema::{Column, Dialect, Operation, Schema, Table, is_literal_default};

use crate::Result;
use crate::ddl::create_table;
use aludel_schema::{quote_ident, quote_list};

const D: Dialect = Dialect::Sqlite;

/// How many operations from the start of `ops` one rebuild can perform: the run of
/// consecutive changes to one table, when one of them needs a rebuild. Creating,
/// dropping and renaming are never part of a run (a rebuild copies columns by name).
pub(crate) fn rebuild_run(ops: &[Operation], before: &Schema) -> usize {
    let Some(table) = ops.first().and_then(Operation::local_table) else {
        return 0;
    };
    // The run touches one table: simulate it on that table alone.
    let mut state = Schema {
        tables: before.table(table).cloned().into_iter().collect(),
        enums: before.enums.clone(),
    };
    let mut len = 0;
    let mut rebuilds = false;
    for op in ops {
        if op.local_table() != Some(table) {
            break;
        }
        rebuilds |= needs_rebuild(op, &state);
        if op.apply(&mut state).is_err() {
            break;
        }
        len += 1;
    }
    if rebuilds { len } else { 0 }
}

/// Whether SQLite needs a table rebuild to perform `op`.
pub(crate) fn needs_rebuild(op: &Operation, before: &Schema) -> bool {
    use Operation as O;
    match op {
        O::AddColumn { column, .. } => !can_add_column(column),
        O::DropColumn { table, column } => before.table(table).is_some_and(|t| {
            t.is_primary_key_column(column)
                || t.foreign_keys.iter().any(|f| f.columns.contains(column))
                || t.uniques.iter().any(|u| u.columns.contains(column))
                || t.indexes.iter().any(|i| i.columns.contains(column))
                || t.checks.iter().any(|c| c.expr.contains(column.as_str()))
        }),
        O::AlterColumn(a) => {
            a.ty.is_some()
                || a.nullable.is_some()
                || a.default.is_some()
                || a.auto_increment.is_some()
        }
        O::DropIndex { name, .. } | O::DropUnique { name, .. } => {
            name.starts_with("sqlite_autoindex_")
        }
        O::AddPrimaryKey { .. }
        | O::DropPrimaryKey { .. }
        | O::AddForeignKey { .. }
        | O::DropForeignKey { .. }
        | O::AddCheck { .. }
        | O::DropCheck { .. } => true,
        _ => false,
    }
}

/// `ALTER TABLE ADD COLUMN` refuses a NOT NULL column without a default, a non-constant
/// default and a primary key column.
fn can_add_column(c: &Column) -> bool {
    if c.auto_increment {
        return false;
    }
    match &c.default {
        None => c.nullable,
        Some(d) => {
            let lower = d.trim().to_ascii_lowercase();
            is_literal_default(d)
                && !matches!(
                    lower.as_str(),
                    "current_timestamp" | "current_date" | "current_time"
                )
        }
    }
}

/// The statements that turn table `old` into `new` by copying its rows.
pub(crate) fn rebuild(old: &Table, new: &Table) -> Result<Vec<String>> {
    let tmp_name = format!("_aludel_tmp_{}", new.name);
    let mut tmp = new.clone();
    tmp.name = tmp_name.clone();
    let create = create_table(&tmp, D)?.remove(0);
    let copied: Vec<String> = new
        .columns
        .iter()
        .filter(|c| old.get_column(&c.name).is_some())
        .map(|c| c.name.clone())
        .collect();
    let old_q = quote_ident(D, &old.name);
    let tmp_q = quote_ident(D, &tmp_name);
    let mut out = vec![create];
    if !copied.is_empty() {
        let cols = quote_list(D, &copied);
        out.push(format!(
            "INSERT INTO {tmp_q} ({cols}) SELECT {cols} FROM {old_q}"
        ));
    }
    out.push(format!("DROP TABLE {old_q}"));
    // Renaming must not rewrite references in other tables, views or triggers: they
    // name the old table, which is what the new one becomes.
    out.push("PRAGMA legacy_alter_table = ON".into());
    out.push(format!(
        "ALTER TABLE {tmp_q} RENAME TO {}",
        quote_ident(D, &new.name)
    ));
    out.push("PRAGMA legacy_alter_table = OFF".into());
    let mut rest = create_table(new, D)?;
    rest.remove(0);
    out.extend(rest);
    Ok(out)
}
