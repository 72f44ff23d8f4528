//! The logic of `#[derive(aludel::Model)]` and `#[derive(aludel::Enum)]`.
//!
//! Each derive parses its input into a small AST that keeps the syn nodes for spans
//! ([`model`], [`enums`]), collects every problem it finds in a [`ctxt::Ctxt`] instead of
//! stopping at the first, and expands only when there is none. On errors it emits all of
//! them plus a stub impl, so the user reads the real errors and no follow-up ones.
//!
//! Architecture invariant: an ordinary library (no `proc_macro` types), testable with
//! plain unit tests; the generated code names only `::aludel` paths.

mod case;
mod ctxt;
mod enums;
mod model;
mod symbol;

pub use case::{rename, snake_case};
pub use enums::describe_enum;
pub use model::describe;

use proc_macro2::TokenStream;

/// Expands `#[derive(Model)]`.
pub fn derive_model(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(ast) => model::expand(&ast),
        Err(e) => e.to_compile_error(),
    }
}

/// Expands `#[derive(SeaOrm)]` (on a SeaORM entity's `Model`).
pub fn derive_sea_orm(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(ast) => model::sea_orm::expand(&ast),
        Err(e) => e.to_compile_error(),
    }
}

/// Expands `#[derive(Enum)]`.
pub fn derive_enum(input: TokenStream) -> TokenStream {
    match syn::parse2::<syn::DeriveInput>(input) {
        Ok(ast) => enums::expand(&ast),
        Err(e) => e.to_compile_error(),
    }
}
