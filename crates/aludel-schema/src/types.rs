//! Column types: the logical types aludel knows, how each dialect spells them, and how
//! a spelling read from a catalog (or written by hand in `sql_type`) maps back.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Dialect, lex, quote_ident, quote_literal};

/// The type of a column.
///
/// `Custom` holds a type aludel does not model, verbatim (`sql_type = "..."` or an
/// unknown catalog type); [`ColumnType::canonical`] parses it when it spells a known type,
/// so `sql_type = "int4"` and `Integer` compare equal on PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Boolean,
    SmallInt,
    Integer,
    BigInt,
    /// 4-byte float (`f32`).
    Real,
    /// 8-byte float (`f64`).
    Double,
    Decimal {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Text,
    Varchar(u32),
    Char(u32),
    Bytes,
    Date,
    Time,
    /// Timestamp without time zone (`NaiveDateTime`).
    Timestamp,
    /// Timestamp with time zone (`DateTime<Utc>`).
    TimestampTz,
    Uuid,
    Json,
    Jsonb,
    /// A database enum: a native type on PostgreSQL, `ENUM(...)` on MySQL, a CHECK on SQLite.
    Enum {
        name: String,
        values: Vec<String>,
    },
    Custom(String),
}

impl ColumnType {
    /// Parses a type as a catalog or a person spells it on `dialect` (`int4`,
    /// `character varying(20)`, `tinyint(1)`, `DATETIME`). Unknown spellings become
    /// `Custom`.
    pub fn parse(raw: &str, dialect: Dialect) -> ColumnType {
        parse(raw, dialect)
    }

    /// Whether the type is one of the integer types (those that can auto-increment),
    /// MySQL's unsigned and small ones included.
    pub fn is_integer(&self) -> bool {
        match self {
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => true,
            ColumnType::Custom(raw) => {
                let norm = collapse(raw);
                let (base, _) = split_args(&norm);
                let base = base.trim_end_matches(" zerofill");
                mysql_integer(base.trim_end_matches(" unsigned")).is_some()
            }
            _ => false,
        }
    }

    /// Whether MySQL keeps this type as a TEXT or BLOB (which it indexes only by a
    /// prefix, and gives only expression defaults).
    pub fn is_mysql_lob(&self) -> bool {
        match self.canonical(Dialect::MySql) {
            ColumnType::Text | ColumnType::Bytes | ColumnType::Json => true,
            ColumnType::Custom(c) => c.ends_with("text") || c.ends_with("blob"),
            _ => false,
        }
    }

    /// Whether the type is a MySQL unsigned integer (`u8` ... `u64` in a model).
    pub fn is_unsigned(&self) -> bool {
        matches!(self, ColumnType::Custom(raw) if is_mysql_unsigned(raw))
    }

    pub fn is_textual(&self) -> bool {
        matches!(
            self,
            ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Char(_)
        )
    }

    pub fn is_numeric(&self) -> bool {
        self.is_integer()
            || matches!(
                self,
                ColumnType::Real | ColumnType::Double | ColumnType::Decimal { .. }
            )
    }

    /// The form of this type two schemas are compared in on `dialect`: types the dialect
    /// stores identically collapse into one (on SQLite every integer type is `Integer`;
    /// on MySQL a time-zone-aware timestamp is a `Timestamp`), and custom spellings of
    /// known types are parsed.
    pub fn canonical(&self, dialect: Dialect) -> ColumnType {
        use ColumnType as T;
        let ty = match self {
            T::Custom(raw) => parse(raw, dialect),
            other => other.clone(),
        };
        match dialect {
            Dialect::Postgres => match ty {
                T::Decimal {
                    precision: Some(p),
                    scale: None,
                } => T::Decimal {
                    precision: Some(p),
                    scale: Some(0),
                },
                T::Custom(raw) => T::Custom(pg_custom(&raw)),
                other => other,
            },
            Dialect::MySql => match ty {
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
            },
            Dialect::Sqlite => match ty {
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
            },
        }
    }

