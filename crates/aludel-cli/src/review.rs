//! `aludel review-diff --base <ref>` and `aludel check --offline`: what a pull request
//! changes in the schema, found from git and the compiled revisions, without a database.
//!
//! The branch's revisions are compiled into this runner. The base's are read from git as
//! text: their ids say which revisions the base already has, and the branch's compiled
//! definitions of those build the schema before the change (a base revision the branch
//! edited or deleted is an error of its own).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use aludel_review::history::{Files, History};
use aludel_review::{Input, RevisionInput, rules, source};
use aludel_runner::{Direction, Graph, Item, plan, replay, replay_onto};
use aludel_schema::{Dialect, Schema};
use anyhow::{Context, bail};

use crate::args::{DialectArg, ReportFormat};
use crate::config::{self, Project};

/// The dialect to render for: the flag, else the URL's scheme.
pub(crate) fn dialect(
    flag: Option<DialectArg>,
    url_flag: Option<&str>,
    project: &Project,
) -> anyhow::Result<Dialect> {
    if let Some(d) = flag {
        return Ok(d.dialect());
    }
    let (url, _) = config::resolve_url(url_flag, project).context(
        "no dialect to render for: pass --dialect postgres|mysql|sqlite, or set the database URL",
    )?;
    Dialect::from_url(&url).with_context(|| {
        format!(
            "cannot tell the dialect of the URL {}; pass --dialect postgres|mysql|sqlite",
            aludel_introspect::redact_url(&url)
        )
    })
}

/// The schema every revision builds, limited to the tables aludel manages.
fn replayed_head(graph: &Graph<'_>, project: &Project) -> anyhow::Result<Schema> {
    let mut schema = replay(graph.topo().iter().copied())?;
    project.config.retain_managed(&mut schema);
    Ok(schema)
}

/// What the models have that the revisions do not build: the upgrade a missing revision
/// would hold.
pub(crate) fn offline_plan(
    graph: &Graph<'_>,
    project: &Project,
    models: Schema,
    dialect: Dialect,
) -> anyhow::Result<aludel_diff::Plan> {
    let head = replayed_head(graph, project)?;
    Ok(aludel_diff::diff(&head, &models, dialect)?)
}

/// Runs git in `dir`; its stdout, or an error that says what git said.
fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("cannot run git; review-diff needs git on PATH")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The revision files of a commit: path (from the repository root) to source. Only the
/// folder's own `.rs` files, as the runner's build compiles them (not its subfolders);
/// every file is read by one `git cat-file --batch`, not one git per file.
fn files_at(top: &Path, commit: &str, dir: &str) -> anyhow::Result<BTreeMap<String, String>> {
    // `<mode> <type> <object>\t<name>\0` per entry of the folder itself.
    let listing = match git(top, &["ls-tree", "-z", &format!("{commit}:{dir}")]) {
        Ok(listing) => listing,
        // The folder does not exist at that commit: no revisions there.
        Err(_) if git(top, &["cat-file", "-e", &format!("{commit}:{dir}")]).is_err() => {
            return Ok(BTreeMap::new());
        }
        Err(e) => return Err(e),
    };
    let mut blobs: Vec<(String, String)> = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        let Some((meta, name)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        if let (Some(_), Some("blob"), Some(object)) = (meta.next(), meta.next(), meta.next())
            && name.ends_with(".rs")
        {
            blobs.push((format!("{dir}/{name}"), object.to_string()));
        }
    }
    if blobs.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(top)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("cannot run git; review-diff needs git on PATH")?;
    let request: String = blobs
        .iter()
        .map(|(_, object)| format!("{object}\n"))
        .collect();
    let mut stdin = child.stdin.take().context("git cat-file has no stdin")?;
    // Written from another thread: git answers while it reads, and a large request
    // would fill both pipes.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(request.as_bytes())
    });
    let out = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to git cat-file failed"))??;
    if !out.status.success() {
        bail!(
            "git cat-file --batch failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    // `<object> blob <size>\n<content>\n` per request, in order.
    let mut files = BTreeMap::new();
    let mut rest: &[u8] = &out.stdout;
    for (path, _) in blobs {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .context("git cat-file: a short answer")?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("git cat-file: unexpected answer {header:?} for {path}"))?;
        let body = rest
            .get(header_end + 1..header_end + 1 + size)
            .context("git cat-file: a short answer")?;
        files.insert(path, String::from_utf8_lossy(body).into_owned());
        rest = rest.get(header_end + 2 + size..).unwrap_or_default();
    }
    Ok(files)
}

