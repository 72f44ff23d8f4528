//! Planning a run: the steps that take a database from its heads to a target, each
//! rendered to statements, and the same as a SQL script (`--sql`).
//!
//! Every revision of a run is replayed and rendered before the first statement runs, so
//! a revision that cannot be rendered stops the run with the database untouched.

use std::collections::HashSet;

use aludel_schema::{Dialect, Operation, Schema};
use aludel_sql::{quote_ident, quote_literal, render_all};

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::revision::{DataFn, Ops, RevisionDef};

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
    /// How long to wait for another runner's lock.
    pub lock_timeout: std::time::Duration,
}

impl Default for RunnerOptions {
    fn default() -> Self {
        RunnerOptions {
            version_table: "aludel_version".into(),
            transaction_mode: TransactionMode::PerRevision,
            lock_timeout: std::time::Duration::from_secs(60),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Upgrade,
    Downgrade,
}

/// What a step runs: a statement, or a data migration's Rust code.
pub enum Item<Db> {
    Sql(String),
    Code { name: String, code: DataFn<Db> },
}

// By hand: a derive would ask `Db: Clone`.
impl<Db> Clone for Item<Db> {
    fn clone(&self) -> Self {
        match self {
            Item::Sql(s) => Item::Sql(s.clone()),
            Item::Code { name, code } => Item::Code {
                name: name.clone(),
                code: *code,
            },
        }
    }
}

impl<Db> std::fmt::Debug for Item<Db> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Sql(s) => write!(f, "Sql({s:?})"),
            Item::Code { name, .. } => write!(f, "Code({name:?})"),
        }
    }
}

/// One revision of a run, rendered.
pub struct Step<'a, Db> {
    pub revision: &'a RevisionDef<Db>,
    pub direction: Direction,
    /// The version table's heads before and after this step.
    pub heads_before: Vec<String>,
    pub heads_after: Vec<String>,
    pub items: Vec<Item<Db>>,
    /// The checksum of the revision's operations, both ways, for the ledger.
    pub checksum: String,
    /// Whether the revision runs in one transaction: the dialect's DDL is transactional
    /// (not MySQL) and nothing in it must run outside one (PostgreSQL's `CONCURRENTLY`).
    pub transactional: bool,
    /// The relation locks its transaction takes on PostgreSQL ([`crate::locks::estimate`]).
    pub locks: usize,
    /// How many operations the revision records.
    pub operations: usize,
}

impl<Db> Step<'_, Db> {
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
pub fn replay<'a, Db: 'a>(
    applied: impl IntoIterator<Item = &'a RevisionDef<Db>>,
) -> Result<Schema> {
    replay_onto(Schema::new(), applied)
}

/// The schema the revisions `applied` (in topological order) build on top of `s`.
pub fn replay_onto<'a, Db: 'a>(
    mut s: Schema,
    applied: impl IntoIterator<Item = &'a RevisionDef<Db>>,
) -> Result<Schema> {
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
pub fn plan<'a, Db>(
    graph: &Graph<'a, Db>,
    dialect: Dialect,
    current: &[String],
    target: &str,
    direction: Direction,
    live: Option<Schema>,
) -> Result<Vec<Step<'a, Db>>> {
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
        let recorded = match direction {
            Direction::Upgrade => {
                applied_ids.insert(d.meta.id);
                d.record_upgrade()
            }
            Direction::Downgrade => {
                applied_ids.remove(d.meta.id);
                d.record_downgrade()
            }
        };
        if let Some(name) = recorded.duplicate_code_name() {
            return Err(Error::DuplicateCode {
                id: d.meta.id.to_string(),
                file: d.file.to_string(),
                name: name.to_string(),
            });
        }
        // Counted only where a server's lock table bounds a transaction (PostgreSQL).
        let locks = match dialect.backend().lock_capacity_query() {
            Some(_) => crate::locks::estimate(recorded.operations(), &state),
            None => 0,
        };
        let (items, next) =
            render_items(&recorded, &state, dialect).map_err(|source| match source {
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
        let concurrent = recorded.operations().iter().any(|op| {
            matches!(
                op,
                Operation::CreateIndex {
                    concurrently: true,
                    ..
                } | Operation::DropIndex {
                    concurrently: true,
                    ..
                }
            )
        });
        steps.push(Step {
            revision: d,
            direction,
            heads_before,
            heads_after: graph.heads_of(&applied_ids),
            items,
            checksum: crate::ledger::revision_checksum(d),
            transactional: dialect.transactional_ddl()
                && !(concurrent && dialect.backend().concurrent_indexes()),
            locks,
            operations: recorded.operations().len(),
        });
    }
    Ok(steps)
}