    /// The SQL spelling of this type on `dialect`.
    pub fn sql(&self, dialect: Dialect) -> String {
        use ColumnType as T;
        let decimal = |p: &Option<u32>, s: &Option<u32>| match (p, s) {
            (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
            (Some(p), None) => format!("NUMERIC({p})"),
            _ => "NUMERIC".to_string(),
        };
        match dialect {
            Dialect::Postgres => match self {
                T::Boolean => "BOOLEAN".into(),
                T::SmallInt => "SMALLINT".into(),
                T::Integer => "INTEGER".into(),
                T::BigInt => "BIGINT".into(),
                T::Real => "REAL".into(),
                T::Double => "DOUBLE PRECISION".into(),
                T::Decimal { precision, scale } => decimal(precision, scale),
                T::Text => "TEXT".into(),
                T::Varchar(n) => format!("VARCHAR({n})"),
                T::Char(n) => format!("CHAR({n})"),
                T::Bytes => "BYTEA".into(),
                T::Date => "DATE".into(),
                T::Time => "TIME".into(),
                T::Timestamp => "TIMESTAMP".into(),
                T::TimestampTz => "TIMESTAMP WITH TIME ZONE".into(),
                T::Uuid => "UUID".into(),
                T::Json => "JSON".into(),
                T::Jsonb => "JSONB".into(),
                T::Enum { name, .. } => quote_ident(Dialect::Postgres, name),
                T::Custom(raw) => raw.clone(),
            },
            Dialect::MySql => match self {
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
            },
            Dialect::Sqlite => match self {
                T::Boolean => "BOOLEAN".into(),
                T::SmallInt => "SMALLINT".into(),
                T::Integer => "INTEGER".into(),
                T::BigInt => "BIGINT".into(),
                T::Real => "REAL".into(),
                T::Double => "DOUBLE".into(),
                T::Decimal { precision, scale } => decimal(precision, scale),
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
            },
        }
    }
}

impl fmt::Display for ColumnType {
    /// A dialect-neutral spelling for messages and reports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ColumnType as T;
        match self {
            T::Boolean => f.write_str("boolean"),
            T::SmallInt => f.write_str("smallint"),
            T::Integer => f.write_str("integer"),
            T::BigInt => f.write_str("bigint"),
            T::Real => f.write_str("real"),
            T::Double => f.write_str("double"),
            T::Decimal {
                precision: Some(p),
                scale: Some(s),
            } => write!(f, "numeric({p}, {s})"),
            T::Decimal {
                precision: Some(p),
                scale: None,
            } => write!(f, "numeric({p})"),
            T::Decimal { .. } => f.write_str("numeric"),
            T::Text => f.write_str("text"),
            T::Varchar(n) => write!(f, "varchar({n})"),
            T::Char(n) => write!(f, "char({n})"),
            T::Bytes => f.write_str("bytes"),
            T::Date => f.write_str("date"),
            T::Time => f.write_str("time"),
            T::Timestamp => f.write_str("timestamp"),
            T::TimestampTz => f.write_str("timestamptz"),
            T::Uuid => f.write_str("uuid"),
            T::Json => f.write_str("json"),
            T::Jsonb => f.write_str("jsonb"),
            T::Enum { name, .. } => write!(f, "enum {name}"),
            T::Custom(raw) => f.write_str(raw),
        }
    }
}

/// The name PostgreSQL's `format_type` gives a type, for comparing custom spellings
/// such as arrays (`int[]` and `integer[]`).
fn pg_format_name(ty: &ColumnType) -> Option<String> {
    use ColumnType as T;
    Some(match ty {
        T::Boolean => "boolean".into(),
        T::SmallInt => "smallint".into(),
        T::Integer => "integer".into(),
        T::BigInt => "bigint".into(),
        T::Real => "real".into(),
        T::Double => "double precision".into(),
        T::Decimal {
            precision: Some(p),
            scale,
        } => format!("numeric({p},{})", scale.unwrap_or(0)),
        T::Decimal { .. } => "numeric".into(),
        T::Text => "text".into(),
        T::Varchar(n) => format!("character varying({n})"),
        T::Char(n) => format!("character({n})"),
        T::Bytes => "bytea".into(),
        T::Date => "date".into(),
        T::Time => "time without time zone".into(),
        T::Timestamp => "timestamp without time zone".into(),
        T::TimestampTz => "timestamp with time zone".into(),
        T::Uuid => "uuid".into(),
        T::Json => "json".into(),
        T::Jsonb => "jsonb".into(),
        T::Enum { .. } | T::Custom(_) => return None,
    })
}

