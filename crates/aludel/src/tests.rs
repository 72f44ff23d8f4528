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
    let s = crate::schema().unwrap();
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert!(names.starts_with(&["audit_entry", "posts"]), "{names:?}");
}
