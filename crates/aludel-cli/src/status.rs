//! `aludel status`: where the database, or each target of a fleet, stands — its
//! revision, the revisions it has not applied, what its ledger says needs a person, and
//! drift (what differs between its tables and the schema they should have).

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Instant;

use aludel_introspect::{Database, redact_url};
use aludel_runner::{Graph, LedgerReport, check_current, current_heads, ledger_report, replay};
use serde_json::json;

use crate::args::{StatusFormat, Targets};
use crate::commands::{Ctx, describe_heads, live_schema};
use crate::fleet::{Describe, Finished, Fleet, plural};
use crate::targets::Target;

/// One target's state.
pub(crate) struct Status {
    current: Vec<String>,
    at_head: bool,
    /// Whether every revision of `current` is a known one.
    known: bool,
    pending: Vec<String>,
    ledger: LedgerReport,
    /// Operations that would make the tables what they should be: the models' schema at
    /// head, else the schema the applied revisions build (`None`: not known, the
    /// database is at a revision no file defines).
    drift: Option<Vec<String>>,
}

impl Status {
    fn revision(&self) -> String {
        let mark = if self.at_head {
            " (head)"
        } else if !self.known {
            " (unknown)"
        } else {
            ""
        };
        format!("{}{mark}", describe_heads(&self.current))
    }

    fn ledger_text(&self) -> String {
        let l = &self.ledger;
        let mut parts = Vec::new();
        for (list, what) in [
            (&l.partial, "partial"),
            (&l.edited, "edited"),
            (&l.missing, "missing"),
        ] {
            if !list.is_empty() {
                parts.push(format!("{} {what}: {}", list.len(), list.join(", ")));
            }
        }
        if parts.is_empty() {
            "ok".into()
        } else {
            parts.join("; ")
        }
    }

    fn drift_text(&self) -> String {
        match &self.drift {
            None => "unknown".into(),
            Some(ops) if ops.is_empty() => "none".into(),
            Some(ops) => plural(ops.len(), "change"),
        }
    }

    fn needs_a_person(&self) -> bool {
        let l = &self.ledger;
        !(l.partial.is_empty() && l.edited.is_empty() && l.missing.is_empty())
    }
}

impl crate::fleet::Session for Status {
    fn ran_revisions(&self) -> bool {
        false
    }
}

impl Describe for Status {
    fn line(&self) -> String {
        format!(
            "{}, {} pending, ledger {}, drift {}",
            self.revision(),
            self.pending.len(),
            self.ledger_text(),
            self.drift_text()
        )
    }
}

