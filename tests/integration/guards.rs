//! What autogenerate must never do on its own: touch an excluded table or the version
//! table, drop a table silently, or drop the table of a model that exists in the code
//! but is not linked into the runner.

use aludel_schema::Dialect;
use aludel_tests::{Project, TestDb, block_on};

const KEEP: &str = r#"
#[derive(aludel::Model)]
pub struct Keep {
    #[aludel(primary_key)]
    pub id: i64,
}
"#;

fn exclude(p: &Project, pattern: &str) {
    let path = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("exclude = []", &format!("exclude = [{pattern:?}]"));
    std::fs::write(&path, text).unwrap();
}

#[test]
fn tables_outside_the_models_are_excluded_or_dropped_loudly() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    let p = Project::new(&db.url);
    p.set_models(KEEP);
    exclude(&p, "legacy_*");
    block_on(async {
        let mut c = db.connect().await;
        c.execute("CREATE TABLE legacy_audit (id INTEGER PRIMARY KEY, what TEXT)")
            .await
            .unwrap();
        c.execute("CREATE TABLE orphan (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        c.close().await;
    });
    let out = p
        .aludel(&["revision", "--autogenerate", "-m", "first"])
        .ok();
    assert!(
        out.stderr
            .contains("WARNING: table orphan is in the database but in no model"),
        "{out:?}"
    );
    let file = std::fs::read_to_string(&p.revision_files()[0]).unwrap();
    assert!(file.contains("op.drop_table(\"orphan\")"), "{file}");
    assert!(
        file.contains("// WARNING: table orphan is in the database but in no model"),
        "{file}"
    );
    assert!(file.contains("// DATA LOSS: drop table orphan"), "{file}");
    assert!(
        !file.contains("legacy_audit"),
        "an excluded table is never touched:\n{file}"
    );
    assert!(
        !file.contains("aludel_version"),
        "nor is the version table:\n{file}"
    );

    p.aludel(&["upgrade", "head"]).ok();
    let out = p.aludel(&["check"]).ok();
    assert_eq!(out.stdout.trim(), "No new upgrade operations detected.");
    block_on(async {
        let mut c = db.connect().await;
        let tables = c
            .query_column("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .await
            .unwrap();
        let tables: Vec<String> = tables.into_iter().flatten().collect();
        assert!(tables.contains(&"legacy_audit".to_string()), "{tables:?}");
        assert!(!tables.contains(&"orphan".to_string()), "{tables:?}");
        c.close().await;
    });
}

#[test]
fn models_not_linked_into_the_runner_are_never_dropped() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    let p = Project::new(&db.url);
    p.set_models(KEEP);
    p.aludel(&["revision", "--autogenerate", "-m", "first"])
        .ok();
    p.aludel(&["upgrade", "head"]).ok();

    // Somebody removes the line that links the models crate.
    let main = p.root().join("migrations/src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    assert!(text.contains("use app as _;"), "{text}");
    std::fs::write(&main, text.replace("use app as _;", "")).unwrap();

    for cmd in [
        &["revision", "--autogenerate", "-m", "oops"][..],
        &["check"],
    ] {
        let out = p.aludel(cmd);
        assert!(!out.status.success(), "{cmd:?}: {out:?}");
        assert!(
            out.stderr.contains("refusing to drop keep"),
            "{cmd:?}: {out:?}"
        );
        assert!(out.stderr.contains("Keep ("), "names the model: {out:?}");
        assert!(
            out.stderr.contains("use <crate> as _;"),
            "says how to fix it: {out:?}"
        );
    }
    assert_eq!(p.revision_files().len(), 1, "no revision was written");
}
