//! Fleets through the `aludel` binary: the example application's four revisions over 200
//! SQLite files, 100 PostgreSQL schemas of one database and 20 MariaDB databases. A
//! tenant with a conflicting table fails alone while the rest reach head; a run killed
//! with SIGKILL is picked up by the next; two runs at once apply each revision once per
//! target; `--canary` stops before the rest; `check --offline` ignores the targets.

use std::time::Duration;

use aludel_introspect::Database;
use aludel_schema::Dialect;
use aludel_tests::{Project, Run, TestDb, block_on};

use crate::cli::{Background, wait_for};

const REVISIONS: [&str; 4] = [
    "d6d2d1143a52",
    "383c33cc7a64",
    "b1cc9c865fbc",
    "58eb8db26726",
];
const HEAD: &str = "58eb8db26726";

/// A project with the example application's models and revisions, and `targets` added to
/// its aludel.toml.
fn blog(url: &str, targets: &str) -> Project {
    let root = aludel_tests::workspace_root();
    let p = Project::new(url);
    p.set_models(&std::fs::read_to_string(root.join("examples/blog/src/lib.rs")).unwrap());
    for entry in std::fs::read_dir(root.join("migrations/versions")).unwrap() {
        let path = entry.unwrap().path();
        let to = p.root().join("migrations/versions");
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n{targets}")).unwrap();
    p
}

/// The run's summary line, without its time.
#[track_caller]
fn summary(out: &Run) -> String {
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains(" targets: ") || l.starts_with("1 target: "))
        .unwrap_or_else(|| panic!("no summary: {out:?}"));
    line.rsplit_once(" (").map_or(line, |(s, _)| s).to_string()
}

/// A target's version table, and its ledger's upgrades since its last downgrade (or
/// since the start): `revision/status`.
async fn state(db: &mut Database) -> (Vec<String>, Vec<String>) {
    let heads = aludel_runner::current_heads(db, "aludel_version")
        .await
        .unwrap();
    let rows = db
        .query_rows("SELECT revision, action, status FROM aludel_version_ledger ORDER BY id")
        .await
        .unwrap_or_default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let last_down = rows.iter().rposition(|r| text(&r[1]) == "downgrade");
    let upgrades = rows[last_down.map_or(0, |i| i + 1)..]
        .iter()
        .map(|r| format!("{}/{}", text(&r[0]), text(&r[2])))
        .collect();
    (heads, upgrades)
}

async fn state_of(url: &str, schema: Option<&str>) -> (Vec<String>, Vec<String>) {
    let mut db = Database::connect_in(url, schema).await.unwrap();
    let s = state(&mut db).await;
    db.close().await;
    s
}

fn applied_once() -> Vec<String> {
    REVISIONS.iter().map(|r| format!("{r}/applied")).collect()
}

async fn execute(url: &str, sql: &str) {
    let mut db = Database::connect(url).await.unwrap();
    db.execute(sql).await.unwrap();
    db.close().await;
}

