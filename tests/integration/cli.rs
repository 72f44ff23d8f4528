//! The `aludel` binary as people run it: many runs at once, a run that waits too long, a
//! run killed while it holds the lock, the messages of bad input, and `database
//! create|drop`.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use aludel_introspect::Database;
use aludel_schema::Dialect;
use aludel_tests::{Project, Run, TestDb, block_on};

/// The second revision builds an index `CONCURRENTLY` while the other runs wait for the
/// lock: a waiter blocked inside a statement would hold a snapshot that the build waits
/// for, and neither would ever finish.
///
/// A revision whose Rust code records the run, says it started (a file `started` in
/// `$ALUDEL_TEST_SIGNALS`) and holds its transaction until the file `release` appears.
const SLOW: &str = r#"//! slow
use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "aaaaaaaaaaaa",
    revises: &[],
    message: "slow",
};

pub fn upgrade(op: &mut Ops) {
    op.create_table(
        Table::new("runs")
            .column(Column::new("pid", ColumnType::BigInt))
            .primary_key(["pid"]),
    );
    op.run("record the run, then wait for the test", |db| {
        Box::pin(async move {
            let pid = std::process::id();
            db.execute(&format!("INSERT INTO runs (pid) VALUES ({pid})")).await?;
            let dir = std::path::PathBuf::from(std::env::var("ALUDEL_TEST_SIGNALS")?);
            std::fs::write(dir.join("started"), pid.to_string())?;
            let start = std::time::Instant::now();
            while !dir.join("release").exists() {
                if start.elapsed().as_secs() > 180 {
                    return Err("the test never released the slow revision".into());
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(())
        })
    });
}

pub fn downgrade(op: &mut Ops) {
    op.drop_table("runs");
}
"#;

const AFTER: &str = r#"//! after
use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "bbbbbbbbbbbb",
    revises: &["aaaaaaaaaaaa"],
    message: "after",
};

pub fn upgrade(op: &mut Ops) {
    op.create_table(
        Table::new("after_slow")
            .column(Column::new("id", ColumnType::Integer))
            .column(Column::new("v", ColumnType::Integer))
            .primary_key(["id"]),
    );
    // While the other runs wait: none of them may hold a snapshot it waits for.
    op.create_index_concurrently("after_slow", Index::new(["v"]).named("ix_after_slow_v"));
}

pub fn downgrade(op: &mut Ops) {
    op.drop_table("after_slow");
}
"#;

const RUNNERS: usize = 8;
const WAITING: &str = "Another aludel run holds the migration lock";
const RUN_SLOW: &str = "Running upgrade <base> -> aaaaaaaaaaaa, slow";
const RUN_AFTER: &str = "Running upgrade aaaaaaaaaaaa -> bbbbbbbbbbbb, after";

fn write_revision(p: &Project, file: &str, source: &str) {
    let dir = p.root().join("migrations/versions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file), source).unwrap();
}

/// Writes a config next to aludel.toml with `lock_timeout` changed; returns its name.
fn config_with_lock_timeout(p: &Project, secs: u64) -> String {
    let text = std::fs::read_to_string(p.root().join("aludel.toml")).unwrap();
    let name = format!("lock_{secs}.toml");
    let changed = text.replace("lock_timeout = 60", &format!("lock_timeout = {secs}"));
    assert_ne!(text, changed, "aludel.toml sets lock_timeout = 60");
    std::fs::write(p.root().join(&name), changed).unwrap();
    name
}

/// An `aludel` run in the background, its output going to files.
pub(crate) struct Background {
    pub(crate) child: Child,
    pub(crate) stdout: PathBuf,
    stderr: PathBuf,
}

impl Background {
    pub(crate) fn start(
        p: &Project,
        url: &str,
        signals: &Path,
        args: &[&str],
        n: usize,
    ) -> Background {
        let stdout = signals.join(format!("out{n}"));
        let stderr = signals.join(format!("err{n}"));
        let mut cmd = p.command(args);
        cmd.env("DATABASE_URL", url)
            .env("ALUDEL_TEST_SIGNALS", signals)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        Background {
            child: cmd.spawn().expect("start aludel"),
            stdout,
            stderr,
        }
    }

    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub(crate) fn wait(mut self) -> Run {
        let status = self.child.wait().expect("wait for aludel");
        Run {
            status,
            stdout: std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            stderr: self.stderr(),
        }
    }
}

/// Waits until `done` holds, failing the test after `limit`.
#[track_caller]
pub(crate) fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn rows(db: &mut Database, sql: &str) -> Vec<String> {
    db.query_rows(sql)
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

async fn state(url: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut db = Database::connect(url).await.unwrap();
    let ledger = rows(
        &mut db,
        "SELECT revision, action, status FROM aludel_version_ledger ORDER BY id",
    )
    .await;
    let runs = rows(&mut db, "SELECT COUNT(*) FROM runs").await;
    let heads = aludel_runner::current_heads(&mut db, "aludel_version")
        .await
        .unwrap();
    db.close().await;
    (ledger, runs, heads)
}

const APPLIED_BOTH: [&str; 2] = [
    "aaaaaaaaaaaa/upgrade/applied",
    "bbbbbbbbbbbb/upgrade/applied",
];

/// Eight runs at once apply each revision exactly once; the others wait and then find
/// nothing to do.
fn concurrent_runs(p: &Project, d: Dialect) {
    let Some(db) = TestDb::new(d) else { return };
    let signals = tempfile::tempdir().unwrap();
    let runs: Vec<Background> = (0..RUNNERS)
        .map(|n| Background::start(p, &db.url, signals.path(), &["upgrade", "head"], n))
        .collect();
    wait_for(
        "the slow revision to start",
        Duration::from_secs(120),
        || signals.path().join("started").exists(),
    );
    if d == Dialect::Sqlite {
        // The others wait inside SQLite's busy handler, which says nothing; give them
        // time to get there.
        std::thread::sleep(Duration::from_secs(2));
    } else {
        wait_for(
            "every other run to wait for the lock",
            Duration::from_secs(120),
            || runs.iter().filter(|r| r.stderr().contains(WAITING)).count() == RUNNERS - 1,
        );
    }
    std::fs::write(signals.path().join("release"), "").unwrap();
    let outs: Vec<Run> = runs.into_iter().map(Background::wait).collect();
    for out in &outs {
        assert!(out.status.success(), "{d}: {out:?}");
    }
    let count = |s: &str| outs.iter().filter(|o| o.stderr.contains(s)).count();
    assert_eq!(count(RUN_SLOW), 1, "{d}: {outs:#?}");
    assert_eq!(count(RUN_AFTER), 1, "{d}: {outs:#?}");
    for out in &outs {
        // A run that waited says it ran nothing, and never claims a revision it skipped.
        let ran = out.stderr.contains("Running upgrade");
        let idle = out.stderr.contains("Nothing to do");
        assert!(ran != idle, "{d}: {out:?}");
    }
    if d != Dialect::Sqlite {
        // The holder keeps the lock for both revisions.
        assert_eq!(count("Nothing to do"), RUNNERS - 1, "{d}: {outs:#?}");
    }
    let (ledger, runs, heads) = block_on(state(&db.url));
    assert_eq!(ledger, APPLIED_BOTH, "{d}");
    assert_eq!(runs, ["1"], "{d}: the data migration ran once");
    assert_eq!(heads, ["bbbbbbbbbbbb"], "{d}");
}

/// A run that cannot get the lock in time says so and changes nothing.
fn lock_timeout(p: &Project, d: Dialect) {
    let Some(db) = TestDb::new(d) else { return };
    let signals = tempfile::tempdir().unwrap();
    let holder = Background::start(p, &db.url, signals.path(), &["upgrade", "head"], 0);
    wait_for(
        "the slow revision to start",
        Duration::from_secs(120),
        || signals.path().join("started").exists(),
    );
    let impatient = config_with_lock_timeout(p, 1);
    let mut cmd = p.command(&["--config", &impatient, "upgrade", "head"]);
    cmd.env("DATABASE_URL", &db.url)
        .env("ALUDEL_TEST_SIGNALS", signals.path());
    let out = p.run(cmd);
    assert_eq!(out.status.code(), Some(1), "{d}: {out:?}");
    let said = match d {
        Dialect::Sqlite => "another process holds the SQLite database's write lock",
        _ => "another aludel run holds the migration lock of this database; waited 1 s.",
    };
    assert!(
        out.stderr.contains(said)
            && out
                .stderr
                .contains("Try again when it has finished, or raise lock_timeout in aludel.toml"),
        "{d}: {out:?}"
    );
    assert!(!out.stderr.contains("panicked"), "{d}: {out:?}");
    // The message names the holder and the command that ends it.
    let names = match d {
        Dialect::Postgres => {
            out.stderr.contains("The holder: pid ")
                && out.stderr.contains("(application 'aludel', ")
                && out
                    .stderr
                    .contains("to end it: SELECT pg_terminate_backend(")
        }
        Dialect::MySql => {
            out.stderr.contains("The holder: connection ")
                && out.stderr.contains("to end it: KILL ")
        }
        Dialect::Sqlite => true,
    };
    assert!(names, "{d}: {out:?}");
    std::fs::write(signals.path().join("release"), "").unwrap();
    let held = holder.wait();
    assert!(held.status.success(), "{d}: {held:?}");
    let (ledger, runs, _) = block_on(state(&db.url));
    assert_eq!(ledger, APPLIED_BOTH, "{d}");
    assert_eq!(runs, ["1"], "{d}");
}

/// A run killed while it holds the lock leaves the lock free; what it did is rolled back,
/// or on MySQL recorded as partial until a person resolves it.
fn killed_holder(p: &Project, d: Dialect) {
    let Some(db) = TestDb::new(d) else { return };
    let signals = tempfile::tempdir().unwrap();
    let mut holder = Background::start(p, &db.url, signals.path(), &["upgrade", "head"], 0);
    wait_for(
        "the slow revision to start",
        Duration::from_secs(120),
        || signals.path().join("started").exists(),
    );
    holder.child.kill().unwrap();
    holder.child.wait().unwrap();
    std::fs::write(signals.path().join("release"), "").unwrap();
    // A short timeout: the lock must be free at once, not after some expiry.
    let prompt = config_with_lock_timeout(p, 5);
    let next = |args: &[&str]| {
        let mut all = vec!["--config", prompt.as_str()];
        all.extend_from_slice(args);
        let mut cmd = p.command(&all);
        cmd.env("DATABASE_URL", &db.url)
            .env("ALUDEL_TEST_SIGNALS", signals.path());
        p.run(cmd)
    };
    if d == Dialect::MySql {
        let out = next(&["upgrade", "head"]);
        assert!(
            out.stderr
                .contains("revision aaaaaaaaaaaa was partially applied")
                && out.stderr.contains("aludel resolve aaaaaaaaaaaa"),
            "{out:?}"
        );
        block_on(async {
            let mut c = db.connect().await;
            c.execute("DROP TABLE runs").await.unwrap();
            c.close().await;
        });
        let out = next(&["resolve", "aaaaaaaaaaaa", "reverted"]).ok();
        assert!(out.stderr.contains("resolved"), "{out:?}");
    }
    let out = next(&["upgrade", "head"]).ok();
    assert!(out.stderr.contains(RUN_SLOW), "{d}: {out:?}");
    let (ledger, runs, heads) = block_on(state(&db.url));
    let want: Vec<&str> = if d == Dialect::MySql {
        vec![
            "aaaaaaaaaaaa/upgrade/reverted",
            "aaaaaaaaaaaa/upgrade/applied",
            "bbbbbbbbbbbb/upgrade/applied",
        ]
    } else {
        APPLIED_BOTH.to_vec()
    };
    assert_eq!(ledger, want, "{d}");
    assert_eq!(runs, ["1"], "{d}");
    assert_eq!(heads, ["bbbbbbbbbbbb"], "{d}");
}

fn locking(d: Dialect) {
    // The project only needs a URL to be set up; each scenario has its own database.
    let Some(first) = TestDb::new(d) else { return };
    let p = Project::new(&first.url);
    write_revision(&p, "aaaaaaaaaaaa_slow.rs", SLOW);
    write_revision(&p, "bbbbbbbbbbbb_after.rs", AFTER);
    // Build the runner once, before the runs race.
    p.aludel(&["history"]).ok();
    concurrent_runs(&p, d);
    lock_timeout(&p, d);
    killed_holder(&p, d);
}

#[test]
fn locking_on_sqlite() {
    locking(Dialect::Sqlite);
}

#[test]
fn locking_on_postgres() {
    locking(Dialect::Postgres);
}

#[test]
fn locking_on_mysql() {
    locking(Dialect::MySql);
}

fn revision(id: &str, revises: &[&str]) -> String {
    format!(
        "use aludel::migration::*;\n\n\
         pub const REVISION: Revision = Revision {{\n    id: {id:?},\n    revises: &{revises:?},\n    message: \"r\",\n}};\n\n\
         pub fn upgrade(_op: &mut Ops) {{}}\n\n\
         pub fn downgrade(_op: &mut Ops) {{}}\n"
    )
}

#[track_caller]
fn fails_with(out: Run, message: &str) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr_of_the_command().starts_with("error: ") && out.stderr.contains(message),
        "expected {message:?} in:\n{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{out:?}");
}

#[test]
fn bad_input_gets_a_message_that_names_the_fix() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    // No config anywhere up the tree.
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(aludel_tests::aludel_bin())
        .args(["upgrade", "head"])
        .current_dir(empty.path())
        .env_remove("ALUDEL_CONFIG")
        .output()
        .unwrap();
    fails_with(
        Run {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        },
        "no aludel.toml in",
    );

    let p = Project::new(&db.url);
    std::fs::write(p.root().join("typo.toml"), "lock_timout = 5\n").unwrap();
    let out = p.aludel(&["--config", "typo.toml", "history"]);
    assert!(
        out.stderr
            .contains("unknown field `lock_timout`, expected one of"),
        "{out:?}"
    );
    fails_with(out, "typo.toml is not a valid aludel config");
    fails_with(
        p.aludel(&["--config", "nowhere.toml", "history"]),
        "config file nowhere.toml does not exist",
    );

    write_revision(&p, "aaaaaaaaaaa1_one.rs", &revision("aaaaaaaaaaa1", &[]));
    write_revision(
        &p,
        "aaaaaaaaaaa2_two.rs",
        &revision("aaaaaaaaaaa2", &["aaaaaaaaaaa1"]),
    );
    fails_with(
        p.aludel(&["upgrade", "aaaa"]),
        "\"aaaa\" matches several revisions (aaaaaaaaaaa1, aaaaaaaaaaa2); give more characters",
    );
    fails_with(
        p.aludel(&["upgrade", "zzzz"]),
        "no revision matches \"zzzz\"; `aludel history` lists them",
    );
    fails_with(
        p.aludel(&["upgrade", "+5"]),
        "cannot upgrade 5 revisions: only 2 are available",
    );

    let bad_url = |url: &str| {
        let mut cmd = p.command(&["upgrade", "head"]);
        cmd.env("DATABASE_URL", url);
        p.run(cmd)
    };
    fails_with(bad_url("oracle://scott@db/orcl"), "oracle://scott@db/orcl");
    let out = bad_url("postgres://postgres:secret@127.0.0.1:9/nowhere");
    fails_with(out, "cannot connect to postgres://postgres:");
    let out = bad_url("postgres://postgres:secret@127.0.0.1:9/nowhere");
    assert!(
        !out.stderr.contains("secret"),
        "the password is redacted: {out:?}"
    );

    write_revision(
        &p,
        "cccccccccccc_orphan.rs",
        &revision("cccccccccccc", &["ffffffffffff"]),
    );
    fails_with(
        p.aludel(&["history"]),
        "revision cccccccccccc (versions/cccccccccccc_orphan.rs) revises ffffffffffff, which does not exist",
    );
    std::fs::remove_file(p.root().join("migrations/versions/cccccccccccc_orphan.rs")).unwrap();

    write_revision(&p, "dddddddddddd_copy.rs", &revision("aaaaaaaaaaa1", &[]));
    fails_with(
        p.aludel(&["history"]),
        "two revisions have the id aaaaaaaaaaa1",
    );
    std::fs::remove_file(p.root().join("migrations/versions/dddddddddddd_copy.rs")).unwrap();

    write_revision(
        &p,
        "aaaaaaaaaaa1_one.rs",
        &revision("aaaaaaaaaaa1", &["aaaaaaaaaaa2"]),
    );
    fails_with(
        p.aludel(&["history"]),
        "the revisions aaaaaaaaaaa1, aaaaaaaaaaa2 revise each other in a cycle; fix their `revises`",
    );
    write_revision(&p, "aaaaaaaaaaa1_one.rs", &revision("aaaaaaaaaaa1", &[]));

    // A version table someone else made.
    let Some(other) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    block_on(async {
        let mut c = other.connect().await;
        c.execute("CREATE TABLE aludel_version (id INTEGER, note TEXT)")
            .await
            .unwrap();
        c.close().await;
    });
    let mut cmd = p.command(&["upgrade", "head"]);
    cmd.env("DATABASE_URL", &other.url);
    fails_with(
        p.run(cmd),
        "the table aludel_version exists but is not aludel's (its columns: id, note)",
    );
}

