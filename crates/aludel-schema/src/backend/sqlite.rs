//! SQLite.

use super::{Backend, LedgerTypes, TypeText};
use crate::ColumnType;
use crate::Dialect;
use crate::types::numeric;

pub struct Sqlite;

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn display_name(&self) -> &'static str {
        "SQLite"
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

    fn unmodelled_query(&self) -> &'static str {
        "SELECT type || ' ' || name || CASE WHEN type = 'trigger' THEN ' on ' || tbl_name \
         ELSE '' END FROM sqlite_schema WHERE type IN ('view', 'trigger') \
         UNION ALL SELECT 'virtual table ' || name FROM pragma_table_list \
         WHERE schema = 'main' AND type = 'virtual' \
         UNION ALL SELECT 'WITHOUT ROWID option of table ' || name FROM pragma_table_list \
         WHERE schema = 'main' AND type = 'table' AND wr \
         UNION ALL SELECT 'STRICT option of table ' || name FROM pragma_table_list \
         WHERE schema = 'main' AND type = 'table' AND strict \
         UNION ALL SELECT 'generated column ' || m.name || '.' || x.name \
         FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) x \
         WHERE m.type = 'table' AND x.hidden IN (2, 3) \
         ORDER BY 1"
    }

    fn rebuild_losses_query(&self, table: &str) -> Option<String> {
        Some(format!(
            "SELECT 'trigger ' || name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = {table} \
             UNION ALL SELECT 'generated column ' || name FROM pragma_table_xinfo({table}) \
             WHERE hidden IN (2, 3) \
             UNION ALL SELECT 'the WITHOUT ROWID option' FROM pragma_table_list({table}) \
             WHERE schema = 'main' AND wr \
             UNION ALL SELECT 'the STRICT option' FROM pragma_table_list({table}) \
             WHERE schema = 'main' AND strict"
        ))
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

    fn type_sql(&self, ty: &ColumnType) -> String {
        use ColumnType as T;
        match ty {
            T::Boolean => "BOOLEAN".into(),
            T::SmallInt => "SMALLINT".into(),
            T::Integer => "INTEGER".into(),
            T::BigInt => "BIGINT".into(),
            T::Real => "REAL".into(),
            T::Double => "DOUBLE".into(),
            T::Decimal { precision, scale } => numeric(precision, scale),
            T::Text | T::Enum { .. } => "TEXT".into(),
            T::Varchar(n) => format!("VARCHAR({n})"),
            T::Char(n) => format!("CHAR({n})"),
            T::Bytes => "BLOB".into(),
            T::Date => "DATE".into(),
            T::Time => "TIME".into(),
            T::Timestamp | T::TimestampTz => "TIMESTAMP".into(),
            T::Uuid => "UUID".into(),
            // TEXT affinity keeps JSON text as written (a JSON column would turn
            // `1.50` into the number 1.5).
            T::Json | T::Jsonb => "TEXT".into(),
            T::Custom(raw) => raw.clone(),
        }
    }

    fn parse_type(&self, t: &TypeText) -> ColumnType {
        use ColumnType as T;
        match t.base {
            "bool" | "boolean" => T::Boolean,
            "tinyint" if t.n0 == Some(1) => T::Boolean,
            "int" | "integer" | "tinyint" | "smallint" | "mediumint" | "bigint" | "int2"
            | "int4" | "int8" | "unsigned big int" => T::Integer,
            "real" | "double" | "double precision" | "float" => T::Double,
            "numeric" | "decimal" => T::Decimal {
                precision: t.n0,
                scale: t.n1,
            },
            "text" | "clob" | "varchar" | "character varying" | "nvarchar" | "char"
            | "character" | "nchar" | "varying character" | "native character" => T::Text,
            "blob" | "bytea" => T::Bytes,
            "date" => T::Date,
            "time" => T::Time,
            "datetime"
            | "timestamp"
            | "timestamptz"
            | "timestamp with time zone"
            | "timestamp without time zone" => T::Timestamp,
            "uuid" => T::Uuid,
            "json" | "jsonb" => T::Json,
            _ => T::Custom(t.norm.to_string()),
        }
    }

    /// Type affinity: every integer is an integer, every float a double, every string
    /// text; a decimal keeps no precision.
    fn canonical_type(&self, ty: ColumnType) -> ColumnType {
        use ColumnType as T;
        match ty {
            T::SmallInt | T::Integer | T::BigInt => T::Integer,
            T::Real | T::Double => T::Double,
            T::Varchar(_) | T::Char(_) => T::Text,
            T::Decimal { .. } => T::Decimal {
                precision: None,
                scale: None,
            },
            T::TimestampTz => T::Timestamp,
            T::Json | T::Jsonb => T::Text,
            // sqlx writes a Uuid to SQLite as a 16-byte blob.
            T::Uuid => T::Bytes,
            T::Enum { values, .. } => T::Enum {
                name: String::new(),
                values,
            },
            other => other,
        }
    }
}
