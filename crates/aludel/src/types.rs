//! Rust types to column types.

use aludel_schema::ColumnType;

/// A Rust type with a column type. Implemented for the types of the README's mapping
/// table and by `#[derive(aludel::Enum)]`.
#[diagnostic::on_unimplemented(
    message = "aludel has no column type for `{Self}`",
    label = "no SQL type known for this field",
    note = "give the field #[aludel(sql_type = \"...\")], or enable the aludel feature that maps this type (chrono, time, uuid, json, decimal)"
)]
pub trait SqlType {
    fn column_type() -> ColumnType;
    /// Whether the column accepts NULL (`Option<T>`).
    const NULLABLE: bool = false;
}

macro_rules! sql_type {
    ($($t:ty => $v:expr),* $(,)?) => {
        $(impl SqlType for $t {
            fn column_type() -> ColumnType {
                $v
            }
        })*
    };
}

sql_type! {
    bool => ColumnType::Boolean,
    i16 => ColumnType::SmallInt,
    i32 => ColumnType::Integer,
    i64 => ColumnType::BigInt,
    f32 => ColumnType::Real,
    f64 => ColumnType::Double,
    String => ColumnType::Text,
    Vec<u8> => ColumnType::Bytes,
}

// MySQL and MariaDB only: the differ refuses them on other dialects with the type to use.
sql_type! {
    u8 => ColumnType::Custom("TINYINT UNSIGNED".into()),
    u16 => ColumnType::Custom("SMALLINT UNSIGNED".into()),
    u32 => ColumnType::Custom("INT UNSIGNED".into()),
    u64 => ColumnType::Custom("BIGINT UNSIGNED".into()),
}

impl<T: SqlType> SqlType for Option<T> {
    fn column_type() -> ColumnType {
        T::column_type()
    }
    const NULLABLE: bool = true;
}

#[cfg(feature = "chrono")]
sql_type! {
    chrono::NaiveDate => ColumnType::Date,
    chrono::NaiveTime => ColumnType::Time,
    chrono::NaiveDateTime => ColumnType::Timestamp,
    chrono::DateTime<chrono::Utc> => ColumnType::TimestampTz,
}

#[cfg(feature = "time")]
sql_type! {
    time::Date => ColumnType::Date,
    time::Time => ColumnType::Time,
    time::PrimitiveDateTime => ColumnType::Timestamp,
    time::OffsetDateTime => ColumnType::TimestampTz,
}

#[cfg(feature = "uuid")]
sql_type! {
    uuid::Uuid => ColumnType::Uuid,
}

#[cfg(feature = "json")]
sql_type! {
    serde_json::Value => ColumnType::Jsonb,
}

#[cfg(feature = "decimal")]
sql_type! {
    rust_decimal::Decimal => ColumnType::Decimal { precision: None, scale: None },
}
