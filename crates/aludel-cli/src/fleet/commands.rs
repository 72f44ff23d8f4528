//! upgrade, downgrade, current, check and stamp over the targets `--target` or `--all`
//! selects.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use aludel_introspect::{Database, IntrospectOptions};
use aludel_runner::{Direction, Graph, Quiet, RunnerOptions, current_heads};
use aludel_schema::Dialect;
use anyhow::bail;

use super::{Fleet, Outcome, plural, report};
use crate::args::{FleetRun, Targets};
use crate::commands::{Ctx, describe_heads};
use crate::targets::Target;

/// The jobs of a fleet run when `--jobs` is not given.
pub(crate) const DEFAULT_JOBS: usize = 8;

/// The targets a command's `--target`/`--all` selects, announced on standard error.
pub(crate) async fn select(ctx: &Ctx, sel: &Targets, verb: &str) -> anyhow::Result<Vec<Target>> {
    if ctx.cli.url.is_some() {
        bail!(
            "--url names one database, --target and --all the targets of aludel.toml: give one or the other"
        );
    }
    let project = ctx.project()?;
    let targets = crate::targets::select(project, &sel.patterns, sel.all).await?;
    eprintln!(
        "{verb} {}, {} at a time",
        plural(targets.len(), "target"),
        jobs(sel).min(targets.len().max(1))
    );
    Ok(targets)
}

pub(crate) fn jobs(sel: &Targets) -> usize {
    sel.jobs.map_or(DEFAULT_JOBS, usize::from)
}

/// `upgrade` or `downgrade` over the fleet.
pub(crate) async fn migrate(
    ctx: &Ctx,
    spec: &str,
    direction: Direction,
    sel: &Targets,
    run: &FleetRun,
) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let opts = ctx.runner_options(project)?;
    if spec.contains(':') {
        bail!(
            "FROM:TO ranges are for --sql only; against a database the starting point is its current revision"
        );
    }
    if !spec.contains(['+', '-']) {
        // A typo is one error here, not one per target.
        graph.resolve_heads(spec)?;
    }
    let verb = match direction {
        Direction::Upgrade => "Upgrading",
        Direction::Downgrade => "Downgrading",
    };
    let targets = select(ctx, sel, verb).await?;
    let introspect = introspect_by_dialect(ctx, &targets)?;
    let fleet = Fleet {
        jobs: jobs(sel),
        fail_fast: run.fail_fast,
        canary: run.canary.map(|n| n as usize),
        stream: true,
        connections: Default::default(),
    };
    if let Some(n) = fleet.canary {
        eprintln!(
            "Canary: {} first; the rest only if none fails",
            plural(n.min(targets.len()), "target")
        );
    }
    let start = Instant::now();
    let done = fleet
        .each(targets, async |db| {
            migrate_target(db, &graph, spec, direction, &opts, &introspect).await
        })
        .await;
    Ok(report(&done, start.elapsed()))
}

/// What introspection reads for the models of each dialect among the targets.
fn introspect_by_dialect(
    ctx: &Ctx,
    targets: &[Target],
) -> anyhow::Result<HashMap<Dialect, IntrospectOptions>> {
    let mut out = HashMap::new();
    for d in targets.iter().filter_map(|t| Dialect::from_url(&t.url)) {
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(d) {
            let models = (ctx.compiled.models)(d).map_err(anyhow::Error::msg)?;
            slot.insert(crate::commands::introspect_options(&models));
        }
    }
    Ok(out)
}

async fn migrate_target(
    db: &mut Database,
    graph: &Graph<'_>,
    spec: &str,
    direction: Direction,
    opts: &RunnerOptions,
    introspect: &HashMap<Dialect, IntrospectOptions>,
) -> anyhow::Result<Outcome> {
    if aludel_runner::already_at(db, graph, spec, &opts.version_table).await? == Some(true) {
        let at: Vec<String> = graph
            .resolve_heads(spec)?
            .into_iter()
            .map(str::to_string)
            .collect();
        let text = format!("already at {}", describe_heads(&at));
        return Ok(Outcome::new("already there", text));
    }
    let options = introspect.get(&db.dialect()).cloned().unwrap_or_default();
    let ran =
        aludel_runner::migrate(db, graph, spec, direction, opts, &options, &mut Quiet).await?;
    let now = current_heads(db, &opts.version_table).await?;
    if ran == 0 {
        let text = format!("already at {}", describe_heads(&now));
        return Ok(Outcome::new("already there", text));
    }
    let verb = match direction {
        Direction::Upgrade => "upgraded",
        Direction::Downgrade => "downgraded",
    };
    let text = format!(
        "{verb} to {} ({})",
        describe_heads(&now),
        plural(ran, "revision")
    );
    Ok(Outcome::ran(verb, text))
}

