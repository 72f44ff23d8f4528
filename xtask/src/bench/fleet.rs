//! `cargo xtask bench --fleet`: the example application (the workspace's own runner,
//! `migrations/`) over a fleet — 1,000 SQLite databases, 500 schemas of one PostgreSQL
//! database, 50 MariaDB databases by default — written to docs/fleet-benchmarks.md.
//!
//! Per backend: the first `upgrade head --all` (four revisions per target), the no-op
//! `upgrade head --all` that every deploy after it runs (each target costs one query),
//! the same with `--jobs 1`, and `status --all` (each target's catalog read and diff).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use aludel_introspect::Database;
use aludel_schema::{Dialect, quote_ident};
use anyhow::{Context, bail};

use super::measure::{self, Sample};
use super::{medians, run_checked, server_url, workspace};

struct Options {
    sqlite: usize,
    pg_schemas: usize,
    mysql: usize,
    reps: usize,
    out: PathBuf,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut o = Options {
        sqlite: 1000,
        pg_schemas: 500,
        mysql: 50,
        reps: 3,
        out: workspace().join("docs/fleet-benchmarks.md"),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut number = || -> anyhow::Result<usize> {
            let v = it.next().with_context(|| format!("{a} needs a value"))?;
            v.parse().with_context(|| format!("{a} takes a number"))
        };
        match a.as_str() {
            "--sqlite" => o.sqlite = number()?,
            "--pg-schemas" => o.pg_schemas = number()?,
            "--mysql" => o.mysql = number()?,
            "--reps" => o.reps = number()?.max(1),
            "--out" => {
                o.out = PathBuf::from(it.next().context("--out needs a value")?);
            }
            other => bail!(
                "unknown option {other:?} (--sqlite N, --pg-schemas N, --mysql N, --reps N, --out FILE)"
            ),
        }
    }
    Ok(o)
}

/// One backend's numbers.
struct Row {
    backend: &'static str,
    targets: usize,
    first: Sample,
    noop: Vec<Sample>,
    noop_one_job: Sample,
    status: Sample,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let o = parse(args)?;
    let ws = workspace();
    eprintln!("bench --fleet: building the example's runner");
    run_checked(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--quiet",
                "--profile",
                "aludel",
                "-p",
                "migrations",
            ])
            .current_dir(&ws),
        "cargo build -p migrations",
    )?;
    let exe = ws.join("target/aludel/migrations");
    let dir = ws.join("target/bench/fleet");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("lite"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut rows = Vec::new();
    if o.sqlite > 0 {
        let lines: String = (0..o.sqlite)
            .map(|i| format!("sqlite://{}/lite/t{i:04}.db?mode=rwc\n", dir.display()))
            .collect();
        std::fs::write(dir.join("tenants.txt"), lines)?;
        let group = "[targets.lite]\nfile = \"tenants.txt\"\n";
        rows.push(measure_group(
            &exe,
            &dir,
            "SQLite files",
            o.sqlite,
            group,
            o.reps,
        )?);
    }
    if o.pg_schemas > 0 {
        let url = rt.block_on(pg_schemas(o.pg_schemas))?;
        let group = format!(
            "[targets.pg]\nurl = {url:?}\nschemas_query = \"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%' ORDER BY 1\"\n"
        );
        let row = measure_group(
            &exe,
            &dir,
            "PostgreSQL schemas",
            o.pg_schemas,
            &group,
            o.reps,
        );
        rt.block_on(drop_databases(
            Dialect::Postgres,
            &["aludel_bench_fleet".into()],
        ))?;
        rows.push(row?);
    }
    if o.mysql > 0 {
        let names: Vec<String> = (0..o.mysql)
            .map(|i| format!("aludel_bench_fleet_{i:03}"))
            .collect();
        let urls = rt.block_on(mysql_databases(&names))?;
        let mut group = "[targets.maria.urls]\n".to_string();
        for (name, url) in names.iter().zip(&urls) {
            writeln!(group, "{name} = {url:?}")?;
        }
        let row = measure_group(&exe, &dir, "MariaDB databases", o.mysql, &group, o.reps);
        rt.block_on(drop_databases(Dialect::MySql, &names))?;
        rows.push(row?);
    }
    let text = markdown(&rows, o.reps);
    std::fs::write(&o.out, &text).with_context(|| format!("cannot write {}", o.out.display()))?;
    eprintln!("bench --fleet: wrote {}", o.out.display());
    print!("{text}");
    Ok(())
}

