//! The migration lock: one runner at a time per database.
//!
//! PostgreSQL: a session advisory lock, taken with `pg_try_advisory_lock` between sleeps
//! rather than the blocking `pg_advisory_lock`. A waiter blocked inside a statement holds a
//! snapshot, and `CREATE INDEX CONCURRENTLY` in the holder's revision waits for every
//! snapshot to end: a blocking waiter would deadlock the holder. Polling waiters hold
//! nothing between polls.
//!
//! MySQL/MariaDB: `GET_LOCK`, which holds no metadata lock while it waits.
//!
//! SQLite: no lock here; each revision runs in `BEGIN IMMEDIATE`, which takes the write
//! lock (waiting up to the busy timeout), and re-reads the version table inside it.
//!
//! Session locks end with their session: a runner that is killed releases its lock.

use std::time::{Duration, Instant};

use aludel_introspect::Database;
use aludel_schema::Dialect;
use aludel_sql::quote_literal;

use crate::error::{Error, Result};

const POLL: Duration = Duration::from_millis(200);

/// A lock held by this connection.
pub struct Lock {
    release: Option<String>,
}

/// A stable 63-bit key for PostgreSQL's advisory lock.
fn pg_key(name: &str) -> i64 {
    (aludel_schema::fnv1a_64(name.as_bytes()) >> 1) as i64
}

/// Who holds PostgreSQL's advisory lock `key`: pid, application, since when, and the
/// statement it runs (unless it mentions a password), with the command that ends it;
/// empty when nobody does (any more).
async fn pg_holder(db: &mut Database, key: i64) -> Result<String> {
    // A bigint advisory key is kept as two 32-bit halves.
    let (hi, lo) = (key >> 32, key & 0xffff_ffff);
    let sql = format!(
        "SELECT 'pid ' || a.pid || ' (application ' || quote_literal(coalesce(a.application_name, '')) \
         || ', ' || coalesce(a.state, 'unknown state') || ' since ' \
         || coalesce(date_trunc('second', coalesce(a.query_start, a.backend_start))::text, '?') \
         || ', statement: ' || CASE WHEN a.query ILIKE '%password%' \
            THEN '(not shown: it mentions a password)' ELSE left(coalesce(a.query, ''), 200) END \
         || '); to end it: SELECT pg_terminate_backend(' || a.pid || ')' \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {hi} AND l.objid = {lo} AND l.objsubid = 1"
    );
    first_text(db, &sql).await
}

/// Takes the migration lock of `version_table`, waiting up to `timeout`; `waiting` is
/// called once if another runner holds it, with who holds it where the server tells
/// (PostgreSQL), else an empty string.
pub async fn acquire(
    db: &mut Database,
    version_table: &str,
    timeout: Duration,
    waiting: &mut dyn FnMut(&str),
) -> Result<Lock> {
    let start = Instant::now();
    match db.dialect() {
        Dialect::Postgres => {
            // Advisory locks are the database's; a tenant schema's runs lock only it
            // (`public` keeps the key of a run that names no schema: the same tables).
            let key = match db.schema().filter(|s| *s != "public") {
                None => pg_key(&format!("aludel:{version_table}")),
                Some(schema) => pg_key(&format!("aludel:{schema}.{version_table}")),
            };
            let mut told = false;
            loop {
                let got = db
                    .query_column(&format!("SELECT pg_try_advisory_lock({key})"))
                    .await?;
                if got.first().cloned().flatten().as_deref() == Some("true") {
                    return Ok(Lock {
                        release: Some(format!("SELECT pg_advisory_unlock({key})")),
                    });
                }
                if start.elapsed() >= timeout {
                    let holder = pg_holder(db, key).await.unwrap_or_default();
                    return Err(Error::LockTimeout { timeout, holder });
                }
                if !told {
                    waiting(&pg_holder(db, key).await.unwrap_or_default());
                    told = true;
                }
                tokio::time::sleep(POLL).await;
            }
        }
        Dialect::MySql => {
            let db_name = db
                .query_column("SELECT DATABASE()")
                .await?
                .into_iter()
                .flatten()
                .next()
                .unwrap_or_default();
            // Lock names are server-wide and at most 64 characters.
            let name = format!("aludel:{:x}", pg_key(&format!("{db_name}:{version_table}")));
            let lit = quote_literal(Dialect::MySql, &name);
            let try_now = db
                .query_column(&format!("SELECT GET_LOCK({lit}, 0)"))
                .await?;
            if try_now.first().cloned().flatten().as_deref() != Some("1") {
                let holder = mysql_holder(db, &lit).await.unwrap_or_default();
                waiting(&holder);
                let secs = timeout.as_secs().max(1);
                let got = db
                    .query_column(&format!("SELECT GET_LOCK({lit}, {secs})"))
                    .await?;
                if got.first().cloned().flatten().as_deref() != Some("1") {
                    let holder = mysql_holder(db, &lit).await.unwrap_or_default();
                    return Err(Error::LockTimeout { timeout, holder });
                }
            }
            Ok(Lock {
                release: Some(format!("SELECT RELEASE_LOCK({lit})")),
            })
        }
        Dialect::Sqlite => {
            db.execute(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
                .await?;
            Ok(Lock { release: None })
        }
    }
}

/// Who holds the user lock `lit` (a quoted name): its connection id, and what it runs.
async fn mysql_holder(db: &mut Database, lit: &str) -> Result<String> {
    let sql = format!(
        "SELECT CONCAT('connection ', p.ID, ' (user ', p.USER, ', ', p.COMMAND, ' for ', p.TIME, ' s', \
         IFNULL(CONCAT(', statement: ', IF(p.INFO LIKE '%password%', \
         '(not shown: it mentions a password)', LEFT(p.INFO, 200))), ''), '); to end it: KILL ', p.ID) \
         FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({lit})"
    );
    first_text(db, &sql).await
}

/// The first value `sql` returns, or an empty string when it returns none.
async fn first_text(db: &mut Database, sql: &str) -> Result<String> {
    Ok(db
        .query_column(sql)
        .await?
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default())
}

/// Releases the lock (ending the session would too).
pub async fn release(db: &mut Database, lock: Lock) -> Result<()> {
    if let Some(sql) = lock.release {
        db.query_column(&sql).await?;
    }
    Ok(())
}
