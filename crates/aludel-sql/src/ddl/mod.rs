//! One operation to statements. What every dialect writes the same way is here, by
//! concern (tables, columns, indexes, keys, enums); what a dialect writes its own way is
//! a method of [`Ddl`], in the style of sea-query's backends, implemented once per
//! dialect in `postgres.rs`, `mysql.rs` and `sqlite.rs` (which also rebuilds tables).

use aludel_schema::{
    AlterColumn, Check, Column, ColumnType, Concern, Dialect, FkAction, ForeignKey, Index,
    Operation, PrimaryKey, Schema, Table, TableName, Unique, is_literal_default,
};
use sea_query::{
    Alias, ColumnDef, MysqlQueryBuilder, PostgresQueryBuilder, SchemaStatementBuilder,
    SqliteQueryBuilder,
};

mod mysql;
mod postgres;
mod sqlite;

pub use sqlite::rebuild_of as sqlite_rebuild_of;

use crate::{Error, Result};
use aludel_schema::{quote_ident, quote_list, quote_table};

/// What a dialect writes its own way. A default is what the dialects without a quirk
/// there write; each dialect's module overrides what it spells differently.
pub(crate) trait Ddl: Sync {
    fn dialect(&self) -> Dialect;

    /// The statements of `op` when the dialect cannot change the table in place (SQLite
    /// rebuilds it); `None` when it can.
    fn rebuild(&self, _op: &Operation, _before: &Schema) -> Option<Result<Vec<String>>> {
        None
    }

    /// How many operations from the start of `ops` one table rebuild performs (0: none).
    fn rebuild_run(&self, _ops: &[Operation], _before: &Schema) -> usize {
        0
    }

    /// The statements that turn table `old` into `new` by a rebuild (for the runs
    /// [`Ddl::rebuild_run`] finds).
    fn rebuild_table(&self, old: &Table, _new: &Table) -> Result<Vec<String>> {
        Err(Error::Internal {
            op: format!("rebuild {}", old.name),
            message: format!("{} does not rebuild tables", self.dialect()),
        })
    }

    // Tables.

    fn set_table_comment(&self, _table: &TableName, _to: Option<&str>) -> Vec<String> {
        Vec::new()
    }

    /// What follows `CREATE TABLE (...)` (MySQL's table comment).
    fn table_suffix(&self, _t: &Table) -> String {
        String::new()
    }

    /// The statements after `CREATE TABLE` and its indexes (PostgreSQL's comments).
    fn after_create(&self, _t: &Table) -> Vec<String> {
        Vec::new()
    }

    /// Whether the primary key is declared on its column rather than as a table clause
    /// (SQLite's rowid alias).
    fn key_on_column(&self, _t: &Table) -> bool {
        false
    }

    /// Whether unique constraints are unique indexes (SQLite).
    fn uniques_as_indexes(&self) -> bool {
        false
    }

    // Columns.

    /// The column's SQL type in `CREATE TABLE` and `ADD COLUMN`.
    fn column_type(&self, col: &Column, _t: &Table) -> String {
        col.ty.sql(self.dialect())
    }

    /// A column the dialect would change silently, refused with the fix.
    fn refuse_column(&self, _col: &Column, _t: &Table) -> Result<()> {
        Ok(())
    }

    /// What follows the type of an auto-increment column.
    fn auto_increment(&self, col: &Column, t: &Table) -> Result<&'static str>;

    /// A default expression after `DEFAULT`, where the dialect spells it its own way.
    fn default_sql(&self, _expr: &str, _ty: &ColumnType) -> Option<String> {
        None
    }

    /// What follows a column's default in its definition (MySQL's comment, SQLite's
    /// enum check).
    fn column_suffix(&self, _col: &Column, _t: &Table) -> Vec<String> {
        Vec::new()
    }

    /// The statement that sets a new column's comment apart (PostgreSQL).
    fn column_comment(&self, _table: &TableName, _col: &Column) -> Option<String> {
        None
    }

