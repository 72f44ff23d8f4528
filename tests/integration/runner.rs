//! The runner against the real databases: a failure at each statement of a revision,
//! edited revisions, data migrations in Rust, whole-run transactions, a version table
//! that is not aludel's.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use aludel_introspect::{Database, IntrospectOptions};
use aludel_runner::{
    Direction, Error, Graph, Ops, Quiet, Resolution, Revision, RevisionDef, RunnerOptions,
    TransactionMode, already_at, migrate, resolve, stamp,
};
use aludel_schema::{Column, ColumnType as T, Dialect, ForeignKey, Index, Table};
use aludel_tests::{TestDb, block_on};

/// The statement before which `five` fails; `usize::MAX` for none.
static FAIL_AT: AtomicUsize = AtomicUsize::new(usize::MAX);
static FAIL_LOCK: Mutex<()> = Mutex::new(());

const BROKEN: &str = "SELECT * FROM aludel_no_such_table";

fn nothing(_: &mut Ops) {}

/// A revision of five statements; a failing one goes before statement `FAIL_AT`.
fn five(op: &mut Ops) {
    let fail = FAIL_AT.load(Ordering::SeqCst);
    let mut n = 0;
    let mut step = |op: &mut Ops, f: &dyn Fn(&mut Ops)| {
        if n == fail {
            op.execute(BROKEN);
        }
        f(op);
        n += 1;
    };
    step(op, &|op| {
        op.create_table(
            Table::new("first")
                .column(Column::new("id", T::BigInt))
                .column(Column::new("v", T::Integer))
                .primary_key(["id"]),
        );
    });
    step(op, &|op| {
        op.create_table(
            Table::new("second")
                .column(Column::new("id", T::BigInt))
                .column(Column::new("first_id", T::BigInt).nullable())
                .primary_key(["id"])
                .foreign_key(
                    ForeignKey::new(["first_id"], "first", ["id"]).named("fk_second_first"),
                ),
        );
    });
    step(op, &|op| {
        op.add_column("first", Column::new("w", T::Text).nullable());
    });
    step(op, &|op| {
        op.create_index("first", Index::new(["v"]).named("ix_first_v"));
    });
    step(op, &|op| {
        op.execute("INSERT INTO first (id, v) VALUES (1, 10)");
    });
}

fn undo_five(op: &mut Ops) {
    op.drop_table("second");
    op.drop_table("first");
}

fn defs() -> Vec<RevisionDef> {
    vec![RevisionDef {
        meta: Revision {
            id: "f1f2f3f4f5f6",
            revises: &[],
            message: "five statements",
        },
        upgrade: five,
        downgrade: undo_five,
        file: "versions/five.rs",
    }]
}

fn opts() -> RunnerOptions {
    RunnerOptions::default()
}

async fn up(c: &mut Database, defs: &[RevisionDef], o: &RunnerOptions) -> Result<usize, Error> {
    let g = Graph::new(defs).unwrap();
    migrate(
        c,
        &g,
        "head",
        Direction::Upgrade,
        o,
        &IntrospectOptions::default(),
        &mut Quiet,
    )
    .await
}

async fn user_tables(c: &mut Database) -> Vec<String> {
    let mut names: Vec<String> = c
        .introspect(&IntrospectOptions::default())
        .await
        .unwrap()
        .tables
        .into_iter()
        .map(|t| t.name)
        .filter(|n| !n.starts_with("aludel_version"))
        .collect();
    names.sort();
    names
}

async fn heads(c: &mut Database) -> Vec<String> {
    aludel_runner::current_heads(c, "aludel_version")
        .await
        .unwrap()
}

async fn ledger(c: &mut Database) -> Vec<String> {
    c.query_rows("SELECT revision, action, status FROM aludel_version_ledger ORDER BY id")
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|v| v.unwrap_or_default())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

#[test]
fn a_failure_at_each_statement_leaves_nothing_partial_or_a_resolvable_state() {
    let _guard = FAIL_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    for d in Dialect::ALL {
        for k in 0..5 {
            let Some(db) = TestDb::new(d) else { break };
            block_on(async {
                let mut c = db.connect().await;
                FAIL_AT.store(k, Ordering::SeqCst);
                let err = up(&mut c, &defs(), &opts()).await.unwrap_err();
                // The statements go in batches: the error still names the one that failed.
                assert!(
                    err.to_string()
                        .contains(&format!("while running: {BROKEN}")),
                    "{d} k={k}: {err}"
                );
                if d != Dialect::MySql || k == 0 {
                    // Transactional DDL, or nothing ran: nothing remains.
                    assert!(matches!(err, Error::RolledBack { .. }), "{d} k={k}: {err}");
                    assert!(err.to_string().contains("nothing of it remains"), "{err}");
                    assert_eq!(user_tables(&mut c).await, Vec::<String>::new(), "{d} k={k}");
                    assert_eq!(heads(&mut c).await, Vec::<String>::new(), "{d} k={k}");
                    assert_eq!(ledger(&mut c).await, Vec::<String>::new(), "{d} k={k}");
                } else {
                    // MySQL commits DDL as it goes: the state says so, and blocks.
                    assert!(
                        matches!(err, Error::PartiallyApplied { .. }),
                        "{d} k={k}: {err}"
                    );
                    assert!(
                        err.to_string().contains("aludel resolve f1f2f3f4f5f6"),
                        "{err}"
                    );
                    assert_eq!(
                        ledger(&mut c).await,
                        ["f1f2f3f4f5f6/upgrade/running"],
                        "k={k}"
                    );
                    assert_eq!(heads(&mut c).await, Vec::<String>::new());
                    FAIL_AT.store(usize::MAX, Ordering::SeqCst);
                    let blocked = up(&mut c, &defs(), &opts()).await.unwrap_err();
                    assert!(
                        blocked
                            .to_string()
                            .contains("revision f1f2f3f4f5f6 was partially applied"),
                        "{blocked}"
                    );
                    let revs = defs();
                    let g = Graph::new(&revs).unwrap();
                    // Saying "reverted" while what ran is still there is refused, naming it.
                    let left = user_tables(&mut c).await;
                    if !left.is_empty() {
                        let err = resolve(&mut c, &g, "f1f2", Resolution::Reverted, &opts())
                            .await
                            .unwrap_err()
                            .to_string();
                        assert!(
                            err.contains(
                                "revision f1f2f3f4f5f6 is not reverted: to undo: drop table "
                            ) && err.contains("--force"),
                            "k={k}: {err}"
                        );
                    }
                    // A person undoes what ran, says so, and the revision runs again.
                    for t in ["second", "first"] {
                        let _ = c.execute(&format!("DROP TABLE IF EXISTS `{t}`")).await;
                    }
                    resolve(&mut c, &g, "f1f2", Resolution::Reverted, &opts())
                        .await
                        .unwrap();
                    assert_eq!(up(&mut c, &defs(), &opts()).await.unwrap(), 1);
                    assert_eq!(heads(&mut c).await, ["f1f2f3f4f5f6"]);
                }
                c.close().await;
            });
        }
    }
    FAIL_AT.store(usize::MAX, Ordering::SeqCst);
}

