/// Errors of the runner. Each says what went wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("revision {id} failed and was rolled back, nothing of it remains: {source}")]
    RolledBack {
        id: String,
        #[source]
        source: Box<Error>,
    },
    #[error(
        "revision {id} failed part-way: {why}, so the statements before the failing one are applied: {source}\n  \
         look at the database, finish or undo what the revision did, then run `aludel resolve {id} applied` or `aludel resolve {id} reverted`"
    )]
    PartiallyApplied {
        id: String,
        why: &'static str,
        #[source]
        source: Box<Error>,
    },
    #[error(
        "revision {id} ({file}) builds or drops an index CONCURRENTLY, which PostgreSQL cannot do inside a transaction, \
         and transaction_mode = \"all\" runs the whole upgrade in one; set transaction_mode = \"revision\" in aludel.toml"
    )]
    OutsideTransaction { id: String, file: String },
    #[error("revision {id}: the Rust code {name:?} failed: {message}")]
    Code {
        id: String,
        name: String,
        message: String,
    },
    #[error("{}", partial_message(.0))]
    PartialRevisions(Vec<crate::ledger::Partial>),
    #[error("{}", edited_message(.0))]
    Edited(Vec<(String, String)>),
    #[error("{}", edited_downgrade_message(.0))]
    EditedDowngrade(Vec<(String, String)>),
    #[error(
        "revision {id} is not reverted: {}. Undo what is left by hand, resolve it as applied if it is, or pass --force if you are sure",
        .left.join("; ")
    )]
    NotReverted { id: String, left: Vec<String> },
    #[error("revision {0} has nothing to resolve: it is not partially applied")]
    NothingToResolve(String),
    #[error("another aludel run holds the migration lock of this database; waited {} s{}. Try again when it has finished, or raise lock_timeout in aludel.toml", .timeout.as_secs(), holder_text(.holder))]
    LockTimeout {
        timeout: std::time::Duration,
        /// Who holds the lock, as the server tells it (empty when it does not).
        holder: String,
    },
    #[error(
        "another process holds the SQLite database's write lock; waited lock_timeout for it. Try again when it has finished, or raise lock_timeout in aludel.toml ({0})"
    )]
    Busy(#[source] aludel_introspect::Error),
    #[error(
        "the table {table} exists but is not aludel's (its columns: {}); rename it, or choose another version_table in aludel.toml",
        columns.join(", ")
    )]
    ForeignTable { table: String, columns: Vec<String> },
    #[error(
        "revision {id}: foreign keys are violated after the change ({detail}); the revision was rolled back"
    )]
    ForeignKeyViolation { id: String, detail: String },
    #[error(
        "SQLite makes this change to table {table} by copying it into a new table, and the copy \
         would lose what the models do not describe: {}. In the revision, drop those before the \
         change and create them again after it (`op.execute(\"DROP TRIGGER ...\")` before, \
         `op.execute(\"CREATE TRIGGER ...\")` after); a generated column or a WITHOUT ROWID or \
         STRICT table has to be rebuilt by hand, in `op.execute` statements",
        .lost.join(", ")
    )]
    RebuildWouldLose { table: String, lost: Vec<String> },
    #[error(
        "{subject} takes about {needed} locks in one transaction, more than the {capacity} this PostgreSQL server's lock table holds \
         (max_locks_per_transaction × {slots} server processes and prepared transactions); past that a transaction can fail part-way \
         with \"out of shared memory\", so nothing was run. {remedy}"
    )]
    TooManyLocks {
        /// `revision <id> (<file>)`, or the whole run's revisions.
        subject: String,
        needed: usize,
        capacity: usize,
        slots: usize,
        /// What to do, for this direction and transaction mode.
        remedy: String,
    },
    #[error(transparent)]
    Plan(#[from] aludel_plan::Error),
    #[error(transparent)]
    Db(#[from] aludel_introspect::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn partial_message(partial: &[crate::ledger::Partial]) -> String {
    let mut out = String::new();
    for p in partial {
        out.push_str(&format!(
            "revision {id} was partially applied ({action} started {at} and did not finish)\n  \
             nothing runs until a person says what the database holds now: \
             `aludel resolve {id} applied` (every statement of it is in effect) or \
             `aludel resolve {id} reverted` (nothing of it remains)\n",
            id = p.revision,
            action = p.action,
            at = p.at
        ));
    }
    out.trim_end().to_string()
}

fn edited_message(edited: &[(String, String)]) -> String {
    let mut out = String::new();
    for (id, file) in edited {
        out.push_str(&format!(
            "revision {id} ({file}) was edited after it was applied: its operations differ from the ones that ran\n  \
             revert the edit (a revision that ran must not change) and write a new revision for the change; \
             if the database really matches the edited operations, `aludel resolve {id} accept-edit` records them\n"
        ));
    }
    out.trim_end().to_string()
}

fn edited_downgrade_message(edited: &[(String, String)]) -> String {
    let mut out = String::new();
    for (id, file) in edited {
        out.push_str(&format!(
            "the downgrade of revision {id} ({file}) was edited after the revision was applied: it is not the one recorded with it\n  \
             nothing ran; check that the edited downgrade undoes what the upgrade did, then `aludel resolve {id} accept-edit` records it\n"
        ));
    }
    out.trim_end().to_string()
}

fn holder_text(holder: &str) -> String {
    if holder.is_empty() {
        String::new()
    } else {
        format!(". The holder: {holder}")
    }
}
