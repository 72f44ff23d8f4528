//! SQLite's `ALTER TABLE` adds, drops and renames columns, and little else. Every other
//! change rebuilds the table the way SQLite's documentation prescribes: create the new
//! table, copy the rows, drop the old table, rename the new one, recreate the indexes.
//! The runner turns foreign-key enforcement off around the revision (so that dropping the
//! old table cascades nowhere) and runs `PRAGMA foreign_key_check` before it commits.

use aludel_schema::{
    AlterColumn, Column, Dialect, Operation, Schema, Table, TableName, Unique, is_literal_default,
};

use super::{
    Cx, Ddl, EnumChange, check_clause, create_index, create_table, sqlite_rowid_alias, state_err,
    table_in, unique_index,
};
use crate::{Error, Result};
use aludel_schema::{quote_ident, quote_list};

const D: Dialect = Dialect::Sqlite;

pub(super) struct Sqlite;

impl Ddl for Sqlite {
    fn dialect(&self) -> Dialect {
        D
    }

    fn rebuild(&self, op: &Operation, before: &Schema) -> Option<Result<Vec<String>>> {
        let table = op.table().filter(|_| needs_rebuild(op, before))?;
        Some(rebuild_for(op, before, &table))
    }

    fn rebuild_run(&self, ops: &[Operation], before: &Schema) -> usize {
        rebuild_run(ops, before)
    }

    fn rebuild_table(&self, old: &Table, new: &Table) -> Result<Vec<String>> {
        rebuild(old, new)
    }

    fn key_on_column(&self, t: &Table) -> bool {
        t.columns.iter().any(|c| sqlite_rowid_alias(c, t))
    }

    fn uniques_as_indexes(&self) -> bool {
        true
    }

    fn column_type(&self, col: &Column, t: &Table) -> String {
        if sqlite_rowid_alias(col, t) {
            return "INTEGER".into();
        }
        let ty = col.ty.sql(D);
        let lone_pk = t
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == col.name);
        // A lone INTEGER primary key would become the rowid and number rows by itself;
        // INT keeps the same storage without that.
        if lone_pk && ty == "INTEGER" {
            return "INT".into();
        }
        ty
    }

    fn auto_increment(&self, col: &Column, t: &Table) -> Result<&'static str> {
        if sqlite_rowid_alias(col, t) {
            return Ok("PRIMARY KEY AUTOINCREMENT");
        }
        Err(Error::Unsupported {
            dialect: D,
            what: format!(
                "auto-increment column {}.{} that is not the table's single-column primary key",
                t.name, col.name
            ),
        })
    }

    /// SQLite has no enum type: the column's own CHECK holds it to its values, so that
    /// ADD COLUMN and table rebuilds carry it along.
    fn column_suffix(&self, col: &Column, t: &Table) -> Vec<String> {
        aludel_schema::enum_check(col)
            .filter(|check| !t.checks.iter().any(|k| k.name == check.name))
            .map(|check| check_clause(&check, D))
            .into_iter()
            .collect()
    }

    /// Only comment changes get here (everything else is a rebuild): SQLite keeps no
    /// comments, so there is nothing to do.
    fn alter_column(&self, _a: &AlterColumn, _new: &Column, _t: &Table) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn add_unique(&self, table: &TableName, unique: &Unique) -> Result<Vec<String>> {
        Ok(vec![create_index(table, &unique_index(unique), false, D)?])
    }

    fn drop_unique(&self, cx: &Cx, table: &TableName, name: &str) -> Result<Vec<String>> {
        self.drop_index(cx, table, name, false)
    }

    /// The tables of the enum's columns are rebuilt with the new values in their checks.
    fn alter_enum(&self, cx: &Cx, change: &EnumChange, after: &Schema) -> Result<Vec<String>> {
        let mut tables: Vec<&Table> = change.users.iter().map(|(t, _)| *t).collect();
        tables.dedup_by_key(|t| t.table_name());
        let mut out = Vec::new();
        for t in tables {
            let new_t = table_in(cx.op, after, &t.table_name())?;
            out.extend(rebuild(t, new_t)?);
        }
        Ok(out)
    }
}

/// The rebuild that performs `op` on `table`. An operation on one table is simulated on
/// a copy of that table alone.
fn rebuild_for(op: &Operation, before: &Schema, table: &TableName) -> Result<Vec<String>> {
    let old = table_in(op, before, table)?;
    let mut after = match op.local_table() {
        Some(_) => Schema {
            tables: vec![old.clone()].into(),
            enums: before.enums.clone(),
        },
        None => before.clone(),
    };
    op.apply(&mut after).map_err(|e| state_err(op, e))?;
    let new = table_in(op, &after, table)?;
    rebuild(old, new)
}

/// How many operations from the start of `ops` one rebuild can perform: the run of
/// consecutive changes to one table, when one of them needs a rebuild. Creating,
/// dropping and renaming are never part of a run (a rebuild copies columns by name).
fn rebuild_run(ops: &[Operation], before: &Schema) -> usize {
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
fn needs_rebuild(op: &Operation, before: &Schema) -> bool {
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
/// The name a rebuild gives the new table until the old one is gone.
const REBUILD_PREFIX: &str = "_aludel_tmp_";

/// The table a statement starts to rebuild: `Some` for the first statement of a rebuild
/// (the new table's `CREATE TABLE`), so that the runner can look, at that moment, at what
/// the copy would lose.
pub fn rebuild_of(sql: &str) -> Option<String> {
    let rest = sql.strip_prefix("CREATE TABLE \"")?;
    let mut name = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() != Some(&'"') {
                return name.strip_prefix(REBUILD_PREFIX).map(str::to_string);
            }
            chars.next();
        }
        name.push(c);
    }
    None
}

fn rebuild(old: &Table, new: &Table) -> Result<Vec<String>> {
    let tmp_name = format!("{REBUILD_PREFIX}{}", new.name);
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