#[test]
fn database_create_and_drop() {
    for d in Dialect::ALL {
        let Some(db) = TestDb::unborn(d) else {
            continue;
        };
        let p = Project::new(&db.url);
        let out = p.aludel(&["database", "create"]).ok();
        assert!(
            out.stderr_of_the_command().starts_with("Created"),
            "{d}: {out:?}"
        );
        block_on(async {
            let mut c = db.connect().await;
            c.execute("CREATE TABLE kept (id INTEGER)").await.unwrap();
            c.close().await;
        });
        fails_with(p.aludel(&["database", "create"]), "exists already");
        fails_with(
            p.aludel(&["database", "drop"]),
            "deletes everything in it: pass --yes to confirm",
        );
        block_on(async {
            let mut c = db.connect().await;
            c.query_column("SELECT COUNT(*) FROM kept").await.unwrap();
            c.close().await;
        });
        let out = p.aludel(&["database", "drop", "--yes"]).ok();
        assert!(
            out.stderr_of_the_command().starts_with("Dropped"),
            "{d}: {out:?}"
        );
        fails_with(p.aludel(&["database", "drop", "--yes"]), "does not exist");
        // Gone: creating it again works.
        p.aludel(&["database", "create"]).ok();
    }
}

/// `database drop` never drops a server's own databases. Only ones the servers refuse to
/// drop themselves are tried here, so a regression cannot do harm.
#[test]
fn database_drop_refuses_system_databases() {
    for (d, name) in [
        (Dialect::Postgres, "template0"),
        (Dialect::MySql, "information_schema"),
    ] {
        let Some(db) = TestDb::new(d) else {
            continue;
        };
        let p = Project::new(&db.url);
        let base = db.url.rsplit_once('/').unwrap().0;
        let mut cmd = p.command(&["database", "drop", "--yes"]);
        cmd.env("DATABASE_URL", format!("{base}/{name}"));
        fails_with(
            p.run(cmd),
            &format!("{name} is a system database of the {d} server; aludel never drops it"),
        );
    }
}