    /// The statements of a column change; `new` is the column after it.
    fn alter_column(&self, a: &AlterColumn, new: &Column, t: &Table) -> Result<Vec<String>>;

    // Indexes and unique constraints.

    /// `CONCURRENTLY ` where the dialect has it.
    fn concurrently(&self, _concurrently: bool) -> &'static str {
        ""
    }

    /// Whether indexes may have a `WHERE` (partial indexes).
    fn partial_indexes(&self) -> bool {
        true
    }

    /// Whether indexes may name an access method (`USING gin`).
    fn index_methods(&self) -> bool {
        false
    }

    /// Whether the server names an index created without a name.
    fn names_unnamed_indexes(&self) -> bool {
        false
    }

    /// `DROP INDEX`, the index qualified with the table's schema.
    fn drop_index(
        &self,
        _cx: &Cx,
        table: &TableName,
        name: &str,
        conc: bool,
    ) -> Result<Vec<String>> {
        let index = TableName::qualified(table.schema.clone(), name.to_string());
        Ok(vec![format!(
            "DROP INDEX {}{}",
            self.concurrently(conc),
            quote_table(self.dialect(), &index)
        )])
    }

    fn add_unique(&self, table: &TableName, unique: &Unique) -> Result<Vec<String>> {
        let d = self.dialect();
        Ok(vec![format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
            quote_table(d, table),
            quote_ident(d, unique.name.as_deref().unwrap_or_default()),
            quote_list(d, &unique.columns)
        )])
    }

    fn drop_unique(&self, _cx: &Cx, table: &TableName, name: &str) -> Result<Vec<String>> {
        Ok(vec![drop_constraint(table, name, self.dialect())])
    }

    // Keys.

    /// Whether a primary key keeps the name it is given.
    fn names_primary_key(&self) -> bool {
        true
    }

    fn drop_primary_key(&self, t: &Table) -> Vec<String> {
        let name = t
            .primary_key
            .as_ref()
            .and_then(|p| p.name.clone())
            .unwrap_or_else(|| format!("{}_pkey", t.name));
        vec![drop_constraint(&t.table_name(), &name, self.dialect())]
    }

    /// What follows a foreign key added without checking the existing rows.
    fn not_valid(&self) -> &'static str {
        ""
    }

    /// The check of the rows a `NOT VALID` foreign key skipped. MySQL checks the rows
    /// when it adds the key; SQLite checks none until `PRAGMA foreign_key_check`, which
    /// every revision runs.
    fn validate_foreign_key(&self, _table: &TableName, _name: &str) -> Vec<String> {
        Vec::new()
    }

    fn drop_foreign_key(&self, _cx: &Cx, table: &TableName, name: &str) -> Result<Vec<String>> {
        Ok(vec![drop_constraint(table, name, self.dialect())])
    }

    // Enum types: PostgreSQL's are types; MySQL spells the values in the column type and
    // SQLite checks them in a constraint.

    fn create_enum(&self, _ty: &aludel_schema::EnumType) -> Vec<String> {
        Vec::new()
    }

    fn drop_enum(&self, _name: &TableName) -> Vec<String> {
        Vec::new()
    }

    /// An enum type's new values; `users` are the columns of the enum in `cx.before`,
    /// `after` the schema with the change.
    fn alter_enum(&self, cx: &Cx, change: &EnumChange, after: &Schema) -> Result<Vec<String>>;
}

/// An enum type's change and the columns that use it.
pub(crate) struct EnumChange<'a> {
    pub name: &'a TableName,
    pub from: &'a [String],
    pub to: &'a [String],
    pub users: Vec<(&'a Table, &'a Column)>,
}

/// The operation being rendered and the schema before it, for the methods that need a
/// table of it.
pub(crate) struct Cx<'a> {
    pub op: &'a Operation,
    pub before: &'a Schema,
}

