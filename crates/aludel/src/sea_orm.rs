//! SeaORM entities as models (feature `sea-orm`).
//!
//! [`table`] reads the table a `DeriveEntityModel` entity describes from SeaORM's own
//! metadata: the statements its schema builder writes for the entity (what SeaORM's
//! schema sync would create: columns, keys, `unique`, `indexed`, `unique_key`, relations
//! with `belongs_to` as foreign keys with their actions, comments, `renamed_from`, the
//! table's schema),
//! and its column and primary-key traits (enum types, auto-increment). Nothing is parsed
//! from the entity's source. Column types are rendered by sea-query for the dialect and
//! read back as aludel reads a catalog, so that an entity compares with the tables SeaORM
//! created exactly as aludel's introspection sees them.

use ::sea_orm::sea_query::{
    self, ForeignKeyAction, MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, TableRef,
};
use ::sea_orm::{ColumnTrait, DbBackend, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn};
use aludel_schema::{
    Column, ColumnType, Dialect, FkAction, ForeignKey, Index, PrimaryKey, Table, TableName, Unique,
};

/// A SeaORM entity that is a model: `#[derive(aludel::SeaOrm)]` on its `Model` implements
/// it for its `Entity` and registers it, so that the runner sees it when its crate is
/// linked.
pub trait EntityModel: EntityTrait {
    /// The entity's table on `dialect`: [`table`], with what `#[aludel(...)]` adds.
    fn table(dialect: Dialect) -> Table;
}

/// The table of the SeaORM entity `E` as SeaORM creates it on `dialect`.
pub fn table<E: EntityTrait>(dialect: Dialect) -> Table {
    let entity = E::default();
    let helper = ::sea_orm::Schema::new(backend(dialect));
    let stmt = helper.create_table_from_entity(entity);
    let mut t = Table::new(entity.table_name());
    t.schema = entity.schema_name().map(str::to_string);
    t.comment = stmt.get_comment().cloned();
    for def in stmt.get_columns() {
        let name = def.get_column_name();
        let mut c = column(def, dialect);
        if let Some(ty) = enum_type::<E>(&name, dialect) {
            c.ty = ty;
        }
        if def.get_column_spec().unique {
            t.uniques.push(Unique::new([name.as_str()]));
        }
        t.columns.push(c);
    }
    let key: Vec<String> = E::PrimaryKey::iter()
        .map(|k| k.into_column().as_str().to_string())
        .collect();
    if !key.is_empty() {
        t.primary_key = Some(PrimaryKey::new(key));
    }
    for ix in helper.create_index_from_entity(entity) {
        let spec = ix.get_index_spec();
        let mut index = Index::new(spec.get_column_names());
        index.name = spec.get_name().map(str::to_string);
        index.unique = ix.is_unique_key();
        t.indexes.push(index);
    }
    for fk in stmt.get_foreign_key_create_stmts() {
        t.foreign_keys.push(foreign_key(fk.get_foreign_key()));
    }
    t
}

fn backend(d: Dialect) -> DbBackend {
    match d {
        Dialect::Postgres => DbBackend::Postgres,
        Dialect::MySql => DbBackend::MySql,
        Dialect::Sqlite => DbBackend::Sqlite,
    }
}

/// A column as the catalog will show it: its type rendered by sea-query for the dialect
/// and parsed back, its default as the SQL sea-query writes.
fn column(def: &sea_query::ColumnDef, d: Dialect) -> Column {
    let spec = def.get_column_spec();
    let ty = def
        .get_column_type()
        .map(|ty| ColumnType::parse(&type_sql(ty, d), d))
        .unwrap_or(ColumnType::Text);
    let mut c = Column::new(def.get_column_name(), ty);
    c.nullable = spec.nullable != Some(false) && !spec.primary_key;
    c.auto_increment = spec.auto_increment;
    c.default = spec.default.as_ref().map(|e| expr_sql(e, d));
    c.comment = spec.comment.clone();
    c.renamed_from = renamed_from(spec.comment.as_deref()).into_iter().collect();
    c
}

