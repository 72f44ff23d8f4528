//! `cargo xtask bench`: aludel and Alembic side by side, on the same servers, the same
//! synthetic schemas and in the same run, so that the ratios hold on a noisy machine.
//!
//! Per N (tables) and backend, each step is a separate process, timed from spawn to exit
//! with its peak RSS (`wait4`); the median of the repetitions is reported:
//!
//! - a. autogenerate against an empty database (aludel: the runner, already built);
//! - b. upgrade head of the initial revision on an empty database;
//! - c. check on the matching database, and a no-op autogenerate.
//!
//! Measured in this process: introspection time and catalog query count on the matching
//! database, and diff + render time (also at 10,000 tables). The runner's build time is
//! measured for the models alone and with the N-table initial revision.
//!
//! Alembic (latest) and SQLAlchemy come from PyPI into a virtual environment under
//! target/bench/venv. Everything the bench writes is under target/bench, except
//! docs/benchmarks.md.

mod fleet;
mod measure;
mod report;
mod synth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aludel_introspect::{Database, IntrospectOptions};
use aludel_schema::{Dialect, Schema};
use anyhow::{Context, bail};

pub use measure::Sample;

const SEED: u64 = 20240601;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    Aludel,
    Alembic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    AutogenEmpty,
    Upgrade,
    Check,
    AutogenNoop,
    Inspect,
    EditLoop,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::AutogenEmpty => "a. autogenerate, empty database",
            Step::Upgrade => "b. upgrade head (initial revision)",
            Step::Check => "c. check, matching database",
            Step::AutogenNoop => "c. autogenerate no-op, matching database",
            Step::Inspect => "d. inspect, matching database (models written and verified)",
            Step::EditLoop => {
                "e. edit loop: one model changed, then check (aludel: the `aludel` command, runner rebuilt)"
            }
        }
    }
}

/// Three series of timings.
pub type Timings3 = (Vec<Duration>, Vec<Duration>, Vec<Duration>);

/// Everything measured, for the report.
#[derive(Default)]
pub struct Results {
    /// (N, dialect, step, tool) -> samples
    pub steps: BTreeMap<(usize, Dialect, Step, Tool), Vec<Sample>>,
    /// (N, dialect) -> (introspection times, catalog queries)
    pub introspect: BTreeMap<(usize, Dialect), (Vec<Duration>, u64)>,
    /// (N, dialect) -> (diff + render times against empty, no-op diff times, times to
    /// write the initial revision's file)
    pub diff: BTreeMap<(usize, Dialect), Timings3>,
    /// N -> (build of the models runner, build with the initial revision), debug profile
    pub builds: BTreeMap<usize, (Duration, Duration)>,
    /// N -> build of the runner with the models `inspect` wrote (PostgreSQL's), instead
    /// of the generator's
    pub inspected_builds: BTreeMap<usize, Duration>,
    /// (N, dialect) -> the upgrade's `--sql` script run as one batch by the bench
    pub floor: BTreeMap<(usize, Dialect), Vec<Duration>>,
    /// Versions and machine facts, in order.
    pub facts: Vec<(String, String)>,
    pub reps: usize,
    pub reps_large: usize,
    pub notes: Vec<String>,
}

/// From this many tables on, a step runs `--reps-large` times (one by default): Alembic
/// takes minutes per step there.
pub const LARGE: usize = 5000;

struct Options {
    tables: Vec<usize>,
    dialects: Vec<Dialect>,
    reps: usize,
    reps_large: usize,
    alembic: bool,
    out: PathBuf,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut o = Options {
        tables: vec![100, 1000, 5000],
        dialects: Dialect::ALL.to_vec(),
        reps: 3,
        reps_large: 1,
        alembic: true,
        out: workspace().join("docs/benchmarks.md"),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--tables" => {
                o.tables = value()?
                    .split(',')
                    .map(|s| s.trim().parse().context("--tables takes numbers: 100,1000"))
                    .collect::<anyhow::Result<_>>()?
            }
            "--backends" => {
                o.dialects = value()?
                    .split(',')
                    .map(|s| match s.trim() {
                        "postgres" | "postgresql" => Ok(Dialect::Postgres),
                        "mysql" | "mariadb" => Ok(Dialect::MySql),
                        "sqlite" => Ok(Dialect::Sqlite),
                        other => {
                            bail!("--backends: unknown backend {other:?} (postgres, mysql, sqlite)")
                        }
                    })
                    .collect::<anyhow::Result<_>>()?
            }
            "--reps" => o.reps = value()?.parse().context("--reps takes a number")?,
            "--reps-large" => {
                o.reps_large = value()?.parse().context("--reps-large takes a number")?
            }
            "--no-alembic" => o.alembic = false,
            "--out" => o.out = PathBuf::from(value()?),
            other => bail!("unknown option {other:?}"),
        }
    }
    if o.reps == 0 || o.reps_large == 0 {
        bail!("--reps and --reps-large must be at least 1");
    }
    Ok(o)
}

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

