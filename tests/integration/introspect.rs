//! Creating a schema with the renderer and reading it back gives no change.

use aludel_schema::{
    Column, ColumnType as T, Dialect, FkAction, ForeignKey, Index, NamingConvention, Schema, Table,
    Unique, normalize,
};
use aludel_tests::{TestDb, block_on};

fn blog() -> Schema {
    let mut s = Schema {
        tables: vec![
            Table::new("users")
                .column(Column::new("id", T::BigInt).auto_increment())
                .column(Column::new("username", T::Varchar(64)))
                .column(Column::new("created_at", T::TimestampTz).default("CURRENT_TIMESTAMP"))
                .primary_key(["id"])
                .unique(Unique::new(["username"])),
            Table::new("posts")
                .column(Column::new("id", T::Integer).auto_increment())
                .column(Column::new("title", T::Varchar(200)).default("'untitled'"))
                .column(Column::new("body", T::Text).nullable())
                .column(Column::new("published", T::Boolean).default("false"))
                .column(Column::new("score", T::Double).default("0"))
                .column(Column::new("owner_id", T::BigInt).nullable())
                .column(Column::new("edited_at", T::Timestamp).nullable())
                .primary_key(["id"])
                .index(Index::new(["title"]))
                .foreign_key(
                    ForeignKey::new(["owner_id"], "users", ["id"]).on_delete(FkAction::SetNull),
                ),
            Table::new("votes")
                .column(Column::new("user_id", T::BigInt))
                .column(Column::new("post_id", T::Integer))
                .primary_key(["user_id", "post_id"])
                .foreign_key(
                    ForeignKey::new(["user_id"], "users", ["id"]).on_delete(FkAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::new(["post_id"], "posts", ["id"]).on_delete(FkAction::Cascade),
                ),
        ],
        enums: vec![],
    };
    NamingConvention::default().apply(&mut s, Dialect::Postgres);
    s
}

/// Creates `schema` from nothing with the differ and renderer, then reads it back.
async fn create_and_read(db: &TestDb, schema: &Schema) -> (Schema, u64) {
    let mut conn = db.connect().await;
    let plan = aludel_diff::diff(&Schema::new(), schema, db.dialect).unwrap();
    let (sql, _) = aludel_sql::render_all(&plan.upgrade, &Schema::new(), db.dialect).unwrap();
    for stmt in &sql {
        conn.execute(stmt)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", db.dialect));
    }
    let before = conn.query_count();
    let live = conn.introspect(&Default::default()).await.unwrap();
    let queries = conn.query_count() - before;
    conn.close().await;
    (live, queries)
}

#[test]
fn created_schema_reads_back_without_changes() {
    for db in TestDb::all() {
        block_on(async {
            let models = blog();
            let (live, _) = create_and_read(&db, &models).await;
            let plan = aludel_diff::diff(&live, &models, db.dialect).unwrap();
            assert!(
                plan.is_empty(),
                "{}: false positives: {:#?}\nlive: {:#?}\nmodels: {:#?}",
                db.dialect,
                plan.upgrade,
                normalize(&live, db.dialect),
                normalize(&models, db.dialect)
            );
        });
    }
}

#[test]
fn catalog_query_count_does_not_grow_with_tables() {
    for db in TestDb::all() {
        block_on(async {
            let mut s = Schema::new();
            for i in 0..30 {
                s.tables.push(
                    Table::new(format!("t{i}"))
                        .column(Column::new("id", T::Integer))
                        .column(Column::new("name", T::Varchar(20)))
                        .primary_key(["id"])
                        .index(Index::new(["name"]).named(format!("ix_t{i}_name"))),
                );
            }
            let (live, queries) = create_and_read(&db, &s).await;
            assert_eq!(live.tables.len(), 30);
            let want = match db.dialect {
                Dialect::Postgres => 5,
                Dialect::MySql => 5,
                Dialect::Sqlite => 4,
            };
            assert_eq!(queries, want, "{}", db.dialect);
        });
    }
}
