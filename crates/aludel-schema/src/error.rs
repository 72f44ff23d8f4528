/// Errors of the schema model: an operation that does not fit the schema it is applied to.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    #[error("table {0} does not exist")]
    NoSuchTable(String),
    #[error("table {0} already exists")]
    TableExists(String),
    #[error("column {table}.{column} does not exist")]
    NoSuchColumn { table: String, column: String },
    #[error("column {table}.{column} already exists")]
    ColumnExists { table: String, column: String },
    #[error("{kind} {name} does not exist on table {table}")]
    NoSuchConstraint {
        kind: &'static str,
        table: String,
        name: String,
    },
    #[error("{kind} {name} already exists on table {table}")]
    ConstraintExists {
        kind: &'static str,
        table: String,
        name: String,
    },
    #[error("table {0} has no primary key")]
    NoPrimaryKey(String),
    #[error("table {0} already has a primary key")]
    PrimaryKeyExists(String),
    #[error("enum type {0} does not exist")]
    NoSuchEnum(String),
    #[error("enum type {0} already exists")]
    EnumExists(String),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
