use std::str::FromStr;
use std::time::Duration;

use aludel_schema::{Dialect, Schema};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};

use crate::{Error, IntrospectOptions, Result};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

pub(crate) enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

/// One open connection to a PostgreSQL, MySQL/MariaDB or SQLite database.
pub struct Database {
    pub(crate) conn: Conn,
    dialect: Dialect,
    url: String,
    mariadb: bool,
    queries: u64,
    /// PostgreSQL: the schema the session works in (a tenant of a fleet), first on the
    /// search path; `None`: the server's search path.
    schema: Option<String>,
}

/// The URL with its passwords replaced by `***`, for messages.
///
/// The user info's password: everything between its first `:` and the last `@` before
/// the query (so a password may hold an unescaped `/`), or, when no `@` comes before a
/// `?` or `#`, the first `@` with no `/` before it (a password holding `?` or `#`). And
/// the value of every `password=` or `sslpassword=` parameter (however its name is
/// percent-encoded), up to the next `&`. A URL without `//` (`postgres:/...`) is read
/// the same way.
pub fn redact_url(url: &str) -> String {
    let Some(colon) = url.find(':') else {
        return url.to_string();
    };
    let after = &url[colon + 1..];
    let slashes = after.len() - after.trim_start_matches('/').len();
    let (head, rest) = url.split_at(colon + 1 + slashes);
    format!("{head}{}", redact_params(&redact_user_info(rest)))
}

/// `user:password@host...` with the password masked (an empty one is left as it is).
fn redact_user_info(rest: &str) -> String {
    let before_query = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let at = before_query
        .rfind('@')
        .or_else(|| rest.find('@').filter(|&at| !rest[..at].contains('/')));
    match at.and_then(|at| Some((rest[..at].split_once(':')?, at))) {
        Some(((user, password), at)) if !user.contains('/') && !password.is_empty() => {
            format!("{user}:***{}", &rest[at..])
        }
        _ => rest.to_string(),
    }
}

