//! One operation to statements, per dialect.

use aludel_schema::{
    AlterColumn, Check, Column, ColumnType, Concern, Dialect, FkAction, ForeignKey, Index,
    Operation, PrimaryKey, Schema, Table, TableName, Unique, is_literal_default, normalize_default,
};
use sea_query::{
    Alias, ColumnDef, MysqlQueryBuilder, PostgresQueryBuilder, SchemaStatementBuilder,
    SqliteQueryBuilder,
};

mod mysql;
mod postgres;

use crate::{Error, Result, sqlite};
use aludel_schema::{quote_ident, quote_list, quote_literal, quote_table};

pub(crate) fn render(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    if d == Dialect::Sqlite
        && sqlite::needs_rebuild(op, before)
        && let Some(table) = op.table()
    {
        let old = table_in(op, before, &table)?;
        // An operation on one table is simulated on a copy of that table alone.
        let mut after = match op.local_table() {
            Some(_) => Schema {
                tables: vec![old.clone()].into(),
                enums: before.enums.clone(),
            },
            None => before.clone(),
        };
        op.apply(&mut after).map_err(|e| state_err(op, e))?;
        let new = table_in(op, &after, &table)?;
        return sqlite::rebuild(old, new);
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
        O::SetTableComment { table, to, .. } => match d {
            Dialect::Postgres => vec![postgres::comment_on_table(table, to.as_deref())],
            Dialect::MySql => vec![format!(
                "ALTER TABLE {} COMMENT = {}",
                quote_table(d, table),
                quote_literal(d, to.as_deref().unwrap_or(""))
            )],
            Dialect::Sqlite => Vec::new(),
        },
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
            out.extend(column_comment(table, column, d));
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
            alter_column(a, col, t, d)?
        }
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on indexes and unique constraints.
fn render_indexes(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
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
        } => {
            let mut out = Vec::new();
            if d == Dialect::MySql {
                out.extend(mysql::keep_fk_index(table_in(op, before, table)?, name));
            }
            out.push(drop_index(table, name, *concurrently, d));
            out
        }
        O::AddUnique { table, unique } => match d {
            Dialect::Sqlite => vec![create_index(table, &unique_index(unique), false, d)?],
            _ => vec![format!(
                "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
                quote_table(d, table),
                quote_ident(d, unique.name.as_deref().unwrap_or_default()),
                quote_list(d, &unique.columns)
            )],
        },
        O::DropUnique { table, name } => match d {
            Dialect::Postgres => vec![drop_constraint(table, name, d)],
            Dialect::MySql => {
                let mut out = mysql::keep_fk_index(table_in(op, before, table)?, name);
                out.push(format!(
                    "ALTER TABLE {} DROP INDEX {}",
                    quote_table(d, table),
                    quote_ident(d, name)
                ));
                out
            }
            Dialect::Sqlite => vec![drop_index(table, name, false, d)],
        },
        _ => return Err(misrouted(op)),
    })
}