/// A custom PostgreSQL type in `format_type`'s spelling when it is an array of a known
/// type; otherwise as collapsed.
fn pg_custom(raw: &str) -> String {
    let norm = collapse(raw);
    if let Some(elem) = norm.strip_suffix("[]")
        && let Some(name) = pg_format_name(&parse(elem, Dialect::Postgres))
    {
        return format!("{name}[]");
    }
    norm
}

/// Parses a type as a catalog or a human spells it on `dialect`. Unknown spellings
/// become `Custom` holding the lower-cased, whitespace-collapsed text.
pub fn parse(raw: &str, dialect: Dialect) -> ColumnType {
    use ColumnType as T;
    let norm = collapse(raw);
    let (base, args) = split_args(&norm);
    let nums: Vec<u32> = args
        .iter()
        .filter_map(|a| a.trim().parse::<u32>().ok())
        .collect();
    let base = base.trim_end_matches(" zerofill");
    let unsigned = base.ends_with(" unsigned");
    let base = base.trim_end_matches(" unsigned");
    let n0 = nums.first().copied();
    let n1 = nums.get(1).copied();
    let custom = || T::Custom(norm.clone());
    match dialect {
        Dialect::Postgres => match base {
            "boolean" | "bool" => T::Boolean,
            "smallint" | "int2" | "smallserial" | "serial2" => T::SmallInt,
            "integer" | "int" | "int4" | "serial" | "serial4" => T::Integer,
            "bigint" | "int8" | "bigserial" | "serial8" => T::BigInt,
            "real" | "float4" => T::Real,
            "double precision" | "float8" => T::Double,
            "float" => match n0 {
                Some(p) if p <= 24 => T::Real,
                _ => T::Double,
            },
            "numeric" | "decimal" => T::Decimal {
                precision: n0,
                scale: n1,
            },
            "text" => T::Text,
            "character varying" | "varchar" => match n0 {
                Some(n) => T::Varchar(n),
                None => T::Text,
            },
            "character" | "char" | "bpchar" => T::Char(n0.unwrap_or(1)),
            "bytea" => T::Bytes,
            "date" => T::Date,
            "time" | "time without time zone" => T::Time,
            "timestamp" | "timestamp without time zone" => T::Timestamp,
            "timestamptz" | "timestamp with time zone" => T::TimestampTz,
            "uuid" => T::Uuid,
            "json" => T::Json,
            "jsonb" => T::Jsonb,
            _ => custom(),
        },
        Dialect::MySql => parse_mysql(base, unsigned, n0, n1, &norm),
        Dialect::Sqlite => match base {
            "bool" | "boolean" => T::Boolean,
            "tinyint" if n0 == Some(1) => T::Boolean,
            "int" | "integer" | "tinyint" | "smallint" | "mediumint" | "bigint" | "int2"
            | "int4" | "int8" | "unsigned big int" => T::Integer,
            "real" | "double" | "double precision" | "float" => T::Double,
            "numeric" | "decimal" => T::Decimal {
                precision: n0,
                scale: n1,
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
            _ => custom(),
        },
    }
}

/// MySQL's integer types without their display width, `unsigned` kept: what the server
/// stores, whatever width the catalog shows (`int(10) unsigned` is `int unsigned`).
fn mysql_integer(base: &str) -> Option<&'static str> {
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

/// Whether a custom type is one of MySQL's unsigned integers (`int unsigned` ...), which
/// no other dialect has.
pub(crate) fn is_mysql_unsigned(raw: &str) -> bool {
    let norm = collapse(raw);
    let (base, _) = split_args(&norm);
    base.trim_end_matches(" zerofill")
        .strip_suffix(" unsigned")
        .and_then(mysql_integer)
        .is_some()
}

/// Lower-cases and collapses whitespace, keeping quoted text (enum values) as written;
/// no space before a parenthesis.
fn collapse(raw: &str) -> String {
    lex::lower_words_with(raw, true)
}

/// `"numeric(10, 2)"` -> `("numeric", ["10", " 2"])`; the part after the closing paren
/// (` unsigned`, ` with time zone`) is appended to the base.
fn split_args(norm: &str) -> (String, Vec<&str>) {
    let toks = lex::tokens(norm);
    let depths = lex::depths(&toks);
    let mut pos = 0;
    let mut open = None;
    for (t, d) in toks.iter().zip(&depths) {
        if *d == 0 && t.is_punct("(") && open.is_none() {
            open = Some(pos);
        } else if *d == 0
            && t.is_punct(")")
            && let Some(o) = open
        {
            let base = format!("{}{}", &norm[..o], &norm[pos + 1..]);
            return (
                collapse(&base),
                lex::split_top_level(&norm[o + 1..pos], ",", lex::Rules::STANDARD),
            );
        }
        pos += t.text.len();
    }
    (norm.to_string(), Vec::new())
}

/// MySQL's `enum('a','b''c','d\\e')` -> `["a", "b'c", "d\\e"]`.
fn parse_enum_values(norm: &str) -> Vec<String> {
    lex::tokens_with(norm, lex::Rules::MYSQL)
        .iter()
        .filter_map(|t| t.string_value(lex::Rules::MYSQL))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType as T;

    fn check(dialect: Dialect, raw: &str, want: ColumnType) {
        assert_eq!(parse(raw, dialect), want, "{dialect}: {raw:?}");
    }

    #[test]
    fn postgres_catalog_spellings() {
        let d = Dialect::Postgres;
        check(d, "integer", T::Integer);
        check(d, "int4", T::Integer);
        check(d, "serial", T::Integer);
        check(d, "bigint", T::BigInt);
        check(d, "character varying(200)", T::Varchar(200));
        check(d, "VARCHAR (200)", T::Varchar(200));
        check(d, "character varying", T::Text);
        check(
            d,
            "numeric(10,2)",
            T::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        );
        check(d, "timestamp with time zone", T::TimestampTz);
        check(d, "timestamptz", T::TimestampTz);
        check(d, "timestamp without time zone", T::Timestamp);
        check(d, "double precision", T::Double);
        check(d, "float8", T::Double);
        check(d, "bool", T::Boolean);
        check(d, "bytea", T::Bytes);
        check(d, "inet", T::Custom("inet".into()));
    }

    #[test]
    fn mysql_catalog_spellings() {
        let d = Dialect::MySql;
        check(d, "tinyint(1)", T::Boolean);
        check(d, "int(11)", T::Integer);
        check(d, "int", T::Integer);
        check(d, "int unsigned", T::Custom("int unsigned".into()));
        check(d, "bigint(20)", T::BigInt);
        check(d, "varchar(64)", T::Varchar(64));
        check(d, "longtext", T::Text);
        check(d, "datetime(6)", T::Timestamp);
        check(
            d,
            "decimal(10,2)",
            T::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        );
        check(d, "double", T::Double);
        check(d, "float", T::Real);
        check(
            d,
            "enum('draft','it''s')",
            T::Enum {
                name: String::new(),
                values: vec!["draft".into(), "it's".into()],
            },
        );
        check(
            d,
            "enum('a (b)','c')",
            T::Enum {
                name: String::new(),
                values: vec!["a (b)".into(), "c".into()],
            },
        );
        check(
            d,
            "int(10) unsigned zerofill",
            T::Custom("int unsigned".into()),
        );
        check(
            d,
            r"enum('a\\b','c')",
            T::Enum {
                name: String::new(),
                values: vec![r"a\b".into(), "c".into()],
            },
        );
    }

    /// What the server stores, whatever width the catalog or the model writes: each pair
    /// compares equal, and each type differs from the ones it must not be taken for.
    #[test]
    fn mysql_widths_are_normalised_and_sizes_kept() {
        let d = Dialect::MySql;
        let same = [
            ("year(4)", "YEAR"),
            ("tinyint(3) unsigned", "TINYINT UNSIGNED"),
            ("tinyint(4)", "TINYINT"),
            ("smallint(5) unsigned", "SMALLINT UNSIGNED"),
            ("mediumint(8) unsigned", "MEDIUMINT UNSIGNED"),
            ("int(10) unsigned", "INT UNSIGNED"),
            ("bigint(20) unsigned", "BIGINT UNSIGNED"),
            ("mediumint(9)", "MEDIUMINT"),
            ("bit(1)", "BIT"),
            ("datetime", "DATETIME"),
            ("datetime(3)", "DATETIME(3)"),
            ("text", "TEXT"),
        ];
        for (catalog, model) in same {
            assert_eq!(parse(catalog, d), parse(model, d), "{catalog} vs {model}");
        }
        let different = [
            ("datetime", "datetime(6)"),
            ("timestamp(6)", "datetime(6)"),
            ("time", "time(6)"),
            ("text", "longtext"),
            ("mediumtext", "longtext"),
            ("blob", "longblob"),
            ("int unsigned", "bigint"),
            ("int unsigned", "int"),
            ("mediumint", "int"),
            ("tinyint", "tinyint(1)"),
            ("bit(1)", "bit(8)"),
        ];
        for (a, b) in different {
            assert_ne!(parse(a, d), parse(b, d), "{a} vs {b}");
        }
        assert!(ColumnType::Custom("INT UNSIGNED".into()).is_integer());
        assert!(ColumnType::Custom("int(10) unsigned".into()).is_unsigned());
        assert!(!ColumnType::Custom("year".into()).is_integer());
    }

    #[test]
    fn sqlite_declared_spellings() {
        let d = Dialect::Sqlite;
        check(d, "INTEGER", T::Integer);
        check(d, "BIGINT", T::Integer);
        check(d, "VARCHAR(200)", T::Text);
        check(d, "DATETIME", T::Timestamp);
        check(d, "BOOLEAN", T::Boolean);
        check(d, "DOUBLE", T::Double);
    }

    #[test]
    fn every_rendered_type_reads_back_canonically_equal() {
        let all = [
            T::Boolean,
            T::SmallInt,
            T::Integer,
            T::BigInt,
            T::Real,
            T::Double,
            T::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            T::Decimal {
                precision: None,
                scale: None,
            },
            T::Text,
            T::Varchar(200),
            T::Char(3),
            T::Bytes,
            T::Date,
            T::Time,
            T::Timestamp,
            T::TimestampTz,
            T::Uuid,
            T::Json,
        ];
        for d in Dialect::ALL {
            for ty in &all {
                let back = parse(&ty.sql(d), d);
                assert_eq!(
                    back.canonical(d),
                    ty.canonical(d),
                    "{d}: {ty:?} rendered as {:?}",
                    ty.sql(d)
                );
            }
        }
    }

    #[test]
    fn custom_spelling_of_known_type_is_canonical() {
        assert_eq!(
            T::Custom("int4".into()).canonical(Dialect::Postgres),
            T::Integer
        );
        assert_eq!(
            T::Custom("character varying(20)".into()).canonical(Dialect::Postgres),
            T::Varchar(20)
        );
        assert_eq!(
            T::Custom("geometry".into()).canonical(Dialect::Postgres),
            T::Custom("geometry".into())
        );
        assert_eq!(
            T::Custom("int[]".into()).canonical(Dialect::Postgres),
            T::Custom("integer[]".into()).canonical(Dialect::Postgres)
        );
        assert_eq!(
            T::Custom("VARCHAR(20)[]".into()).canonical(Dialect::Postgres),
            T::Custom("character varying(20)[]".into())
        );
    }
}