/// The values of password parameters masked, wherever a `?` or `&` starts one.
fn redact_params(text: &str) -> String {
    let secret = |key: &str| {
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
        key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("sslpassword")
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['?', '&']) {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let end = rest.find('&').unwrap_or(rest.len());
        match rest[..end].split_once('=') {
            Some((key, _)) if secret(key) => {
                out.push_str(key);
                out.push_str("=***");
                rest = &rest[end..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

fn hint(dialect: Dialect, e: &sqlx::Error) -> &'static str {
    let text = e.to_string().to_ascii_lowercase();
    if dialect == Dialect::Sqlite && text.contains("unable to open") {
        "\n  hint: check that the directory exists; add ?mode=rwc to the URL to create the file"
    } else if text.contains("refused") || text.contains("timed out") || text.contains("resolve") {
        "\n  hint: is the server running, and are the host and port in the URL right?"
    } else if text.contains("password")
        || text.contains("authentication")
        || text.contains("access denied")
    {
        "\n  hint: check the user and password in the URL"
    } else if text.contains("does not exist") || text.contains("unknown database") {
        "\n  hint: create the database first"
    } else {
        ""
    }
}

impl Database {
    /// Connects to the database a URL names; the dialect comes from the scheme.
    pub async fn connect(url: &str) -> Result<Database> {
        Database::connect_in(url, None).await
    }

    /// Connects to the database a URL names and, on PostgreSQL with `schema`, works in
    /// that schema: it comes first on the search path (then `public`, for extensions'
    /// types and functions), so everything aludel creates and reads unqualified is the
    /// schema's own, its version table and ledger included. A schema that does not exist
    /// is an error, never a fall back to `public`.
    pub async fn connect_in(url: &str, schema: Option<&str>) -> Result<Database> {
        let dialect =
            Dialect::from_url(url).ok_or_else(|| Error::UnsupportedUrl(redact_url(url)))?;
        let shown = redact_url(url);
        if schema.is_some() && dialect != Dialect::Postgres {
            return Err(Error::Schema(format!(
                "a schema of its own per target is PostgreSQL's; {shown} is {dialect}: use one database per target"
            )));
        }
        let invalid = |source| Error::InvalidUrl {
            url: shown.clone(),
            source,
        };
        let connect_err = |source: sqlx::Error| Error::Connect {
            url: shown.clone(),
            hint: hint(dialect, &source),
            source,
        };
        let timed_out = || Error::Connect {
            url: shown.clone(),
            source: sqlx::Error::PoolTimedOut,
            hint: "\n  hint: the server did not answer within 15 seconds; is the host right?",
        };
        let conn = match dialect {
            Dialect::Postgres => {
                let mut opts = PgConnectOptions::from_str(url).map_err(invalid)?;
                if !url.contains("application_name=") {
                    opts = opts.application_name("aludel");
                }
                let c = tokio::time::timeout(CONNECT_TIMEOUT, opts.connect())
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(connect_err)?;
                Conn::Pg(c)
            }
            Dialect::MySql => {
                let normalized = match url.split_once("://") {
                    Some((_, rest)) => format!("mysql://{rest}"),
                    None => url.to_string(),
                };
                let opts = MySqlConnectOptions::from_str(&normalized).map_err(invalid)?;
                let c = tokio::time::timeout(CONNECT_TIMEOUT, opts.connect())
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(connect_err)?;
                Conn::My(c)
            }
            Dialect::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url)
                    .map_err(invalid)?
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30));
                Conn::Lite(opts.connect().await.map_err(connect_err)?)
            }
        };
        let mut db = Database {
            conn,
            dialect,
            url: shown,
            mariadb: false,
            queries: 0,
            schema: schema.map(str::to_string),
        };
        if let Err(e) = db.prepare_session().await {
            db.close().await;
            return Err(e);
        }
        db.queries = 0;
        Ok(db)
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The schema the session works in, when [`Database::connect_in`] named one.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// What every session of aludel's needs, whatever the server's defaults.
    ///
    /// PostgreSQL 14+: `client_connection_check_interval`, so that a statement whose
    /// client was killed stops (and lets go of aludel's lock) within seconds instead of
    /// running to its end. MySQL: backslashes in string literals are escapes (aludel's
    /// quoting doubles them), whatever `sql_mode` the server sets.
    async fn prepare_session(&mut self) -> Result<()> {
        match self.dialect {
            Dialect::Postgres => {
                self.prepare_session_settings().await;
                match self.schema.clone() {
                    Some(schema) => self.enter_schema(&schema).await,
                    None => Ok(()),
                }
            }
            Dialect::MySql => {
                let row = self
                    .query_column("SELECT CONCAT(VERSION(), '|', @@SESSION.sql_mode)")
                    .await?;
                let text = row.first().cloned().flatten().unwrap_or_default();
                self.mariadb = text.to_ascii_lowercase().contains("mariadb");
                if text.contains("NO_BACKSLASH_ESCAPES") {
                    self.execute(
                        "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
                    )
                    .await?;
                }
                Ok(())
            }
            Dialect::Sqlite => Ok(()),
        }
    }

    /// PostgreSQL: what [`Database::prepare_session`] sets. Best effort: a server that
    /// cannot watch its sockets refuses the setting, and the session works as before.
    async fn prepare_session_settings(&mut self) {
        let _ = self
            .execute(
                "SELECT set_config('client_connection_check_interval', '2000', false) \
                 WHERE current_setting('server_version_num')::int >= 140000",
            )
            .await;
    }

    /// PostgreSQL: works in `schema` from now on, as [`Database::connect_in`] would have:
    /// a session can serve tenant after tenant of one database, its catalog caches warm.
    /// With `reset`, what the previous tenant's revisions may have left in the session
    /// goes first: settings, role, temporary tables, advisory locks, listeners, and the
    /// prepared statements (a table of the same name has other columns in another schema).
    pub async fn set_schema(&mut self, schema: &str, reset: bool) -> Result<()> {
        let Conn::Pg(conn) = &mut self.conn else {
            return Err(Error::Schema(format!(
                "a schema of its own per target is PostgreSQL's; {} is {}",
                self.url, self.dialect
            )));
        };
        if reset {
            conn.clear_cached_statements()
                .await
                .map_err(|source| query_error("DEALLOCATE", source))?;
            // A transaction a revision left open ends first (alone: a batch is one).
            self.execute("ROLLBACK").await?;
            self.execute_batch(&[
                "RESET ALL",
                "SET SESSION AUTHORIZATION DEFAULT",
                "CLOSE ALL",
                "DEALLOCATE ALL",
                "DISCARD TEMP",
                "DISCARD SEQUENCES",
                "UNLISTEN *",
                "SELECT pg_catalog.pg_advisory_unlock_all()",
            ])
            .await
            .map_err(|(_, e)| e)?;
            self.prepare_session_settings().await;
        }
        self.schema = Some(schema.to_string());
        self.enter_schema(schema).await
    }

    /// PostgreSQL: puts `schema` first on the search path (then `public`), in one round
    /// trip that also checks that the schema exists and that the role may use it. A
    /// schema the role has no USAGE on would be left out of the search path by the server,
    /// and `public` would take its place: refused.
    async fn enter_schema(&mut self, schema: &str) -> Result<()> {
        use aludel_schema::{quote_ident, quote_literal};
        let pg = Dialect::Postgres;
        let lit = quote_literal(pg, schema);
        let path = format!("{}, public", quote_ident(pg, schema));
        // Not prepared (the text differs for each tenant): one round trip, nothing cached.
        let sql = format!(
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = {lit}) \
             THEN 'missing' WHEN NOT pg_catalog.has_schema_privilege({lit}, 'USAGE') \
             THEN 'no usage' ELSE 'ok' END, current_user::text, set_config('search_path', {}, false)",
            quote_literal(pg, &path)
        );
        let rows = self.query_batch(&[&sql]).await?;
        let row = rows.into_iter().flatten().next().unwrap_or_default();
        match (
            row.first().cloned().flatten().as_deref(),
            row.get(1).cloned().flatten(),
        ) {
            (Some("ok"), _) => Ok(()),
            (Some("no usage"), user) => Err(Error::Schema(format!(
                "the role of {} may not use the schema {schema:?} (no USAGE privilege); run `GRANT USAGE ON SCHEMA {} TO {}`, or connect as the schema's owner",
                self.url,
                quote_ident(pg, schema),
                quote_ident(pg, &user.unwrap_or_default())
            ))),
            _ => Err(Error::Schema(format!(
                "the schema {schema:?} does not exist in {}; create it first (CREATE SCHEMA), or take it out of the targets",
                self.url
            ))),
        }
    }

    /// Whether a MySQL-dialect server is MariaDB.
    pub fn is_mariadb(&self) -> bool {
        self.mariadb
    }

    /// The URL, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What models cannot say in the connection's schema or database (views, triggers,
    /// functions, partitions), one line each: never read as tables, never dropped.
    pub async fn unmodelled(&mut self) -> Result<Vec<String>> {
        let sql = self.dialect().backend().unmodelled_query();
        Ok(self
            .query_column(sql)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// How many statements this connection has run.
    pub fn query_count(&self) -> u64 {
        self.queries
    }

    /// Runs one statement; returns the number of rows it affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64> {
        self.queries += 1;
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        let res = match &mut self.conn {
            Conn::Pg(c) => q.execute(c).await.map(|r| r.rows_affected()),
            Conn::My(c) => q.execute(c).await.map(|r| r.rows_affected()),
            Conn::Lite(c) => q.execute(c).await.map(|r| r.rows_affected()),
        };
        res.map_err(|source| query_error(sql, source))
    }

    /// Runs statements in one round trip, each one statement (`lex::single_statement`
    /// says which are). On failure: the index of the statement that failed, and its error;
    /// none after it has run, and the ones before it have unless the server refused the
    /// batch whole (PostgreSQL parses all of it first: a syntax error runs nothing).
    pub async fn execute_batch(&mut self, statements: &[&str]) -> BatchResult {
        match statements {
            [] => return Ok(()),
            [one] => return self.execute(one).await.map(drop).map_err(|e| (0, e)),
            _ => {}
        }
        self.queries += 1;
        // Each `;` on a line of its own, apart from the statements' text.
        let script = statements.join("\n;\n");
        let q = sqlx::raw_sql(AssertSqlSafe(script));
        let mut done = 0;
        let failed = match &mut self.conn {
            Conn::Pg(c) => count_done(q.execute_many(c), &mut done).await,
            Conn::My(c) => count_done(q.execute_many(c), &mut done).await,
            Conn::Lite(c) => count_done(q.execute_many(c), &mut done).await,
        };
        match failed {
            None => Ok(()),
            Some(source) => {
                let i = pg_failed_statement(statements, &source)
                    .unwrap_or(done)
                    .min(statements.len() - 1);
                Err((i, query_error(statements[i], source)))
            }
        }
    }

    /// Runs queries in one round trip (each one statement, as for
    /// [`Database::execute_batch`]); the rows of each, every column as text.
    pub async fn query_batch(&mut self, queries: &[&str]) -> Result<Vec<Vec<Vec<Option<String>>>>> {
        self.queries += 1;
        let script = queries.join("\n;\n");
        let q = sqlx::raw_sql(AssertSqlSafe(script.clone()));
        let res = match &mut self.conn {
            Conn::Pg(c) => collect_results(q.fetch_many(c), text_pg).await,
            Conn::My(c) => collect_results(q.fetch_many(c), text_my).await,
            Conn::Lite(c) => collect_results(q.fetch_many(c), text_lite).await,
        };
        res.map_err(|source| query_error(&script, source))
    }

    /// Runs a query and returns its first column, each value as text.
    pub async fn query_column(&mut self, sql: &str) -> Result<Vec<Option<String>>> {
        self.queries += 1;
        let q = || AssertSqlSafe(sql.to_string());
        let res = match &mut self.conn {
            Conn::Pg(c) => sqlx::query(q())
                .fetch_all(c)
                .await
                .map(|rows| rows.iter().map(|r| text_pg(r, 0)).collect()),
            Conn::My(c) => sqlx::query(q())
                .fetch_all(c)
                .await
                .map(|rows| rows.iter().map(|r| text_my(r, 0)).collect()),
            Conn::Lite(c) => sqlx::query(q())
                .fetch_all(c)
                .await
                .map(|rows| rows.iter().map(|r| text_lite(r, 0)).collect()),
        };
        res.map_err(|source| query_error(sql, source))
    }

    /// Runs a query and returns every row, each column as text.
    pub async fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        self.queries += 1;
        let q = || AssertSqlSafe(sql.to_string());
        let res = match &mut self.conn {
            Conn::Pg(c) => sqlx::query(q()).fetch_all(c).await.map(|rows| {
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| text_pg(r, i)).collect())
                    .collect()
            }),
            Conn::My(c) => sqlx::query(q()).fetch_all(c).await.map(|rows| {
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| text_my(r, i)).collect())
                    .collect()
            }),
            Conn::Lite(c) => sqlx::query(q()).fetch_all(c).await.map(|rows| {
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| text_lite(r, i)).collect())
                    .collect()
            }),
        };
        res.map_err(|source| query_error(sql, source))
    }

    /// Reads the schema of the database (the current schema on PostgreSQL, the current
    /// database on MySQL, `main` on SQLite).
    pub async fn introspect(&mut self, opts: &IntrospectOptions) -> Result<Schema> {
        let mut schema = match self.dialect {
            Dialect::Postgres => crate::postgres::introspect(self, opts).await?,
            Dialect::MySql => crate::mysql::introspect(self).await?,
            Dialect::Sqlite => crate::sqlite::introspect(self).await?,
        };
        schema.sort();
        Ok(schema)
    }

    pub(crate) async fn fetch_pg(
        &mut self,
        sql: &'static str,
        schemas: &[String],
    ) -> Result<Vec<PgRow>> {
        self.fetch_pg_arrays(sql, &[schemas]).await
    }

    /// A catalog query whose parameters `$1, $2, ...` are text arrays.
    pub(crate) async fn fetch_pg_arrays(
        &mut self,
        sql: &'static str,
        arrays: &[&[String]],
    ) -> Result<Vec<PgRow>> {
        self.queries += 1;
        let Conn::Pg(c) = &mut self.conn else {
            return Err(Error::Catalog("not a PostgreSQL connection".into()));
        };
        let mut q = sqlx::query(sql);
        for a in arrays {
            q = q.bind(*a);
        }
        q.fetch_all(c)
            .await
            .map_err(|source| query_error(sql, source))
    }

    pub(crate) async fn fetch_my(&mut self, sql: &'static str) -> Result<Vec<MySqlRow>> {
        self.queries += 1;
        let Conn::My(c) = &mut self.conn else {
            return Err(Error::Catalog("not a MySQL connection".into()));
        };
        sqlx::query(sql)
            .fetch_all(c)
            .await
            .map_err(|source| query_error(sql, source))
    }

    pub(crate) async fn fetch_lite(&mut self, sql: &'static str) -> Result<Vec<SqliteRow>> {
        self.queries += 1;
        let Conn::Lite(c) = &mut self.conn else {
            return Err(Error::Catalog("not a SQLite connection".into()));
        };
        sqlx::query(sql)
            .fetch_all(c)
            .await
            .map_err(|source| query_error(sql, source))
    }

    /// Closes the connection cleanly.
    pub async fn close(self) {
        let _ = match self.conn {
            Conn::Pg(c) => c.close().await,
            Conn::My(c) => c.close().await,
            Conn::Lite(c) => c.close().await,
        };
    }
}

