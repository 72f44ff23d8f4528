//! Reading the ledger from a database; its SQL text and the checks over its rows are
//! `aludel_plan::ledger`'s.

use aludel_introspect::Database;
pub use aludel_plan::ledger::*;

use crate::error::Result;

/// Every row, oldest first.
pub async fn entries(db: &mut Database, ledger: &Ledger<'_>) -> Result<Vec<Entry>> {
    let rows = db.query_rows(&ledger.entries_query()).await?;
    Ok(Ledger::entries(rows)?)
}

/// The id of the row this connection inserted last (MySQL's running rows).
pub async fn last_id(db: &mut Database, ledger: &Ledger<'_>) -> Result<i64> {
    let v = db.query_column(ledger.last_id_query()).await?;
    v.into_iter()
        .flatten()
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| aludel_plan::Error::Ledger("no id for the running row".into()).into())
}

/// The heads the database's version table holds (none when it has no version table).
pub async fn current_heads(db: &mut Database, version_table: &str) -> Result<Vec<String>> {
    let vt = aludel_plan::VersionTable {
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
