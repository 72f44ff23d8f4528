//! Schema operations: what revision files are made of.
//!
//! An [`Operation`] is plain data. [`Operation::apply`] replays it on a [`Schema`] (no
//! database needed), and [`Operation::reverse`] says what undoes it given the schema it
//! was applied to; a downgrade is the reverse of an upgrade, op by op, in reverse order.

mod apply;
mod reverse;

use std::fmt;

use serde::{Deserialize, Serialize};

use apply::{apply_columns, apply_enums, apply_indexes, apply_keys, apply_tables};
use reverse::{reverse_columns, reverse_enums, reverse_indexes, reverse_keys, reverse_tables};

use crate::error::{Error, Result};
use crate::{
    Check, Column, ColumnType, Dialect, EnumType, ForeignKey, Index, PrimaryKey, Schema, Table,
    TableName, Unique,
};

/// What an operation is about ([`Operation::concern`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concern {
    Tables,
    Columns,
    Indexes,
    /// Primary keys, foreign keys and checks.
    Keys,
    Enums,
    /// Raw SQL and Rust code.
    Raw,
}

/// One change from an old value to a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

impl<T> Change<T> {
    pub fn new(from: T, to: T) -> Self {
        Change { from, to }
    }

    fn swapped(self) -> Self {
        Change {
            from: self.to,
            to: self.from,
        }
    }
}

/// Changes to one column's type, nullability, default, auto-increment or comment. Each
/// change holds the old value too, so an `AlterColumn` is its own documentation and
/// reverses without looking anything up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlterColumn {
    pub table: TableName,
    pub column: String,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<Change<ColumnType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<Change<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Change<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_increment: Option<Change<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Change<Option<String>>>,
}

impl AlterColumn {
    pub fn new(table: impl Into<TableName>, column: impl Into<String>) -> Self {
        AlterColumn {
            table: table.into(),
            column: column.into(),
            ty: None,
            nullable: None,
            default: None,
            auto_increment: None,
            comment: None,
        }
    }

    /// Changes the type from `from` to `to`.
    pub fn ty(mut self, from: ColumnType, to: ColumnType) -> Self {
        self.ty = Some(Change::new(from, to));
        self
    }

    /// Changes nullability from `from` to `to` (`true` = NULL allowed).
    pub fn nullable(mut self, from: bool, to: bool) -> Self {
        self.nullable = Some(Change::new(from, to));
        self
    }

    /// Changes the server default from `from` to `to` (`None` = no default).
    pub fn default(mut self, from: Option<&str>, to: Option<&str>) -> Self {
        self.default = Some(Change::new(from.map(Into::into), to.map(Into::into)));
        self
    }

    pub fn auto_increment(mut self, from: bool, to: bool) -> Self {
        self.auto_increment = Some(Change::new(from, to));
        self
    }

    pub fn comment(mut self, from: Option<&str>, to: Option<&str>) -> Self {
        self.comment = Some(Change::new(from.map(Into::into), to.map(Into::into)));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.ty.is_none()
            && self.nullable.is_none()
            && self.default.is_none()
            && self.auto_increment.is_none()
            && self.comment.is_none()
    }

    fn reversed(self) -> Self {
        AlterColumn {
            table: self.table,
            column: self.column,
            ty: self.ty.map(Change::swapped),
            nullable: self.nullable.map(Change::swapped),
            default: self.default.map(Change::swapped),
            auto_increment: self.auto_increment.map(Change::swapped),
            comment: self.comment.map(Change::swapped),
        }
    }

    /// The column as it is after this change, given the column before it.
    pub fn applied_to(&self, column: &Column) -> Column {
        let mut c = column.clone();
        if let Some(ch) = &self.ty {
            c.ty = ch.to.clone();
        }
        if let Some(ch) = &self.nullable {
            c.nullable = ch.to;
        }
        if let Some(ch) = &self.default {
            c.default = ch.to.clone();
        }
        if let Some(ch) = &self.auto_increment {
            c.auto_increment = ch.to;
        }
        if let Some(ch) = &self.comment {
            c.comment = ch.to.clone();
        }
        c
    }
}

