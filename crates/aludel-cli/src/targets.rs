//! Fleets: the `[targets.<group>]` of aludel.toml — the databases, or the schemas of a
//! PostgreSQL database, that one command runs against together — and which of them
//! `--target` and `--all` select.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use aludel_introspect::{Database, redact_url};
use aludel_schema::Dialect;
use anyhow::{Context, bail};
use serde::Deserialize;

use crate::config::{Project, has_password, resolve_url, wildcard};

/// `[targets.<group>]`: one source of targets. A group has exactly one of `urls`, `file`,
/// `query` and `schemas`/`schemas_query`. (Its `Debug` shows the URLs redacted.)
#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TargetGroup {
    /// Named URLs: `acme = "postgres://app@db/acme"`. `${VAR}` reads the environment
    /// (or the project's `.env`), so that no password sits in the file.
    pub urls: BTreeMap<String, String>,
    /// A file of URLs, relative to aludel.toml: one target per line, `URL` or
    /// `NAME URL`; blank lines and lines starting with `#` are skipped.
    pub file: Option<PathBuf>,
    /// The database `query` or `schemas` is about (default: the project's URL).
    pub url: Option<String>,
    /// SQL run against `url` that returns the targets: one column (URL) or two (name, URL).
    pub query: Option<String>,
    /// PostgreSQL schema-per-tenant: schemas of `url`, each a target with a version
    /// table and ledger of its own.
    pub schemas: Vec<String>,
    /// SQL run against `url` that returns the names of the schemas.
    pub schemas_query: Option<String>,
}

/// One database, or one schema of a PostgreSQL database, that a fleet command runs
/// against. (Its `Debug` shows the URL redacted.)
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    /// `group/member`.
    pub name: String,
    pub url: String,
    /// PostgreSQL schema-per-tenant: the schema to work in.
    pub schema: Option<String>,
}

impl std::fmt::Debug for TargetGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: BTreeMap<&String, String> =
            self.urls.iter().map(|(k, u)| (k, redact_url(u))).collect();
        f.debug_struct("TargetGroup")
            .field("urls", &urls)
            .field("file", &self.file)
            .field("url", &self.url.as_deref().map(redact_url))
            .field("query", &self.query)
            .field("schemas", &self.schemas)
            .field("schemas_query", &self.schemas_query)
            .finish()
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("url", &redact_url(&self.url))
            .field("schema", &self.schema)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    Urls,
    File,
    Query,
    Schemas,
}

impl TargetGroup {
    fn source(&self, group: &str) -> anyhow::Result<Source> {
        let mut sources = Vec::new();
        if !self.urls.is_empty() {
            sources.push(Source::Urls);
        }
        if self.file.is_some() {
            sources.push(Source::File);
        }
        if self.query.is_some() {
            sources.push(Source::Query);
        }
        if !self.schemas.is_empty() || self.schemas_query.is_some() {
            sources.push(Source::Schemas);
        }
        let source = match sources.as_slice() {
            [one] => *one,
            [] => bail!(
                "[targets.{group}] lists no target: give it `urls`, `file`, `query` or `schemas` (docs/fleet.md)"
            ),
            _ => bail!(
                "[targets.{group}] has more than one of `urls`, `file`, `query` and `schemas`: make a group of each"
            ),
        };
        if self.url.is_some() && matches!(source, Source::Urls | Source::File) {
            bail!(
                "[targets.{group}]: `url` names the database of `query` or `schemas`; the targets of `urls` and `file` carry their own"
            );
        }
        if !self.schemas.is_empty() && self.schemas_query.is_some() {
            bail!("[targets.{group}]: give `schemas` or `schemas_query`, not both");
        }
        Ok(source)
    }

    /// Checks what can be checked without the environment or a database.
    pub fn validate(&self, group: &str) -> anyhow::Result<()> {
        if !valid_name(group) {
            bail!("[targets.{group:?}]: a group's name is letters, digits, `_`, `-` and `.`");
        }
        self.source(group)?;
        for name in self.urls.keys().chain(&self.schemas) {
            if name.is_empty() || name.contains('/') {
                bail!("[targets.{group}]: the target name {name:?} must be non-empty, without `/`");
            }
        }
        Ok(())
    }

