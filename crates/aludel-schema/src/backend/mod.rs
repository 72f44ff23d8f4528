//! What each dialect knows, one module per dialect, in the style of sea-query's backend
//! traits: its names and URL schemes, its identifier rules and quoting, its transaction
//! rules, and the catalog, ledger and script SQL the planner, the runner and the CLI send
//! it. [`Dialect::backend`] hands out the one for a dialect; adding a dialect (or a
//! variant) is a new module here, an arm there, and its DDL and catalog reader in
//! `aludel-sql` and `aludel-introspect`.
//!
//! Everything here is SQL text or a fact: no database is touched.

mod mysql;
mod postgres;
mod sqlite;

use crate::{ColumnType, Dialect};

pub use mysql::MySql;
pub(crate) use mysql::mysql_integer;
pub use postgres::Postgres;
pub use sqlite::Sqlite;

/// The column types of the ledger table on a dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerTypes {
    /// The row id, generated.
    pub id: &'static str,
    /// When the row was written, filled by the server.
    pub at: &'static str,
    /// Long text (the revision's message).
    pub text: &'static str,
}

/// A type as written, taken apart: the base name (lower-cased, without widths, `unsigned`
/// or `zerofill`), whether it said `unsigned`, the first two numbers in its parentheses,
/// and the whole text lower-cased with whitespace collapsed.
pub struct TypeText<'a> {
    pub base: &'a str,
    pub unsigned: bool,
    pub n0: Option<u32>,
    pub n1: Option<u32>,
    pub norm: &'a str,
}

/// What a dialect knows. Methods with a default hold what most dialects share.
pub trait Backend: Sync {
    fn dialect(&self) -> Dialect;

    /// The dialect's name in messages and `aludel.toml`.
    fn name(&self) -> &'static str;

    /// The product's name, as reports write it.
    fn display_name(&self) -> &'static str;

    /// The URL schemes that select it.
    fn url_schemes(&self) -> &'static [&'static str];

    /// The longest identifier it accepts (a bound for generated names).
    fn max_identifier_len(&self) -> usize;

    /// Why `name` cannot name an object here (beyond what no dialect accepts).
    fn identifier_problem(&self, name: &str) -> Option<String>;

    /// The SQL spelling of `ty`.
    fn type_sql(&self, ty: &ColumnType) -> String;

    /// A type as a catalog or a person spells it; `Custom` (holding `t.norm`) when the
    /// spelling is unknown.
    fn parse_type(&self, t: &TypeText) -> ColumnType;

    /// The form a parsed type is compared in: types the dialect stores alike collapse
    /// into one.
    fn canonical_type(&self, ty: ColumnType) -> ColumnType {
        ty
    }

    /// The character that quotes identifiers.
    fn ident_quote(&self) -> char {
        '"'
    }

    /// Whether a backslash in a string literal escapes (so must be doubled).
    fn backslash_escapes(&self) -> bool {
        false
    }

    /// Whether DDL is transactional: a failed revision rolls back as a whole.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// The statement that opens a revision's transaction.
    fn begin(&self) -> &'static str {
        "BEGIN"
    }

    /// Whether `CREATE INDEX CONCURRENTLY` exists, which runs outside a transaction.
    fn concurrent_indexes(&self) -> bool {
        false
    }

    /// Whether statements sent together in one round trip run as one transaction even
    /// outside `BEGIN` (PostgreSQL's multi-statement queries do): a step that must run
    /// outside a transaction then sends its statements one at a time.
    fn batch_is_a_transaction(&self) -> bool {
        false
    }

    /// A query that returns a row when the table `table` (a quoted literal) exists in the
    /// connection's schema or database.
    fn table_exists_query(&self, table: &str) -> String;

    /// A query of what models cannot say, one line each (`view v`, `trigger t on x`,
    /// `function f` ...), in the connection's schema or database: what `inspect` names.
    fn unmodelled_query(&self) -> &'static str;

    /// A query of what copying `table` (a quoted literal) into a new table would lose
    /// because models do not describe it (triggers, generated columns, table options), one
    /// line each: run before a table rebuild, which only SQLite makes.
    fn rebuild_losses_query(&self, _table: &str) -> Option<String> {
        None
    }

    /// A query of the column names of `table` (a quoted literal).
    fn columns_query(&self, table: &str) -> String;

    /// The ledger's column types.
    fn ledger_types(&self) -> LedgerTypes;

    /// `column` read as text.
    fn as_text(&self, column: &str) -> String;

    /// The query of the id of the row this connection inserted last.
    fn last_insert_id_query(&self) -> &'static str;

    /// The statements a `--sql` script starts and ends with.
    fn script_prologue(&self) -> &'static [&'static str] {
        &[]
    }

    fn script_epilogue(&self) -> &'static [&'static str] {
        &[]
    }

    /// What the runner's session runs before a run, and after it.
    fn run_prologue(&self) -> &'static [&'static str] {
        &[]
    }

    fn run_epilogue(&self) -> &'static [&'static str] {
        &[]
    }

    /// Why a revision that ran outside a transaction stopped part-way.
    fn partial_reason(&self) -> &'static str {
        "it builds or drops an index CONCURRENTLY, which runs outside a transaction"
    }

    /// A query a revision's transaction runs before its commit, whose rows are
    /// violations (SQLite's deferred foreign-key check).
    fn before_commit_check(&self) -> Option<&'static str> {
        None
    }

    /// A query of one row and two integer columns (as text): how many relation locks the
    /// server's lock table holds, and how many server processes and prepared transactions
    /// share it. `None` where one transaction's locks are not bounded so.
    fn lock_capacity_query(&self) -> Option<&'static str> {
        None
    }

    /// The database to connect to for creating or dropping another (empty: none).
    fn maintenance_database(&self) -> &'static str {
        ""
    }

    /// A query that returns a row when the database `name` (a quoted literal) exists.
    fn database_exists_query(&self, name: &str) -> String {
        format!("SELECT 1 FROM information_schema.schemata WHERE schema_name = {name}")
    }

    /// The databases the server needs for itself, which aludel never drops.
    fn system_databases(&self) -> &'static [&'static str] {
        &[]
    }
}

impl Dialect {
    /// What this dialect knows.
    pub fn backend(self) -> &'static dyn Backend {
        match self {
            Dialect::Postgres => &Postgres,
            Dialect::MySql => &MySql,
            Dialect::Sqlite => &Sqlite,
        }
    }
}
