//! The fidelity corpus: one model per type and per attribute. Each table's name starts
//! with its case id (`t07_...`, `a12_...`); `tests/fixtures/fidelity/<dialect>.sql`
//! holds the same tables written by hand, case by case, and says which cases each
//! backend has.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(aludel::Enum)]
#[aludel(name = "t29_mood")]
pub enum Mood {
    Happy,
    #[aludel(rename = "so-so")]
    SoSo,
    Sad,
}

macro_rules! type_case {
    ($struct:ident, $table:literal, $ty:ty $(, $attr:meta)?) => {
        #[derive(aludel::Model)]
        #[aludel(table = $table)]
        pub struct $struct {
            #[aludel(primary_key)]
            pub id: i32,
            $(#[$attr])?
            pub v: $ty,
        }
    };
}

// Types.
type_case!(T01, "t01_bool", bool);
type_case!(T02, "t02_i16", i16);
type_case!(T03, "t03_i32", i32);
type_case!(T04, "t04_i64", i64);
type_case!(T05, "t05_f32", f32);
type_case!(T06, "t06_f64", f64);
type_case!(T07, "t07_text", String);
type_case!(T08, "t08_varchar", String, aludel(max_length = 120));
type_case!(T09, "t09_bytes", Vec<u8>);
type_case!(T10, "t10_date", NaiveDate);
type_case!(T11, "t11_time", NaiveTime);
type_case!(T12, "t12_timestamp", NaiveDateTime);
type_case!(T13, "t13_timestamptz", DateTime<Utc>);
type_case!(T14, "t14_time_date", time::Date);
type_case!(T15, "t15_time_time", time::Time);
type_case!(T16, "t16_time_primitive", time::PrimitiveDateTime);
type_case!(T17, "t17_time_offset", time::OffsetDateTime);
type_case!(T18, "t18_uuid", Uuid);
type_case!(T19, "t19_json", serde_json::Value);
type_case!(T20, "t20_decimal", Decimal);
type_case!(
    T21,
    "t21_decimal_ps",
    Decimal,
    aludel(precision = 10, scale = 2)
);
type_case!(
    T22,
    "t22_numeric_f64",
    f64,
    aludel(precision = 12, scale = 0)
);
type_case!(T23, "t23_opt_bool", Option<bool>);
type_case!(T24, "t24_opt_i64", Option<i64>);
type_case!(T25, "t25_opt_text", Option<String>);
type_case!(T26, "t26_opt_timestamptz", Option<DateTime<Utc>>);
type_case!(T27, "t27_opt_uuid", Option<Uuid>);
type_case!(T28, "t28_opt_json", Option<serde_json::Value>);
type_case!(T29, "t29_enum", Mood);
type_case!(T30, "t30_opt_enum", Option<Mood>);
type_case!(T31, "t31_char", String, aludel(sql_type = "char(3)"));
type_case!(
    T32,
    "t32_opt_varchar",
    Option<String>,
    aludel(max_length = 20)
);
type_case!(T33, "t33_opt_bytes", Option<Vec<u8>>);
type_case!(T34, "t34_opt_date", Option<NaiveDate>);
type_case!(T35, "t35_opt_f32", Option<f32>);
type_case!(T36, "t36_opt_i16", Option<i16>);
type_case!(T37, "t37_inet", String, aludel(sql_type = "inet"));
type_case!(T38, "t38_int_array", Vec<i32>, aludel(sql_type = "int[]"));
type_case!(T39, "t39_int4", i32, aludel(sql_type = "int4"));
type_case!(T40, "t40_mediumint", i32, aludel(sql_type = "mediumint"));

// Keys.
#[derive(aludel::Model)]
#[aludel(table = "a01_pk_i64")]
pub struct A01 {
    #[aludel(primary_key)]
    pub id: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a02_pk_no_auto")]
pub struct A02 {
    #[aludel(primary_key, auto_increment = false)]
    pub id: i64,
    pub name: Option<String>,
}

#[derive(aludel::Model)]
#[aludel(table = "a03_pk_composite", primary_key(a, b))]
pub struct A03 {
    pub a: i32,
    pub b: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a04_pk_string")]
pub struct A04 {
    #[aludel(primary_key, max_length = 40)]
    pub code: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a05_unique")]
pub struct A05 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(unique, max_length = 100)]
    pub email: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a06_index")]
pub struct A06 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(index)]
    pub score: i32,
}

#[derive(aludel::Model)]
#[aludel(table = "a07_unique_pair", unique(columns(a, b)))]
pub struct A07 {
    #[aludel(primary_key)]
    pub id: i32,
    pub a: i32,
    pub b: i32,
}

#[derive(aludel::Model)]
#[aludel(
    table = "a08_unique_named",
    unique(name = "a08_pair_key", columns(b, a))
)]
pub struct A08 {
    #[aludel(primary_key)]
    pub id: i32,
    pub a: i32,
    pub b: i32,
}