fn sixteen(op: &mut Ops) {
    for i in 0..8 {
        op.create_table(
            Table::new(format!("t{i:02}"))
                .column(Column::new("id", T::BigInt))
                .column(Column::new("v", T::Integer))
                .primary_key(["id"]),
        );
        op.create_index(
            format!("t{i:02}"),
            Index::new(["v"]).named(format!("ix_t{i:02}_v")),
        );
    }
}

/// The round trips of upgrading from nothing to the one revision `upgrade`.
async fn round_trips(c: &mut Database, upgrade: fn(&mut Ops)) -> u64 {
    let before = c.query_count();
    assert_eq!(up(c, &one(upgrade), &opts()).await.unwrap(), 1);
    c.query_count() - before
}

#[test]
fn a_revisions_statements_cost_one_round_trip_whatever_their_number() {
    for d in Dialect::ALL {
        let (Some(a), Some(b)) = (TestDb::new(d), TestDb::new(d)) else {
            continue;
        };
        block_on(async {
            let (mut small, mut large) = (a.connect().await, b.connect().await);
            let one_statement = round_trips(&mut small, create_a).await;
            // Under PostgreSQL's 64 locks, past which the runner asks the server its lock
            // table size.
            let sixteen = round_trips(&mut large, sixteen).await;
            assert_eq!(
                one_statement, sixteen,
                "{d}: one statement {one_statement}, sixteen {sixteen}"
            );
            assert_eq!(user_tables(&mut large).await.len(), 8, "{d}");
            small.close().await;
            large.close().await;
        });
    }
}

fn syntax_error_third(op: &mut Ops) {
    for t in ["a", "b"] {
        op.create_table(Table::new(t).column(Column::new("id", T::Integer)));
    }
    op.execute("CREATE TABLE broken (id int");
    op.create_table(Table::new("c").column(Column::new("id", T::Integer)));
}

#[test]
fn a_syntax_error_late_in_a_batch_is_named() {
    // PostgreSQL parses a whole batch before it runs any of it: its error comes before any
    // statement's result, and only its position says which statement it is about.
    for d in Dialect::ALL {
        let Some(db) = TestDb::new(d) else { continue };
        block_on(async {
            let mut c = db.connect().await;
            let err = up(&mut c, &one(syntax_error_third), &opts())
                .await
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("while running: CREATE TABLE broken (id int"),
                "{d}: {err}"
            );
            c.close().await;
        });
    }
}

#[test]
fn mysql_partial_state_resolved_as_applied() {
    let _guard = FAIL_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let Some(db) = TestDb::new(Dialect::MySql) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        FAIL_AT.store(4, Ordering::SeqCst);
        up(&mut c, &defs(), &opts()).await.unwrap_err();
        FAIL_AT.store(usize::MAX, Ordering::SeqCst);
        // A person finishes the revision by hand.
        c.execute("INSERT INTO first (id, v) VALUES (1, 10)")
            .await
            .unwrap();
        let revs = defs();
        let g = Graph::new(&revs).unwrap();
        let msg = resolve(&mut c, &g, "f1f2f3f4f5f6", Resolution::Applied, &opts())
            .await
            .unwrap();
        assert!(msg.contains("applied"), "{msg}");
        assert_eq!(heads(&mut c).await, ["f1f2f3f4f5f6"]);
        assert_eq!(ledger(&mut c).await, ["f1f2f3f4f5f6/upgrade/applied"]);
        assert_eq!(
            up(&mut c, &defs(), &opts()).await.unwrap(),
            0,
            "nothing left to run"
        );
        let again = resolve(&mut c, &g, "f1f2f3f4f5f6", Resolution::Applied, &opts())
            .await
            .unwrap_err();
        assert!(
            again.to_string().contains("has nothing to resolve"),
            "{again}"
        );
        c.close().await;
    });
}

fn create_a(op: &mut Ops) {
    op.create_table(
        Table::new("a")
            .column(Column::new("id", T::Integer))
            .primary_key(["id"]),
    );
}

fn create_a_edited(op: &mut Ops) {
    op.create_table(
        Table::new("a")
            .column(Column::new("id", T::Integer))
            .column(Column::new("added_later", T::Text).nullable())
            .primary_key(["id"]),
    );
}

