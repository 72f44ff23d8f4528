/// Errors of the runner. Each says what went wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "revision id {id:?} in {file} is not valid: use up to 32 letters, digits or underscores"
    )]
    InvalidRevisionId { id: String, file: String },
    #[error("two revisions have the id {id}: {} and {}; give one of them a new id", files[0], files[1])]
    DuplicateRevision { id: String, files: [String; 2] },
    #[error(
        "revision {id} ({file}) revises {parent}, which does not exist; fix `revises` or restore the missing revision file"
    )]
    MissingParent {
        id: String,
        parent: String,
        file: String,
    },
    #[error("the revisions {} revise each other in a cycle; fix their `revises`", .0.join(", "))]
    Cycle(Vec<String>),
    #[error("no revision matches {0:?}; `aludel history` lists them")]
    UnknownRevision(String),
    #[error("{spec:?} matches several revisions ({}); give more characters", candidates.join(", "))]
    AmbiguousRevision {
        spec: String,
        candidates: Vec<String>,
    },
    #[error("there are several heads ({}); upgrade to one of them, use `heads`, or join them with `aludel merge`", .0.join(", "))]
    MultipleHeads(Vec<String>),
    #[error("the database is at several heads ({}); downgrade to a revision id instead of a relative step", .0.join(", "))]
    AmbiguousDowngrade(Vec<String>),
    #[error("{from} has several {} revisions ({}): name the one to go to", if *.forward { "next" } else { "previous" }, options.join(", "))]
    AmbiguousStep {
        from: String,
        options: Vec<String>,
        forward: bool,
    },
    #[error("bad target {target:?}: expected {expected}")]
    BadTarget {
        target: String,
        expected: &'static str,
    },
    #[error(
        "cannot {direction} {asked} revision{}: only {available} {} available",
        if *asked == 1 { "" } else { "s" },
        if *available == 1 { "is" } else { "are" }
    )]
    NotEnoughRevisions {
        asked: usize,
        available: usize,
        direction: &'static str,
    },
    #[error("revision {0} is not applied to the database, so there is nothing to downgrade to it")]
    NotApplied(String),
    #[error(
        "the database is at revision {0}, which no revision file defines; restore the file or `aludel stamp` the right revision"
    )]
    UnknownCurrent(String),
    #[error("revision {id} ({file}): cannot replay `{op}`: {source}")]
    Replay {
        id: String,
        file: String,
        op: String,
        #[source]
        source: Box<aludel_schema::Error>,
    },
    #[error("revision {id} ({file}): {source}")]
    Render {
        id: String,
        file: String,
        #[source]
        source: Box<aludel_sql::Error>,
    },
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
    #[error(
        "revision {id} ({file}) has two `op.run` steps named {name:?} in one direction; give each its own name"
    )]
    DuplicateCode {
        id: String,
        file: String,
        name: String,
    },
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
    #[error("ledger: {0}")]
    Ledger(String),
    #[error(
        "revision {id}: foreign keys are violated after the change ({detail}); the revision was rolled back"
    )]
    ForeignKeyViolation { id: String, detail: String },
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
