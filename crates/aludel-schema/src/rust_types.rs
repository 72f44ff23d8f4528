//! The Rust types aludel maps to column types, as data. `aludel::SqlType` implements the
//! same mapping for the compiler (a test in `aludel` holds the two together); this table
//! serves what reads or writes model source without compiling it: `aludel inspect`
//! writes fields with these types, and the derive's describer reads them back.

use crate::ColumnType;

/// A Rust type a model field may have, its column type, and the feature of the `aludel`
/// crate that maps it (none: always mapped).
pub struct RustType {
    /// The path as `inspect` writes it.
    pub path: &'static str,
    pub feature: Option<&'static str>,
    column_type: fn() -> ColumnType,
}

impl RustType {
    pub fn column_type(&self) -> ColumnType {
        (self.column_type)()
    }
}

macro_rules! rust_types {
    ($($path:literal $(($feature:literal))? => $ty:expr),* $(,)?) => {
        &[$(RustType {
            path: $path,
            feature: rust_types!(@feature $($feature)?),
            column_type: || $ty,
        }),*]
    };
    (@feature) => { None };
    (@feature $f:literal) => { Some($f) };
}

/// Every mapped type, the preferred one first for each column type.
pub const RUST_TYPES: &[RustType] = rust_types! {
    "bool" => ColumnType::Boolean,
    "i16" => ColumnType::SmallInt,
    "i32" => ColumnType::Integer,
    "i64" => ColumnType::BigInt,
    "f32" => ColumnType::Real,
    "f64" => ColumnType::Double,
    "String" => ColumnType::Text,
    "Vec<u8>" => ColumnType::Bytes,
    "u8" => ColumnType::Custom("TINYINT UNSIGNED".into()),
    "u16" => ColumnType::Custom("SMALLINT UNSIGNED".into()),
    "u32" => ColumnType::Custom("INT UNSIGNED".into()),
    "u64" => ColumnType::Custom("BIGINT UNSIGNED".into()),
    "chrono::NaiveDate" ("chrono") => ColumnType::Date,
    "chrono::NaiveTime" ("chrono") => ColumnType::Time,
    "chrono::NaiveDateTime" ("chrono") => ColumnType::Timestamp,
    "chrono::DateTime<chrono::Utc>" ("chrono") => ColumnType::TimestampTz,
    "time::Date" ("time") => ColumnType::Date,
    "time::Time" ("time") => ColumnType::Time,
    "time::PrimitiveDateTime" ("time") => ColumnType::Timestamp,
    "time::OffsetDateTime" ("time") => ColumnType::TimestampTz,
    "uuid::Uuid" ("uuid") => ColumnType::Uuid,
    "serde_json::Value" ("json") => ColumnType::Jsonb,
    "rust_decimal::Decimal" ("decimal") => ColumnType::Decimal { precision: None, scale: None },
};

/// The column type of a Rust type written as `path` (spaces ignored), when it is mapped.
pub fn column_type_of(path: &str) -> Option<ColumnType> {
    let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    RUST_TYPES
        .iter()
        .find(|t| t.path == path)
        .map(RustType::column_type)
}

/// The preferred Rust type for `ty` among those whose feature is in `features`.
pub fn rust_type_of(ty: &ColumnType, features: &[&str]) -> Option<&'static RustType> {
    RUST_TYPES
        .iter()
        .find(|t| t.feature.is_none_or(|f| features.contains(&f)) && t.column_type() == *ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back() {
        for t in RUST_TYPES {
            assert_eq!(column_type_of(t.path), Some(t.column_type()), "{}", t.path);
        }
        assert_eq!(column_type_of("Vec < u8 >"), Some(ColumnType::Bytes));
        assert_eq!(
            rust_type_of(&ColumnType::Date, &["time", "chrono"]).map(|t| t.path),
            Some("chrono::NaiveDate")
        );
        assert_eq!(
            rust_type_of(&ColumnType::Date, &["time"]).map(|t| t.path),
            Some("time::Date")
        );
        assert!(rust_type_of(&ColumnType::Uuid, &[]).is_none());
    }
}