fn one(upgrade: fn(&mut Ops)) -> Vec<RevisionDef> {
    vec![RevisionDef {
        meta: Revision {
            id: "aaaaaaaaaaaa",
            revises: &[],
            message: "create a",
        },
        upgrade,
        downgrade: nothing,
        file: "versions/a.rs",
    }]
}

#[test]
fn an_edited_revision_is_refused_before_any_ddl() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            up(&mut c, &one(create_a), &opts()).await.unwrap();
            let err = up(&mut c, &one(create_a_edited), &opts())
                .await
                .unwrap_err();
            assert!(
                err.to_string().contains(
                    "revision aaaaaaaaaaaa (versions/a.rs) was edited after it was applied"
                ),
                "{d}: {err}"
            );
            // Formatting is not editing: the same operations pass.
            assert_eq!(up(&mut c, &one(create_a), &opts()).await.unwrap(), 0, "{d}");
            let edited = one(create_a_edited);
            let g = Graph::new(&edited).unwrap();
            resolve(&mut c, &g, "aaaa", Resolution::AcceptEdit, &opts())
                .await
                .unwrap();
            assert_eq!(
                up(&mut c, &one(create_a_edited), &opts()).await.unwrap(),
                0,
                "{d}"
            );
            c.close().await;
        });
    }
}

fn seed(op: &mut Ops) {
    create_a(op);
    op.run("seed three rows", |db| {
        Box::pin(async move {
            for i in 1..=3 {
                db.execute(&format!("INSERT INTO a (id) VALUES ({i})"))
                    .await?;
            }
            Ok(())
        })
    });
}

fn seed_then_fail(op: &mut Ops) {
    create_a(op);
    op.run("fails", |_db| {
        Box::pin(async move { Err("the data is not as expected".into()) })
    });
}

#[test]
fn data_migrations_in_rust_run_in_the_revision() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            let err = up(&mut c, &one(seed_then_fail), &opts()).await.unwrap_err();
            assert!(
                err.to_string()
                    .contains("the Rust code \"fails\" failed: the data is not as expected"),
                "{d}: {err}"
            );
            if d != Dialect::MySql {
                assert_eq!(
                    user_tables(&mut c).await,
                    Vec::<String>::new(),
                    "{d}: rolled back with the DDL"
                );
            } else {
                c.execute("DROP TABLE a").await.unwrap();
                let failing = one(seed_then_fail);
                let g = Graph::new(&failing).unwrap();
                resolve(&mut c, &g, "aaaa", Resolution::Reverted, &opts())
                    .await
                    .unwrap();
            }
            up(&mut c, &one(seed), &opts()).await.unwrap();
            let n = c.query_column("SELECT COUNT(*) FROM a").await.unwrap();
            assert_eq!(n[0].as_deref(), Some("3"), "{d}");
            c.close().await;
        });
    }
    let defs = one(seed);
    let g = Graph::new(&defs).unwrap();
    let steps =
        aludel_runner::plan(&g, Dialect::Postgres, &[], "head", Direction::Upgrade, None).unwrap();
    let sql = aludel_runner::script(&steps, Dialect::Postgres, &opts(), true);
    assert!(
        sql.contains("-- NOT RENDERED: the Rust code \"seed three rows\" of this revision runs only against a database"),
        "{sql}"
    );
}

/// `stamp` changes the version table and the ledger together: when the ledger cannot be
/// written, the version table keeps what it had.
#[test]
fn stamp_is_all_or_nothing() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            // A ledger table of the right columns that refuses every row aludel writes.
            c.execute(
                "CREATE TABLE aludel_version_ledger (id INT, revision VARCHAR(32), \
                 action VARCHAR(16), status VARCHAR(16), checksum VARCHAR(64), \
                 message VARCHAR(200), at VARCHAR(40), CHECK (revision IS NULL))",
            )
            .await
            .unwrap();
            let defs = one(create_a);
            let g = Graph::new(&defs).unwrap();
            let err = stamp(&mut c, &g, &["aaaaaaaaaaaa".to_string()], &opts())
                .await
                .unwrap_err();
            let heads = c
                .query_column("SELECT version_num FROM aludel_version")
                .await
                .unwrap();
            assert!(
                err.to_string().contains("aludel_version_ledger"),
                "{d}: {err}"
            );
            assert!(heads.is_empty(), "{d}: {heads:?} after {err}");
            c.close().await;
        });
    }
}

fn write_then_fail(op: &mut Ops) {
    op.run("writes then fails", |db| {
        Box::pin(async move {
            db.execute("INSERT INTO pre (id) VALUES (1)").await?;
            Err("stopped half-way".into())
        })
    });
}

/// Rust code that fails as the revision's first item may have written already: on MySQL
/// (no transaction) that is a partial state to resolve, never "nothing remains".
#[test]
fn failing_code_first_in_a_revision_is_not_called_harmless() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            c.execute("CREATE TABLE pre (id INT)").await.unwrap();
            let err = up(&mut c, &one(write_then_fail), &opts())
                .await
                .unwrap_err()
                .to_string();
            let rows = c.query_column("SELECT COUNT(*) FROM pre").await.unwrap();
            if d == Dialect::MySql {
                assert!(err.contains("failed part-way"), "{d}: {err}");
                assert_eq!(rows[0].as_deref(), Some("1"), "{d}: the write stays");
            } else {
                assert!(err.contains("rolled back"), "{d}: {err}");
                assert_eq!(rows[0].as_deref(), Some("0"), "{d}: the write went with it");
            }
            c.close().await;
        });
    }
}

fn create_b(op: &mut Ops) {
    op.create_table(
        Table::new("b")
            .column(Column::new("id", T::Integer))
            .primary_key(["id"]),
    );
}