#[derive(aludel::Model)]
#[aludel(table = "a09_index_pair", index(columns(a, b)))]
pub struct A09 {
    #[aludel(primary_key)]
    pub id: i32,
    pub a: i32,
    pub b: i32,
}

#[derive(aludel::Model)]
#[aludel(
    table = "a10_index_unique",
    index(name = "a10_ab", columns(a, b), unique)
)]
pub struct A10 {
    #[aludel(primary_key)]
    pub id: i32,
    pub a: i32,
    pub b: i32,
}

#[derive(aludel::Model)]
#[aludel(table = "a11_partial", index(columns(a), where = "a > 10"))]
pub struct A11 {
    #[aludel(primary_key)]
    pub id: i32,
    pub a: i32,
}

#[derive(aludel::Model)]
#[aludel(
    table = "a12_partial_unique",
    index(columns(email), unique, where = "deleted = false")
)]
pub struct A12 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(max_length = 100)]
    pub email: String,
    pub deleted: bool,
}

#[derive(aludel::Model)]
#[aludel(table = "a13_column_name")]
pub struct A13 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(column = "display_name")]
    pub name: String,
}

// Defaults.
#[derive(aludel::Model)]
#[aludel(table = "a14_default_string")]
pub struct A14 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(max_length = 20, default = "'draft'")]
    pub status: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a15_default_int")]
pub struct A15 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "42")]
    pub n: i32,
    #[aludel(default = "-1")]
    pub m: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a16_default_bool")]
pub struct A16 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "true")]
    pub on: bool,
    #[aludel(default = "FALSE")]
    pub off: bool,
}

#[derive(aludel::Model)]
#[aludel(table = "a17_default_now")]
pub struct A17 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "CURRENT_TIMESTAMP")]
    pub at: DateTime<Utc>,
    #[aludel(default = "CURRENT_TIMESTAMP")]
    pub local: NaiveDateTime,
}

#[derive(aludel::Model)]
#[aludel(table = "a18_default_date")]
pub struct A18 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "CURRENT_DATE")]
    pub day: NaiveDate,
}

#[derive(aludel::Model)]
#[aludel(table = "a19_default_float")]
pub struct A19 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "1.5")]
    pub x: f64,
    #[aludel(precision = 10, scale = 2, default = "0")]
    pub price: Decimal,
}

#[derive(aludel::Model)]
#[aludel(table = "a20_default_text")]
pub struct A20 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "''")]
    pub body: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a21_default_uuid")]
pub struct A21 {
    #[aludel(primary_key, default = "gen_random_uuid()")]
    pub id: Uuid,
}

#[derive(aludel::Model)]
#[aludel(table = "a22_default_expr")]
pub struct A22 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "(1 + 2)")]
    pub n: i32,
}

// Foreign keys.
#[derive(aludel::Model)]
#[aludel(table = "a23_parent")]
pub struct A23Parent {
    #[aludel(primary_key)]
    pub id: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a23_child")]
pub struct A23Child {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a23_parent.id")]
    pub parent_id: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a24_child")]
pub struct A24 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a23_parent.id", on_delete = "cascade")]
    pub parent_id: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a25_child")]
pub struct A25 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a23_parent.id", on_delete = "set null")]
    pub parent_id: Option<i64>,
}

#[derive(aludel::Model)]
#[aludel(table = "a26_child")]
pub struct A26 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(
        references = "a23_parent.id",
        on_delete = "restrict",
        on_update = "cascade"
    )]
    pub parent_id: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a27_child")]
