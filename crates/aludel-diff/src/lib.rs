//! The differ: which operations turn the current schema into the target schema.
//!
//! [`diff`] compares both schemas in their normalised form for the dialect (so that
//! spellings the dialect does not keep never count as changes), then emits operations
//! built from the original values, ordered so that a foreign key never points at a table
//! or column that does not exist at that moment. The downgrade is the reverse of the
//! upgrade, computed op by op against the current schema.
//!
//! Architecture invariant: no database, filesystem or async runtime; pure functions.

mod order;

use std::collections::{HashMap, HashSet};

use aludel_schema::{
    AlterColumn, Change, Check, Column, ColumnType, Dialect, EnumType, ForeignKey, Index,
    Operation, Schema, Table, TableName, Unique, reverse_all,
};
use serde::Serialize;

/// Errors of the differ.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the models are not a valid schema:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    InvalidTarget(Vec<String>),
    #[error("cannot compute the downgrade: {0}")]
    Reverse(#[from] aludel_schema::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the differ found and how to get there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub upgrade: Vec<Operation>,
    pub downgrade: Vec<Operation>,
    pub notes: Vec<Note>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.upgrade.is_empty()
    }

    /// The upgrade in consecutive parts of at most `size` operations, in order, each with
    /// its own downgrade (the reverse of that part, from the schema the parts before it
    /// leave): revisions that each run in a transaction of their own. `before` is the
    /// schema the plan starts from.
    pub fn split(
        &self,
        before: &Schema,
        size: usize,
    ) -> Result<Vec<(Vec<Operation>, Vec<Operation>)>> {
        // One copy of the schema, moved forward operation by operation; each operation's
        // reverse is taken from the state it applies to.
        let mut state = before.clone();
        let mut parts = Vec::new();
        for chunk in self.upgrade.chunks(size.max(1)) {
            let mut undo: Vec<Vec<Operation>> = Vec::with_capacity(chunk.len());
            for op in chunk {
                let reverse = op.reverse(&state)?.ok_or_else(|| {
                    aludel_schema::Error::Invalid(format!(
                        "{op} has no automatic reverse: write the downgrade by hand"
                    ))
                })?;
                undo.push(reverse);
                op.apply(&mut state)?;
            }
            let down = undo.into_iter().rev().flatten().collect();
            parts.push((chunk.to_vec(), down));
        }
        Ok(parts)
    }
}

/// Something the user should read about a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The plan destroys data (drop table, drop column).
    Destructive,
    /// A drop plus an add that look like a rename; the model should say `renamed_from`.
    RenameSuggestion,
}

