//! aludel's review of a pull request's schema change: what `aludel review-diff` and
//! `aludel check --offline` report.
//!
//! Architecture invariant: pure. The caller reads git and compiles the revisions; this
//! crate gets schemas, operations and file text, and returns findings and a report. A
//! lint's code and name never change once released: projects configure them and
//! revision files silence them by code.

pub mod history;
pub mod lints;
mod report;
pub mod rules;
mod schema_text;
pub mod source;

pub use report::{
    Finding, Input, OperationReport, Report, RevisionInput, RevisionReport, Summary, json,
    markdown, review, text,
};
pub use rules::{Rule, Severities, Severity};
pub use schema_text::{er_diagram, schema_diff, schema_text};
