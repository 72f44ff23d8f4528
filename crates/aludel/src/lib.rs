//! aludel: Alembic for Rust.
//!
//! Derive [`Model`] on plain structs to declare tables; the `aludel` command compares
//! them with the live database, writes revision files of operations and applies them.
//!
//! ```
//! #[derive(aludel::Model)]
//! #[aludel(table = "votes", primary_key(user_id, post_id))]
//! pub struct Vote {
//!     #[aludel(references = "users.id", on_delete = "cascade")]
//!     pub user_id: i64,
//!     #[aludel(references = "posts.id", on_delete = "cascade")]
//!     pub post_id: i32,
//! }
//!
//! use aludel::Model;
//! let t = Vote::table();
//! assert_eq!(t.name, "votes");
//! assert_eq!(t.primary_key.unwrap().columns, ["user_id", "post_id"]);
//! assert_eq!(t.foreign_keys.len(), 2);
//! ```
//!
//! See the README for the attributes, the workflow and the type mapping.

mod desc;
mod types;

#[cfg(feature = "sea-orm")]
pub mod sea_orm;

// The derives name `::aludel`; this lets them work inside this crate's own tests.
extern crate self as aludel;

#[cfg(feature = "sea-orm")]
pub use aludel_macros::SeaOrm;
pub use aludel_macros::{Enum, Model};
pub use aludel_schema as schema;
pub use types::SqlType;

use aludel_schema::{Schema, Table};

/// A struct that is a table. Derive it: `#[derive(aludel::Model)]`.
pub trait Model {
    /// The table this struct declares.
    fn table() -> Table;
}

/// The features of this crate that map Rust types to column types: the types models may
/// use (what `aludel inspect` writes).
pub const TYPE_FEATURES: &[&str] = &[
    #[cfg(feature = "chrono")]
    "chrono",
    #[cfg(feature = "time")]
    "time",
    #[cfg(feature = "uuid")]
    "uuid",
    #[cfg(feature = "json")]
    "json",
    #[cfg(feature = "decimal")]
    "decimal",
];

/// The schema of every model linked into this program for `dialect` (a SeaORM entity's
/// column types depend on it), with the PostgreSQL enum types their columns use. Two
/// models of one table, or one enum with two value lists, are errors.
pub fn schema(dialect: aludel_schema::Dialect) -> Result<Schema, String> {
    let models = inventory::iter::<__private::ModelEntry>
        .into_iter()
        .map(|m| {
            let t = m.table.table(dialect)?;
            Ok((format!("{}::{}", m.module_path, m.rust_name), t))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Schema::from_models(models)
}

/// What revision files use: `use aludel::migration::*;`.
#[cfg(feature = "runner")]
pub mod migration {
    /// The connection a data migration (`op.run`) receives.
    pub use aludel_introspect::Database;
    pub use aludel_runner::{BoxError, DataFn, Ops, Revision, RevisionDef};
    pub use aludel_schema::{
        AlterColumn, Check, Column, ColumnType, Dialect, FkAction, ForeignKey, Index, PrimaryKey,
        Table, Unique,
    };
}

/// The `main` of a project's runner crate: compiles in the revisions of `versions/`
/// (listed by `aludel_build::revisions()` in `build.rs`) and runs the command line.
#[cfg(feature = "runner")]
#[macro_export]
macro_rules! main {
    () => {
        ::std::include!(::std::concat!(
            ::std::env!("OUT_DIR"),
            "/aludel_revisions.rs"
        ));

        // The runner builds and compares schemas of thousands of small strings: mimalloc
        // makes that about twice as fast as the system allocator (docs/benchmarks.md).
        #[global_allocator]
        static ALUDEL_ALLOCATOR: $crate::__private::MiMalloc = $crate::__private::MiMalloc;

        fn main() -> ::std::process::ExitCode {
            $crate::__private::runner_main(
                REVISIONS,
                EXPECTED_MODELS,
                ::std::env!("CARGO_MANIFEST_DIR"),
            )
        }
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::desc::{TableDesc, TableSource};
    pub use inventory;

    /// One model, registered by `#[derive(Model)]` or `#[derive(SeaOrm)]`.
    pub struct ModelEntry {
        pub table: TableSource,
        pub rust_name: &'static str,
        pub module_path: &'static str,
    }

    inventory::collect!(ModelEntry);

    /// The struct names of the models linked into this program.
    pub fn registered_models() -> Vec<&'static str> {
        inventory::iter::<ModelEntry>
            .into_iter()
            .map(|m| m.rust_name)
            .collect()
    }

    #[cfg(feature = "sea-orm")]
    pub use ::sea_orm;

    #[cfg(feature = "runner")]
    pub use mimalloc::MiMalloc;

    #[cfg(feature = "runner")]
    pub fn runner_main(
        revisions: &'static [aludel_runner::RevisionDef],
        expected_models: &'static [(&'static str, &'static str)],
        manifest_dir: &'static str,
    ) -> std::process::ExitCode {
        aludel_cli::runner_main(aludel_cli::Compiled {
            revisions,
            models: crate::schema,
            registered_models,
            expected_models,
            manifest_dir,
            type_features: crate::TYPE_FEATURES,
        })
    }
}

#[cfg(test)]
mod tests;