    /// Whether a URL written in aludel.toml holds a password.
    pub fn holds_password(&self) -> bool {
        self.urls.values().chain(&self.url).any(|u| has_password(u))
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The targets `patterns` (or `all`) select, in the order of their groups and, within a
/// group, of its source. A pattern is a group's name, `GROUP/NAME`, or a glob of either
/// (`*`, `?`); one that selects nothing is an error.
pub async fn select(
    project: &Project,
    patterns: &[String],
    all: bool,
) -> anyhow::Result<Vec<Target>> {
    let groups = &project.config.targets;
    if groups.is_empty() {
        bail!(
            "{} defines no targets: add a [targets.<group>] section (docs/fleet.md)",
            project.file.display()
        );
    }
    let parsed: Vec<(&str, Option<&str>)> = patterns
        .iter()
        .map(|p| match p.split_once('/') {
            Some((g, m)) => (g, Some(m)),
            None => (p.as_str(), None),
        })
        .collect();
    let known = || groups.keys().cloned().collect::<Vec<_>>().join(", ");
    for (p, (g, _)) in patterns.iter().zip(&parsed) {
        if !groups.keys().any(|name| wildcard(g, name)) {
            bail!(
                "--target {p}: no group of targets is called that; the groups are {}",
                known()
            );
        }
    }
    let mut out = Vec::new();
    let mut matched = vec![false; patterns.len()];
    for (group, def) in groups {
        let mine: Vec<(usize, Option<&str>)> = parsed
            .iter()
            .enumerate()
            .filter(|(_, (g, _))| wildcard(g, group))
            .map(|(i, (_, m))| (i, *m))
            .collect();
        if !all && mine.is_empty() {
            continue;
        }
        for target in load(project, group, def).await? {
            let member = &target.name[group.len() + 1..];
            let hits: Vec<usize> = mine
                .iter()
                .filter(|(_, m)| m.is_none_or(|m| wildcard(m, member)))
                .map(|(i, _)| *i)
                .collect();
            for &i in &hits {
                matched[i] = true;
            }
            if all || !hits.is_empty() {
                out.push(target);
            }
        }
    }
    if let Some(i) = matched.iter().position(|m| !m) {
        bail!(
            "--target {}: selects no target (no target of that name, or a group that lists none)",
            patterns[i]
        );
    }
    if out.is_empty() {
        bail!(
            "the groups selected list no target (a `query` or `schemas_query` that returned no rows, an empty file?): nothing to run"
        );
    }
    Ok(out)
}

/// The targets of one group.
async fn load(project: &Project, group: &str, def: &TargetGroup) -> anyhow::Result<Vec<Target>> {
    let within = || format!("in [targets.{group}]");
    let target = |member: String, url: String, schema: Option<String>| -> anyhow::Result<Target> {
        if member.is_empty() || member.contains('/') {
            bail!(
                "{}: the target name {member:?} (of {}) must be non-empty, without `/`",
                within(),
                redact_url(&url)
            );
        }
        Ok(Target {
            name: format!("{group}/{member}"),
            url,
            schema,
        })
    };
    let mut targets = Vec::new();
    match def.source(group)? {
        Source::Urls => {
            for (name, url) in &def.urls {
                let url = expand(project, url).with_context(within)?;
                targets.push(target(name.clone(), url, None)?);
            }
        }
        Source::File => {
            for (name, url) in read_file(project, def).with_context(within)? {
                targets.push(target(name, url, None)?);
            }
        }
        Source::Query => {
            let sql = def.query.as_deref().unwrap_or_default();
            let url = group_url(project, def).with_context(within)?;
            for row in query(&url, sql).await.with_context(within)? {
                let (name, url) = named_url(row).with_context(within)?;
                targets.push(target(name, url, None)?);
            }
        }
        Source::Schemas => {
            let url = group_url(project, def).with_context(within)?;
            if Dialect::from_url(&url) != Some(Dialect::Postgres) {
                bail!(
                    "{}: a schema per target is PostgreSQL's, and {} is not a PostgreSQL URL",
                    within(),
                    redact_url(&url)
                );
            }
            let names = match &def.schemas_query {
                None => def.schemas.clone(),
                Some(sql) => query(&url, sql)
                    .await
                    .with_context(within)?
                    .into_iter()
                    .map(|row| match row.as_slice() {
                        [Some(name)] => Ok(name.clone()),
                        [None] => bail!(
                            "`schemas_query` returned NULL for a schema's name; leave such rows out (WHERE ... IS NOT NULL)"
                        ),
                        other => bail!(
                            "`schemas_query` returns {} columns; it must return the schema's name",
                            other.len()
                        ),
                    })
                    .collect::<anyhow::Result<_>>()
                    .with_context(within)?,
            };
            for schema in names {
                targets.push(target(schema.clone(), url.clone(), Some(schema))?);
            }
        }
    }
    let mut seen = BTreeSet::new();
    for t in &targets {
        if !seen.insert(&t.name) {
            bail!(
                "{}: two targets are named {}; give them names of their own (distinct keys, `NAME URL` lines, or a query that returns a name and a URL)",
                within(),
                t.name
            );
        }
    }
    Ok(targets)
}

/// The database of a `query` or `schemas` group: its `url`, or the project's.
fn group_url(project: &Project, def: &TargetGroup) -> anyhow::Result<String> {
    match &def.url {
        Some(u) => expand(project, u),
        None => Ok(resolve_url(None, project)?.0),
    }
}

/// The rows `sql` returns on the database of `url`, each column as text.
async fn query(url: &str, sql: &str) -> anyhow::Result<Vec<Vec<Option<String>>>> {
    let mut db = Database::connect(url).await?;
    let rows = db.query_rows(sql).await;
    db.close().await;
    Ok(rows?)
}

/// A row of a `query`: (URL) or (name, URL).
fn named_url(row: Vec<Option<String>>) -> anyhow::Result<(String, String)> {
    match <[Option<String>; 2]>::try_from(row) {
        Ok([Some(name), Some(url)]) => Ok((name, url)),
        Ok(_) => bail!(
            "`query` returned NULL for a target's name or URL; leave such rows out (WHERE ... IS NOT NULL)"
        ),
        Err(row) => match row.as_slice() {
            [Some(url)] => Ok((name_of(url)?, url.clone())),
            [None] => bail!(
                "`query` returned NULL for a target's URL; leave such rows out (WHERE ... IS NOT NULL)"
            ),
            other => bail!(
                "`query` returns {} columns; it must return the URL, or the name and the URL",
                other.len()
            ),
        },
    }
}

/// The targets of a `file`: (name, URL) per line.
fn read_file(project: &Project, def: &TargetGroup) -> anyhow::Result<Vec<(String, String)>> {
    let path = project.root.join(def.file.clone().unwrap_or_default());
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the targets file {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{}, line {}", path.display(), n + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        let (name, url) = match words.as_slice() {
            [url] => {
                let url = expand(project, url).with_context(at)?;
                (name_of(&url).with_context(at)?, url)
            }
            [name, url] => (name.to_string(), expand(project, url).with_context(at)?),
            // The line is not shown: it may hold a password.
            _ => bail!(
                "{}: a line is `URL` or `NAME URL` (a space inside a URL is written %20)",
                at()
            ),
        };
        out.push((name, url));
    }
    Ok(out)
}

/// A target's name from its URL: the database's name (the last segment of the URL's
/// path), or the SQLite file's without its extension. Nothing of the user, password or
/// host is ever used: a URL without a path needs a name of its own.
fn name_of(url: &str) -> anyhow::Result<String> {
    let unnamed = || {
        anyhow::anyhow!(
            "cannot name a target after {}, which names no database: give it a name (`NAME URL`)",
            redact_url(url)
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(unnamed)?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    // A SQLite URL is all path; a server's starts with the user info and the host.
    let path = if scheme.starts_with("sqlite") {
        rest
    } else {
        let after_user = rest.rfind('@').map_or(rest, |at| &rest[at + 1..]);
        after_user.split_once('/').map_or("", |(_, path)| path)
    };
    let last = path.rsplit('/').next().unwrap_or_default();
    let name = [".sqlite3", ".sqlite", ".db"]
        .iter()
        .find_map(|ext| last.strip_suffix(ext))
        .unwrap_or(last);
    if name.is_empty() {
        return Err(unnamed());
    }
    Ok(name.to_string())
}

/// `text` with each `${NAME}` replaced by the variable's value: the environment's, else
/// the project's `.env`. A value that lands in a URL's user, password or query is
/// percent-encoded (a password may hold `@`, `/`, `:`, `&` or `#`).
pub fn expand(project: &Project, text: &str) -> anyhow::Result<String> {
    expand_with(text, |name| {
        std::env::var(name)
            .ok()
            .or_else(|| crate::config::dotenv_var(project, name))
    })
}

fn expand_with(text: &str, lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<String> {
    substitute(text, lookup, true)
}

/// `text` with each `${NAME}` replaced by `lookup(NAME)`, percent-encoded (with
/// `encode`) where it lands in a URL's user info (before the `@` that precedes the host;
/// SQLite URLs have none) or query.
pub(crate) fn substitute(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
    encode: bool,
) -> anyhow::Result<String> {
    let (host, query) = match text.split_once("://") {
        Some((scheme, rest)) => {
            let start = scheme.len() + 3;
            let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
            let user_info = match scheme.starts_with("sqlite") {
                true => 0,
                false => authority.rfind('@').unwrap_or(0),
            };
            let host = start + user_info;
            (
                start..host,
                text[host..].find('?').map(|q| host + q..text.len()),
            )
        }
        None => (0..0, None),
    };
    let encoded = |at: usize| {
        encode && (host.contains(&at) || query.as_ref().is_some_and(|q| q.contains(&at)))
    };
    let mut out = String::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("${") {
        let start = at + found;
        out.push_str(&text[at..start]);
        let after = &text[start + 2..];
        let end = after
            .find('}')
            .context("a `${` is never closed: write ${NAME}")?;
        let name = &after[..end];
        let value = lookup(name).with_context(|| {
            format!(
                "${{{name}}}: the environment has no variable {name}; set it, or put it in .env"
            )
        })?;
        if encoded(start) {
            out.extend(percent_encoding::utf8_percent_encode(
                &value,
                UNRESERVED_KEPT,
            ));
        } else {
            out.push_str(&value);
        }
        at = start + 2 + end + 1;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Every byte but RFC 3986's unreserved characters is percent-encoded.
const UNRESERVED_KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_references_are_expanded_and_a_missing_one_is_named() {
        let env = |n: &str| match n {
            "PW" => Some("s3cret".to_string()),
            "HARD" => Some("p@ss/w:rd".to_string()),
            "URL" => Some("postgres://u:p@h/db".to_string()),
            _ => None,
        };
        assert_eq!(
            expand_with("postgres://app:${PW}@db/${PW}x", env).unwrap(),
            "postgres://app:s3cret@db/s3cretx"
        );
        assert_eq!(
            expand_with("postgres://app:${HARD}@db/${HARD}", env).unwrap(),
            "postgres://app:p%40ss%2Fw%3Ard@db/p@ss/w:rd",
            "encoded in the user info, not in the path"
        );
        assert_eq!(
            expand_with("${URL}", env).unwrap(),
            "postgres://u:p@h/db",
            "a whole URL is taken as it is"
        );
        assert_eq!(
            expand_with("postgres://app@db/x?sslmode=require&password=${HARD}", env).unwrap(),
            "postgres://app@db/x?sslmode=require&password=p%40ss%2Fw%3Ard",
            "and in the query"
        );
        assert_eq!(
            expand_with("postgres://app@db?password=${HARD}", env).unwrap(),
            "postgres://app@db?password=p%40ss%2Fw%3Ard",
            "a query without a path"
        );
        assert_eq!(
            expand_with("sqlite://${PW}@2024.db", env).unwrap(),
            "sqlite://s3cret@2024.db",
            "a SQLite URL has no user info"
        );
        assert_eq!(expand_with("sqlite://a.db", env).unwrap(), "sqlite://a.db");
        let err = expand_with("postgres://${NOPE}@db", env).unwrap_err();
        assert!(err.to_string().contains("no variable NOPE"), "{err}");
        assert!(expand_with("x${PW", env).is_err());
    }

    #[test]
    fn targets_are_named_after_their_database() {
        assert_eq!(
            name_of("postgres://u:p@h:5432/acme?sslmode=require").unwrap(),
            "acme"
        );
        assert_eq!(
            name_of("sqlite://tenants/globex.db?mode=rwc").unwrap(),
            "globex"
        );
        assert_eq!(name_of("mysql://root@h/initech").unwrap(), "initech");
        assert!(name_of("postgres://u@h/").is_err());
        assert!(name_of("sqlite::memory:").is_err());
        assert_eq!(name_of("sqlite://a.db").unwrap(), "a");
        assert_eq!(name_of("sqlite:///srv/t/b.sqlite3?mode=rwc").unwrap(), "b");
        // No database in the URL: nothing of the user info or host becomes a name.
        for url in [
            "postgres://app:s3cret@db",
            "postgres://app:s3cret@db:5432?sslmode=require",
            "postgres://app:s3/cret@db",
        ] {
            let err = name_of(url).unwrap_err().to_string();
            assert!(
                err.contains("give it a name") && !err.contains("s3"),
                "{err}"
            );
        }
    }

    #[test]
    fn rows_of_a_query_are_urls_or_names_and_urls() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            named_url(vec![s("a"), s("sqlite://x.db")]).unwrap(),
            ("a".into(), "sqlite://x.db".into())
        );
        assert_eq!(
            named_url(vec![s("sqlite://x.db")]).unwrap(),
            ("x".into(), "sqlite://x.db".into())
        );
        assert!(named_url(vec![s("a"), None]).is_err());
        assert!(named_url(vec![s("a"), s("b"), s("c")]).is_err());
    }

    #[test]
    fn patterns_select_groups_targets_and_globs_of_either() {
        let config: crate::config::Config = toml::from_str(
            "[targets.a]\nurls = { x = \"sqlite://ax.db\", y = \"sqlite://ay.db\" }\n\
             [targets.b]\nurls = { x = \"sqlite://bx.db\" }\n",
        )
        .unwrap();
        let project = Project {
            root: ".".into(),
            file: "aludel.toml".into(),
            config,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let pick = |patterns: &[&str], all: bool| {
            let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
            rt.block_on(select(&project, &patterns, all))
                .map(|ts| ts.into_iter().map(|t| t.name).collect::<Vec<_>>())
                .map_err(|e| e.to_string())
        };
        assert_eq!(pick(&["a"], false).unwrap(), ["a/x", "a/y"]);
        assert_eq!(pick(&["*/x"], false).unwrap(), ["a/x", "b/x"]);
        assert_eq!(pick(&["a/y", "b"], false).unwrap(), ["a/y", "b/x"]);
        assert_eq!(pick(&["?"], false).unwrap(), ["a/x", "a/y", "b/x"]);
        assert_eq!(pick(&[], true).unwrap(), ["a/x", "a/y", "b/x"]);
        let err = pick(&["c"], false).unwrap_err();
        assert!(err.contains("the groups are a, b"), "{err}");
        let err = pick(&["a/z"], false).unwrap_err();
        assert!(err.contains("--target a/z: selects no target"), "{err}");
    }

    #[test]
    fn a_group_has_one_source() {
        let g = |text: &str| {
            toml::from_str::<TargetGroup>(text)
                .unwrap()
                .validate("g")
                .map_err(|e| e.to_string())
        };
        assert!(g("urls = { a = \"sqlite://a.db\" }").is_ok());
        assert!(g("schemas = [\"t1\"]").is_ok());
        assert!(g("").unwrap_err().contains("lists no target"));
        assert!(
            g("urls = { a = \"x\" }\nfile = \"f\"")
                .unwrap_err()
                .contains("more than one")
        );
        assert!(
            g("file = \"f\"\nurl = \"x\"")
                .unwrap_err()
                .contains("`url`")
        );
        assert!(
            g("schemas = [\"a/b\"]")
                .unwrap_err()
                .contains("without `/`")
        );
        assert!(
            g("schemas = [\"a\"]\nschemas_query = \"SELECT 1\"")
                .unwrap_err()
                .contains("not both")
        );
    }
}