/// Revision id to (path, source), for the files that hold a revision.
fn by_id(files: BTreeMap<String, String>) -> BTreeMap<String, (String, String)> {
    files
        .into_iter()
        .filter_map(|(path, text)| source::revision_id(&text).map(|id| (id, (path, text))))
        .collect()
}

pub(crate) struct ReviewArgs<'a> {
    pub base: &'a str,
    pub format: ReportFormat,
    pub dialect: Dialect,
    pub output: Option<&'a Path>,
}

/// The revision files review-diff compares: at the commit the branch forked from, at the
/// base's tip now, and in the working tree; and the fork's short hash.
struct Sides {
    merge_base: String,
    at_fork: Files,
    at_tip: Files,
    here: Files,
}

/// Finds the fork with git and reads the three sets of files.
fn sides(project: &Project, base: &str) -> anyhow::Result<Sides> {
    let root = std::fs::canonicalize(&project.root).unwrap_or(project.root.clone());
    let top = PathBuf::from(
        git(&root, &["rev-parse", "--show-toplevel"])
            .context("review-diff works in a git repository")?
            .trim(),
    );
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let versions = project.versions_dir();
    let versions = std::fs::canonicalize(&versions).unwrap_or(versions);
    let rel = versions
        .strip_prefix(&top)
        .with_context(|| {
            format!(
                "{} is outside the git repository {}",
                versions.display(),
                top.display()
            )
        })?
        .to_string_lossy()
        .replace('\\', "/");
    let base_sha = git(&top, &["rev-parse", "--verify", &format!("{base}^{{commit}}")])
        .with_context(|| {
            format!(
                "the base {base} is not a commit here; fetch it first (in GitHub Actions: actions/checkout with fetch-depth: 0)"
            )
        })?
        .trim()
        .to_string();
    let merge_base = git(&top, &["merge-base", &base_sha, "HEAD"])
        .with_context(|| format!("{base} and HEAD have no common ancestor"))?
        .trim()
        .to_string();
    let short = merge_base.chars().take(12).collect::<String>();
    let at_fork = by_id(files_at(&top, &merge_base, &rel)?);
    let at_tip = if base_sha == merge_base {
        at_fork.clone()
    } else {
        by_id(files_at(&top, &base_sha, &rel)?)
    };

    // The branch's files, as they are in the working tree.
    let mut here: Files = BTreeMap::new();
    for entry in std::fs::read_dir(&versions)
        .with_context(|| format!("cannot read {}", versions.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if let Some(id) = source::revision_id(&text) {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                here.insert(id, (format!("{rel}/{name}"), text));
            }
        }
    }

    Ok(Sides {
        merge_base: short,
        at_fork,
        at_tip,
        here,
    })
}

/// Each added revision's statements for the dialect, rendered on top of `replayed` (the
/// base's schema); a revision that cannot render says why instead.
fn branch_sql<'g>(
    graph: &Graph<'g>,
    d: Dialect,
    before_ids: &HashSet<&str>,
    replayed: Schema,
    added: &[&'g str],
) -> BTreeMap<&'g str, Vec<String>> {
    let before_heads = graph.heads_of(before_ids);
    let mut sql: BTreeMap<&'g str, Vec<String>> = BTreeMap::new();
    match plan(
        graph,
        d,
        &before_heads,
        "heads",
        Direction::Upgrade,
        Some(replayed),
    ) {
        Ok(steps) => {
            for step in steps {
                let lines = step
                    .items
                    .iter()
                    .map(|item| match item {
                        Item::Sql(s) => s.clone(),
                        Item::Code { name, .. } => format!(
                            "-- NOT RENDERED: the Rust code {name:?} runs only against a database"
                        ),
                    })
                    .collect();
                sql.insert(step.revision.meta.id, lines);
            }
        }
        Err(e) => {
            for id in added {
                sql.insert(id, vec![format!("-- cannot render: {e}")]);
            }
        }
    }
    sql
}