/// The statements of an operation on primary keys, foreign keys and checks.
fn render_keys(op: &Operation, before: &Schema, d: Dialect) -> Result<Vec<String>> {
    use Operation as O;
    Ok(match op {
        O::AddPrimaryKey { table, primary_key } => {
            let t = table_in(op, before, table)?;
            vec![format!(
                "ALTER TABLE {} ADD {}",
                quote_table(d, table),
                primary_key_clause(primary_key, t, d)
            )]
        }
        O::DropPrimaryKey { table } => {
            let t = table_in(op, before, table)?;
            match d {
                Dialect::MySql => {
                    vec![format!(
                        "ALTER TABLE {} DROP PRIMARY KEY",
                        quote_table(d, table)
                    )]
                }
                _ => {
                    let name = t
                        .primary_key
                        .as_ref()
                        .and_then(|p| p.name.clone())
                        .unwrap_or_else(|| format!("{}_pkey", table.name));
                    vec![drop_constraint(table, &name, d)]
                }
            }
        }
        O::AddForeignKey {
            table,
            foreign_key,
            not_valid,
        } => {
            let valid = if *not_valid && d == Dialect::Postgres {
                " NOT VALID"
            } else {
                ""
            };
            vec![format!(
                "ALTER TABLE {} ADD {}{valid}",
                quote_table(d, table),
                fk_clause(foreign_key, d)
            )]
        }
        O::ValidateForeignKey { table, name } => match d {
            Dialect::Postgres => vec![format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                quote_table(d, table),
                quote_ident(d, name)
            )],
            // MySQL checks the rows when it adds the key; SQLite checks none until
            // `PRAGMA foreign_key_check`, which every revision runs.
            _ => Vec::new(),
        },
        O::DropForeignKey { table, name } => {
            let what = if d == Dialect::MySql {
                "FOREIGN KEY"
            } else {
                "CONSTRAINT"
            };
            let mut out = vec![format!(
                "ALTER TABLE {} DROP {what} {}",
                quote_table(d, table),
                quote_ident(d, name)
            )];
            if d == Dialect::MySql {
                out.extend(mysql::drop_implicit_index(
                    table_in(op, before, table)?,
                    name,
                ));
            }
            out
        }
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
        // MySQL spells the values in the column type; SQLite checks them in a constraint.
        O::CreateEnum { ty } if d == Dialect::Postgres => postgres::create_enum(ty),
        O::CreateEnum { .. } => Vec::new(),
        O::DropEnum { name } => match d {
            Dialect::Postgres => vec![format!("DROP TYPE {}", quote_table(d, name))],
            _ => Vec::new(),
        },
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
    let mut extra: Vec<String> = Vec::new();
    let lone_pk = t
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == col.name);
    let ty = match col.ty.sql(d) {
        _ if d == Dialect::Sqlite && sqlite_rowid_alias(col, t) => "INTEGER".to_string(),
        // A lone INTEGER primary key would become the rowid and number rows by itself;
        // INT keeps the same storage without that.
        ty if d == Dialect::Sqlite && lone_pk && ty == "INTEGER" => "INT".to_string(),
        ty => ty,
    };
    let mut def = ColumnDef::new(Alias::new(&col.name));
    def.custom(Alias::new(ty));
    if col.nullable {
        def.null();
    } else {
        def.not_null();
    }
    if d == Dialect::MySql
        && let ColumnType::Decimal {
            precision: None, ..
        } = col.ty
    {
        return Err(Error::Unsupported {
            dialect: d,
            what: format!(
                "create {}.{} as a DECIMAL without precision: MySQL makes it DECIMAL(10, 0) and drops every fraction; give the field precision = P, scale = S",
                t.name, col.name
            ),
        });
    }
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
        match d {
            Dialect::Postgres => extra.push("GENERATED BY DEFAULT AS IDENTITY".into()),
            Dialect::MySql => extra.push("AUTO_INCREMENT".into()),
            Dialect::Sqlite if sqlite_rowid_alias(col, t) => {
                extra.push("PRIMARY KEY AUTOINCREMENT".into())
            }
            Dialect::Sqlite => {
                return Err(Error::Unsupported {
                    dialect: d,
                    what: format!(
                        "auto-increment column {}.{} that is not the table's single-column primary key",
                        t.name, col.name
                    ),
                });
            }
        }
    }
    if let Some(default) = &col.default
        && !col.auto_increment
    {
        extra.push(format!("DEFAULT {}", default_sql(default, &col.ty, d)));
    }
    if d == Dialect::MySql
        && let Some(comment) = &col.comment
    {
        extra.push(format!("COMMENT {}", quote_literal(d, comment)));
    }
    if d == Dialect::Sqlite
        && let Some(check) = aludel_schema::enum_check(col)
        && !t.checks.iter().any(|k| k.name == check.name)
    {
        // SQLite has no enum type: the column's own CHECK holds it to its values, so
        // that ADD COLUMN and table rebuilds carry it along.
        extra.push(check_clause(&check, d));
    }
    if !extra.is_empty() {
        def.extra(extra.join(" "));
    }
    Ok(def)
}

