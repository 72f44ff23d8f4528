//! `aludel database create` and `aludel database drop`: what Alembic leaves to you.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use aludel_introspect::{Database, redact_url};
use aludel_schema::Dialect;
use aludel_sql::quote_ident;
use anyhow::{Context, bail};

use crate::args::DatabaseAction;

/// The URL's database name, and the URL of the server's maintenance database.
fn split_url(url: &str, dialect: Dialect) -> anyhow::Result<(String, String)> {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let (server, name) = head
        .rsplit_once('/')
        .filter(|(s, n)| s.contains("://") && !s.ends_with('/') && !n.is_empty())
        .with_context(|| format!("the URL {} names no database", redact_url(url)))?;
    let maintenance = dialect.backend().maintenance_database();
    let mut admin = format!("{server}/{maintenance}");
    if let Some(q) = query {
        admin.push('?');
        admin.push_str(q);
    }
    Ok((name.to_string(), admin))
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        bail!(
            "the URL {url} names an in-memory SQLite database: there is nothing to create or drop"
        );
    }
    Ok(PathBuf::from(path))
}

fn confirm(name: &str) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("dropping {name} deletes everything in it: pass --yes to confirm");
    }
    eprint!("Drop the database {name} and everything in it? Type its name to confirm: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if line.trim() != name {
        bail!("not confirmed: nothing was dropped");
    }
    Ok(())
}

pub(crate) async fn run(url: &str, action: &DatabaseAction) -> anyhow::Result<()> {
    let dialect = Dialect::from_url(url)
        .with_context(|| format!("unsupported database URL {}", redact_url(url)))?;
    if dialect == Dialect::Sqlite {
        let path = sqlite_path(url)?;
        match action {
            DatabaseAction::Create => {
                if path.exists() {
                    bail!("the database {} exists already", path.display());
                }
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let db = Database::connect(&url).await?;
                db.close().await;
                eprintln!("Created {}.", path.display());
            }
            DatabaseAction::Drop { yes } => {
                if !path.exists() {
                    bail!("the database {} does not exist", path.display());
                }
                if !yes {
                    confirm(&path.display().to_string())?;
                }
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let p = PathBuf::from(format!("{}{suffix}", path.display()));
                    if p.exists() {
                        std::fs::remove_file(&p)
                            .with_context(|| format!("cannot delete {}", p.display()))?;
                    }
                }
                eprintln!("Dropped {}.", path.display());
            }
        }
        return Ok(());
    }
    let (name, admin) = split_url(url, dialect)?;
    if matches!(action, DatabaseAction::Drop { .. }) && is_system_database(dialect, &name) {
        bail!(
            "{name} is a system database of the {dialect} server; aludel never drops it. Check the URL: it should name your application's database"
        );
    }
    let mut db = Database::connect(&admin).await?;
    let lit = aludel_sql::quote_literal(dialect, &name);
    let exists_sql = dialect.backend().database_exists_query(&lit);
    let exists = !db.query_column(&exists_sql).await?.is_empty();
    match (action, exists) {
        (DatabaseAction::Create, true) => {
            db.close().await;
            bail!("the database {name} exists already");
        }
        (DatabaseAction::Drop { .. }, false) => {
            db.close().await;
            bail!("the database {name} does not exist");
        }
        _ => {}
    }
    let q = quote_ident(dialect, &name);
    let result = match action {
        DatabaseAction::Create => db.execute(&format!("CREATE DATABASE {q}")).await.map(|_| {
            eprintln!("Created the database {name}.");
        }),
        DatabaseAction::Drop { yes } => {
            if !yes {
                confirm(&name)?;
            }
            db.execute(&format!("DROP DATABASE {q}")).await.map(|_| {
                eprintln!("Dropped the database {name}.");
            })
        }
    };
    db.close().await;
    result.with_context(|| match action {
        DatabaseAction::Create => format!("cannot create the database {name}"),
        DatabaseAction::Drop { .. } => {
            format!("cannot drop the database {name} (are other sessions connected to it?)")
        }
    })
}

/// The databases a server needs for itself.
fn is_system_database(dialect: Dialect, name: &str) -> bool {
    let system = dialect.backend().system_databases();
    // MySQL's names are case-insensitive on some systems; PostgreSQL's are not, but no
    // one means `Postgres` as another database.
    system.iter().any(|s| s.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_name_and_server() {
        assert_eq!(
            split_url(
                "postgres://u:p@h:5432/app?sslmode=require",
                Dialect::Postgres
            )
            .unwrap(),
            (
                "app".into(),
                "postgres://u:p@h:5432/postgres?sslmode=require".into()
            )
        );
        assert_eq!(
            split_url("mysql://root@h/app", Dialect::MySql).unwrap(),
            ("app".into(), "mysql://root@h/".into())
        );
        assert!(split_url("postgres://h", Dialect::Postgres).is_err());
        assert_eq!(
            sqlite_path("sqlite://app.db?mode=rwc").unwrap(),
            PathBuf::from("app.db")
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
    }
}