/// Raw SQL, for every dialect or only for one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Execute {
    pub sql: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<Dialect>,
}

/// A schema operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    CreateTable {
        table: Table,
    },
    DropTable {
        table: TableName,
    },
    RenameTable {
        table: TableName,
        to: String,
    },
    AddColumn {
        table: TableName,
        column: Column,
    },
    DropColumn {
        table: TableName,
        column: String,
    },
    RenameColumn {
        table: TableName,
        from: String,
        to: String,
    },
    AlterColumn(AlterColumn),
    /// `concurrently`: built without blocking writes (PostgreSQL's `CONCURRENTLY`, which
    /// runs outside a transaction); other dialects build it as usual.
    CreateIndex {
        table: TableName,
        index: Index,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        concurrently: bool,
    },
    DropIndex {
        table: TableName,
        name: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        concurrently: bool,
    },
    AddUnique {
        table: TableName,
        unique: Unique,
    },
    DropUnique {
        table: TableName,
        name: String,
    },
    AddPrimaryKey {
        table: TableName,
        primary_key: PrimaryKey,
    },
    DropPrimaryKey {
        table: TableName,
    },
    /// `not_valid`: PostgreSQL adds the constraint without checking the rows already there
    /// (`NOT VALID`): new rows are checked at once, the old ones by a later
    /// `ValidateForeignKey`. Other dialects add it as usual.
    AddForeignKey {
        table: TableName,
        foreign_key: ForeignKey,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        not_valid: bool,
    },
    /// Checks the rows a `NOT VALID` foreign key skipped (PostgreSQL's `VALIDATE
    /// CONSTRAINT`, which does not block writes); nothing on other dialects.
    ValidateForeignKey {
        table: TableName,
        name: String,
    },
    DropForeignKey {
        table: TableName,
        name: String,
    },
    AddCheck {
        table: TableName,
        check: Check,
    },
    DropCheck {
        table: TableName,
        name: String,
    },
    CreateEnum {
        #[serde(rename = "enum")]
        ty: EnumType,
    },
    DropEnum {
        name: TableName,
    },
    /// Changes the values of an enum type (PostgreSQL): new values are added in place;
    /// removing or reordering values swaps the type.
    AlterEnum {
        name: TableName,
        from: Vec<String>,
        to: Vec<String>,
    },
    SetTableComment {
        table: TableName,
        from: Option<String>,
        to: Option<String>,
    },
    Execute(Execute),
    /// Rust code that runs against the database (a data migration), by name: its body
    /// lives in the revision file.
    Code {
        name: String,
    },
}

impl Operation {
    /// The table the operation changes, if it changes one.
    pub fn table(&self) -> Option<TableName> {
        use Operation as O;
        match self {
            O::CreateTable { table } => Some(table.table_name()),
            O::DropTable { table }
            | O::RenameTable { table, .. }
            | O::AddColumn { table, .. }
            | O::DropColumn { table, .. }
            | O::RenameColumn { table, .. }
            | O::CreateIndex { table, .. }
            | O::DropIndex { table, .. }
            | O::AddUnique { table, .. }
            | O::DropUnique { table, .. }
            | O::AddPrimaryKey { table, .. }
            | O::DropPrimaryKey { table }
            | O::AddForeignKey { table, .. }
            | O::ValidateForeignKey { table, .. }
            | O::DropForeignKey { table, .. }
            | O::AddCheck { table, .. }
            | O::DropCheck { table, .. }
            | O::SetTableComment { table, .. } => Some(table.clone()),
            O::AlterColumn(a) => Some(a.table.clone()),
            O::CreateEnum { .. }
            | O::DropEnum { .. }
            | O::AlterEnum { .. }
            | O::Execute(_)
            | O::Code { .. } => None,
        }
    }