/// Checks what a diff needs of the target schema: every column a constraint names
/// exists, every foreign key points at a table of the schema, no name is used twice.
pub fn validate(target: &Schema, dialect: Dialect) -> Result<()> {
    // Runs on every autogenerate and check: no allocation per table unless something
    // is wrong.
    let mut problems = Vec::new();
    let mut tables: HashMap<Key<'_>, &Table> = HashMap::with_capacity(target.tables.len());
    for t in &target.tables {
        if tables.insert(t.key(), t).is_some() {
            problems.push(format!("table {} is declared twice", t.table_name()));
        }
    }
    if dialect == Dialect::Postgres {
        for e in &target.enums {
            name_problem(&mut problems, dialect, "enum type", &e.name);
        }
    }
    for t in &target.tables {
        let tn = t.display_name();
        table_name_problems(&mut problems, dialect, t);
        if dialect == Dialect::MySql {
            mysql_unindexable(&mut problems, t);
            mysql_comments(&mut problems, t);
        }
        column_problems(&mut problems, dialect, t);
        let has = |name: &str| t.columns.iter().any(|c| c.name == name);
        let check_cols = |problems: &mut Vec<String>, what: &str, names: &[String]| {
            for n in names {
                if !has(n) {
                    problems.push(format!(
                        "{what} of table {tn} names column {n}, which does not exist"
                    ));
                }
            }
        };
        if let Some(pk) = &t.primary_key {
            check_cols(&mut problems, "the primary key", &pk.columns);
        }
        for u in &t.uniques {
            check_cols(&mut problems, "a unique constraint", &u.columns);
        }
        for i in &t.indexes {
            check_cols(&mut problems, "an index", &i.columns);
        }
        for f in &t.foreign_keys {
            check_cols(&mut problems, "a foreign key", &f.columns);
            match tables.get(&f.ref_table.key()) {
                None => problems.push(format!(
                    "foreign key of {tn} ({}) references table {}, which no model declares",
                    f.columns.join(", "),
                    f.ref_table
                )),
                Some(rt) => referenced_key_problems(&mut problems, &tn, f, rt),
            }
        }
        let named: Vec<&str> = t
            .uniques
            .iter()
            .filter_map(|u| u.name.as_deref())
            .chain(t.indexes.iter().filter_map(|i| i.name.as_deref()))
            .chain(t.foreign_keys.iter().filter_map(|f| f.name.as_deref()))
            .collect();
        for (i, n) in named.iter().enumerate() {
            if named[..i].contains(n) {
                problems.push(format!("the name {n} is used twice on table {tn}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidTarget(problems))
    }
}

/// A foreign key's referenced columns: they exist, match its columns in number, and are
/// the referenced table's primary key or a unique key.
fn referenced_key_problems(
    problems: &mut Vec<String>,
    tn: &impl std::fmt::Display,
    f: &ForeignKey,
    rt: &Table,
) {
    let same_set =
        |a: &[String], b: &[String]| a.len() == b.len() && a.iter().all(|x| b.contains(x));
    for rc in &f.ref_columns {
        if rt.get_column(rc).is_none() {
            problems.push(format!(
                "foreign key of {tn} ({}) references {}.{rc}, which does not exist",
                f.columns.join(", "),
                f.ref_table
            ));
        }
    }
    if f.ref_columns.len() != f.columns.len() {
        problems.push(format!(
            "foreign key of {tn} has {} columns but references {}",
            f.columns.len(),
            f.ref_columns.len()
        ));
    }
    let wanted = &f.ref_columns;
    let keyed = rt
        .primary_key
        .as_ref()
        .is_some_and(|p| same_set(&p.columns, wanted))
        || rt.uniques.iter().any(|u| same_set(&u.columns, wanted))
        || rt
            .indexes
            .iter()
            .any(|i| i.unique && i.predicate.is_none() && same_set(&i.columns, wanted));
    if !keyed {
        problems.push(format!(
                "foreign key of {tn} ({}) references {} ({}), which is neither its primary key \
                 nor unique: the databases refuse it; reference the primary key or add a unique constraint",
                f.columns.join(", "),
                f.ref_table,
                f.ref_columns.join(", ")
            ));
    }
}

/// Columns declared twice, of types the dialect lacks, or auto-increment on what is not
/// an integer.
fn column_problems(problems: &mut Vec<String>, dialect: Dialect, t: &Table) {
    let tn = t.display_name();
    if t.columns.is_empty() {
        problems.push(format!("table {tn} has no columns"));
    }
    for (i, c) in t.columns.iter().enumerate() {
        if t.columns[..i].iter().any(|o| o.name == c.name) {
            problems.push(format!("column {tn}.{} is declared twice", c.name));
        }
        if c.ty.is_unsigned() && dialect != Dialect::MySql {
            problems.push(format!(
                "column {tn}.{} is an unsigned integer ({}), which only MySQL and MariaDB have; on {dialect} use a signed type one size up (i16 for u8, i32 for u16, i64 for u32), with a check (col >= 0) if it must stay non-negative",
                c.name, c.ty
            ));
        }
        if c.auto_increment && !c.ty.is_integer() {
            problems.push(format!(
                "column {tn}.{} is auto_increment but its type {} is not an integer",
                c.name, c.ty
            ));
        }
    }
}

/// A name the dialect cannot keep as given (PostgreSQL would cut it): refused before
/// any revision is written.
fn name_problem(problems: &mut Vec<String>, dialect: Dialect, what: &str, name: &str) {
    if let Some(p) = dialect.identifier_problem(name) {
        problems.push(format!("the {what} name {name:?} {p} ({dialect})"));
    }
}

/// MySQL indexes TEXT and BLOB columns only by a prefix length, which aludel does not
/// write: such a key would fail half-way through an upgrade (error 1071 or 1170).
fn mysql_unindexable(problems: &mut Vec<String>, t: &Table) {
    let keys = t
        .primary_key
        .iter()
        .map(|p| ("the primary key", &p.columns))
        .chain(
            t.uniques
                .iter()
                .map(|u| ("a unique constraint", &u.columns)),
        )
        .chain(t.indexes.iter().map(|i| ("an index", &i.columns)));
    for (what, cols) in keys {
        for c in cols.iter().filter_map(|c| t.get_column(c)) {
            if c.ty.is_mysql_lob() {
                problems.push(format!(
                    "{what} of table {} covers column {}, of type {} ({} on MySQL), which MySQL cannot index whole; give the field a max_length (VARCHAR) or leave it out of the key",
                    t.display_name(),
                    c.name,
                    c.ty,
                    c.ty.sql(Dialect::MySql)
                ));
            }
        }
    }
}

/// MySQL and MariaDB keep comments in utf8mb3: a character outside the Basic
/// Multilingual Plane (an emoji) would be stored as `?`, and the comment would differ
/// from its model on every later comparison.
fn mysql_comments(problems: &mut Vec<String>, t: &Table) {
    let comments = t
        .comment
        .iter()
        .map(|c| (format!("table {}", t.display_name()), c))
        .chain(t.columns.iter().filter_map(|c| {
            c.comment
                .as_ref()
                .map(|text| (format!("column {}.{}", t.display_name(), c.name), text))
        }));
    for (what, text) in comments {
        if let Some(ch) = text.chars().find(|c| u32::from(*c) > 0xFFFF) {
            problems.push(format!(
                "the comment of {what} has {ch:?}, which MySQL and MariaDB store as '?' (comments are utf8mb3); leave such characters out"
            ));
        }
    }
}

fn table_name_problems(problems: &mut Vec<String>, d: Dialect, t: &Table) {
    name_problem(problems, d, "table", &t.name);
    for c in &t.columns {
        name_problem(problems, d, &format!("column (of {})", t.name), &c.name);
    }
    let constraints = t
        .primary_key
        .iter()
        .filter_map(|p| p.name.as_deref())
        .chain(t.uniques.iter().filter_map(|u| u.name.as_deref()))
        .chain(t.indexes.iter().filter_map(|i| i.name.as_deref()))
        .chain(t.foreign_keys.iter().filter_map(|f| f.name.as_deref()))
        .chain(t.checks.iter().filter_map(|c| c.name.as_deref()));
    for n in constraints {
        name_problem(
            problems,
            d,
            &format!("constraint or index (of {})", t.name),
            n,
        );
    }
}

/// The plan that turns `current` into `target` on `dialect`.
///
/// `current` is usually the live database and `target` the models. Tables of `current`
/// that `target` lacks are dropped (with a [`NoteKind::Destructive`] note): the caller
/// removes tables it must never touch (excluded ones, the version table) from both.
pub fn diff(current: &Schema, target: &Schema, dialect: Dialect) -> Result<Plan> {
    if target.tables.len() + current.tables.len() < PARALLEL_MIN_TABLES {
        validate(target, dialect)?;
        return diff_valid(current, target, dialect);
    }
    // Validation runs beside the diff on another core; the diff of an invalid target is
    // thrown away (it cannot panic: it skips what it cannot match).
    let (valid, plan) = rayon::join(
        || validate(target, dialect),
        || diff_valid(current, target, dialect),
    );
    valid?;
    plan
}

/// From this many tables on, [`diff`] uses a second core.
const PARALLEL_MIN_TABLES: usize = 512;

/// A table's name as a map key, borrowed ([`Table::key`]).
type Key<'a> = (Option<&'a str>, &'a str);

fn diff_valid(current: &Schema, target: &Schema, dialect: Dialect) -> Result<Plan> {
    // Renames first: the current schema renamed as the target names things is what the
    // rest compares (the rename operations rewrite foreign keys, indexes, predicates and
    // checks that name what they rename).
    let renames = find_renames(current, target);
    let renamed: std::borrow::Cow<'_, Schema> = if renames.is_empty() {
        std::borrow::Cow::Borrowed(current)
    } else {
        let mut s = current.clone();
        for op in &renames {
            op.apply(&mut s)?;
        }
        std::borrow::Cow::Owned(s)
    };
    let renamed: &Schema = &renamed;
    fn raw(s: &Schema) -> HashMap<Key<'_>, usize> {
        s.tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key(), i))
            .collect()
    }
    let (raw_cur, raw_tgt) = (raw(renamed), raw(target));
    // Only a table on both sides is compared: only those are normalised.
    fn normalized<'s>(
        s: &'s Schema,
        other: &HashMap<Key<'_>, usize>,
        dialect: Dialect,
    ) -> HashMap<Key<'s>, Table> {
        s.tables
            .iter()
            .filter(|t| other.contains_key(&t.key()))
            .map(|t| (t.key(), aludel_schema::normalize_table(t, dialect)))
            .collect()
    }
    let shared = raw_cur.keys().filter(|k| raw_tgt.contains_key(*k)).count();
    let (cur_map, tgt_map) = if shared >= PARALLEL_MIN_TABLES / 2 {
        rayon::join(
            || normalized(renamed, &raw_tgt, dialect),
            || normalized(target, &raw_cur, dialect),
        )
    } else {
        (
            normalized(renamed, &raw_tgt, dialect),
            normalized(target, &raw_cur, dialect),
        )
    };
    let (cur_enums, tgt_enums) = (
        aludel_schema::normalize_enums(renamed, dialect),
        aludel_schema::normalize_enums(target, dialect),
    );
    let mut d = Differ {
        dialect,
        current: renamed,
        target,
        raw_cur,
        raw_tgt,
        cur_n: &cur_map,
        tgt_n: &tgt_map,
        plan: Phases {
            renames,
            ..Phases::default()
        },
        notes: Vec::new(),
        enum_changes: Vec::new(),
        unmatched: Vec::new(),
    };
    d.diff_enums(&cur_enums, &tgt_enums);
    d.run();
    if !d.unmatched.is_empty() {
        return Err(Error::InvalidTarget(d.unmatched));
    }
    let upgrade = d.plan.into_ops(renamed);
    let downgrade = reverse_all(&upgrade, current)?;
    Ok(Plan {
        upgrade,
        downgrade,
        notes: d.notes,
    })
}