pub struct A27 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a23_parent.id", on_delete = "set default", default = "0")]
    pub parent_id: i64,
}

#[derive(aludel::Model)]
#[aludel(table = "a28_child")]
pub struct A28 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a23_parent.id", on_update = "set null")]
    pub parent_id: Option<i64>,
}

#[derive(aludel::Model)]
#[aludel(table = "a29_pair", primary_key(a, b))]
pub struct A29Pair {
    pub a: i32,
    pub b: i32,
}

#[derive(aludel::Model)]
#[aludel(
    table = "a29_child",
    foreign_key(columns(pa, pb), references = "a29_pair(a, b)", on_delete = "cascade")
)]
pub struct A29Child {
    #[aludel(primary_key)]
    pub id: i32,
    pub pa: i32,
    pub pb: i32,
}

#[derive(aludel::Model)]
#[aludel(table = "a30_tree")]
pub struct A30 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a30_tree.id", on_delete = "cascade", index)]
    pub parent_id: Option<i64>,
}

#[derive(aludel::Model)]
#[aludel(table = "a31_two_refs")]
pub struct A31 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "a23_parent.id")]
    pub from_id: i64,
    #[aludel(references = "a23_parent.id")]
    pub to_id: Option<i64>,
}

// Checks, comments, schemas and the rest.
#[derive(aludel::Model)]
#[aludel(table = "a32_check_field")]
pub struct A32 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(check = "score >= 0")]
    pub score: f64,
}

#[derive(aludel::Model)]
#[aludel(
    table = "a33_check_struct",
    check(name = "a33_range", expr = "lo < hi"),
    check(name = "a33_lo", expr = "lo >= 0 AND lo <= 100")
)]
pub struct A33 {
    #[aludel(primary_key)]
    pub id: i32,
    pub lo: i32,
    pub hi: i32,
}

#[derive(aludel::Model)]
#[aludel(table = "a34_check_in")]
pub struct A34 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(max_length = 10, check = "kind IN ('a', 'b')")]
    pub kind: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a35_comments", comment = "a table's comment")]
pub struct A35 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(comment = "what it's for")]
    pub note: Option<String>,
}

#[derive(aludel::Model)]
#[aludel(table = "a36_in_schema", schema = "audit")]
pub struct A36 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(index)]
    pub at: DateTime<Utc>,
}

#[derive(aludel::Model)]
#[aludel(table = "a37_renamed", renamed_from = "a37_old")]
pub struct A37 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(renamed_from = "old_name")]
    pub name: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a38_skip")]
pub struct A38 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(skip)]
    pub cache: Vec<String>,
}

#[derive(aludel::Model)]
#[aludel(table = "a39_sql_type_varchar")]
pub struct A39 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(sql_type = "varchar(30)")]
    pub code: String,
}

#[derive(aludel::Model)]
pub struct A40DefaultName {
    #[aludel(primary_key)]
    pub id: i32,
}

#[derive(aludel::Model)]
#[aludel(table = "a41_unique_nullable")]
pub struct A41 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(unique, max_length = 50)]
    pub nickname: Option<String>,
}

#[derive(aludel::Model)]
#[aludel(table = "a42_unique_and_index")]
pub struct A42 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(unique, index)]
    pub n: i64,
}

#[derive(aludel::Model)]
#[aludel(
    table = "a43_partial_text",
    index(columns(status), where = "status <> 'gone'")
)]
pub struct A43 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(max_length = 10)]
    pub status: String,
}

#[derive(aludel::Model)]
#[aludel(table = "a44_ref_other_schema")]
pub struct A44 {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "audit.a36_in_schema.id")]
    pub entry_id: Option<i64>,
}

#[derive(aludel::Model)]
#[aludel(table = "a45_i16_pk")]
pub struct A45 {
    #[aludel(primary_key)]
    pub id: i16,
}

#[derive(aludel::Model)]
#[aludel(table = "a46_default_null")]
pub struct A46 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "NULL")]
    pub maybe: Option<i32>,
}

#[derive(aludel::Model)]
#[aludel(table = "a47_enum_default")]
pub struct A47 {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(default = "'happy'")]
    pub mood: Mood,
}