/// What [`Database::execute_batch`] returns: on failure, which statement failed.
pub type BatchResult = std::result::Result<(), (usize, Error)>;

/// Drains the results of a batch, counting the statements that completed; the error that
/// stopped it, if one did.
async fn count_done<T>(
    mut results: futures_util::stream::BoxStream<'_, sqlx::Result<T>>,
    done: &mut usize,
) -> Option<sqlx::Error> {
    use futures_util::StreamExt;
    while let Some(r) = results.next().await {
        match r {
            Ok(_) => *done += 1,
            Err(e) => return Some(e),
        }
    }
    None
}

/// The rows of each statement of a batch, every column as text (`text` reads one).
async fn collect_results<R: Row, Q>(
    mut results: futures_util::stream::BoxStream<'_, sqlx::Result<sqlx::Either<Q, R>>>,
    text: fn(&R, usize) -> Option<String>,
) -> sqlx::Result<Vec<Vec<Vec<Option<String>>>>> {
    use futures_util::StreamExt;
    let mut out = Vec::new();
    let mut rows = Vec::new();
    while let Some(item) = results.next().await {
        match item? {
            // A statement's rows come first, then its result.
            sqlx::Either::Left(_) => out.push(std::mem::take(&mut rows)),
            sqlx::Either::Right(r) => rows.push((0..r.len()).map(|i| text(&r, i)).collect()),
        }
    }
    if !rows.is_empty() {
        out.push(rows);
    }
    Ok(out)
}

