//! Every kind of change the differ makes, applied to a real database and reverted:
//! the database read back matches the target each way, and rows keep the values of
//! the columns that exist on both sides.

use aludel_introspect::Database;
use aludel_schema::{
    Column, ColumnType as T, Dialect, FkAction, ForeignKey, Index, NamingConvention, Schema, Table,
    Unique,
};
use aludel_tests::{TestDb, block_on};

fn named(mut s: Schema, d: Dialect) -> Schema {
    NamingConvention::default().apply(&mut s, d);
    s
}

fn before() -> Schema {
    Schema {
        tables: vec![
            Table::new("users")
                .column(Column::new("id", T::BigInt).auto_increment())
                .column(Column::new("name", T::Varchar(64)))
                .column(Column::new("email", T::Varchar(100)).nullable())
                .column(Column::new("bio", T::Text).nullable())
                .column(Column::new("rank", T::Integer).default("0"))
                .primary_key(["id"])
                .unique(Unique::new(["email"])),
            Table::new("posts")
                .column(Column::new("id", T::Integer).auto_increment())
                .column(Column::new("title", T::Varchar(100)))
                .column(Column::new("owner_id", T::BigInt).nullable())
                .column(Column::new("legacy", T::Text).nullable())
                .primary_key(["id"])
                .index(Index::new(["title"]))
                .foreign_key(ForeignKey::new(["owner_id"], "users", ["id"])),
            Table::new("tags")
                .column(Column::new("id", T::Integer))
                .column(Column::new("label", T::Varchar(20)))
                .primary_key(["id"]),
        ]
        .into(),
        enums: vec![],
    }
}

fn after() -> Schema {
    Schema {
        tables: vec![
            Table::new("users")
                .column(Column::new("id", T::BigInt).auto_increment())
                .column(Column::new("name", T::Varchar(120)).nullable())
                .column(Column::new("email", T::Varchar(100)).nullable())
                .column(Column::new("rank", T::Integer).default("5"))
                .column(Column::new("active", T::Boolean).default("true"))
                .primary_key(["id"])
                .index(Index::new(["email"])),
            Table::new("posts")
                .column(Column::new("id", T::Integer).auto_increment())
                .column(Column::new("title", T::Varchar(150)))
                .column(Column::new("owner_id", T::BigInt).nullable())
                .primary_key(["id"])
                .unique(Unique::new(["owner_id", "title"]))
                .foreign_key(
                    ForeignKey::new(["owner_id"], "users", ["id"]).on_delete(FkAction::Cascade),
                ),
            Table::new("labels")
                .column(Column::new("id", T::Integer).auto_increment())
                .column(Column::new("post_id", T::Integer))
                .column(Column::new("text", T::Varchar(30)).default("'new'"))
                .primary_key(["id"])
                .foreign_key(
                    ForeignKey::new(["post_id"], "posts", ["id"]).on_delete(FkAction::Cascade),
                ),
        ]
        .into(),
        enums: vec![],
    }
}

async fn live(c: &mut Database) -> Schema {
    let mut s = c.introspect(&Default::default()).await.unwrap();
    s.tables.retain(|t| t.name != "aludel_version");
    s
}

/// Migrates the database to `target` as autogenerate + upgrade would; returns the
/// statements of the downgrade back.
async fn migrate(c: &mut Database, target: &Schema, label: &str) -> Vec<String> {
    let d = c.dialect();
    let current = live(c).await;
    let plan = aludel_diff::diff(&current, target, d).unwrap();
    let (up, state) = aludel_sql::render_all(&plan.upgrade, &current, d).unwrap();
    aludel_runner::execute_statements(c, label, &up)
        .await
        .unwrap_or_else(|e| panic!("{d}: {label}: {e}\n{up:#?}"));
    let now = live(c).await;
    let left = aludel_diff::diff(&now, target, d).unwrap();
    assert!(
        left.is_empty(),
        "{d}: {label} left changes: {:#?}",
        left.upgrade
    );
    let (down, _) = aludel_sql::render_all(&plan.downgrade, &state, d).unwrap();
    down
}

async fn rows(c: &mut Database, sql: &str) -> Vec<String> {
    c.query_column(sql)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap_or_default())
        .collect()
}