/// The renames the target asks for with `renamed_from`: a table or column of the
/// current schema that the target has under a new name (and no longer under the old).
fn find_renames(current: &Schema, target: &Schema) -> Vec<Operation> {
    let mut ops = Vec::new();
    let mut old_of: HashMap<TableName, TableName> = HashMap::new();
    let cur: HashMap<TableName, &Table> =
        current.tables.iter().map(|t| (t.table_name(), t)).collect();
    let tgt: HashSet<TableName> = target.tables.iter().map(Table::table_name).collect();
    for t in &target.tables {
        let tn = t.table_name();
        if cur.contains_key(&tn) {
            continue;
        }
        let old = t.renamed_from.iter().find_map(|old| {
            let on = TableName::qualified(t.schema.clone(), old.clone());
            (cur.contains_key(&on) && !tgt.contains(&on)).then_some(on)
        });
        if let Some(old) = old {
            ops.push(Operation::RenameTable {
                table: old.clone(),
                to: t.name.clone(),
            });
            old_of.insert(tn, old);
        }
    }
    for t in &target.tables {
        let tn = t.table_name();
        let Some(cur) = cur.get(old_of.get(&tn).unwrap_or(&tn)) else {
            continue;
        };
        for c in &t.columns {
            if cur.get_column(&c.name).is_some() {
                continue;
            }
            if let Some(old) = c
                .renamed_from
                .iter()
                .find(|o| cur.get_column(o).is_some() && t.get_column(o).is_none())
            {
                ops.push(Operation::RenameColumn {
                    table: tn.clone(),
                    from: old.clone(),
                    to: c.name.clone(),
                });
            }
        }
    }
    ops
}