fn server_url(d: Dialect) -> Option<String> {
    match d {
        Dialect::Postgres => Some(
            std::env::var("ALUDEL_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
        ),
        Dialect::MySql => Some(
            std::env::var("ALUDEL_TEST_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into()),
        ),
        Dialect::Sqlite => None,
    }
}

/// A fresh empty database for one measured run, and its URLs for aludel and SQLAlchemy.
struct BenchDb {
    dialect: Dialect,
    name: String,
    file: PathBuf,
}

impl BenchDb {
    fn new(dialect: Dialect, n: usize, work: &Path) -> BenchDb {
        BenchDb {
            dialect,
            name: format!("aludel_bench_{n}"),
            file: work.join(format!("bench_{n}.db")),
        }
    }

    fn aludel_url(&self) -> String {
        match server_url(self.dialect) {
            Some(server) => {
                let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
                format!("{base}/{}", self.name)
            }
            None => format!("sqlite://{}?mode=rwc", self.file.display()),
        }
    }

    fn sqlalchemy_url(&self) -> String {
        match self.dialect {
            Dialect::Postgres => format!(
                "postgresql+psycopg2://{}",
                self.aludel_url().trim_start_matches("postgres://")
            ),
            Dialect::MySql => format!(
                "mysql+pymysql://{}",
                self.aludel_url().trim_start_matches("mysql://")
            ),
            Dialect::Sqlite => format!("sqlite:///{}", self.file.display()),
        }
    }

    async fn reset(&self) -> anyhow::Result<()> {
        match server_url(self.dialect) {
            None => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.file.display()));
                }
            }
            Some(server) => {
                let mut db = Database::connect(&server).await?;
                let (drop, create) = match self.dialect {
                    Dialect::Postgres => (
                        format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
                        format!("CREATE DATABASE \"{}\"", self.name),
                    ),
                    _ => (
                        format!("DROP DATABASE IF EXISTS `{}`", self.name),
                        format!("CREATE DATABASE `{}`", self.name),
                    ),
                };
                db.execute(&drop).await?;
                db.execute(&create).await?;
                db.close().await;
            }
        }
        Ok(())
    }

    async fn drop(&self) {
        if let Some(server) = server_url(self.dialect)
            && let Ok(mut db) = Database::connect(&server).await
        {
            let sql = match self.dialect {
                Dialect::Postgres => {
                    format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)
                }
                _ => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            };
            let _ = db.execute(&sql).await;
            db.close().await;
        }
        let _ = std::fs::remove_file(&self.file);
    }
}

