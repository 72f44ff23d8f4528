//! MySQL and MariaDB.

use super::{Backend, LedgerTypes};
use crate::Dialect;

pub struct MySql;

impl Backend for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn name(&self) -> &'static str {
        "mysql"
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["mysql", "mariadb"]
    }

    /// MySQL counts characters; 64 bytes is the safe bound for generated names.
    fn max_identifier_len(&self) -> usize {
        64
    }

    fn identifier_problem(&self, name: &str) -> Option<String> {
        if name.chars().count() > 64 {
            return Some(format!(
                "is {} characters long; MySQL and MariaDB allow at most 64 (shorten it)",
                name.chars().count()
            ));
        }
        if name.ends_with(' ') {
            return Some("ends with a space, which MySQL and MariaDB refuse".into());
        }
        name.chars().any(|c| u32::from(c) > 0xFFFF).then(|| {
            "has a character outside the Basic Multilingual Plane (such as an emoji), which MariaDB and MySQL cannot keep in a name"
                .into()
        })
    }

    fn ident_quote(&self) -> char {
        '`'
    }

    fn backslash_escapes(&self) -> bool {
        true
    }

    /// MySQL commits each DDL statement as it goes.
    fn transactional_ddl(&self) -> bool {
        false
    }

    fn partial_reason(&self) -> &'static str {
        "MySQL commits DDL as it goes"
    }

    fn table_exists_query(&self, table: &str) -> String {
        format!(
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {table}"
        )
    }

    fn columns_query(&self, table: &str) -> String {
        format!(
            "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {table}"
        )
    }

    fn ledger_types(&self) -> LedgerTypes {
        LedgerTypes {
            id: "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            at: "DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
            text: "LONGTEXT",
        }
    }

    fn as_text(&self, column: &str) -> String {
        format!("CAST({column} AS CHAR)")
    }

    fn last_insert_id_query(&self) -> &'static str {
        "SELECT LAST_INSERT_ID()"
    }

    /// The script's string literals double their backslashes, as aludel's own sessions
    /// read them: whatever the server's sql_mode.
    fn script_prologue(&self) -> &'static [&'static str] {
        &["SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')"]
    }

    fn system_databases(&self) -> &'static [&'static str] {
        &["mysql", "information_schema", "performance_schema", "sys"]
    }
}
