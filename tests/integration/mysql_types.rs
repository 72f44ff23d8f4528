//! MySQL/MariaDB types as the server stores them: display widths never make a change that
//! comes back after every upgrade, and sizes and precisions that differ are changes.

use aludel_introspect::Database;
use aludel_schema::{Column, ColumnType as T, Dialect, NamingConvention, Operation, Schema, Table};
use aludel_tests::{TestDb, block_on};

fn custom(s: &str) -> T {
    T::Custom(s.into())
}

fn table(dt: T, tx: T, iu: T) -> Schema {
    let mut s = Schema::new();
    s.tables.push(
        Table::new("typed")
            .column(Column::new("id", custom("INT UNSIGNED")).auto_increment())
            .column(Column::new("y", custom("YEAR")).nullable())
            .column(Column::new("t", custom("TINYINT UNSIGNED")).nullable())
            .column(Column::new("s", custom("SMALLINT UNSIGNED")).nullable())
            .column(Column::new("m", custom("MEDIUMINT")).nullable())
            .column(Column::new("b", custom("BIGINT UNSIGNED")).nullable())
            .column(Column::new("bit", custom("BIT(1)")).nullable())
            .column(Column::new("dt", dt).nullable())
            .column(Column::new("tx", tx).nullable())
            .column(Column::new("iu", iu).nullable())
            .primary_key(["id"]),
    );
    NamingConvention::default().apply(&mut s, Dialect::MySql);
    s
}

async fn live(c: &mut Database) -> Schema {
    let mut s = c.introspect(&Default::default()).await.unwrap();
    s.tables.retain(|t| t.name != "aludel_version");
    s
}

async fn migrate(c: &mut Database, target: &Schema) -> Vec<Operation> {
    let current = live(c).await;
    let plan = aludel_diff::diff(&current, target, Dialect::MySql).unwrap();
    let (sql, _) = aludel_sql::render_all(&plan.upgrade, &current, Dialect::MySql).unwrap();
    aludel_runner::execute_statements(c, "types", &sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql:#?}"));
    let left = aludel_diff::diff(&live(c).await, target, Dialect::MySql).unwrap();
    assert!(
        left.is_empty(),
        "changes after every upgrade: {:#?}",
        left.upgrade
    );
    plan.upgrade
}

#[test]
fn mysql_types_converge_and_size_changes_are_seen() {
    let Some(db) = TestDb::new(Dialect::MySql) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let a = table(custom("DATETIME"), custom("TEXT"), custom("INT UNSIGNED"));
        migrate(&mut c, &a).await;
        c.execute("INSERT INTO typed (y, t) VALUES (2026, 255)")
            .await
            .unwrap();
        assert_eq!(
            c.query_column("SELECT id FROM typed").await.unwrap(),
            [Some("1".to_string())],
            "INT UNSIGNED AUTO_INCREMENT numbers the rows"
        );
        // DATETIME -> DATETIME(6), TEXT -> LONGTEXT, INT UNSIGNED -> BIGINT: each is seen.
        let b = table(T::Timestamp, T::Text, T::BigInt);
        let ops = migrate(&mut c, &b).await;
        let altered: Vec<String> = ops
            .iter()
            .filter_map(|op| match op {
                Operation::AlterColumn(a) if a.ty.is_some() => Some(a.column.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(altered, ["dt", "tx", "iu"], "{ops:#?}");
        c.close().await;
    });
}

/// Unsigned integers exist only on MySQL/MariaDB: elsewhere they are refused with the
/// type to use.
#[test]
fn unsigned_integers_are_refused_elsewhere() {
    for d in [Dialect::Postgres, Dialect::Sqlite] {
        let mut s = Schema::new();
        s.tables.push(
            Table::new("t")
                .column(Column::new("id", custom("INT UNSIGNED")))
                .primary_key(["id"]),
        );
        let err = aludel_diff::diff(&Schema::new(), &s, d)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column t.id is an unsigned integer (INT UNSIGNED), which only MySQL and MariaDB have")
                && err.contains("i64 for u32"),
            "{d}: {err}"
        );
    }
}

/// What aludel refuses when the plan is made, the server really does wrong: an index on a
/// LONGTEXT column fails on MySQL (1170) and is quietly cut to a prefix on MariaDB (note
/// 1071), and an emoji in a comment is kept as `?`.
#[test]
fn mysql_refusals_match_what_the_server_does() {
    let Some(db) = TestDb::new(Dialect::MySql) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        c.execute("CREATE TABLE docs (id INT PRIMARY KEY, body LONGTEXT) COMMENT 'rocket 🚀'")
            .await
            .unwrap();
        match c.execute("CREATE INDEX ix_docs_body ON docs (body)").await {
            Err(e) => assert!(e.to_string().contains("1170"), "{e}"),
            Ok(_) => {
                let prefix = c
                    .query_column(
                        "SELECT SUB_PART FROM information_schema.STATISTICS \
                         WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'ix_docs_body'",
                    )
                    .await
                    .unwrap();
                assert!(
                    prefix[0].is_some(),
                    "not the whole column, as a model would say: {prefix:?}"
                );
            }
        }
        let kept = c
            .query_column(
                "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_NAME = 'docs' AND TABLE_SCHEMA = DATABASE()",
            )
            .await
            .unwrap();
        assert_ne!(kept[0].as_deref(), Some("rocket 🚀"), "{kept:?}");
        c.close().await;
    });
    let mut s = Schema::new();
    s.tables.push(
        Table::new("docs")
            .column(Column::new("id", T::Integer))
            .column(Column::new("body", T::Text))
            .primary_key(["id"])
            .index(aludel_schema::Index::new(["body"]))
            .comment("rocket 🚀"),
    );
    NamingConvention::default().apply(&mut s, Dialect::MySql);
    let err = aludel_diff::diff(&Schema::new(), &s, Dialect::MySql)
        .unwrap_err()
        .to_string();
    assert!(err.contains("which MySQL cannot index whole"), "{err}");
    assert!(err.contains("store as '?'"), "{err}");
}