/// A revision that creates table `name`.
fn creating(id: &str, revises: &[&str], name: &str) -> String {
    format!(
        "use aludel::migration::*;\n\n\
         pub const REVISION: Revision = Revision {{\n    id: {id:?},\n    revises: &{revises:?},\n    message: \"create {name}\",\n}};\n\n\
         pub fn upgrade(op: &mut Ops) {{\n    op.create_table(Table::new({name:?}).column(Column::new(\"id\", ColumnType::Integer)).primary_key([\"id\"]));\n}}\n\n\
         pub fn downgrade(op: &mut Ops) {{\n    op.drop_table({name:?});\n}}\n"
    )
}

#[test]
fn branches_merge_stamp_show_and_history_ranges() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    let p = Project::new(&db.url);
    write_revision(&p, "a00000000001_a.rs", &creating("a00000000001", &[], "a"));
    write_revision(
        &p,
        "b00000000001_b.rs",
        &creating("b00000000001", &["a00000000001"], "b"),
    );
    write_revision(
        &p,
        "c00000000001_c.rs",
        &creating("c00000000001", &["a00000000001"], "c"),
    );
    let out = p.aludel(&["heads"]).ok();
    assert!(
        out.stdout.contains("b00000000001") && out.stdout.contains("c00000000001"),
        "{out:?}"
    );
    let out = p.aludel(&["branches"]).ok();
    assert!(out.stdout.contains("a00000000001"), "{out:?}");
    fails_with(
        p.aludel(&["upgrade", "head"]),
        "there are several heads (b00000000001, c00000000001); upgrade to one of them, use `heads`, or join them with `aludel merge`",
    );
    p.aludel(&["upgrade", "heads"]).ok();
    let out = p.aludel(&["current"]).ok();
    assert!(
        out.stdout.contains("b00000000001") && out.stdout.contains("c00000000001"),
        "{out:?}"
    );
    fails_with(
        p.aludel(&["downgrade", "-1"]),
        "the database is at several heads",
    );

    let out = p.aludel(&["merge", "-m", "join b and c"]).ok();
    let files = p.revision_files();
    assert_eq!(files.len(), 4, "{out:?}");
    let merge = files
        .iter()
        .find(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            name.ends_with("_join_b_and_c.rs")
        })
        .expect("the merge revision");
    let source = std::fs::read_to_string(merge).unwrap();
    assert!(
        source.contains("revises: &[\"b00000000001\", \"c00000000001\"]"),
        "{source}"
    );
    let merge_id = merge.file_name().unwrap().to_string_lossy()[..12].to_string();
    let out = p.aludel(&["show", &merge_id[..6]]).ok();
    assert!(
        out.stdout.contains("join b and c") && out.stdout.contains("c00000000001"),
        "{out:?}"
    );
    p.aludel(&["upgrade", "head"]).ok();
    let out = p.aludel(&["current"]).ok();
    assert!(out.stdout.contains(&merge_id), "{out:?}");

    // Every command reads a revision spec the same way (`show head` used not to).
    let out = p.aludel(&["show", "head"]).ok();
    assert!(
        out.stdout.contains(&format!("Rev: {merge_id} (head)")),
        "{out:?}"
    );
    let out = p.aludel(&["show", "b00000000001-1"]).ok();
    assert!(out.stdout.contains("Rev: a00000000001"), "{out:?}");
    fails_with(p.aludel(&["show", "base"]), "\"base\" names no revision");
    let out = p.aludel(&["history", "-r", "b00000000001-1:"]).ok();
    assert!(
        out.stdout.contains(&merge_id) && out.stdout.contains("a00000000001"),
        "{out:?}"
    );
    fails_with(
        p.aludel(&["show", "head-1"]),
        "has several previous revisions",
    );

    // Relative to a revision, and ranges of the history.
    let out = p.aludel(&["history", "-r", "b00000000001:"]).ok();
    assert!(
        out.stdout.contains(&merge_id) && !out.stdout.contains("create a"),
        "{out:?}"
    );
    fails_with(
        p.aludel(&["upgrade", "a00000000001+1"]),
        "a00000000001 has several next revisions (b00000000001, c00000000001): name the one to go to",
    );
    fails_with(
        p.aludel(&["upgrade", "b00000000001+5"]),
        "cannot go forward 5 revisions: only 1 is available",
    );

    // Stamp moves the version without running anything.
    p.aludel(&["stamp", "a00000000001"]).ok();
    let out = p.aludel(&["current"]).ok();
    assert!(out.stdout.contains("a00000000001"), "{out:?}");
    block_on(async {
        let mut c = db.connect().await;
        let tables = c
            .query_column("SELECT name FROM sqlite_master WHERE name IN ('b', 'c')")
            .await
            .unwrap();
        assert_eq!(tables.len(), 2, "stamp dropped nothing");
        c.close().await;
    });

    // A revision applied and then deleted from the code.
    p.aludel(&["stamp", "head"]).ok();
    let d_file = "d00000000001_d.rs";
    write_revision(&p, d_file, &creating("d00000000001", &[&merge_id], "d"));
    p.aludel(&["upgrade", "head"]).ok();
    std::fs::remove_file(p.root().join("migrations/versions").join(d_file)).unwrap();
    fails_with(
        p.aludel(&["upgrade", "head"]),
        "the database is at revision d00000000001, which no revision file defines; restore the file or `aludel stamp` the right revision",
    );
    let out = p.aludel(&["current"]).ok();
    assert_eq!(
        out.stdout,
        "d00000000001 (unknown: no revision file defines it)\n"
    );
    p.aludel(&["stamp", &merge_id]).ok();

    // b and c squashed away: the ledger still says they ran.
    for f in ["b00000000001_b.rs", "c00000000001_c.rs"] {
        std::fs::remove_file(p.root().join("migrations/versions").join(f)).unwrap();
    }
    std::fs::write(
        merge,
        source.replace(
            "revises: &[\"b00000000001\", \"c00000000001\"]",
            "revises: &[\"a00000000001\"]",
        ),
    )
    .unwrap();
    let out = p.aludel(&["upgrade", "head"]).ok();
    assert!(
        out.stderr.contains(
            "WARNING: the database's ledger says b00000000001, c00000000001 applied, but no revision file defines them"
        ),
        "{out:?}"
    );
}

