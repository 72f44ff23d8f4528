//! `aludel inspect`: models for an existing database, checked before they are written.
//!
//! The database is read with the same introspection `check` uses; the models are written
//! by `aludel_revision::models`, read back without a compiler (`read_models`, the
//! derive's own reading) and diffed against what was read, as autogenerate would diff
//! them. Only models that describe the database exactly are written.

use std::path::Path;
use std::process::ExitCode;

use aludel_introspect::{Database, IntrospectOptions};
use aludel_revision::models::{ModelsOptions, item_names, read_models, render_models};
use aludel_schema::Schema;
use anyhow::{Context, bail};

use crate::config::{OTHER_TOOLS, Project, wildcard};

pub(crate) struct InspectArgs<'a> {
    pub output: Option<&'a Path>,
    pub tables: &'a [String],
    pub exclude: &'a [String],
    pub force: bool,
}

pub(crate) async fn inspect(
    project: &Project,
    mut db: Database,
    features: &[&str],
    args: &InspectArgs<'_>,
) -> anyhow::Result<ExitCode> {
    let dialect = db.dialect();
    let before = db.query_count();
    let read = db.introspect(&IntrospectOptions::default()).await;
    let queries = db.query_count() - before;
    let unmodelled = db.unmodelled().await;
    db.close().await;
    let mut live = read?;
    let mut skipped: Vec<String> = live
        .tables
        .iter()
        .filter(|t| OTHER_TOOLS.contains(&t.name.as_str()))
        .filter(|t| !project.config.manages(t.schema.as_deref(), &t.name))
        .map(|t| {
            format!(
                "{} (another migration tool's version table)",
                t.table_name()
            )
        })
        .collect();
    skipped.extend(
        unmodelled?
            .into_iter()
            .map(|o| format!("{o} (models cannot describe it; aludel leaves it alone)")),
    );
    project.config.retain_managed(&mut live);
    let path = output_path(args)?;
    let appending = path.as_ref().is_some_and(|p| p.exists()) && !args.tables.is_empty();
    // Appended models are checked with the file's: against every managed table.
    let managed = appending.then(|| live.clone());
    skipped.extend(select(&mut live, args));
    let mut header = vec![format!(
        "Models of the {dialect} database's tables, written by `aludel inspect`."
    )];
    header.extend(skipped.iter().map(|s| format!("Not modelled: {s}.")));
    let opts = ModelsOptions {
        dialect,
        features,
        header: if appending { Vec::new() } else { header },
    };
    let models = render_models(&live, &opts);
    if !models.unexpressed.is_empty() {
        bail!(
            "these cannot be expressed as models yet; leave their tables out with --exclude:\n  {}",
            models.unexpressed.join("\n  ")
        );
    }
    let text = match (path.as_deref(), managed) {
        (Some(path), Some(managed)) => {
            let combined = appended(path, &models.source)?;
            // The file's models with the new ones must describe their tables together.
            let declared = read_back(&combined)?;
            verify(&tables_of(&managed, &declared), declared, project, dialect)?;
            combined
        }
        _ => {
            verify(&live, read_back(&models.source)?, project, dialect)?;
            models.source
        }
    };
    write(path.as_deref(), &text)?;
    for s in &skipped {
        eprintln!("Not modelled: {s}.");
    }
    eprintln!(
        "Read the catalog in {queries} queries; {} table{}, 0 differences between the models and the database.",
        live.tables.len(),
        if live.tables.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}

/// Keeps the tables asked for; says what is left out and why.
fn select(live: &mut Schema, args: &InspectArgs) -> Vec<String> {
    let mut skipped = Vec::new();
    let names = |pats: &[String], t: &aludel_schema::Table| {
        let q = t.table_name().to_string();
        pats.iter().any(|p| wildcard(p, &t.name) || wildcard(p, &q))
    };
    live.tables
        .retain(|t| (args.tables.is_empty() || names(args.tables, t)) && !names(args.exclude, t));
    let used: Vec<String> = live
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter_map(|c| match &c.ty {
            aludel_schema::ColumnType::Enum { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    live.enums.retain(|e| {
        let keep = used.contains(&e.name);
        if !keep && args.tables.is_empty() {
            skipped.push(format!(
                "enum type {} (no modelled table uses it; the next autogenerate would drop it: \
                 drop it yourself, or leave its tables in)",
                e.name
            ));
        }
        keep
    });
    skipped
}

/// The schema models' source describes, as the derive reads it.
fn read_back(source: &str) -> anyhow::Result<Schema> {
    read_models(source).map_err(|e| {
        anyhow::anyhow!(
            "the models do not read back (a bug of aludel inspect, or of the file appended to): {e}"
        )
    })
}

/// The models must read back as the database: the diff autogenerate would make between
/// them is empty.
fn verify(
    live: &Schema,
    mut models: Schema,
    project: &Project,
    dialect: aludel_schema::Dialect,
) -> anyhow::Result<()> {
    project.config.naming.apply(&mut models, dialect);
    let plan = aludel_diff::diff(live, &models, dialect)?;
    if !plan.upgrade.is_empty() {
        let ops: Vec<String> = plan.upgrade.iter().map(|op| format!("  {op}")).collect();
        bail!(
            "the models would not describe the database exactly (a bug of aludel inspect; nothing was written):\n{}",
            ops.join("\n")
        );
    }
    Ok(())
}

fn output_path(args: &InspectArgs) -> anyhow::Result<Option<std::path::PathBuf>> {
    let Some(out) = args.output else {
        return Ok(None);
    };
    let path = if out.is_dir() {
        out.join("models.rs")
    } else {
        out.to_path_buf()
    };
    if path.exists() && args.tables.is_empty() && !args.force {
        bail!(
            "{} exists already: pass --force to replace it, or --tables to add tables to it",
            path.display()
        );
    }
    Ok(Some(path))
}

/// The file at `path` with `source` after it; refused when `source` declares a struct or
/// an enum the file has.
fn appended(path: &Path, source: &str) -> anyhow::Result<String> {
    let old =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let have = item_names(&old).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let new = item_names(source).map_err(anyhow::Error::msg)?;
    if let Some(twice) = new.iter().find(|n| have.contains(n)) {
        bail!(
            "{} already declares {twice}; inspect it whole again with --force instead of adding with --tables",
            path.display()
        );
    }
    Ok(format!("{}\n\n{source}", old.trim_end()))
}

/// The tables of `live` that `models` declares, with the enum types they use.
fn tables_of(live: &Schema, models: &Schema) -> Schema {
    let mut out = live.clone();
    out.tables
        .retain(|t| models.table(&t.table_name()).is_some());
    out.enums
        .retain(|e| models.enums.iter().any(|m| m.name == e.name));
    out
}

fn write(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    let Some(path) = path else {
        print!("{text}");
        return Ok(());
    };
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("Wrote {}.", path.display());
    Ok(())
}