    /// The table of an operation that changes that table alone (its columns, indexes,
    /// constraints, comment): such an operation can be applied to, or simulated on, the
    /// table by itself. `None` for creating, dropping and renaming, enum changes and code.
    pub fn local_table(&self) -> Option<&TableName> {
        use Operation as O;
        match self {
            O::AddColumn { table, .. }
            | O::DropColumn { table, .. }
            | O::CreateIndex { table, .. }
            | O::DropIndex { table, .. }
            | O::AddUnique { table, .. }
            | O::DropUnique { table, .. }
            | O::AddPrimaryKey { table, .. }
            | O::DropPrimaryKey { table }
            | O::AddForeignKey { table, .. }
            | O::ValidateForeignKey { table, .. }
            | O::DropForeignKey { table, .. }
            | O::AddCheck { table, .. }
            | O::DropCheck { table, .. }
            | O::SetTableComment { table, .. } => Some(table),
            O::AlterColumn(a) => Some(&a.table),
            O::CreateTable { .. }
            | O::DropTable { .. }
            | O::RenameTable { .. }
            | O::RenameColumn { .. }
            | O::CreateEnum { .. }
            | O::DropEnum { .. }
            | O::AlterEnum { .. }
            | O::Execute(_)
            | O::Code { .. } => None,
        }
    }

    /// Whether the operation can destroy data that exists (rows, column values).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Operation::DropTable { .. } | Operation::DropColumn { .. }
        )
    }

    /// Replays the operation on `schema`.
    pub fn apply(&self, schema: &mut Schema) -> Result<()> {
        match self.concern() {
            Concern::Tables => apply_tables(self, schema),
            Concern::Columns => apply_columns(self, schema),
            Concern::Indexes => apply_indexes(self, schema),
            Concern::Keys => apply_keys(self, schema),
            Concern::Enums => apply_enums(self, schema),
            Concern::Raw => Ok(()),
        }
    }

    /// What the operation is about: apply, reverse and the renderer each have one
    /// function per concern, and route by this one match.
    pub fn concern(&self) -> Concern {
        use Operation as O;
        match self {
            O::CreateTable { .. }
            | O::DropTable { .. }
            | O::RenameTable { .. }
            | O::SetTableComment { .. } => Concern::Tables,
            O::AddColumn { .. }
            | O::DropColumn { .. }
            | O::RenameColumn { .. }
            | O::AlterColumn(_) => Concern::Columns,
            O::CreateIndex { .. }
            | O::DropIndex { .. }
            | O::AddUnique { .. }
            | O::DropUnique { .. } => Concern::Indexes,
            O::AddPrimaryKey { .. }
            | O::DropPrimaryKey { .. }
            | O::AddForeignKey { .. }
            | O::ValidateForeignKey { .. }
            | O::DropForeignKey { .. }
            | O::AddCheck { .. }
            | O::DropCheck { .. } => Concern::Keys,
            O::CreateEnum { .. } | O::DropEnum { .. } | O::AlterEnum { .. } => Concern::Enums,
            O::Execute(_) | O::Code { .. } => Concern::Raw,
        }
    }

    /// The operations that undo this one, given `before`, the schema it is applied to.
    /// `None` for raw SQL, which only its author can reverse.
    pub fn reverse(&self, before: &Schema) -> Result<Option<Vec<Operation>>> {
        let ops = match self.concern() {
            Concern::Tables => reverse_tables(self, before)?,
            Concern::Columns => reverse_columns(self, before)?,
            Concern::Indexes => reverse_indexes(self, before)?,
            Concern::Keys => reverse_keys(self, before)?,
            Concern::Enums => reverse_enums(self, before)?,
            Concern::Raw => return Ok(None),
        };
        Ok(Some(ops))
    }
}