#[test]
fn two_hundred_sqlite_files() {
    if !aludel_tests::enabled(Dialect::Sqlite) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = |i: usize| format!("sqlite://{}/tenant{i:03}.db?mode=rwc", dir.path().display());
    let list: String = (0..200).map(|i| url(i) + "\n").collect();
    let file = dir.path().join("tenants.txt");
    std::fs::write(&file, format!("# one tenant per line\n\n{list}")).unwrap();
    let p = blog(
        &url(999),
        &format!(
            "[targets.tenants]\nfile = {:?}\n",
            file.display().to_string()
        ),
    );
    block_on(execute(&url(17), "CREATE TABLE votes (id INTEGER)"));

    let out = p.aludel(&["upgrade", "head", "--all"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(summary(&out), "200 targets: 199 upgraded, 1 failed");
    assert!(
        out.stderr
            .contains("1 target failed:\n  tenants/tenant017: ")
            && out.stderr.contains("votes"),
        "{out:?}"
    );
    for i in 0..200 {
        let (heads, upgrades) = block_on(state_of(&url(i), None));
        if i == 17 {
            // Every step is planned against the live tables before any runs: the
            // conflict is found before the first revision.
            assert!(heads.is_empty(), "the conflicting tenant is left as it was");
        } else {
            assert_eq!(heads, [HEAD], "tenant {i}");
            assert_eq!(upgrades, applied_once(), "tenant {i}");
        }
    }

    // A rerun tries only what is not at head.
    let out = p.aludel(&["upgrade", "head", "--all", "--jobs", "3"]);
    assert_eq!(summary(&out), "200 targets: 199 already there, 1 failed");
    block_on(execute(&url(17), "DROP TABLE votes"));
    let out = p.aludel(&["upgrade", "head", "--all"]).ok();
    assert_eq!(summary(&out), "200 targets: 199 already there, 1 upgraded");
    assert!(
        out.stdout
            .contains("tenants/tenant017: upgraded to 58eb8db26726 (4 revisions)"),
        "{out:?}"
    );

    let out = p.aludel(&["current", "--target", "tenants/tenant00?"]).ok();
    assert_eq!(summary(&out), "10 targets: 10 at head");
    let out = p.aludel(&["check", "--all"]).ok();
    assert_eq!(summary(&out), "200 targets: 200 without changes");
    // check --offline reads no database: the targets change nothing.
    let out = p
        .aludel(&["check", "--offline", "--dialect", "sqlite"])
        .ok();
    assert_eq!(out.stdout, "No new upgrade operations detected.\n");
    let out = p.aludel(&["check", "--offline", "--all"]);
    assert!(
        !out.status.success() && out.stderr.contains("check --offline reads no database"),
        "{out:?}"
    );
    stamp_one(&p);
    named_urls(&p, &url(0));
}

/// `stamp` on one target of the fleet changes only its version table.
fn stamp_one(p: &Project) {
    let out = p.aludel(&["stamp", "base", "-t", "tenants/tenant000"]).ok();
    assert_eq!(summary(&out), "1 target: 1 stamped");
    let out = p.aludel(&["current", "-t", "tenants/tenant00*"]).ok();
    assert_eq!(summary(&out), "10 targets: 1 at base, 9 at head");
    p.aludel(&["stamp", "head", "-t", "tenants/tenant000"]).ok();
}

/// Named URLs with `${VARIABLE}` references: the variable is read when the group is
/// used, a missing one is named, and a password written in the file is warned about and
/// never shown.
fn named_urls(p: &Project, first: &str) {
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!(
            "{text}\n[targets.one]\nurls = {{ first = \"${{ALUDEL_FLEET_TEST_URL}}\" }}\n\n\
             [targets.pw]\nurls = {{ x = \"postgres://app:hunter2@127.0.0.1:9/x\" }}\n\n\
             [targets.env]\nurls = {{ y = \"postgres://app:${{ALUDEL_FLEET_TEST_PW}}@127.0.0.1:9/y\" }}\n"
        ),
    )
    .unwrap();
    let mut cmd = p.command(&["current", "--target", "one"]);
    cmd.env("ALUDEL_FLEET_TEST_URL", first);
    let out = p.run(cmd).ok();
    assert!(
        out.stdout.contains("one/first: 58eb8db26726 (head)"),
        "{out:?}"
    );
    let out = p.aludel(&["current", "--target", "one"]);
    assert!(
        !out.status.success()
            && out
                .stderr
                .contains("the environment has no variable ALUDEL_FLEET_TEST_URL"),
        "{out:?}"
    );
    let out = p.aludel(&["current", "--target", "pw"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("holds a database password"), "{out:?}");
    assert!(
        !out.stderr.contains("hunter2") && !out.stdout.contains("hunter2"),
        "{out:?}"
    );
    // A password from the environment is never shown either, whatever it holds.
    let mut cmd = p.command(&["current", "--target", "env"]);
    cmd.env("ALUDEL_FLEET_TEST_PW", "hunter3/x@y");
    let out = p.run(cmd);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("env/y: cannot connect to"), "{out:?}");
    assert!(
        !out.stderr.contains("hunter3") && !out.stdout.contains("hunter3"),
        "{out:?}"
    );
    let out = p.aludel(&["current", "--target", "nope*"]);
    assert!(
        out.stderr.contains(
            "--target nope*: no group of targets is called that; the groups are env, one, pw, tenants"
        ),
        "{out:?}"
    );
    let out = p.aludel(&["current", "--target", "tenants/nope"]);
    assert!(
        out.stderr
            .contains("--target tenants/nope: selects no target (no target of that name"),
        "{out:?}"
    );
    std::fs::write(&config, text).unwrap();
}

#[test]
fn a_hundred_postgresql_schemas() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    let schemas: String = (0..100)
        .map(|i| format!("CREATE SCHEMA tenant_{i:03};"))
        .collect();
    block_on(execute(&db.url, &schemas));
    block_on(execute(&db.url, "CREATE TABLE tenant_042.votes (x int)"));
    let p = blog(
        &db.url,
        &format!(
            "[targets.tenants]\nurl = {:?}\nschemas_query = \"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%' ORDER BY 1\"\n",
            db.url
        ),
    );
    let schema = |i: usize| format!("tenant_{i:03}");

    let out = p.aludel(&["upgrade", "head", "--all"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(summary(&out), "100 targets: 99 upgraded, 1 failed");
    assert!(out.stderr.contains("tenants/tenant_042: "), "{out:?}");
    for i in 0..100 {
        let (heads, upgrades) = block_on(state_of(&db.url, Some(&schema(i))));
        if i == 42 {
            assert!(heads.is_empty(), "{}", schema(i));
        } else {
            assert_eq!(heads, [HEAD], "{}", schema(i));
            assert_eq!(upgrades, applied_once(), "{}", schema(i));
        }
    }
    let public = block_on(async {
        let mut c = Database::connect(&db.url).await.unwrap();
        let t = c.introspect(&Default::default()).await.unwrap();
        c.close().await;
        t.tables.len()
    });
    assert_eq!(public, 0, "nothing lands in public");

    status_reports_drift_and_pending(&p, &db.url);
    block_on(execute(&db.url, "DROP TABLE tenant_042.votes"));
    killed_and_rerun(&p, &db.url, &schema);
    two_runs_at_once(&p, &db.url, &schema);
    listed_schemas(&p, &db.url);
}

/// Schemas listed in the config (not queried) are targets the same way.
fn listed_schemas(p: &Project, url: &str) {
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let few =
        format!("\n[targets.few]\nurl = {url:?}\nschemas = [\"tenant_001\", \"tenant_002\"]\n");
    std::fs::write(&config, format!("{text}{few}")).unwrap();
    let out = p.aludel(&["current", "--target", "few"]).ok();
    assert_eq!(summary(&out), "2 targets: 2 at head");
    assert!(
        out.stdout.contains("few/tenant_002: 58eb8db26726 (head)"),
        "{out:?}"
    );
    std::fs::write(&config, text).unwrap();
}

fn status_reports_drift_and_pending(p: &Project, url: &str) {
    block_on(execute(
        url,
        "ALTER TABLE tenant_007.posts ADD COLUMN extra int",
    ));
    let out = p.aludel(&["status", "--all", "--format", "json"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let s = &doc["summary"];
    assert_eq!(
        (&s["targets"], &s["at_head"], &s["behind"], &s["drifted"]),
        (&100.into(), &99.into(), &1.into(), &2.into()),
        "{s}"
    );
    let target = |name: &str| {
        doc["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        target("tenants/tenant_007")["drift"],
        serde_json::json!(["drop column posts.extra"])
    );
    let t42 = target("tenants/tenant_042");
    assert_eq!(t42["pending"], serde_json::json!(REVISIONS));
    // At base, its tables should be none: the table in its way is drift too.
    assert_eq!(t42["drift"], serde_json::json!(["drop table votes"]));
    let out = p.aludel(&["status", "-t", "tenants/tenant_04*"]).ok();
    assert!(out.stdout.starts_with("TARGET "), "{out:?}");
    let row: Vec<&str> = out
        .stdout
        .lines()
        .find(|l| l.starts_with("tenants/tenant_042 "))
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        row,
        ["tenants/tenant_042", "base", "4", "ok", "1", "change"],
        "{out:?}"
    );
    block_on(execute(
        url,
        "ALTER TABLE tenant_007.posts DROP COLUMN extra",
    ));
}

/// SIGKILL in the middle of a fleet run: what it committed stays, what it was doing is
/// rolled back, and the next run finishes the rest.
fn killed_and_rerun(p: &Project, url: &str, schema: &dyn Fn(usize) -> String) {
    let out = p.aludel(&["downgrade", "base", "--all"]).ok();
    assert_eq!(summary(&out), "100 targets: 1 already there, 99 downgraded");
    let signals = tempfile::tempdir().unwrap();
    let args = ["upgrade", "head", "--all", "--jobs", "2"];
    let mut run = Background::start(p, url, signals.path(), &args, 0);
    let finished = || {
        std::fs::read_to_string(&run.stdout)
            .unwrap_or_default()
            .matches("] tenants/")
            .count()
    };
    wait_for("ten targets", Duration::from_secs(120), || finished() >= 10);
    run.child.kill().unwrap();
    run.child.wait().unwrap();
    let done_before = finished();
    assert!(done_before < 100, "the run was killed before its end");
    let out = p.aludel(&["upgrade", "head", "--all"]).ok();
    let s = summary(&out);
    assert!(
        s.starts_with("100 targets: ")
            && s.contains(" already there, ")
            && s.ends_with(" upgraded"),
        "{s}"
    );
    for i in 0..100 {
        let (heads, upgrades) = block_on(state_of(url, Some(&schema(i))));
        assert_eq!(heads, [HEAD], "{}", schema(i));
        assert_eq!(upgrades, applied_once(), "{}", schema(i));
    }
}

/// Two fleet runs at once: each revision is applied once per target.
fn two_runs_at_once(p: &Project, url: &str, schema: &dyn Fn(usize) -> String) {
    p.aludel(&["downgrade", "base", "--all"]).ok();
    let signals = tempfile::tempdir().unwrap();
    let args = ["upgrade", "head", "--all", "--jobs", "4"];
    let runs: Vec<Background> = (0..2)
        .map(|n| Background::start(p, url, signals.path(), &args, n))
        .collect();
    for run in runs {
        let out = run.wait();
        assert!(out.status.success(), "{out:?}");
    }
    for i in 0..100 {
        let (heads, upgrades) = block_on(state_of(url, Some(&schema(i))));
        assert_eq!(heads, [HEAD], "{}", schema(i));
        assert_eq!(upgrades, applied_once(), "{}", schema(i));
    }
}

#[test]
fn twenty_mariadb_databases_and_a_canary() {
    let dbs: Vec<TestDb> = (0..20)
        .filter_map(|_| TestDb::new(Dialect::MySql))
        .collect();
    if dbs.len() < 20 {
        return;
    }
    // The tenants are listed in a control database.
    let Some(control) = TestDb::new(Dialect::MySql) else {
        return;
    };
    let rows: Vec<String> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| format!("('t{i:02}', '{}')", db.url))
        .collect();
    block_on(execute(
        &control.url,
        "CREATE TABLE tenants (slug varchar(20), url varchar(200))",
    ));
    block_on(execute(
        &control.url,
        &format!("INSERT INTO tenants VALUES {}", rows.join(", ")),
    ));
    let p = blog(
        &dbs[0].url,
        &format!(
            "[targets.shop]\nurl = {:?}\nquery = \"SELECT slug, url FROM tenants ORDER BY slug\"\n",
            control.url
        ),
    );
    block_on(execute(&dbs[1].url, "CREATE TABLE votes (x int)"));

    // The canaries: t00 .. t04, two at a time; t01 fails, the rest is not started.
    let out = p.aludel(&["upgrade", "head", "--all", "--canary", "5", "--jobs", "2"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        summary(&out),
        "20 targets: 4 upgraded, 1 failed, 15 not started"
    );
    for db in &dbs[5..] {
        let (heads, _) = block_on(state_of(&db.url, None));
        assert!(heads.is_empty(), "a target after the canaries is untouched");
    }

    // --fail-fast: one at a time, nothing starts after t01 fails.
    let out = p.aludel(&["upgrade", "head", "--all", "--fail-fast", "--jobs", "1"]);
    assert_eq!(
        summary(&out),
        "20 targets: 1 already there, 1 failed, 18 not started"
    );
    let out = p.aludel(&["upgrade", "head", "--all"]);
    assert_eq!(
        summary(&out),
        "20 targets: 4 already there, 15 upgraded, 1 failed"
    );
    for (i, db) in dbs.iter().enumerate() {
        let (heads, upgrades) = block_on(state_of(&db.url, None));
        if i == 1 {
            assert!(heads.is_empty());
        } else {
            assert_eq!(heads, [HEAD], "t{i:02}");
            assert_eq!(upgrades, applied_once(), "t{i:02}");
        }
    }
    let out = p.aludel(&["status", "-t", "shop/t01"]).ok();
    assert!(out.stdout.contains("shop/t01"), "{out:?}");
}