fn broken(op: &mut Ops) {
    op.execute(BROKEN);
}

#[test]
fn whole_run_transaction_takes_every_revision_back() {
    let defs = vec![
        RevisionDef {
            meta: Revision {
                id: "bbbbbbbbbbbb",
                revises: &[],
                message: "b",
            },
            upgrade: create_b,
            downgrade: nothing,
            file: "versions/b.rs",
        },
        RevisionDef {
            meta: Revision {
                id: "cccccccccccc",
                revises: &["bbbbbbbbbbbb"],
                message: "broken",
            },
            upgrade: broken,
            downgrade: nothing,
            file: "versions/c.rs",
        },
    ];
    for db in TestDb::all() {
        let d = db.dialect;
        if d == Dialect::MySql {
            continue;
        }
        block_on(async {
            let mut c = db.connect().await;
            let all = RunnerOptions {
                transaction_mode: TransactionMode::All,
                ..opts()
            };
            up(&mut c, &defs, &all).await.unwrap_err();
            assert_eq!(user_tables(&mut c).await, Vec::<String>::new(), "{d}");
            assert_eq!(heads(&mut c).await, Vec::<String>::new(), "{d}");
            // Per revision: the first one stays.
            up(&mut c, &defs, &opts()).await.unwrap_err();
            assert_eq!(user_tables(&mut c).await, ["b"], "{d}");
            assert_eq!(heads(&mut c).await, ["bbbbbbbbbbbb"], "{d}");
            c.close().await;
        });
    }
}

#[test]
fn a_version_table_that_is_not_aludels_is_refused() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            c.execute("CREATE TABLE aludel_version (id INTEGER, note TEXT)")
                .await
                .unwrap();
            let err = up(&mut c, &one(create_a), &opts()).await.unwrap_err();
            assert!(
                err.to_string().contains(
                    "the table aludel_version exists but is not aludel's (its columns: id, note)"
                ),
                "{d}: {err}"
            );
            assert_eq!(user_tables(&mut c).await, Vec::<String>::new(), "{d}");
            c.close().await;
        });
    }
}

fn table_t(op: &mut Ops) {
    op.create_table(
        Table::new("t")
            .column(Column::new("id", T::BigInt))
            .column(Column::new("v", T::Integer))
            .primary_key(["id"]),
    );
}

fn duplicates_then_unique(op: &mut Ops) {
    table_t(op);
    op.execute("INSERT INTO t (id, v) VALUES (1, 7), (2, 7)");
    op.create_index_concurrently("t", Index::new(["v"]).named("uq_t_v").unique());
}

fn rows_then_index(op: &mut Ops) {
    table_t(op);
    op.execute("INSERT INTO t (id, v) VALUES (1, 7), (2, 8)");
    op.create_index_concurrently("t", Index::new(["v"]).named("ix_t_v"));
}

#[test]
fn concurrent_index_builds_run_outside_a_transaction() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            let err = up(&mut c, &one(duplicates_then_unique), &opts())
                .await
                .unwrap_err();
            match d {
                Dialect::Sqlite => {
                    // No CONCURRENTLY: one transaction, as usual.
                    assert!(matches!(err, Error::RolledBack { .. }), "{d}: {err}");
                    assert_eq!(user_tables(&mut c).await, Vec::<String>::new());
                }
                _ => {
                    let why = if d == Dialect::Postgres {
                        "it builds or drops an index CONCURRENTLY, which runs outside a transaction"
                    } else {
                        "MySQL commits DDL as it goes"
                    };
                    assert!(
                        matches!(err, Error::PartiallyApplied { .. })
                            && err.to_string().contains(why),
                        "{d}: {err}"
                    );
                    assert_eq!(user_tables(&mut c).await, ["t"], "{d}");
                    assert_eq!(ledger(&mut c).await, ["aaaaaaaaaaaa/upgrade/running"]);
                    assert_eq!(heads(&mut c).await, Vec::<String>::new());
                    c.execute("DROP TABLE t").await.unwrap();
                    let failing = one(duplicates_then_unique);
                    let g = Graph::new(&failing).unwrap();
                    resolve(&mut c, &g, "aaaa", Resolution::Reverted, &opts())
                        .await
                        .unwrap();
                }
            }
            up(&mut c, &one(rows_then_index), &opts()).await.unwrap();
            assert_eq!(heads(&mut c).await, ["aaaaaaaaaaaa"], "{d}");
            if d == Dialect::Postgres {
                let valid = c
                    .query_column(
                        "SELECT i.indisvalid::text FROM pg_index i \
                         JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_t_v'",
                    )
                    .await
                    .unwrap();
                assert_eq!(valid, [Some("true".to_string())]);
            }
            let statuses = ledger(&mut c).await;
            assert_eq!(
                statuses.last().map(String::as_str),
                Some("aaaaaaaaaaaa/upgrade/applied"),
                "{d}"
            );
            c.close().await;
        });
    }

    // Offline: the statements stand outside BEGIN ... COMMIT; a whole-run transaction
    // cannot hold them.
    let defs = one(rows_then_index);
    let g = Graph::new(&defs).unwrap();
    let steps =
        aludel_runner::plan(&g, Dialect::Postgres, &[], "head", Direction::Upgrade, None).unwrap();
    assert!(!steps[0].transactional);
    let sql = aludel_runner::script(&steps, Dialect::Postgres, &opts(), false);
    let index_at = sql
        .find("CREATE INDEX CONCURRENTLY \"ix_t_v\"")
        .expect(&sql);
    let begin_at = sql.find("BEGIN;").expect(&sql);
    assert!(index_at < begin_at, "{sql}");
    if let Some(db) = TestDb::new(Dialect::Postgres) {
        block_on(async {
            let mut c = db.connect().await;
            let all = RunnerOptions {
                transaction_mode: TransactionMode::All,
                ..opts()
            };
            let err = up(&mut c, &defs, &all).await.unwrap_err();
            assert!(
                err.to_string()
                    .contains("set transaction_mode = \"revision\" in aludel.toml"),
                "{err}"
            );
            assert_eq!(user_tables(&mut c).await, Vec::<String>::new());
            c.close().await;
        });
    }
}