/// The operations that undo `ops` applied in order to `before`: each op's reverse, in
/// reverse order. Fails on raw SQL, which has no automatic reverse.
pub fn reverse_all(ops: &[Operation], before: &Schema) -> Result<Vec<Operation>> {
    // The state is copied only once an operation needs it.
    let mut copy: Option<Schema> = None;
    let mut reversed = Vec::with_capacity(ops.len());
    // Created tables join the state only when a later operation needs it: a plan that
    // only creates tables (a first revision) copies none of them.
    let mut created: Vec<&Operation> = Vec::new();
    for op in ops {
        // Each op's reverse goes in back to front; the whole list is turned round at
        // the end.
        if let Operation::CreateTable { table } = op {
            reversed.push(Operation::DropTable {
                table: table.table_name(),
            });
            created.push(op);
            continue;
        }
        let state = copy.get_or_insert_with(|| before.clone());
        for c in created.drain(..) {
            c.apply(state)?;
        }
        let rev = op.reverse(state)?;
        let Some(rev) = rev else {
            return Err(Error::Invalid(format!(
                "{} has no automatic reverse: write the downgrade by hand",
                op
            )));
        };
        op.apply(state)?;
        reversed.extend(rev.into_iter().rev());
    }
    // Two creations of one table are still an error.
    let mut names = std::collections::HashSet::with_capacity(created.len());
    let existing = match &copy {
        Some(state) => state,
        None => before,
    };
    let mut existing_names = std::collections::HashSet::new();
    if !created.is_empty() {
        existing_names.extend(existing.tables.iter().map(Table::key));
    }
    for c in created {
        if let Operation::CreateTable { table } = c {
            let key = table.key();
            if existing_names.contains(&key) || !names.insert(key) {
                return Err(Error::TableExists(table.table_name().to_string()));
            }
        }
    }
    reversed.reverse();
    Ok(reversed)
}

/// Whether a column of type `ty` is of the enum `name` whose values are `from`: by name,
/// or, for a database read back that keeps no enum names (MySQL, SQLite), by values.
pub fn enum_column_of(ty: &ColumnType, name: &TableName, from: &[String]) -> bool {
    match ty {
        ColumnType::Enum { name: n, values } => {
            *n == name.name || (n.is_empty() && values.as_slice() == from)
        }
        _ => false,
    }
}

/// Whether an SQL expression names the column `column`.
fn mentions(expr: &str, column: &str) -> bool {
    crate::rename_identifier(expr, column, "\u{1}") != expr
}

fn no_column(table: &TableName, column: &str) -> Error {
    Error::NoSuchColumn {
        table: table.to_string(),
        column: column.to_string(),
    }
}

fn missing(kind: &'static str, table: &TableName, name: &str) -> Error {
    Error::NoSuchConstraint {
        kind,
        table: table.to_string(),
        name: name.to_string(),
    }
}

fn exists(kind: &'static str, table: &TableName, name: &str) -> Error {
    Error::ConstraintExists {
        kind,
        table: table.to_string(),
        name: name.to_string(),
    }
}

fn require_columns(t: &Table, table: &TableName, cols: &[String]) -> Result<()> {
    match cols.iter().find(|c| t.get_column(c).is_none()) {
        Some(c) => Err(no_column(table, c)),
        None => Ok(()),
    }
}

fn remove_named<T>(items: &mut Vec<T>, name: impl Fn(&T) -> Option<&str>, want: &str) -> Option<T> {
    let pos = items.iter().position(|i| name(i) == Some(want))?;
    Some(items.remove(pos))
}

fn join(cols: &[String]) -> String {
    cols.join(", ")
}

impl AlterColumn {
    /// Each change in words: `type int -> bigint`, `set not null` ...
    fn changes(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(c) = &self.ty {
            parts.push(format!("type {} -> {}", c.from, c.to));
        }
        if let Some(c) = &self.nullable {
            parts.push(
                if c.to {
                    "drop not null"
                } else {
                    "set not null"
                }
                .to_string(),
            );
        }
        if let Some(c) = &self.default {
            let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
            parts.push(format!("default {} -> {}", show(&c.from), show(&c.to)));
        }
        if let Some(c) = &self.auto_increment {
            parts.push(format!("auto increment {} -> {}", c.from, c.to));
        }
        if self.comment.is_some() {
            parts.push("comment".to_string());
        }
        parts
    }
}

impl fmt::Display for Operation {
    /// The operation in words, for reports and messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.concern() {
            Concern::Tables => fmt_tables(self, f),
            Concern::Columns => fmt_columns(self, f),
            Concern::Indexes => fmt_indexes(self, f),
            Concern::Keys => fmt_keys(self, f),
            Concern::Enums => fmt_enums(self, f),
            Concern::Raw => fmt_raw(self, f),
        }
    }
}