/// The runner over one group of `n` targets.
fn measure_group(
    exe: &Path,
    dir: &Path,
    backend: &'static str,
    n: usize,
    group: &str,
    reps: usize,
) -> anyhow::Result<Row> {
    let ws = workspace();
    let config = format!(
        "migrations = {:?}\n{group}",
        ws.join("migrations").display().to_string()
    );
    std::fs::write(dir.join("aludel.toml"), config)?;
    let run = |args: &[&str], expect: &str| -> anyhow::Result<Sample> {
        let mut cmd = Command::new(exe);
        cmd.args(args)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env("ALUDEL_CONFIG", dir.join("aludel.toml"));
        let s = measure::run(&mut cmd)?;
        s.expect_ok(&format!("{} ({backend})", args.join(" ")))?;
        if !s.stdout.contains(expect) {
            bail!(
                "{} ({backend}): expected {expect:?} in\n{}",
                args.join(" "),
                s.stdout
            );
        }
        Ok(s)
    };
    eprintln!("bench --fleet: {backend}: {n} targets");
    let first = run(&["upgrade", "head", "--all"], &format!("{n} upgraded"))?;
    let already = format!("{n} already there");
    let noop = (0..reps)
        .map(|_| run(&["upgrade", "head", "--all"], &already))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let noop_one_job = run(&["upgrade", "head", "--all", "--jobs", "1"], &already)?;
    let status = run(&["status", "--all"], &format!("{n} at head"))?;
    Ok(Row {
        backend,
        targets: n,
        first,
        noop,
        noop_one_job,
        status,
    })
}

/// A database with `n` empty schemas `tenant0000` ...; its URL.
async fn pg_schemas(n: usize) -> anyhow::Result<String> {
    let server = server_url(Dialect::Postgres).context("no PostgreSQL")?;
    let name = "aludel_bench_fleet";
    drop_databases(Dialect::Postgres, &[name.into()]).await?;
    let mut db = Database::connect(&server).await?;
    let q = quote_ident(Dialect::Postgres, name);
    db.execute(&format!("CREATE DATABASE {q}")).await?;
    db.close().await;
    let url = format!(
        "{}/{name}",
        server.rsplit_once('/').map_or(&*server, |(b, _)| b)
    );
    let mut db = Database::connect(&url).await?;
    let sql: String = (0..n)
        .map(|i| {
            let q = quote_ident(Dialect::Postgres, &format!("tenant{i:04}"));
            format!("CREATE SCHEMA {q};")
        })
        .collect();
    db.execute(&sql).await?;
    db.close().await;
    Ok(url)
}

/// Empty MariaDB databases of these names; their URLs.
async fn mysql_databases(names: &[String]) -> anyhow::Result<Vec<String>> {
    let server = server_url(Dialect::MySql).context("no MariaDB")?;
    drop_databases(Dialect::MySql, names).await?;
    let mut db = Database::connect(&server).await?;
    for name in names {
        let q = quote_ident(Dialect::MySql, name);
        db.execute(&format!("CREATE DATABASE {q}")).await?;
    }
    db.close().await;
    let base = server
        .rsplit_once('/')
        .map_or(&*server, |(b, _)| b)
        .to_string();
    Ok(names.iter().map(|n| format!("{base}/{n}")).collect())
}

async fn drop_databases(d: Dialect, names: &[String]) -> anyhow::Result<()> {
    let server = server_url(d).context("no server")?;
    let mut db = Database::connect(&server).await?;
    for name in names {
        let q = quote_ident(d, name);
        let sql = match d {
            Dialect::Postgres => format!("DROP DATABASE IF EXISTS {q} WITH (FORCE)"),
            _ => format!("DROP DATABASE IF EXISTS {q}"),
        };
        db.execute(&sql).await?;
    }
    db.close().await;
    Ok(())
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn markdown(rows: &[Row], reps: usize) -> String {
    let mut t = String::from(
        "# Fleet benchmarks\n\n\
         Generated by `cargo xtask bench --fleet` (docs/fleet.md says what a fleet is). The\n\
         example application's runner (`migrations/`, four revisions) over each group of\n\
         targets, every command through the runner binary with `--all`, timed from spawn to\n\
         exit on the same two-core machine as docs/benchmarks.md. A target already at head\n\
         costs one query (a test counts it); the first upgrade runs the four revisions on\n\
         every target, each under its own lock and in its own transactions.\n\n",
    );
    let _ = writeln!(
        t,
        "| targets | first `upgrade head --all` | no-op `upgrade head --all` (median of {reps}) | peak memory (no-op) | no-op, `--jobs 1` | `status --all` |"
    );
    t.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for r in rows {
        let (noop, rss) = medians(&r.noop);
        let _ = writeln!(
            t,
            "| {} {} | {} | {} | {} MiB | {} | {} |",
            r.targets,
            r.backend,
            secs(r.first.wall),
            secs(noop),
            rss / 1024,
            secs(r.noop_one_job.wall),
            secs(r.status.wall)
        );
    }
    t.push_str(
        "\n`--jobs` is 8 unless the row says otherwise. The schema targets of one PostgreSQL \
         database share sessions (at most `--jobs` of them), whose catalog caches stay warm \
         from one tenant to the next; every other target opens a connection of its own.\n",
    );
    t
}
