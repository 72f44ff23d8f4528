//! The SQL renderer: operations to DDL statements for one dialect.
//!
//! [`render`] takes an operation and the schema it applies to (the replayed state), so
//! that it can write what an operation alone does not say: MySQL's `MODIFY COLUMN` needs
//! the whole column, and a SQLite change that `ALTER TABLE` cannot make becomes a table
//! rebuild that needs the whole table. Statements are built with sea-query where it
//! covers them; what it does not cover (column alterations, comments, enum types, the
//! SQLite rebuild) is written here with the same quoting.
//!
//! Architecture invariant: pure functions, no database, filesystem or async runtime; an
//! operation the dialect cannot express is an [`Error`], never a panic.

mod ddl;
mod names;

use aludel_schema::{Dialect, Operation, Schema};

pub use aludel_schema::{quote_ident, quote_literal};
pub use ddl::sqlite_rebuild_of;

/// Errors of the renderer.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    #[error("{dialect} cannot {what}")]
    Unsupported { dialect: Dialect, what: String },
    #[error("cannot render `{op}`: {source}")]
    State {
        op: String,
        #[source]
        source: aludel_schema::Error,
    },
    #[error("{dialect} cannot name a {what} {name:?}: the name {problem}")]
    InvalidName {
        dialect: Dialect,
        what: &'static str,
        name: String,
        problem: String,
    },
    #[error("internal error while rendering `{op}`: {message}")]
    Internal { op: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The statements that perform `op` on `dialect`, given `before`, the schema `op`
/// applies to.
pub fn render(op: &Operation, before: &Schema, dialect: Dialect) -> Result<Vec<String>> {
    names::check(op, dialect)?;
    render_checked(op, before, dialect)
}

/// [`render`] of an operation whose names were checked already.
fn render_checked(op: &Operation, before: &Schema, dialect: Dialect) -> Result<Vec<String>> {
    // sea-query panics on some inputs; aludel never feeds it those, and a bug that did
    // must still reach the user as an error, not a crash.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ddl::render(op, before, dialect)
    }));
    match result {
        Ok(r) => r,
        Err(panic) => Err(Error::Internal {
            op: op.to_string(),
            message: panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "sea-query panicked".into()),
        }),
    }
}

/// From this many consecutive table creations on, [`render_all`] renders them on every
/// core.
const PARALLEL_MIN: usize = 64;

/// Renders `ops` in order, starting from `start`; returns the statements and the schema
/// after the last operation.
pub fn render_all(
    ops: &[Operation],
    start: &Schema,
    dialect: Dialect,
) -> Result<(Vec<String>, Schema)> {
    // Every name is checked before anything is written.
    for op in ops {
        names::check(op, dialect)?;
    }
    let mut state = start.clone();
    let mut out = Vec::new();
    let apply = |op: &Operation, state: &mut Schema| {
        op.apply(state).map_err(|source| Error::State {
            op: op.to_string(),
            source,
        })
    };
    let mut failed = None;
    let mut i = 0;
    while i < ops.len() {
        let creates = ops[i..]
            .iter()
            .take_while(|op| matches!(op, Operation::CreateTable { .. }))
            .count();
        if creates >= PARALLEL_MIN {
            // `CREATE TABLE` needs nothing of the state: a run of them (a first revision)
            // renders on the other cores while this thread adds the tables to the state.
            // Errors are then reported as rendering one after another would: the first
            // operation that fails to render or to apply.
            use rayon::prelude::*;
            let run = &ops[i..i + creates];
            let empty = Schema::new();
            let (rendered, applied) = rayon::join(
                || {
                    run.par_iter()
                        .map(|op| render_checked(op, &empty, dialect))
                        .collect::<Vec<_>>()
                },
                || {
                    run.iter()
                        .position(|op| apply(op, &mut state).map_err(|e| failed = Some(e)).is_err())
                },
            );
            for (k, sql) in rendered.into_iter().enumerate() {
                out.extend(sql?);
                if applied == Some(k) {
                    return Err(failed.take().expect("the apply error"));
                }
            }
            i += creates;
            continue;
        }
        let run = ddl::ddl(dialect).rebuild_run(&ops[i..], &state);
        if run > 1 {
            // One rebuild for consecutive changes to one table, not one each.
            let table = ops[i].table().expect("a rebuild run names its table");
            let old = state.table(&table).cloned();
            for op in &ops[i..i + run] {
                apply(op, &mut state)?;
            }
            if let (Some(old), Some(new)) = (old, state.table(&table)) {
                out.extend(ddl::ddl(dialect).rebuild_table(&old, new)?);
            }
            i += run;
            continue;
        }
        out.extend(render_checked(&ops[i], &state, dialect)?);
        apply(&ops[i], &mut state)?;
        i += 1;
    }
    Ok((out, state))
}

#[cfg(test)]
mod tests;