/// Operations grouped by the phase they run in; see [`Phases::into_ops`].
#[derive(Default)]
struct Phases {
    create_enums: Vec<Operation>,
    drop_enums: Vec<Operation>,
    auto_off: Vec<Operation>,
    auto_on: Vec<Operation>,
    drop_fks: Vec<Operation>,
    drop_indexes: Vec<Operation>,
    renames: Vec<Operation>,
    create_tables: Vec<Table>,
    columns: Vec<Operation>,
    add_constraints: Vec<Operation>,
    add_fks: Vec<Operation>,
    drop_columns: Vec<Operation>,
    drop_tables: Vec<TableName>,
}

impl Phases {
    /// A column change, with its auto-increment part split off: auto-increment comes off
    /// before a key may go (MySQL wants an auto column keyed; SQLite's is the rowid) and
    /// back on after the key is there. The downgrade mirrors it.
    fn push_alter(&mut self, mut alter: AlterColumn) {
        if let Some(auto) = alter.auto_increment.take() {
            let mut only = AlterColumn::new(alter.table.clone(), alter.column.clone());
            let phase = if auto.to {
                &mut self.auto_on
            } else {
                &mut self.auto_off
            };
            only.auto_increment = Some(auto);
            phase.push(Operation::AlterColumn(only));
        }
        if !alter.is_empty() {
            self.columns.push(Operation::AlterColumn(alter));
        }
    }