/// The added revisions as the review takes them, with their `aludel-allow` comments.
fn revision_inputs<'g>(
    graph: &Graph<'g>,
    added: &[&'g str],
    here: &Files,
    mut sql: BTreeMap<&'g str, Vec<String>>,
) -> anyhow::Result<Vec<RevisionInput>> {
    let mut revisions = Vec::new();
    for id in added {
        let def = graph.get(id).expect("listed from the graph");
        let (file, text) = here
            .get(*id)
            .cloned()
            .unwrap_or_else(|| (def.file.to_string(), String::new()));
        let allows = source::allows(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        revisions.push(RevisionInput {
            id: id.to_string(),
            revises: def.meta.revises.iter().map(|s| s.to_string()).collect(),
            message: def.meta.message.to_string(),
            file,
            operations: def.upgrade_ops(),
            sql: sql.remove(id).unwrap_or_default(),
            allows,
        });
    }
    Ok(revisions)
}

/// Writes the report where the arguments say; the exit code says whether it failed.
fn write_report(report: &aludel_review::Report, args: &ReviewArgs<'_>) -> anyhow::Result<ExitCode> {
    let rendered = match args.format {
        ReportFormat::Markdown => aludel_review::markdown(report),
        ReportFormat::Text => aludel_review::text(report),
        ReportFormat::Json => aludel_review::json(report) + "\n",
    };
    match args.output {
        Some(path) => std::fs::write(path, &rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{rendered}"),
    }
    eprintln!("review-diff: {}", report.summary);
    Ok(if report.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn review_diff(
    project: &Project,
    graph: &Graph<'_>,
    models: Schema,
    args: ReviewArgs<'_>,
) -> anyhow::Result<ExitCode> {
    let d = args.dialect;
    let base = args.base;
    let Sides {
        merge_base: short,
        at_fork,
        at_tip,
        here,
    } = sides(project, base)?;
    let branch: Vec<&str> = graph.topo().iter().map(|r| r.meta.id).collect();
    let heads = graph.heads();
    let history = History {
        base,
        branch: &branch,
        heads: &heads,
        at_fork: &at_fork,
        at_tip: &at_tip,
        here: &here,
    };
    let mut problems = history.problems();
    let added = history.added();
    // The base's revisions, as the branch defines them, are replayed once: the schema
    // before, the state the branch's steps render against, and (with the branch's
    // revisions on top) the schema the models are compared with.
    let before_ids: HashSet<&str> = graph
        .topo()
        .iter()
        .map(|r| r.meta.id)
        .filter(|id| at_fork.contains_key(*id))
        .collect();
    let (base_revs, branch_revs): (Vec<_>, Vec<_>) = graph
        .topo()
        .iter()
        .copied()
        .partition(|r| before_ids.contains(r.meta.id));
    let replayed = replay(base_revs)?;
    let mut head = replay_onto(replayed.clone(), branch_revs)?;
    project.config.retain_managed(&mut head);
    let mut before = replayed.clone();
    project.config.retain_managed(&mut before);
    let missing = aludel_diff::diff(&head, &models, d)?;
    if !missing.is_empty() {
        problems.push((
            rules::MISSING_REVISION,
            format!(
                "the models differ from what the revisions build: {}",
                missing
                    .upgrade
                    .iter()
                    .map(|op| op.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    }

    let sql = branch_sql(graph, d, &before_ids, replayed, &added);
    let revisions = revision_inputs(graph, &added, &here, sql)?;
    let report = aludel_review::review(Input {
        base: base.to_string(),
        merge_base: short,
        dialect: d,
        before,
        revisions,
        problems,
        severities: project.config.severities()?,
        docs_url: project
            .config
            .review
            .docs_url
            .clone()
            .unwrap_or_else(|| aludel_review::rules::DOCS_BASE.to_string()),
    });
    write_report(&report, &args)
}
