//! Creating a schema with the renderer and reading it back gives no change.

use aludel_schema::{
    Check, Column, ColumnType as T, Dialect, FkAction, ForeignKey, Index, NamingConvention, Schema,
    Table, Unique, normalize,
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
        ]
        .into(),
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

/// `n` tables, each with a primary key, a unique constraint, an index, a check, comments
/// and (after the first) a foreign key to the table before it: every kind of object a
/// per-table catalog query could be written for.
fn wide(n: usize) -> Schema {
    let mut s = Schema::new();
    for i in 0..n {
        let mut t = Table::new(format!("t{i:04}"))
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(Column::new("code", T::Varchar(32)).comment("external code"))
            .column(Column::new("score", T::Integer).default("0"))
            .column(Column::new("note", T::Text).nullable())
            .column(Column::new("created_at", T::Timestamp).default("CURRENT_TIMESTAMP"))
            .primary_key(["id"])
            .unique(Unique::new(["code"]))
            .index(Index::new(["score"]))
            .check(Check::new("score >= 0").named(format!("ck_t{i:04}_score")))
            .comment("a table");
        if i > 0 {
            t = t
                .column(Column::new("prev_id", T::BigInt).nullable())
                .foreign_key(ForeignKey::new(
                    ["prev_id"],
                    format!("t{:04}", i - 1),
                    ["id"],
                ));
        }
        s.tables.push(t);
    }
    NamingConvention::default().apply(&mut s, Dialect::Postgres);
    s
}

/// Introspection reads the whole catalog in a fixed number of queries: the same exact
/// count at 5 tables and at 1,000, so a per-table query cannot come back unnoticed.
#[test]
fn catalog_query_count_is_exact_at_5_and_1000_tables() {
    for db in TestDb::all() {
        block_on(async {
            let want = match db.dialect {
                Dialect::Postgres => 5,
                Dialect::MySql => 6,
                Dialect::Sqlite => 4,
            };
            let mut conn = db.connect().await;
            let mut created = 0;
            for n in [5, 1000] {
                let target = wide(n);
                let have = Schema {
                    tables: target.tables[..created].to_vec().into(),
                    enums: vec![],
                };
                let plan = aludel_diff::diff(&have, &target, db.dialect).unwrap();
                let (sql, _) = aludel_sql::render_all(&plan.upgrade, &have, db.dialect).unwrap();
                // One round trip (one transaction where DDL is transactional): 1,000
                // tables are created in seconds.
                let mut script = sql.join(";\n");
                if db.dialect != Dialect::MySql {
                    script = format!("BEGIN;\n{script};\nCOMMIT");
                }
                conn.execute(&script)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", db.dialect));
                created = n;

                let before = conn.query_count();
                let live = conn.introspect(&Default::default()).await.unwrap();
                let queries = conn.query_count() - before;
                assert_eq!(live.tables.len(), n, "{}", db.dialect);
                assert_eq!(queries, want, "{} at {n} tables", db.dialect);
                let live_t = live.tables.iter().find(|t| t.name == "t0004").unwrap();
                assert_eq!(live_t.foreign_keys.len(), 1, "{}", db.dialect);
                assert_eq!(
                    live_t.indexes.len() + live_t.uniques.len(),
                    2,
                    "{}",
                    db.dialect
                );
                assert_eq!(live_t.checks.len(), 1, "{}", db.dialect);
            }
            conn.close().await;
        });
    }
}

/// A PostgreSQL error shows the server's hint as well as its message.
#[test]
fn postgres_hints_reach_the_message() {
    for db in TestDb::all() {
        if db.dialect != Dialect::Postgres {
            continue;
        }
        block_on(async {
            let mut conn = db.connect().await;
            let err = conn
                .execute("SELECT no_such_function(1)")
                .await
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("hint from PostgreSQL: No function matches"),
                "{err}"
            );
            conn.close().await;
        });
    }
}

/// Every aludel session names itself, and on PostgreSQL 14+ checks that its client is
/// still there while a statement runs, so that a killed runner's statement (and its
/// lock) ends within seconds.
#[test]
fn postgres_sessions_name_themselves_and_notice_a_vanished_client() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let row = c
            .query_column(
                "SELECT application_name || '|' || coalesce(current_setting('client_connection_check_interval', true), '') \
                 || '|' || current_setting('server_version_num') FROM pg_stat_activity WHERE pid = pg_backend_pid()",
            )
            .await
            .unwrap();
        let text = row[0].clone().unwrap();
        let parts: Vec<&str> = text.split('|').collect();
        assert_eq!(parts[0], "aludel", "{text}");
        if parts[2].parse::<u32>().unwrap() >= 140000 {
            assert_eq!(parts[1], "2s", "{text}");
        }
        c.close().await;
    });
}