/// No output carries a password: every error path that sees a URL, with a password
/// planted in it, is searched for the password.
#[test]
fn no_output_carries_a_password() {
    const PW: &str = "PLANTED-pw-93a";
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    let p = Project::new(&db.url);
    let clean = |what: &str, out: Run| {
        assert!(!out.status.success(), "{what}: {out:?}");
        assert!(
            !out.stdout.contains(PW) && !out.stderr.contains(PW),
            "{what}: the password leaked:\n{out:?}"
        );
    };
    let with_url = |url: &str, args: &[&str]| {
        let mut cmd = p.command(args);
        cmd.env("DATABASE_URL", url);
        p.run(cmd)
    };
    let unreachable = [
        format!("postgres://postgres:{PW}@127.0.0.1:9/nowhere"),
        format!("mysql://root:{PW}@127.0.0.1:9/nowhere"),
        format!("postgres://postgres:{PW}@127.0.0.1:notaport/x"),
        format!("mysql://root:{PW}@[::1/x"),
        format!("oracle://scott:{PW}@db/orcl"),
    ];
    for url in &unreachable {
        for args in [
            &["upgrade", "head"][..],
            &["current"],
            &["check"],
            &["database", "create"],
            &["database", "drop", "--yes"],
        ] {
            clean(&format!("{args:?} with {url}"), with_url(url, args));
        }
    }
    // The servers answer but refuse: an unknown user, a database that does not exist
    // (only commands that read: nothing is created).
    let refused = [
        format!("postgres://nobody_aludel:{PW}@127.0.0.1:5432/test"),
        format!("mysql://nobody_aludel:{PW}@127.0.0.1:3306/test"),
        format!("postgres://postgres:{PW}@127.0.0.1:5432/aludel_no_such_db"),
        format!("mysql://root:{PW}@127.0.0.1:3306/aludel_no_such_db"),
    ];
    for url in &refused {
        for args in [&["upgrade", "head"][..], &["current"], &["check"]] {
            clean(&format!("{args:?} with {url}"), with_url(url, args));
        }
    }

    // A .env whose DATABASE_URL line has an unterminated quote.
    std::fs::write(
        p.root().join(".env"),
        format!("OTHER=1\nDATABASE_URL=\"postgres://postgres:{PW}@127.0.0.1/x\n"),
    )
    .unwrap();
    let mut cmd = p.command(&["current"]);
    cmd.env_remove("DATABASE_URL");
    let out = p.run(cmd);
    assert!(
        out.stderr.contains("DATABASE_URL"),
        "the line is named: {out:?}"
    );
    clean(".env with an unterminated quote", out);
    std::fs::remove_file(p.root().join(".env")).unwrap();

    // The URL in aludel.toml.
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let planted = format!("url = \"postgres://postgres:{PW}@127.0.0.1:9/x\"");
    std::fs::write(
        &config,
        text.replace("url = \"sqlite://app.db?mode=rwc\"", &planted),
    )
    .unwrap();
    assert!(std::fs::read_to_string(&config).unwrap().contains(PW));
    let mut cmd = p.command(&["upgrade", "head"]);
    cmd.env_remove("DATABASE_URL");
    let out = p.run(cmd);
    assert_eq!(
        out.stderr.matches("holds a database password").count(),
        1,
        "aludel.toml is read once, and warned about once: {out:?}"
    );
    clean("url in aludel.toml", out);
}

