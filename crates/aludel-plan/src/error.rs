/// Errors of planning: the revision graph, targets, replay and rendering. Each says what
/// went wrong and what to do.
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
    #[error(
        "revision {id} ({file}) has two `op.run` steps named {name:?} in one direction; give each its own name"
    )]
    DuplicateCode {
        id: String,
        file: String,
        name: String,
    },
    #[error("ledger: {0}")]
    Ledger(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
