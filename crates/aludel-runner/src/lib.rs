//! aludel's runner: the revision graph, the version table, applying and reverting
//! revisions (online, or as a SQL script offline). New revision files are written by
//! `aludel-revision`, re-exported here.
//!
//! Architecture invariant: the graph, replay, planning and checksums are pure; `apply`,
//! `lock` and `ledger` touch the database, through `aludel-introspect`'s
//! [`Database`](aludel_introspect::Database), and nothing else does.

mod apply;
mod error;
mod graph;
mod ledger;
mod lock;
mod revision;
mod run;

pub use aludel_revision::{
    FILE_TEMPLATE_TOKENS, NewRevision, file_name, new_revision_id, render_revision, slug,
};
pub use apply::{
    Progress, Quiet, Resolution, ensure_tables, execute_statements, migrate, missing_revisions,
    preflight, resolve, stamp,
};
pub use error::{Error, Result};
pub use graph::Graph;
pub use ledger::{Entry, Ledger, checksum};
pub use revision::{BoxError, DataFn, Ops, Revision, RevisionDef};
pub use run::{
    Direction, Item, RunnerOptions, Step, TransactionMode, VersionTable, check_current,
    current_heads, plan, replay, replay_onto, script,
};