fn parent_child_with_orphan(op: &mut Ops) {
    op.create_table(
        Table::new("parent")
            .column(Column::new("id", T::Integer))
            .primary_key(["id"]),
    );
    op.create_table(
        Table::new("child")
            .column(Column::new("id", T::Integer))
            .column(Column::new("parent_id", T::Integer))
            .primary_key(["id"]),
    );
    op.execute("INSERT INTO parent (id) VALUES (1)");
    op.execute("INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 99)");
}

fn fk_not_valid(op: &mut Ops) {
    op.create_foreign_key_not_valid(
        "child",
        ForeignKey::new(["parent_id"], "parent", ["id"]).named("fk_child_parent"),
    );
}

fn fk_validate(op: &mut Ops) {
    op.validate_foreign_key("child", "fk_child_parent");
}

#[test]
fn foreign_keys_not_valid_then_validated_on_postgres() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    let defs = vec![
        RevisionDef {
            meta: Revision {
                id: "aaaaaaaaaaaa",
                revises: &[],
                message: "tables",
            },
            upgrade: parent_child_with_orphan,
            downgrade: nothing,
            file: "versions/a.rs",
        },
        RevisionDef {
            meta: Revision {
                id: "bbbbbbbbbbbb",
                revises: &["aaaaaaaaaaaa"],
                message: "fk not valid",
            },
            upgrade: fk_not_valid,
            downgrade: nothing,
            file: "versions/b.rs",
        },
        RevisionDef {
            meta: Revision {
                id: "cccccccccccc",
                revises: &["bbbbbbbbbbbb"],
                message: "validate",
            },
            upgrade: fk_validate,
            downgrade: nothing,
            file: "versions/c.rs",
        },
    ];
    block_on(async {
        let mut c = db.connect().await;
        let err = up(&mut c, &defs, &opts()).await.unwrap_err();
        // The key went in over the orphan row; validating it finds the row.
        assert_eq!(heads(&mut c).await, ["bbbbbbbbbbbb"]);
        assert!(err.to_string().contains("fk_child_parent"), "{err}");
        let refused = c
            .execute("INSERT INTO child (id, parent_id) VALUES (3, 98)")
            .await;
        assert!(refused.is_err(), "new rows are checked at once");
        c.execute("DELETE FROM child WHERE id = 2").await.unwrap();
        assert_eq!(up(&mut c, &defs, &opts()).await.unwrap(), 1);
        let validated = c
            .query_column(
                "SELECT convalidated::text FROM pg_constraint WHERE conname = 'fk_child_parent'",
            )
            .await
            .unwrap();
        assert_eq!(validated, [Some("true".to_string())]);
        c.close().await;
    });
}

fn two_runs_one_name(op: &mut Ops) {
    create_a(op);
    op.run("seed", |db| {
        Box::pin(async move {
            db.execute("INSERT INTO a (id) VALUES (1)").await?;
            Ok(())
        })
    });
    op.run("seed", |db| {
        Box::pin(async move {
            db.execute("INSERT INTO a (id) VALUES (2)").await?;
            Ok(())
        })
    });
}

/// Two `op.run` steps with one name are refused before anything runs (bodies used to be
/// looked up by name, so the first ran twice).
#[test]
fn duplicate_data_migration_names_are_refused() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let err = up(&mut c, &one(two_runs_one_name), &opts())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains(
                "revision aaaaaaaaaaaa (versions/a.rs) has two `op.run` steps named \"seed\""
            ),
            "{err}"
        );
        assert_eq!(
            user_tables(&mut c).await,
            Vec::<String>::new(),
            "nothing ran"
        );
        c.close().await;
    });
}

fn drop_a(op: &mut Ops) {
    op.drop_table("a");
}

fn drop_a_edited(op: &mut Ops) {
    op.execute("SELECT 1");
    op.drop_table("a");
}

fn with_downgrade(downgrade: fn(&mut Ops)) -> Vec<RevisionDef> {
    let mut defs = one(create_a);
    defs[0].downgrade = downgrade;
    defs
}

async fn down(c: &mut Database, defs: &[RevisionDef]) -> Result<usize, Error> {
    let g = Graph::new(defs).unwrap();
    migrate(
        c,
        &g,
        "base",
        Direction::Downgrade,
        &opts(),
        &IntrospectOptions::default(),
        &mut Quiet,
    )
    .await
}

/// The downgrade of an applied revision is recorded with it: an edited downgrade is
/// refused before it runs (an upgrade is not blocked by it), and `accept-edit` lets it run.
#[test]
fn an_edited_downgrade_is_refused_before_it_runs() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            up(&mut c, &with_downgrade(drop_a), &opts()).await.unwrap();
            let edited = with_downgrade(drop_a_edited);
            assert_eq!(up(&mut c, &edited, &opts()).await.unwrap(), 0, "{d}");
            let err = down(&mut c, &edited).await.unwrap_err().to_string();
            assert!(
                err.contains("the downgrade of revision aaaaaaaaaaaa (versions/a.rs) was edited after the revision was applied"),
                "{d}: {err}"
            );
            assert_eq!(user_tables(&mut c).await, ["a"], "{d}: nothing ran");
            let g = Graph::new(&edited).unwrap();
            resolve(&mut c, &g, "aaaa", Resolution::AcceptEdit, &opts())
                .await
                .unwrap();
            assert_eq!(down(&mut c, &edited).await.unwrap(), 1, "{d}");
            assert_eq!(user_tables(&mut c).await, Vec::<String>::new(), "{d}");
            c.close().await;
        });
    }
}

