//! Connections and introspection: reads a live database's catalog into a
//! [`Schema`](aludel_schema::Schema).
//!
//! Each backend reads its whole catalog in a fixed number of queries, whatever the number
//! of tables (PostgreSQL's `pg_catalog`, MySQL's `information_schema`, SQLite's pragma
//! table-valued functions joined to `sqlite_schema`); [`Database::query_count`] counts
//! them so that tests can assert the number exactly.
//!
//! Architecture invariant: this crate reads catalogs and runs statements it is given; it
//! decides nothing about migrations (no version table, no diffing).

mod connection;
mod mysql;
mod postgres;
mod sqlite;

pub use connection::{BatchResult, Database, redact_url};

/// Adds `column` to the index `name` of `t`, or starts the index with `new` when it is
/// the first of its columns: catalogs list an index once per column, in order.
pub(crate) fn push_index_column(
    t: &mut aludel_schema::Table,
    name: String,
    column: String,
    new: impl FnOnce() -> aludel_schema::Index,
) {
    match t
        .indexes
        .iter_mut()
        .find(|ix| ix.name.as_deref() == Some(&name))
    {
        Some(ix) => ix.columns.push(column),
        None => {
            let mut ix = new();
            ix.name = Some(name);
            ix.columns = vec![column];
            t.indexes.push(ix);
        }
    }
}

/// The generated columns of the tables read, by table: not modelled (`inspect` lists
/// them).
pub(crate) type Generated = std::collections::HashSet<(aludel_schema::TableName, String)>;

/// Leaves the generated columns out of `tables`, with the keys, indexes and foreign keys
/// that name them, so that no comparison proposes to drop or re-create them.
pub(crate) fn leave_out_generated(tables: &mut [aludel_schema::Table], generated: &Generated) {
    if generated.is_empty() {
        return;
    }
    let named = |t: &aludel_schema::TableName, columns: &[String]| {
        columns
            .iter()
            .any(|c| generated.contains(&(t.clone(), c.clone())))
    };
    for t in tables.iter_mut() {
        let name = t.table_name();
        t.columns
            .retain(|c| !generated.contains(&(name.clone(), c.name.clone())));
        if t.primary_key
            .as_ref()
            .is_some_and(|pk| named(&name, &pk.columns))
        {
            t.primary_key = None;
        }
        t.uniques.retain(|u| !named(&name, &u.columns));
        t.indexes.retain(|ix| !named(&name, &ix.columns));
        t.foreign_keys
            .retain(|fk| !named(&name, &fk.columns) && !named(&fk.ref_table, &fk.ref_columns));
    }
}

/// Errors of connecting, querying and reading the catalog.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(
        "unsupported database URL {0}: use postgres://, mysql://, mariadb:// or sqlite:// (for example sqlite://app.db?mode=rwc)"
    )]
    UnsupportedUrl(String),
    #[error("invalid database URL {url}: {source}")]
    InvalidUrl {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot connect to {url}: {source}{hint}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
        hint: &'static str,
    },
    #[error("{source}\n  while running: {sql}{hint}")]
    Query {
        sql: String,
        #[source]
        source: sqlx::Error,
        /// What the server suggests, or what to do about a server limit; empty or a
        /// line of its own.
        hint: String,
    },
    #[error("unexpected catalog data: {0}")]
    Catalog(String),
    /// A schema to work in that cannot be used.
    #[error("{0}")]
    Schema(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to read.
#[derive(Clone, Debug, Default)]
pub struct IntrospectOptions {
    /// PostgreSQL schemas to read besides the current one (`schema = "..."` in models).
    pub extra_schemas: Vec<String>,
}
