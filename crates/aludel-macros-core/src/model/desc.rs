//! The `Model` expansion: the table as data. The table `describe` reads from the source is
//! built here, at expansion time, and written into the program as JSON; the compiler is
//! left only what it alone knows, the column type and nullability of each Rust-typed
//! field (`<T as aludel::SqlType>`), and aludel builds the `Table` from both at run time.
//!
//! The derive used to expand to the builder calls themselves: a function per model that
//! the compiler type-checked, borrow-checked and sent through LLVM, most of the time a
//! project of a thousand models took to rebuild after one changed (docs/performance.md).
//! A string literal costs the compiler next to nothing.

use aludel_schema::ColumnType;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use super::describe::model_table;
use super::{Field, StructAttrs};

pub(super) fn generate(input: &DeriveInput, s: &StructAttrs, fields: &[Field]) -> TokenStream {
    let ident = &input.ident;
    // The Rust-typed fields, by their column's position: a placeholder type in the table.
    let mut typed = Vec::new();
    let mut by_compiler = |position: usize, f: &Field| {
        typed.push((position, (*f.ty).clone()));
        Ok((ColumnType::Custom(String::new()), false))
    };
    let built = model_table(ident, s, fields, &mut by_compiler);
    let (table, overrides) = match built {
        Ok(x) => x,
        Err(e) => return syn::Error::new(ident.span(), e).to_compile_error(),
    };
    let json = match serde_json::to_string(&table) {
        Ok(j) => j,
        Err(e) => return syn::Error::new(ident.span(), e.to_string()).to_compile_error(),
    };
    // One entry per distinct type: the compiler resolves each type once per model.
    let mut by_type: Vec<(String, &syn::Type, Vec<usize>)> = Vec::new();
    for (i, ty) in &typed {
        let key = quote!(#ty).to_string();
        match by_type.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, positions)) => positions.push(*i),
            None => by_type.push((key, ty, vec![*i])),
        }
    }
    let rust_types = by_type.iter().map(|(_, ty, positions)| {
        quote_spanned! {ty.span()=>
            (
                &[#(#positions),*],
                <#ty as ::aludel::SqlType>::column_type,
                <#ty as ::aludel::SqlType>::NULLABLE,
            )
        }
    });
    let overrides = overrides.iter().map(|(c, v)| quote!((#c, #v)));
    let rust_name = ident.to_string();
    quote! {
        const _: () = {
            static __ALUDEL_TABLE: ::aludel::__private::TableDesc = ::aludel::__private::TableDesc {
                rust_name: #rust_name,
                json: #json,
                rust_types: &[#(#rust_types),*],
                auto_increment: &[#(#overrides),*],
            };

            impl ::aludel::Model for #ident {
                fn table() -> ::aludel::schema::Table {
                    __ALUDEL_TABLE.table()
                }
            }

            ::aludel::__private::inventory::submit! {
                ::aludel::__private::ModelEntry {
                    table: ::aludel::__private::TableSource::Desc(&__ALUDEL_TABLE),
                    rust_name: #rust_name,
                    module_path: ::core::module_path!(),
                }
            }
        };
    }
}
