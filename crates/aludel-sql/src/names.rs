//! Names an operation creates, refused when the dialect cannot keep them as given.
//!
//! PostgreSQL cuts a name over 63 bytes without an error; the object would then never
//! be found by its model's name (every later `check` reports it, and autogenerate would
//! drop it). So every name an operation creates is checked before any statement is
//! written.

use aludel_schema::{Dialect, Operation};

use crate::{Error, Result};

/// The names `op` brings into the database, with what each names.
fn created_names(op: &Operation) -> Vec<(&'static str, &str)> {
    use Operation as O;
    let mut out = Vec::new();
    match op {
        O::CreateTable { table: t } => {
            out.push(("table", t.name.as_str()));
            out.extend(t.columns.iter().map(|c| ("column", c.name.as_str())));
            out.extend(
                t.primary_key
                    .iter()
                    .filter_map(|p| p.name.as_deref())
                    .map(|n| ("primary key", n)),
            );
            out.extend(
                t.uniques
                    .iter()
                    .filter_map(|u| u.name.as_deref())
                    .map(|n| ("unique constraint", n)),
            );
            out.extend(
                t.indexes
                    .iter()
                    .filter_map(|i| i.name.as_deref())
                    .map(|n| ("index", n)),
            );
            out.extend(
                t.foreign_keys
                    .iter()
                    .filter_map(|f| f.name.as_deref())
                    .map(|n| ("foreign key", n)),
            );
            out.extend(
                t.checks
                    .iter()
                    .filter_map(|c| c.name.as_deref())
                    .map(|n| ("check constraint", n)),
            );
        }
        O::RenameTable { to, .. } => out.push(("table", to.as_str())),
        O::AddColumn { column, .. } => out.push(("column", column.name.as_str())),
        O::RenameColumn { to, .. } => out.push(("column", to.as_str())),
        O::CreateIndex { index, .. } => out.extend(index.name.as_deref().map(|n| ("index", n))),
        O::AddUnique { unique, .. } => {
            out.extend(unique.name.as_deref().map(|n| ("unique constraint", n)))
        }
        O::AddPrimaryKey { primary_key, .. } => {
            out.extend(primary_key.name.as_deref().map(|n| ("primary key", n)))
        }
        O::AddForeignKey { foreign_key, .. } => {
            out.extend(foreign_key.name.as_deref().map(|n| ("foreign key", n)))
        }
        O::AddCheck { check, .. } => {
            out.extend(check.name.as_deref().map(|n| ("check constraint", n)))
        }
        O::CreateEnum { ty } => out.push(("enum type", ty.name.as_str())),
        _ => {}
    }
    out
}

/// Refuses `op` when a name it creates is one `dialect` cannot keep.
pub(crate) fn check(op: &Operation, dialect: Dialect) -> Result<()> {
    for (what, name) in created_names(op) {
        if what == "enum type" && dialect != Dialect::Postgres {
            // Only PostgreSQL makes a type of that name.
            continue;
        }
        if let Some(problem) = dialect.identifier_problem(name) {
            return Err(Error::InvalidName {
                dialect,
                what,
                name: name.to_string(),
                problem,
            });
        }
    }
    Ok(())
}
