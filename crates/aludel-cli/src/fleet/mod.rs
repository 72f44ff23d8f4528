//! One command over many targets (`--target`, `--all`): `--jobs` targets at a time,
//! each on a connection of its own (or, for the schemas of one PostgreSQL database, a
//! session no other target is using), under its own migration lock and in its own
//! transactions. A target that fails does not stop the others (unless `--fail-fast`,
//! or a `--canary` target); every failure is reported with its error at the end, and the
//! exit code says whether any target failed.

pub(crate) mod commands;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use aludel_introspect::Database;
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use crate::targets::Target;

/// What one target's command came to.
pub(crate) struct Outcome {
    /// What the summary counts it as: "upgraded", "already there", "with changes" ...
    pub label: &'static str,
    /// One line about the target.
    pub text: String,
    /// Makes the exit code a failure without being an error (`check` found changes).
    pub flagged: bool,
    /// The target ran revisions, whose own SQL may have left state in its session.
    pub ran_revisions: bool,
}

impl Outcome {
    /// A target only read.
    pub(crate) fn new(label: &'static str, text: String) -> Outcome {
        Outcome {
            label,
            text,
            flagged: false,
            ran_revisions: false,
        }
    }

    /// A target that ran revisions.
    pub(crate) fn ran(label: &'static str, text: String) -> Outcome {
        Outcome {
            ran_revisions: true,
            ..Outcome::new(label, text)
        }
    }
}

/// Whether a target's command may have left state in its session (settings, locks,
/// temporary tables a revision's own SQL made): a session that serves another target
/// next is reset first.
pub(crate) trait Session {
    fn ran_revisions(&self) -> bool;
}

impl Session for Outcome {
    fn ran_revisions(&self) -> bool {
        self.ran_revisions
    }
}

/// A target's end: its outcome, its error (each cause on a line), or skipped.
pub(crate) struct Finished<T> {
    pub target: Target,
    pub result: Result<T, String>,
    pub skipped: bool,
    pub elapsed: Duration,
}

/// How a fleet run goes.
pub(crate) struct Fleet {
    pub jobs: usize,
    pub fail_fast: bool,
    pub canary: Option<usize>,
    /// Print a line per target as it finishes (else the caller reports at the end).
    pub stream: bool,
    /// Where the targets' connections come from: [`Connections::with`].
    pub connections: Connections,
}

impl Fleet {
    /// Runs `f` on every target: the canaries first (every one of them), then, unless one
    /// failed, the rest. With `fail_fast`, no target starts after a failure. The results
    /// come back in the targets' order.
    pub(crate) async fn run<T, F, Fut>(&self, targets: Vec<Target>, f: F) -> Vec<Finished<T>>
    where
        F: Fn(Target) -> Fut,
        Fut: Future<Output = anyhow::Result<T>>,
        T: Describe,
    {
        let total = targets.len();
        let progress = RefCell::new(Bar::new(total, self.stream));
        let stop = Cell::new(false);
        let canaries = self.canary.unwrap_or(0).min(total);
        let mut targets = targets;
        let rest = targets.split_off(canaries);
        let mut out = self.batch(targets, &f, &stop, &progress).await;
        // A failed canary stops the run, whether or not --fail-fast is given.
        if out.iter().any(|f| f.result.is_err()) && canaries > 0 {
            stop.set(true);
        }
        out.extend(self.batch(rest, &f, &stop, &progress).await);
        progress.borrow_mut().finish();
        self.connections.close().await;
        out
    }

    /// [`Fleet::run`] with `f` given each target's session ([`Connections::with`]).
    pub(crate) async fn each<T: Describe + Session>(
        &self,
        targets: Vec<Target>,
        f: impl AsyncFn(&mut Database) -> anyhow::Result<T>,
    ) -> Vec<Finished<T>> {
        let f = &f;
        self.run(targets, |t| async move {
            self.connections.with(&t, async |db| f(db).await).await
        })
        .await
    }

    async fn batch<T, F, Fut>(
        &self,
        targets: Vec<Target>,
        f: &F,
        stop: &Cell<bool>,
        progress: &RefCell<Bar>,
    ) -> Vec<Finished<T>>
    where
        F: Fn(Target) -> Fut,
        Fut: Future<Output = anyhow::Result<T>>,
        T: Describe,
    {
        let mut done: Vec<(usize, Finished<T>)> =
            futures_util::stream::iter(targets.into_iter().enumerate())
                .map(|(i, target)| async move {
                    if stop.get() {
                        return (i, skipped(target));
                    }
                    progress.borrow_mut().started();
                    let start = Instant::now();
                    let result = f(target.clone()).await.map_err(|e| error_text(&e));
                    if result.is_err() && self.fail_fast {
                        stop.set(true);
                    }
                    let finished = Finished {
                        target,
                        result,
                        skipped: false,
                        elapsed: start.elapsed(),
                    };
                    progress.borrow_mut().finished(&finished);
                    (i, finished)
                })
                .buffer_unordered(self.jobs.max(1))
                .collect()
                .await;
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, f)| f).collect()
    }
}

fn skipped<T>(target: Target) -> Finished<T> {
    Finished {
        target,
        result: Err("not started: an earlier target failed".into()),
        skipped: true,
        elapsed: Duration::ZERO,
    }
}

/// An error and its causes, each once, one per line.
pub(crate) fn error_text(e: &anyhow::Error) -> String {
    crate::causes(e).join("\n  caused by: ")
}

