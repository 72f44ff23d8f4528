//! The ledger: every revision applied, reverted, stamped or resolved, with a checksum of
//! its operations both ways ([`revision_checksum`]), in `<version_table>_ledger` next to
//! the version table.

use aludel_schema::backend::LedgerTypes;
use aludel_schema::{Dialect, Operation};
use aludel_sql::{quote_ident, quote_literal};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::revision::RevisionDef;

/// SHA-256 of operations as data, so that reformatting the file, comments or line endings
/// never change it.
pub fn checksum(ops: &[Operation]) -> String {
    let json = serde_json_canonical(ops);
    let digest = Sha256::digest(json.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the ledger records of a revision: 124 bits of each direction's checksum in one
/// 64-character value, `v2<upgrade:31><downgrade:31>`, so that an edit of either is seen.
/// Rows written before (a whole upgrade checksum) still compare by their upgrade.
pub fn revision_checksum<Db>(def: &RevisionDef<Db>) -> String {
    let up = checksum(&def.upgrade_ops());
    let down = downgrade_checksum(def);
    format!("v2{}{}", &up[..31], &down[..31])
}

/// The two halves of a `v2` ledger checksum; `None` for a row of an earlier version.
fn halves(recorded: &str) -> Option<(&str, &str)> {
    let both = recorded.strip_prefix("v2")?;
    (both.len() == 62 && both.is_ascii()).then(|| both.split_at(31))
}

/// Whether `recorded` (a ledger checksum) matches the revision's upgrade as it is now.
pub fn upgrade_matches<Db>(recorded: &str, def: &RevisionDef<Db>) -> bool {
    let up = checksum(&def.upgrade_ops());
    match halves(recorded) {
        Some((u, _)) => u == &up[..31],
        None => recorded == up,
    }
}

/// Whether `recorded` matches the revision's downgrade as it is now; a row written before
/// downgrades were recorded cannot tell, and passes.
pub fn downgrade_matches<Db>(recorded: &str, def: &RevisionDef<Db>) -> bool {
    halves(recorded).is_none_or(|(_, d)| d == &downgrade_checksum(def)[..31])
}

/// The checksum of the revision's downgrade. A downgrade that panics when recorded (an
/// irreversible revision's `unimplemented!()`) gets a fixed one, so the upgrade still runs.
fn downgrade_checksum<Db>(def: &RevisionDef<Db>) -> String {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        checksum(&def.downgrade_ops())
    }))
    .unwrap_or_else(|_| "f".repeat(64))
}

fn serde_json_canonical(ops: &[Operation]) -> String {
    // Operation's serialisation is deterministic: fields in declaration order, no maps.
    serde_json::to_string(ops).unwrap_or_default()
}

/// What a ledger row says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The revision is applied (by an upgrade, a stamp or a resolve).
    Applied,
    /// The revision was reverted (by a downgrade or a resolve).
    Reverted,
    /// MySQL: the revision started and did not finish.
    Running,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Reverted => "reverted",
            Status::Running => "running",
        }
    }
}

/// One row of the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub revision: String,
    pub action: String,
    pub status: String,
    pub checksum: String,
    pub at: String,
}

pub struct Ledger<'a> {
    pub name: String,
    pub dialect: Dialect,
    pub version_table: &'a str,
}