/// SeaORM's `#[sea_orm(renamed_from = "old")]`, which its schema builder carries at the
/// end of the column's comment (`renamed_from "old"`, after `; ` when there is a comment):
/// the comment stays as SeaORM writes it, the rename becomes aludel's.
fn renamed_from(comment: Option<&str>) -> Option<String> {
    let (before, old) = comment?.rsplit_once("renamed_from \"")?;
    let old = old.strip_suffix('"')?;
    (before.is_empty() || before.ends_with("; ")).then(|| old.to_string())
}

/// A SeaORM enum column (`DeriveActiveEnum` with `db_type = "Enum"`) where the dialect
/// has enums: PostgreSQL's enum type and MySQL's `ENUM` column carry the values. SQLite
/// keeps the column as SeaORM creates it (text, no check).
fn enum_type<E: EntityTrait>(column: &str, d: Dialect) -> Option<ColumnType> {
    if d == Dialect::Sqlite {
        return None;
    }
    let col = E::Column::iter().find(|c| c.as_str() == column)?;
    match col.def().get_column_type() {
        sea_query::ColumnType::Enum { name, variants } => Some(ColumnType::Enum {
            name: name.to_string(),
            values: variants.iter().map(|v| v.to_string()).collect(),
        }),
        _ => None,
    }
}

/// The SQL sea-query writes for a column of type `ty` on `d`: the text between the
/// column's name and the end of a one-column `CREATE TABLE`.
fn type_sql(ty: &sea_query::ColumnType, d: Dialect) -> String {
    let stmt = sea_query::Table::create()
        .table("t")
        .col(sea_query::ColumnDef::new_with_type("c", ty.clone()))
        .to_owned();
    let (sql, name) = match d {
        Dialect::Postgres => (stmt.to_string(PostgresQueryBuilder), "\"c\" "),
        Dialect::MySql => (stmt.to_string(MysqlQueryBuilder), "`c` "),
        Dialect::Sqlite => (stmt.to_string(SqliteQueryBuilder), "\"c\" "),
    };
    let after = sql.split_once(name).map(|(_, r)| r).unwrap_or_default();
    after.trim().trim_end_matches(')').trim().to_string()
}

/// The SQL of a default expression, as sea-query writes it for `d`.
fn expr_sql(e: &sea_query::Expr, d: Dialect) -> String {
    let q = sea_query::Query::select().expr(e.clone()).to_owned();
    let sql = match d {
        Dialect::Postgres => q.to_string(PostgresQueryBuilder),
        Dialect::MySql => q.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => q.to_string(SqliteQueryBuilder),
    };
    sql.trim_start_matches("SELECT ").to_string()
}

fn table_name(r: Option<&TableRef>) -> TableName {
    match r {
        Some(TableRef::Table(name, _)) => {
            TableName::qualified(name.0.as_ref().map(|s| s.1.to_string()), name.1.to_string())
        }
        _ => TableName::new(""),
    }
}

fn action(a: Option<ForeignKeyAction>) -> FkAction {
    match a {
        Some(ForeignKeyAction::Cascade) => FkAction::Cascade,
        Some(ForeignKeyAction::SetNull) => FkAction::SetNull,
        Some(ForeignKeyAction::SetDefault) => FkAction::SetDefault,
        Some(ForeignKeyAction::Restrict) => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

fn foreign_key(fk: &sea_query::TableForeignKey) -> ForeignKey {
    let mut out = ForeignKey::new(
        fk.get_columns(),
        table_name(fk.get_ref_table()),
        fk.get_ref_columns(),
    )
    .on_delete(action(fk.get_on_delete()))
    .on_update(action(fk.get_on_update()));
    out.name = fk.get_name().map(str::to_string);
    out
}