    /// Order: rename, take auto-increment off, drop what depends on things about to
    /// change, create tables (in foreign-key order), change columns, add indexes and
    /// constraints, put auto-increment on, add foreign keys, then drop columns and tables
    /// (dependants first).
    fn into_ops(self, current: &Schema) -> Vec<Operation> {
        let mut ops = Vec::new();
        // Renames first: every later operation names things as the target does.
        ops.extend(self.renames);
        ops.extend(self.create_enums);
        ops.extend(self.auto_off);
        ops.extend(self.drop_fks);
        ops.extend(self.drop_indexes);
        let (tables, deferred) = order::creation_order(self.create_tables);
        ops.extend(
            tables
                .into_iter()
                .map(|table| Operation::CreateTable { table }),
        );
        ops.extend(self.columns);
        ops.extend(self.add_constraints);
        ops.extend(self.auto_on);
        ops.extend(deferred);
        ops.extend(self.add_fks);
        ops.extend(self.drop_columns);
        ops.extend(order::drop_order(self.drop_tables, current));
        ops.extend(self.drop_enums);
        ops
    }
}

struct Differ<'a> {
    dialect: Dialect,
    current: &'a Schema,
    target: &'a Schema,
    /// Positions of the tables of `current` and `target`, by name.
    raw_cur: HashMap<Key<'a>, usize>,
    raw_tgt: HashMap<Key<'a>, usize>,
    cur_n: &'a HashMap<Key<'a>, Table>,
    tgt_n: &'a HashMap<Key<'a>, Table>,
    plan: Phases,
    notes: Vec<Note>,
    /// Enum value changes seen on columns (MySQL, SQLite): (enum, from, to).
    enum_changes: Vec<(TableName, Vec<String>, Vec<String>)>,
    /// What could not be matched up (a target validation lets through never has any):
    /// reported as an error, never dropped from the plan in silence.
    unmatched: Vec<String>,
}

