//! What each attribute of the derive puts in the table.

use aludel_schema::{Check, ColumnType as T, FkAction, ForeignKey, Index, PrimaryKey, Unique};

use crate::Model;

#[derive(crate::Model)]
#[aludel(
    table = "posts",
    comment = "what users write",
    renamed_from = "articles"
)]
#[aludel(unique(name = "uq_posts_slug_owner", columns(slug, owner_id)))]
#[aludel(index(columns(created_at, owner_id), unique, where = "owner_id IS NOT NULL"))]
#[aludel(index(columns(body), using = "gin"))]
#[aludel(check(name = "ck_posts_positive", expr = "score >= 0"))]
#[allow(dead_code)]
struct Post {
    #[aludel(primary_key)]
    id: i32,
    #[aludel(max_length = 200, unique, comment = "the headline")]
    title: String,
    #[aludel(column = "url_slug", max_length = 80)]
    slug: String,
    body: Option<String>,
    #[aludel(default = "0", check = "score <= 100")]
    score: f64,
    #[aludel(
        references = "users.id",
        on_delete = "set null",
        on_update = "cascade",
        index
    )]
    owner_id: Option<i64>,
    #[aludel(default = "0")]
    created_at: i64,
    #[aludel(sql_type = "inet", renamed_from = "ip_address")]
    ip: Option<String>,
    #[aludel(precision = 10, scale = 2)]
    price: f64,
    flags: i16,
    published: bool,
    raw: Vec<u8>,
    #[aludel(skip)]
    cached_html: String,
}

#[derive(crate::Model)]
#[allow(dead_code)]
struct AuditEntry {
    #[aludel(primary_key, auto_increment = false)]
    id: i64,
}

#[cfg(feature = "chrono")]
#[derive(crate::Model)]
#[allow(dead_code)]
struct Times {
    #[aludel(primary_key)]
    day: chrono::NaiveDate,
    at: chrono::NaiveTime,
    local: chrono::NaiveDateTime,
    utc: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_types() {
    let t = Times::table();
    let types: Vec<(&T, bool)> = t.columns.iter().map(|c| (&c.ty, c.nullable)).collect();
    assert_eq!(
        types,
        [
            (&T::Date, false),
            (&T::Time, false),
            (&T::Timestamp, false),
            (&T::TimestampTz, true)
        ]
    );
    assert!(
        !t.columns[0].auto_increment,
        "only integer keys auto-increment"
    );
}

#[test]
fn every_attribute_lands_in_the_table() {
    let t = Post::table();
    assert_eq!(t.name, "posts");
    assert_eq!(t.comment.as_deref(), Some("what users write"));
    assert_eq!(t.renamed_from, ["articles"]);
    let cols: Vec<(&str, &T, bool)> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), &c.ty, c.nullable))
        .collect();
    assert_eq!(
        cols,
        [
            ("id", &T::Integer, false),
            ("title", &T::Varchar(200), false),
            ("url_slug", &T::Varchar(80), false),
            ("body", &T::Text, true),
            ("score", &T::Double, false),
            ("owner_id", &T::BigInt, true),
            ("created_at", &T::BigInt, false),
            ("ip", &T::Custom("inet".into()), true),
            (
                "price",
                &T::Decimal {
                    precision: Some(10),
                    scale: Some(2)
                },
                false
            ),
            ("flags", &T::SmallInt, false),
            ("published", &T::Boolean, false),
            ("raw", &T::Bytes, false),
        ]
    );
    let col = |n: &str| t.get_column(n).unwrap();
    assert!(
        col("id").auto_increment,
        "a lone integer key auto-increments"
    );
    assert!(!col("owner_id").auto_increment);
    assert_eq!(col("title").comment.as_deref(), Some("the headline"));
    assert_eq!(col("score").default.as_deref(), Some("0"));
    assert_eq!(col("ip").renamed_from, ["ip_address"]);
    assert_eq!(t.primary_key, Some(PrimaryKey::new(["id"])));
    assert_eq!(
        t.uniques,
        [
            Unique::new(["title"]),
            Unique::new(["url_slug", "owner_id"]).named("uq_posts_slug_owner")
        ]
    );
    assert_eq!(
        t.indexes,
        [
            Index::new(["owner_id"]),
            Index::new(["created_at", "owner_id"])
                .unique()
                .where_("owner_id IS NOT NULL"),
            Index::new(["body"]).using("gin"),
        ]
    );
    assert_eq!(
        t.foreign_keys,
        [ForeignKey::new(["owner_id"], "users", ["id"])
            .on_delete(FkAction::SetNull)
            .on_update(FkAction::Cascade)]
    );
    assert_eq!(
        t.checks,
        [
            Check::new("score <= 100").named("ck_posts_score"),
            Check::new("score >= 0").named("ck_posts_positive"),
        ]
    );
}

