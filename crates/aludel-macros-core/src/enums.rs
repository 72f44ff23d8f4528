//! `#[derive(Enum)]`: a fieldless Rust enum as a database enum type.
//!
//! `#[aludel(name = "post_status")]` names the type (default: the enum's name in
//! snake_case); values are the variant names in snake_case unless a variant says
//! `#[aludel(rename = "...")]`.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use crate::case::snake_case;
use crate::ctxt::Ctxt;
use crate::symbol::ALUDEL;

fn string_attr(cx: &Ctxt, attrs: &[syn::Attribute], allowed: &str) -> Option<String> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(ALUDEL)) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(allowed) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                if out.is_some() {
                    cx.error_spanned_by(&meta.path, format!("duplicate attribute `{allowed}`"));
                }
                if lit.value().is_empty() {
                    cx.error_spanned_by(&lit, format!("`{allowed}` must not be empty"));
                }
                out = Some(lit.value());
            } else {
                cx.error_spanned_by(
                    &meta.path,
                    format!("unknown attribute; allowed here: {allowed} = \"...\""),
                );
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    out
}

/// The type name and values an enum declares, with every error found in `cx`.
pub(crate) fn parse(cx: &Ctxt, input: &DeriveInput) -> (String, Vec<String>) {
    let ident = &input.ident;
    let name =
        string_attr(cx, &input.attrs, "name").unwrap_or_else(|| snake_case(&ident.to_string()));
    let mut values = Vec::new();
    match &input.data {
        Data::Enum(e) => {
            if e.variants.is_empty() {
                cx.error_spanned_by(ident, "a database enum needs at least one variant");
            }
            let mut seen = HashSet::new();
            for v in &e.variants {
                if !matches!(v.fields, Fields::Unit) {
                    cx.error_spanned_by(
                        v,
                        "#[derive(aludel::Enum)] needs fieldless variants: each variant is one value",
                    );
                }
                let value = string_attr(cx, &v.attrs, "rename")
                    .unwrap_or_else(|| snake_case(&v.ident.to_string()));
                if !seen.insert(value.clone()) {
                    cx.error_spanned_by(v, format!("two variants have the value {value:?}"));
                }
                values.push(value);
            }
        }
        _ => cx.error_spanned_by(ident, "#[derive(aludel::Enum)] works on enums"),
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(aludel::Enum)] does not support generics",
        );
    }
    (name, values)
}

/// The column type an `#[derive(Enum)]` declares, read without a compiler.
pub fn describe_enum(input: &DeriveInput) -> Result<aludel_schema::ColumnType, String> {
    let cx = Ctxt::default();
    let (name, values) = parse(&cx, input);
    match cx.check() {
        Some(err) => Err(crate::ctxt::messages(err)),
        None => Ok(aludel_schema::ColumnType::Enum { name, values }),
    }
}

pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let ident = &input.ident;
    let (name, values) = parse(&cx, input);
    if let Some(err) = cx.check() {
        let err = err.to_compile_error();
        return quote! {
            #err
            impl ::aludel::SqlType for #ident {
                fn column_type() -> ::aludel::schema::ColumnType {
                    ::core::unreachable!()
                }
            }
        };
    }
    quote! {
        impl ::aludel::SqlType for #ident {
            fn column_type() -> ::aludel::schema::ColumnType {
                ::aludel::schema::ColumnType::Enum {
                    name: ::std::string::String::from(#name),
                    values: ::std::vec![#(::std::string::String::from(#values)),*],
                }
            }
        }
    }
}
