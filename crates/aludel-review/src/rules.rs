//! Every code the review can report, with its stable name, and the severities a project
//! configures.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// Where the page of each code lives by default: a link relative to the repository under
/// review (`[review] docs_url` in aludel.toml says otherwise).
pub const DOCS_BASE: &str = "docs/lints";

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "off" | "allow" => Some(Severity::Off),
            "warn" | "warning" => Some(Severity::Warning),
            "error" | "deny" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What a code is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The revisions as a whole are wrong: always an error.
    History,
    Destructive,
    DataDependent,
    /// PostgreSQL takes a lock that blocks the application for the length of a scan or a
    /// rewrite.
    Locking,
    Compatibility,
}

/// One code.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// Fires only when the review renders for PostgreSQL.
    pub postgres_only: bool,
    /// One line: what it catches.
    pub title: &'static str,
    /// One line: what to do instead.
    pub fix: &'static str,
}

impl Rule {
    /// The rule's page under `base` (a URL or a path; [`DOCS_BASE`] by default).
    pub fn docs(&self, base: &str) -> String {
        format!("{}/{}.md", base.trim_end_matches('/'), self.code)
    }
}

macro_rules! rules {
    ($($ident:ident = $code:literal $name:literal $cat:ident $pg:literal $title:literal $fix:literal;)*) => {
        $(pub const $ident: &Rule = &Rule {
            code: $code,
            name: $name,
            category: Category::$cat,
            postgres_only: $pg,
            title: $title,
            fix: $fix,
        };)*
        /// Every code, in order.
        pub const ALL: &[&Rule] = &[$($ident),*];
    };
}

rules! {
    MULTIPLE_HEADS = "AL001" "multiple-heads" History false
        "the revisions have several heads"
        "join them with `aludel merge -m \"...\"`, or rebase the branch's revision onto the other head";
    MISSING_REVISION = "AL002" "missing-revision" History false
        "the models differ from what the revisions build"
        "run `aludel revision --autogenerate -m \"...\"` and commit the file";
    EDITED_REVISION = "AL003" "edited-revision" History false
        "a revision that exists on the base branch was edited"
        "revert the edit and put the change in a new revision: databases that ran the old one will never run it again";
    DELETED_REVISION = "AL004" "deleted-revision" History false
        "a revision that exists on the base branch was deleted"
        "restore the file: databases record it as applied, and revisions after it need it";
    BASE_MOVED = "AL005" "base-moved" History false
        "the base branch has revisions this branch does not"
        "merge or rebase the base branch, then point the branch's first revision at its new head (or `aludel merge`)";
    DROP_TABLE = "AL101" "drop-table" Destructive false
        "a table that holds data is dropped"
        "stop using the table in one release; drop it in a later one, after a backup";
    DROP_COLUMN = "AL102" "drop-column" Destructive false
        "a column that holds data is dropped"
        "deploy code that no longer reads or writes the column first; drop it in a later revision";
    NARROWING_TYPE = "AL103" "narrowing-type" Destructive false
        "a column's type changes to one that cannot hold every old value"
        "check the data fits first (a data migration that fails loudly), or add a new column and copy";
    NOT_NULL_WITHOUT_DEFAULT = "AL201" "not-null-without-default" DataDependent false
        "a column becomes NOT NULL where rows may hold no value"
        "add it nullable (or with a default), backfill in a data migration, then make it NOT NULL";
    NEW_UNIQUE = "AL202" "new-unique" DataDependent false
        "a unique constraint or index is added over existing rows"
        "find and fix duplicates first (a data migration), then add the constraint";
    INDEX_WITHOUT_CONCURRENTLY = "AL301" "index-without-concurrently" Locking true
        "an index on an existing table is built without CONCURRENTLY"
        "use `op.create_index_concurrently` in a revision of its own";
    FOREIGN_KEY_WITHOUT_NOT_VALID = "AL302" "foreign-key-without-not-valid" Locking true
        "a foreign key on an existing table checks every row while writes wait"
        "use `op.create_foreign_key_not_valid`, then `op.validate_foreign_key` in a later revision";
    TABLE_REWRITE = "AL303" "table-rewrite" Locking true
        "a type change rewrites the whole table under an exclusive lock"
        "add a new column, backfill it in batches, switch the application over, drop the old one";
    VOLATILE_DEFAULT = "AL304" "volatile-default" Locking true
        "a new column's volatile default rewrites the whole table under an exclusive lock"
        "add the column without a default, set the default, then backfill in batches";
    ENUM_VALUE_REMOVED = "AL401" "enum-value-removed" Destructive false
        "values are removed from an enum"
        "update the rows that hold them first (a data migration), and deploy code that no longer writes them";
    RENAME = "AL501" "rename-breaks-running-app" Compatibility false
        "a table or column is renamed while the running application uses the old name"
        "expand and contract: add the new name, write both, move the readers, drop the old one later";
}