fn fmt_tables(op: &Operation, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use Operation as O;
    match op {
        O::CreateTable { table } => write!(
            f,
            "create table {} ({} columns)",
            table.table_name(),
            table.columns.len()
        ),
        O::DropTable { table } => write!(f, "drop table {table}"),
        O::RenameTable { table, to } => write!(f, "rename table {table} to {to}"),
        O::SetTableComment { table, to, .. } => match to {
            Some(c) => write!(f, "set comment of {table}: {c:?}"),
            None => write!(f, "remove comment of {table}"),
        },
        _ => write!(f, "{op:?}"),
    }
}

fn fmt_columns(op: &Operation, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use Operation as O;
    match op {
        O::AddColumn { table, column } => {
            write!(f, "add column {table}.{} {}", column.name, column.ty)?;
            if !column.nullable {
                f.write_str(" not null")?;
            }
            if let Some(d) = &column.default {
                write!(f, " default {d}")?;
            }
            Ok(())
        }
        O::DropColumn { table, column } => write!(f, "drop column {table}.{column}"),
        O::RenameColumn { table, from, to } => {
            write!(f, "rename column {table}.{from} to {to}")
        }
        O::AlterColumn(a) => write!(
            f,
            "alter column {}.{}: {}",
            a.table,
            a.column,
            a.changes().join(", ")
        ),
        _ => write!(f, "{op:?}"),
    }
}

fn fmt_indexes(op: &Operation, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use Operation as O;
    match op {
        O::CreateIndex {
            table,
            index,
            concurrently,
        } => write!(
            f,
            "create {}index {}{} on {table} ({})",
            if index.unique { "unique " } else { "" },
            if *concurrently { "concurrently " } else { "" },
            index.name.as_deref().unwrap_or("?"),
            join(&index.columns)
        ),
        O::DropIndex {
            table,
            name,
            concurrently,
        } => write!(
            f,
            "drop index {}{name} on {table}",
            if *concurrently { "concurrently " } else { "" }
        ),
        O::AddUnique { table, unique } => write!(
            f,
            "add unique constraint {} on {table} ({})",
            unique.name.as_deref().unwrap_or("?"),
            join(&unique.columns)
        ),
        O::DropUnique { table, name } => {
            write!(f, "drop unique constraint {name} on {table}")
        }
        _ => write!(f, "{op:?}"),
    }
}

fn fmt_keys(op: &Operation, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use Operation as O;
    match op {
        O::AddPrimaryKey { table, primary_key } => {
            write!(
                f,
                "add primary key on {table} ({})",
                join(&primary_key.columns)
            )
        }
        O::DropPrimaryKey { table } => write!(f, "drop primary key of {table}"),
        O::ValidateForeignKey { table, name } => {
            write!(f, "validate foreign key {name} on {table}")
        }
        O::AddForeignKey {
            table,
            foreign_key: k,
            not_valid,
        } => write!(
            f,
            "add foreign key {} on {table} ({}) -> {} ({}){}",
            k.name.as_deref().unwrap_or("?"),
            join(&k.columns),
            k.ref_table,
            join(&k.ref_columns),
            if *not_valid {
                ", not valid: existing rows unchecked"
            } else {
                ""
            }
        ),
        O::DropForeignKey { table, name } => write!(f, "drop foreign key {name} on {table}"),
        O::AddCheck { table, check } => write!(f, "add check on {table}: {}", check.expr),
        O::DropCheck { table, name } => write!(f, "drop check {name} on {table}"),
        _ => write!(f, "{op:?}"),
    }
}

fn fmt_enums(op: &Operation, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use Operation as O;
    match op {
        O::CreateEnum { ty } => write!(f, "create enum {} ({})", ty.name, ty.values.join(", ")),
        O::DropEnum { name } => write!(f, "drop enum {name}"),
        O::AlterEnum { name, from, to } => write!(
            f,
            "alter enum {name}: ({}) -> ({})",
            from.join(", "),
            to.join(", ")
        ),
        _ => write!(f, "{op:?}"),
    }
}

