//! MySQL and MariaDB.

use super::{Backend, LedgerTypes, TypeText};
use crate::Dialect;
use crate::types::parse_enum_values;
use crate::{ColumnType, quote_literal};

pub struct MySql;

impl Backend for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn name(&self) -> &'static str {
        "mysql"
    }

    fn display_name(&self) -> &'static str {
        "MySQL"
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

    fn unmodelled_query(&self) -> &'static str {
        "SELECT CAST(CONCAT('view ', TABLE_NAME) AS CHAR) FROM information_schema.VIEWS \
         WHERE TABLE_SCHEMA = DATABASE() \
         UNION ALL SELECT CAST(CONCAT('trigger ', TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE) AS CHAR) \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
         UNION ALL SELECT CAST(CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) AS CHAR) \
         FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
         UNION ALL SELECT CAST(CONCAT('generated column ', TABLE_NAME, '.', COLUMN_NAME) AS CHAR) \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         AND (EXTRA LIKE '%VIRTUAL GENERATED%' OR EXTRA LIKE '%STORED GENERATED%' \
         OR EXTRA LIKE '%PERSISTENT GENERATED%') \
         ORDER BY 1"
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

    fn type_sql(&self, ty: &ColumnType) -> String {
        use ColumnType as T;
        match ty {
            T::Boolean => "BOOL".into(),
            T::SmallInt => "SMALLINT".into(),
            T::Integer => "INT".into(),
            T::BigInt => "BIGINT".into(),
            T::Real => "FLOAT".into(),
            T::Double => "DOUBLE".into(),
            T::Decimal { precision, scale } => match (precision, scale) {
                (Some(p), Some(s)) => format!("DECIMAL({p}, {s})"),
                (Some(p), None) => format!("DECIMAL({p})"),
                _ => "DECIMAL".into(),
            },
            T::Text => "LONGTEXT".into(),
            T::Varchar(n) => format!("VARCHAR({n})"),
            T::Char(n) => format!("CHAR({n})"),
            T::Bytes => "LONGBLOB".into(),
            T::Date => "DATE".into(),
            T::Time => "TIME(6)".into(),
            T::Timestamp | T::TimestampTz => "DATETIME(6)".into(),
            T::Uuid => "BINARY(16)".into(),
            T::Json | T::Jsonb => "JSON".into(),
            T::Enum { values, .. } => {
                let vals: Vec<String> = values
                    .iter()
                    .map(|v| quote_literal(Dialect::MySql, v))
                    .collect();
                format!("ENUM({})", vals.join(", "))
            }
            T::Custom(raw) => raw.clone(),
        }
    }

    fn parse_type(&self, t: &TypeText) -> ColumnType {
        parse_mysql(t.base, t.unsigned, t.n0, t.n1, t.norm)
    }

    /// What the server stores alike: a time-zone-aware timestamp is a timestamp, JSONB
    /// is JSON, a decimal has its default precision and scale, an enum has no name.
    fn canonical_type(&self, ty: ColumnType) -> ColumnType {
        use ColumnType as T;
        match ty {
            T::TimestampTz => T::Timestamp,
            T::Jsonb => T::Json,
            // sqlx writes a Uuid to MySQL as 16 bytes.
            T::Uuid => T::Custom("binary(16)".into()),
            T::Enum { values, .. } => T::Enum {
                name: String::new(),
                values,
            },
            T::Decimal {
                precision: None,
                scale: None,
            } => T::Decimal {
                precision: Some(10),
                scale: Some(0),
            },
            T::Decimal {
                precision: Some(p),
                scale: None,
            } => T::Decimal {
                precision: Some(p),
                scale: Some(0),
            },
            other => other,
        }
    }
}

/// MySQL's integer types without their display width, `unsigned` kept: what the server
/// stores, whatever width the catalog shows (`int(10) unsigned` is `int unsigned`).
pub(crate) fn mysql_integer(base: &str) -> Option<&'static str> {
    Some(match base {
        "tinyint" | "int1" => "tinyint",
        "smallint" | "int2" => "smallint",
        "mediumint" | "int3" | "middleint" => "mediumint",
        "int" | "integer" | "int4" => "int",
        "bigint" | "int8" => "bigint",
        _ => return None,
    })
}

/// A MySQL type: the types a model names by a Rust type compare as those; every other
/// spelling is kept as the server stores it (widths of integers and `year` dropped,
/// fractional-second precision and text sizes kept), so that `datetime` differs from
/// `datetime(6)`, `text` from `longtext` and `int unsigned` from `bigint`.
fn parse_mysql(
    base: &str,
    unsigned: bool,
    n0: Option<u32>,
    n1: Option<u32>,
    norm: &str,
) -> ColumnType {
    use ColumnType as T;
    let with_fsp = |name: &str| match n0 {
        Some(p) if p > 0 => T::Custom(format!("{name}({p})")),
        _ => T::Custom(name.to_string()),
    };
    if let Some(int) = mysql_integer(base) {
        return match (int, unsigned) {
            ("tinyint", false) if n0 == Some(1) => T::Boolean,
            ("smallint", false) => T::SmallInt,
            ("int", false) => T::Integer,
            ("bigint", false) => T::BigInt,
            (int, true) => T::Custom(format!("{int} unsigned")),
            (int, false) => T::Custom(int.to_string()),
        };
    }
    match base {
        "bool" | "boolean" => T::Boolean,
        "float" => match n0 {
            Some(p) if p > 24 => T::Double,
            _ => T::Real,
        },
        "double" | "double precision" | "real" => T::Double,
        "decimal" | "numeric" | "dec" | "fixed" => T::Decimal {
            precision: Some(n0.unwrap_or(10)),
            scale: Some(n1.unwrap_or(0)),
        },
        "longtext" => T::Text,
        "text" | "tinytext" | "mediumtext" => T::Custom(base.to_string()),
        "varchar" | "character varying" => match n0 {
            Some(n) => T::Varchar(n),
            None => T::Custom(norm.to_string()),
        },
        "char" | "character" => T::Char(n0.unwrap_or(1)),
        "longblob" => T::Bytes,
        "blob" | "tinyblob" | "mediumblob" => T::Custom(base.to_string()),
        "date" => T::Date,
        "time" if n0 == Some(6) => T::Time,
        "datetime" if n0 == Some(6) => T::Timestamp,
        "time" | "datetime" | "timestamp" => with_fsp(base),
        "year" => T::Custom("year".into()),
        "bit" => T::Custom(format!("bit({})", n0.unwrap_or(1))),
        "json" => T::Json,
        "enum" => T::Enum {
            name: String::new(),
            values: parse_enum_values(norm),
        },
        _ => T::Custom(norm.to_string()),
    }
}
