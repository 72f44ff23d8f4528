//! Running revisions against a database: the lock, the version table and the ledger,
//! transactions, and the checks that come before any DDL.
//!
//! A run takes the migration lock, then, in a loop: reads the heads and the ledger,
//! refuses partially applied (MySQL) or edited revisions, plans against the live schema,
//! and runs the steps. Each step re-reads the version table inside its transaction (or
//! under the lock): if another runner moved it, the step is rolled back and the run
//! plans again, so every revision is applied exactly once.

use aludel_introspect::{Database, IntrospectOptions};
use aludel_schema::lex::{Rules, single_statement};
use aludel_schema::{Dialect, Operation, TableName};
use aludel_sql::quote_literal;

use crate::error::{Error, Result};
use crate::ledger::{self, Ledger, Status, current_heads};
use crate::lock;
use crate::{Graph, Item, Step};
use aludel_plan::{Direction, RunnerOptions, TransactionMode, VersionTable, check_current, plan};

/// What a run reports as it goes.
pub trait Progress {
    /// Another runner holds the lock; this one waits.
    fn waiting(&mut self, _holder: &str) {}
    /// The steps about to run.
    fn planned(&mut self, _steps: &[Step<'_>]) {}
    /// A step starts.
    fn step(&mut self, _step: &Step<'_>) {}
    /// A step committed.
    fn done(&mut self, _step: &Step<'_>) {}
}

/// A [`Progress`] that reports nothing.
pub struct Quiet;

impl Progress for Quiet {}

/// Creates the version table and the ledger, or checks that the tables of those names
/// are aludel's.
pub async fn ensure_tables(db: &mut Database, version_table: &str) -> Result<()> {
    let d = db.dialect();
    let vt = VersionTable {
        name: version_table,
        dialect: d,
    };
    let ledger = Ledger::new(version_table, d);
    for (name, want, create) in [
        (version_table.to_string(), &["version_num"][..], vt.create()),
        (
            ledger.name.clone(),
            &[
                "id", "revision", "action", "status", "checksum", "message", "at",
            ][..],
            ledger.create(),
        ),
    ] {
        let cols = columns_of(db, &name).await?;
        if cols.is_empty() {
            db.execute(&create).await?;
            continue;
        }
        let mut have: Vec<&str> = cols.iter().map(String::as_str).collect();
        have.sort_unstable();
        let mut wanted = want.to_vec();
        wanted.sort_unstable();
        if have != wanted {
            return Err(Error::ForeignTable {
                table: name,
                columns: cols,
            });
        }
    }
    Ok(())
}

async fn columns_of(db: &mut Database, table: &str) -> Result<Vec<String>> {
    let lit = quote_literal(db.dialect(), table);
    let sql = db.dialect().backend().columns_query(&lit);
    Ok(db.query_column(&sql).await?.into_iter().flatten().collect())
}

/// Everything that must hold before a run touches the schema: the heads are known
/// revisions, no revision is half-applied, no applied revision was edited.
pub async fn preflight(
    db: &mut Database,
    graph: &Graph<'_>,
    opts: &RunnerOptions,
) -> Result<Vec<String>> {
    let current = current_heads(db, &opts.version_table).await?;
    let ledger = Ledger::new(&opts.version_table, db.dialect());
    let entries = ledger::entries(db, &ledger).await?;
    ready(graph, &current, &entries)?;
    Ok(current)
}

/// The preflight's checks of a database at `current` with the ledger `entries`.
fn ready(graph: &Graph<'_>, current: &[String], entries: &[ledger::Entry]) -> Result<()> {
    check_current(graph, current)?;
    let partial = ledger::partial(entries);
    if !partial.is_empty() {
        return Err(Error::PartialRevisions(partial));
    }
    let applied: Vec<&str> = graph.applied(current).iter().map(|d| d.meta.id).collect();
    let edited = ledger::edited(graph, &applied, entries);
    if !edited.is_empty() {
        return Err(Error::Edited(
            edited
                .into_iter()
                .map(|(id, f)| (id, f.to_string()))
                .collect(),
        ));
    }
    Ok(())
}

/// Revisions the ledger says are applied that no file defines (after a squash, or a
/// file deleted by mistake).
pub async fn missing_revisions(
    db: &mut Database,
    graph: &Graph<'_>,
    version_table: &str,
) -> Result<Vec<String>> {
    let ledger = Ledger::new(version_table, db.dialect());
    if columns_of(db, &ledger.name).await?.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ledger::missing_from_code(
        graph,
        &ledger::entries(db, &ledger).await?,
    ))
}

/// Whether the database is already where `spec` leads, asked in one round trip: its
/// version table (the current schema's) holds exactly the revisions `spec` names, and
/// its ledger passes the checks a run makes first (no revision stopped part-way, no
/// applied revision edited). `None` for a spec that depends on where the database is
/// (`+1`, `head-2`). Tables that are not there, or checks that fail, answer no: a full
/// run, under the lock, finds out what it is (and refuses with the reason).
pub async fn already_at(
    db: &mut Database,
    graph: &Graph<'_>,
    spec: &str,
    version_table: &str,
) -> Result<Option<bool>> {
    if spec.contains(['+', '-']) {
        return Ok(None);
    }
    let mut wanted: Vec<&str> = graph.resolve_heads(spec)?;
    wanted.sort_unstable();
    let d = db.dialect();
    let vt = VersionTable {
        name: version_table,
        dialect: d,
    };
    let ledger = Ledger::new(version_table, d);
    let schema = db.schema().map(str::to_string);
    // Whether the version table is the current schema's (on PostgreSQL, a table of that
    // name elsewhere on the search path would answer the unqualified read), then the
    // two tables.
    let queries = [
        vt.exists_query(),
        vt.select_in(schema.as_deref()),
        ledger.entries_query_in(schema.as_deref()),
    ];
    let Ok(results) = db
        .query_batch(&queries.each_ref().map(String::as_str))
        .await
    else {
        return Ok(Some(false));
    };
    let Ok([exists, heads, rows]) = <[_; 3]>::try_from(results) else {
        return Ok(Some(false));
    };
    if exists.is_empty() {
        return Ok(Some(false));
    }
    let mut current: Vec<String> = heads.into_iter().flatten().flatten().collect();
    current.sort_unstable();
    if current != wanted {
        return Ok(Some(false));
    }
    let Ok(entries) = Ledger::entries(rows) else {
        return Ok(Some(false));
    };
    Ok(Some(ready(graph, &current, &entries).is_ok()))
}

/// What a database's ledger says needs a person.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LedgerReport {
    /// Revisions that started and did not finish (MySQL): `id (action started at)`.
    pub partial: Vec<String>,
    /// Applied revisions whose operations changed since: `id (file)`.
    pub edited: Vec<String>,
    /// Revisions the ledger says are applied that no file defines.
    pub missing: Vec<String>,
}

/// Reads the ledger of a database at `current` (nothing when it has none yet).
pub async fn ledger_report(
    db: &mut Database,
    graph: &Graph<'_>,
    current: &[String],
    version_table: &str,
) -> Result<LedgerReport> {
    let ledger = Ledger::new(version_table, db.dialect());
    if columns_of(db, &ledger.name).await?.is_empty() {
        return Ok(LedgerReport::default());
    }
    let entries = ledger::entries(db, &ledger).await?;
    let applied: Vec<&str> = if check_current(graph, current).is_ok() {
        graph.applied(current).iter().map(|d| d.meta.id).collect()
    } else {
        Vec::new()
    };
    Ok(LedgerReport {
        partial: ledger::partial(&entries)
            .into_iter()
            .map(|p| format!("{} ({} started {})", p.revision, p.action, p.at))
            .collect(),
        edited: ledger::edited(graph, &applied, &entries)
            .into_iter()
            .map(|(id, file)| format!("{id} ({file})"))
            .collect(),
        missing: ledger::missing_from_code(graph, &entries),
    })
}

enum Outcome {
    Done,
    /// The version table moved under us: plan again.
    Replan,
}

/// Upgrades or downgrades the database to `target`. Returns the number of revisions run.
pub async fn migrate(
    db: &mut Database,
    graph: &Graph<'_>,
    target: &str,
    direction: Direction,
    opts: &RunnerOptions,
    introspect: &IntrospectOptions,
    progress: &mut dyn Progress,
) -> Result<usize> {
    let lock = lock::acquire(db, &opts.version_table, opts.lock_timeout, &mut |holder| {
        progress.waiting(holder)
    })
    .await?;
    let backend = db.dialect().backend();
    // SQLite: table rebuilds drop tables; with enforcement on, that would cascade.
    for s in backend.run_prologue() {
        db.execute(s).await?;
    }
    let result = migrate_locked(db, graph, target, direction, opts, introspect, progress).await;
    if result.is_err() {
        // An error between BEGIN and COMMIT leaves the transaction open; on PostgreSQL an
        // aborted one would also refuse the unlock below and keep the lock.
        let _ = db.execute("ROLLBACK").await;
    }
    for s in backend.run_epilogue() {
        let _ = db.execute(s).await;
    }
    let released = lock::release(db, lock).await;
    let n = result?;
    released?;
    Ok(n)
}

async fn migrate_locked(
    db: &mut Database,
    graph: &Graph<'_>,
    target: &str,
    direction: Direction,
    opts: &RunnerOptions,
    introspect: &IntrospectOptions,
    progress: &mut dyn Progress,
) -> Result<usize> {
    let d = db.dialect();
    if d == Dialect::Sqlite {
        // The tables are created under SQLite's write lock.
        db.execute("BEGIN IMMEDIATE").await.map_err(busy)?;
        let made = ensure_tables(db, &opts.version_table).await;
        db.execute(if made.is_ok() { "COMMIT" } else { "ROLLBACK" })
            .await?;
        made?;
    } else {
        ensure_tables(db, &opts.version_table).await?;
    }
    let vt = VersionTable {
        name: &opts.version_table,
        dialect: d,
    };
    let ledger = Ledger::new(&opts.version_table, d);
    let transactional = d.transactional_ddl();
    let whole_run = transactional && opts.transaction_mode == TransactionMode::All;
    // Revisions this run committed, across plans (another runner may move the version
    // table between two revisions; then the rest is planned again).
    let mut ran = 0;
    for _ in 0..100 {
        let current = preflight(db, graph, opts).await?;
        let live = db.introspect(introspect).await?;
        let steps = plan(graph, d, &current, target, direction, Some(live))?;
        if steps.is_empty() {
            return Ok(ran);
        }
        if direction == Direction::Downgrade {
            let reverting: Vec<&str> = steps.iter().map(|s| s.revision.meta.id).collect();
            let edited =
                ledger::downgrade_edited(graph, &reverting, &ledger::entries(db, &ledger).await?);
            if !edited.is_empty() {
                return Err(Error::EditedDowngrade(
                    edited
                        .into_iter()
                        .map(|(id, f)| (id, f.to_string()))
                        .collect(),
                ));
            }
        }
        if whole_run && let Some(s) = steps.iter().find(|s| !s.transactional) {
            return Err(Error::OutsideTransaction {
                id: s.revision.meta.id.to_string(),
                file: s.revision.file.to_string(),
            });
        }
        check_locks(db, &steps, whole_run).await?;
        progress.planned(&steps);
        if whole_run {
            db.execute(d.begin()).await.map_err(busy)?;
        }
        let mut replan = false;
        let mut done = 0;
        for step in &steps {
            let own = !whole_run;
            match run_step(db, step, &vt, &ledger, own, progress).await? {
                Outcome::Done => {
                    progress.done(step);
                    done += 1;
                }
                Outcome::Replan => {
                    replan = true;
                    break;
                }
            }
        }
        if whole_run {
            db.execute(if replan { "ROLLBACK" } else { "COMMIT" })
                .await?;
            if replan {
                done = 0;
            }
        }
        ran += done;
        if !replan {
            return Ok(ran);
        }
    }
    Err(aludel_plan::Error::Ledger(
        "the version table kept changing under this run; run it again".into(),
    )
    .into())
}

/// Below this many locks the server is not asked (the default max_locks_per_transaction,
/// which a single transaction can always have): a heuristic that spares small revisions
/// a query.
const LOCKS_NOT_ASKED: usize = 64;

/// Refuses, before anything runs, a transaction that would take more locks than the
/// server's lock table holds (each revision's, or the whole run's with
/// transaction_mode = "all"). A server that does not answer is not held to it.
async fn check_locks(db: &mut Database, steps: &[Step<'_>], whole_run: bool) -> Result<()> {
    let transactional: Vec<&Step<'_>> = steps.iter().filter(|s| s.transactional).collect();
    let needed = if whole_run {
        transactional.iter().map(|s| s.locks).sum()
    } else {
        transactional.iter().map(|s| s.locks).max().unwrap_or(0)
    };
    let Some(query) = db.dialect().backend().lock_capacity_query() else {
        return Ok(());
    };
    if needed <= LOCKS_NOT_ASKED {
        return Ok(());
    }
    let Ok(rows) = db.query_rows(query).await else {
        return Ok(());
    };
    let number = |i: usize| -> Option<usize> { rows.first()?.get(i)?.as_deref()?.parse().ok() };
    let (Some(capacity), Some(slots)) = (number(0), number(1)) else {
        return Ok(());
    };
    if needed <= capacity {
        return Ok(());
    }
    let at_least = (needed + needed / 5).div_ceil(slots.max(1));
    let raise = format!(
        "raise max_locks_per_transaction to at least {at_least} in postgresql.conf and restart the server"
    );
    let (subject, remedy) = if whole_run {
        (
            format!(
                "the run of {} revisions (transaction_mode = \"all\")",
                transactional.len()
            ),
            format!(
                "Set transaction_mode = \"revision\" in aludel.toml, so that each revision takes its own locks, or {raise}."
            ),
        )
    } else {
        let Some(step) = transactional.iter().find(|s| s.locks == needed) else {
            return Ok(());
        };
        let subject = format!(
            "revision {} ({})",
            step.revision.meta.id, step.revision.file
        );
        let remedy = match step.direction {
            Direction::Downgrade => format!("A downgrade cannot be split: {raise}."),
            Direction::Upgrade => {
                let parts = (step.operations * capacity * 4 / 5 / needed).max(1);
                format!(
                    "Either {raise}, or, if no database has run this revision yet and it was autogenerated, \
                     delete it and write it again in parts: `aludel revision --autogenerate --split {parts} -m ...` \
                     (each part in its own transaction)."
                )
            }
        };
        (subject, remedy)
    };
    Err(Error::TooManyLocks {
        subject,
        needed,
        capacity,
        slots,
        remedy,
    })
}

/// Commits the open transaction after `result`, or rolls it back.
async fn finish(db: &mut Database, result: Result<()>) -> Result<()> {
    match result {
        Ok(()) => {
            db.execute("COMMIT").await?;
            Ok(())
        }
        Err(e) => {
            let _ = db.execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// SQLite's "database is locked" after the busy timeout: another runner holds it.
fn busy(e: aludel_introspect::Error) -> Error {
    let text = e.to_string().to_ascii_lowercase();
    if text.contains("database is locked") || text.contains("busy") {
        Error::Busy(e)
    } else {
        Error::Db(e)
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn run_step(
    db: &mut Database,
    step: &Step<'_>,
    vt: &VersionTable<'_>,
    ledger: &Ledger<'_>,
    own_transaction: bool,
    progress: &mut dyn Progress,
) -> Result<Outcome> {
    let d = db.dialect();
    let transactional = step.transactional;
    let id = step.revision.meta.id.to_string();
    if own_transaction {
        db.execute(d.begin()).await.map_err(busy)?;
    }
    // Under the lock (or in the transaction): has another runner moved the version?
    let now = current_heads(db, vt.name).await?;
    if now != sorted(step.heads_before.clone()) {
        if own_transaction {
            let _ = db.execute("ROLLBACK").await;
        }
        return Ok(Outcome::Replan);
    }
    // Said only now: a runner that waited and finds the revision applied runs nothing.
    progress.step(step);
    let (action, done) = match step.direction {
        Direction::Upgrade => ("upgrade", Status::Applied),
        Direction::Downgrade => ("downgrade", Status::Reverted),
    };
    let message = step.revision.meta.message;
    let mut running = None;
    if !transactional {
        // MySQL commits DDL as it goes, and CONCURRENTLY runs outside a transaction: say
        // so before it starts; what ran is known statement by statement (`run_items`).
        db.execute(&ledger.insert(&id, action, Status::Running, &step.checksum, message))
            .await?;
        running = Some(ledger::last_id(db, ledger).await?);
        db.execute("COMMIT").await?;
    }
    run_items(db, step, ledger, running).await?;
    if !transactional {
        // The version change and the ledger row commit together.
        db.execute(d.begin()).await?;
    }
    for sql in vt.update(&step.heads_before, &step.heads_after) {
        db.execute(&sql).await?;
    }
    match running {
        Some(row) => db.execute(&ledger.set_status(row, done)).await?,
        None => {
            db.execute(&ledger.insert(&id, action, done, &step.checksum, message))
                .await?
        }
    };
    if let Some(check) = d.backend().before_commit_check() {
        let violations: Vec<String> = db
            .query_column(check)
            .await?
            .into_iter()
            .flatten()
            .collect();
        if !violations.is_empty() {
            let _ = db.execute("ROLLBACK").await;
            let mut tables = violations.clone();
            tables.sort();
            tables.dedup();
            return Err(Error::ForeignKeyViolation {
                id,
                detail: format!("{} rows in {}", violations.len(), tables.join(", ")),
            });
        }
    }
    if own_transaction {
        db.execute("COMMIT").await?;
    }
    Ok(Outcome::Done)
}

/// Runs a step's statements and code in order, consecutive single statements in one round
/// trip (`Database::execute_batch`). On failure: a transactional step is rolled back;
/// otherwise, when nothing of it ran, its `running` ledger row goes and it counts as
/// rolled back, else it is partially applied.
async fn run_items(
    db: &mut Database,
    step: &Step<'_>,
    ledger: &Ledger<'_>,
    running: Option<i64>,
) -> Result<()> {
    let d = db.dialect();
    let rules = Rules::of(d);
    let batching = step.transactional || !d.backend().batch_is_a_transaction();
    let mut batch: Vec<(usize, &str)> = Vec::new();
    let mut bytes = 0;
    for (n, item) in step.items.iter().enumerate() {
        // A table rebuild's first statement waits for the batch before it: what the
        // rebuild would lose is looked at after what comes before it has run.
        let single = match item {
            Item::Sql(sql) if batching && aludel_sql::sqlite_rebuild_of(sql).is_none() => {
                batchable(sql, rules)
            }
            _ => None,
        };
        if let Some(sql) = single {
            if bytes + sql.len() > BATCH_BYTES {
                if let Err((n, err)) = flush(db, &mut batch).await {
                    return Err(failed(db, step, ledger, running, n, err).await);
                }
                bytes = 0;
            }
            bytes += sql.len() + 3;
            batch.push((n, sql));
            continue;
        }
        bytes = 0;
        if let Err((n, err)) = flush(db, &mut batch).await {
            return Err(failed(db, step, ledger, running, n, err).await);
        }
        if let Some(err) = run_item(db, step, item).await {
            return Err(failed(db, step, ledger, running, n, err).await);
        }
    }
    if let Err((n, err)) = flush(db, &mut batch).await {
        return Err(failed(db, step, ledger, running, n, err).await);
    }
    Ok(())
}

/// The most SQL text one batch holds: far under any server's packet limit (MySQL's
/// `max_allowed_packet` is 4 MiB at its smallest default).
const BATCH_BYTES: usize = 1 << 20;

/// The statements a batch may hold: plain DDL and DML, one result each on every server
/// (`CALL` can return several).
const BATCHED: &[&str] = &[
    "CREATE", "ALTER", "DROP", "COMMENT", "INSERT", "UPDATE", "DELETE",
];

/// `sql` as a statement that can go in a batch, without its `;`.
fn batchable(sql: &str, rules: Rules) -> Option<&str> {
    let s = single_statement(sql, rules)?;
    let first = s
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()?;
    BATCHED
        .iter()
        .any(|k| k.eq_ignore_ascii_case(first))
        .then_some(s)
}

/// Runs the statements gathered so far in one round trip; on failure, the item that
/// failed.
async fn flush(
    db: &mut Database,
    batch: &mut Vec<(usize, &str)>,
) -> std::result::Result<(), (usize, Error)> {
    let statements: Vec<&str> = batch.iter().map(|(_, s)| *s).collect();
    let result = db
        .execute_batch(&statements)
        .await
        .map_err(|(i, e)| (batch[i].0, Error::from(e)));
    batch.clear();
    result
}

/// Runs one item alone: code, or SQL that is not one plain statement.
async fn run_item(db: &mut Database, step: &Step<'_>, item: &Item) -> Option<Error> {
    match item {
        Item::Sql(sql) => match rebuild_losses(db, sql).await {
            Ok(()) => db.execute(sql).await.err().map(Error::from),
            Err(e) => Some(e),
        },
        Item::Code { name, code } => code(db).await.err().map(|e| Error::Code {
            id: step.revision.meta.id.to_string(),
            name: name.clone(),
            message: e.to_string(),
        }),
    }
}

/// The error of a step whose item `n` failed, after undoing what can be undone.
async fn failed(
    db: &mut Database,
    step: &Step<'_>,
    ledger: &Ledger<'_>,
    running: Option<i64>,
    n: usize,
    err: Error,
) -> Error {
    let id = step.revision.meta.id.to_string();
    let source = Box::new(err);
    if step.transactional {
        let _ = db.execute("ROLLBACK").await;
        return Error::RolledBack { id, source };
    }
    if n == 0
        && matches!(step.items[0], Item::Sql(_))
        && let Some(row) = running
    {
        // Nothing of it ran (a failed statement changes nothing; Rust code may have
        // committed writes before it failed): no partial state to resolve.
        let _ = db.execute(&ledger.delete(row)).await;
        return Error::RolledBack { id, source };
    }
    Error::PartiallyApplied {
        id,
        why: db.dialect().backend().partial_reason(),
        source,
    }
}

/// Refuses the first statement of a table rebuild (SQLite's way to make most changes)
/// when copying the table would lose what the models do not describe, looked at now:
/// statements before it in the revision may have dropped those things on purpose.
async fn rebuild_losses(db: &mut Database, sql: &str) -> Result<()> {
    let Some(table) = aludel_sql::sqlite_rebuild_of(sql) else {
        return Ok(());
    };
    let d = db.dialect();
    let Some(query) = d.backend().rebuild_losses_query(&quote_literal(d, &table)) else {
        return Ok(());
    };
    let lost: Vec<String> = db
        .query_column(&query)
        .await?
        .into_iter()
        .flatten()
        .collect();
    if lost.is_empty() {
        return Ok(());
    }
    Err(Error::RebuildWouldLose { table, lost })
}

/// Runs statements as the runner runs a revision: in one transaction where DDL is
/// transactional, with SQLite's foreign-key enforcement off around it and
/// `PRAGMA foreign_key_check` before the commit. `label` names the unit in errors.
pub async fn execute_statements(
    db: &mut Database,
    label: &str,
    statements: &[String],
) -> Result<()> {
    let d = db.dialect();
    let backend = d.backend();
    let transactional = d.transactional_ddl();
    for s in backend.run_prologue() {
        db.execute(s).await?;
    }
    let result = async {
        if transactional {
            db.execute(d.begin()).await?;
        }
        for sql in statements {
            if let Err(e) = db.execute(sql).await {
                if transactional {
                    let _ = db.execute("ROLLBACK").await;
                }
                return Err(Error::RolledBack {
                    id: label.to_string(),
                    source: Box::new(Error::Db(e)),
                });
            }
        }
        if let Some(check) = backend.before_commit_check() {
            let violations = db.query_column(check).await?;
            if !violations.is_empty() {
                let _ = db.execute("ROLLBACK").await;
                return Err(Error::ForeignKeyViolation {
                    id: label.to_string(),
                    detail: format!("{} rows", violations.len()),
                });
            }
        }
        if transactional {
            db.execute("COMMIT").await?;
        }
        Ok(())
    }
    .await;
    for s in backend.run_epilogue() {
        db.execute(s).await?;
    }
    result
}

/// Sets the version table to `heads` without running anything, and says so in the
/// ledger.
pub async fn stamp(
    db: &mut Database,
    graph: &Graph<'_>,
    heads: &[String],
    opts: &RunnerOptions,
) -> Result<()> {
    let lock = lock::acquire(db, &opts.version_table, opts.lock_timeout, &mut |_| {}).await?;
    let result: Result<()> = async {
        ensure_tables(db, &opts.version_table).await?;
        let d = db.dialect();
        let vt = VersionTable {
            name: &opts.version_table,
            dialect: d,
        };
        let ledger = Ledger::new(&opts.version_table, d);
        // The version table and the ledger change together or not at all.
        db.execute(d.begin()).await.map_err(busy)?;
        let written: Result<()> = async {
            let before = current_heads(db, &opts.version_table).await?;
            let mut statements = vt.update(&before, heads);
            for h in heads.iter().filter(|h| !before.contains(h)) {
                let sum = graph
                    .get(h)
                    .map(ledger::revision_checksum)
                    .unwrap_or_default();
                statements.push(ledger.insert(h, "stamp", Status::Applied, &sum, "stamped"));
            }
            for h in before.iter().filter(|h| !heads.contains(h)) {
                statements.push(ledger.insert(h, "stamp", Status::Reverted, "", "stamped"));
            }
            for sql in &statements {
                db.execute(sql).await?;
            }
            Ok(())
        }
        .await;
        finish(db, written).await
    }
    .await;
    let released = lock::release(db, lock).await;
    result?;
    released
}

/// What a person found when they looked at a half-applied revision, or an edit they
/// accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Every statement of the revision is now in effect.
    Applied,
    /// Nothing of the revision remains: checked against the live schema, which must
    /// match the state before the revision in every table the revision touches.
    Reverted,
    /// As `Reverted`, without the check (`--force`): the person has looked.
    RevertedUnchecked,
    /// The applied revision's new operations describe the database: record their checksum.
    AcceptEdit,
}

/// Fails, naming what is left, unless every table `revision` touches is in the live
/// database as the revisions `applied` leave it (the state before the revision ran):
/// compared as autogenerate compares, so names and spellings the server chose do not count.
async fn still_there(
    db: &mut Database,
    graph: &Graph<'_>,
    revision: &str,
    applied: &[&str],
) -> Result<()> {
    let rev = graph.get(revision).expect("resolved");
    let before = aludel_plan::replay(
        graph
            .topo()
            .iter()
            .copied()
            .filter(|r| applied.contains(&r.meta.id)),
    )?;
    let ops = rev.upgrade_ops();
    let mut touched: Vec<TableName> = ops
        .iter()
        .flat_map(|op| {
            let mut also: Vec<TableName> = match op {
                Operation::RenameTable { table, to } => {
                    vec![TableName::qualified(table.schema.clone(), to.clone())]
                }
                // On MySQL and SQLite an enum's values live in the columns that use it.
                Operation::AlterEnum { name, from, .. } => before
                    .tables
                    .iter()
                    .filter(|t| {
                        t.columns
                            .iter()
                            .any(|c| aludel_schema::enum_column_of(&c.ty, name, from))
                    })
                    .map(|t| t.table_name())
                    .collect(),
                _ => Vec::new(),
            };
            also.extend(op.table());
            also
        })
        .collect();
    touched.sort();
    touched.dedup();
    let unchecked = ops
        .iter()
        .any(|op| matches!(op, Operation::Execute(_) | Operation::Code { .. }));
    if touched.is_empty() && unchecked {
        return Err(Error::NotReverted {
            id: revision.to_string(),
            left: vec!["it runs only SQL or Rust code, which aludel cannot check".into()],
        });
    }
    let extra_schemas = before
        .tables
        .iter()
        .filter_map(|t| t.schema.clone())
        .collect();
    let mut live = db.introspect(&IntrospectOptions { extra_schemas }).await?;
    live.tables.retain(|t| {
        let tn = t.table_name();
        before.table(&tn).is_some() || touched.contains(&tn)
    });
    // What it would take to get back to `before`, in the tables the revision touches.
    let left: Vec<String> = match aludel_diff::diff(&live, &before, db.dialect()) {
        Ok(plan) => plan
            .upgrade
            .iter()
            .filter(|op| op.table().is_some_and(|t| touched.contains(&t)))
            .map(|op| format!("to undo: {op}"))
            .collect(),
        Err(e) => vec![format!("the state before it cannot be compared: {e}")],
    };
    if left.is_empty() {
        Ok(())
    } else {
        Err(Error::NotReverted {
            id: revision.to_string(),
            left,
        })
    }
}

/// Records a person's resolution of `revision`: a MySQL revision that stopped part-way
/// (`Applied` / `Reverted`), or an applied revision whose operations were edited
/// (`AcceptEdit`).
pub async fn resolve(
    db: &mut Database,
    graph: &Graph<'_>,
    revision: &str,
    resolution: Resolution,
    opts: &RunnerOptions,
) -> Result<String> {
    let id = graph.resolve_target(revision)?.to_string();
    let lock = lock::acquire(db, &opts.version_table, opts.lock_timeout, &mut |_| {}).await?;
    let result = async {
        ensure_tables(db, &opts.version_table).await?;
        let d = db.dialect();
        let ledger = Ledger::new(&opts.version_table, d);
        let entries = ledger::entries(db, &ledger).await?;
        let sum = ledger::revision_checksum(graph.get(&id).expect("resolved"));
        if resolution == Resolution::AcceptEdit {
            db.execute(&ledger.insert(&id, "resolve", Status::Applied, &sum, "edit accepted"))
                .await?;
            return Ok(format!("recorded the new checksum of {id}"));
        }
        let Some(p) = ledger::partial(&entries)
            .into_iter()
            .rev()
            .find(|p| p.revision == id)
        else {
            return Err(Error::NothingToResolve(id.clone()));
        };
        let vt = VersionTable {
            name: &opts.version_table,
            dialect: d,
        };
        let current = current_heads(db, &opts.version_table).await?;
        let mut applied: std::collections::HashSet<&str> =
            graph.applied(&current).iter().map(|d| d.meta.id).collect();
        let upgrade = p.action == "upgrade";
        let (status, note) = match (resolution, upgrade) {
            (Resolution::Applied, true) => {
                applied.insert(&id);
                (Status::Applied, "applied")
            }
            (Resolution::Applied, false) => {
                applied.remove(id.as_str());
                (Status::Reverted, "reverted (its downgrade completed)")
            }
            (_, _) => (Status::Reverted, "left as it was before it started"),
        };
        if resolution == Resolution::Reverted && upgrade {
            // "Nothing of the upgrade remains" is checked, not taken on trust.
            let before: Vec<&str> = applied.iter().copied().filter(|a| *a != id).collect();
            still_there(db, graph, &id, &before).await?;
        }
        let after = graph.heads_of(&applied);
        let mut statements = vt.update(&current, &after);
        statements.push(ledger.set_status(p.id, status));
        if resolution == Resolution::Applied && upgrade {
            // The code may have been fixed since it failed; what is applied is what it is now.
            statements.push(ledger.set_checksum(p.id, &sum));
        }
        // The version table and the ledger change together or not at all.
        db.execute(d.begin()).await.map_err(busy)?;
        let written: Result<()> = async {
            for sql in &statements {
                db.execute(sql).await?;
            }
            Ok(())
        }
        .await;
        finish(db, written).await?;
        Ok(format!(
            "revision {id} resolved: the database records it as {note}"
        ))
    }
    .await;
    let released = lock::release(db, lock).await;
    let msg = result?;
    released?;
    Ok(msg)
}
