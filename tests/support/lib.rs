//! Test support: a fresh database per test on each backend, removed when the test ends.
//!
//! The servers come from `ALUDEL_TEST_POSTGRES_URL` and `ALUDEL_TEST_MYSQL_URL`
//! (defaults: the local standard ports, user `postgres` / `root`, database `test`).
//! A backend that cannot be reached is reported once per test binary on stderr,
//! past the test harness's capture, so that nobody misses it; with `CI=true` it fails
//! the test instead.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use aludel_introspect::Database;
use aludel_schema::Dialect;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// The server URL of a backend (SQLite has none).
pub fn server_url(dialect: Dialect) -> Option<String> {
    match dialect {
        Dialect::Postgres => Some(
            std::env::var("ALUDEL_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into()),
        ),
        Dialect::MySql => Some(
            std::env::var("ALUDEL_TEST_MYSQL_URL").unwrap_or_else(|_| DEFAULT_MYSQL_URL.into()),
        ),
        Dialect::Sqlite => None,
    }
}

/// Whether tests of `dialect` run: `ALUDEL_TEST_ONLY=postgresql` (a comma-separated list of
/// dialect names) runs only those; by default every dialect runs.
pub fn enabled(dialect: Dialect) -> bool {
    let Ok(only) = std::env::var("ALUDEL_TEST_ONLY") else {
        return true;
    };
    let named: Vec<Dialect> = only
        .split(',')
        .map(|n| {
            Dialect::ALL
                .into_iter()
                .find(|d| {
                    d.name() == n.trim() || (n.trim() == "postgres" && *d == Dialect::Postgres)
                })
                .unwrap_or_else(|| {
                    panic!(
                        "ALUDEL_TEST_ONLY={only:?}: {n:?} is no dialect (postgresql, mysql, sqlite)"
                    )
                })
        })
        .collect();
    named.contains(&dialect)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Blocks on a future with a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

static SKIP_NOTICE: [OnceLock<()>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

fn report_unreachable(dialect: Dialect, url: &str, err: &str) {
    let idx = Dialect::ALL.iter().position(|d| *d == dialect).unwrap_or(0);
    if in_ci() {
        panic!("CI=true and {dialect} at {url} is unreachable: {err}");
    }
    SKIP_NOTICE[idx].get_or_init(|| {
        // Written to the process's stderr, not through eprintln!, so that the test
        // harness does not capture it.
        let line = "=".repeat(78);
        let _ = writeln!(
            std::io::stderr(),
            "\n{line}\nSKIPPED: {dialect} at {url} is unreachable ({err}).\n\
             Every {dialect} test in this run passed WITHOUT touching {dialect}.\n\
             Start the server or set ALUDEL_TEST_{}_URL. (With CI=true this fails.)\n{line}",
            match dialect {
                Dialect::Postgres => "POSTGRES",
                Dialect::MySql => "MYSQL",
                Dialect::Sqlite => "SQLITE",
            }
        );
    });
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database of its own for one test; dropped (with everything in it) when this value
/// is dropped.
pub struct TestDb {
    pub dialect: Dialect,
    pub url: String,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A new empty database, or `None` when the backend is unreachable outside CI.
    pub fn new(dialect: Dialect) -> Option<TestDb> {
        TestDb::make(dialect, true)
    }

    /// A database name of its own that does not exist yet (for `aludel database
    /// create`); whatever is made under it is dropped with this value.
    pub fn unborn(dialect: Dialect) -> Option<TestDb> {
        TestDb::make(dialect, false)
    }

    fn make(dialect: Dialect, create: bool) -> Option<TestDb> {
        if !enabled(dialect) {
            return None;
        }
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("aludel_t{}_{n}", std::process::id());
        match dialect {
            Dialect::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join(format!("{name}.db"));
                Some(TestDb {
                    dialect,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    name,
                    _dir: Some(dir),
                })
            }
            _ => {
                let server = server_url(dialect).expect("server url");
                let created = block_on(async {
                    let mut db = Database::connect(&server).await?;
                    let q = if dialect == Dialect::MySql { '`' } else { '"' };
                    if create {
                        db.execute(&format!("CREATE DATABASE {q}{name}{q}")).await?;
                    }
                    db.close().await;
                    Ok::<_, aludel_introspect::Error>(())
                });
                if let Err(e) = created {
                    report_unreachable(
                        dialect,
                        &aludel_introspect::redact_url(&server),
                        &e.to_string(),
                    );
                    return None;
                }
                let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
                Some(TestDb {
                    dialect,
                    url: format!("{base}/{name}"),
                    name,
                    _dir: None,
                })
            }
        }
    }

    /// Every backend reachable from here, each with a fresh database.
    pub fn all() -> Vec<TestDb> {
        Dialect::ALL.into_iter().filter_map(TestDb::new).collect()
    }

    pub async fn connect(&self) -> Database {
        Database::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", self.dialect))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(server) = server_url(self.dialect) else {
            return;
        };
        let name = self.name.clone();
        let dialect = self.dialect;
        // Drop may run inside a runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            block_on(async {
                if let Ok(mut db) = Database::connect(&server).await {
                    let sql = match dialect {
                        Dialect::Postgres => {
                            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
                        }
                        _ => format!("DROP DATABASE IF EXISTS `{name}`"),
                    };
                    let _ = db.execute(&sql).await;
                    db.close().await;
                }
            })
        })
        .join();
    }
}