/// PostgreSQL index access methods are read back and compared: a model's `using` creates
/// the index with that method, the re-check is empty, and a changed method is a change.
#[test]
fn postgres_index_methods_round_trip() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    let d = Dialect::Postgres;
    let schema = |method: Option<&str>| {
        let mut ix = Index::new(["n"]);
        ix.method = method.map(str::to_string);
        let mut s = Schema {
            tables: vec![
                Table::new("docs")
                    .column(Column::new("id", T::BigInt))
                    .column(Column::new("n", T::Integer))
                    .column(Column::new("body", T::Jsonb))
                    .column(Column::new("at", T::Timestamp))
                    .primary_key(["id"])
                    .index(ix)
                    .index(Index::new(["body"]).using("gin"))
                    .index(Index::new(["at"]).using("BRIN")),
            ]
            .into(),
            enums: vec![],
        };
        NamingConvention::default().apply(&mut s, d);
        s
    };
    block_on(async {
        let mut c = db.connect().await;
        for (label, method) in [
            ("hash", Some("hash")),
            ("btree", None),
            ("hash again", Some("hash")),
        ] {
            let target = schema(method);
            let live = c.introspect(&Default::default()).await.unwrap();
            let plan = aludel_diff::diff(&live, &target, d).unwrap();
            if label != "hash" {
                assert!(
                    plan.upgrade
                        .iter()
                        .any(|op| op.to_string().contains("create index")),
                    "{label}: a changed method is a change: {:#?}",
                    plan.upgrade
                );
            }
            let (sql, _) = aludel_sql::render_all(&plan.upgrade, &live, d).unwrap();
            aludel_runner::execute_statements(&mut c, label, &sql)
                .await
                .unwrap();
            let back = c.introspect(&Default::default()).await.unwrap();
            let left = aludel_diff::diff(&back, &target, d).unwrap();
            assert!(left.is_empty(), "{label}: {:#?}", left.upgrade);
        }
        c.close().await;
    });
}

/// A generated column's expression is not read as its default (stored since PostgreSQL
/// 12, virtual since 18), and NOT NULL kept as a constraint (18) is not read as a check.
#[test]
fn postgres_generated_columns_and_not_null_constraints() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let version: u32 = c
            .query_column("SELECT current_setting('server_version_num')")
            .await
            .unwrap()[0]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        let virtual_col = if version >= 180000 {
            ", v INT GENERATED ALWAYS AS (n * 3) VIRTUAL"
        } else {
            ""
        };
        c.execute(&format!(
            "CREATE TABLE g (id INT PRIMARY KEY, n INT NOT NULL, s INT GENERATED ALWAYS AS (n * 2) STORED{virtual_col})"
        ))
        .await
        .unwrap();
        let s = c.introspect(&Default::default()).await.unwrap();
        let t = &s.tables[0];
        for col in &t.columns {
            assert_eq!(col.default, None, "{}: {:?}", col.name, col.default);
        }
        assert!(!t.get_column("n").unwrap().nullable);
        assert!(t.checks.is_empty(), "{:?}", t.checks);
        c.close().await;
    });
}

/// MariaDB names a column-level check after its column, so two tables can each have a
/// check named `price`: each table keeps its own (they were crossed, every table getting
/// both, when the catalog was joined on the constraint's name alone).
#[test]
fn same_named_checks_of_two_tables_stay_with_their_tables_on_mysql() {
    let Some(db) = TestDb::new(Dialect::MySql) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        c.execute("CREATE TABLE cheap (price INT CHECK (price > 0))")
            .await
            .unwrap();
        c.execute("CREATE TABLE dear (price INT CHECK (price < 100))")
            .await
            .unwrap();
        let live = c.introspect(&Default::default()).await.unwrap();
        c.close().await;
        let checks = |table: &str| -> Vec<String> {
            let t = live.tables.iter().find(|t| t.name == table).unwrap();
            // MySQL 8 keeps the clause in parentheses, MariaDB without.
            t.checks
                .iter()
                .map(|k| k.expr.replace('`', "").trim_matches(['(', ')']).to_string())
                .collect()
        };
        assert_eq!(checks("cheap"), ["price > 0"]);
        assert_eq!(checks("dear"), ["price < 100"]);
    });
}