/// A ledger row written before downgrades were recorded (a whole upgrade checksum)
/// still passes: its upgrade is checked, its downgrade cannot be.
#[test]
fn ledger_rows_of_earlier_versions_still_pass() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let defs = with_downgrade(drop_a);
        up(&mut c, &defs, &opts()).await.unwrap();
        let legacy = aludel_runner::checksum(&defs[0].upgrade_ops());
        c.execute(&format!(
            "UPDATE aludel_version_ledger SET checksum = '{legacy}'"
        ))
        .await
        .unwrap();
        assert_eq!(up(&mut c, &defs, &opts()).await.unwrap(), 0);
        assert!(
            up(&mut c, &one(create_a_edited), &opts()).await.is_err(),
            "upgrade still checked"
        );
        assert_eq!(
            down(&mut c, &with_downgrade(drop_a_edited)).await.unwrap(),
            1
        );
        c.close().await;
    });
}

fn add_x_then_fail(op: &mut Ops) {
    op.add_column("a", Column::new("x", T::Integer).nullable());
    op.execute(BROKEN);
}

/// `resolve reverted` on a revision that changed an existing table: refused while its
/// column is there, accepted once a person dropped it (the table itself, with the names
/// and spellings MySQL gives it, is not a difference).
#[test]
fn resolve_reverted_compares_as_autogenerate_does() {
    let Some(db) = TestDb::new(Dialect::MySql) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let mut defs = one(create_a);
        defs.push(RevisionDef {
            meta: Revision {
                id: "bbbbbbbbbbbb",
                revises: &["aaaaaaaaaaaa"],
                message: "add x",
            },
            upgrade: add_x_then_fail,
            downgrade: nothing,
            file: "versions/b.rs",
        });
        assert!(up(&mut c, &defs, &opts()).await.is_err());
        let g = Graph::new(&defs).unwrap();
        let err = resolve(&mut c, &g, "bbbb", Resolution::Reverted, &opts())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("revision bbbbbbbbbbbb is not reverted: to undo: drop column a.x"),
            "{err}"
        );
        c.execute("ALTER TABLE a DROP COLUMN x").await.unwrap();
        resolve(&mut c, &g, "bbbb", Resolution::Reverted, &opts())
            .await
            .unwrap();
        c.close().await;
    });
}

/// The runner's 63-bit FNV-1a key of a lock name.
fn lock_key(name: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// The lock-timeout error names the holder and its statement, but never a statement that
/// mentions a password (it may hold one).
#[test]
fn the_lock_holder_is_named_without_a_password() {
    for d in [Dialect::Postgres, Dialect::MySql] {
        let Some(db) = TestDb::new(d) else {
            continue;
        };
        block_on(async {
            let mut holder = db.connect().await;
            let (take, sleep) = if d == Dialect::Postgres {
                let key = lock_key("aludel:aludel_version");
                (
                    format!("SELECT pg_advisory_lock({key})"),
                    "SELECT pg_sleep(3), 'PASSWORD hunter2-secret'",
                )
            } else {
                let name = holder.query_column("SELECT DATABASE()").await.unwrap()[0]
                    .clone()
                    .unwrap();
                let key = lock_key(&format!("{name}:aludel_version"));
                (
                    format!("SELECT GET_LOCK('aludel:{key:x}', 0)"),
                    "SELECT SLEEP(3), 'PASSWORD hunter2-secret'",
                )
            };
            holder.query_column(&take).await.unwrap();
            let mut c = db.connect().await;
            let impatient = RunnerOptions {
                lock_timeout: std::time::Duration::from_secs(1),
                ..opts()
            };
            let defs = one(create_a);
            let busy = holder.query_column(sleep);
            let (_, err) = tokio::join!(busy, up(&mut c, &defs, &impatient));
            let err = err.unwrap_err().to_string();
            assert!(err.contains("The holder: "), "{d}: {err}");
            assert!(
                err.contains("(not shown: it mentions a password)"),
                "{d}: {err}"
            );
            assert!(!err.contains("hunter2"), "{d}: {err}");
            holder.close().await;
            c.close().await;
        });
    }
}

/// Tables with what models do not describe: a trigger on `t`, a generated column on `g`.
fn with_trigger_and_generated(op: &mut Ops) {
    for name in ["t", "g"] {
        op.create_table(
            Table::new(name)
                .column(Column::new("id", T::Integer))
                .column(Column::new("v", T::Integer))
                .primary_key(["id"]),
        );
    }
    op.create_table(Table::new("log").column(Column::new("v", T::Integer).nullable()));
    op.execute(TRIGGER);
    op.execute("ALTER TABLE g ADD COLUMN twice INTEGER GENERATED ALWAYS AS (v * 2) VIRTUAL");
}

const TRIGGER: &str =
    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log (v) VALUES (NEW.v); END";

/// A change SQLite makes by rebuilding the table.
fn v_nullable(table: &'static str) -> impl Fn(&mut Ops) {
    move |op: &mut Ops| {
        op.alter_column(aludel_schema::AlterColumn::new(table, "v").nullable(false, true));
    }
}

fn t_nullable(op: &mut Ops) {
    v_nullable("t")(op)
}

fn g_nullable(op: &mut Ops) {
    v_nullable("g")(op)
}

/// The remedy the error names: the trigger dropped before the change, created after it.
fn t_nullable_keeping_the_trigger(op: &mut Ops) {
    op.execute("DROP TRIGGER t_log");
    t_nullable(op);
    op.execute(TRIGGER);
}

fn then(second: fn(&mut Ops)) -> Vec<RevisionDef> {
    vec![
        RevisionDef {
            meta: Revision {
                id: "111111111111",
                revises: &[],
                message: "tables",
            },
            upgrade: with_trigger_and_generated,
            downgrade: nothing,
            file: "versions/1.rs",
        },
        RevisionDef {
            meta: Revision {
                id: "222222222222",
                revises: &["111111111111"],
                message: "change",
            },
            upgrade: second,
            downgrade: nothing,
            file: "versions/2.rs",
        },
    ]
}

/// SQLite rebuilds a table to make most changes; the copy would silently lose a trigger
/// or a generated column the models do not describe. The runner refuses, naming them, and
/// the revision is rolled back; dropped and recreated in the revision, the trigger is kept.
#[test]
fn a_sqlite_rebuild_that_would_lose_a_trigger_or_a_generated_column_is_refused() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        for (second, lost) in [
            (t_nullable as fn(&mut Ops), "trigger t_log"),
            (g_nullable, "generated column twice"),
        ] {
            let err = up(&mut c, &then(second), &opts()).await.unwrap_err();
            let text = err.to_string();
            assert!(text.contains("rolled back"), "{text}");
            assert!(
                text.contains(&format!(
                    "copy would lose what the models do not describe: {lost}"
                )),
                "{text}"
            );
            assert_eq!(heads(&mut c).await, ["111111111111"]);
        }
        let kept = c
            .query_column("SELECT count(*) FROM pragma_table_xinfo('g') WHERE name = 'twice'")
            .await
            .unwrap();
        assert_eq!(kept, [Some("1".to_string())]);
        up(&mut c, &then(t_nullable_keeping_the_trigger), &opts())
            .await
            .unwrap();
        c.execute("INSERT INTO t (id, v) VALUES (1, NULL)")
            .await
            .unwrap();
        let logged = c.query_column("SELECT count(*) FROM log").await.unwrap();
        assert_eq!(logged, [Some("1".to_string())], "the trigger fired");
        c.close().await;
    });
}

