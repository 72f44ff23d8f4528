//! Applying and reverting revisions on a database, and the same as SQL text (offline).
//!
//! Every revision of a run is replayed and rendered before the first statement runs, so
//! a revision that cannot be rendered stops the run with the database untouched.

use std::collections::HashSet;

use aludel_introspect::Database;
use aludel_schema::{Dialect, Schema};
use aludel_sql::{quote_ident, quote_literal, render_all};

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::revision::RevisionDef;

/// How revisions map to transactions (PostgreSQL and SQLite; MySQL has no transactional
/// DDL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TransactionMode {
    /// Each revision with its version change commits alone.
    #[default]
    PerRevision,
    /// The whole run commits at once, or nothing of it.
    All,
}

#[derive(Clone, Debug)]
pub struct RunnerOptions {
    pub version_table: String,
    pub transaction_mode: TransactionMode,
}

impl Default for RunnerOptions {
    fn default() -> Self {
        RunnerOptions {
            version_table: "aludel_version".into(),
            transaction_mode: TransactionMode::PerRevision,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Upgrade,
    Downgrade,
}

/// One revision of a run, rendered.
pub struct Step<'a> {
    pub revision: &'a RevisionDef,
    pub direction: Direction,
    /// The version table's heads before and after this step.
    pub heads_before: Vec<String>,
    pub heads_after: Vec<String>,
    pub statements: Vec<String>,
}

impl Step<'_> {
    /// `Running upgrade  -> 1975ea83b712, create posts table`, as Alembic says it.
    pub fn describe(&self) -> String {
        let parents = if self.revision.meta.revises.is_empty() {
            "<base>".to_string()
        } else {
            self.revision.meta.revises.join(", ")
        };
        let id = self.revision.meta.id.to_string();
        let (from, to) = match self.direction {
            Direction::Upgrade => (parents, id),
            Direction::Downgrade => (id, parents),
        };
        let verb = match self.direction {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        };
        format!(
            "Running {verb} {from} -> {to}, {}",
            self.revision.meta.message
        )
    }
}

/// The schema the revisions `applied` (in topological order) build from nothing.
pub fn replay<'a>(applied: impl IntoIterator<Item = &'a RevisionDef>) -> Result<Schema> {
    let mut s = Schema::new();
    for d in applied {
        for op in d.upgrade_ops() {
            op.apply(&mut s).map_err(|source| Error::Replay {
                id: d.meta.id.to_string(),
                file: d.file.to_string(),
                op: op.to_string(),
                source: Box::new(source),
            })?;
        }
    }
    Ok(s)
}

/// Renders the steps that take a database at `current` to `target`.
///
/// `live` is the database's schema when there is a database: steps render against it
/// (simulated forward, step by step), so tables that no revision created are known.
/// Without one (`--sql`) the applied revisions are replayed instead.
pub fn plan<'a>(
    graph: &Graph<'a>,
    dialect: Dialect,
    current: &[String],
    target: &str,
    direction: Direction,
    live: Option<Schema>,
) -> Result<Vec<Step<'a>>> {
    let path = match direction {
        Direction::Upgrade => graph.upgrade_path(current, target)?,
        Direction::Downgrade => graph.downgrade_path(current, target)?,
    };
    let applied = graph.applied(current);
    let mut state = match live {
        Some(s) => s,
        None => replay(applied.iter().copied())?,
    };
    let mut applied_ids: HashSet<&str> = applied.iter().map(|d| d.meta.id).collect();
    let mut steps = Vec::with_capacity(path.len());
    for d in path {
        let heads_before = graph.heads_of(&applied_ids);
        let ops = match direction {
            Direction::Upgrade => {
                applied_ids.insert(d.meta.id);
                d.upgrade_ops()
            }
            Direction::Downgrade => {
                applied_ids.remove(d.meta.id);
                d.downgrade_ops()
            }
        };
        let (statements, next) =
            render_all(&ops, &state, dialect).map_err(|source| match source {
                aludel_sql::Error::State { op, source } => Error::Replay {
                    id: d.meta.id.to_string(),
                    file: d.file.to_string(),
                    op,
                    source: Box::new(source),
                },
                source => Error::Render {
                    id: d.meta.id.to_string(),
                    file: d.file.to_string(),
                    source: Box::new(source),
                },
            })?;
        state = next;
        steps.push(Step {
            revision: d,
            direction,
            heads_before,
            heads_after: graph.heads_of(&applied_ids),
            statements,
        });
    }
    Ok(steps)
}

