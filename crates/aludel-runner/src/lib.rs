//! aludel's runner: the revision graph, the version table, applying and reverting
//! revisions (online, or as a SQL script offline) and writing new revision files.
//!
//! Architecture invariant: the graph, replay, planning and file writing are pure; only
//! [`execute`] and [`current_heads`] touch a database, through `aludel-introspect`'s
//! [`Database`](aludel_introspect::Database).

mod codegen;
mod error;
mod graph;
mod revision;
mod run;

pub use codegen::{
    FILE_TEMPLATE_TOKENS, NewRevision, file_name, new_revision_id, render_revision, slug,
};
pub use error::{Error, Result};
pub use graph::Graph;
pub use revision::{Ops, Revision, RevisionDef};
pub use run::{
    Direction, RunnerOptions, Step, TransactionMode, VersionTable, check_current, current_heads,
    execute, execute_statements, plan, replay, script,
};