/// The statements of recorded operations, with each data migration where it runs.
fn render_items<Db>(
    recorded: &Ops<Db>,
    start: &Schema,
    dialect: Dialect,
) -> aludel_sql::Result<(Vec<Item<Db>>, Schema)> {
    let mut items = Vec::new();
    let mut state = start.clone();
    let ops = recorded.operations();
    let mut from = 0;
    let mut k = 0;
    for (i, op) in ops.iter().enumerate() {
        if let Operation::Code { name } = op {
            let (sql, next) = render_all(&ops[from..i], &state, dialect)?;
            items.extend(sql.into_iter().map(Item::Sql));
            state = next;
            if let Some(code) = recorded.code_at(k) {
                items.push(Item::Code {
                    name: name.clone(),
                    code,
                });
            }
            k += 1;
            from = i + 1;
        }
    }
    let (sql, next) = render_all(&ops[from..], &state, dialect)?;
    items.extend(sql.into_iter().map(Item::Sql));
    Ok((items, next))
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
        self.dialect.backend().table_exists_query(&lit)
    }

    pub fn select(&self) -> String {
        format!("SELECT version_num FROM {}", self.q())
    }

    /// [`VersionTable::select`] of the table in `schema` (qualified, so that no other
    /// schema on the search path answers for it).
    pub fn select_in(&self, schema: Option<&str>) -> String {
        let table = aludel_schema::TableName::qualified(schema.map(str::to_string), self.name);
        format!(
            "SELECT version_num FROM {}",
            aludel_schema::quote_table(self.dialect, &table)
        )
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

/// Checks that every head the database names exists in the code.
pub fn check_current<Db>(graph: &Graph<'_, Db>, current: &[String]) -> Result<()> {
    match current.iter().find(|c| graph.get(c).is_none()) {
        Some(unknown) => Err(Error::UnknownCurrent(unknown.clone())),
        None => Ok(()),
    }
}

/// The SQL a run would execute, as a script (`--sql`).
pub fn script<Db>(
    steps: &[Step<'_, Db>],
    dialect: Dialect,
    opts: &RunnerOptions,
    create_version_table: bool,
) -> String {
    let vt = VersionTable {
        name: &opts.version_table,
        dialect,
    };
    let transactional = dialect.transactional_ddl();
    let whole_run = transactional && opts.transaction_mode == TransactionMode::All;
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    let backend = dialect.backend();
    for s in backend.script_prologue() {
        line(&format!("{s};"));
        line("");
    }
    let ledger = crate::ledger::Ledger::new(&opts.version_table, dialect);
    if create_version_table {
        line(&format!("{};", vt.create()));
        line(&format!("{};", ledger.create()));
        line("");
    }
    if whole_run {
        line("BEGIN;");
        line("");
    }
    for step in steps {
        line(&format!("-- {}", step.describe()));
        let outside = transactional && !step.transactional;
        if outside {
            line(
                "-- CONCURRENTLY cannot run inside a transaction: these statements run one by one",
            );
            if whole_run {
                line("COMMIT;");
            }
        } else if transactional && !whole_run {
            line("BEGIN;");
        }
        for item in &step.items {
            match item {
                Item::Sql(s) => line(&format!("{s};")),
                Item::Code { name, .. } => line(&format!(
                    "-- NOT RENDERED: the Rust code {name:?} of this revision runs only against a database \
                     (aludel upgrade without --sql)"
                )),
            }
        }
        if outside {
            line("BEGIN;");
        }
        for s in vt.update(&step.heads_before, &step.heads_after) {
            line(&format!("{s};"));
        }
        let (action, status) = match step.direction {
            Direction::Upgrade => ("upgrade", crate::ledger::Status::Applied),
            Direction::Downgrade => ("downgrade", crate::ledger::Status::Reverted),
        };
        line(&format!(
            "{};",
            ledger.insert(
                step.revision.meta.id,
                action,
                status,
                &step.checksum,
                step.revision.meta.message
            )
        ));
        if let Some(check) = backend.before_commit_check() {
            line(&format!("{check};"));
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
    for s in backend.script_epilogue() {
        line(&format!("{s};"));
    }
    out
}