/// Statements that create and update the version table.
pub struct VersionTable<'a> {
    pub name: &'a str,
    pub dialect: Dialect,
}

impl VersionTable<'_> {
    fn q(&self) -> String {
        quote_ident(self.dialect, self.name)
    }

    pub fn create(&self) -> String {
        let pk = quote_ident(self.dialect, &format!("{}_pkc", self.name));
        let exists = "IF NOT EXISTS ";
        format!(
            "CREATE TABLE {exists}{} (version_num VARCHAR(32) NOT NULL, CONSTRAINT {pk} PRIMARY KEY (version_num))",
            self.q()
        )
    }

    pub fn exists_query(&self) -> String {
        let lit = quote_literal(self.dialect, self.name);
        match self.dialect {
            Dialect::Postgres => format!(
                "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = {lit}"
            ),
            Dialect::MySql => format!(
                "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {lit}"
            ),
            Dialect::Sqlite => {
                format!("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = {lit}")
            }
        }
    }

    pub fn select(&self) -> String {
        format!("SELECT version_num FROM {}", self.q())
    }

    /// Statements that turn `before` into `after`.
    pub fn update(&self, before: &[String], after: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for b in before.iter().filter(|b| !after.contains(b)) {
            out.push(format!(
                "DELETE FROM {} WHERE version_num = {}",
                self.q(),
                quote_literal(self.dialect, b)
            ));
        }
        for a in after.iter().filter(|a| !before.contains(a)) {
            out.push(format!(
                "INSERT INTO {} (version_num) VALUES ({})",
                self.q(),
                quote_literal(self.dialect, a)
            ));
        }
        out
    }
}

/// The heads the database's version table holds (none when it has no version table).
pub async fn current_heads(db: &mut Database, version_table: &str) -> Result<Vec<String>> {
    let vt = VersionTable {
        name: version_table,
        dialect: db.dialect(),
    };
    if db.query_column(&vt.exists_query()).await?.is_empty() {
        return Ok(Vec::new());
    }
    let mut heads: Vec<String> = db
        .query_column(&vt.select())
        .await?
        .into_iter()
        .flatten()
        .collect();
    heads.sort();
    Ok(heads)
}

/// Checks that every head the database names exists in the code.
pub fn check_current(graph: &Graph, current: &[String]) -> Result<()> {
    match current.iter().find(|c| graph.get(c).is_none()) {
        Some(unknown) => Err(Error::UnknownCurrent(unknown.clone())),
        None => Ok(()),
    }
}

