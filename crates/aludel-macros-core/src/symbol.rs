//! Attribute names, in one place.

pub(crate) const ALUDEL: &str = "aludel";

pub(crate) const FIELD_KEYS: &[&str] = &[
    "primary_key",
    "auto_increment",
    "unique",
    "index",
    "column",
    "sql_type",
    "max_length",
    "precision",
    "scale",
    "default",
    "references",
    "on_delete",
    "on_update",
    "check",
    "comment",
    "renamed_from",
    "skip",
];

pub(crate) const STRUCT_KEYS: &[&str] = &[
    "table",
    "schema",
    "primary_key",
    "unique",
    "index",
    "check",
    "foreign_key",
    "comment",
    "renamed_from",
    "rename_all",
];

/// The naming styles of `rename_all`, as serde spells them.
pub(crate) const RENAME_RULES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

pub(crate) const FK_ACTIONS: &[&str] = &[
    "cascade",
    "set null",
    "set default",
    "restrict",
    "no action",
];
