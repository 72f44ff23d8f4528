//! What `#[derive(Model)]` expands to: the model's table as data, built into a [`Table`]
//! when the schema is read.
//!
//! The derive builds the table from the struct's attributes while it expands (as
//! `aludel inspect` reads models back) and writes it into the program as JSON, leaving the
//! compiler only the column types of Rust-typed fields (`<T as SqlType>`). Data costs the
//! compiler next to nothing, where a builder function per model was most of the time a
//! project of a thousand models took to rebuild after a change (docs/performance.md).

use aludel_schema::{ColumnType, Table};

/// The columns of one Rust type `T` in a model: their positions,
/// `<T as SqlType>::column_type` and `<T as SqlType>::NULLABLE`.
pub type RustColumn = (&'static [usize], fn() -> ColumnType, bool);

/// A model's table: `json` is the table with a placeholder type at each column of
/// `rust_types`.
pub struct TableDesc {
    pub rust_name: &'static str,
    pub json: &'static str,
    pub rust_types: &'static [RustColumn],
    /// The fields' explicit `auto_increment = true|false`, by column.
    pub auto_increment: &'static [(&'static str, bool)],
}

impl TableDesc {
    /// The table. A lone integer primary key auto-increments unless its field said
    /// `auto_increment = false`: decided here, once the column types are known.
    pub fn read(&self) -> Result<Table, String> {
        let mut t: Table = serde_json::from_str(self.json).map_err(|e| {
            format!(
                "the table of model {} does not read back ({e}): its crate was compiled by \
                 another version of aludel's derive; rebuild it (`cargo clean -p` the crate)",
                self.rust_name
            )
        })?;
        for &(positions, column_type, nullable) in self.rust_types {
            let ty = column_type();
            for &position in positions {
                let Some(c) = t.columns.get_mut(position) else {
                    return Err(format!(
                        "model {} has no column {position}; rebuild its crate",
                        self.rust_name
                    ));
                };
                c.ty = ty.clone();
                c.nullable = nullable;
            }
        }
        Ok(t.with_model_auto_increment(self.auto_increment))
    }

    /// [`TableDesc::read`], for `Model::table`.
    ///
    /// # Panics
    ///
    /// When the table was written by another version of aludel's derive than this crate
    /// (see `read`); `aludel::schema` reports that as an error instead.
    pub fn table(&self) -> Table {
        self.read().unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Where a registered model's table comes from.
pub enum TableSource {
    /// `#[derive(Model)]`.
    Desc(&'static TableDesc),
    /// `#[derive(SeaOrm)]`: built by SeaORM for the dialect.
    Build(fn(aludel_schema::Dialect) -> Table),
}

impl TableSource {
    pub fn table(&self, dialect: aludel_schema::Dialect) -> Result<Table, String> {
        match self {
            TableSource::Desc(d) => d.read(),
            TableSource::Build(f) => Ok(f(dialect)),
        }
    }
}