/// How many tables `many_tables` creates.
static MANY: AtomicUsize = AtomicUsize::new(0);

fn many_tables(op: &mut Ops) {
    for i in 0..MANY.load(Ordering::SeqCst) {
        op.create_table(
            Table::new(format!("many_{i:05}"))
                .column(Column::new("id", T::Integer).auto_increment())
                .column(Column::new("label", T::Text))
                .primary_key(["id"]),
        );
    }
}

/// A revision that needs more locks than the PostgreSQL server's lock table holds is
/// refused before anything runs, with the numbers and both remedies (it used to fail
/// part-way with "out of shared memory" after minutes of DDL).
#[test]
fn a_revision_too_large_for_the_lock_table_is_refused_before_it_runs() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        let query = Dialect::Postgres.backend().lock_capacity_query().unwrap();
        let capacity: usize = c.query_column(query).await.unwrap()[0]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        // Five locks a table: itself, its key, its sequence, its TOAST table and index.
        MANY.store(capacity / 5 + 10, Ordering::SeqCst);
        let defs = [RevisionDef {
            meta: Revision {
                id: "aaaa00000001",
                revises: &[],
                message: "many tables",
            },
            upgrade: many_tables,
            downgrade: nothing,
            file: "versions/many.rs",
        }];
        let err = up(&mut c, &defs, &opts()).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::TooManyLocks { .. }), "{text}");
        assert!(
            text.contains(&format!("more than the {capacity} "))
                && text.contains("max_locks_per_transaction")
                && text.contains("--split ")
                && text.contains("nothing was run"),
            "{text}"
        );
        assert!(user_tables(&mut c).await.is_empty(), "nothing ran");
        // More than the server is asked about (64), less than it holds: it runs.
        MANY.store(20, Ordering::SeqCst);
        up(&mut c, &defs, &opts()).await.unwrap();
        assert_eq!(user_tables(&mut c).await.len(), 20);
        c.close().await;
    });
}

/// A database already at its target costs one query (what a fleet run asks of each
/// target before anything else); a spec relative to where it is cannot be answered so.
#[test]
fn a_database_at_its_target_costs_one_query() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let defs = one(create_a);
            let g = Graph::new(&defs).unwrap();
            let mut c = db.connect().await;
            let at = already_at(&mut c, &g, "head", "aludel_version").await;
            assert_eq!(at.unwrap(), Some(false), "{d}: no version table yet");
            up(&mut c, &defs, &opts()).await.unwrap();
            c.close().await;

            let mut c = db.connect().await;
            let at = already_at(&mut c, &g, "head", "aludel_version").await;
            assert_eq!(at.unwrap(), Some(true), "{d}");
            assert_eq!(c.query_count(), 1, "{d}: one round trip");
            let at = already_at(&mut c, &g, "base", "aludel_version").await;
            assert_eq!(at.unwrap(), Some(false), "{d}");
            let at = already_at(&mut c, &g, "head-1", "aludel_version").await;
            assert_eq!(at.unwrap(), None, "{d}");
            // At base with a ledger: an empty version table is read as such.
            down_to_base(&mut c, &defs).await;
            let at = already_at(&mut c, &g, "base", "aludel_version").await;
            assert_eq!(at.unwrap(), Some(true), "{d}");
            let at = already_at(&mut c, &g, "head", "aludel_version").await;
            assert_eq!(at.unwrap(), Some(false), "{d}");
            c.close().await;
        });
    }
}