pub(crate) async fn status(
    ctx: &Ctx,
    sel: &Targets,
    format: StatusFormat,
) -> anyhow::Result<ExitCode> {
    let project = ctx.project()?;
    let graph = ctx.graph()?;
    let targets = if sel.fleet() {
        crate::fleet::commands::select(ctx, sel, "Reading").await?
    } else {
        let (url, _) = ctx.url(project)?;
        vec![Target {
            name: redact_url(&url),
            url,
            schema: None,
        }]
    };
    let fleet = Fleet {
        jobs: crate::fleet::commands::jobs(sel),
        fail_fast: false,
        canary: None,
        stream: false,
        connections: Default::default(),
    };
    let start = Instant::now();
    let done = fleet
        .each(targets, async |db| read(db, ctx, &graph).await)
        .await;
    match format {
        StatusFormat::Text => print_text(&done, start.elapsed()),
        StatusFormat::Json => print_json(&done),
    }
    Ok(if done.iter().all(|f| f.result.is_ok()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn read(db: &mut Database, ctx: &Ctx, graph: &Graph<'_>) -> anyhow::Result<Status> {
    let project = ctx.project()?;
    let vt = &project.config.version_table;
    let current = current_heads(db, vt).await?;
    let mut heads: Vec<String> = graph.heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    let known = check_current(graph, &current).is_ok();
    let at_head = known && current == heads;
    let ledger = ledger_report(db, graph, &current, vt).await?;
    let (pending, drift) = if known {
        let applied = graph.applied(&current);
        let ids: HashSet<&str> = applied.iter().map(|d| d.meta.id).collect();
        let pending = graph
            .topo()
            .iter()
            .filter(|d| !ids.contains(d.meta.id))
            .map(|d| d.meta.id.to_string())
            .collect();
        let d = db.dialect();
        let expected = if at_head {
            ctx.models(d)?
        } else {
            let mut s = replay(applied)?;
            project.config.retain_managed(&mut s);
            s
        };
        let live = live_schema(db, project, &expected, true).await?;
        let plan = aludel_diff::diff(&live, &expected, d)?;
        let drift = plan.upgrade.iter().map(|op| op.to_string()).collect();
        (pending, Some(drift))
    } else {
        (Vec::new(), None)
    };
    Ok(Status {
        current,
        at_head,
        known,
        pending,
        ledger,
        drift,
    })
}

/// A table with a row per target, the full errors (standard error), and a summary.
fn print_text(done: &[Finished<Status>], elapsed: std::time::Duration) {
    let header = ["TARGET", "REVISION", "PENDING", "LEDGER", "DRIFT"].map(String::from);
    let rows: Vec<[String; 5]> = done
        .iter()
        .map(|f| match &f.result {
            Ok(s) => [
                f.target.name.clone(),
                s.revision(),
                s.pending.len().to_string(),
                s.ledger_text(),
                s.drift_text(),
            ],
            Err(e) => [
                f.target.name.clone(),
                format!("error: {}", e.lines().next().unwrap_or_default()),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    for f in done {
        if let Err(e) = &f.result {
            eprintln!("{}: {e}", f.target.name);
        }
    }
    let s = summary(done);
    let unknown = if s.unknown > 0 {
        format!(", {} at an unknown revision", s.unknown)
    } else {
        String::new()
    };
    println!(
        "{}: {} at head, {} behind{unknown}, {} needing a person (ledger), {} drifted, {} unreadable ({:.1} s)",
        plural(done.len(), "target"),
        s.at_head,
        s.behind,
        s.ledger,
        s.drifted,
        s.failed,
        elapsed.as_secs_f64()
    );
}

#[derive(Default)]
struct Summary {
    at_head: usize,
    behind: usize,
    /// At a revision no file defines.
    unknown: usize,
    ledger: usize,
    drifted: usize,
    failed: usize,
}

fn summary(done: &[Finished<Status>]) -> Summary {
    let mut s = Summary::default();
    for f in done {
        match &f.result {
            Ok(t) => {
                if t.at_head {
                    s.at_head += 1;
                } else if t.known {
                    s.behind += 1;
                } else {
                    s.unknown += 1;
                }
                s.ledger += usize::from(t.needs_a_person());
                s.drifted += usize::from(t.drift.as_ref().is_some_and(|d| !d.is_empty()));
            }
            Err(_) => s.failed += 1,
        }
    }
    s
}

fn print_json(done: &[Finished<Status>]) {
    let targets: Vec<serde_json::Value> = done
        .iter()
        .map(|f| {
            let mut v = json!({
                "name": f.target.name,
                "url": redact_url(&f.target.url),
                "schema": f.target.schema,
            });
            let fields = match &f.result {
                Ok(s) => json!({
                    "current": s.current,
                    "at_head": s.at_head,
                    "known": s.known,
                    "pending": s.pending,
                    "partial": s.ledger.partial,
                    "edited": s.ledger.edited,
                    "missing": s.ledger.missing,
                    "drift": s.drift,
                    "error": null,
                }),
                Err(e) => json!({ "error": e }),
            };
            if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), fields) {
                obj.extend(more);
            }
            v
        })
        .collect();
    let s = summary(done);
    let doc = json!({
        "targets": targets,
        "summary": {
            "targets": done.len(),
            "at_head": s.at_head,
            "behind": s.behind,
            "unknown_revision": s.unknown,
            "needing_a_person": s.ledger,
            "drifted": s.drifted,
            "unreadable": s.failed,
        },
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string())
    );
}