/// A default expression as the dialect accepts it after `DEFAULT`.
pub(crate) fn default_sql(expr: &str, ty: &ColumnType, d: Dialect) -> String {
    let expr = expr.trim();
    let canonical = ty.canonical(d);
    if d == Dialect::MySql {
        let norm = normalize_default(expr, ty, d);
        if canonical == ColumnType::Timestamp && norm.as_deref() == Some("current_timestamp") {
            // DATETIME(6) wants a default of the same precision.
            return "CURRENT_TIMESTAMP(6)".into();
        }
        if ty.is_mysql_lob() {
            // MySQL accepts only expression defaults on these types.
            return format!("({expr})");
        }
        if matches!(norm.as_deref(), Some("current_date" | "current_time")) {
            // Only CURRENT_TIMESTAMP may stand without parentheses.
            return format!("({expr})");
        }
    }
    if is_literal_default(expr) {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}

/// A new column's comment: PostgreSQL sets it apart (MySQL has it in the column).
fn column_comment(table: &TableName, col: &Column, d: Dialect) -> Option<String> {
    match (d, &col.comment) {
        (Dialect::Postgres, Some(c)) => {
            Some(postgres::comment_on_column(table, &col.name, Some(c)))
        }
        _ => None,
    }
}

fn primary_key_clause(pk: &PrimaryKey, t: &Table, d: Dialect) -> String {
    let name = match (d, &pk.name) {
        (Dialect::MySql, _) | (_, None) => String::new(),
        (_, Some(n)) => format!("CONSTRAINT {} ", quote_ident(d, n)),
    };
    let _ = t;
    format!("{name}PRIMARY KEY ({})", quote_list(d, &pk.columns))
}

fn check_clause(check: &Check, d: Dialect) -> String {
    match &check.name {
        Some(n) => format!("CONSTRAINT {} CHECK ({})", quote_ident(d, n), check.expr),
        None => format!("CHECK ({})", check.expr),
    }
}

fn unique_index(u: &Unique) -> Index {
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
    if index.predicate.is_some() && d == Dialect::MySql {
        return Err(Error::Unsupported {
            dialect: d,
            what: format!(
                "create partial index {} (MySQL has no partial indexes; drop the `where`)",
                index.name.as_deref().unwrap_or("?")
            ),
        });
    }
    let method = match (&index.method, d) {
        (None, _) => String::new(),
        (Some(m), Dialect::Postgres) => format!(" USING {}", index_method(m)?),
        (Some(m), _) => {
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
    let name = match (&index.name, d) {
        (Some(n), _) => format!("{} ", quote_ident(d, n)),
        (None, Dialect::Postgres) => String::new(),
        (None, _) => {
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
        if concurrently && d == Dialect::Postgres {
            "CONCURRENTLY "
        } else {
            ""
        },
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

/// `DROP INDEX`: MySQL names the table; PostgreSQL qualifies the index with the
/// table's schema.
fn drop_index(table: &TableName, name: &str, concurrently: bool, d: Dialect) -> String {
    let conc = if concurrently && d == Dialect::Postgres {
        "CONCURRENTLY "
    } else {
        ""
    };
    let index = TableName::qualified(table.schema.clone(), name.to_string());
    match d {
        Dialect::MySql => format!(
            "DROP INDEX {} ON {}",
            quote_ident(d, name),
            quote_table(d, table)
        ),
        _ => format!("DROP INDEX {conc}{}", quote_table(d, &index)),
    }
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
    let mut clauses = Vec::new();
    if let Some(pk) = &t.primary_key {
        let inline = d == Dialect::Sqlite && t.columns.iter().any(|c| sqlite_rowid_alias(c, t));
        if !inline {
            clauses.push(primary_key_clause(pk, t, d));
        }
    }
    if d != Dialect::Sqlite {
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
    if d == Dialect::MySql
        && let Some(c) = &t.comment
    {
        sql.push_str(&format!(" COMMENT {}", quote_literal(d, c)));
    }
    let mut out = vec![sql];
    if d == Dialect::Sqlite {
        for u in &t.uniques {
            out.push(create_index(&tn, &unique_index(u), false, d)?);
        }
    }
    for i in &t.indexes {
        out.push(create_index(&tn, i, false, d)?);
    }
    if d == Dialect::Postgres {
        if let Some(c) = &t.comment {
            out.push(postgres::comment_on_table(&tn, Some(c)));
        }
        for c in &t.columns {
            out.extend(column_comment(&tn, c, d));
        }
    }
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

fn alter_column(a: &AlterColumn, col: &Column, t: &Table, d: Dialect) -> Result<Vec<String>> {
    let new = a.applied_to(col);
    match d {
        Dialect::MySql => mysql::modify_column(a, &new, t),
        Dialect::Postgres => Ok(postgres::alter_column(a, &new)),
        // Only comment changes get here (everything else is a rebuild): SQLite keeps no
        // comments, so there is nothing to do.
        Dialect::Sqlite => Ok(Vec::new()),
    }
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
    let mut after = before.clone();
    op.apply(&mut after).map_err(|source| Error::State {
        op: op.to_string(),
        source,
    })?;
    match d {
        Dialect::Postgres => Ok(postgres::alter_enum(name, from, to, &users)),
        Dialect::MySql => mysql::alter_enum_columns(&users, &after),
        Dialect::Sqlite => {
            let mut tables: Vec<&Table> = users.iter().map(|(t, _)| *t).collect();
            tables.dedup_by_key(|t| t.table_name());
            let mut out = Vec::new();
            for t in tables {
                let new_t = table_in(op, &after, &t.table_name())?;
                out.extend(sqlite::rebuild(t, new_t)?);
            }
            Ok(out)
        }
    }
}