fn run_checked(cmd: &mut Command, what: &str) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("cannot run {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The aludel project of one N: `app` (the models) and its runner crate `migrations`.
struct AludelProject {
    root: PathBuf,
    target: PathBuf,
}

impl AludelProject {
    fn create(work: &Path, tables: &[synth::TableSpec], aludel_bin: &Path) -> anyhow::Result<Self> {
        let root = work.join("aludel");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src"))?;
        let ws = workspace();
        std::fs::write(
            root.join("Cargo.toml"),
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\naludel = {{ path = {:?}, features = [\"chrono\"] }}\n\
                 chrono = {{ version = \"0.4\", default-features = false, features = [\"clock\", \"std\"] }}\n\n\
                 [workspace]\n",
                ws.join("crates/aludel").display().to_string()
            ),
        )?;
        std::fs::write(root.join("src/lib.rs"), synth::rust_models(tables))?;
        run_checked(
            Command::new(aludel_bin)
                .arg("init")
                .current_dir(&root)
                .env("ALUDEL_SOURCE", &ws),
            "aludel init",
        )?;
        // A workspace of its own: the runner crate is a member.
        let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
        std::fs::write(
            root.join("Cargo.toml"),
            manifest.replace("[workspace]\n", "[workspace]\nmembers = [\"migrations\"]\n"),
        )?;
        std::fs::copy(ws.join("Cargo.lock"), root.join("Cargo.lock"))?;
        Ok(AludelProject {
            root,
            target: work.parent().unwrap_or(work).join("target"),
        })
    }

    /// Builds the runner as `aludel` builds it; the build time and the binary.
    fn build(&self) -> anyhow::Result<(Duration, PathBuf)> {
        let start = Instant::now();
        run_checked(
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "--quiet", "-p", "migrations"])
                .args(aludel_cli::RUNNER_BUILD_ARGS)
                .current_dir(&self.root)
                .env("CARGO_TARGET_DIR", &self.target),
            "cargo build of the bench runner",
        )?;
        Ok((start.elapsed(), self.target.join("aludel/migrations")))
    }

    fn versions(&self) -> PathBuf {
        self.root.join("migrations/versions")
    }
}

/// Where `inspect` writes the models of backend `d` at this N.
fn inspected_file(at: &AtN, d: Dialect) -> PathBuf {
    at.dir.join(format!("inspected-{}.rs", d.name()))
}

fn runner_cmd(p: &AludelProject, exe: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .current_dir(&p.root)
        .env("ALUDEL_CONFIG", p.root.join("aludel.toml"))
        .env("DATABASE_URL", url)
        .env_remove("RUST_LOG");
    cmd
}

/// One Alembic project per N and backend.
struct AlembicProject {
    root: PathBuf,
    bin: PathBuf,
}

impl AlembicProject {
    fn create(
        work: &Path,
        d: Dialect,
        models: &str,
        venv: &Path,
        url: &str,
    ) -> anyhow::Result<Self> {
        let root = work.join(format!("alembic-{}", d.name()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)?;
        let bin = venv.join("bin/alembic");
        run_checked(
            Command::new(&bin)
                .args(["init", "migrations"])
                .current_dir(&root),
            "alembic init",
        )?;
        let ini = std::fs::read_to_string(root.join("alembic.ini"))?;
        let ini = ini
            .lines()
            .map(|l| {
                if l.starts_with("sqlalchemy.url") {
                    format!("sqlalchemy.url = {url}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(root.join("alembic.ini"), ini + "\n")?;
        std::fs::write(root.join("models.py"), models)?;
        let env = std::fs::read_to_string(root.join("migrations/env.py"))?;
        let env = env.replace(
            "target_metadata = None",
            "import os, sys\nsys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))\nfrom models import Base\ntarget_metadata = Base.metadata",
        );
        if !env.contains("from models import Base") {
            bail!("alembic's env.py template changed: no `target_metadata = None` to replace");
        }
        std::fs::write(root.join("migrations/env.py"), env)?;
        run_checked(
            Command::new(venv.join("bin/python"))
                .args(["-m", "py_compile", "models.py"])
                .current_dir(&root),
            "python -m py_compile models.py",
        )?;
        Ok(AlembicProject { root, bin })
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).current_dir(&self.root);
        cmd
    }

    fn clear_versions(&self) -> anyhow::Result<()> {
        let dir = self.root.join("migrations/versions");
        if dir.exists() {
            for f in files_ending(&dir, "py")? {
                std::fs::remove_file(f)?;
            }
        }
        Ok(())
    }

    fn version_files(&self) -> anyhow::Result<Vec<PathBuf>> {
        files_ending(&self.root.join("migrations/versions"), "py")
    }
}

/// From this many tables on, the initial revision is written in parts of this many
/// operations (`revision --autogenerate --split`): as one PostgreSQL transaction it would
/// take more locks than a default server's lock table holds (docs/revisions.md). About
/// 500 tables a part.
pub const SPLIT_OPS: &str = "1000";

fn initial_revision_args(n: usize) -> Vec<&'static str> {
    let mut args = vec!["revision", "--autogenerate", "-m", "init"];
    if n >= LARGE {
        args.extend(["--split", SPLIT_OPS]);
    } else {
        args.extend(["--rev-id", "000000000001"]);
    }
    args
}

/// Moves the revision files `from` holds into the directory `to` (emptied first).
fn move_revisions(from: &Path, to: &Path) -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for f in files_ending(from, "rs")? {
        let name = f.file_name().context("a revision file's name")?;
        std::fs::rename(&f, to.join(name)).context("the initial revision")?;
    }
    Ok(())
}

/// Copies the revision files of `from` into `versions`; the files it made.
fn install_revisions(from: &Path, versions: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut made = Vec::new();
    for f in files_ending(from, "rs")? {
        let to = versions.join(f.file_name().context("a revision file's name")?);
        std::fs::copy(&f, &to)?;
        made.push(to);
    }
    if made.is_empty() {
        bail!("no initial revision in {}", from.display());
    }
    Ok(made)
}

/// The files of `dir` with the extension `ext`, sorted.
fn files_ending(dir: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    Ok(v)
}

/// Runs `f` with `file` changed by `edit`, and puts the file back whatever happens.
fn with_edit<T>(
    file: &Path,
    edit: &dyn Fn(&str) -> anyhow::Result<String>,
    f: impl FnOnce() -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let original = std::fs::read_to_string(file)?;
    std::fs::write(file, edit(&original)?)?;
    let result = f();
    std::fs::write(file, original)?;
    result
}

/// A check after a model change fails, saying it found new operations, and names the
/// column the model gained (a build that failed would echo the column in its error).
fn expect_found(s: &Sample, column: &str, what: &str) -> anyhow::Result<()> {
    let out = format!("{}{}", s.stdout, s.stderr);
    if s.ok() || !out.contains("New upgrade operations detected") || !out.contains(column) {
        bail!(
            "{what} did not report the new column {column} (exit {}):\n{}\n{}",
            s.code,
            s.stdout,
            s.stderr
        );
    }
    Ok(())
}

fn venv(work: &Path) -> anyhow::Result<PathBuf> {
    let venv = work.join("venv");
    if !venv.join("bin/alembic").exists() {
        eprintln!(
            "bench: creating {} with the latest Alembic from PyPI",
            venv.display()
        );
        run_checked(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
        run_checked(
            Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "--upgrade",
                "alembic",
                "sqlalchemy",
                "psycopg2-binary",
                "pymysql",
            ]),
            "pip install alembic",
        )?;
    }
    Ok(venv)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn reachable(d: Dialect, rt: &tokio::runtime::Runtime) -> bool {
    match server_url(d) {
        None => true,
        Some(url) => rt.block_on(async {
            match Database::connect(&url).await {
                Ok(db) => {
                    db.close().await;
                    true
                }
                Err(e) => {
                    eprintln!("bench: {d} is unreachable ({e}); skipped");
                    false
                }
            }
        }),
    }
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some((flag, rest)) = args.split_first()
        && flag == "--measure"
    {
        return measure::measure_main(rest);
    }
    if let Some((flag, rest)) = args.split_first()
        && flag == "--fleet"
    {
        return fleet::run(rest);
    }
    if let [flag, n, reps] = args
        && flag == "--diff-timings"
    {
        let n: usize = n
            .parse()
            .context("--diff-timings takes a number of tables")?;
        let reps: usize = reps
            .parse()
            .context("--diff-timings takes a number of runs")?;
        return print_diff_timings(n, reps);
    }
    if let [flag, n] = args
        && flag == "--diff-only"
    {
        return diff_only(n.parse().context("--diff-only takes a number of tables")?);
    }
    let mut bench = Bench::new(parse(args)?)?;
    for n in bench.o.tables.clone() {
        // A failure at one N is reported with everything measured so far.
        if let Err(e) = bench.at(n) {
            eprintln!("bench: N = {n} failed: {e:#}");
            bench
                .r
                .notes
                .push(format!("N = {n} stopped with an error: {}", one_line(&e)));
        }
    }
    bench.diff_10k()?;
    let text = report::markdown(&bench.r);
    let out = &bench.o.out;
    std::fs::write(out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("bench: wrote {}", out.display());
    print!("{}", report::summary(&bench.r));
    Ok(())
}

/// For the parent bench: "<dialect> <diff + render ns> <no-op ns> <file ns>" per run.
fn print_diff_timings(n: usize, reps: usize) -> anyhow::Result<()> {
    let schema = synth::schema(&synth::generate(n, SEED));
    let mut r = Results::default();
    for d in Dialect::ALL {
        diff_timings(&mut r, n, d, &schema, reps)?;
        let (full, noop, file) = &r.diff[&(n, d)];
        for ((a, b), c) in full.iter().zip(noop).zip(file) {
            println!(
                "{} {} {} {}",
                d.name(),
                a.as_nanos(),
                b.as_nanos(),
                c.as_nanos()
            );
        }
    }
    Ok(())
}

impl Results {
    /// One sample of `step` by `tool`.
    fn record(&mut self, n: usize, d: Dialect, step: Step, tool: Tool, s: Sample) {
        self.steps.entry((n, d, step, tool)).or_default().push(s);
    }
}

/// One bench run: what every phase needs.
struct Bench {
    o: Options,
    rt: tokio::runtime::Runtime,
    work: PathBuf,
    dialects: Vec<Dialect>,
    aludel_bin: PathBuf,
    venv: Option<PathBuf>,
    r: Results,
}

/// One N: its folder, its runner, and its Alembic projects.
struct AtN {
    n: usize,
    reps: usize,
    dir: PathBuf,
    project: AludelProject,
    alembic: BTreeMap<Dialect, AlembicProject>,
}

impl Bench {
    /// Builds the command line and the runner's dependencies once, and finds the backends.
    fn new(o: Options) -> anyhow::Result<Bench> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let ws = workspace();
        let work = ws.join("target/bench");
        std::fs::create_dir_all(&work)?;
        let dialects: Vec<Dialect> = o
            .dialects
            .iter()
            .copied()
            .filter(|d| reachable(*d, &rt))
            .collect();
        eprintln!("bench: building the aludel command line");
        run_checked(
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "--quiet", "-p", "aludel-cli", "--bin", "aludel"])
                .current_dir(&ws),
            "cargo build -p aludel-cli",
        )?;
        let aludel_bin = ws.join("target/debug/aludel");
        let venv = if o.alembic { Some(venv(&work)?) } else { None };
        let mut r = Results {
            reps: o.reps,
            reps_large: o.reps_large,
            ..Results::default()
        };
        r.facts = report::facts(&rt, &dialects, venv.as_deref());
        // Dependencies compile once, here, so that the timed builds are the runner's own.
        eprintln!("bench: building the runner's dependencies");
        let warm = work.join("warm-up");
        std::fs::create_dir_all(&warm)?;
        AludelProject::create(&warm, &synth::generate(1, SEED), &aludel_bin)?.build()?;
        Ok(Bench {
            o,
            rt,
            work,
            dialects,
            aludel_bin,
            venv,
            r,
        })
    }

    /// Every step at `n` tables.
    fn at(&mut self, n: usize) -> anyhow::Result<()> {
        let reps = if n >= LARGE {
            self.o.reps_large
        } else {
            self.o.reps
        };
        let dir = self.work.join(format!("n{n}"));
        std::fs::create_dir_all(&dir)?;
        let tables = synth::generate(n, SEED);
        let schema = synth::schema(&tables);
        eprintln!("bench: N = {n}: building the runner with {n} models");
        let project = AludelProject::create(&dir, &tables, &self.aludel_bin)?;
        let (build_models, exe) = project.build()?;
        let alembic = self.alembic_projects(n, &dir, &tables)?;
        let at = AtN {
            n,
            reps,
            dir,
            project,
            alembic,
        };
        let initial = self.autogen_empty(&at, &exe)?;
        // The runner with the initial revision (its parts, at N >= LARGE).
        let installed = install_revisions(&initial, &at.project.versions())?;
        eprintln!("bench: N = {n}: building the runner with the {n}-table initial revision");
        let (build_initial, exe) = at.project.build()?;
        self.r.builds.insert(n, (build_models, build_initial));
        for d in self.dialects.clone() {
            let db = BenchDb::new(d, n, &at.dir);
            // A backend that fails at this N (PostgreSQL's lock table at 5,000 tables in
            // one transaction) is noted; the others go on.
            if let Err(e) = self.on_backend(&at, &exe, d, &db) {
                eprintln!("bench: N = {n} {d} failed: {e:#}");
                self.r.notes.push(format!(
                    "{d} at N = {n} stopped with an error: {}",
                    one_line(&e)
                ));
            }
            self.rt.block_on(db.drop());
        }
        for f in installed {
            std::fs::remove_file(f)?;
        }
        self.build_inspected(&at)?;
        for &d in &self.dialects {
            diff_timings(&mut self.r, n, d, &schema, reps)?;
        }
        Ok(())
    }

    fn alembic_projects(
        &self,
        n: usize,
        dir: &Path,
        tables: &[synth::TableSpec],
    ) -> anyhow::Result<BTreeMap<Dialect, AlembicProject>> {
        let Some(venv) = &self.venv else {
            return Ok(BTreeMap::new());
        };
        self.dialects
            .iter()
            .map(|&d| {
                let db = BenchDb::new(d, n, dir);
                let models = synth::python_models(tables);
                AlembicProject::create(dir, d, &models, venv, &db.sqlalchemy_url()).map(|p| (d, p))
            })
            .collect()
    }

    /// a. Autogenerate against an empty database, both tools; returns the directory of the
    /// initial revision aludel wrote (PostgreSQL's when it ran; in parts at N >= LARGE).
    fn autogen_empty(&mut self, at: &AtN, exe: &Path) -> anyhow::Result<PathBuf> {
        let (n, reps) = (at.n, at.reps);
        let mut initial: Option<PathBuf> = None;
        for d in self.dialects.clone() {
            let db = BenchDb::new(d, n, &at.dir);
            let url = db.aludel_url();
            for rep in 0..reps {
                eprintln!(
                    "bench: N = {n} {d}: autogenerate on an empty database ({}/{reps})",
                    rep + 1
                );
                self.rt.block_on(db.reset())?;
                let s = measure::run(&mut runner_cmd(
                    &at.project,
                    exe,
                    &url,
                    &initial_revision_args(n),
                ))?;
                s.expect_ok("aludel revision --autogenerate")?;
                self.r.record(n, d, Step::AutogenEmpty, Tool::Aludel, s);
                let keep = at.dir.join(format!("initial-{}", d.name()));
                move_revisions(&at.project.versions(), &keep)?;
                if initial.is_none() || d == Dialect::Postgres {
                    initial = Some(keep);
                }
                if let Some(a) = at.alembic.get(&d) {
                    self.rt.block_on(db.reset())?;
                    a.clear_versions()?;
                    let s =
                        measure::run(&mut a.cmd(&["revision", "--autogenerate", "-m", "init"]))?;
                    s.expect_ok("alembic revision --autogenerate")?;
                    self.r.record(n, d, Step::AutogenEmpty, Tool::Alembic, s);
                }
            }
        }
        initial.context("no backend reachable")
    }

    /// b. On one backend: the DDL floor, then per rep upgrade, check, no-op autogenerate
    /// and introspection in process, for aludel, then Alembic's same steps.
    fn on_backend(&mut self, at: &AtN, exe: &Path, d: Dialect, db: &BenchDb) -> anyhow::Result<()> {
        let (n, reps) = (at.n, at.reps);
        let url = db.aludel_url();
        self.floor(at, exe, d, db)?;
        for rep in 0..reps {
            eprintln!(
                "bench: N = {n} {d}: upgrade, check, no-op autogenerate ({}/{reps})",
                rep + 1
            );
            self.rt.block_on(db.reset())?;
            let run = |args: &[&str]| measure::run(&mut runner_cmd(&at.project, exe, &url, args));
            let s = run(&["upgrade", "head"])?;
            s.expect_ok("aludel upgrade head")?;
            self.r.record(n, d, Step::Upgrade, Tool::Aludel, s);
            let s = run(&["check"])?;
            s.expect_ok("aludel check")?;
            self.r.record(n, d, Step::Check, Tool::Aludel, s);
            let s = run(&["revision", "--autogenerate", "-m", "noop"])?;
            s.expect_ok("aludel revision --autogenerate (no-op)")?;
            if !s.stdout.contains("No changes in schema detected.") {
                bail!(
                    "{d} N={n}: the no-op autogenerate found changes:\n{}{}",
                    s.stdout,
                    s.stderr
                );
            }
            self.r.record(n, d, Step::AutogenNoop, Tool::Aludel, s);
            self.edit_loop(at, d, &url, rep)?;
            let out = inspected_file(at, d);
            let out = out.to_string_lossy();
            let s = run(&["inspect", "-o", &out, "--force"])?;
            s.expect_ok("aludel inspect")?;
            if !s.stderr.contains(&format!("{n} tables, 0 differences")) {
                bail!("{d} N={n}: inspect did not verify:\n{}", s.stderr);
            }
            self.r.record(n, d, Step::Inspect, Tool::Aludel, s);
            self.introspect_in_process(n, d, &url)?;
            if let Some(a) = at.alembic.get(&d) {
                self.alembic_steps(n, d, db, a)?;
            }
        }
        Ok(())
    }

    /// e. The edit loop: one model changed (the first table gains a nullable column, named
    /// per repetition so that no build finds its input unchanged), then `check` against the
    /// matching database, which reports the new column: through the `aludel` command, which
    /// rebuilds the runner first. The models, and the runner, are put back. (Alembic's:
    /// `alembic_steps`.)
    fn edit_loop(&mut self, at: &AtN, d: Dialect, url: &str, rep: usize) -> anyhow::Result<()> {
        let column = format!("edit_probe_{rep}");
        let lib = at.project.root.join("src/lib.rs");
        let s = with_edit(&lib, &synth::edit_rust_model(&column), || {
            measure::run(
                Command::new(&self.aludel_bin)
                    .arg("check")
                    .current_dir(&at.project.root)
                    .env("DATABASE_URL", url)
                    .env("CARGO_TARGET_DIR", &at.project.target)
                    .env_remove("RUST_LOG"),
            )
        });
        // The runner the other steps run was rebuilt with the changed model (or half
        // rebuilt): build it again from the models as they are now, whatever happened.
        at.project.build()?;
        let s = s?;
        expect_found(&s, &column, "aludel check after a model change")?;
        self.r.record(at.n, d, Step::EditLoop, Tool::Aludel, s);
        Ok(())
    }

    /// The runner built with the models `inspect` wrote (PostgreSQL's, else the first
    /// backend's) in place of the generator's: what adopting a database of N tables costs
    /// to compile. The generator's models are put back.
    fn build_inspected(&mut self, at: &AtN) -> anyhow::Result<()> {
        let Some(file) = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite]
            .into_iter()
            .map(|d| inspected_file(at, d))
            .find(|f| f.exists())
        else {
            return Ok(());
        };
        let lib = at.project.root.join("src/lib.rs");
        let generated = std::fs::read_to_string(&lib)?;
        std::fs::copy(&file, &lib)?;
        eprintln!(
            "bench: N = {}: building the runner with the inspected models",
            at.n
        );
        let built = at.project.build();
        std::fs::write(&lib, generated)?;
        self.r.inspected_builds.insert(at.n, built?.0);
        Ok(())
    }

    /// The database's own time for the same DDL: the `--sql` script of the upgrade sent
    /// as one batch over one connection, nothing else around it.
    fn floor(&mut self, at: &AtN, exe: &Path, d: Dialect, db: &BenchDb) -> anyhow::Result<()> {
        let url = db.aludel_url();
        let script = measure::run(&mut runner_cmd(
            &at.project,
            exe,
            &url,
            &["upgrade", "head", "--sql"],
        ))?;
        script.expect_ok("aludel upgrade head --sql")?;
        for _ in 0..at.reps {
            self.rt.block_on(db.reset())?;
            let took = self.rt.block_on(async {
                let start = Instant::now();
                let mut c = Database::connect(&url).await?;
                c.execute(&script.stdout).await?;
                c.close().await;
                anyhow::Ok(start.elapsed())
            })?;
            self.r.floor.entry((at.n, d)).or_default().push(took);
        }
        Ok(())
    }

    /// Introspection of the matching database in this process, and its catalog queries.
    fn introspect_in_process(&mut self, n: usize, d: Dialect, url: &str) -> anyhow::Result<()> {
        let (took, queries) = self.rt.block_on(async {
            let mut c = Database::connect(url).await?;
            let before = c.query_count();
            let start = Instant::now();
            // Kept until the clock stops: freeing the schema is not introspection.
            let _live = c.introspect(&IntrospectOptions::default()).await?;
            let took = start.elapsed();
            let queries = c.query_count() - before;
            c.close().await;
            anyhow::Ok((took, queries))
        })?;
        let e = self
            .r
            .introspect
            .entry((n, d))
            .or_insert((Vec::new(), queries));
        e.0.push(took);
        e.1 = queries;
        Ok(())
    }

    /// Alembic's upgrade, check and no-op autogenerate on a fresh database.
    fn alembic_steps(
        &mut self,
        n: usize,
        d: Dialect,
        db: &BenchDb,
        a: &AlembicProject,
    ) -> anyhow::Result<()> {
        self.rt.block_on(db.reset())?;
        let s = measure::run(&mut a.cmd(&["upgrade", "head"]))?;
        if !s.ok() {
            // PostgreSQL's lock table at 5,000 tables in one revision: said, and the steps
            // that need the upgraded database are not measured.
            self.r.notes.push(format!(
                "Alembic's `upgrade head` on {d} at N = {n} failed, so its check, no-op autogenerate and edit loop were not measured: {}",
                s.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default()
            ));
            return Ok(());
        }
        self.r.record(n, d, Step::Upgrade, Tool::Alembic, s);
        let s = measure::run(&mut a.cmd(&["check"]))?;
        if !s.ok() {
            self.r.notes.push(format!(
                "Alembic `check` on {d} at N = {n} did not pass: {}",
                s.stderr.lines().last().unwrap_or_default()
            ));
        }
        self.r.record(n, d, Step::Check, Tool::Alembic, s);
        let before = a.version_files()?;
        let s = measure::run(&mut a.cmd(&["revision", "--autogenerate", "-m", "noop"]))?;
        s.expect_ok("alembic revision --autogenerate (no-op)")?;
        for f in a.version_files()? {
            if !before.contains(&f) {
                std::fs::remove_file(f)?;
            }
        }
        self.r.record(n, d, Step::AutogenNoop, Tool::Alembic, s);
        // e. The edit loop: Alembic's `check` imports the changed models.
        let column = "edit_probe";
        let models = a.root.join("models.py");
        let s = with_edit(&models, &synth::edit_python_model(column), || {
            measure::run(&mut a.cmd(&["check"]))
        })?;
        expect_found(&s, column, "alembic check after a model change")?;
        self.r.record(n, d, Step::EditLoop, Tool::Alembic, s);
        Ok(())
    }

    /// Diff and render at 10,000 tables, whatever N ran, in a process of its own like
    /// every other step: what ran before in this one does not weigh on it.
    fn diff_10k(&mut self) -> anyhow::Result<()> {
        eprintln!("bench: diff and render of 10,000 tables");
        let out = Command::new(std::env::current_exe()?)
            .args(["bench", "--diff-timings", "10000", &self.o.reps.to_string()])
            .output()?;
        if !out.status.success() {
            bail!(
                "the diff of 10,000 tables failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(d), Some(full), Some(noop), Some(file)) = (
                f.first()
                    .and_then(|d| Dialect::ALL.into_iter().find(|x| x.name() == *d)),
                f.get(1).and_then(|v| v.parse().ok()),
                f.get(2).and_then(|v| v.parse().ok()),
                f.get(3).and_then(|v| v.parse().ok()),
            ) else {
                bail!("unexpected line from --diff-timings: {line}");
            };
            let e = self.r.diff.entry((10_000, d)).or_default();
            e.0.push(Duration::from_nanos(full));
            e.1.push(Duration::from_nanos(noop));
            e.2.push(Duration::from_nanos(file));
        }
        Ok(())
    }
}

