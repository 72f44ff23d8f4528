//! The report: built once, written as Markdown (a pull-request comment), text (a
//! terminal) or JSON (other tools).

use std::collections::BTreeSet;
use std::fmt::Write;

use aludel_schema::{Dialect, Operation, Schema, TableName};
use serde::Serialize;

use crate::lints::{self, Fresh};
use crate::rules::{Rule, Severities, Severity};
use crate::schema_text::{er_diagram, schema_diff};
use crate::source::Allow;

/// What the review is given: everything comes from the caller, nothing is read here.
pub struct Input {
    /// The base as the user named it (`origin/main`).
    pub base: String,
    /// The commit the branch forked from (short hash).
    pub merge_base: String,
    pub dialect: Dialect,
    /// The schema the base's revisions build.
    pub before: Schema,
    /// The revisions the branch adds, parents first.
    pub revisions: Vec<RevisionInput>,
    /// Problems with the revisions as a whole (`AL0xx`), found by the caller.
    pub problems: Vec<(&'static Rule, String)>,
    pub severities: Severities,
    /// Where the lint pages are: each finding links to `<docs_url>/<code>.md`.
    pub docs_url: String,
}

/// One revision the branch adds.
pub struct RevisionInput {
    pub id: String,
    pub revises: Vec<String>,
    pub message: String,
    pub file: String,
    pub operations: Vec<Operation>,
    /// Its statements for the dialect, in order.
    pub sql: Vec<String>,
    pub allows: Vec<Allow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do instead.
    pub fix: &'static str,
    pub docs: String,
    /// The reason an `aludel-allow` comment gives; an allowed finding counts for nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct OperationReport {
    pub operation: String,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RevisionReport {
    pub id: String,
    pub revises: Vec<String>,
    pub message: String,
    pub file: String,
    pub operations: Vec<OperationReport>,
    pub sql: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub revisions: usize,
    pub errors: usize,
    pub warnings: usize,
    pub allowed: usize,
}

impl Summary {
    /// The parts of the one summary line every format writes, in order: revisions,
    /// errors, warnings, and the allowed findings when there are any. `strong` wraps each
    /// count as the format emphasises it (`**` in Markdown).
    pub fn parts(&self, strong: &str) -> (String, String) {
        let mut counts = format!(
            "{strong}{}{strong}, {strong}{}{strong}",
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings")
        );
        if self.allowed > 0 {
            let _ = write!(counts, ", {} allowed", self.allowed);
        }
        (
            format!(
                "{strong}{}{strong}",
                plural(self.revisions, "revision", "revisions")
            ),
            counts,
        )
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (revisions, counts) = self.parts("");
        write!(f, "{revisions}, {counts}")
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub base: String,
    pub merge_base: String,
    pub dialect: Dialect,
    pub summary: Summary,
    /// Problems with the revisions as a whole.
    pub errors: Vec<Finding>,
    pub revisions: Vec<RevisionReport>,
    /// Unified diff of the schema before and after the branch's revisions.
    pub schema_diff: String,
    /// Mermaid ER diagram of the tables the revisions touch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub er_diagram: Option<String>,
}

impl Report {
    /// Whether the review fails the build: an error, or a lint configured as one.
    pub fn failed(&self) -> bool {
        self.summary.errors > 0
    }
}

fn finding(rule: &'static Rule, severity: Severity, message: String, docs_url: &str) -> Finding {
    Finding {
        code: rule.code,
        name: rule.name,
        severity,
        message,
        fix: rule.fix,
        docs: rule.docs(docs_url),
        allowed: None,
    }
}

/// Lints every operation of the added revisions in order, and builds the report.
pub fn review(input: Input) -> Report {
    let d = input.dialect;
    let mut state = input.before.clone();
    let mut fresh = Fresh::default();
    let mut touched: BTreeSet<TableName> = BTreeSet::new();
    let mut summary = Summary {
        revisions: input.revisions.len(),
        ..Summary::default()
    };
    let errors: Vec<Finding> = input
        .problems
        .iter()
        .map(|(rule, msg)| finding(rule, Severity::Error, msg.clone(), &input.docs_url))
        .collect();
    summary.errors += errors.len();
    let mut revisions = Vec::new();
    for rev in &input.revisions {
        let mut operations = Vec::new();
        for op in &rev.operations {
            let mut findings = Vec::new();
            for hit in lints::check(op, &state, &fresh, d) {
                let severity = input.severities.of(hit.rule);
                if severity == Severity::Off {
                    continue;
                }
                let mut f = finding(hit.rule, severity, hit.message, &input.docs_url);
                f.allowed = rev
                    .allows
                    .iter()
                    .find(|a| a.code == hit.rule.code)
                    .map(|a| a.reason.clone());
                match (&f.allowed, severity) {
                    (Some(_), _) => summary.allowed += 1,
                    (None, Severity::Error) => summary.errors += 1,
                    (None, _) => summary.warnings += 1,
                }
                findings.push(f);
            }
            fresh.note(op);
            if let Some(t) = op.table() {
                touched.insert(t);
            }
            if let Operation::RenameTable { table, to } = op {
                touched.insert(TableName::qualified(table.schema.clone(), to.clone()));
            }
            // The revisions replayed already; an operation that does not apply here
            // changes nothing the report shows.
            let _ = op.apply(&mut state);
            operations.push(OperationReport {
                operation: op.to_string(),
                findings,
            });
        }
        revisions.push(RevisionReport {
            id: rev.id.clone(),
            revises: rev.revises.clone(),
            message: rev.message.clone(),
            file: rev.file.clone(),
            operations,
            sql: rev.sql.clone(),
        });
    }
    Report {
        base: input.base,
        merge_base: input.merge_base,
        dialect: d,
        summary,
        errors,
        revisions,
        schema_diff: schema_diff(&input.before, &state, d),
        er_diagram: er_diagram(&state, &touched, d),
    }
}

fn dialect_name(d: Dialect) -> &'static str {
    d.backend().display_name()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn headline(r: &Report) -> String {
    let (revisions, counts) = r.summary.parts("");
    format!(
        "{revisions} on top of {} (merge base {}), rendered for {}: {counts}.",
        r.base,
        r.merge_base,
        dialect_name(r.dialect),
    )
}

fn revises(r: &RevisionReport) -> String {
    if r.revises.is_empty() {
        "<base>".to_string()
    } else {
        r.revises.join(", ")
    }
}

/// Markdown for a pull-request comment (GitHub-flavoured: `<details>`, Mermaid).
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## aludel review\n");
    let s = &r.summary;
    let icon = if s.errors > 0 {
        "❌"
    } else if s.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let (revisions, counts) = s.parts("**");
    let _ = writeln!(
        out,
        "{icon} {revisions} on top of `{}` (merge base `{}`), rendered for {}: {counts}.\n",
        r.base,
        r.merge_base,
        dialect_name(r.dialect),
    );
    if !r.errors.is_empty() {
        let _ = writeln!(out, "### Errors\n");
        for f in &r.errors {
            md_finding(&mut out, f, "");
        }
        out.push('\n');
    }
    if r.revisions.is_empty() {
        let _ = writeln!(out, "The branch adds no revision.\n");
    } else {
        let _ = writeln!(out, "### Revisions\n");
    }
    for rev in &r.revisions {
        let _ = writeln!(out, "#### `{}` {}\n", rev.id, rev.message);
        let _ = writeln!(out, "`{}` · revises `{}`\n", rev.file, revises(rev));
        if rev.operations.is_empty() {
            let _ = writeln!(out, "- (no operations)");
        }
        for op in &rev.operations {
            let _ = writeln!(out, "- {}", op.operation);
            for f in &op.findings {
                md_finding(&mut out, f, "  ");
            }
        }
        out.push('\n');
        if rev.sql.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<details>\n<summary>SQL for {} ({})</summary>\n\n```sql",
            dialect_name(r.dialect),
            plural(
                rev.sql.iter().filter(|s| !s.starts_with("--")).count(),
                "statement",
                "statements"
            )
        );
        for sql in &rev.sql {
            if sql.starts_with("--") {
                let _ = writeln!(out, "{sql}");
            } else {
                let _ = writeln!(out, "{sql};");
            }
        }
        let _ = writeln!(out, "```\n\n</details>\n");
    }
    if !r.schema_diff.is_empty() {
        let _ = writeln!(
            out,
            "### Schema before and after\n\n```diff\n{}```\n",
            r.schema_diff
        );
    }
    if let Some(er) = &r.er_diagram {
        let _ = writeln!(out, "### Tables touched\n\n```mermaid\n{er}```\n");
    }
    let _ = writeln!(
        out,
        "<sub>aludel review-diff · lints are configured in `[lints]` of aludel.toml; a revision silences one with `// aludel-allow: <code> <reason>`</sub>"
    );
    out
}

fn md_finding(out: &mut String, f: &Finding, indent: &str) {
    match &f.allowed {
        Some(reason) => {
            let _ = writeln!(
                out,
                "{indent}- ☑️ allowed: [{} {}]({}): {} — *{reason}*",
                f.code, f.name, f.docs, f.message
            );
        }
        None => {
            let icon = if f.severity == Severity::Error {
                "❌"
            } else {
                "⚠️"
            };
            let _ = writeln!(
                out,
                "{indent}- {icon} **[{} {}]({})**: {}.<br>*Instead:* {}.",
                f.code, f.name, f.docs, f.message, f.fix
            );
        }
    }
}

/// Plain text for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "aludel review: {}\n", headline(r));
    for f in &r.errors {
        text_finding(&mut out, f, "");
    }
    if !r.errors.is_empty() {
        out.push('\n');
    }
    for rev in &r.revisions {
        let _ = writeln!(
            out,
            "Revision {} ({}), revises {}: {}",
            rev.id,
            rev.file,
            revises(rev),
            rev.message
        );
        for op in &rev.operations {
            let _ = writeln!(out, "    {}", op.operation);
            for f in &op.findings {
                text_finding(&mut out, f, "        ");
            }
        }
        if !rev.sql.is_empty() {
            let _ = writeln!(out, "  SQL ({}):", dialect_name(r.dialect));
        }
        for sql in &rev.sql {
            let end = if sql.starts_with("--") { "" } else { ";" };
            let _ = writeln!(out, "    {sql}{end}");
        }
        out.push('\n');
    }
    if !r.schema_diff.is_empty() {
        let _ = writeln!(out, "Schema diff:\n{}", r.schema_diff);
    }
    out
}

fn text_finding(out: &mut String, f: &Finding, indent: &str) {
    match &f.allowed {
        Some(reason) => {
            let _ = writeln!(
                out,
                "{indent}allowed {} {}: {} (reason: {reason})",
                f.code, f.name, f.message
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{indent}{} {} {}: {}\n{indent}    instead: {}\n{indent}    see {}",
                f.severity, f.code, f.name, f.message, f.fix, f.docs
            );
        }
    }
}

/// JSON for other tools; the shape is [`Report`].
pub fn json(r: &Report) -> String {
    serde_json::to_string_pretty(r)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}
