//! The commands, as the project's runner binary runs them: it holds the models and the
//! revisions, compiled in.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use aludel_diff::{NoteKind, Plan};
use aludel_introspect::{Database, IntrospectOptions};
use aludel_runner::{
    Direction, Graph, NewRevision, RevisionDef, RunnerOptions, current_heads, file_name,
    new_revision_id, plan, render_revision, script,
};
use aludel_schema::{Dialect, Schema};
use anyhow::{Context, bail};

use crate::args::{Cli, Command};
use crate::config::{self, Project, UrlSource};

/// What the runner binary was compiled with.
#[derive(Clone, Copy)]
pub struct Compiled {
    pub revisions: &'static [RevisionDef],
    /// The schema of every model linked into the runner.
    pub models: fn(Dialect) -> Result<Schema, String>,
    /// The struct names of the models linked into the runner.
    pub registered_models: fn() -> Vec<&'static str>,
    /// The models the build script found in the source of the runner's path
    /// dependencies: (struct name, file).
    pub expected_models: &'static [(&'static str, &'static str)],
    /// The runner crate's folder, to find aludel.toml when run from elsewhere.
    pub manifest_dir: &'static str,
    /// The features of `aludel` that map Rust types, as the runner was built with them.
    pub type_features: &'static [&'static str],
}

pub(crate) struct Ctx {
    pub(crate) cli: Cli,
    pub(crate) compiled: Compiled,
    /// aludel.toml, read once per command (and its password warning said once).
    project: std::cell::OnceCell<Project>,
    /// The models' schema per dialect, built once per command (a fleet compares every
    /// target with it).
    models: std::cell::RefCell<std::collections::HashMap<Dialect, Schema>>,
}

impl Ctx {
    /// [`target_schema`] for `dialect`, built on first use.
    pub(crate) fn models(&self, dialect: Dialect) -> anyhow::Result<Schema> {
        if let Some(s) = self.models.borrow().get(&dialect) {
            return Ok(s.clone());
        }
        let schema = target_schema(&self.compiled, self.project()?, dialect)?;
        self.models.borrow_mut().insert(dialect, schema.clone());
        Ok(schema)
    }

    pub(crate) fn project(&self) -> anyhow::Result<&Project> {
        if let Some(p) = self.project.get() {
            return Ok(p);
        }
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let project = config::load(
            self.cli.config.as_deref(),
            &cwd,
            Some(Path::new(self.compiled.manifest_dir)),
        )?;
        if let Some(w) = project.config.password_warning() {
            eprintln!("{w}");
        }
        Ok(self.project.get_or_init(|| project))
    }

    pub(crate) fn url(&self, project: &Project) -> anyhow::Result<(String, UrlSource)> {
        config::resolve_url(self.cli.url.as_deref(), project)
    }

    pub(crate) async fn connect(&self, project: &Project) -> anyhow::Result<Database> {
        let (url, _) = self.url(project)?;
        Ok(Database::connect(&url).await?)
    }

    pub(crate) fn graph(&self) -> anyhow::Result<Graph<'static>> {
        if self.compiled.revisions.is_empty() {
            // No revision at all: an empty history, or a folder that is not there (a wrong
            // `migrations` path, a checkout without it), which must not pass for "nothing
            // to do".
            let dir = self.project()?.versions_dir();
            if !dir.is_dir() {
                bail!(
                    "the revisions folder {} does not exist; create it (`aludel init` makes it), or fix `migrations` in aludel.toml",
                    dir.display()
                );
            }
        }
        Ok(Graph::new(self.compiled.revisions)?)
    }

    pub(crate) fn runner_options(&self, project: &Project) -> anyhow::Result<RunnerOptions> {
        Ok(RunnerOptions {
            version_table: project.config.version_table.clone(),
            transaction_mode: project.config.transaction_mode()?,
            lock_timeout: std::time::Duration::from_secs(project.config.lock_timeout),
        })
    }
}