/// Two projects that share one cargo target directory (as every test project here
/// does) each run their own runner, even when both run at once.
#[test]
fn projects_sharing_a_target_dir_run_their_own_runners() {
    let (Some(a_db), Some(b_db)) = (TestDb::new(Dialect::Sqlite), TestDb::new(Dialect::Sqlite))
    else {
        return;
    };
    let a = Project::new(&a_db.url);
    let b = Project::new(&b_db.url);
    write_revision(&a, "aaaaaaaaaa01_a.rs", &revision("aaaaaaaaaa01", &[]));
    write_revision(&b, "bbbbbbbbbb01_b.rs", &revision("bbbbbbbbbb01", &[]));
    for round in 0..3 {
        // A change each round, so that both rebuild while the other one runs.
        std::fs::write(a.root().join("src/lib.rs"), format!("// {round}\n")).unwrap();
        std::fs::write(b.root().join("src/lib.rs"), format!("// {round}\n")).unwrap();
        let (ra, rb) = std::thread::scope(|s| {
            let ta = s.spawn(|| a.aludel(&["history"]));
            let tb = s.spawn(|| b.aludel(&["history"]));
            (ta.join().unwrap(), tb.join().unwrap())
        });
        let (ra, rb) = (ra.ok(), rb.ok());
        assert!(
            ra.stdout.contains("aaaaaaaaaa01") && !ra.stdout.contains("bbbbbbbbbb01"),
            "round {round}: project a ran another runner:\n{ra:?}"
        );
        assert!(
            rb.stdout.contains("bbbbbbbbbb01") && !rb.stdout.contains("aaaaaaaaaa01"),
            "round {round}: project b ran another runner:\n{rb:?}"
        );
    }
    // Each project runs a copy of its own, not the path both builds write: the copy is
    // named after the FNV-1a hash of the runner crate's manifest path.
    let runners = aludel_tests::shared_target_dir().join("aludel/runners");
    for p in [&a, &b] {
        let manifest = std::fs::canonicalize(p.root().join("migrations/Cargo.toml")).unwrap();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in manifest.as_os_str().as_encoded_bytes() {
            h = (h ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        let copy = runners.join(format!("{h:016x}/migrations"));
        assert!(copy.is_file(), "{} is missing", copy.display());
    }
}

/// A missing revisions folder is an error, not "nothing to do".
#[test]
fn a_missing_versions_folder_is_an_error() {
    let Some(db) = TestDb::new(Dialect::Sqlite) else {
        return;
    };
    let p = Project::new(&db.url);
    std::fs::remove_dir_all(p.root().join("migrations/versions")).unwrap();
    for args in [&["upgrade", "head"][..], &["history"], &["current"]] {
        fails_with(p.aludel(args), "the revisions folder ");
    }
    std::fs::create_dir_all(p.root().join("migrations/versions")).unwrap();
    p.aludel(&["upgrade", "head"]).ok();
}

/// Objects that tables outside the managed set need are never aludel's to drop: with
/// `include`, an enum type of an unmanaged table is left alone; a table that a view
/// depends on is refused when the plan is made, not found out at upgrade time.
#[test]
fn unmanaged_enums_and_dependent_views_on_postgres() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    block_on(async {
        let mut c = db.connect().await;
        for sql in [
            "CREATE TYPE mpaa_rating AS ENUM ('G', 'PG')",
            "CREATE TABLE film (id INT PRIMARY KEY, rating mpaa_rating)",
            "CREATE VIEW film_list AS SELECT id, rating FROM film",
        ] {
            c.execute(sql).await.unwrap();
        }
        c.close().await;
    });
    let p = Project::new(&db.url);
    p.set_models(
        "#[derive(aludel::Model)]\n#[aludel(table = \"payment\")]\npub struct Payment {\n    #[aludel(primary_key)]\n    pub id: i64,\n}\n",
    );
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("include = []", "include = [\"payment\"]"),
    )
    .unwrap();
    let out = p.aludel(&["check"]);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("create table payment"), "{out:?}");
    assert!(
        !out.stdout.contains("mpaa_rating") && !out.stderr.contains("mpaa_rating"),
        "the enum of an unmanaged table is left alone: {out:?}"
    );

    std::fs::write(&config, text).unwrap();
    fails_with(
        p.aludel(&["check"]),
        "the plan drops tables that other objects depend on: view public.film_list (on film)",
    );
}