impl Cx<'_> {
    fn table(&self, name: &TableName) -> Result<&Table> {
        table_in(self.op, self.before, name)
    }
}

/// What `d` writes its own way.
pub(crate) fn ddl(d: Dialect) -> &'static dyn Ddl {
    match d {
        Dialect::Postgres => &postgres::Postgres,
        Dialect::MySql => &mysql::MySql,
        Dialect::Sqlite => &sqlite::Sqlite,
    }
}

pub(crate) fn render(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    if let Some(rebuilt) = ddl(d).rebuild(op, before) {
        return rebuilt;
    }
    match op.concern() {
        Concern::Tables => render_tables(op, d),
        Concern::Columns => render_columns(op, before, d),
        Concern::Indexes => render_indexes(op, before, d),
        Concern::Keys => render_keys(op, before, d),
        Concern::Enums => render_enums(op, before, d),
        Concern::Raw => render_raw(op, d),
    }
}

/// An operation handed to the function of another concern: a bug of aludel's, reported
/// as an error rather than rendered as nothing.
fn misrouted(op: &Operation) -> Error {
    Error::Internal {
        op: op.to_string(),
        message: "reached the wrong renderer".into(),
    }
}

fn state_err(op: &Operation, source: aludel_schema::Error) -> Error {
    Error::State {
        op: op.to_string(),
        source,
    }
}

/// The table `name` of `before`, or the error that names the operation and the table.
fn table_in<'s>(op: &Operation, before: &'s Schema, name: &TableName) -> Result<&'s Table> {
    before
        .table(name)
        .ok_or_else(|| state_err(op, aludel_schema::Error::NoSuchTable(name.to_string())))
}

