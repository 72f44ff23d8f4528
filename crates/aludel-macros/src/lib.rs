//! aludel's derive macros. This crate only hands the tokens to `aludel-macros-core`,
//! an ordinary library that can be tested without a compiler in the loop.

use proc_macro::TokenStream;

/// Captures a struct as a table. See the `aludel` crate for the attributes.
#[proc_macro_derive(Model, attributes(aludel))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    aludel_macros_core::derive_model(input.into()).into()
}

/// Makes a fieldless enum a database enum type.
#[proc_macro_derive(Enum, attributes(aludel))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    aludel_macros_core::derive_enum(input.into()).into()
}

/// Makes a SeaORM entity a model: on its `Model`, next to `DeriveEntityModel`. The table
/// is read from SeaORM's metadata; `#[aludel(...)]` adds what SeaORM cannot say (checks,
/// comments, renames, named and partial indexes). Needs the `sea-orm` feature of `aludel`.
#[proc_macro_derive(SeaOrm, attributes(aludel))]
pub fn derive_sea_orm(input: TokenStream) -> TokenStream {
    aludel_macros_core::derive_sea_orm(input.into()).into()
}