/// `current` over the fleet.
pub(crate) async fn current(ctx: &Ctx, sel: &Targets) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let targets = select(ctx, sel, "Reading").await?;
    let vt = &project.config.version_table;
    let start = Instant::now();
    let done = read_only(sel)
        .each(targets, async |db| {
            let current = current_heads(db, vt).await?;
            Ok(current_outcome(&graph, &current))
        })
        .await;
    Ok(report(&done, start.elapsed()))
}

fn read_only(sel: &Targets) -> Fleet {
    Fleet {
        jobs: jobs(sel),
        fail_fast: false,
        canary: None,
        stream: true,
        connections: Default::default(),
    }
}

fn current_outcome(graph: &Graph<'_>, current: &[String]) -> Outcome {
    let mut heads: Vec<String> = graph.heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    let text = describe_heads(current);
    if current == heads.as_slice() {
        Outcome::new("at head", format!("{text} (head)"))
    } else if current.iter().any(|c| graph.get(c).is_none()) {
        Outcome::new(
            "at an unknown revision",
            format!("{text} (unknown: no revision file defines it)"),
        )
    } else if current.is_empty() {
        Outcome::new("at base", text)
    } else {
        Outcome::new("behind", text)
    }
}

/// `check` over the fleet: each target's models against its database.
pub(crate) async fn check(ctx: &Ctx, sel: &Targets) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let targets = select(ctx, sel, "Checking").await?;
    let start = Instant::now();
    let done = read_only(sel)
        .each(targets, async |db| {
            let (plan, _) = crate::commands::diff_database(db, ctx, project, &graph).await?;
            Ok(check_outcome(&plan.upgrade))
        })
        .await;
    Ok(report(&done, start.elapsed()))
}

fn check_outcome(ops: &[aludel_schema::Operation]) -> Outcome {
    if ops.is_empty() {
        return Outcome::new("without changes", "no new upgrade operations".into());
    }
    let shown: Vec<String> = ops.iter().take(3).map(|op| op.to_string()).collect();
    let more = if ops.len() > 3 { "; ..." } else { "" };
    let text = format!(
        "{}: {}{more}",
        plural(ops.len(), "new upgrade operation"),
        shown.join("; ")
    );
    Outcome {
        flagged: true,
        ..Outcome::new("with changes", text)
    }
}

/// `stamp` over the fleet.
pub(crate) async fn stamp(ctx: &Ctx, spec: &str, sel: &Targets) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let opts = ctx.runner_options(project)?;
    let heads: Vec<String> = graph
        .resolve_heads(spec)?
        .into_iter()
        .map(str::to_string)
        .collect();
    let targets = select(ctx, sel, "Stamping").await?;
    let text = format!("stamped at {}", describe_heads(&heads));
    let start = Instant::now();
    let done = read_only(sel)
        .each(targets, async |db| {
            aludel_runner::stamp(db, &graph, &heads, &opts).await?;
            Ok(Outcome::new("stamped", text.clone()))
        })
        .await;
    Ok(report(&done, start.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_with_changes_fails_the_run_and_shows_the_first_operations() {
        use aludel_schema::{Column, ColumnType, Operation, TableName};
        let op = |c: &str| Operation::AddColumn {
            table: TableName {
                schema: None,
                name: "t".into(),
            },
            column: Column::new(c, ColumnType::Integer),
        };
        let clean = check_outcome(&[]);
        assert!(!clean.flagged);
        let o = check_outcome(&[op("a"), op("b"), op("c"), op("d")]);
        assert!(o.flagged);
        assert!(
            o.text.starts_with("4 new upgrade operations: "),
            "{}",
            o.text
        );
        assert!(o.text.ends_with("; ..."), "{}", o.text);
    }
}