#[test]
fn defaults_of_the_derive() {
    let t = AuditEntry::table();
    assert_eq!(t.name, "audit_entry", "snake_case, not pluralised");
    assert!(
        !t.columns[0].auto_increment,
        "auto_increment = false turns it off"
    );
}

#[test]
fn registered_models_form_the_schema() {
    let s = crate::schema(aludel_schema::Dialect::Postgres).unwrap();
    let names: Vec<aludel_schema::TableName> = s.tables.iter().map(|t| t.table_name()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "in name order");
    for want in ["audit_entry", "posts", "log_line"] {
        assert!(names.iter().any(|n| n.name == want), "{want}: {names:?}");
    }
}

/// Defines the items and keeps their source, to read them back without the compiler.
macro_rules! with_source {
    ($name:ident; $($item:item)*) => {
        $($item)*
        const $name: &str = stringify!($($item)*);
    };
}

with_source! {
    DESCRIBED;
    #[derive(crate::Enum)]
    #[aludel(name = "mood")]
    #[allow(dead_code)]
    enum Mood { Happy, #[aludel(rename = "so-so")] SoSo }

    #[derive(crate::Model)]
    #[aludel(table = "people", schema = "crm", comment = "who", renamed_from = "persons")]
    #[aludel(primary_key(org, number))]
    #[aludel(unique(name = "uq_people_email", columns(email)))]
    #[aludel(index(name = "ix_people_seen", columns(seen, org), unique, where = "seen > 0", using = "hash"))]
    #[aludel(foreign_key(name = "fk_people_org", columns(org, number), references = "crm.orgs(id, kind)", on_delete = "cascade"))]
    #[aludel(check(name = "ck_people_seen", expr = "seen >= 0"))]
    #[allow(dead_code)]
    struct Person {
        org: i32,
        number: i64,
        #[aludel(max_length = 120, unique, comment = "mail")]
        email: String,
        #[aludel(column = "type", sql_type = "inet", renamed_from = "kind")]
        r#type: Option<String>,
        #[aludel(default = "0", check = "seen < 1000", index)]
        seen: i16,
        mood: Option<Mood>,
        #[aludel(precision = 12, scale = 3)]
        balance: f64,
        #[aludel(references = "crm.orgs.id", on_update = "set null")]
        parent: Option<i32>,
        data: Vec<u8>,
        big: u64,
        #[aludel(skip)]
        cache: String,
    }

    #[derive(crate::Model)]
    #[aludel(rename_all = "PascalCase")]
    #[allow(dead_code, non_snake_case)]
    struct Invoice {
        #[aludel(primary_key)]
        invoice_id: i64,
        billing_city: Option<String>,
        #[aludel(column = "total")]
        total_amount: f64,
    }

    #[derive(crate::Model)]
    #[allow(dead_code)]
    struct LogLine {
        #[aludel(primary_key, auto_increment = false)]
        id: i64,
        flag: bool,
        ratio: f32,
    }
}

#[test]
fn described_without_a_compiler_as_the_derive_builds() {
    let file = syn::parse_file(DESCRIBED).expect("the items parse");
    let mut enums = Vec::new();
    let mut structs = Vec::new();
    for item in file.items {
        match item {
            syn::Item::Enum(e) => {
                let input: syn::DeriveInput = e.into();
                let ty = aludel_macros_core::describe_enum(&input).unwrap();
                enums.push((input.ident.to_string(), ty));
            }
            syn::Item::Struct(s) => structs.push(syn::DeriveInput::from(s)),
            _ => {}
        }
    }
    let described: Vec<_> = structs
        .iter()
        .map(|s| aludel_macros_core::describe(s, &enums).unwrap())
        .collect();
    assert_eq!(
        described,
        vec![Person::table(), Invoice::table(), LogLine::table()]
    );
    let invoice: Vec<String> = Invoice::table()
        .columns
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(invoice, ["InvoiceId", "BillingCity", "total"]);
}

#[test]
fn the_type_table_is_what_sql_type_implements() {
    use crate::SqlType;
    use aludel_schema::rust_types::column_type_of;
    macro_rules! same {
        ($($t:ty),*) => {$(
            assert_eq!(
                column_type_of(stringify!($t)),
                Some(<$t as SqlType>::column_type()),
                stringify!($t)
            );
        )*};
    }
    same!(
        bool,
        i16,
        i32,
        i64,
        f32,
        f64,
        String,
        Vec<u8>,
        u8,
        u16,
        u32,
        u64
    );
    #[cfg(feature = "chrono")]
    same!(
        chrono::NaiveDate,
        chrono::NaiveTime,
        chrono::NaiveDateTime,
        chrono::DateTime<chrono::Utc>
    );
    #[cfg(feature = "time")]
    same!(
        time::Date,
        time::Time,
        time::PrimitiveDateTime,
        time::OffsetDateTime
    );
    #[cfg(feature = "uuid")]
    same!(uuid::Uuid);
    #[cfg(feature = "json")]
    same!(serde_json::Value);
    #[cfg(feature = "decimal")]
    same!(rust_decimal::Decimal);
}
