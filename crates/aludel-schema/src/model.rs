//! Tables, columns and constraints.
//!
//! The same types describe the desired schema, the live schema and the replayed schema.
//! Their builder methods (`Table::new("posts").column(...)`) are what revision files use.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::{ColumnType, Tables};

/// A database schema: tables and (PostgreSQL) enum types.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// The tables, in order, with the index of their names ([`Tables`]).
    pub tables: Tables,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
}

/// The name of a table, with its schema (PostgreSQL) when it is not the default one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
}

impl TableName {
    /// The name as a map key, borrowed: (schema, name), as [`Table::key`].
    pub fn key(&self) -> (Option<&str>, &str) {
        (self.schema.as_deref(), self.name.as_str())
    }

    pub fn new(name: impl Into<String>) -> Self {
        TableName {
            schema: None,
            name: name.into(),
        }
    }

    pub fn qualified(schema: Option<String>, name: impl Into<String>) -> Self {
        TableName {
            schema,
            name: name.into(),
        }
    }
}

impl From<&str> for TableName {
    /// `"posts"` or `"blog.posts"` (schema-qualified).
    fn from(s: &str) -> Self {
        match s.split_once('.') {
            Some((schema, name)) if !schema.is_empty() && !name.is_empty() => {
                TableName::qualified(Some(schema.to_string()), name)
            }
            _ => TableName::new(s),
        }
    }
}

impl From<String> for TableName {
    fn from(s: String) -> Self {
        TableName::from(s.as_str())
    }
}

impl From<&TableName> for TableName {
    fn from(t: &TableName) -> Self {
        t.clone()
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Qualified(self.schema.as_deref(), &self.name).fmt(f)
    }
}

/// `schema.name`, or `name` alone.
struct Qualified<'a>(Option<&'a str>, &'a str);

impl fmt::Display for Qualified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, "{s}.{}", self.1),
            None => f.write_str(self.1),
        }
    }
}

/// A table with its columns and constraints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Former names (model only): the differ turns a drop of one of these plus the
    /// creation of this table into a rename.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
}

impl Table {
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            schema: None,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            comment: None,
            renamed_from: Vec::new(),
        }
    }

    /// Sorts the constraints and indexes by name, so that two tables holding the same
    /// ones compare equal whatever order they were read in.
    pub fn sort_constraints(&mut self) {
        self.uniques
            .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        self.indexes
            .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        self.foreign_keys
            .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        self.checks
            .sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
    }

    /// The table's name as a map key, borrowed: (schema, name).
    pub fn key(&self) -> (Option<&str>, &str) {
        (self.schema.as_deref(), self.name.as_str())
    }

    /// The qualified name for messages, written only when displayed.
    pub fn display_name(&self) -> impl fmt::Display + '_ {
        Qualified(self.schema.as_deref(), &self.name)
    }

    pub fn table_name(&self) -> TableName {
        TableName::qualified(self.schema.clone(), self.name.clone())
    }

    pub fn in_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    pub fn primary_key<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = Some(PrimaryKey::new(columns));
        self
    }

    pub fn primary_key_named<I, S>(mut self, name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = Some(PrimaryKey::new(columns).named(name));
        self
    }

    /// A model's auto-increment columns: each column named in `overrides` as it says,
    /// else the lone integer primary-key column. What `#[derive(Model)]` builds.
    pub fn with_model_auto_increment(mut self, overrides: &[(&str, bool)]) -> Table {
        let lone = self
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1)
            .map(|pk| pk.columns[0].clone());
        for c in &mut self.columns {
            let explicit = overrides
                .iter()
                .find(|(n, _)| *n == c.name)
                .map(|(_, v)| *v);
            c.auto_increment = match explicit {
                Some(v) => v,
                None => lone.as_deref() == Some(c.name.as_str()) && c.ty.is_integer(),
            };
        }
        self
    }

    pub fn unique(mut self, unique: Unique) -> Self {
        self.uniques.push(unique);
        self
    }

    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    pub fn foreign_key(mut self, fk: ForeignKey) -> Self {
        self.foreign_keys.push(fk);
        self
    }

    pub fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.renamed_from.push(old.into());
        self
    }

    pub fn get_column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn get_column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Whether `column` is part of the primary key.
    pub fn is_primary_key_column(&self, column: &str) -> bool {
        self.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    }

    /// Every column name that a constraint or an index of this table mentions.
    pub fn constrained_columns(&self) -> impl Iterator<Item = &str> {
        let pk = self.primary_key.iter().flat_map(|p| p.columns.iter());
        let uq = self.uniques.iter().flat_map(|u| u.columns.iter());
        let ix = self.indexes.iter().flat_map(|i| i.columns.iter());
        let fk = self.foreign_keys.iter().flat_map(|f| f.columns.iter());
        pk.chain(uq).chain(ix).chain(fk).map(String::as_str)
    }
}

/// A column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    /// Server default, as an SQL expression (`'draft'`, `0`, `CURRENT_TIMESTAMP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_increment: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Former names (model only): the differ turns drop + add into a rename.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
}