/// What a target's result says in one line.
pub(crate) trait Describe {
    fn line(&self) -> String;
}

impl Describe for Outcome {
    fn line(&self) -> String {
        self.text.clone()
    }
}

/// The fleet's progress: a bar on a terminal (with the counts of targets done, failed
/// and running), else plain lines.
struct Bar {
    bar: Option<ProgressBar>,
    stream: bool,
    total: usize,
    done: usize,
    failed: usize,
    running: usize,
}

impl Bar {
    fn new(total: usize, stream: bool) -> Bar {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} targets, {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Bar {
            bar,
            stream,
            total,
            done: 0,
            failed: 0,
            running: 0,
        }
    }

    fn started(&mut self) {
        self.running += 1;
        self.show();
    }

    fn finished<T: Describe>(&mut self, f: &Finished<T>) {
        self.running -= 1;
        self.done += 1;
        let what = match &f.result {
            Ok(o) => o.line(),
            Err(e) => {
                self.failed += 1;
                format!("FAILED: {}", e.lines().next().unwrap_or_default())
            }
        };
        if self.stream {
            let line = format!(
                "[{}/{}] {}: {what} ({:.2} s)",
                self.done,
                self.total,
                f.target.name,
                f.elapsed.as_secs_f64()
            );
            match &self.bar {
                Some(bar) => bar.suspend(|| println!("{line}")),
                None => println!("{line}"),
            }
        }
        self.show();
    }

    fn show(&self) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.done as u64);
            bar.set_message(format!("{} failed, {} running", self.failed, self.running));
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Prints the summary line (standard output) and every failure with its error (standard
/// error); the exit code is a failure when a target failed or was flagged.
pub(crate) fn report(finished: &[Finished<Outcome>], elapsed: Duration) -> ExitCode {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut count = |label: &'static str| match counts.iter_mut().find(|(l, _)| *l == label) {
        Some((_, n)) => *n += 1,
        None => counts.push((label, 1)),
    };
    let mut flagged = false;
    for f in finished {
        match &f.result {
            Ok(o) => {
                count(o.label);
                flagged |= o.flagged;
            }
            Err(_) if f.skipped => count("not started"),
            Err(_) => count("failed"),
        }
    }
    let failures: Vec<&Finished<Outcome>> = finished
        .iter()
        .filter(|f| f.result.is_err() && !f.skipped)
        .collect();
    if !failures.is_empty() {
        eprintln!("{} failed:", plural(failures.len(), "target"));
        for f in &failures {
            if let Err(e) = &f.result {
                eprintln!("  {}: {e}", f.target.name);
            }
        }
    }
    // A stable order: outcomes by name, then the failures.
    counts.sort_by_key(|(label, _)| (matches!(*label, "failed" | "not started"), *label));
    let parts: Vec<String> = counts.iter().map(|(l, n)| format!("{n} {l}")).collect();
    println!(
        "{}: {} ({:.1} s)",
        plural(finished.len(), "target"),
        parts.join(", "),
        elapsed.as_secs_f64()
    );
    let skipped = finished.iter().filter(|f| f.skipped).count();
    if skipped > 0 {
        eprintln!(
            "{} not started after the failure; run the command again to go on",
            plural(skipped, "target")
        );
    }
    if failures.is_empty() && !flagged {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The connections of a fleet run. A target of a PostgreSQL schema-per-tenant group
/// leaves its session to the next target of the same database (its search path set
/// anew, and what the target's revisions may have set reset first): a session whose
/// catalog caches are warm reads a tenant's catalog about five times faster than a new
/// one (measured at 500 schemas: 14 ms against 68 ms). Other targets, and a target that
/// failed, close theirs.
#[derive(Default)]
pub(crate) struct Connections {
    /// Sessions by URL, each with whether the last target ran revisions through it.
    idle: RefCell<HashMap<String, Vec<(Database, bool)>>>,
}

impl Connections {
    /// Runs `f` on a connection to `target`, in its schema for schema-per-tenant.
    pub(crate) async fn with<T: Session>(
        &self,
        target: &Target,
        f: impl AsyncFnOnce(&mut Database) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let idle = match &target.schema {
            Some(_) => self
                .idle
                .borrow_mut()
                .get_mut(&target.url)
                .and_then(Vec::pop),
            None => None,
        };
        let reused = match (idle, &target.schema) {
            (Some((mut db, dirty)), Some(schema)) => match db.set_schema(schema, dirty).await {
                Ok(()) => Some(db),
                // A session the server ended, or a schema it cannot enter: a new
                // connection says which.
                Err(_) => {
                    db.close().await;
                    None
                }
            },
            _ => None,
        };
        let mut db = match reused {
            Some(db) => db,
            None => Database::connect_in(&target.url, target.schema.as_deref()).await?,
        };
        let result = f(&mut db).await;
        match &result {
            Ok(out) if target.schema.is_some() => {
                let mut idle = self.idle.borrow_mut();
                let sessions = idle.entry(target.url.clone()).or_default();
                sessions.push((db, out.ran_revisions()));
            }
            _ => db.close().await,
        }
        result
    }

    /// Closes the connections kept for later targets.
    async fn close(&self) {
        let idle = std::mem::take(&mut *self.idle.borrow_mut());
        for (db, _) in idle.into_values().flatten() {
            db.close().await;
        }
    }
}