/// The rule of a code (`AL102`) or a name (`drop-column`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The severity of each lint: warnings unless the project says otherwise; the history
/// codes are always errors.
#[derive(Clone, Debug, Default)]
pub struct Severities {
    overrides: BTreeMap<&'static str, Severity>,
}

impl Severities {
    /// From the `[lints]` table of aludel.toml: code or name = "error" | "warn" | "off".
    pub fn from_config(table: &BTreeMap<String, String>) -> Result<Severities, String> {
        let mut overrides = BTreeMap::new();
        for (key, value) in table {
            let rule = find(key).ok_or_else(|| {
                format!(
                    "[lints] {key}: no such lint; the codes are {}",
                    ALL.iter()
                        .filter(|r| r.category != Category::History)
                        .map(|r| format!("{} ({})", r.code, r.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            if rule.category == Category::History {
                return Err(format!(
                    "[lints] {key}: {} {} is always an error; it cannot be configured",
                    rule.code, rule.name
                ));
            }
            let severity = Severity::parse(value).ok_or_else(|| {
                format!("[lints] {key} = {value:?}: use \"error\", \"warn\" or \"off\"")
            })?;
            overrides.insert(rule.code, severity);
        }
        Ok(Severities { overrides })
    }

    pub fn of(&self, rule: &Rule) -> Severity {
        if rule.category == Category::History {
            return Severity::Error;
        }
        self.overrides
            .get(rule.code)
            .copied()
            .unwrap_or(Severity::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_stable() {
        let mut codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        let mut names: Vec<_> = ALL.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        assert_eq!(find("al102").unwrap().name, "drop-column");
        assert_eq!(find("drop-column").unwrap().code, "AL102");
    }

    #[test]
    fn every_code_has_its_page() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lints");
        for r in ALL {
            let page = std::fs::read_to_string(docs.join(format!("{}.md", r.code)))
                .unwrap_or_else(|e| panic!("docs/lints/{}.md: {e}", r.code));
            assert!(
                page.starts_with(&format!("# {} {}\n", r.code, r.name)),
                "{}: {}",
                r.code,
                page.lines().next().unwrap_or_default()
            );
            assert!(page.contains("## Instead"), "{}", r.code);
        }
        let pages = std::fs::read_dir(&docs).unwrap().count();
        assert_eq!(pages, ALL.len(), "a page for each code and no other");
    }

    #[test]
    fn severities_come_from_config() {
        let table: BTreeMap<String, String> = [
            ("AL101".to_string(), "error".to_string()),
            ("rename-breaks-running-app".to_string(), "off".to_string()),
        ]
        .into();
        let s = Severities::from_config(&table).unwrap();
        assert_eq!(s.of(DROP_TABLE), Severity::Error);
        assert_eq!(s.of(RENAME), Severity::Off);
        assert_eq!(s.of(DROP_COLUMN), Severity::Warning);
        assert_eq!(s.of(MULTIPLE_HEADS), Severity::Error);

        let bad = |k: &str, v: &str| {
            Severities::from_config(&[(k.to_string(), v.to_string())].into()).unwrap_err()
        };
        assert!(bad("AL999", "off").contains("no such lint; the codes are AL101 (drop-table)"));
        assert!(bad("AL001", "off").contains("always an error"));
        assert!(bad("AL101", "loud").contains("use \"error\", \"warn\" or \"off\""));
    }
}