pub(crate) async fn dispatch(cli: Cli, compiled: Compiled) -> anyhow::Result<ExitCode> {
    let ctx = Ctx {
        cli,
        compiled,
        project: std::cell::OnceCell::new(),
        models: Default::default(),
    };
    match &ctx.cli.command {
        Command::Init { dir } => {
            crate::init::init(&std::env::current_dir()?, dir)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Revision {
            message,
            autogenerate,
            baseline,
            split,
            rev_id,
        } => {
            let source = match (autogenerate, baseline) {
                (_, true) => Source::Baseline,
                (true, false) => Source::Database,
                (false, false) => Source::Empty,
            };
            let split = split.map(|n| n as usize);
            revision(&ctx, message, source, rev_id.as_deref(), split).await
        }
        Command::Heads => {
            let g = ctx.graph()?;
            for h in g.heads() {
                println!("{h} (head)");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::History { range } => history(&ctx, range.as_deref()).await,
        Command::Show { revision } => show(&ctx.graph()?, revision),
        Command::Branches => {
            let g = ctx.graph()?;
            for d in g.topo() {
                let kids = g.children_of(d.meta.id);
                if kids.len() > 1 {
                    println!("{} (branchpoint), {}", d.meta.id, d.meta.message);
                    for k in kids {
                        println!("    -> {k}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ReviewDiff {
            base,
            format,
            dialect,
            output,
        } => {
            let project = ctx.project()?;
            let graph = ctx.graph()?;
            let d = crate::review::dialect(*dialect, ctx.cli.url.as_deref(), project)?;
            let models = target_schema(&ctx.compiled, project, d)?;
            crate::review::review_diff(
                project,
                &graph,
                models,
                crate::review::ReviewArgs {
                    base,
                    format: *format,
                    dialect: d,
                    output: output.as_deref(),
                },
            )
        }
        Command::Merge { message, revisions } => {
            merge(ctx.project()?, &ctx.graph()?, message, revisions)
        }
        Command::Resolve {
            revision,
            resolution,
            force,
        } => resolve(&ctx, revision, *resolution, *force).await,
        Command::Inspect {
            output,
            tables,
            exclude,
            force,
        } => {
            let project = ctx.project()?;
            let db = ctx.connect(project).await?;
            let args = crate::inspect::InspectArgs {
                output: output.as_deref(),
                tables,
                exclude,
                force: *force,
            };
            crate::inspect::inspect(project, db, ctx.compiled.type_features, &args).await
        }
        Command::Database { action } => {
            let project = ctx.project()?;
            let (url, _) = ctx.url(project)?;
            crate::database::run(&url, action).await?;
            Ok(ExitCode::SUCCESS)
        }
        // upgrade, downgrade, current, status, check, stamp
        _ => targeted(&ctx).await,
    }
}

/// The commands that run against a database, or against the fleet `--target`/`--all`
/// selects.
async fn targeted(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match &ctx.cli.command {
        Command::Upgrade {
            target,
            sql,
            targets,
            run,
        } => fleet_or_one(ctx, target, *sql, Direction::Upgrade, targets, run).await,
        Command::Downgrade {
            target,
            sql,
            targets,
            run,
        } => fleet_or_one(ctx, target, *sql, Direction::Downgrade, targets, run).await,
        Command::Current { targets } if targets.fleet() => {
            crate::fleet::commands::current(ctx, targets).await
        }
        Command::Status { targets, format } => {
            if !targets.fleet() {
                single(targets)?;
            }
            crate::status::status(ctx, targets, *format).await
        }
        Command::Current { targets } => {
            single(targets)?;
            let project = ctx.project()?;
            let graph = ctx.graph()?;
            let db = ctx.connect(project).await?;
            current(&graph, db, &project.config.version_table).await
        }
        Command::Check {
            offline,
            dialect,
            targets,
        } => {
            if targets.fleet() {
                if *offline {
                    bail!("check --offline reads no database: it cannot take --target or --all");
                }
                crate::fleet::commands::check(ctx, targets).await
            } else if *offline {
                single(targets)?;
                check_offline(ctx, *dialect)
            } else {
                single(targets)?;
                check(ctx).await
            }
        }
        Command::Stamp { revision, targets } if targets.fleet() => {
            crate::fleet::commands::stamp(ctx, revision, targets).await
        }
        Command::Stamp { revision, targets } => {
            single(targets)?;
            stamp(ctx, revision).await
        }
        other => bail!("{other:?} is not a command that takes --target"),
    }
}

/// Refuses fleet options without a fleet.
fn single(targets: &crate::args::Targets) -> anyhow::Result<()> {
    if targets.jobs.is_some() {
        bail!("--jobs is for a fleet: add --target NAME or --all");
    }
    Ok(())
}

/// `upgrade` or `downgrade`: of the fleet `--target`/`--all` selects, else of the one
/// database.
async fn fleet_or_one(
    ctx: &Ctx,
    target: &str,
    sql: bool,
    direction: Direction,
    targets: &crate::args::Targets,
    run: &crate::args::FleetRun,
) -> anyhow::Result<ExitCode> {
    if !targets.fleet() {
        single(targets)?;
        if run.fail_fast || run.canary.is_some() {
            bail!("--fail-fast and --canary are for a fleet: add --target NAME or --all");
        }
        return migrate(ctx, target, sql, direction).await;
    }
    if sql {
        bail!("--sql prints one script and reads no database: it cannot take --target or --all");
    }
    crate::fleet::commands::migrate(ctx, target, direction, targets, run).await
}

/// `resolve`: records what became of a partially applied or edited revision.
async fn resolve(
    ctx: &Ctx,
    revision: &str,
    resolution: crate::args::Resolution,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let opts = ctx.runner_options(project)?;
    let mut db = ctx.connect(project).await?;
    let how = match resolution {
        crate::args::Resolution::Applied => aludel_runner::Resolution::Applied,
        crate::args::Resolution::Reverted if force => aludel_runner::Resolution::RevertedUnchecked,
        crate::args::Resolution::Reverted => aludel_runner::Resolution::Reverted,
        crate::args::Resolution::AcceptEdit => aludel_runner::Resolution::AcceptEdit,
    };
    let msg = aludel_runner::resolve(&mut db, &graph, revision, how, &opts).await?;
    db.close().await;
    eprintln!("{msg}");
    Ok(ExitCode::SUCCESS)
}

/// The models' schema as the differ compares it: named by the conventions, only the
/// tables aludel manages.
pub(crate) fn target_schema(
    compiled: &Compiled,
    project: &Project,
    dialect: Dialect,
) -> anyhow::Result<Schema> {
    let mut schema = (compiled.models)(dialect).map_err(anyhow::Error::msg)?;
    project.config.retain_managed(&mut schema);
    project.config.naming.apply(&mut schema, dialect);
    Ok(schema)
}

/// The database's schema; with `managed_only`, without the tables aludel leaves alone.
pub(crate) async fn live_schema(
    db: &mut Database,
    project: &Project,
    target: &Schema,
    managed_only: bool,
) -> anyhow::Result<Schema> {
    let mut live = db.introspect(&introspect_options(target)).await?;
    if managed_only {
        project.config.retain_managed(&mut live);
    }
    Ok(live)
}

/// Fails unless the database is at the heads of the revision files.
async fn require_up_to_date(
    db: &mut Database,
    project: &Project,
    graph: &Graph<'_>,
) -> anyhow::Result<()> {
    let current = current_heads(db, &project.config.version_table).await?;
    let mut heads: Vec<String> = graph.heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    if current != heads {
        let show = |v: &[String]| {
            if v.is_empty() {
                "<base>".to_string()
            } else {
                v.join(", ")
            }
        };
        bail!(
            "the database is not up to date: it is at {}, the revisions are at {}; run `aludel upgrade head` first",
            show(&current),
            show(&heads)
        );
    }
    Ok(())
}

async fn autogenerate_plan(
    ctx: &Ctx,
    project: &Project,
    graph: &Graph<'_>,
) -> anyhow::Result<(Plan, Schema)> {
    let mut db = ctx.connect(project).await?;
    let plan = diff_database(&mut db, ctx, project, graph).await;
    db.close().await;
    plan
}

/// What autogenerate would write for a database at the heads of the revisions: the
/// models against its live schema, refused when it would drop tables that other objects
/// need or that a model not linked into the runner may describe.
pub(crate) async fn diff_database(
    db: &mut Database,
    ctx: &Ctx,
    project: &Project,
    graph: &Graph<'_>,
) -> anyhow::Result<(Plan, Schema)> {
    require_up_to_date(db, project, graph).await?;
    let dialect = db.dialect();
    let target = ctx.models(dialect)?;
    let live = live_schema(db, project, &target, true).await?;
    let plan = aludel_diff::diff(&live, &target, dialect)?;
    let dropped: Vec<aludel_schema::TableName> = plan
        .upgrade
        .iter()
        .filter_map(|op| match op {
            aludel_schema::Operation::DropTable { table } => Some(table.clone()),
            _ => None,
        })
        .collect();
    let dependents = db.dependents(&dropped).await?;
    if !dependents.is_empty() {
        bail!(
            "the plan drops tables that other objects depend on: {}. PostgreSQL would refuse the drop (or drop the partitions with their data) at upgrade time. Drop or change those first in a revision of their own (op.execute), or keep the tables: give them models, or list them in [tables] exclude",
            dependents.join("; ")
        );
    }
    guard_drops(&ctx.compiled, &plan, &live)?;
    Ok((plan, live))
}

/// Refuses a plan that drops tables when the runner may be missing models: a model
/// found in the source but not linked, or no model linked at all.
fn guard_drops(compiled: &Compiled, plan: &Plan, live: &Schema) -> anyhow::Result<()> {
    let registered = (compiled.registered_models)();
    let unlinked = unlinked_models(&registered, compiled.expected_models);
    let drops: Vec<String> = plan
        .upgrade
        .iter()
        .filter_map(|op| match op {
            aludel_schema::Operation::DropTable { table } => Some(table.to_string()),
            _ => None,
        })
        .collect();
    let fix = "link the crate that holds them into the runner: `use <crate> as _;` in the runner's src/main.rs and the crate in its Cargo.toml (a SeaORM entity also needs `aludel::SeaOrm` in the derive of its Model)";
    if !unlinked.is_empty() {
        if !drops.is_empty() {
            bail!(
                "refusing to drop {}: these models are in the source but not linked into the runner, \
                 so their tables would look unused: {}; {fix}",
                drops.join(", "),
                unlinked.join(", ")
            );
        }
        eprintln!(
            "WARNING: these models are in the source but not linked into the runner, so autogenerate cannot see them: {}; {fix}",
            unlinked.join(", ")
        );
    }
    if registered.is_empty() && !drops.is_empty() && !live.tables.is_empty() {
        bail!(
            "refusing to drop every table ({}): no model is linked into the runner; {fix}. \
             To drop them on purpose, write the revision by hand (`aludel revision -m ...` and op.drop_table)",
            drops.join(", ")
        );
    }
    Ok(())
}

/// The models found in the source that are not linked into the runner. SeaORM entities
/// (`Model (table ...)`) count once the project makes any entity a model (one is linked,
/// or one in the source derives `aludel::SeaOrm`): a project whose models are all
/// aludel's own may keep SeaORM entities aludel does not manage.
fn unlinked_models(registered: &[&str], expected: &[(&str, &str)]) -> Vec<String> {
    use aludel_build::{ENTITY_PREFIX as ENTITY, NOT_DERIVED};
    let entities_are_models = registered.iter().any(|r| r.starts_with(ENTITY))
        || expected
            .iter()
            .any(|(n, _)| n.starts_with(ENTITY) && !n.ends_with(NOT_DERIVED));
    expected
        .iter()
        .filter(|(name, _)| !registered.contains(name))
        .filter(|(name, _)| entities_are_models || !name.starts_with(ENTITY))
        .map(|(name, file)| format!("{name} ({file})"))
        .collect()
}

fn print_notes(plan: &Plan) {
    for n in &plan.notes {
        let tag = match n.kind {
            NoteKind::Destructive => "WARNING",
            NoteKind::RenameSuggestion => "hint",
        };
        eprintln!("{tag}: {}", n.message);
    }
}

/// Where a new revision's operations come from.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    /// None: the author writes them.
    Empty,
    /// The models against the database.
    Database,
    /// The models against nothing: the first revision of an existing database.
    Baseline,
}

/// The baseline of a project that has no revisions yet: everything the models describe,
/// created from nothing. No database is read; the URL only names the dialect.
fn baseline_plan(ctx: &Ctx, project: &Project, graph: &Graph<'_>) -> anyhow::Result<Plan> {
    if !graph.is_empty() {
        let mut heads: Vec<String> = graph.heads().iter().map(|h| h.to_string()).collect();
        heads.sort();
        bail!(
            "--baseline writes the first revision, and this project has revisions already (head {}); \
             use `aludel revision --autogenerate -m ...` to compare the models with the database",
            heads.join(", ")
        );
    }
    let dialect = crate::review::dialect(None, ctx.cli.url.as_deref(), project)?;
    let models = target_schema(&ctx.compiled, project, dialect)?;
    let plan = crate::review::offline_plan(graph, project, models, dialect)?;
    guard_drops(&ctx.compiled, &plan, &Schema::default())?;
    eprintln!(
        "The baseline creates what the models describe; views, triggers, functions and other \
         objects they cannot describe (`aludel inspect` names them) are not in it: add them \
         with op.execute if a new database needs them."
    );
    Ok(plan)
}

async fn revision(
    ctx: &Ctx,
    message: &str,
    source: Source,
    rev_id: Option<&str>,
    split: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let mut heads: Vec<String> = graph.heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    if source == Source::Empty {
        write_revision(
            project,
            &graph,
            message,
            rev_id,
            heads,
            Vec::new(),
            Vec::new(),
            Vec::new(),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let (plan, before) = if source == Source::Baseline {
        (baseline_plan(ctx, project, &graph)?, Schema::default())
    } else {
        autogenerate_plan(ctx, project, &graph).await?
    };
    if plan.is_empty() {
        println!("No changes in schema detected.");
        return Ok(ExitCode::SUCCESS);
    }
    for op in &plan.upgrade {
        eprintln!("Detected {op}");
    }
    print_notes(&plan);
    let warnings: Vec<String> = plan
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Destructive)
        .map(|n| n.message.clone())
        .collect();
    let Some(size) = split.filter(|&n| n < plan.upgrade.len()) else {
        let (up, down) = (plan.upgrade, plan.downgrade);
        write_revision(project, &graph, message, rev_id, heads, up, down, warnings)?;
        return Ok(ExitCode::SUCCESS);
    };
    let parts = plan.split(&before, size)?;
    let count = parts.len();
    for (i, (up, down)) in parts.into_iter().enumerate() {
        // The destructive warnings go with the parts that destroy something.
        let said = if up.iter().any(|op| op.is_destructive()) {
            warnings.clone()
        } else {
            Vec::new()
        };
        // First, so that a file name cut to its length keeps it.
        let part = format!("part {} of {count}: {message}", i + 1);
        heads = vec![write_revision(
            project, &graph, &part, None, heads, up, down, said,
        )?];
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn write_revision(
    project: &Project,
    graph: &Graph<'_>,
    message: &str,
    rev_id: Option<&str>,
    revises: Vec<String>,
    upgrade: Vec<aludel_schema::Operation>,
    downgrade: Vec<aludel_schema::Operation>,
    warnings: Vec<String>,
) -> anyhow::Result<String> {
    let id = match rev_id {
        Some(id) => {
            if id.is_empty()
                || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || id.len() > 32
            {
                bail!("--rev-id {id:?}: use up to 32 letters, digits or underscores");
            }
            if graph.get(id).is_some() {
                bail!("--rev-id {id}: a revision with this id exists already");
            }
            id.to_string()
        }
        None => new_revision_id(),
    };
    let now = chrono::Utc::now();
    let rev = NewRevision {
        id: id.clone(),
        revises,
        message: message.to_string(),
        created: now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        upgrade,
        downgrade,
        warnings,
    };
    let dir = project.versions_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(file_name(&project.config.file_template, &id, message, now));
    if path.exists() {
        bail!(
            "{} exists already; change file_template or the message",
            path.display()
        );
    }
    let text = crate::rustfmt::format(&render_revision(&rev));
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = path.strip_prefix(&cwd).unwrap_or(&path);
    println!("Generating {} ... done", shown.display());
    Ok(id)
}

async fn migrate(
    ctx: &Ctx,
    target: &str,
    sql: bool,
    direction: Direction,
) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let opts = ctx.runner_options(project)?;
    if sql {
        let (url, _) = ctx.url(project)?;
        let dialect = Dialect::from_url(&url).with_context(|| {
            format!(
                "cannot tell the SQL dialect from the URL {}",
                aludel_introspect::redact_url(&url)
            )
        })?;
        let (from, to) = match target.split_once(':') {
            Some((from, to)) => (Some(from), to),
            None => (None, target),
        };
        let current: Vec<String> = match (from, direction) {
            (None, Direction::Upgrade) | (Some(""), _) => Vec::new(),
            (Some(spec), _) => graph
                .resolve_heads(spec)?
                .into_iter()
                .map(str::to_string)
                .collect(),
            (None, Direction::Downgrade) => bail!(
                "an offline downgrade needs to know where the database is: use FROM:TO, like `downgrade head:base --sql` or `downgrade {target_hint}:-1 --sql`",
                target_hint = "head"
            ),
        };
        let steps = plan(&graph, dialect, &current, to, direction, None)?;
        print!(
            "{}",
            script(
                &steps,
                dialect,
                &opts,
                current.is_empty() && direction == Direction::Upgrade
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    if target.contains(':') {
        bail!(
            "FROM:TO ranges are for --sql only; against a database the starting point is its current revision"
        );
    }
    let mut db = ctx.connect(project).await?;
    let models = (ctx.compiled.models)(db.dialect()).map_err(anyhow::Error::msg)?;
    let introspect = introspect_options(&models);
    let mut progress = crate::progress::Reporter::new(opts.lock_timeout);
    let ran = aludel_runner::migrate(
        &mut db,
        &graph,
        target,
        direction,
        &opts,
        &introspect,
        &mut progress,
    )
    .await;
    progress.finish();
    let ran = ran?;
    if ran == 0 {
        let current = current_heads(&mut db, &opts.version_table).await?;
        eprintln!(
            "Nothing to do: the database is already at {}.",
            describe_heads(&current)
        );
    }
    warn_missing(&mut db, &graph, &opts).await?;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Warns about revisions the ledger says are applied that no file defines.
async fn warn_missing(
    db: &mut Database,
    graph: &Graph<'_>,
    opts: &RunnerOptions,
) -> anyhow::Result<()> {
    let missing = aludel_runner::missing_revisions(db, graph, &opts.version_table).await?;
    if !missing.is_empty() {
        eprintln!(
            "WARNING: the database's ledger says {} applied, but no revision file defines {}; \
             restore the files if they were deleted by mistake",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(())
}

pub(crate) fn introspect_options(models: &Schema) -> IntrospectOptions {
    let extra_schemas: BTreeSet<String> = models
        .tables
        .iter()
        .filter_map(|t| t.schema.clone())
        .collect();
    IntrospectOptions {
        extra_schemas: extra_schemas.into_iter().collect(),
    }
}

pub(crate) fn describe_heads(heads: &[String]) -> String {
    if heads.is_empty() {
        "base".into()
    } else {
        heads.join(", ")
    }
}

async fn current(
    graph: &Graph<'_>,
    mut db: Database,
    version_table: &str,
) -> anyhow::Result<ExitCode> {
    let current = current_heads(&mut db, version_table).await?;
    db.close().await;
    if current.is_empty() {
        eprintln!("The database is at base: no revision applied.");
    }
    let heads = graph.heads();
    for c in current {
        let mark = if heads.contains(&c.as_str()) {
            " (head)"
        } else {
            ""
        };
        let known = if graph.get(&c).is_none() {
            " (unknown: no revision file defines it)"
        } else {
            ""
        };
        println!("{c}{mark}{known}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn history(ctx: &Ctx, range: Option<&str>) -> anyhow::Result<ExitCode> {
    let g = ctx.graph()?;
    let heads = g.heads();
    let revs = match range {
        None => g.topo().to_vec(),
        Some(r) => {
            let (from, to) = r.split_once(':').with_context(|| {
                format!("-r {r:?}: a range is FROM:TO, like 1975ea:head, base:current or -3: (either side may be empty)")
            })?;
            let mut current = None;
            let side = |s: &str| -> Option<String> {
                (!s.is_empty() && s != "base").then(|| s.to_string())
            };
            let (from, to) = (side(from), side(to));
            let mut resolve = async |s: Option<String>| -> anyhow::Result<Option<String>> {
                let Some(s) = s else { return Ok(None) };
                if s == "current" {
                    if current.is_none() {
                        let project = ctx.project()?;
                        let mut db = ctx.connect(project).await?;
                        let heads = current_heads(&mut db, &project.config.version_table).await?;
                        db.close().await;
                        current = Some(heads);
                    }
                    let heads = current.clone().unwrap_or_default();
                    return match heads.as_slice() {
                        [] => Ok(None),
                        [one] => Ok(Some(one.clone())),
                        many => bail!(
                            "the database is at several heads ({}): name one",
                            many.join(", ")
                        ),
                    };
                }
                if s == "heads" {
                    return Ok(None);
                }
                Ok(Some(g.resolve_target(&s)?.to_string()))
            };
            let from = resolve(from).await?;
            let to = resolve(to).await?;
            g.between(from.as_deref(), to.as_deref())
        }
    };
    for d in revs.iter().rev() {
        let parents = if d.meta.revises.is_empty() {
            "<base>".to_string()
        } else {
            d.meta.revises.join(", ")
        };
        let mut marks = String::new();
        if heads.contains(&d.meta.id) {
            marks.push_str(" (head)");
        }
        if g.children_of(d.meta.id).len() > 1 {
            marks.push_str(" (branchpoint)");
        }
        if d.meta.revises.len() > 1 {
            marks.push_str(" (mergepoint)");
        }
        println!("{parents} -> {}{marks}, {}", d.meta.id, d.meta.message);
    }
    Ok(ExitCode::SUCCESS)
}

fn show(g: &Graph<'_>, spec: &str) -> anyhow::Result<ExitCode> {
    let id = match g.resolve_heads(spec)?.as_slice() {
        [one] => *one,
        [] => bail!(
            "{spec:?} names no revision; `aludel show` shows one (an id, a prefix, head, head-1 ...)"
        ),
        many => bail!(
            "{spec:?} names {} revisions ({}); show them one at a time",
            many.len(),
            many.join(", ")
        ),
    };
    let d = g.get(id).expect("resolved");
    println!(
        "Rev: {}{}",
        d.meta.id,
        if g.heads().contains(&id) {
            " (head)"
        } else {
            ""
        }
    );
    println!(
        "Parent: {}",
        if d.meta.revises.is_empty() {
            "<base>".to_string()
        } else {
            d.meta.revises.join(", ")
        }
    );
    println!("Path: {}", d.file);
    println!();
    println!("    {}", d.meta.message);
    println!();
    println!("Upgrade:");
    for op in d.upgrade_ops() {
        println!("    {op}");
    }
    println!("Downgrade:");
    for op in d.downgrade_ops() {
        println!("    {op}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn check(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let (plan, _) = autogenerate_plan(ctx, project, &graph).await?;
    if plan.is_empty() {
        println!("No new upgrade operations detected.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("New upgrade operations detected:");
    for op in &plan.upgrade {
        println!("    {op}");
    }
    println!("Run `aludel revision --autogenerate -m \"...\"` to write them into a revision.");
    Ok(ExitCode::FAILURE)
}

/// `check --offline`: the models against what the revisions build, no database.
fn check_offline(ctx: &Ctx, dialect: Option<crate::args::DialectArg>) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    graph.single_head()?;
    let d = crate::review::dialect(dialect, ctx.cli.url.as_deref(), project)?;
    let models = target_schema(&ctx.compiled, project, d)?;
    let plan = crate::review::offline_plan(&graph, project, models, d)?;
    if plan.is_empty() {
        println!("No new upgrade operations detected.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("New upgrade operations detected (the models differ from what the revisions build):");
    for op in &plan.upgrade {
        println!("    {op}");
    }
    println!("Run `aludel revision --autogenerate -m \"...\"` to write them into a revision.");
    Ok(ExitCode::FAILURE)
}

async fn stamp(ctx: &Ctx, spec: &str) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let heads: Vec<String> = graph
        .resolve_heads(spec)?
        .into_iter()
        .map(str::to_string)
        .collect();
    let opts = ctx.runner_options(project)?;
    let mut db = ctx.connect(project).await?;
    aludel_runner::stamp(&mut db, &graph, &heads, &opts).await?;
    db.close().await;
    eprintln!(
        "Stamped the database at {} (nothing was run).",
        describe_heads(&heads)
    );
    Ok(ExitCode::SUCCESS)
}

fn merge(
    project: &Project,
    graph: &Graph<'_>,
    message: &str,
    revisions: &[String],
) -> anyhow::Result<ExitCode> {
    let parents: Vec<String> = if revisions.is_empty() || revisions == ["heads"] {
        graph.heads().iter().map(|h| h.to_string()).collect()
    } else {
        revisions
            .iter()
            .map(|r| graph.resolve_target(r).map(str::to_string))
            .collect::<Result<_, _>>()?
    };
    if parents.len() < 2 {
        bail!(
            "a merge joins two heads or more; there is {} here",
            parents.len()
        );
    }
    write_revision(
        project,
        graph,
        message,
        None,
        parents,
        Vec::new(),
        Vec::new(),
        Vec::new(),
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::unlinked_models;

    /// A SeaORM entity without `aludel::SeaOrm` is a forgotten model once the project
    /// makes other entities models (linked, or in the source); in a project that does
    /// not, entities are not aludel's.
    #[test]
    fn a_forgotten_seaorm_entity_is_unlinked_once_entities_are_models() {
        let expected = [
            ("User", "src/user.rs"),
            ("Model (table cake)", "src/cake.rs"),
            ("Model (table fruit) without aludel::SeaOrm", "src/fruit.rs"),
        ];
        let fruit = "Model (table fruit) without aludel::SeaOrm (src/fruit.rs)";
        assert_eq!(
            unlinked_models(&["User", "Model (table cake)"], &expected),
            [fruit]
        );
        // The crate of the entities is not linked: both entities are named.
        assert_eq!(
            unlinked_models(&["User"], &expected),
            ["Model (table cake) (src/cake.rs)", fruit]
        );
        assert_eq!(
            unlinked_models(&["Model (table cake)"], &expected),
            ["User (src/user.rs)", fruit]
        );
        // No entity is meant to be a model.
        let unmanaged = [("User", "src/user.rs"), expected[2]];
        assert!(unlinked_models(&["User"], &unmanaged).is_empty());
    }
}
