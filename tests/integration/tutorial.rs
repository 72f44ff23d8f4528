//! The tutorial the project grew from, driven through the `aludel` binary on every
//! backend: models change step by step, autogenerate writes each revision, upgrade
//! applies it, and the rows inserted at the start survive every step that keeps their
//! table.

use aludel_introspect::Database;
use aludel_schema::{Dialect, normalize};
use aludel_tests::{Project, TestDb, block_on};

const STEP1: &str = include_str!("../fixtures/tutorial/step1.rs");
const STEP2: &str = include_str!("../fixtures/tutorial/step2.rs");
const STEP3: &str = include_str!("../fixtures/tutorial/step3.rs");
/// The last step is the example application itself.
const STEP4: &str = include_str!("../../examples/blog/src/lib.rs");

async fn titles(db: &mut Database) -> Vec<String> {
    db.query_column("SELECT title FROM posts ORDER BY id")
        .await
        .unwrap()
        .into_iter()
        .flatten()
        .collect()
}

async fn tables(db: &mut Database) -> Vec<String> {
    let mut t: Vec<String> = db
        .introspect(&Default::default())
        .await
        .unwrap()
        .tables
        .into_iter()
        .map(|t| t.name)
        .collect();
    t.sort();
    t
}

fn tutorial(db: TestDb) {
    let d = db.dialect;
    let p = Project::new(&db.url);

    p.set_models(STEP1);
    let out = p
        .aludel(&["revision", "--autogenerate", "-m", "create posts table"])
        .ok();
    assert!(out.stdout.contains("Generating"), "{d}: {out:?}");
    assert!(
        out.stderr.contains("Detected create table posts"),
        "{d}: {out:?}"
    );
    p.aludel(&["upgrade", "head"]).ok();
    block_on(async {
        let mut c = db.connect().await;
        c.execute("INSERT INTO posts (title, body) VALUES ('hello', 'first post')")
            .await
            .unwrap();
        c.execute("INSERT INTO posts (title) VALUES ('second')")
            .await
            .unwrap();
        c.close().await;
    });
    let kept = vec!["hello".to_string(), "second".to_string()];

    p.set_models(STEP2);
    let out = p
        .aludel(&["revision", "--autogenerate", "-m", "add users and owner fk"])
        .ok();
    assert!(
        out.stderr.contains("Detected add column posts.owner_id"),
        "{d}: {out:?}"
    );
    assert!(
        out.stderr
            .contains("Detected add foreign key fk_posts_owner_id_users"),
        "{d}: {out:?}"
    );
    p.aludel(&["upgrade", "head"]).ok();
    block_on(async {
        let mut c = db.connect().await;
        assert_eq!(titles(&mut c).await, kept, "{d}: rows survive step 2");
        c.close().await;
    });

    p.set_models(STEP3);
    p.aludel(&[
        "revision",
        "--autogenerate",
        "-m",
        "add two columns to posts",
    ])
    .ok();
    p.aludel(&["upgrade", "+1"]).ok();

    p.set_models(STEP4);
    let out = p
        .aludel(&["revision", "--autogenerate", "-m", "add votes"])
        .ok();
    assert!(
        out.stderr.contains("Detected create table votes"),
        "{d}: {out:?}"
    );
    assert!(
        !out.stderr.contains("owner"),
        "{d}: a skipped field is never a column: {out:?}"
    );
    p.aludel(&["upgrade", "head"]).ok();
    assert_eq!(p.revision_files().len(), 4, "{d}");

    let out = p.aludel(&["check"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "No new upgrade operations detected.",
        "{d}"
    );
    let out = p
        .aludel(&["revision", "--autogenerate", "-m", "nothing"])
        .ok();
    assert_eq!(out.stdout, "No changes in schema detected.\n", "{d}");
    assert_eq!(p.revision_files().len(), 4, "{d}: no file for no change");

    let final_schema = block_on(async {
        let mut c = db.connect().await;
        assert_eq!(
            titles(&mut c).await,
            kept,
            "{d}: rows survive steps 3 and 4"
        );
        let s = c.introspect(&Default::default()).await.unwrap();
        c.close().await;
        s
    });

    p.aludel(&["downgrade", "-1"]).ok();
    block_on(async {
        let mut c = db.connect().await;
        assert_eq!(
            tables(&mut c).await,
            ["aludel_version", "aludel_version_ledger", "posts", "users"],
            "{d}"
        );
        assert_eq!(titles(&mut c).await, kept, "{d}: rows survive downgrade -1");
        c.close().await;
    });
    p.aludel(&["downgrade", "base"]).ok();
    block_on(async {
        let mut c = db.connect().await;
        assert_eq!(
            tables(&mut c).await,
            ["aludel_version", "aludel_version_ledger"],
            "{d}"
        );
        // Every run is in the ledger: 4 upgrades, then 1 + 3 downgrades.
        let rows = c
            .query_rows("SELECT revision, action, status FROM aludel_version_ledger ORDER BY id")
            .await
            .unwrap();
        let actions: Vec<String> = rows
            .iter()
            .map(|r| format!("{}/{}", r[1].clone().unwrap(), r[2].clone().unwrap()))
            .collect();
        assert_eq!(
            actions,
            [
                "upgrade/applied",
                "upgrade/applied",
                "upgrade/applied",
                "upgrade/applied",
                "downgrade/reverted",
                "downgrade/reverted",
                "downgrade/reverted",
                "downgrade/reverted",
            ],
            "{d}"
        );
        c.close().await;
    });
    let out = p.aludel(&["current"]).ok();
    assert_eq!(out.stdout, "", "{d}: at base");
    p.aludel(&["upgrade", "head"]).ok();
    let out = p.aludel(&["check"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "No new upgrade operations detected.",
        "{d}"
    );

    // The offline script builds the same schema as the online upgrades did.
    let script = p.aludel(&["upgrade", "head", "--sql"]).ok().stdout;
    let Some(fresh) = TestDb::new(d) else { return };
    let offline = block_on(async {
        let mut c = fresh.connect().await;
        for stmt in split_script(&script) {
            c.execute(&stmt)
                .await
                .unwrap_or_else(|e| panic!("{d}: {stmt}: {e}"));
        }
        let s = c.introspect(&Default::default()).await.unwrap();
        c.close().await;
        s
    });
    assert_eq!(
        normalize(&offline, d),
        normalize(&final_schema, d),
        "{d}: --sql replays to the same schema"
    );
}

/// Statements of a `--sql` script: one per line ending in `;`, comments skipped.
fn split_script(script: &str) -> Vec<String> {
    script
        .lines()
        .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn tutorial_on_sqlite() {
    if let Some(db) = TestDb::new(Dialect::Sqlite) {
        tutorial(db);
    }
}

#[test]
fn tutorial_on_postgres() {
    if let Some(db) = TestDb::new(Dialect::Postgres) {
        tutorial(db);
    }
}

#[test]
fn tutorial_on_mysql() {
    if let Some(db) = TestDb::new(Dialect::MySql) {
        tutorial(db);
    }
}