impl<'a> Ledger<'a> {
    pub fn new(version_table: &'a str, dialect: Dialect) -> Ledger<'a> {
        Ledger {
            name: format!("{version_table}_ledger"),
            dialect,
            version_table,
        }
    }

    fn q(&self) -> String {
        quote_ident(self.dialect, &self.name)
    }

    pub fn create(&self) -> String {
        let LedgerTypes { id, at, text } = self.dialect.backend().ledger_types();
        format!(
            "CREATE TABLE IF NOT EXISTS {} (id {id}, revision VARCHAR(32) NOT NULL, action VARCHAR(16) NOT NULL, \
             status VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, message {text} NOT NULL, at {at})",
            self.q()
        )
    }

    /// The statement that records `action` on `revision`.
    pub fn insert(
        &self,
        revision: &str,
        action: &str,
        status: Status,
        checksum: &str,
        message: &str,
    ) -> String {
        let d = self.dialect;
        format!(
            "INSERT INTO {} (revision, action, status, checksum, message) VALUES ({}, {}, {}, {}, {})",
            self.q(),
            quote_literal(d, revision),
            quote_literal(d, action),
            quote_literal(d, status.as_str()),
            quote_literal(d, checksum),
            quote_literal(d, message)
        )
    }

    pub fn set_status(&self, id: i64, status: Status) -> String {
        format!(
            "UPDATE {} SET status = {} WHERE id = {id}",
            self.q(),
            quote_literal(self.dialect, status.as_str())
        )
    }

    /// Removes row `id` (a `running` row of a revision of which nothing ran).
    pub fn delete(&self, id: i64) -> String {
        format!("DELETE FROM {} WHERE id = {id}", self.q())
    }

    /// Records `sum` as the checksum of row `id`: the revision as its code stands now is
    /// the one a person declared applied.
    pub fn set_checksum(&self, id: i64, sum: &str) -> String {
        format!(
            "UPDATE {} SET checksum = {} WHERE id = {id}",
            self.q(),
            quote_literal(self.dialect, sum)
        )
    }

    /// The query of every row, oldest first; [`Ledger::entries`] reads its rows.
    pub fn entries_query(&self) -> String {
        self.entries_query_in(None)
    }

    /// [`Ledger::entries_query`] of the ledger in `schema` (qualified, so that no other
    /// schema on the search path answers for it).
    pub fn entries_query_in(&self, schema: Option<&str>) -> String {
        let at = self.dialect.backend().as_text("at");
        let table = aludel_schema::TableName::qualified(schema.map(str::to_string), &self.name);
        format!(
            "SELECT id, revision, action, status, checksum, {at} FROM {} ORDER BY id",
            aludel_schema::quote_table(self.dialect, &table)
        )
    }

    /// The rows [`Ledger::entries_query`] returned, as text columns.
    pub fn entries(rows: Vec<Vec<Option<String>>>) -> Result<Vec<Entry>> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let get = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            out.push(Entry {
                id: get(0)
                    .parse()
                    .map_err(|_| Error::Ledger(format!("unreadable row {row:?}")))?,
                revision: get(1),
                action: get(2),
                status: get(3),
                checksum: get(4),
                at: get(5),
            });
        }
        Ok(out)
    }

    /// The query of the id of the row this connection inserted last (MySQL's running rows).
    pub fn last_id_query(&self) -> &'static str {
        self.dialect.backend().last_insert_id_query()
    }

    pub fn version_table(&self) -> &str {
        self.version_table
    }
}

/// A revision that started on MySQL and did not finish: the statements before the failing
/// one ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    pub id: i64,
    pub revision: String,
    pub action: String,
    pub at: String,
}

/// The rows still `running`.
pub fn partial(entries: &[Entry]) -> Vec<Partial> {
    entries
        .iter()
        .filter(|e| e.status == Status::Running.as_str())
        .map(|e| Partial {
            id: e.id,
            revision: e.revision.clone(),
            action: e.action.clone(),
            at: e.at.clone(),
        })
        .collect()
}

/// Applied revisions whose operations differ from the checksum recorded when they ran.
pub fn edited<'g, Db>(
    graph: &Graph<'g, Db>,
    applied: &[&str],
    entries: &[Entry],
) -> Vec<(String, &'g str)> {
    changed(graph, applied, entries, upgrade_matches)
}

/// Revisions about to be downgraded whose downgrade differs from the one recorded when
/// they were applied.
pub fn downgrade_edited<'g, Db>(
    graph: &Graph<'g, Db>,
    reverting: &[&str],
    entries: &[Entry],
) -> Vec<(String, &'g str)> {
    changed(graph, reverting, entries, downgrade_matches)
}

fn changed<'g, Db>(
    graph: &Graph<'g, Db>,
    ids: &[&str],
    entries: &[Entry],
    matches: fn(&str, &RevisionDef<Db>) -> bool,
) -> Vec<(String, &'g str)> {
    let mut out = Vec::new();
    for id in ids {
        let Some(def) = graph.get(id) else { continue };
        let recorded = entries
            .iter()
            .rev()
            .find(|e| e.revision == *id && e.status == Status::Applied.as_str())
            .map(|e| e.checksum.as_str());
        if let Some(recorded) = recorded
            && !matches(recorded, def)
        {
            out.push((id.to_string(), def.file));
        }
    }
    out
}

/// Revisions the ledger says are applied that no revision file defines.
pub fn missing_from_code<Db>(graph: &Graph<'_, Db>, entries: &[Entry]) -> Vec<String> {
    let mut last: Vec<(&str, &str)> = Vec::new();
    for e in entries {
        match last.iter_mut().find(|(r, _)| *r == e.revision) {
            Some(slot) => slot.1 = &e.status,
            None => last.push((&e.revision, &e.status)),
        }
    }
    last.into_iter()
        .filter(|(r, s)| *s == Status::Applied.as_str() && graph.get(r).is_none())
        .map(|(r, _)| r.to_string())
        .collect()
}