/// The workspace root (the folder of the top-level Cargo.toml).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// The `aludel` binary, built once per test run.
pub fn aludel_bin() -> &'static std::path::Path {
    static BIN: OnceLock<std::path::PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = std::process::Command::new(env!("CARGO"))
            .args([
                "build",
                "-p",
                "aludel-cli",
                "--bin",
                "aludel",
                "--message-format=json",
                "--quiet",
            ])
            .current_dir(workspace_root())
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "building aludel failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("\"executable\":\"") && l.contains("aludel"))
            .filter_map(|l| {
                let start = l.find("\"executable\":\"")? + 14;
                let end = l[start..].find('"')? + start;
                Some(std::path::PathBuf::from(&l[start..end]))
            })
            .next_back()
            .expect("cargo reported the aludel executable")
    })
}

/// The target folder the scaffolded projects of the tests share, so that aludel's
/// dependencies compile once for all of them.
pub fn shared_target_dir() -> std::path::PathBuf {
    // The `aludel` binary is in <target>/debug/.
    let profile_dir = aludel_bin().parent().expect("the binary is in a folder");
    profile_dir
        .parent()
        .unwrap_or(profile_dir)
        .join("scaffold-target")
}

/// The output of one `aludel` run.
#[derive(Debug)]
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert!(
            self.status.success(),
            "aludel failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }

    /// stderr without the line a quiet runner build prints when it takes a while: it
    /// comes before the command's own output whenever cargo had something to compile.
    pub fn stderr_of_the_command(&self) -> &str {
        match self
            .stderr
            .strip_prefix("aludel: building the runner crate ")
        {
            Some(rest) => rest.split_once('\n').map_or("", |(_, after)| after),
            None => &self.stderr,
        }
    }
}

/// A throwaway Rust project with a library crate `app` for the models, set up with
/// `aludel init` and pointed at a test database.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub database_url: String,
}

impl Project {
    pub fn new(database_url: &str) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\naludel = {{ path = {:?}, features = [\"chrono\"] }}\n\
                 chrono = {{ version = \"0.4\", default-features = false, features = [\"clock\", \"std\"] }}\n",
                workspace_root().join("crates/aludel").display().to_string()
            ),
        )
        .unwrap();
        std::fs::write(root.join("src/lib.rs"), "").unwrap();
        let p = Project {
            dir,
            database_url: database_url.to_string(),
        };
        p.aludel(&["init"]).ok();
        // The same versions as the workspace: nothing to resolve or download.
        std::fs::copy(
            workspace_root().join("Cargo.lock"),
            p.root().join("migrations/Cargo.lock"),
        )
        .unwrap();
        p
    }

    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn set_models(&self, source: &str) {
        std::fs::write(self.root().join("src/lib.rs"), source).unwrap();
    }

    /// The revision files, sorted by name.
    pub fn revision_files(&self) -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(self.root().join("migrations/versions"))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "rs"));
        files.sort();
        files
    }

    /// `aludel args` in this project, not started yet.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(aludel_bin());
        cmd.args(args)
            .current_dir(self.root())
            .env("DATABASE_URL", &self.database_url)
            .env("CARGO_TARGET_DIR", shared_target_dir())
            .env("ALUDEL_SOURCE", workspace_root())
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("ALUDEL_CONFIG");
        cmd
    }

    pub fn aludel(&self, args: &[&str]) -> Run {
        self.run(self.command(args))
    }

    /// Runs `cmd` (from [`Project::command`]) to the end.
    pub fn run(&self, mut cmd: std::process::Command) -> Run {
        let out = cmd.output().expect("run aludel");
        Run {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
