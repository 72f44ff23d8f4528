//! SQLite.

use super::{Backend, LedgerTypes};
use crate::Dialect;

pub struct Sqlite;

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn max_identifier_len(&self) -> usize {
        usize::MAX
    }

    fn identifier_problem(&self, _name: &str) -> Option<String> {
        None
    }

    /// Takes the write lock at once, so that the version table read next stays true.
    fn begin(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn table_exists_query(&self, table: &str) -> String {
        format!("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = {table}")
    }

    fn columns_query(&self, table: &str) -> String {
        format!("SELECT name FROM pragma_table_info({table})")
    }

    fn ledger_types(&self) -> LedgerTypes {
        LedgerTypes {
            id: "INTEGER PRIMARY KEY AUTOINCREMENT",
            at: "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP",
            text: "TEXT",
        }
    }

    fn as_text(&self, column: &str) -> String {
        format!("CAST({column} AS TEXT)")
    }

    fn last_insert_id_query(&self) -> &'static str {
        "SELECT last_insert_rowid()"
    }

    /// A table rebuild must not trip the foreign keys that point at it; they are checked
    /// before each revision commits instead.
    fn script_prologue(&self) -> &'static [&'static str] {
        &["PRAGMA foreign_keys = OFF"]
    }

    fn script_epilogue(&self) -> &'static [&'static str] {
        &["PRAGMA foreign_keys = ON"]
    }

    fn run_prologue(&self) -> &'static [&'static str] {
        &["PRAGMA foreign_keys = OFF"]
    }

    fn run_epilogue(&self) -> &'static [&'static str] {
        &["PRAGMA foreign_keys = ON"]
    }

    fn before_commit_check(&self) -> Option<&'static str> {
        Some("PRAGMA foreign_key_check")
    }
}
