//! Random schema pairs from the model space: a schema A, and B made from A by a few
//! mutations of every kind the differ knows, kept so that the rows the test inserts in A
//! can survive the migration (new NOT NULL columns get defaults, type changes widen,
//! foreign-key columns are nullable).

use aludel_schema::{
    Check, Column, ColumnType as T, Dialect, EnumType, FkAction, ForeignKey, Index,
    NamingConvention, PrimaryKey, Schema, Table, TableName, Unique,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub struct Gen {
    rng: StdRng,
    pub dialect: Dialect,
    next: usize,
    /// Columns added by the current mutation round: their rows share one value (NULL or
    /// the default), so they can be neither unique nor made NOT NULL without a default.
    fresh: Vec<String>,
    /// A, while B is being made: the downgrade restores A's columns.
    original: Schema,
}

const ACTIONS: [FkAction; 4] = [
    FkAction::NoAction,
    FkAction::Cascade,
    FkAction::SetNull,
    FkAction::Restrict,
];

impl Gen {
    pub fn new(seed: u64, dialect: Dialect) -> Gen {
        Gen {
            rng: StdRng::seed_from_u64(seed),
            dialect,
            next: 0,
            fresh: Vec::new(),
            original: Schema::new(),
        }
    }

    /// A new name. Fixed width, so that no name is part of another.
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{:03}", self.next)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<'a, X>(&mut self, xs: &'a [X]) -> &'a X {
        &xs[self.rng.random_range(0..xs.len())]
    }

    fn enum_values(&mut self) -> Vec<String> {
        let n = self.rng.random_range(2..4);
        (0..n).map(|i| format!("v{i}")).collect()
    }

    fn column_type(&mut self, schema: &Schema) -> T {
        let mut pool = vec![
            T::Boolean,
            T::SmallInt,
            T::Integer,
            T::BigInt,
            T::Double,
            T::Text,
            T::Varchar(20),
            T::Varchar(40),
            T::Date,
            T::Timestamp,
        ];
        if let Some(e) = schema.enums.first() {
            pool.push(T::Enum {
                name: e.name.clone(),
                values: e.values.clone(),
            });
        }
        self.pick(&pool).clone()
    }

    fn default_for(&mut self, ty: &T) -> Option<String> {
        if !self.chance(0.35) {
            return None;
        }
        Some(match ty {
            T::Boolean => "true".into(),
            T::SmallInt | T::Integer | T::BigInt => "7".into(),
            T::Double => "2.5".into(),
            T::Text | T::Varchar(_) => "'dflt'".into(),
            T::Date => return None,
            T::Timestamp => "CURRENT_TIMESTAMP".into(),
            T::Enum { values, .. } => format!("'{}'", values[0]),
            _ => return None,
        })
    }

    fn data_column(&mut self, schema: &Schema) -> Column {
        let ty = self.column_type(schema);
        let name = self.fresh("c");
        let mut c = Column::new(name, ty.clone());
        c.nullable = self.chance(0.4);
        c.default = self.default_for(&ty);
        if self.comments() && self.chance(0.15) {
            c.comment = Some(format!("about {}", c.name));
        }
        c
    }

    fn comments(&self) -> bool {
        self.dialect != Dialect::Sqlite
    }

    fn new_table(&mut self, schema: &Schema) -> Table {
        let name = self.fresh("t");
        if self.chance(0.15) {
            // A link table: a composite primary key, no auto-increment.
            return Table::new(name)
                .column(Column::new("a", T::BigInt))
                .column(Column::new("b", T::BigInt))
                .column(Column::new("w", T::Integer).default("0"))
                .primary_key(["a", "b"]);
        }
        let mut t = Table::new(name)
            .column(Column::new("id", T::BigInt).auto_increment())
            .primary_key(["id"]);
        for _ in 0..self.rng.random_range(1..5) {
            let c = self.data_column(schema);
            t.columns.push(c);
        }
        for _ in 0..self.rng.random_range(0..3) {
            self.add_index(&mut t);
        }
        if self.chance(0.3) {
            self.add_check(&mut t);
        }
        if self.comments() && self.chance(0.2) {
            t.comment = Some(format!("table {}", t.name));
        }
        t
    }

    /// Columns an index or a unique constraint can cover on every backend.
    fn indexable(&self, t: &Table) -> Vec<String> {
        t.columns
            .iter()
            .filter(|c| {
                !matches!(c.ty, T::Text | T::Boolean | T::Enum { .. })
                    && !t.is_primary_key_column(&c.name)
            })
            .map(|c| c.name.clone())
            .collect()
    }

    fn add_index(&mut self, t: &mut Table) {
        let cols = self.indexable(t);
        if cols.is_empty() {
            return;
        }
        let first = self.pick(&cols).clone();
        let mut columns = vec![first.clone()];
        if cols.len() > 1 && self.chance(0.3) {
            let second = self.pick(&cols).clone();
            if second != first {
                columns.push(second);
            }
        }
        let name = format!("ix_{}_{}", t.name, self.fresh("i"));
        let shared_values = columns.iter().any(|c| self.fresh.contains(c));
        if shared_values {
            t.indexes.push(Index::new(columns).named(name));
            return;
        }
        if self.chance(0.3) {
            // A unique constraint rather than an index.
            if !t.uniques.iter().any(|u| u.columns == columns) {
                t.uniques
                    .push(Unique::new(columns).named(name.replace("ix_", "uq_")));
            }
            return;
        }
        let mut ix = Index::new(columns).named(name);
        ix.unique = self.chance(0.3);
        if self.dialect != Dialect::MySql && self.chance(0.25) {
            ix.predicate = Some(format!("{first} IS NOT NULL"));
        }
        if !t
            .indexes
            .iter()
            .any(|i| i.columns == ix.columns && i.unique == ix.unique)
        {
            t.indexes.push(ix);
        }
    }

    fn add_check(&mut self, t: &mut Table) {
        // Not a foreign-key column: MySQL forbids a CHECK on a column with a referential
        // action.
        let ints: Vec<String> = t
            .columns
            .iter()
            .filter(|c| {
                c.ty.is_integer()
                    && !matches!(c.name.as_str(), "id" | "a" | "b")
                    && !c.name.starts_with('f')
            })
            .map(|c| c.name.clone())
            .collect();
        if ints.is_empty() {
            return;
        }
        let col = self.pick(&ints).clone();
        let name = format!("ck_{}_{col}", t.name);
        if !t.checks.iter().any(|c| c.name.as_deref() == Some(&name)) {
            t.checks.push(Check::new(format!("{col} >= 0")).named(name));
        }
    }

    /// A composite foreign key to a link table's (a, b) primary key.
    fn add_composite_foreign_key(&mut self, schema: &Schema, t: &mut Table) -> bool {
        let links: Vec<TableName> = schema
            .tables
            .iter()
            .filter(|o| {
                o.primary_key
                    .as_ref()
                    .is_some_and(|p| p.columns == ["a", "b"])
            })
            .map(|o| o.table_name())
            .collect();
        if links.is_empty() || t.get_column("id").is_none() {
            return false;
        }
        let target = self.pick(&links).clone();
        let (ca, cb) = (self.fresh("f"), self.fresh("f"));
        for c in [&ca, &cb] {
            self.fresh.push(c.clone());
            t.columns.push(Column::new(c.clone(), T::BigInt).nullable());
        }
        let on_update = *self.pick(&ACTIONS);
        t.foreign_keys.push(
            ForeignKey::new([ca.clone(), cb], target, ["a", "b"])
                .named(format!("fk_{}_{ca}", t.name))
                .on_update(on_update),
        );
        true
    }

    fn add_foreign_key(&mut self, schema: &Schema, t: &mut Table) {
        if self.chance(0.25) && self.add_composite_foreign_key(schema, t) {
            return;
        }
        let targets: Vec<TableName> = schema
            .tables
            .iter()
            .filter(|o| {
                o.get_column("id").is_some()
                    && o.primary_key.as_ref().is_some_and(|p| p.columns == ["id"])
            })
            .map(|o| o.table_name())
            .chain((t.get_column("id").is_some() && pk_is(t, &["id"])).then(|| t.table_name()))
            .collect();
        if targets.is_empty() {
            return;
        }
        let target = self.pick(&targets).clone();
        let col = self.fresh("f");
        // Every row holds NULL in it.
        self.fresh.push(col.clone());
        t.columns
            .push(Column::new(col.clone(), T::BigInt).nullable());
        let action = *self.pick(&ACTIONS);
        let mut fk = ForeignKey::new([col.clone()], target, ["id"])
            .named(format!("fk_{}_{col}", t.name))
            .on_delete(action);
        if self.chance(0.3) {
            fk.on_update = *self.pick(&ACTIONS);
        }
        t.foreign_keys.push(fk);
        if self.chance(0.5) {
            t.indexes
                .push(Index::new([col.clone()]).named(format!("ix_{}_{col}", t.name)));
        }
    }

    /// A random schema of one to four tables.
    pub fn schema(&mut self) -> Schema {
        let mut s = Schema::new();
        if self.dialect == Dialect::Postgres || self.chance(0.5) {
            let name = self.fresh("e");
            let values = self.enum_values();
            s.enums.push(EnumType {
                name,
                schema: None,
                values,
            });
        }
        for _ in 0..self.rng.random_range(1..5) {
            let mut t = self.new_table(&s);
            if self.chance(0.4) {
                self.add_foreign_key(&s, &mut t);
            }
            s.tables.push(t);
        }
        self.finish(&mut s);
        s
    }

    /// Keeps only the enums columns use, and names what is unnamed.
    fn finish(&mut self, s: &mut Schema) {
        let used: Vec<String> = s
            .tables
            .iter()
            .flat_map(|t| t.columns.iter())
            .filter_map(|c| match &c.ty {
                T::Enum { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        s.enums.retain(|e| used.contains(&e.name));
        NamingConvention::default().apply(s, self.dialect);
    }

    /// B: A after one to three mutations.
    pub fn mutate(&mut self, a: &Schema) -> Schema {
        self.fresh.clear();
        self.original = a.clone();
        let mut b = a.clone();
        for t in &mut b.tables {
            t.renamed_from.clear();
            for c in &mut t.columns {
                c.renamed_from.clear();
            }
        }
        for _ in 0..self.rng.random_range(1..4) {
            self.mutation(&mut b);
        }
        self.finish(&mut b);
        b
    }

    fn mutation(&mut self, s: &mut Schema) {
        let n = s.tables.len();
        let ti = self.rng.random_range(0..n);
        let kind = self.rng.random_range(0..18);
        match kind {
            0 => {
                let mut t = self.new_table(s);
                if self.chance(0.5) {
                    self.add_foreign_key(s, &mut t);
                }
                s.tables.push(t);
            }
            1 if n > 1 => {
                let gone = s.tables.remove(ti).table_name();
                for t in &mut s.tables {
                    let dropped: Vec<String> = t
                        .foreign_keys
                        .iter()
                        .filter(|f| f.ref_table == gone)
                        .flat_map(|f| f.columns.clone())
                        .collect();
                    t.foreign_keys.retain(|f| f.ref_table != gone);
                    for c in dropped {
                        drop_column(t, &c);
                    }
                }
            }
            2 => {
                let old = s.tables[ti].name.clone();
                let new = self.fresh("r");
                for t in &mut s.tables {
                    for f in &mut t.foreign_keys {
                        if f.ref_table.name == old {
                            f.ref_table.name.clone_from(&new);
                        }
                    }
                }
                let t = &mut s.tables[ti];
                t.name = new;
                if t.renamed_from.is_empty() {
                    t.renamed_from = vec![old];
                }
            }
            3 => {
                let mut c = self.data_column(s);
                if !c.nullable && c.default.is_none() {
                    // Existing rows need a value.
                    c.nullable = true;
                }
                self.fresh.push(c.name.clone());
                s.tables[ti].columns.push(c);
            }
            4 => {
                let t = &mut s.tables[ti];
                // A NOT NULL column without a default cannot come back in the downgrade
                // while the table has rows (the differ says so in a note).
                // Nor can a unique column: its rows would all get one value back.
                let unique = |c: &str| {
                    t.uniques.iter().any(|u| u.columns.iter().any(|x| x == c))
                        || t.indexes
                            .iter()
                            .any(|i| i.unique && i.columns.iter().any(|x| x == c))
                };
                // The downgrade brings back A's column: judge that one.
                let in_a = self.original.table(&t.table_name()).cloned();
                let restorable = |name: &str| {
                    in_a.as_ref()
                        .and_then(|ta| ta.get_column(name))
                        .is_none_or(|c| c.nullable || c.default.is_some())
                };
                let droppable: Vec<String> = t
                    .columns
                    .iter()
                    .filter(|c| !t.is_primary_key_column(&c.name))
                    .filter(|c| c.nullable || c.default.is_some())
                    .filter(|c| restorable(&c.name))
                    .filter(|c| !unique(&c.name))
                    .map(|c| c.name.clone())
                    .collect();
                if droppable.len() > 1 {
                    let c = self.pick(&droppable).clone();
                    drop_column(t, &c);
                }
            }
            5 => {
                let t = &s.tables[ti];
                let cols: Vec<String> = t
                    .columns
                    .iter()
                    .filter(|c| !t.is_primary_key_column(&c.name))
                    .map(|c| c.name.clone())
                    .collect();
                if let Some(old) = cols.first().cloned() {
                    let new = self.fresh("n");
                    rename_column(s, ti, &old, &new);
                }
            }
            6 => {
                // Widen a type.
                let t = &mut s.tables[ti];
                let fk_cols: Vec<String> = t
                    .foreign_keys
                    .iter()
                    .flat_map(|f| f.columns.clone())
                    .collect();
                for c in t.columns.iter_mut() {
                    if t.primary_key
                        .as_ref()
                        .is_some_and(|p| p.columns.contains(&c.name))
                        || fk_cols.contains(&c.name)
                    {
                        continue;
                    }
                    let wider = match c.ty {
                        T::SmallInt => Some(T::Integer),
                        T::Integer => Some(T::BigInt),
                        T::Varchar(20) => Some(T::Varchar(40)),
                        T::Varchar(_) => Some(T::Text),
                        _ => None,
                    };
                    if let Some(w) = wider {
                        let indexed = t.indexes.iter().any(|i| i.columns.contains(&c.name))
                            || t.uniques.iter().any(|u| u.columns.contains(&c.name));
                        if w == T::Text && (indexed || self.dialect == Dialect::MySql) {
                            continue;
                        }
                        c.ty = w;
                        break;
                    }
                }
            }
            7 => {
                let t = &mut s.tables[ti];
                let fk_cols: Vec<String> = t
                    .foreign_keys
                    .iter()
                    .flat_map(|f| f.columns.clone())
                    .collect();
                let pk: Vec<String> = t
                    .primary_key
                    .iter()
                    .flat_map(|p| p.columns.clone())
                    .collect();
                let fresh = &self.fresh;
                let choices: Vec<usize> = (0..t.columns.len())
                    .filter(|&i| {
                        let c = &t.columns[i];
                        // Foreign-key columns (f...) hold NULL in every row, even once
                        // their key is gone.
                        let all_null = (fresh.contains(&c.name) || c.name.starts_with('f'))
                            && c.nullable
                            && c.default.is_none();
                        !pk.contains(&c.name) && !fk_cols.contains(&c.name) && !all_null
                    })
                    .collect();
                if !choices.is_empty() {
                    let i = *self.pick(&choices);
                    t.columns[i].nullable = !t.columns[i].nullable;
                }
            }
            8 => {
                let t = &mut s.tables[ti];
                let fk_cols: Vec<String> = t
                    .foreign_keys
                    .iter()
                    .flat_map(|f| f.columns.clone())
                    .collect();
                // A foreign-key column's default would reference a row that is not there.
                let choices: Vec<usize> = (0..t.columns.len())
                    .filter(|&i| {
                        !t.columns[i].auto_increment
                            && !fk_cols.contains(&t.columns[i].name)
                            && !t.columns[i].name.starts_with('f')
                    })
                    .collect();
                if !choices.is_empty() {
                    let i = *self.pick(&choices);
                    let ty = t.columns[i].ty.clone();
                    let new = if t.columns[i].default.is_some() && self.chance(0.5) {
                        None
                    } else {
                        match &ty {
                            T::SmallInt | T::Integer | T::BigInt => Some("11".to_string()),
                            T::Varchar(_) | T::Text => Some("'other'".into()),
                            T::Boolean => Some("false".into()),
                            _ => None,
                        }
                    };
                    let fresh_not_null =
                        self.fresh.contains(&t.columns[i].name) && !t.columns[i].nullable;
                    if new.is_some() || !fresh_not_null {
                        t.columns[i].default = new;
                    }
                }
            }
            9 => {
                let t = &mut s.tables[ti];
                self.add_index(t);
            }
            10 => {
                let t = &mut s.tables[ti];
                if !t.indexes.is_empty() && self.chance(0.5) {
                    let i = self.rng.random_range(0..t.indexes.len());
                    t.indexes.remove(i);
                } else if !t.uniques.is_empty() {
                    let i = self.rng.random_range(0..t.uniques.len());
                    t.uniques.remove(i);
                }
            }
            11 => {
                let snapshot = s.clone();
                let t = &mut s.tables[ti];
                self.add_foreign_key(&snapshot, t);
            }
            12 => {
                let t = &mut s.tables[ti];
                if !t.foreign_keys.is_empty() {
                    let i = self.rng.random_range(0..t.foreign_keys.len());
                    if self.chance(0.5) {
                        let a = *self.pick(&ACTIONS);
                        t.foreign_keys[i].on_delete = a;
                    } else {
                        t.foreign_keys.remove(i);
                    }
                }
            }
            13 => {
                let t = &mut s.tables[ti];
                if !t.checks.is_empty() && self.chance(0.5) {
                    t.checks.clear();
                } else {
                    self.add_check(t);
                }
            }
            14 if self.comments() => {
                let t = &mut s.tables[ti];
                t.comment = match &t.comment {
                    Some(_) if self.rng.random_bool(0.5) => None,
                    _ => Some(format!("now {}", self.next)),
                };
            }
            15 => {
                // Enum values: add, remove (never the first, which rows use) or reorder.
                if let Some(e) = s.enums.first_mut() {
                    let mut v = e.values.clone();
                    match self.rng.random_range(0..3) {
                        0 => v.push(format!("x{}", self.next)),
                        1 if v.len() > 2 => {
                            v.pop();
                        }
                        _ => {
                            let last = v.len() - 1;
                            v.swap(1, last);
                        }
                    }
                    self.next += 1;
                    let name = e.name.clone();
                    e.values.clone_from(&v);
                    for t in &mut s.tables {
                        for c in &mut t.columns {
                            if let T::Enum { name: n, values } = &mut c.ty
                                && *n == name
                            {
                                values.clone_from(&v);
                            }
                        }
                    }
                }
            }
            16 => {
                // A link table's primary key shrinks or grows, unless a foreign key
                // references it.
                let tn = s.tables[ti].table_name();
                if s.tables
                    .iter()
                    .any(|o| o.foreign_keys.iter().any(|f| f.ref_table == tn))
                {
                    return;
                }
                let key = self.fresh("k");
                let t = &mut s.tables[ti];
                let link = t.get_column("id").is_none();
                if let Some(pk) = &mut t.primary_key
                    && link
                {
                    *pk = if pk.columns.len() == 2 {
                        PrimaryKey::new(["a"])
                    } else {
                        PrimaryKey::new(["a", "b"])
                    };
                } else if pk_is(t, &["id"]) {
                    // The auto-increment key becomes part of a composite key (and, in
                    // the downgrade, comes back).
                    t.columns
                        .push(Column::new(key.clone(), T::Integer).default("0"));
                    t.primary_key = Some(PrimaryKey::new(["id".to_string(), key.clone()]));
                    if let Some(id) = t.get_column_mut("id") {
                        id.auto_increment = false;
                    }
                    self.fresh.push(key);
                }
            }
            _ => {
                let c = self.data_column(s);
                let c = Column {
                    nullable: true,
                    ..c
                };
                self.fresh.push(c.name.clone());
                s.tables[ti].columns.push(c);
            }
        }
    }
}

fn pk_is(t: &Table, cols: &[&str]) -> bool {
    t.primary_key.as_ref().is_some_and(|p| {
        p.columns
            .iter()
            .map(String::as_str)
            .eq(cols.iter().copied())
    })
}

fn drop_column(t: &mut Table, col: &str) {
    t.columns.retain(|c| c.name != col);
    let on = |cols: &Vec<String>| cols.iter().any(|c| c == col);
    t.indexes
        .retain(|i| !on(&i.columns) && !i.predicate.as_deref().is_some_and(|p| p.contains(col)));
    t.uniques.retain(|u| !on(&u.columns));
    t.foreign_keys.retain(|f| !on(&f.columns));
    t.checks.retain(|c| !c.expr.contains(col));
}

fn rename_column(s: &mut Schema, ti: usize, old: &str, new: &str) {
    let tn = s.tables[ti].table_name();
    let t = &mut s.tables[ti];
    let rename = |cols: &mut Vec<String>| {
        for c in cols.iter_mut() {
            if c == old {
                *c = new.to_string();
            }
        }
    };
    for c in &mut t.columns {
        if c.name == old {
            c.name = new.to_string();
            // Renamed twice in one step: it is still the database's first name.
            if c.renamed_from.is_empty() {
                c.renamed_from = vec![old.to_string()];
            }
        }
    }
    t.indexes.iter_mut().for_each(|i| {
        rename(&mut i.columns);
        if let Some(p) = &mut i.predicate {
            *p = p.replace(old, new);
        }
    });
    t.uniques.iter_mut().for_each(|u| rename(&mut u.columns));
    t.foreign_keys
        .iter_mut()
        .for_each(|f| rename(&mut f.columns));
    for c in &mut t.checks {
        c.expr = c.expr.replace(old, new);
    }
    if let Some(pk) = &mut t.primary_key {
        rename(&mut pk.columns);
    }
    for o in &mut s.tables {
        for f in &mut o.foreign_keys {
            if f.ref_table == tn {
                rename(&mut f.ref_columns);
            }
        }
    }
}