/// Runs `steps` on the database, reporting each through `log` before it runs.
pub async fn execute(
    db: &mut Database,
    steps: &[Step<'_>],
    opts: &RunnerOptions,
    log: &mut dyn FnMut(&Step<'_>),
) -> Result<()> {
    let dialect = db.dialect();
    let vt = VersionTable {
        name: &opts.version_table,
        dialect,
    };
    if steps.is_empty() {
        return Ok(());
    }
    db.execute(&vt.create()).await?;
    let transactional = dialect != Dialect::MySql;
    let whole_run = transactional && opts.transaction_mode == TransactionMode::All;
    if dialect == Dialect::Sqlite {
        // Table rebuilds drop tables; with enforcement on, that would cascade.
        db.execute("PRAGMA foreign_keys = OFF").await?;
    }
    let result = run_steps(db, steps, &vt, transactional, whole_run, log).await;
    if dialect == Dialect::Sqlite {
        db.execute("PRAGMA foreign_keys = ON").await?;
    }
    result
}

async fn run_steps(
    db: &mut Database,
    steps: &[Step<'_>],
    vt: &VersionTable<'_>,
    transactional: bool,
    whole_run: bool,
    log: &mut dyn FnMut(&Step<'_>),
) -> Result<()> {
    if whole_run {
        db.execute("BEGIN").await?;
    }
    for step in steps {
        log(step);
        let mut statements: Vec<&str> = step.statements.iter().map(String::as_str).collect();
        let version = vt.update(&step.heads_before, &step.heads_after);
        statements.extend(version.iter().map(String::as_str));
        let own_transaction = transactional && !whole_run;
        run_unit(
            db,
            step.revision.meta.id,
            &statements,
            own_transaction,
            transactional,
        )
        .await?;
    }
    if whole_run {
        db.execute("COMMIT").await?;
    }
    Ok(())
}

/// Runs the statements of one revision; on SQLite, checks foreign keys before the end.
async fn run_unit(
    db: &mut Database,
    id: &str,
    statements: &[&str],
    own_transaction: bool,
    transactional: bool,
) -> Result<()> {
    let id = id.to_string();
    if own_transaction {
        db.execute("BEGIN").await?;
    }
    for (n, sql) in statements.iter().enumerate() {
        if let Err(source) = db.execute(sql).await {
            if transactional {
                let _ = db.execute("ROLLBACK").await;
                return Err(Error::RolledBack { id, source });
            }
            return Err(if n == 0 {
                Error::RolledBack { id, source }
            } else {
                Error::PartiallyApplied { id, source }
            });
        }
    }
    if db.dialect() == Dialect::Sqlite {
        let violations: Vec<String> = db
            .query_column("PRAGMA foreign_key_check")
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
    Ok(())
}

/// Runs statements as the runner runs a revision: in one transaction where DDL is
/// transactional, with SQLite's foreign-key enforcement off around it and
/// `PRAGMA foreign_key_check` before the commit. `label` names the unit in errors.
pub async fn execute_statements(
    db: &mut Database,
    label: &str,
    statements: &[String],
) -> Result<()> {
    let sqlite = db.dialect() == Dialect::Sqlite;
    let transactional = db.dialect() != Dialect::MySql;
    if sqlite {
        db.execute("PRAGMA foreign_keys = OFF").await?;
    }
    let stmts: Vec<&str> = statements.iter().map(String::as_str).collect();
    let result = run_unit(db, label, &stmts, transactional, transactional).await;
    if sqlite {
        db.execute("PRAGMA foreign_keys = ON").await?;
    }
    result
}

/// The SQL a run would execute, as a script (`--sql`).
pub fn script(
    steps: &[Step<'_>],
    dialect: Dialect,
    opts: &RunnerOptions,
    create_version_table: bool,
) -> String {
    let vt = VersionTable {
        name: &opts.version_table,
        dialect,
    };
    let transactional = dialect != Dialect::MySql;
    let whole_run = transactional && opts.transaction_mode == TransactionMode::All;
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    if dialect == Dialect::Sqlite {
        line("PRAGMA foreign_keys = OFF;");
        line("");
    }
    if create_version_table {
        line(&format!("{};", vt.create()));
        line("");
    }
    if whole_run {
        line("BEGIN;");
        line("");
    }
    for step in steps {
        line(&format!("-- {}", step.describe()));
        if transactional && !whole_run {
            line("BEGIN;");
        }
        for s in &step.statements {
            line(&format!("{s};"));
        }
        for s in vt.update(&step.heads_before, &step.heads_after) {
            line(&format!("{s};"));
        }
        if dialect == Dialect::Sqlite {
            line("PRAGMA foreign_key_check;");
        }
        if transactional && !whole_run {
            line("COMMIT;");
        }
        line("");
    }
    if whole_run {
        line("COMMIT;");
        line("");
    }
    if dialect == Dialect::Sqlite {
        line("PRAGMA foreign_keys = ON;");
    }
    out
}
