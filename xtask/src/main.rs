//! Development tasks, run as `cargo xtask <task>` (an alias in .cargo/config.toml).
//!
//! - `ci`: what CI runs: formatting, clippy with warnings denied, every test.
//! - `soak [--pairs N] [--seed S] [--backend sqlite|postgres|mysql]`: the property-based
//!   round trip with many more pairs than CI runs, from a random seed it prints first.
//! - `bench [--tables 100,1000,5000] [--backends postgres,mysql,sqlite] [--reps 3] [--reps-large 1]
//!   [--no-alembic] [--out FILE]`: aludel against Alembic, written to docs/benchmarks.md.
//! - `pg start|stop|url 16|18`: a local PostgreSQL 16 or 18 from PyPI wheels, installed
//!   under target/pg; `start` prints its URL.

mod bench;
mod pg;

// The allocator of every aludel runner (`aludel::main!()`): the in-process measurements of
// the bench then see what the runner sees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::Command;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "ci" => ci(),
        "soak" => soak(std::env::args().skip(2).collect()),
        "pg" => pg::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "bench" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            if cfg!(debug_assertions) {
                // Measure optimised code: run again as a release build.
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
                let status = Command::new(&cargo)
                    .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
                    .args(&args)
                    .current_dir(bench::workspace())
                    .status()
                    .with_context(|| format!("cannot run {cargo}"))?;
                if !status.success() {
                    bail!("bench failed ({status})");
                }
                Ok(())
            } else {
                bench::run(&args)
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\ntasks:\n  ci    cargo fmt --check, clippy -D warnings, cargo test --workspace\n  \
                 soak  [--pairs N] [--seed S] [--backend sqlite|postgres|mysql]  the property-based round trip, at length\n  \
                 bench [--tables 100,1000,5000] [--backends postgres,mysql,sqlite] [--reps 3] [--reps-large 1] [--no-alembic] [--out FILE]\n        \
                 aludel against Alembic side by side; writes docs/benchmarks.md\n  \
                 bench --fleet [--sqlite 1000] [--pg-schemas 500] [--mysql 50] [--reps 3] [--out FILE]\n        \
                 the example application over a fleet of databases; writes docs/fleet-benchmarks.md\n  \
                 pg    start|stop|url 16|18  a local PostgreSQL 16 or 18 (from PyPI wheels) for the tests"
            );
            if task.is_empty() || task == "help" || task == "--help" {
                Ok(())
            } else {
                bail!("unknown task {task:?}")
            }
        }
    }
}

fn cargo(args: &[&str]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .status()
        .with_context(|| format!("cannot run {cargo}"))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn soak(args: Vec<String>) -> anyhow::Result<()> {
    let mut pairs = 2000u64;
    let mut seed: Option<u64> = None;
    let mut backends = vec!["sqlite", "postgres", "mysql"];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--pairs" => pairs = value()?.parse().context("--pairs takes a number")?,
            "--seed" => seed = Some(value()?.parse().context("--seed takes a number")?),
            "--backend" => {
                let b = value()?.clone();
                if !["sqlite", "postgres", "mysql"].contains(&b.as_str()) {
                    bail!("--backend {b:?}: use sqlite, postgres or mysql");
                }
                backends = vec![match b.as_str() {
                    "sqlite" => "sqlite",
                    "postgres" => "postgres",
                    _ => "mysql",
                }];
            }
            other => bail!("unknown option {other:?}"),
        }
    }
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    eprintln!("soak: {pairs} pairs per backend from seed {seed} (replay with --seed {seed})");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for b in backends {
        let status = Command::new(&cargo)
            .args(["test", "-q", "-p", "aludel-tests", "--test", "integration"])
            .arg(format!("roundtrip_{b}"))
            .args(["--", "--nocapture"])
            .env("ALUDEL_ROUNDTRIP_SEED", seed.to_string())
            .env("ALUDEL_ROUNDTRIP_PAIRS", pairs.to_string())
            .status()
            .with_context(|| format!("cannot run {cargo}"))?;
        if !status.success() {
            bail!("soak failed on {b} (seed {seed}); each failing pair prints its own seed");
        }
    }
    eprintln!("soak: all backends passed {pairs} pairs from seed {seed}");
    Ok(())
}

/// The crates whose invariant is "pure": no database driver, no async runtime.
const PURE_CRATES: [&str; 6] = [
    "aludel-schema",
    "aludel-diff",
    "aludel-sql",
    "aludel-revision",
    "aludel-plan",
    "aludel-review",
];

/// Fails when a pure crate depends (normally, at any depth) on sqlx or tokio.
fn pure_crates_stay_pure() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for krate in PURE_CRATES {
        eprintln!("$ cargo tree -p {krate} -e normal --prefix none");
        let out = Command::new(&cargo)
            .args(["tree", "-p", krate, "-e", "normal", "--prefix", "none"])
            .output()
            .with_context(|| format!("cannot run {cargo}"))?;
        if !out.status.success() {
            bail!("`cargo tree -p {krate}` failed");
        }
        let tree = String::from_utf8_lossy(&out.stdout);
        let impure: Vec<&str> = tree
            .lines()
            .filter(|l| l.starts_with("sqlx ") || l.starts_with("sqlx-") || l.starts_with("tokio "))
            .collect();
        if !impure.is_empty() {
            bail!(
                "{krate} must stay pure (ARCHITECTURE.md), but depends on: {}",
                impure.join(", ")
            );
        }
    }
    Ok(())
}

fn ci() -> anyhow::Result<()> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    pure_crates_stay_pure()?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace"])?;
    // The PostgreSQL tests again on the other supported majors (the machine's server is
    // 15): the integration tests, with every other backend switched off.
    for major in PG_MAJORS {
        let url = pg::start(major)?;
        eprintln!(
            "$ ALUDEL_TEST_ONLY=postgresql ALUDEL_TEST_POSTGRES_URL={url} cargo test -p aludel-tests --test integration"
        );
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(&cargo)
            .args(["test", "-p", "aludel-tests", "--test", "integration"])
            .env("ALUDEL_TEST_ONLY", "postgresql")
            .env("ALUDEL_TEST_POSTGRES_URL", &url)
            .status()
            .with_context(|| format!("cannot run {cargo}"));
        let stopped = pg::stop(major);
        if !status?.success() {
            bail!("the PostgreSQL {major} tests failed");
        }
        stopped?;
    }
    Ok(())
}

/// The PostgreSQL majors CI tests besides the machine's own.
const PG_MAJORS: [&str; 2] = ["16", "18"];