async fn down_to_base(c: &mut Database, defs: &[RevisionDef]) {
    let g = Graph::new(defs).unwrap();
    let opts = IntrospectOptions::default();
    migrate(
        c,
        &g,
        "base",
        Direction::Downgrade,
        &RunnerOptions::default(),
        &opts,
        &mut Quiet,
    )
    .await
    .unwrap();
}

/// PostgreSQL schema-per-tenant: a tenant's run creates and reads everything in its
/// schema, a version table in `public` never answers for it, and a schema that does not
/// exist is refused (never a fall back to `public`).
#[test]
fn a_postgresql_schema_of_its_own() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    block_on(async {
        let defs = one(create_a);
        let g = Graph::new(&defs).unwrap();
        let mut public = db.connect().await;
        public.execute("CREATE SCHEMA tenant_a").await.unwrap();
        up(&mut public, &defs, &opts()).await.unwrap();
        public.close().await;

        let mut c = Database::connect_in(&db.url, Some("tenant_a"))
            .await
            .unwrap();
        let path = c.query_column("SELECT current_schema()").await.unwrap();
        assert_eq!(
            path,
            [Some("tenant_a".to_string())],
            "entered with the session"
        );
        let at = already_at(&mut c, &g, "head", "aludel_version").await;
        assert_eq!(
            at.unwrap(),
            Some(false),
            "public's version table is not the tenant's"
        );
        // The same through a session whose search path the URL sets (no schema of
        // aludel's): the unqualified read would find public's table.
        let sep = if db.url.contains('?') { '&' } else { '?' };
        let via_url = format!("{}{sep}options=-csearch_path%3Dtenant_a,public", db.url);
        let mut u = Database::connect(&via_url).await.unwrap();
        let at = already_at(&mut u, &g, "head", "aludel_version").await;
        assert_eq!(
            at.unwrap(),
            Some(false),
            "the current schema's table or none"
        );
        u.close().await;
        assert_eq!(up(&mut c, &defs, &opts()).await.unwrap(), 1);
        let at = already_at(&mut c, &g, "head", "aludel_version").await;
        assert_eq!(at.unwrap(), Some(true));
        let tables = c
            .query_column(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'tenant_a' ORDER BY 1",
            )
            .await
            .unwrap();
        let tables: Vec<String> = tables.into_iter().flatten().collect();
        assert_eq!(tables, ["a", "aludel_version", "aludel_version_ledger"]);
        c.close().await;

        let err = Database::connect_in(&db.url, Some("nope"))
            .await
            .err()
            .expect("no such schema")
            .to_string();
        assert!(
            err.contains("the schema \"nope\" does not exist") && err.contains("CREATE SCHEMA"),
            "{err}"
        );
        no_usage_is_refused(&db).await;
        a_session_moves_to_the_next_tenant_clean(&db).await;
    });
    let Some(lite) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    let err = block_on(Database::connect_in(&lite.url, Some("t")))
        .err()
        .expect("no schemas on SQLite")
        .to_string();
    assert!(err.contains("PostgreSQL's"), "{err}");
}

/// A role without USAGE on a tenant's schema: PostgreSQL would leave the schema out of
/// the search path and work in `public`; the connection is refused instead.
async fn no_usage_is_refused(db: &TestDb) {
    let role = format!("aludel_nousage_{}", std::process::id());
    let mut admin = db.connect().await;
    admin
        .execute(&format!("CREATE ROLE {role} LOGIN"))
        .await
        .unwrap();
    admin.execute("CREATE SCHEMA tenant_b").await.unwrap();
    let (scheme, rest) = db.url.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let as_role = format!("{scheme}://{role}@{host}");
    let result = Database::connect_in(&as_role, Some("tenant_b")).await;
    admin.execute(&format!("DROP ROLE {role}")).await.unwrap();
    admin.close().await;
    let err = result.err().expect("no USAGE").to_string();
    assert!(
        err.contains("may not use the schema \"tenant_b\"") && err.contains("GRANT USAGE"),
        "{err}"
    );
}

/// A session handed from one tenant to the next (a fleet over the schemas of one
/// database) leaves behind what the first tenant's revisions set, when asked to.
async fn a_session_moves_to_the_next_tenant_clean(db: &TestDb) {
    let mut admin = db.connect().await;
    admin.execute("CREATE SCHEMA tenant_c").await.unwrap();
    admin.close().await;
    let mut c = Database::connect_in(&db.url, Some("tenant_a"))
        .await
        .unwrap();
    for sql in [
        "SET lock_timeout = '7s'",
        "CREATE TEMP TABLE scratch (x int)",
        "SELECT pg_advisory_lock(4242)",
        "LISTEN tenant_a_events",
    ] {
        c.execute(sql).await.unwrap();
    }
    let state = "SELECT current_schema() || ' ' || current_setting('lock_timeout') || ' ' || \
                 (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) || ' ' || \
                 (SELECT count(*) FROM pg_listening_channels()) || ' ' || \
                 (to_regclass('pg_temp.scratch') IS NOT NULL)";
    let before = c.query_column(state).await.unwrap();
    assert_eq!(before, [Some("tenant_a 7s 1 1 true".to_string())]);
    c.set_schema("tenant_c", false).await.unwrap();
    let kept = c.query_column(state).await.unwrap();
    assert_eq!(
        kept,
        [Some("tenant_c 7s 1 1 true".to_string())],
        "no reset asked"
    );
    c.set_schema("tenant_a", true).await.unwrap();
    let after = c.query_column(state).await.unwrap();
    assert_eq!(after, [Some("tenant_a 0 0 0 false".to_string())]);
    c.close().await;
}