/// A piped `aludel` runs cargo quietly; a build that takes a while is announced once,
/// with what is built and that the first build is the long one. A quick one says nothing.
#[cfg(unix)]
#[test]
fn a_long_quiet_build_says_what_it_builds() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new("sqlite::memory:");
    let fake = |name: &str, body: &str| {
        let path = p.root().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\nexit 1\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let notice = "aludel: building the runner crate";
    for (cargo, announced) in [
        (fake("slow-cargo", "sleep 3"), true),
        (fake("quick-cargo", ""), false),
    ] {
        let mut cmd = p.command(&["current"]);
        cmd.env("CARGO", &cargo);
        let out = p.run(cmd);
        assert!(!out.status.success());
        assert!(out.stderr.contains("does not build"), "{}", out.stderr);
        assert_eq!(
            out.stderr.matches(notice).count(),
            usize::from(announced),
            "{}",
            out.stderr
        );
    }
}

/// `revision --autogenerate --split N` writes the plan as a chain of revisions of at most
/// N operations, each with its own downgrade: upgraded, they check clean; downgraded, the
/// database is empty again.
#[test]
fn a_split_autogenerate_writes_a_chain_that_upgrades_and_downgrades() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    let p = Project::new(&db.url);
    p.set_models(
        r#"
#[derive(aludel::Model)]
pub struct Author {
    #[aludel(primary_key)]
    pub id: i64,
    pub name: String,
}

#[derive(aludel::Model)]
pub struct Book {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(references = "author.id")]
    pub author_id: i64,
}

