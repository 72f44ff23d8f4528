//! `aludel.toml` and where the database URL comes from.

use std::path::{Path, PathBuf};

use aludel_runner::{FILE_TEMPLATE_TOKENS, TransactionMode};
use aludel_schema::NamingConvention;
use anyhow::{Context, bail};
use serde::Deserialize;

pub const CONFIG_FILE: &str = "aludel.toml";

/// The configuration of a project, the analogue of `alembic.ini`.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The runner crate, relative to the config file; revisions live in its `versions/`.
    pub migrations: PathBuf,
    /// Revision file names: tokens {rev} {slug} {year} {month} {day} {hour} {minute} {second}.
    pub file_template: String,
    pub version_table: String,
    /// `revision` (each revision in its own transaction) or `all` (the whole run in one).
    pub transaction_mode: String,
    /// Seconds to wait for another run's migration lock.
    pub lock_timeout: u64,
    /// The database URL, when neither --url nor DATABASE_URL gives one.
    pub url: Option<String>,
    pub tables: Tables,
    pub naming: NamingConvention,
    /// Lint severities for review-diff: code or name = "error" | "warn" | "off".
    pub lints: std::collections::BTreeMap<String, String>,
    pub review: Review,
    /// `[targets.<group>]`: the databases (or PostgreSQL schemas) `--target` and `--all`
    /// run against.
    pub targets: std::collections::BTreeMap<String, crate::targets::TargetGroup>,
}

/// `[review]`: how review-diff writes its report.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    /// Where the lint pages are; a finding links to `<docs_url>/<code>.md`. Default:
    /// `docs/lints`, relative to the repository under review.
    pub docs_url: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tables {
    /// Patterns (`*`, `?`) of the tables aludel manages; empty means all.
    pub include: Vec<String>,
    /// Patterns of tables aludel never touches.
    pub exclude: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            migrations: PathBuf::from("migrations"),
            file_template: "{rev}_{slug}".into(),
            version_table: "aludel_version".into(),
            transaction_mode: "revision".into(),
            lock_timeout: 60,
            url: None,
            tables: Tables::default(),
            naming: NamingConvention::default(),
            lints: Default::default(),
            review: Review::default(),
            targets: Default::default(),
        }
    }
}

/// A loaded config and the folder it is in.
#[derive(Clone, Debug)]
pub struct Project {
    pub root: PathBuf,
    pub file: PathBuf,
    pub config: Config,
}

impl Project {
    pub fn versions_dir(&self) -> PathBuf {
        self.root.join(&self.config.migrations).join("versions")
    }

    pub fn runner_dir(&self) -> PathBuf {
        self.root.join(&self.config.migrations)
    }
}

/// Finds `aludel.toml` in `start` or a parent folder.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Loads the config named by `explicit`, or the one found from `start` upwards, or the
/// one found from `fallback` upwards (the runner crate's own folder).
pub fn load(
    explicit: Option<&Path>,
    start: &Path,
    fallback: Option<&Path>,
) -> anyhow::Result<Project> {
    let file = match explicit {
        Some(f) => {
            if !f.is_file() {
                bail!("config file {} does not exist", f.display());
            }
            f.to_path_buf()
        }
        None => find(start)
            .or_else(|| fallback.and_then(find))
            .with_context(|| {
                format!(
                    "no {CONFIG_FILE} in {} or any parent folder; run `aludel init` to create one",
                    start.display()
                )
            })?,
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a valid aludel config: {}",
            file.display(),
            e.to_string().trim_end()
        )
    })?;
    config
        .validate()
        .with_context(|| format!("in {}", file.display()))?;
    let root = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    Ok(Project { root, file, config })
}