/// The statements of an operation on tables.
fn render_tables(op: &Operation, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    Ok(match op {
        O::CreateTable { table } => create_table(table, d)?,
        O::DropTable { table } => {
            let mut st = sea_query::Table::drop();
            st.table(sq_table(table));
            vec![build(&st, d)]
        }
        O::RenameTable { table, to } => {
            let new = TableName::qualified(table.schema.clone(), to.clone());
            let mut st = sea_query::Table::rename();
            st.table(sq_table(table), sq_table(&new));
            vec![build(&st, d)]
        }
        O::SetTableComment { table, to, .. } => ddl(d).set_table_comment(table, to.as_deref()),
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on columns.
fn render_columns(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    Ok(match op {
        O::AddColumn { table, column } => {
            let t = table_in(op, before, table)?;
            let mut st = sea_query::Table::alter();
            st.table(sq_table(table))
                .add_column(column_def(column, t, d)?);
            let mut out = vec![build(&st, d)];
            out.extend(ddl(d).column_comment(table, column));
            out
        }
        O::DropColumn { table, column } => {
            let mut st = sea_query::Table::alter();
            st.table(sq_table(table)).drop_column(Alias::new(column));
            vec![build(&st, d)]
        }
        O::RenameColumn { table, from, to } => {
            let mut st = sea_query::Table::alter();
            st.table(sq_table(table))
                .rename_column(Alias::new(from), Alias::new(to));
            vec![build(&st, d)]
        }
        O::AlterColumn(a) => {
            let t = table_in(op, before, &a.table)?;
            let col = t.get_column(&a.column).ok_or_else(|| {
                state_err(
                    op,
                    aludel_schema::Error::NoSuchColumn {
                        table: a.table.to_string(),
                        column: a.column.clone(),
                    },
                )
            })?;
            ddl(d).alter_column(a, &a.applied_to(col), t)?
        }
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on indexes and unique constraints.
fn render_indexes(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    let cx = Cx { op, before };
    Ok(match op {
        O::CreateIndex {
            table,
            index,
            concurrently,
        } => vec![create_index(table, index, *concurrently, d)?],
        O::DropIndex {
            table,
            name,
            concurrently,
        } => ddl(d).drop_index(&cx, table, name, *concurrently)?,
        O::AddUnique { table, unique } => ddl(d).add_unique(table, unique)?,
        O::DropUnique { table, name } => ddl(d).drop_unique(&cx, table, name)?,
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on primary keys, foreign keys and checks.
fn render_keys(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    let cx = Cx { op, before };
    Ok(match op {
        O::AddPrimaryKey { table, primary_key } => {
            cx.table(table)?;
            vec![format!(
                "ALTER TABLE {} ADD {}",
                quote_table(d, table),
                primary_key_clause(primary_key, d)
            )]
        }
        O::DropPrimaryKey { table } => ddl(d).drop_primary_key(cx.table(table)?),
        O::AddForeignKey {
            table,
            foreign_key,
            not_valid,
        } => {
            let valid = if *not_valid { ddl(d).not_valid() } else { "" };
            vec![format!(
                "ALTER TABLE {} ADD {}{valid}",
                quote_table(d, table),
                fk_clause(foreign_key, d)
            )]
        }
        O::ValidateForeignKey { table, name } => ddl(d).validate_foreign_key(table, name),
        O::DropForeignKey { table, name } => ddl(d).drop_foreign_key(&cx, table, name)?,
        O::AddCheck { table, check } => vec![format!(
            "ALTER TABLE {} ADD {}",
            quote_table(d, table),
            check_clause(check, d)
        )],
        O::DropCheck { table, name } => vec![drop_constraint(table, name, d)],
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on enum types.
fn render_enums(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    Ok(match op {
        O::CreateEnum { ty } => ddl(d).create_enum(ty),
        O::DropEnum { name } => ddl(d).drop_enum(name),
        O::AlterEnum { name, from, to } => alter_enum(name, from, to, op, before, d)?,
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on raw SQL and Rust code.
fn render_raw(op: &Operation, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    Ok(match op {
        // Runs in the runner, not as SQL.
        O::Code { .. } => Vec::new(),
        O::Execute(e) => match e.dialect {
            Some(only) if only != d => Vec::new(),
            _ => vec![e.sql.trim().trim_end_matches(';').to_string()],
        },
        _ => return Err(misrouted(op)),
    })
}

pub(crate) fn build<S: SchemaStatementBuilder>(st: &S, d: Dialect) -> String {
    match d {
        Dialect::Postgres => st.to_string(PostgresQueryBuilder),
        Dialect::MySql => st.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => st.to_string(SqliteQueryBuilder),
    }
}

pub(crate) fn sq_table(t: &TableName) -> sea_query::TableName {
    match &t.schema {
        Some(s) => (Alias::new(s), Alias::new(&t.name)).into(),
        None => Alias::new(&t.name).into(),
    }
}

fn drop_constraint(table: &TableName, name: &str, d: Dialect) -> String {
    format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        quote_table(d, table),
        quote_ident(d, name)
    )
}

/// Whether this column is SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT`, which must be
/// declared on the column itself.
pub(crate) fn sqlite_rowid_alias(col: &Column, t: &Table) -> bool {
    col.auto_increment
        && t.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == col.name)
}

/// The column's SQL type, with what must follow the type directly (identity, auto
/// increment), as sea-query's `ColumnDef`.
pub(crate) fn column_def(col: &Column, t: &Table, d: Dialect) -> Result<ColumnDef> {
    let backend = ddl(d);
    backend.refuse_column(col, t)?;
    let mut def = ColumnDef::new(Alias::new(&col.name));
    def.custom(Alias::new(backend.column_type(col, t)));
    if col.nullable {
        def.null();
    } else {
        def.not_null();
    }
    let mut extra: Vec<String> = Vec::new();
    if col.auto_increment {
        if !col.ty.is_integer() {
            return Err(Error::Unsupported {
                dialect: d,
                what: format!(
                    "auto-increment column {}.{} of type {}",
                    t.name, col.name, col.ty
                ),
            });
        }
        extra.push(backend.auto_increment(col, t)?.to_string());
    }
    if let Some(default) = &col.default
        && !col.auto_increment
    {
        extra.push(format!("DEFAULT {}", default_sql(default, &col.ty, d)));
    }
    extra.extend(backend.column_suffix(col, t));
    if !extra.is_empty() {
        def.extra(extra.join(" "));
    }
    Ok(def)
}

/// A default expression as the dialect accepts it after `DEFAULT`.
pub(crate) fn default_sql(expr: &str, ty: &ColumnType, d: Dialect) -> String {
    let expr = expr.trim();
    if let Some(own) = ddl(d).default_sql(expr, ty) {
        return own;
    }
    if is_literal_default(expr) {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}

fn primary_key_clause(pk: &PrimaryKey, d: Dialect) -> String {
    let name = match &pk.name {
        Some(n) if ddl(d).names_primary_key() => format!("CONSTRAINT {} ", quote_ident(d, n)),
        _ => String::new(),
    };
    format!("{name}PRIMARY KEY ({})", quote_list(d, &pk.columns))
}

fn check_clause(check: &Check, d: Dialect) -> String {
    match &check.name {
        Some(n) => format!("CONSTRAINT {} CHECK ({})", quote_ident(d, n), check.expr),
        None => format!("CHECK ({})", check.expr),
    }
}

pub(crate) fn unique_index(u: &Unique) -> Index {
    Index {
        name: u.name.clone(),
        columns: u.columns.clone(),
        unique: true,
        predicate: None,
        method: None,
    }
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [name] ON table [USING method] (columns)
/// [WHERE predicate]`.
pub(crate) fn create_index(
    table: &TableName,
    index: &Index,
    concurrently: bool,
    d: Dialect,
) -> Result<String> {
    let backend = ddl(d);
    if index.predicate.is_some() && !backend.partial_indexes() {
        return Err(Error::Unsupported {
            dialect: d,
            what: format!(
                "create partial index {} (MySQL has no partial indexes; drop the `where`)",
                index.name.as_deref().unwrap_or("?")
            ),
        });
    }
    let method = match &index.method {
        None => String::new(),
        Some(m) if backend.index_methods() => format!(" USING {}", index_method(m)?),
        Some(m) => {
            return Err(Error::Unsupported {
                dialect: d,
                what: format!(
                    "create index {} USING {m} (index methods are PostgreSQL's; drop `using` for this dialect)",
                    index.name.as_deref().unwrap_or("?")
                ),
            });
        }
    };
    // PostgreSQL names an unnamed index itself; the others need a name.
    let name = match &index.name {
        Some(n) => format!("{} ", quote_ident(d, n)),
        None if backend.names_unnamed_indexes() => String::new(),
        None => {
            return Err(Error::Unsupported {
                dialect: d,
                what: format!(
                    "create an index without a name on {table} ({}): give it one with Index::named",
                    index.columns.join(", ")
                ),
            });
        }
    };
    let mut sql = format!(
        "CREATE {}INDEX {}{name}ON {}{method} ({})",
        if index.unique { "UNIQUE " } else { "" },
        backend.concurrently(concurrently),
        quote_table(d, table),
        quote_list(d, &index.columns)
    );
    if let Some(p) = &index.predicate {
        sql.push_str(&format!(" WHERE {p}"));
    }
    Ok(sql)
}

/// An index method as SQL: a keyword, so only the known ones (never arbitrary text).
fn index_method(m: &str) -> Result<&'static str> {
    const METHODS: [&str; 6] = ["btree", "gin", "gist", "hash", "brin", "spgist"];
    let lower = m.to_ascii_lowercase();
    METHODS
        .into_iter()
        .find(|k| *k == lower)
        .ok_or_else(|| Error::Unsupported {
            dialect: Dialect::Postgres,
            what: format!(
                "use the index method {m:?}: it is none of {}",
                METHODS.join(", ")
            ),
        })
}

/// `CREATE TABLE` plus the statements a table brings along: its indexes, its comments
/// (PostgreSQL) and, on SQLite, its unique constraints as unique indexes.
pub(crate) fn create_table(t: &Table, d: Dialect) -> Result<Vec<String>> {
    let tn = t.table_name();
    let mut st = sea_query::Table::create();
    st.table(sq_table(&tn));
    for c in &t.columns {
        st.col(column_def(c, t, d)?);
    }
    let backend = ddl(d);
    let mut clauses = Vec::new();
    if let Some(pk) = &t.primary_key
        && !backend.key_on_column(t)
    {
        clauses.push(primary_key_clause(pk, d));
    }
    if !backend.uniques_as_indexes() {
        for u in &t.uniques {
            clauses.push(match &u.name {
                Some(n) => format!(
                    "CONSTRAINT {} UNIQUE ({})",
                    quote_ident(d, n),
                    quote_list(d, &u.columns)
                ),
                None => format!("UNIQUE ({})", quote_list(d, &u.columns)),
            });
        }
    }
    for f in &t.foreign_keys {
        clauses.push(fk_clause(f, d));
    }
    for c in &t.checks {
        clauses.push(check_clause(c, d));
    }

    let mut sql = build(&st, d);
    if !clauses.is_empty() {
        // sea-query has no named table constraints beyond the foreign key; they go before
        // the closing parenthesis of the column list.
        let close = sql.rfind(" )").ok_or_else(|| Error::Internal {
            op: format!("create table {tn}"),
            message: format!("unexpected CREATE TABLE shape: {sql}"),
        })?;
        let tail = sql.split_off(close);
        sql.push_str(", ");
        sql.push_str(&clauses.join(", "));
        sql.push_str(&tail);
    }
    sql.push_str(&backend.table_suffix(t));
    let mut out = vec![sql];
    if backend.uniques_as_indexes() {
        for u in &t.uniques {
            out.push(create_index(&tn, &unique_index(u), false, d)?);
        }
    }
    for i in &t.indexes {
        out.push(create_index(&tn, i, false, d)?);
    }
    out.extend(backend.after_create(t));
    Ok(out)
}

pub(crate) fn fk_clause(f: &ForeignKey, d: Dialect) -> String {
    let mut s = String::new();
    if let Some(n) = &f.name {
        s.push_str(&format!("CONSTRAINT {} ", quote_ident(d, n)));
    }
    s.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_list(d, &f.columns),
        quote_table(d, &f.ref_table),
        quote_list(d, &f.ref_columns)
    ));
    if f.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", f.on_delete.as_sql()));
    }
    if f.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", f.on_update.as_sql()));
    }
    s
}

/// An enum type's new values. PostgreSQL adds new values in place; removing or
/// reordering values swaps the type under the columns that use it. MySQL spells the
/// values in each column's type and SQLite in a CHECK: their columns change instead.
fn alter_enum(
    name: &TableName,
    from: &[String],
    to: &[String],
    op: &Operation,
    before: &Schema,
    d: Dialect,
) -> Result<Vec<String>> {
    let users: Vec<(&Table, &Column)> = before
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
        .filter(|(_, c)| aludel_schema::enum_column_of(&c.ty, name, from))
        .collect();
    // The change applied to the tables it touches, not to a copy of the whole schema.
    let mut touched: Vec<Table> = Vec::new();
    for (t, _) in &users {
        if touched
            .last()
            .is_none_or(|l| l.table_name() != t.table_name())
        {
            touched.push((*t).clone());
        }
    }
    let mut after = Schema {
        tables: touched.into(),
        enums: before.enums.clone(),
    };
    op.apply(&mut after)
        .map_err(|source| state_err(op, source))?;
    let change = EnumChange {
        name,
        from,
        to,
        users,
    };
    ddl(d).alter_enum(&Cx { op, before }, &change, &after)
}