/// Diff + render of `schema` against an empty one, and the no-op diff against itself.
fn diff_timings(
    r: &mut Results,
    n: usize,
    d: Dialect,
    schema: &Schema,
    reps: usize,
) -> anyhow::Result<()> {
    // Each measurement is repeated on its own after one run that is not counted (the
    // process's first touch of its memory), so that one does not pay for another's
    // garbage.
    let reps = reps.max(3);
    let mut full = Vec::new();
    for i in 0..=reps {
        let start = Instant::now();
        let plan = aludel_diff::diff(&Schema::new(), schema, d)?;
        let (sql, _) = aludel_sql::render_all(&plan.upgrade, &Schema::new(), d)?;
        if i > 0 {
            full.push(start.elapsed());
        }
        std::hint::black_box((plan, sql));
    }
    let mut noop = Vec::new();
    for i in 0..=reps {
        let start = Instant::now();
        let plan = aludel_diff::diff(schema, schema, d)?;
        if i > 0 {
            noop.push(start.elapsed());
        }
        if !plan.is_empty() {
            bail!(
                "{d} N={n}: a schema differs from itself: {:?}",
                plan.upgrade.first()
            );
        }
    }
    let plan = aludel_diff::diff(&Schema::new(), schema, d)?;
    let mut file = Vec::new();
    for i in 0..=reps {
        let plan = plan.clone();
        let start = Instant::now();
        let text = revision_file(plan);
        if i > 0 {
            file.push(start.elapsed());
        }
        std::hint::black_box(text);
    }
    r.diff.insert((n, d), (full, noop, file));
    Ok(())
}

