//! aludel's planning: what a revision file declares ([`Ops`], [`RevisionDef`]), the
//! revision graph, replay, the steps of a run rendered to statements, `--sql` scripts, and
//! the version table and ledger as SQL text with the checks over the ledger's rows.
//!
//! Architecture invariant: pure. No database, filesystem or async runtime: a data
//! migration's code is carried as a function of the runner's connection type `Db`,
//! never called here. `aludel-runner` executes what this crate plans.

mod error;
mod graph;
pub mod ledger;
pub mod locks;
mod plan;
mod revision;

pub use error::{Error, Result};
pub use graph::Graph;
pub use ledger::{Entry, Ledger, checksum};
pub use plan::{
    Direction, Item, RunnerOptions, Step, TransactionMode, VersionTable, check_current, plan,
    replay, replay_onto, script,
};
pub use revision::{BoxError, DataFn, Ops, Revision, RevisionDef};
