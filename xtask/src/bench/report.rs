//! docs/benchmarks.md: the machine, the targets, the tables.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use aludel_introspect::Database;
use aludel_schema::Dialect;

use super::{Results, Step, Tool, median_of, medians};

fn command_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "?".into())
}

fn proc_line(file: &str, key: &str) -> String {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with(key)).and_then(|l| {
                l.split_once([':', '='])
                    .map(|(_, v)| v.trim().trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| "?".into())
}

/// The machine and the versions of everything measured.
pub fn facts(
    rt: &tokio::runtime::Runtime,
    dialects: &[Dialect],
    venv: Option<&Path>,
) -> Vec<(String, String)> {
    let mut f = vec![
        (
            "date".into(),
            command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        ),
        (
            "cores".into(),
            std::thread::available_parallelism()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".into()),
        ),
        ("CPU".into(), proc_line("/proc/cpuinfo", "model name")),
        ("memory".into(), proc_line("/proc/meminfo", "MemTotal")),
        ("kernel".into(), command_line("uname", &["-r"])),
        ("OS".into(), proc_line("/etc/os-release", "PRETTY_NAME")),
        ("rustc".into(), command_line("rustc", &["--version"])),
    ];
    for &d in dialects {
        let (url, sql) = match d {
            Dialect::Postgres => (super::server_url(d), "SELECT version()"),
            Dialect::MySql => (super::server_url(d), "SELECT VERSION()"),
            Dialect::Sqlite => (
                Some("sqlite::memory:".to_string()),
                "SELECT sqlite_version()",
            ),
        };
        let version = rt.block_on(async {
            let mut db = Database::connect(url.as_deref()?).await.ok()?;
            let v = db
                .query_column(sql)
                .await
                .ok()?
                .into_iter()
                .flatten()
                .next();
            db.close().await;
            v
        });
        f.push((format!("{d} server"), version.unwrap_or_else(|| "?".into())));
    }
    if let Some(venv) = venv {
        let py = venv.join("bin/python");
        let py = py.to_string_lossy();
        f.push(("Python".into(), command_line(&py, &["--version"])));
        f.push((
            "Alembic / SQLAlchemy".into(),
            command_line(
                &py,
                &[
                    "-c",
                    "import alembic, sqlalchemy; print(alembic.__version__, '/', sqlalchemy.__version__)",
                ],
            ),
        ));
    }
    f
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 0.1 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn mib(kb: u64) -> String {
    format!("{:.0} MiB", kb as f64 / 1024.0)
}

fn ratio(a: Duration, b: Duration) -> String {
    if a.is_zero() {
        return "?".into();
    }
    format!("{:.1}×", b.as_secs_f64() / a.as_secs_f64())
}

fn step(r: &Results, n: usize, d: Dialect, s: Step, t: Tool) -> Option<(Duration, u64)> {
    r.steps.get(&(n, d, s, t)).map(|v| medians(v))
}

struct Target {
    what: String,
    measured: String,
    met: Option<bool>,
}

fn targets(r: &Results) -> Vec<Target> {
    let mut out = Vec::new();
    let pg = Dialect::Postgres;
    let noop = step(r, 1000, pg, Step::AutogenNoop, Tool::Aludel);
    let noop_alembic = step(r, 1000, pg, Step::AutogenNoop, Tool::Alembic);
    out.push(match (noop, noop_alembic) {
        (Some((a, _)), Some((b, _))) => Target {
            what: "no-op autogenerate, 1,000 PostgreSQL tables: at least 20× faster than Alembic"
                .into(),
            measured: format!("{} vs {}: {}", secs(a), secs(b), ratio(a, b)),
            met: Some(b.as_secs_f64() >= 20.0 * a.as_secs_f64()),
        },
        _ => Target {
            what: "no-op autogenerate, 1,000 PostgreSQL tables: at least 20× faster than Alembic"
                .into(),
            measured: "not measured in this run".into(),
            met: None,
        },
    });
    out.push(Target {
        what: "… in under 0.12 s and 35 MiB peak memory".into(),
        measured: noop
            .map(|(t, kb)| format!("{} / {}", secs(t), mib(kb)))
            .unwrap_or_else(|| "not measured".into()),
        met: noop.map(|(t, kb)| t.as_secs_f64() < 0.12 && kb < 35 * 1024),
    });
    let worst = r.introspect.values().map(|(_, q)| *q).max();
    let per: Vec<String> = Dialect::ALL
        .iter()
        .filter_map(|d| {
            let qs: Vec<u64> = r
                .introspect
                .iter()
                .filter(|((_, dd), _)| dd == d)
                .map(|(_, (_, q))| *q)
                .collect();
            let (lo, hi) = (qs.iter().min()?, qs.iter().max()?);
            Some(if lo == hi {
                format!("{d} {lo}")
            } else {
                format!("{d} {lo}-{hi}")
            })
        })
        .collect();
    out.push(Target {
        what: "at most 10 catalog queries for any N".into(),
        measured: if per.is_empty() {
            "not measured".into()
        } else {
            format!("{} (for every N measured)", per.join(", "))
        },
        met: worst.map(|q| q <= 10),
    });
    let big: Vec<(Dialect, Duration)> = Dialect::ALL
        .iter()
        .filter_map(|d| {
            r.diff
                .get(&(10_000, *d))
                .map(|(full, _, _)| (*d, median_of(full)))
        })
        .collect();
    out.push(Target {
        what: "diff + render of 10,000 tables under 100 ms".into(),
        measured: big
            .iter()
            .map(|(d, t)| format!("{d} {}", secs(*t)))
            .collect::<Vec<_>>()
            .join(", "),
        met: (!big.is_empty()).then(|| big.iter().all(|(_, t)| t.as_millis() < 100)),
    });
    for d in [pg, Dialect::MySql, Dialect::Sqlite] {
        let what = format!("inspect of 1,000 {d} tables, verified, before the build: under 1 s");
        out.push(match step(r, 1000, d, Step::Inspect, Tool::Aludel) {
            Some((t, _)) => Target {
                what,
                measured: secs(t),
                met: Some(t.as_secs_f64() < 1.0),
            },
            None => Target {
                what,
                measured: "not measured in this run".into(),
                met: None,
            },
        });
    }
    out.extend(edit_loop_targets(r));
    out.push(floor_target(r));
    out.push(linear_target(r));
    let up = step(r, 1000, pg, Step::Upgrade, Tool::Aludel);
    let up_alembic = step(r, 1000, pg, Step::Upgrade, Tool::Alembic);
    out.push(match (up, up_alembic) {
        (Some((a, _)), Some((b, _))) => Target {
            what: "upgrade head of the 1,000-table initial revision (PostgreSQL): at least 5× faster than Alembic".into(),
            measured: format!("{} vs {}: {}", secs(a), secs(b), ratio(a, b)),
            met: Some(b.as_secs_f64() >= 5.0 * a.as_secs_f64()),
        },
        _ => Target {
            what: "upgrade head of the 1,000-table initial revision (PostgreSQL): at least 5× faster than Alembic".into(),
            measured: "not measured in this run".into(),
            met: None,
        },
    });
    out
}

/// The edit loop on PostgreSQL: under 1 s at 100 models, under 3 s at 1,000.
fn edit_loop_targets(r: &Results) -> Vec<Target> {
    [(100, 1.0), (1000, 3.0)]
        .into_iter()
        .map(|(n, limit)| {
            let what = format!(
                "edit loop at {n} models (one changed, `aludel check` with the rebuild, PostgreSQL): under {limit} s"
            );
            match step(r, n, Dialect::Postgres, Step::EditLoop, Tool::Aludel) {
                Some((t, _)) => Target {
                    what,
                    measured: secs(t),
                    met: Some(t.as_secs_f64() < limit),
                },
                None => Target {
                    what,
                    measured: "not measured in this run".into(),
                    met: None,
                },
            }
        })
        .collect()
}

/// Upgrade within 5 % of the DDL-as-one-script floor, at every N from 1,000 and backend
/// measured (below, the process's own start, which the in-process floor has not, is more
/// than 5 % of the floor).
fn floor_target(r: &Results) -> Target {
    let worst = r
        .floor
        .iter()
        .filter(|((n, _), _)| *n >= 1000)
        .filter_map(|(&(n, d), floors)| {
            let (up, _) = step(r, n, d, Step::Upgrade, Tool::Aludel)?;
            let floor = median_of(floors).as_secs_f64();
            Some((up.as_secs_f64() / floor - 1.0, n, d))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Target {
        what:
            "upgrade head within 5 % of the DDL-as-one-script floor, every N from 1,000 and backend"
                .into(),
        measured: match worst {
            Some((over, n, d)) => format!("worst {:+.1} % ({d}, N = {n})", over * 100.0),
            None => "not measured in this run".into(),
        },
        met: worst.map(|(over, _, _)| over <= 0.05),
    }
}

/// Every aludel step at most 6× slower at 5,000 tables than at 1,000.
fn linear_target(r: &Results) -> Target {
    let worst = r
        .steps
        .iter()
        .filter(|((n, _, s, t), _)| *n == 5000 && *t == Tool::Aludel && *s != Step::EditLoop)
        .filter_map(|(&(_, d, s, t), v)| {
            let (small, _) = step(r, 1000, d, s, t)?;
            let (big, _) = medians(v);
            Some((big.as_secs_f64() / small.as_secs_f64(), d, s))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Target {
        what: "every step at most 6× from 1,000 to 5,000 tables, every backend".into(),
        measured: match worst {
            Some((x, d, s)) => format!("worst {x:.1}× ({d}, {})", s.title()),
            None => "not measured in this run".into(),
        },
        met: worst.map(|(x, _, _)| x <= 6.0),
    }
}

pub fn markdown(r: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (this whole file; rerun it to refresh). aludel and Alembic\n\
         run side by side in the same run, on the same database servers and the same synthetic\n\
         schemas, so that the ratios hold on a noisy machine. Each step is a separate process,\n\
         timed from start to exit with its peak resident memory; the median of {} runs ({} at\n\
         N >= {}).\n",
        r.reps,
        r.reps_large,
        super::LARGE
    );
    let _ = writeln!(out, "## Machine and versions\n\n| | |\n| --- | --- |");
    for (k, v) in &r.facts {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    let _ = writeln!(
        out,
        "\nThe database servers are the ones the tests use (PostgreSQL and MariaDB on their\n\
         standard local ports, default settings); SQLite is a file under target/bench.\n"
    );
    let _ = writeln!(
        out,
        "## The schema\n\n\
         N tables, generated from a fixed seed in the shape of the Alembic baseline's generator: per\n\
         table an integer identity primary key; eight data columns, one each of varchar(n), text,\n\
         integer, bigint, boolean, timestamp (NOT NULL, default now), numeric(10, 2) and one extra\n\
         of a random kind, about 40 % nullable; for every table but the first a foreign key to an\n\
         earlier table (ON DELETE CASCADE or SET NULL); one unique constraint; one secondary\n\
         index. aludel gets it as `#[derive(aludel::Model)]` structs, Alembic as SQLAlchemy 2\n\
         declarative classes with the same constraint names.\n\n\
         From {} tables on, aludel's initial revision is written in parts of {} operations\n\
         (`revision --autogenerate --split`), so that each PostgreSQL transaction fits a default\n\
         server's lock table (docs/revisions.md); Alembic writes one revision, which PostgreSQL\n\
         cannot run there.\n",
        super::LARGE,
        super::SPLIT_OPS
    );
    let _ = writeln!(
        out,
        "## Targets\n\n| target | measured | met |\n| --- | --- | --- |"
    );
    for t in targets(r) {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            t.what,
            t.measured,
            match t.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "-",
            }
        );
    }
    let _ = writeln!(
        out,
        "\n## End to end\n\n\
         aludel: the project's runner binary, already built (as `aludel` builds it: dependencies optimised),\n\
         run directly. Alembic: the `alembic` command of its virtual environment. Wall time /\n\
         peak RSS; the ratio is Alembic's time over aludel's.\n\n\
         | backend | N | step | aludel | Alembic | ratio |\n| --- | ---: | --- | ---: | ---: | ---: |"
    );
    let mut keys: Vec<(usize, Dialect, Step)> =
        r.steps.keys().map(|(n, d, s, _)| (*n, *d, *s)).collect();
    keys.sort_by_key(|(n, d, s)| (d.name(), *n, *s));
    keys.dedup();
    for (n, d, s) in keys {
        let a = step(r, n, d, s, Tool::Aludel);
        let b = step(r, n, d, s, Tool::Alembic);
        let cell = |x: Option<(Duration, u64)>| {
            x.map(|(t, kb)| format!("{} / {}", secs(t), mib(kb)))
                .unwrap_or_else(|| "-".into())
        };
        let rt = match (a, b) {
            (Some((a, _)), Some((b, _))) => ratio(a, b),
            _ => "-".into(),
        };
        let _ = writeln!(
            out,
            "| {d} | {n} | {} | {} | {} | {rt} |",
            s.title(),
            cell(a),
            cell(b)
        );
    }
    let _ = writeln!(
        out,
        "\n## Upgrade and the database's floor\n\n\
         The DDL of the initial revision (its `upgrade head --sql` script) sent by the bench as one\n\
         batch over one connection: the time the database itself needs for those statements,\n\
         which no migration tool can go below. `upgrade head` adds to it the runner's start, the\n\
         lock, the version table and ledger, and a round trip per batch of statements (a\n\
         revision's statements go together, split only around Rust code and SQLite table\n\
         rebuilds).\n\n\
         | backend | N | DDL as one script | aludel upgrade | Alembic upgrade | aludel over the floor |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut keys: Vec<(usize, Dialect)> = r.floor.keys().copied().collect();
    keys.sort_by_key(|(n, d)| (d.name(), *n));
    for (n, d) in keys {
        let floor = median_of(&r.floor[&(n, d)]);
        let a = step(r, n, d, Step::Upgrade, Tool::Aludel);
        let b = step(r, n, d, Step::Upgrade, Tool::Alembic);
        let cell =
            |x: Option<(Duration, u64)>| x.map(|(t, _)| secs(t)).unwrap_or_else(|| "-".into());
        let over = a
            .map(|(t, _)| format!("+{}", secs(t.saturating_sub(floor))))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "| {d} | {n} | {} | {} | {} | {over} |",
            secs(floor),
            cell(a),
            cell(b)
        );
    }
    let _ = writeln!(
        out,
        "\n## In process\n\n\
         Measured inside the bench (release build): reading the catalog of the matching database\n\
         (`Database::introspect`, with the number of catalog queries it ran), the diff of the\n\
         models against an empty schema plus rendering every statement (what `upgrade` and\n\
         `--sql` do), the no-op diff of the models against themselves, and writing the initial\n\
         revision's Rust file from the diff (what `revision --autogenerate` does after the diff).\n\n\
         | backend | N | introspection | catalog queries | diff + render from empty | no-op diff | revision file |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut keys: Vec<(usize, Dialect)> = r.diff.keys().copied().collect();
    keys.sort_by_key(|(n, d)| (d.name(), *n));
    for (n, d) in keys {
        let (full, noop, file) = &r.diff[&(n, d)];
        let (intro, q) = r
            .introspect
            .get(&(n, d))
            .map(|(t, q)| (secs(median_of(t)), q.to_string()))
            .unwrap_or_else(|| ("-".into(), "-".into()));
        let _ = writeln!(
            out,
            "| {d} | {n} | {intro} | {q} | {} | {} | {} |",
            secs(median_of(full)),
            secs(median_of(noop)),
            secs(median_of(file))
        );
    }
    let _ = writeln!(
        out,
        "\n## Building the runner\n\n\
         The runner crate compiles the models and the revisions together; `aludel` rebuilds it when\n\
         either changes. As `aludel` builds it (the project's crates unoptimised), dependencies already built.\n\n\
         The last column: the models `aludel inspect` wrote for the N-table database in place\n\
         of the generator's, the build that follows adopting a database.\n\n\
         | N | models only | with the N-table initial revision | inspected models |\n| ---: | ---: | ---: | ---: |"
    );
    for (n, (models, initial)) in &r.builds {
        let inspected = r.inspected_builds.get(n).map(|d| secs(*d));
        let _ = writeln!(
            out,
            "| {n} | {} | {} | {} |",
            secs(*models),
            secs(*initial),
            inspected.unwrap_or_else(|| "-".into())
        );
    }
    let _ = writeln!(
        out,
        "\n## Where the no-op autogenerate's time goes\n\n\
         The end-to-end time of the no-op autogenerate against the parts measured in process:\n\
         reading the catalog and the diff. The rest is the process: start, connection, the\n\
         models' registration, the version-table check.\n\n\
         | backend | N | no-op autogenerate | introspection | no-op diff | the rest |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut keys: Vec<(usize, Dialect)> = r.introspect.keys().copied().collect();
    keys.sort_by_key(|(n, d)| (d.name(), *n));
    for (n, d) in keys {
        let (Some((total, _)), Some((intro, _)), Some((_, noop, _))) = (
            step(r, n, d, Step::AutogenNoop, Tool::Aludel),
            r.introspect.get(&(n, d)),
            r.diff.get(&(n, d)),
        ) else {
            continue;
        };
        let (intro, noop) = (median_of(intro), median_of(noop));
        let _ = writeln!(
            out,
            "| {d} | {n} | {} | {} | {} | {} |",
            secs(total),
            secs(intro),
            secs(noop),
            secs(total.saturating_sub(intro + noop))
        );
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\n## Notes from this run\n");
        for n in &r.notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    out
}

/// A few lines for the terminal.
pub fn summary(r: &Results) -> String {
    let mut out = String::new();
    for t in targets(r) {
        let _ = writeln!(
            out,
            "{} {}: {}",
            match t.met {
                Some(true) => "met   ",
                Some(false) => "MISSED",
                None => "n/a   ",
            },
            t.what,
            t.measured
        );
    }
    out
}