#[derive(aludel::Model)]
pub struct Shelf {
    #[aludel(primary_key)]
    pub id: i32,
}
"#,
    );
    let out = p
        .aludel(&["revision", "--autogenerate", "--split", "2", "-m", "init"])
        .ok();
    let files = p.revision_files();
    assert!(files.len() >= 2, "{out:?}");
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let count = files.len();
    for i in 1..=count {
        let part = format!("part {i} of {count}: init");
        assert!(texts.iter().any(|t| t.contains(&part)), "{part}");
    }
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.contains("Revises: <base>"))
            .count(),
        1,
        "one chain"
    );
    p.aludel(&["upgrade", "head"]).ok();
    let out = p.aludel(&["check"]).ok();
    assert_eq!(out.stdout.trim(), "No new upgrade operations detected.");
    p.aludel(&["downgrade", "base"]).ok();
    block_on(async {
        let mut c = db.connect().await;
        let live = c.introspect(&Default::default()).await.unwrap();
        let names: Vec<&str> = live.tables.iter().map(|t| t.name.as_str()).collect();
        assert!(
            names.iter().all(|n| n.starts_with("aludel_version")),
            "{names:?}"
        );
        c.close().await;
    });
    let out = p.aludel(&["revision", "--autogenerate", "--split", "0", "-m", "x"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