impl Config {
    pub fn validate(&self) -> anyhow::Result<()> {
        let mut rest = self.file_template.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').with_context(|| {
                format!(
                    "file_template {:?}: a '{{' is never closed",
                    self.file_template
                )
            })?;
            let token = &rest[open + 1..open + close];
            if !FILE_TEMPLATE_TOKENS.contains(&token) {
                bail!(
                    "file_template {:?}: unknown token {{{token}}}; known tokens: {}",
                    self.file_template,
                    FILE_TEMPLATE_TOKENS.map(|t| format!("{{{t}}}")).join(" ")
                );
            }
            rest = &rest[open + close + 1..];
        }
        if !self.file_template.contains("{rev}") && !self.file_template.contains("{slug}") {
            bail!(
                "file_template {:?} must contain {{rev}} or {{slug}} so that file names differ",
                self.file_template
            );
        }
        if self.version_table.is_empty()
            || !self
                .version_table
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            bail!(
                "version_table {:?}: use letters, digits and underscores only",
                self.version_table
            );
        }
        self.transaction_mode()?;
        self.naming.validate().map_err(anyhow::Error::msg)?;
        self.severities()?;
        for (name, group) in &self.targets {
            group.validate(name)?;
        }
        Ok(())
    }

    /// The lint severities of `[lints]`.
    pub fn severities(&self) -> anyhow::Result<aludel_review::Severities> {
        aludel_review::Severities::from_config(&self.lints).map_err(anyhow::Error::msg)
    }

    pub fn transaction_mode(&self) -> anyhow::Result<TransactionMode> {
        match self.transaction_mode.as_str() {
            "revision" => Ok(TransactionMode::PerRevision),
            "all" => Ok(TransactionMode::All),
            other => bail!("transaction_mode {other:?}: use \"revision\" or \"all\""),
        }
    }

    /// Whether aludel manages a table: never its own version table and ledger, never an
    /// excluded one, and never another migration tool's version table unless `include`
    /// names it.
    pub fn manages(&self, schema: Option<&str>, table: &str) -> bool {
        if table == self.version_table || table == format!("{}_ledger", self.version_table) {
            return false;
        }
        let qualified = schema.map(|s| format!("{s}.{table}"));
        let matches = |pats: &[String]| {
            pats.iter()
                .any(|p| wildcard(p, table) || qualified.as_deref().is_some_and(|q| wildcard(p, q)))
        };
        if OTHER_TOOLS.contains(&table) && !matches(&self.tables.include) {
            return false;
        }
        (self.tables.include.is_empty() || matches(&self.tables.include))
            && !matches(&self.tables.exclude)
    }

    /// `schema` without the tables aludel does not manage, and without the enum types
    /// only those tables use: an object an unmanaged table needs is never aludel's to drop.
    /// With `include`, only the enum types of included tables are aludel's.
    pub fn retain_managed(&self, schema: &mut aludel_schema::Schema) {
        use aludel_schema::ColumnType;
        let (kept, left): (Vec<_>, Vec<_>) = std::mem::take(&mut schema.tables)
            .into_iter()
            .partition(|t| self.manages(t.schema.as_deref(), &t.name));
        let enums_of = |tables: &[aludel_schema::Table]| -> Vec<String> {
            tables
                .iter()
                .flat_map(|t| &t.columns)
                .filter_map(|c| match &c.ty {
                    ColumnType::Enum { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect()
        };
        let (theirs, ours) = (enums_of(&left), enums_of(&kept));
        let only_included = !self.tables.include.is_empty();
        schema
            .enums
            .retain(|e| ours.contains(&e.name) || (!only_included && !theirs.contains(&e.name)));
        schema.tables = kept.into();
    }

    /// A warning when the config file holds a database password (in `url`, or in a URL
    /// of `[targets]`).
    pub fn password_warning(&self) -> Option<String> {
        let in_url = self.url.as_deref().is_some_and(has_password);
        let in_targets = self.targets.values().any(|g| g.holds_password());
        (in_url || in_targets).then(|| {
            format!(
                "warning: {CONFIG_FILE} holds a database password; \
                 put the URL in DATABASE_URL or a .env file kept out of version control, \
                 or write the password as ${{VARIABLE}} in a target's URL"
            )
        })
    }
}

/// Whether a URL holds a password (other than a `${VARIABLE}` reference): whether
/// redacting it, as every message does, would hide something.
pub fn has_password(url: &str) -> bool {
    let masked = crate::targets::substitute(url, |_| Some("***".into()), false)
        .unwrap_or_else(|_| url.to_string());
    aludel_introspect::redact_url(&masked) != masked
}

/// The version tables of other migration tools: never a model's, never dropped.
pub const OTHER_TOOLS: &[&str] = &[
    "alembic_version",
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "seaql_migrations",
    "flyway_schema_history",
    "_prisma_migrations",
    "atlas_schema_revisions",
    "schema_migrations",
];

/// `*` matches any run of characters, `?` one character.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Where the URL came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    Flag,
    Env,
    DotEnv,
    Config,
}

/// The database URL: `--url`, then `DATABASE_URL` (the environment, then the project's
/// `.env`), then `url` in the config file.
pub fn resolve_url(flag: Option<&str>, project: &Project) -> anyhow::Result<(String, UrlSource)> {
    resolve_url_with(flag, project, std::env::var("DATABASE_URL").ok())
}

fn resolve_url_with(
    flag: Option<&str>,
    project: &Project,
    env_url: Option<String>,
) -> anyhow::Result<(String, UrlSource)> {
    if let Some(u) = flag {
        return Ok((u.to_string(), UrlSource::Flag));
    }
    if let Some(u) = env_url.filter(|u| !u.is_empty()) {
        return Ok((u, UrlSource::Env));
    }
    let dotenv = project.root.join(".env");
    if dotenv.is_file() {
        // dotenvy's own errors quote the whole line, password included: never show them.
        let iter = dotenvy::from_path_iter(&dotenv)
            .with_context(|| format!("cannot read {}", dotenv.display()))?;
        for item in iter {
            let (k, v) = item.map_err(|e| dotenv_error(&dotenv, e))?;
            if k == "DATABASE_URL" && !v.is_empty() {
                return Ok((v, UrlSource::DotEnv));
            }
        }
    }
    if let Some(u) = &project.config.url {
        return Ok((u.clone(), UrlSource::Config));
    }
    bail!(
        "no database URL: pass --url, set DATABASE_URL (in the environment or in {}), or set `url` in {}",
        dotenv.display(),
        project.file.display()
    )
}

/// A variable of the project's `.env` file, if the file has it.
pub fn dotenv_var(project: &Project, name: &str) -> Option<String> {
    let iter = dotenvy::from_path_iter(project.root.join(".env")).ok()?;
    iter.filter_map(Result::ok)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A `.env` parse error that names the line by its key only: the value may be a
/// password.
fn dotenv_error(path: &std::path::Path, e: dotenvy::Error) -> anyhow::Error {
    match e {
        dotenvy::Error::LineParse(line, at) => {
            // Only a name that looks like a variable's: anything else may be the value.
            let key = line
                .split_once('=')
                .map(|(k, _)| k.trim().trim_start_matches("export ").trim())
                .filter(|k| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                });
            let which = key.map_or("a line".to_string(), |k| format!("the line of `{k}`"));
            anyhow::anyhow!(
                "{} is not a valid .env file: {which} cannot be read (at character {at}); check that its quotes are closed",
                path.display()
            )
        }
        dotenvy::Error::Io(e) => anyhow::anyhow!("cannot read {}: {e}", path.display()),
        _ => anyhow::anyhow!("{} is not a valid .env file", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*", "anything"));
        assert!(wildcard("tmp_*", "tmp_cache"));
        assert!(!wildcard("tmp_*", "cache_tmp"));
        assert!(wildcard("t?st", "test"));
        assert!(wildcard("*_log", "audit_log"));
        assert!(!wildcard("a*b", "acd"));
    }

    #[test]
    fn managed_tables() {
        let mut c = Config::default();
        c.tables.exclude = vec!["spatial_*".into(), "audit.*".into()];
        assert!(c.manages(None, "posts"));
        assert!(!c.manages(None, "aludel_version"));
        assert!(!c.manages(None, "aludel_version_ledger"));
        assert!(!c.manages(None, "spatial_ref_sys"));
        assert!(!c.manages(Some("audit"), "events"));
        c.tables.include = vec!["blog_*".into()];
        assert!(!c.manages(None, "posts"));
        assert!(c.manages(None, "blog_posts"));
    }

    #[test]
    fn enums_of_unmanaged_tables_are_left_alone() {
        use aludel_schema::{Column, ColumnType, EnumType, Schema, Table};
        let e = |name: &str| EnumType {
            name: name.into(),
            schema: None,
            values: vec!["a".into()],
        };
        let col = |name: &str| {
            Column::new(
                "c",
                ColumnType::Enum {
                    name: name.into(),
                    values: vec!["a".into()],
                },
            )
        };
        let live = Schema {
            tables: vec![
                Table::new("film").column(col("mpaa_rating")),
                Table::new("payment").column(col("status")),
                Table::new("spatial_x").column(col("shared")),
                Table::new("orders").column(col("shared")),
            ]
            .into(),
            enums: vec![e("mpaa_rating"), e("status"), e("shared"), e("orphan")],
        };
        let names = |s: &Schema| s.enums.iter().map(|e| e.name.clone()).collect::<Vec<_>>();

        let mut c = Config::default();
        c.tables.include = vec!["payment".into()];
        let mut s = live.clone();
        c.retain_managed(&mut s);
        assert_eq!(names(&s), ["status"], "only the included tables' enums");

        let mut c = Config::default();
        c.tables.exclude = vec!["film".into(), "spatial_*".into()];
        let mut s = live.clone();
        c.retain_managed(&mut s);
        assert_eq!(names(&s), ["status", "shared", "orphan"]);
    }

    #[test]
    fn config_errors_name_the_key() {
        let bad = |toml_text: &str| {
            toml::from_str::<Config>(toml_text)
                .map_err(|e| e.to_string())
                .and_then(|c| c.validate().map_err(|e| e.to_string()))
                .unwrap_err()
        };
        assert!(bad("file_template = \"{id}_{slug}\"").contains("unknown token {id}"));
        assert!(bad("transaction_mode = \"sometimes\"").contains("use \"revision\" or \"all\""));
        assert!(bad("version_tabel = \"x\"").contains("unknown field `version_tabel`"));
        assert!(bad("version_table = \"a; drop\"").contains("letters, digits"));
    }

    #[test]
    fn url_precedence_flag_env_dotenv_config() {
        let dir = std::env::temp_dir().join(format!("aludel-url-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut project = Project {
            root: dir.clone(),
            file: dir.join(CONFIG_FILE),
            config: Config {
                url: Some("sqlite://config.db".into()),
                ..Default::default()
            },
        };
        let env = || Some("sqlite://env.db".to_string());
        let got = |flag, env_url: Option<String>, p: &Project| {
            resolve_url_with(flag, p, env_url).map_err(|e| e.to_string())
        };
        assert_eq!(
            got(Some("sqlite://flag.db"), env(), &project).unwrap(),
            ("sqlite://flag.db".into(), UrlSource::Flag)
        );
        assert_eq!(
            got(None, env(), &project).unwrap(),
            ("sqlite://env.db".into(), UrlSource::Env)
        );
        assert_eq!(
            got(None, None, &project).unwrap(),
            ("sqlite://config.db".into(), UrlSource::Config)
        );
        std::fs::write(
            dir.join(".env"),
            "OTHER=1\nDATABASE_URL=sqlite://dotenv.db\n",
        )
        .unwrap();
        assert_eq!(
            got(None, None, &project).unwrap(),
            ("sqlite://dotenv.db".into(), UrlSource::DotEnv)
        );
        assert_eq!(
            got(None, env(), &project).unwrap().1,
            UrlSource::Env,
            "the environment wins over .env"
        );
        std::fs::remove_file(dir.join(".env")).unwrap();
        project.config.url = None;
        let err = got(None, None, &project).unwrap_err();
        assert!(
            err.contains("no database URL: pass --url, set DATABASE_URL"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn password_in_config_is_warned_about() {
        let mut c = Config {
            url: Some("postgres://app:secret@db/app".into()),
            ..Default::default()
        };
        assert!(c.password_warning().is_some());
        c.url = Some("postgres://app@db/app".into());
        assert!(c.password_warning().is_none());
        c.url = Some("sqlite://app.db?mode=rwc".into());
        assert!(c.password_warning().is_none());
        assert!(has_password(
            "postgres://app@db/x?sslmode=require&password=s3"
        ));
        assert!(!has_password("postgres://app@db/x?password=${PW}"));
        assert!(!has_password("postgres://app:${PW}@db/x"));
        assert!(has_password("postgres://app:p/w@db/x"));
        assert!(!has_password("postgres://app:@db/x"));
    }
}