/// The statement of a batch (`statements` joined by `"\n;\n"`) that PostgreSQL's error
/// points into: the server parses the whole batch before it runs any of it, so a syntax
/// error in a later statement comes before any result.
fn pg_failed_statement(statements: &[&str], source: &sqlx::Error) -> Option<usize> {
    let pg = source
        .as_database_error()?
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    let sqlx::postgres::PgErrorPosition::Original(position) = pg.position()? else {
        return None;
    };
    // 1-based, in characters.
    let mut start = 1;
    for (i, s) in statements.iter().enumerate() {
        start += s.chars().count() + 3;
        if position < start {
            return Some(i);
        }
    }
    None
}

fn query_error(sql: &str, source: sqlx::Error) -> Error {
    let one_line: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = if one_line.len() > 300 {
        format!("{}...", &one_line[..one_line.floor_char_boundary(300)])
    } else {
        one_line
    };
    let hint = source
        .as_database_error()
        .and_then(|db| db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
        .map(|pg| pg_hint(pg.code(), pg.hint()))
        .unwrap_or_default();
    Error::Query {
        sql: shown,
        source,
        hint,
    }
}

/// The line added to a PostgreSQL error: aludel's advice for a server limit a migration
/// can reach, else the server's own hint.
pub(crate) fn pg_hint(code: &str, hint: Option<&str>) -> String {
    match (code, hint) {
        // out of shared memory: the lock table is full.
        ("53200", _) => {
            "\n  PostgreSQL keeps a lock on every table a transaction creates or changes until it \
             commits, and this transaction needs more than its lock table holds \
             (max_locks_per_transaction × server processes): raise max_locks_per_transaction in \
             postgresql.conf and restart the server, or write the revision in parts \
             (`aludel revision --autogenerate --split N`)"
                .to_string()
        }
        (_, Some(h)) => format!("\n  hint from PostgreSQL: {h}"),
        (_, None) => String::new(),
    }
}

/// Column `i` read as a `T` and written as text; `None` for NULL or another type.
fn as_text<'r, R, T>(r: &'r R, i: usize) -> Option<String>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    T: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database> + ToString,
{
    r.try_get::<Option<T>, _>(i)
        .ok()
        .flatten()
        .map(|v| v.to_string())
}

