//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "aludel",
    bin_name = "aludel",
    version,
    about = "Schema migrations for Rust: models in, reviewable revisions out",
    long_about = "aludel compares your #[derive(aludel::Model)] structs with the live database, \
                  writes revision files of operations, and applies them."
)]
pub struct Cli {
    /// Database URL (else DATABASE_URL, a .env file, then `url` in aludel.toml).
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,

    /// The config file (default: aludel.toml in this folder or a parent).
    #[arg(
        long,
        short = 'c',
        global = true,
        value_name = "FILE",
        env = "ALUDEL_CONFIG"
    )]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create aludel.toml and the runner crate with its versions/ folder.
    Init {
        /// Where the runner crate goes.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Create a revision file, empty or (--autogenerate) from the models.
    Revision {
        /// What the revision does.
        #[arg(short, long)]
        message: String,
        /// Compare the models with the database and write the operations that differ.
        #[arg(long)]
        autogenerate: bool,
        /// With --autogenerate: the first revision of an existing database, creating
        /// everything the models describe from nothing (no database is read). Record it
        /// on the database with `stamp head`.
        #[arg(long, requires = "autogenerate")]
        baseline: bool,
        /// With --autogenerate: write the operations as revisions of at most N operations
        /// each, one after the other, each run in a transaction of its own (for a change
        /// too large for one PostgreSQL transaction's locks).
        #[arg(long, value_name = "N", requires = "autogenerate", conflicts_with = "rev_id", value_parser = clap::value_parser!(u32).range(1..))]
        split: Option<u32>,
        /// Use this id instead of a random one.
        #[arg(long, value_name = "ID")]
        rev_id: Option<String>,
    },
    /// Apply revisions: head (default), heads, +N, a revision id or a unique prefix.
    Upgrade {
        #[arg(default_value = "head")]
        target: String,
        /// Print the SQL instead of running it (no database is touched). Use
        /// FROM:TO to start elsewhere than the base.
        #[arg(long)]
        sql: bool,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        run: FleetRun,
    },
    /// Revert revisions: -N, a revision id or a unique prefix, or base.
    Downgrade {
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Print the SQL instead of running it; needs FROM:TO, like head:base.
        #[arg(long)]
        sql: bool,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        run: FleetRun,
    },
    /// Show the revision(s) the database is at.
    Current {
        #[command(flatten)]
        targets: Targets,
    },
    /// Where the database (or each target) stands: its revision, the revisions not
    /// applied yet, revisions the ledger says stopped part-way or were edited, and
    /// drift (what differs from the schema its revisions build).
    Status {
        #[command(flatten)]
        targets: Targets,
        #[arg(long, value_enum, default_value = "text")]
        format: StatusFormat,
    },
    /// Show the head revision(s) of the revision files.
    Heads,
    /// List the revisions, newest first, with ids, parents and messages.
    History {
        /// A range FROM:TO of revisions (ids, prefixes, base, head, current, rev+N, head-N);
        /// either side may be empty.
        #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
        range: Option<String>,
    },
    /// Show one revision: header and operations.
    Show { revision: String },
    /// List revisions that more than one revision revises.
    Branches,
    /// Exit 1 when the models have changes that no revision holds.
    Check {
        /// Compare the models with what the revisions build, without a database.
        #[arg(long)]
        offline: bool,
        /// The dialect to compare for with --offline (default: the URL's).
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        #[command(flatten)]
        targets: Targets,
    },
    /// Report a branch's schema change for review: the revisions it adds with their
    /// operations and SQL, lints, the schema diff and an ER diagram. No database needed.
    ReviewDiff {
        /// The git ref the branch merges into, like origin/main.
        #[arg(long, value_name = "REF")]
        base: String,
        #[arg(long, value_enum, default_value = "markdown")]
        format: ReportFormat,
        /// The dialect to render SQL and lint for (default: the URL's).
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// Write the report to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Set the version table to a revision without running anything.
    Stamp {
        revision: String,
        #[command(flatten)]
        targets: Targets,
    },
    /// Create a revision that joins several heads.
    Merge {
        #[arg(short, long)]
        message: String,
        /// The revisions to join (default: every head).
        revisions: Vec<String>,
    },
    /// Record what a person found after a revision stopped part-way (MySQL), or accept an
    /// edit to an applied revision.
    Resolve {
        revision: String,
        #[arg(value_enum)]
        resolution: Resolution,
        /// With `reverted`: record it without checking that nothing of it is left.
        #[arg(long)]
        force: bool,
    },
    /// Write models for the tables of an existing database, and check before writing that
    /// they describe it exactly.
    Inspect {
        /// Where to write: a file, or a folder (its models.rs); default: standard output.
        #[arg(short, long, value_name = "FILE|DIR")]
        output: Option<PathBuf>,
        /// Only these tables (names or globs, comma-separated); added to an existing file.
        #[arg(long, value_delimiter = ',', value_name = "TABLES")]
        tables: Vec<String>,
        /// Leave these tables out (names or globs, comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "TABLES")]
        exclude: Vec<String>,
        /// Replace an existing output file.
        #[arg(long)]
        force: bool,
    },
    /// Create or drop the database the URL names.
    Database {
        #[command(subcommand)]
        action: DatabaseAction,
    },
}

/// Which targets of aludel.toml's `[targets]` a command runs against (none: the one
/// database of --url, DATABASE_URL or `url`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Targets {
    /// Run against these targets of aludel.toml's [targets]: a group, GROUP/NAME, or a
    /// glob of either (`eu-*`, `tenants/a*`); repeat it or separate with commas.
    #[arg(
        long = "target",
        short = 't',
        id = "fleet_targets",
        value_name = "NAME|GLOB",
        value_delimiter = ',',
        conflicts_with = "all"
    )]
    pub patterns: Vec<String>,
    /// Run against every target of aludel.toml's [targets].
    #[arg(long)]
    pub all: bool,
    /// With --target or --all: how many targets at a time (default 8).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
}

impl Targets {
    /// Whether the command runs against a fleet.
    pub fn fleet(&self) -> bool {
        self.all || !self.patterns.is_empty()
    }
}

/// How a fleet upgrade or downgrade goes on after a failure.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FleetRun {
    /// Start no other target once one has failed (those running finish).
    #[arg(long)]
    pub fail_fast: bool,
    /// Run N targets first, and stop there if any of them fails.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub canary: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum StatusFormat {
    Text,
    /// One JSON document: every target and a summary, for dashboards.
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown, for a pull-request comment.
    Markdown,
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DialectArg {
    #[value(alias = "postgresql")]
    Postgres,
    #[value(alias = "mariadb")]
    Mysql,
    Sqlite,
}

impl DialectArg {
    pub fn dialect(self) -> aludel_schema::Dialect {
        match self {
            DialectArg::Postgres => aludel_schema::Dialect::Postgres,
            DialectArg::Mysql => aludel_schema::Dialect::MySql,
            DialectArg::Sqlite => aludel_schema::Dialect::Sqlite,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Resolution {
    /// Every statement of the revision is in effect now (finished by hand).
    Applied,
    /// Nothing of the revision remains (undone by hand).
    Reverted,
    /// The applied revision's edited operations describe the database: record them.
    AcceptEdit,
}

#[derive(Debug, Subcommand)]
pub enum DatabaseAction {
    /// Create the database (a SQLite file; a PostgreSQL or MySQL database).
    Create,
    /// Drop the database and everything in it.
    Drop {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}