impl<'a> Differ<'a> {
    /// Enum types (PostgreSQL; elsewhere normalisation leaves none): created before the
    /// tables that use them, dropped after, their values changed in place.
    fn diff_enums(&mut self, cur: &[EnumType], tgt: &[EnumType]) {
        let key = |e: &EnumType| TableName::qualified(e.schema.clone(), e.name.clone());
        for t in tgt {
            match cur.iter().find(|c| key(c) == key(t)) {
                None => {
                    let raw = self
                        .target
                        .enums
                        .iter()
                        .find(|r| key(r) == key(t))
                        .unwrap_or(t);
                    self.plan
                        .create_enums
                        .push(Operation::CreateEnum { ty: raw.clone() });
                }
                Some(c) if c.values != t.values => {
                    self.plan.create_enums.push(Operation::AlterEnum {
                        name: key(t),
                        from: c.values.clone(),
                        to: t.values.clone(),
                    });
                    let removed: Vec<&String> =
                        c.values.iter().filter(|v| !t.values.contains(v)).collect();
                    if !removed.is_empty() {
                        self.notes.push(Note {
                            kind: NoteKind::Destructive,
                            message: format!(
                                "enum {} loses the values {}: rows that hold them make the upgrade fail",
                                key(t),
                                removed
                                    .iter()
                                    .map(|v| format!("'{v}'"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                    }
                }
                Some(_) => {}
            }
        }
        for c in cur {
            if !tgt.iter().any(|t| key(t) == key(c)) {
                self.plan
                    .drop_enums
                    .push(Operation::DropEnum { name: key(c) });
            }
        }
    }

    fn run(&mut self) {
        let mut created = Vec::new();
        for t in &self.target.tables {
            let cur_n = self.cur_n;
            match cur_n.get(&t.key()) {
                Some(cur) => self.diff_table(&t.table_name(), cur),
                None => {
                    let mut table = t.clone();
                    table.renamed_from.clear();
                    for c in &mut table.columns {
                        c.renamed_from.clear();
                    }
                    created.push(table);
                }
            }
        }
        let mut dropped = Vec::new();
        for t in &self.current.tables {
            if !self.raw_tgt.contains_key(&t.key()) {
                dropped.push(t.table_name());
            }
        }
        self.suggest_table_renames(&dropped, &created);
        for tn in &dropped {
            self.notes.push(Note {
                kind: NoteKind::Destructive,
                message: format!(
                    "table {tn} is in the database but in no model: the revision DROPS it and all its rows; \
                     if the model still exists, make sure its crate is linked into the runner, or exclude the table in aludel.toml"
                ),
            });
        }
        let mut seen = HashSet::new();
        for (name, from, to) in std::mem::take(&mut self.enum_changes) {
            if seen.insert((name.clone(), from.clone())) {
                self.plan
                    .create_enums
                    .push(Operation::AlterEnum { name, from, to });
            }
        }
        self.plan.create_tables = created;
        self.plan.drop_tables = dropped;
    }

    fn suggest_table_renames(&mut self, dropped: &[TableName], created: &[Table]) {
        for tn in dropped {
            let Some(old) = self
                .raw_cur
                .get(&tn.key())
                .map(|&i| &self.current.tables[i])
            else {
                continue;
            };
            let old_cols: HashSet<&str> = old.columns.iter().map(|c| c.name.as_str()).collect();
            for new in created {
                let new_cols: HashSet<&str> = new.columns.iter().map(|c| c.name.as_str()).collect();
                let common = old_cols.intersection(&new_cols).count();
                if common * 2 > old_cols.len().max(new_cols.len()) {
                    self.notes.push(Note {
                        kind: NoteKind::RenameSuggestion,
                        message: format!(
                            "table {tn} is dropped and {} created with {common} of the same columns: \
                             if this is a rename, add #[aludel(renamed_from = \"{}\")] to the model of {} \
                             so that the rows are kept",
                            new.table_name(),
                            tn.name,
                            new.name
                        ),
                    });
                }
            }
        }
    }

    /// Compares one table present on both sides. `cur` is the normalised current table
    /// with the renames applied; `renamed` maps its old column names to new ones.
    fn diff_table(&mut self, tn: &TableName, cur: &'a Table) {
        let (tgt_n, target, current) = (self.tgt_n, self.target, self.current);
        let k = tn.key();
        // Both sides hold the table (the caller matched it); without it nothing can be
        // compared, which is reported, never a panic.
        let (Some(tgt), Some(raw_tgt), Some(raw_cur)) = (
            tgt_n.get(&k),
            self.raw_tgt.get(&k).and_then(|&i| target.tables.get(i)),
            self.raw_cur.get(&k).and_then(|&i| current.tables.get(i)),
        ) else {
            self.unmatched
                .push(format!("internal error: table {tn} could not be compared"));
            return;
        };

        let mut added = Vec::new();
        for c in &tgt.columns {
            match cur.get_column(&c.name) {
                Some(cc) => {
                    let (Some(raw_c), Some(raw_t)) =
                        (raw_cur.get_column(&c.name), raw_tgt.get_column(&c.name))
                    else {
                        self.unmatched.push(format!(
                            "internal error: column {tn}.{} could not be compared",
                            c.name
                        ));
                        continue;
                    };
                    let enum_change = match (&cc.ty, &c.ty, &raw_t.ty) {
                        (
                            ColumnType::Enum { values: from, .. },
                            ColumnType::Enum { values: to, .. },
                            ColumnType::Enum { name, .. },
                        ) if from != to && !name.is_empty() => Some((
                            TableName::qualified(raw_tgt.schema.clone(), name.clone()),
                            from.clone(),
                            to.clone(),
                        )),
                        _ => None,
                    };
                    if let Some(mut alter) = alter_column(tn, cc, c, raw_c, raw_t) {
                        // The enum's values change for every column of it at once.
                        if let Some(change) = enum_change {
                            alter.ty = None;
                            self.enum_changes.push(change);
                        }
                        self.plan.push_alter(alter);
                    }
                }
                None => {
                    let Some(col) = raw_tgt.get_column(&c.name) else {
                        self.unmatched.push(format!(
                            "internal error: column {tn}.{} could not be added",
                            c.name
                        ));
                        continue;
                    };
                    let mut col = col.clone();
                    col.renamed_from.clear();
                    added.push(col.clone());
                    self.plan.columns.push(Operation::AddColumn {
                        table: tn.clone(),
                        column: col,
                    });
                }
            }
        }
        let dropped = self.dropped_columns(tn, cur, tgt);
        for d in &dropped {
            for a in &added {
                if d.ty == a.ty.canonical(self.dialect) {
                    self.notes.push(Note {
                        kind: NoteKind::RenameSuggestion,
                        message: format!(
                            "column {tn}.{} is dropped and {tn}.{} added with the same type: if this is a rename, \
                             add #[aludel(renamed_from = \"{}\")] to the field {} so that its values are kept",
                            d.name, a.name, d.name, a.name
                        ),
                    });
                }
            }
        }
        if cur.comment != tgt.comment {
            self.plan.columns.push(Operation::SetTableComment {
                table: tn.clone(),
                from: cur.comment.clone(),
                to: raw_tgt.comment.clone(),
            });
        }
        self.diff_primary_key(tn, cur, tgt, raw_tgt);
        self.diff_uniques_and_indexes(tn, cur, tgt, raw_cur, raw_tgt);
        self.diff_foreign_keys(tn, cur, tgt, raw_tgt);
        self.diff_checks(tn, cur, tgt, raw_tgt);
    }

    /// The columns of `cur` that `tgt` lacks: dropped, each with its note.
    fn dropped_columns(&mut self, tn: &TableName, cur: &Table, tgt: &Table) -> Vec<Column> {
        let mut dropped = Vec::new();
        for c in &cur.columns {
            if tgt.get_column(&c.name).is_none() {
                dropped.push(c.clone());
                self.plan.drop_columns.push(Operation::DropColumn {
                    table: tn.clone(),
                    column: c.name.clone(),
                });
                self.notes.push(Note {
                    kind: NoteKind::Destructive,
                    message: format!("column {tn}.{} is dropped with all its values", c.name),
                });
                if !c.nullable && c.default.is_none() {
                    self.notes.push(Note {
                        kind: NoteKind::Destructive,
                        message: format!(
                            "the downgrade re-adds {tn}.{} as NOT NULL without a default, which fails while \
                             the table has rows: give the column a default in the downgrade, or fill it there",
                            c.name
                        ),
                    });
                }
            }
        }
        dropped
    }

    fn diff_primary_key(&mut self, tn: &TableName, cur: &Table, tgt: &Table, raw_tgt: &Table) {
        let cols = |t: &Table| t.primary_key.as_ref().map(|p| p.columns.clone());
        if cols(cur) == cols(tgt) {
            return;
        }
        if cur.primary_key.is_some() {
            self.plan
                .drop_indexes
                .push(Operation::DropPrimaryKey { table: tn.clone() });
        }
        if let Some(pk) = &raw_tgt.primary_key {
            self.plan.add_constraints.push(Operation::AddPrimaryKey {
                table: tn.clone(),
                primary_key: pk.clone(),
            });
        }
    }

    /// Indexes and unique constraints, matched by what they enforce, not by name. On
    /// MySQL and SQLite both sides hold unique constraints as unique indexes; the
    /// operations still name each object as the raw schema holds it.
    fn diff_uniques_and_indexes(
        &mut self,
        tn: &TableName,
        cur: &Table,
        tgt: &Table,
        raw_cur: &Table,
        raw_tgt: &Table,
    ) {
        let ikey = |i: &Index| {
            (
                i.columns.clone(),
                i.unique,
                i.predicate.clone(),
                i.method.clone(),
            )
        };
        let (mut tgt_ix, mut cur_ix) =
            pair_up(&tgt.indexes, &cur.indexes, |i| i.name.clone(), ikey);
        let (mut tgt_uq, mut cur_uq) = pair_up(
            &tgt.uniques,
            &cur.uniques,
            |u| u.name.clone(),
            |u| u.columns.clone(),
        );
        // A unique constraint and a plain unique index on the same columns enforce the same
        // thing: whichever the database has satisfies the model.
        let plain_unique = |i: &Index, cols: &[String]| {
            i.unique && i.predicate.is_none() && i.method.is_none() && i.columns == cols
        };
        tgt_uq.retain(
            |u| match cur_ix.iter().position(|i| plain_unique(i, &u.columns)) {
                Some(p) => {
                    cur_ix.remove(p);
                    false
                }
                None => true,
            },
        );
        tgt_ix.retain(
            |i| match cur_uq.iter().position(|u| plain_unique(i, &u.columns)) {
                Some(p) => {
                    cur_uq.remove(p);
                    false
                }
                None => true,
            },
        );
        let raw_unique = |t: &Table, name: &Option<String>| -> Option<Unique> {
            t.uniques.iter().find(|u| u.name == *name).cloned()
        };
        let raw_index = |t: &Table, name: &Option<String>| -> Option<Index> {
            t.indexes.iter().find(|i| i.name == *name).cloned()
        };
        for i in cur_ix {
            let name = i.name.clone().unwrap_or_default();
            let op = match raw_unique(raw_cur, &i.name) {
                Some(_) => Operation::DropUnique {
                    table: tn.clone(),
                    name,
                },
                None => Operation::DropIndex {
                    table: tn.clone(),
                    name,
                    concurrently: false,
                },
            };
            self.plan.drop_indexes.push(op);
        }
        for u in cur_uq {
            self.plan.drop_indexes.push(Operation::DropUnique {
                table: tn.clone(),
                name: u.name.clone().unwrap_or_default(),
            });
        }
        for u in tgt_uq {
            let unique = raw_unique(raw_tgt, &u.name).unwrap_or_else(|| u.clone());
            self.plan.add_constraints.push(Operation::AddUnique {
                table: tn.clone(),
                unique,
            });
        }
        for i in tgt_ix {
            let op = match (raw_unique(raw_tgt, &i.name), raw_index(raw_tgt, &i.name)) {
                (Some(unique), _) => Operation::AddUnique {
                    table: tn.clone(),
                    unique,
                },
                (None, index) => Operation::CreateIndex {
                    table: tn.clone(),
                    index: index.unwrap_or_else(|| i.clone()),
                    concurrently: false,
                },
            };
            self.plan.add_constraints.push(op);
        }
    }

    fn diff_foreign_keys(&mut self, tn: &TableName, cur: &Table, tgt: &Table, raw_tgt: &Table) {
        let key = |f: &ForeignKey| {
            (
                f.columns.clone(),
                f.ref_table.clone(),
                f.ref_columns.clone(),
                f.on_delete,
                f.on_update,
            )
        };
        let (added, cur_fk) = pair_up(
            &tgt.foreign_keys,
            &cur.foreign_keys,
            |f| f.name.clone(),
            key,
        );
        for f in added {
            let foreign_key = raw_tgt
                .foreign_keys
                .iter()
                .find(|r| r.name == f.name)
                .cloned()
                .unwrap_or_else(|| f.clone());
            self.plan.add_fks.push(Operation::AddForeignKey {
                table: tn.clone(),
                foreign_key,
                not_valid: false,
            });
        }
        for f in cur_fk {
            self.plan.drop_fks.push(Operation::DropForeignKey {
                table: tn.clone(),
                name: f.name.clone().unwrap_or_default(),
            });
        }
    }

    /// Check constraints: the same name and expression is no change; a kept name with a
    /// new expression is a drop and an add; a check the database holds under another
    /// name (or none) with the same expression is no change.
    fn diff_checks(&mut self, tn: &TableName, cur: &Table, tgt: &Table, raw_tgt: &Table) {
        let (added, cur_ck) = pair_up(
            &tgt.checks,
            &cur.checks,
            |c: &Check| c.name.clone(),
            |c: &Check| c.expr.clone(),
        );
        for c in cur_ck {
            self.plan.drop_indexes.push(Operation::DropCheck {
                table: tn.clone(),
                name: c.name.clone().unwrap_or_default(),
            });
        }
        for c in added {
            let check = raw_tgt
                .checks
                .iter()
                .find(|r| r.name == c.name)
                .cloned()
                .unwrap_or_else(|| c.clone());
            self.plan.add_constraints.push(Operation::AddCheck {
                table: tn.clone(),
                check,
            });
        }
    }
}

/// Pairs the target's objects with the current ones that define the same thing
/// (`key`), the same name first; returns the target's unpaired and the current's
/// unpaired. Two equivalent objects on one table (a unique constraint and a unique index
/// on the same column) must each pair with their own.
fn pair_up<'a, T, K: PartialEq>(
    tgt: &'a [T],
    cur: &'a [T],
    name: impl Fn(&T) -> Option<String>,
    key: impl Fn(&T) -> K,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let mut left: Vec<&T> = cur.iter().collect();
    let mut unpaired: Vec<&T> = Vec::new();
    for t in tgt {
        if let Some(p) = left
            .iter()
            .position(|c| name(c).is_some() && name(c) == name(t) && key(c) == key(t))
        {
            left.remove(p);
        } else {
            unpaired.push(t);
        }
    }
    let mut added = Vec::new();
    for t in unpaired {
        match left.iter().position(|c| key(c) == key(t)) {
            Some(p) => {
                left.remove(p);
            }
            None => added.push(t),
        }
    }
    (added, left)
}

/// The change from `cur` to `tgt` (both normalised), written with the raw values.
fn alter_column(
    tn: &TableName,
    cur: &Column,
    tgt: &Column,
    raw_cur: &Column,
    raw_tgt: &Column,
) -> Option<AlterColumn> {
    let mut a = AlterColumn::new(tn.clone(), tgt.name.clone());
    if cur.ty != tgt.ty {
        a.ty = Some(Change::new(raw_cur.ty.clone(), raw_tgt.ty.clone()));
    }
    if cur.nullable != tgt.nullable {
        a.nullable = Some(Change::new(cur.nullable, tgt.nullable));
    }
    if cur.auto_increment != tgt.auto_increment {
        a.auto_increment = Some(Change::new(cur.auto_increment, tgt.auto_increment));
    }
    if cur.default != tgt.default {
        a.default = Some(Change::new(cur.default.clone(), raw_tgt.default.clone()));
    }
    if cur.comment != tgt.comment {
        a.comment = Some(Change::new(cur.comment.clone(), tgt.comment.clone()));
    }
    // A column renamed and altered: the alter addresses it by its new name.
    (!a.is_empty()).then_some(a)
}

#[cfg(test)]
mod tests;