/// A value of any simple type as text (`None` for NULL or an unreadable value).
pub(crate) fn text_pg(r: &PgRow, i: usize) -> Option<String> {
    as_text::<_, String>(r, i)
        .or_else(|| as_text::<_, i64>(r, i))
        .or_else(|| as_text::<_, i32>(r, i))
        .or_else(|| as_text::<_, bool>(r, i))
}

pub(crate) fn text_my(r: &MySqlRow, i: usize) -> Option<String> {
    as_text::<_, String>(r, i)
        .or_else(|| {
            r.try_get::<Option<Vec<u8>>, _>(i)
                .ok()
                .flatten()
                .map(|v| String::from_utf8_lossy(&v).into_owned())
        })
        .or_else(|| as_text::<_, i64>(r, i))
        .or_else(|| as_text::<_, u64>(r, i))
}

pub(crate) fn text_lite(r: &SqliteRow, i: usize) -> Option<String> {
    as_text::<_, String>(r, i).or_else(|| as_text::<_, i64>(r, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_errors_carry_what_to_do() {
        let full = pg_hint(
            "53200",
            Some("You might need to increase max_locks_per_transaction."),
        );
        assert!(full.contains("raise max_locks_per_transaction"), "{full}");
        assert!(full.contains("revision --autogenerate --split N"), "{full}");
        assert_eq!(
            pg_hint("42883", Some("No function matches the given name.")),
            "\n  hint from PostgreSQL: No function matches the given name."
        );
        assert_eq!(pg_hint("42P01", None), "");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:secret@localhost:5432/app"),
            "postgres://app:***@localhost:5432/app"
        );
        assert_eq!(
            redact_url("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        assert_eq!(
            redact_url("sqlite://app.db?mode=rwc"),
            "sqlite://app.db?mode=rwc"
        );
        assert_eq!(
            redact_url("postgres://u:p@ss@h/db"),
            "postgres://u:***@h/db",
            "the last @ ends the user info"
        );
        assert_eq!(
            redact_url("postgres://app:p@ss/word@eu-db/acme"),
            "postgres://app:***@eu-db/acme",
            "an unescaped / in the password"
        );
        assert_eq!(
            redact_url("postgres://app@db/acme?sslmode=require&password=s3cret"),
            "postgres://app@db/acme?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("mysql://u@h/db?sslpassword=x#frag"),
            "mysql://u@h/db?sslpassword=***"
        );
        assert_eq!(
            redact_url("sqlite:///data/a@b.db?mode=rwc"),
            "sqlite:///data/a@b.db?mode=rwc"
        );
        assert_eq!(
            redact_url("postgres://u:pa?s#s@h/db"),
            "postgres://u:***@h/db",
            "a ? or # in the password"
        );
        // An @ in the query is not the user info's.
        assert_eq!(
            redact_url("postgres://db.internal:5432/acme?user=svc@corp&password=s3cret"),
            "postgres://db.internal:5432/acme?user=svc@corp&password=***"
        );
        assert_eq!(
            redact_url("postgres://app:pw@db:5432/acme?application_name=deploy@ci&password=s3"),
            "postgres://app:***@db:5432/acme?application_name=deploy@ci&password=***"
        );
        assert_eq!(
            redact_url("postgres://db/acme?password=ab#cd&sslmode=require"),
            "postgres://db/acme?password=***&sslmode=require",
            "the whole value, # included"
        );
        assert_eq!(
            redact_url("postgres://db/acme?pass%77ord=s3cret"),
            "postgres://db/acme?pass%77ord=***"
        );
        assert_eq!(
            redact_url("postgres:/app:secret@db/x"),
            "postgres:/app:***@db/x",
            "a URL with one slash"
        );
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(redact_url("postgres://u:@h/db"), "postgres://u:@h/db");
    }
}