fn fmt_raw(op: &Operation, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    use Operation as O;
    match op {
        O::Execute(e) => {
            let first = e.sql.lines().next().unwrap_or("");
            write!(f, "execute SQL: {first}")
        }
        O::Code { name } => write!(f, "run Rust code {name:?}"),
        _ => write!(f, "{op:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FkAction;

    fn blog() -> Schema {
        let mut s = Schema::new();
        s.tables.push(
            Table::new("users")
                .column(Column::new("id", ColumnType::BigInt).auto_increment())
                .column(Column::new("name", ColumnType::Varchar(64)))
                .primary_key(["id"])
                .unique(Unique::new(["name"]).named("uq_users_name")),
        );
        s.tables.push(
            Table::new("posts")
                .column(Column::new("id", ColumnType::BigInt).auto_increment())
                .column(Column::new("owner_id", ColumnType::BigInt).nullable())
                .column(Column::new("title", ColumnType::Text))
                .primary_key(["id"])
                .index(Index::new(["owner_id"]).named("ix_posts_owner_id"))
                .foreign_key(
                    ForeignKey::new(["owner_id"], "users", ["id"])
                        .named("fk_posts_owner_id_users")
                        .on_delete(FkAction::Cascade),
                ),
        );
        s
    }

    /// Applying ops then their reverse gives the schema back.
    fn round_trip(ops: Vec<Operation>) {
        let before = blog();
        let mut after = before.clone();
        for op in &ops {
            op.apply(&mut after).unwrap_or_else(|e| panic!("{op}: {e}"));
        }
        assert_ne!(after, before, "the ops must change something");
        let undo = reverse_all(&ops, &before).unwrap();
        let mut back = after.clone();
        for op in &undo {
            op.apply(&mut back).unwrap_or_else(|e| panic!("{op}: {e}"));
        }
        back.sort();
        let mut want = before;
        want.sort();
        // Column order may differ after drop + re-add; compare as sets.
        for t in &mut back.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for t in &mut want.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        assert_eq!(back, want);
    }

    fn posts() -> TableName {
        TableName::new("posts")
    }

    #[test]
    fn every_op_reverses() {
        round_trip(vec![Operation::DropTable { table: posts() }]);
        round_trip(vec![Operation::CreateTable {
            table: Table::new("tags").column(Column::new("id", ColumnType::Integer)),
        }]);
        round_trip(vec![Operation::DropColumn {
            table: posts(),
            column: "owner_id".into(),
        }]);
        round_trip(vec![Operation::AddColumn {
            table: posts(),
            column: Column::new("body", ColumnType::Text).nullable(),
        }]);
        round_trip(vec![Operation::RenameColumn {
            table: "users".into(),
            from: "id".into(),
            to: "user_id".into(),
        }]);
        round_trip(vec![Operation::RenameTable {
            table: "users".into(),
            to: "accounts".into(),
        }]);
        round_trip(vec![Operation::AlterColumn(
            AlterColumn::new("posts", "title")
                .ty(ColumnType::Text, ColumnType::Varchar(200))
                .nullable(false, true)
                .default(None, Some("'untitled'")),
        )]);
        round_trip(vec![
            Operation::DropForeignKey {
                table: posts(),
                name: "fk_posts_owner_id_users".into(),
            },
            Operation::DropIndex {
                table: posts(),
                name: "ix_posts_owner_id".into(),
                concurrently: false,
            },
            Operation::DropUnique {
                table: "users".into(),
                name: "uq_users_name".into(),
            },
            Operation::DropPrimaryKey { table: posts() },
        ]);
    }

    #[test]
    fn building_an_index_concurrently_reverses_to_dropping_it_concurrently() {
        let s = blog();
        let drop = Operation::DropIndex {
            table: posts(),
            name: "ix_posts_owner_id".into(),
            concurrently: true,
        };
        let undo = drop.reverse(&s).unwrap().unwrap();
        assert!(
            matches!(
                &undo[..],
                [Operation::CreateIndex {
                    concurrently: true,
                    ..
                }]
            ),
            "{undo:?}"
        );
        let redo = undo[0].reverse(&s).unwrap().unwrap();
        assert_eq!(redo, [drop]);
        // Serialised without the flag when it is off: the checksums of revisions written
        // before it existed do not change.
        let plain = serde_json::to_string(&Operation::DropIndex {
            table: posts(),
            name: "ix".into(),
            concurrently: false,
        })
        .unwrap();
        assert!(!plain.contains("concurrently"), "{plain}");
    }

    #[test]
    fn a_unique_constraint_and_a_unique_index_answer_to_each_other() {
        // A database read back holds unique constraints as unique indexes on MySQL and
        // SQLite; operations written against the models name them as constraints.
        let mut s = blog();
        let t = s.table_mut(&"users".into()).unwrap();
        let u = t.uniques.remove(0);
        t.indexes
            .push(Index::new(u.columns).named("uq_users_name").unique());
        let drop = Operation::DropUnique {
            table: "users".into(),
            name: "uq_users_name".into(),
        };
        let undo = drop.reverse(&s).unwrap().unwrap();
        drop.apply(&mut s).unwrap();
        assert!(s.table(&"users".into()).unwrap().indexes.is_empty());
        assert!(matches!(undo[0], Operation::CreateIndex { .. }));

        let mut s = blog();
        let drop = Operation::DropIndex {
            table: "users".into(),
            name: "uq_users_name".into(),
            concurrently: false,
        };
        drop.apply(&mut s).unwrap();
        assert!(s.table(&"users".into()).unwrap().uniques.is_empty());
    }

    #[test]
    fn rename_column_follows_predicates_and_checks() {
        let mut s = blog();
        let t = s.table_mut(&posts()).unwrap();
        t.indexes[0].predicate = Some("title IS NOT NULL".into());
        t.checks
            .push(Check::new("length(title) > 0").named("ck_title"));
        Operation::RenameColumn {
            table: posts(),
            from: "title".into(),
            to: "headline".into(),
        }
        .apply(&mut s)
        .unwrap();
        let t = s.table(&posts()).unwrap();
        assert_eq!(
            t.indexes[0].predicate.as_deref(),
            Some("headline IS NOT NULL")
        );
        assert_eq!(t.checks[0].expr, "length(headline) > 0");
    }

    #[test]
    fn alter_enum_changes_the_columns_of_a_schema_without_enum_types() {
        // MySQL and SQLite keep no enum types, only columns holding the values.
        let mut s = Schema::new();
        s.tables.push(Table::new("t").column(Column::new(
            "status",
            ColumnType::Enum {
                name: String::new(),
                values: vec!["a".into(), "b".into()],
            },
        )));
        let op = Operation::AlterEnum {
            name: "st".into(),
            from: vec!["a".into(), "b".into()],
            to: vec!["a".into(), "b".into(), "c".into()],
        };
        op.apply(&mut s).unwrap();
        assert_eq!(
            s.tables[0].columns[0].ty,
            ColumnType::Enum {
                name: "st".into(),
                values: vec!["a".into(), "b".into(), "c".into()]
            }
        );
        let err = op.apply(&mut Schema::new()).unwrap_err();
        assert_eq!(err.to_string(), "enum type st does not exist");
    }

    #[test]
    fn rename_table_follows_foreign_keys() {
        let mut s = blog();
        Operation::RenameTable {
            table: "users".into(),
            to: "accounts".into(),
        }
        .apply(&mut s)
        .unwrap();
        let fk = &s.table(&posts()).unwrap().foreign_keys[0];
        assert_eq!(fk.ref_table, TableName::new("accounts"));
    }

    #[test]
    fn errors_name_the_object() {
        let mut s = blog();
        let err = Operation::DropColumn {
            table: posts(),
            column: "nope".into(),
        }
        .apply(&mut s)
        .unwrap_err();
        assert_eq!(err.to_string(), "column posts.nope does not exist");
        let err = Operation::CreateTable {
            table: Table::new("posts"),
        }
        .apply(&mut s)
        .unwrap_err();
        assert_eq!(err.to_string(), "table posts already exists");
    }

    #[test]
    fn raw_sql_is_not_reversible() {
        let ops = [Operation::Execute(Execute {
            sql: "UPDATE posts SET title = 'x'".into(),
            dialect: None,
        })];
        let err = reverse_all(&ops, &blog()).unwrap_err();
        assert!(err.to_string().contains("no automatic reverse"), "{err}");
    }
}
