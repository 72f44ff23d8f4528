//! The schema model shared by every part of aludel.
//!
//! The desired schema (from `#[derive(aludel::Model)]`), the live schema (read by
//! introspection) and the schema replayed from revision files are all values of
//! [`Schema`]. [`Operation`]s change a schema; each knows how to apply itself
//! ([`Operation::apply`]) and what undoes it ([`Operation::reverse`]).
//!
//! Architecture invariant: this crate touches no database, no filesystem and no async
//! runtime. Every function is pure.

pub mod backend;
mod default_expr;
mod dialect;
mod error;
mod expr;
pub mod lex;
mod model;
mod naming;
mod normalize;
mod ops;
mod quote;
pub mod rust_types;
mod tables;
mod types;

pub use backend::Backend;
pub use default_expr::{is_literal_default, normalize_default};
pub use dialect::Dialect;
pub use error::{Error, Result};
pub use expr::{enum_check_values, normalize_expr, rename_identifier};
pub use model::{
    Check, Column, EnumType, FkAction, ForeignKey, Index, PrimaryKey, Schema, Table, TableName,
    Unique,
};
pub use naming::{NamingConvention, column_check_name, fnv1a_64};
pub use normalize::{enum_check, enum_check_name, normalize, normalize_enums, normalize_table};
pub use ops::{AlterColumn, Change, Concern, Execute, Operation, enum_column_of, reverse_all};
pub use quote::{ident_quote, quote_ident, quote_list, quote_literal, quote_table};
pub use tables::Tables;
pub use types::ColumnType;