/// The revision file autogenerate writes for `plan`.
fn revision_file(plan: aludel_diff::Plan) -> String {
    aludel_runner::render_revision(&aludel_runner::NewRevision {
        id: "0123456789ab".into(),
        revises: vec![],
        message: "initial".into(),
        created: "2026-11-21 00:00:00 UTC".into(),
        upgrade: plan.upgrade,
        downgrade: plan.downgrade,
        warnings: vec![],
    })
}

/// An error on one line, at most 400 characters.
fn one_line(e: &anyhow::Error) -> String {
    let text: String = format!("{e:#}")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match text.char_indices().nth(400) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// `cargo xtask bench --diff-only N`: the in-process diff timings alone, for profiling.
pub fn diff_only(n: usize) -> anyhow::Result<()> {
    let schema = synth::schema(&synth::generate(n, SEED));
    if std::env::var_os("ALUDEL_BENCH_DIFF_ONLY").is_some() {
        for _ in 0..3 {
            let t = Instant::now();
            let plan = aludel_diff::diff(&Schema::new(), &schema, Dialect::Postgres)?;
            println!("diff {:?} ({} ops)", t.elapsed(), plan.upgrade.len());
        }
        return Ok(());
    }
    if std::env::var_os("ALUDEL_BENCH_FILE_ONLY").is_some() {
        let plan = aludel_diff::diff(&Schema::new(), &schema, Dialect::Postgres)?;
        for _ in 0..3 {
            let t = Instant::now();
            let file = revision_file(plan.clone());
            println!("revision file {:?} ({} bytes)", t.elapsed(), file.len());
            if let Some(out) = std::env::var_os("ALUDEL_BENCH_FILE_OUT") {
                std::fs::write(out, &file)?;
            }
        }
        return Ok(());
    }
    if std::env::var_os("ALUDEL_BENCH_RENDER_ONLY").is_some() {
        let plan = aludel_diff::diff(&Schema::new(), &schema, Dialect::Postgres)?;
        for _ in 0..3 {
            let t = Instant::now();
            let (sql, _) =
                aludel_sql::render_all(&plan.upgrade, &Schema::new(), Dialect::Postgres)?;
            println!("render {:?} ({} statements)", t.elapsed(), sql.len());
        }
        return Ok(());
    }
    if std::env::var_os("ALUDEL_BENCH_NOOP_ONLY").is_some() {
        // For a profiler: the no-op diff alone.
        for _ in 0..3 {
            let t = Instant::now();
            let plan = aludel_diff::diff(&schema, &schema, Dialect::Postgres)?;
            println!("no-op diff {:?} ({} ops)", t.elapsed(), plan.upgrade.len());
        }
        return Ok(());
    }
    for _ in 0..3 {
        let t = Instant::now();
        aludel_diff::validate(&schema, Dialect::Postgres)?;
        let validate = t.elapsed();
        let t = Instant::now();
        let norm = aludel_schema::normalize(&schema, Dialect::Postgres);
        let normalize = t.elapsed();
        let t = Instant::now();
        let plan = aludel_diff::diff(&Schema::new(), &schema, Dialect::Postgres)?;
        let diff = t.elapsed();
        let t = Instant::now();
        let down = aludel_schema::reverse_all(&plan.upgrade, &Schema::new())?;
        let reverse = t.elapsed();
        let t = Instant::now();
        let (sql, _) = aludel_sql::render_all(&plan.upgrade, &Schema::new(), Dialect::Postgres)?;
        let render = t.elapsed();
        let t = Instant::now();
        let c = schema.clone();
        let clone = t.elapsed();
        println!(
            "validate {validate:?} normalize {normalize:?} diff {diff:?} (of which reverse {reverse:?}) render {render:?} clone {clone:?}"
        );
        drop((norm, plan, down, sql, c));
    }
    let mut r = Results::default();
    for d in Dialect::ALL {
        diff_timings(&mut r, n, d, &schema, 3)?;
        let (full, noop, _) = &r.diff[&(n, d)];
        println!(
            "{d} N={n}: diff + render {:?}, no-op diff {:?}",
            median_of(full),
            median_of(noop)
        );
    }
    Ok(())
}

pub fn medians(v: &[Sample]) -> (Duration, u64) {
    let wall = median(v.iter().map(|s| s.wall).collect());
    let mut rss: Vec<u64> = v.iter().map(|s| s.max_rss_kb).collect();
    rss.sort();
    (wall, rss.get(rss.len() / 2).copied().unwrap_or_default())
}

pub fn median_of(v: &[Duration]) -> Duration {
    median(v.to_vec())
}