impl Column {
    /// A NOT NULL column of type `ty`.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            auto_increment: false,
            comment: None,
            renamed_from: Vec::new(),
        }
    }

    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    pub fn set_nullable(mut self, nullable: bool) -> Self {
        self.nullable = nullable;
        self
    }

    pub fn default(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(expr.into());
        self
    }

    pub fn auto_increment(mut self) -> Self {
        self.auto_increment = true;
        self
    }

    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.renamed_from.push(old.into());
        self
    }
}

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

/// A primary key constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
}

impl PrimaryKey {
    pub fn new<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PrimaryKey {
            name: None,
            columns: strings(columns),
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A unique constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
}

impl Unique {
    pub fn new<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Unique {
            name: None,
            columns: strings(columns),
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// An index, unique or not, optionally partial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    /// Predicate of a partial index (SQL).
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The access method (PostgreSQL: `gin`, `gist`, `hash`, `brin`, `spgist`); `None`
    /// is the default B-tree.
    #[serde(default, rename = "using", skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

impl Index {
    pub fn new<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Index {
            name: None,
            columns: strings(columns),
            unique: false,
            predicate: None,
            method: None,
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    pub fn where_(mut self, predicate: impl Into<String>) -> Self {
        self.predicate = Some(predicate.into());
        self
    }

    /// The index's access method (PostgreSQL): `gin`, `gist`, `hash`, `brin`, `spgist`.
    pub fn using(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }
}

/// What a foreign key does when the referenced row is deleted or updated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// Parses `cascade`, `set null`, `set default`, `restrict`, `no action` (any case,
    /// spaces or underscores).
    pub fn parse(s: &str) -> Option<FkAction> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        let words: Vec<&str> = norm.split_whitespace().collect();
        match words.as_slice() {
            ["cascade"] => Some(FkAction::Cascade),
            ["set", "null"] => Some(FkAction::SetNull),
            ["set", "default"] => Some(FkAction::SetDefault),
            ["restrict"] => Some(FkAction::Restrict),
            ["no", "action"] => Some(FkAction::NoAction),
            _ => None,
        }
    }

    pub fn as_sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: TableName,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub on_delete: FkAction,
    #[serde(default, skip_serializing_if = "is_default")]
    pub on_update: FkAction,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

impl ForeignKey {
    pub fn new<I, S, J, T>(columns: I, ref_table: impl Into<TableName>, ref_columns: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        ForeignKey {
            name: None,
            columns: strings(columns),
            ref_table: ref_table.into(),
            ref_columns: strings(ref_columns),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn on_delete(mut self, action: FkAction) -> Self {
        self.on_delete = action;
        self
    }

    pub fn on_update(mut self, action: FkAction) -> Self {
        self.on_update = action;
        self
    }
}

/// A check constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub expr: String,
}

impl Check {
    pub fn new(expr: impl Into<String>) -> Self {
        Check {
            name: None,
            expr: expr.into(),
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A database enum type (PostgreSQL `CREATE TYPE ... AS ENUM`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub values: Vec<String>,
}

impl Schema {
    pub fn new() -> Self {
        Schema::default()
    }

    /// The schema of models: their tables in name order, and the enum types their
    /// columns use (in the table's schema). Two models of one table, or one enum type with
    /// two value lists, are errors; `models` pairs each table with the model's name.
    pub fn from_models(mut models: Vec<(String, Table)>) -> std::result::Result<Schema, String> {
        models.sort_by_key(|(_, t)| t.table_name());
        let mut problems = Vec::new();
        for pair in models.windows(2) {
            if pair[0].1.table_name() == pair[1].1.table_name() {
                problems.push(format!(
                    "the models {} and {} both declare the table {}",
                    pair[0].0,
                    pair[1].0,
                    pair[0].1.table_name()
                ));
            }
        }
        let mut enums: Vec<EnumType> = Vec::new();
        for (_, t) in &models {
            for c in &t.columns {
                if let ColumnType::Enum { name, values } = &c.ty {
                    match enums.iter().find(|e| e.name == *name) {
                        Some(e) if e.values != *values => problems.push(format!(
                            "the enum type {name} has two value lists: {:?} and {:?}",
                            e.values, values
                        )),
                        Some(_) => {}
                        None => enums.push(EnumType {
                            name: name.clone(),
                            schema: t.schema.clone(),
                            values: values.clone(),
                        }),
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Schema {
            tables: models.into_iter().map(|(_, t)| t).collect(),
            enums,
        })
    }

    /// The table named `name`, found through the index of names.
    pub fn table(&self, name: &TableName) -> Option<&Table> {
        self.tables.by_name(name)
    }

    /// The table named `name`, to change (its name too: the index follows).
    pub fn table_mut(&mut self, name: &TableName) -> Option<&mut Table> {
        self.tables.by_name_mut(name)
    }

    pub(crate) fn require_table(&mut self, name: &TableName) -> Result<&mut Table> {
        self.table_mut(name)
            .ok_or_else(|| Error::NoSuchTable(name.to_string()))
    }

    /// Sorts tables, enums and every table's constraints by name so that two schemas
    /// holding the same objects compare equal whatever order they were read in.
    pub fn sort(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.enums
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for t in &mut self.tables {
            t.sort_constraints();
        }
        self.tables.reindex();
    }
}
