//! aludel's runner: executes what `aludel-plan` plans against a database — the migration
//! lock, the version table and the ledger, revisions in transactions, stamping and
//! resolving. Planning, the revision graph and the revision-file format live in
//! `aludel-plan` and `aludel-revision`; both are re-exported here, with the plan's types
//! fixed to this crate's connection, [`Database`].
//!
//! Architecture invariant: every module here talks to the database (`apply`, `lock`,
//! `ledger`); nothing here decides what to run, which is `aludel-plan`'s job.

mod apply;
mod error;
mod ledger;
mod lock;

use aludel_introspect::Database;

pub use aludel_plan::{
    BoxError, Direction, Entry, Ledger, Revision, RunnerOptions, TransactionMode, VersionTable,
    check_current, checksum, plan, replay, replay_onto, script,
};
pub use aludel_revision::{
    FILE_TEMPLATE_TOKENS, NewRevision, file_name, new_revision_id, render_revision, slug,
};
pub use apply::{
    LedgerReport, Progress, Quiet, Resolution, already_at, ensure_tables, execute_statements,
    ledger_report, migrate, missing_revisions, preflight, resolve, stamp,
};
pub use error::{Error, Result};
pub use ledger::current_heads;

/// What a revision file's `upgrade` and `downgrade` record, for the runner's connection.
pub type Ops = aludel_plan::Ops<Database>;
/// A revision as the runner holds it.
pub type RevisionDef = aludel_plan::RevisionDef<Database>;
/// A data migration: Rust code run against the [`Database`].
pub type DataFn = aludel_plan::DataFn<Database>;
/// The revision graph of the runner's revisions.
pub type Graph<'a> = aludel_plan::Graph<'a, Database>;
/// One revision of a run, rendered.
pub type Step<'a> = aludel_plan::Step<'a, Database>;
/// What a step runs.
pub type Item = aludel_plan::Item<Database>;
