//! Column types: the logical types aludel knows, how each dialect spells them, and how
//! a spelling read from a catalog (or written by hand in `sql_type`) maps back.

use crate::backend::{TypeText, mysql_integer};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Dialect, lex};

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
        dialect.backend().canonical_type(ty)
    }

    /// The SQL spelling of this type on `dialect`.
    pub fn sql(&self, dialect: Dialect) -> String {
        dialect.backend().type_sql(self)
    }
}

/// `NUMERIC`, `NUMERIC(p)` or `NUMERIC(p, s)`.
pub(crate) fn numeric(precision: &Option<u32>, scale: &Option<u32>) -> String {
    match (precision, scale) {
        (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
        (Some(p), None) => format!("NUMERIC({p})"),
        _ => "NUMERIC".to_string(),
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
pub(crate) fn pg_format_name(ty: &ColumnType) -> Option<String> {
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
pub(crate) fn pg_custom(raw: &str) -> String {
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
    let norm = collapse(raw);
    let (base, args) = split_args(&norm);
    let nums: Vec<u32> = args
        .iter()
        .filter_map(|a| a.trim().parse::<u32>().ok())
        .collect();
    let base = base.trim_end_matches(" zerofill");
    let unsigned = base.ends_with(" unsigned");
    let base = base.trim_end_matches(" unsigned");
    dialect.backend().parse_type(&TypeText {
        base,
        unsigned,
        n0: nums.first().copied(),
        n1: nums.get(1).copied(),
        norm: &norm,
    })
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
pub(crate) fn parse_enum_values(norm: &str) -> Vec<String> {
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