#[test]
fn changes_apply_and_revert_on_every_backend() {
    for db in TestDb::all() {
        block_on(async {
            let d = db.dialect;
            let mut c = db.connect().await;
            migrate(&mut c, &named(before(), d), "create").await;
            for sql in [
                "INSERT INTO users (name, email, bio) VALUES ('ann', 'ann@x', 'hi')",
                "INSERT INTO users (name, email) VALUES ('bob', 'bob@x')",
                "INSERT INTO posts (title, owner_id, legacy) VALUES ('first', 1, 'old')",
                "INSERT INTO posts (title, owner_id) VALUES ('second', 2)",
                "INSERT INTO tags (id, label) VALUES (1, 'news')",
            ] {
                c.execute(sql).await.unwrap();
            }
            let down = migrate(&mut c, &named(after(), d), "upgrade").await;
            assert_eq!(
                rows(&mut c, "SELECT name FROM users ORDER BY id").await,
                ["ann", "bob"],
                "{d}"
            );
            assert_eq!(
                rows(&mut c, "SELECT title FROM posts ORDER BY id").await,
                ["first", "second"],
                "{d}"
            );
            assert_eq!(
                rows(&mut c, "SELECT rank FROM users ORDER BY id").await,
                ["0", "0"],
                "{d}: an existing value is not the new default"
            );

            aludel_runner::execute_statements(&mut c, "downgrade", &down)
                .await
                .unwrap_or_else(|e| panic!("{d}: downgrade: {e}\n{down:#?}"));
            let back = live(&mut c).await;
            let left = aludel_diff::diff(&back, &named(before(), d), d).unwrap();
            assert!(
                left.is_empty(),
                "{d}: downgrade left changes: {:#?}",
                left.upgrade
            );
            assert_eq!(
                rows(&mut c, "SELECT email FROM users ORDER BY id").await,
                ["ann@x", "bob@x"],
                "{d}: values of kept columns survive the round trip"
            );
            assert_eq!(
                rows(&mut c, "SELECT owner_id FROM posts ORDER BY id").await,
                ["1", "2"],
                "{d}"
            );
            c.close().await;
        });
    }
}

/// An auto-increment key `id` becomes the composite key `(id, tenant)` and back: the
/// auto-increment comes off before the key goes and back on after it returns (MariaDB
/// refuses an auto column without a key; SQLite's is the rowid), on every backend.
#[test]
fn auto_increment_key_to_composite_key_and_back() {
    let one = |composite: bool| {
        let mut id = Column::new("id", T::BigInt);
        if !composite {
            id = id.auto_increment();
        }
        let t = Table::new("accounts")
            .column(id)
            .column(Column::new("tenant", T::Integer))
            .column(Column::new("label", T::Varchar(20)).nullable());
        let t = if composite {
            t.primary_key(["id", "tenant"])
        } else {
            t.primary_key(["id"])
        };
        Schema {
            tables: vec![t].into(),
            enums: vec![],
        }
    };
    for db in TestDb::all() {
        block_on(async {
            let d = db.dialect;
            let mut c = db.connect().await;
            migrate(&mut c, &named(one(false), d), "create").await;
            c.execute("INSERT INTO accounts (tenant, label) VALUES (7, 'a')")
                .await
                .unwrap();
            let down = migrate(&mut c, &named(one(true), d), "to composite").await;
            aludel_runner::execute_statements(&mut c, "back", &down)
                .await
                .unwrap_or_else(|e| panic!("{d}: downgrade: {e}\n{down:#?}"));
            let left = aludel_diff::diff(&live(&mut c).await, &named(one(false), d), d).unwrap();
            assert!(left.is_empty(), "{d}: {:#?}", left.upgrade);
            c.execute("INSERT INTO accounts (tenant, label) VALUES (8, 'b')")
                .await
                .unwrap();
            assert_eq!(
                rows(&mut c, "SELECT id FROM accounts ORDER BY id").await,
                ["1", "2"],
                "{d}: the key numbers rows again"
            );
            c.close().await;
        });
    }
}

/// A SQLite table rebuild writes every untouched column back with the type it was
/// declared with (`NVARCHAR(70)`, `DATETIME`), not aludel's spelling of it.
#[test]
fn sqlite_rebuilds_keep_declared_types() {
    let Some(db) = TestDb::new(aludel_schema::Dialect::Sqlite) else {
        return;
    };
    let d = db.dialect;
    let target = |n_nullable: bool| {
        let n = Column::new("n", T::Integer);
        Schema {
            tables: vec![
                Table::new("artist")
                    .column(Column::new("id", T::Integer).auto_increment())
                    .column(Column::new("name", T::Varchar(70)).nullable())
                    .column(Column::new("born", T::Timestamp).nullable())
                    .column(if n_nullable {
                        n.nullable()
                    } else {
                        n.default("0")
                    })
                    .primary_key(["id"]),
            ]
            .into(),
            enums: vec![],
        }
    };
    block_on(async {
        let mut c = db.connect().await;
        c.execute(
            "CREATE TABLE artist (id INTEGER PRIMARY KEY AUTOINCREMENT, name NVARCHAR(70), born DATETIME, n INT)",
        )
        .await
        .unwrap();
        const DECLARED: &str =
            "SELECT name || ' ' || type FROM pragma_table_info('artist') ORDER BY cid";
        let before = rows(&mut c, DECLARED).await;
        let down = migrate(&mut c, &named(target(false), d), "rebuild").await;
        let after = rows(&mut c, DECLARED).await;
        assert_eq!(
            after[..3],
            before[..3],
            "untouched columns keep their types"
        );
        aludel_runner::execute_statements(&mut c, "back", &down)
            .await
            .unwrap();
        assert_eq!(
            rows(&mut c, DECLARED).await,
            before,
            "the downgrade restores them"
        );
        c.close().await;
    });
}
