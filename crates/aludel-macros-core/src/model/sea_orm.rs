//! `#[derive(aludel::SeaOrm)]`, next to SeaORM's `DeriveEntityModel` on an entity's
//! `Model`: registers the entity as a model (its table is read from SeaORM's metadata by
//! `aludel::sea_orm::table`), and adds what SeaORM's attributes cannot say, in
//! `#[aludel(...)]` attributes SeaORM's derive leaves alone: checks, named uniques,
//! named, partial or method-specific indexes, and a table's rename.

use heck::ToUpperCamelCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, LitStr};

use super::{
    FieldAttrs, Str, StructAttrs, parse_field_attrs, parse_struct_attrs, table_constraint_tokens,
};
use crate::ctxt::Ctxt;

const SEA_ORM: &str = "sea_orm";

/// What a field's `#[aludel(...)]` may add to SeaORM's column; every other key has a
/// SeaORM spelling, which the error names.
const FIELD_KEYS: &[&str] = &["check"];

/// The `#[sea_orm(...)]` a refused field key is said with.
fn sea_orm_spelling(key: &str) -> &'static str {
    match key {
        "primary_key" => "#[sea_orm(primary_key)]",
        "auto_increment" => "#[sea_orm(auto_increment = ...)]",
        "unique" => "#[sea_orm(unique)]",
        "index" => "#[sea_orm(indexed)], or a struct-level #[aludel(index(...))]",
        "column" => "#[sea_orm(column_name = \"...\")]",
        "sql_type" | "max_length" | "precision" | "scale" => "#[sea_orm(column_type = \"...\")]",
        "default" => "#[sea_orm(default_value = ...)] or #[sea_orm(default_expr = \"...\")]",
        "references" | "on_delete" | "on_update" => {
            "a `belongs_to` relation in the entity's Relation enum"
        }
        "skip" => "#[sea_orm(ignore)]",
        "comment" => "#[sea_orm(comment = \"...\")]",
        "renamed_from" => "#[sea_orm(renamed_from = \"...\")]",
        _ => "SeaORM's attributes",
    }
}

/// One field of the entity's `Model`: the `Column` variant SeaORM names it by, or `None`
/// for a field SeaORM ignores.
struct SeaField<'a> {
    ident: &'a Ident,
    variant: Option<Ident>,
    attrs: FieldAttrs,
}

pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    // SeaORM 2's `#[sea_orm::model]` copies the derives of `Model` onto a second struct,
    // `ModelEx`: the entity is registered once, from `Model`.
    if input.ident != "Model" {
        return TokenStream::new();
    }
    let cx = Ctxt::default();
    let s = parse_struct_attrs(&cx, &input.attrs);
    refuse_struct_keys(&cx, &s);
    let fields = parse_fields(&cx, input);
    let table = sea_orm_table_name(&input.attrs);
    if table.is_none() {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(aludel::SeaOrm)] goes on a SeaORM entity's Model, next to \
             #[derive(DeriveEntityModel)] and its #[sea_orm(table_name = \"...\")]",
        );
    }
    let col = |i: &Ident| column_expr(&cx, &fields, i);
    let mut body: Vec<TokenStream> = fields.iter().filter_map(field_tokens).collect();
    body.extend(table_constraint_tokens(&s, &col));
    if let Some(err) = cx.check() {
        return err.to_compile_error();
    }
    let rust_name = aludel_build::entity_model_name(&table.unwrap_or_default());
    let renamed = s.renamed_from.iter().map(Str::lit);
    quote! {
        impl ::aludel::sea_orm::EntityModel for Entity {
            fn table(dialect: ::aludel::schema::Dialect) -> ::aludel::schema::Table {
                #[allow(unused_imports)]
                use ::aludel::__private::sea_orm::IdenStatic as _;
                let mut t = ::aludel::sea_orm::table::<Entity>(dialect);
                #(t.renamed_from.push(::std::string::String::from(#renamed));)*
                #(#body)*
                t
            }
        }

        ::aludel::__private::inventory::submit! {
            ::aludel::__private::ModelEntry {
                table: ::aludel::__private::TableSource::Build(
                    <Entity as ::aludel::sea_orm::EntityModel>::table,
                ),
                rust_name: #rust_name,
                module_path: ::core::module_path!(),
            }
        }
    }
}

/// The table, schema, key, foreign keys and column names are SeaORM's to say.
fn refuse_struct_keys(cx: &Ctxt, s: &StructAttrs) {
    let said = [
        (
            s.table.as_ref().map(|x| x.span),
            "table",
            "#[sea_orm(table_name = \"...\")]",
        ),
        (
            s.schema.as_ref().map(|x| x.span),
            "schema",
            "#[sea_orm(schema_name = \"...\")]",
        ),
        (
            s.primary_key.as_ref().map(|x| x.1),
            "primary_key",
            "#[sea_orm(primary_key)] on each key field",
        ),
        (
            s.foreign_keys
                .first()
                .and_then(|f| f.name.as_ref().map(|n| n.span))
                .or((!s.foreign_keys.is_empty()).then(Span::call_site)),
            "foreign_key",
            "a `belongs_to` relation in the entity's Relation enum",
        ),
        (
            s.rename_all.as_ref().map(|x| x.span),
            "rename_all",
            "#[sea_orm(rename_all = \"...\")]",
        ),
    ];
    for (span, key, instead) in said {
        if let Some(span) = span {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{key}` of a SeaORM entity is SeaORM's to say: use {instead}"),
            ));
        }
    }
}

fn parse_fields<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Vec<SeaField<'a>> {
    let Data::Struct(st) = &input.data else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(aludel::SeaOrm)] goes on a SeaORM entity's Model struct",
        );
        return Vec::new();
    };
    let Fields::Named(named) = &st.fields else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named field");
        let attrs = parse_field_attrs(cx, &f.attrs);
        let (ignored, enum_name) = sea_orm_field(cx, &f.attrs);
        for (key, span) in &attrs.given {
            if ignored {
                cx.syn_error(syn::Error::new(
                    *span,
                    "this field is #[sea_orm(ignore)]: it has no column to say more about",
                ));
            } else if !FIELD_KEYS.contains(&key.as_str()) {
                cx.syn_error(syn::Error::new(
                    *span,
                    format!(
                        "`{key}` of a SeaORM column is SeaORM's to say: use {}",
                        sea_orm_spelling(key)
                    ),
                ));
            }
        }
        let variant = if ignored {
            None
        } else {
            enum_name.or_else(|| column_variant(cx, ident))
        };
        out.push(SeaField {
            ident,
            variant,
            attrs,
        });
    }
    out
}

/// The `Column` variant SeaORM's derive names a field by: the field in UpperCamelCase,
/// `Self` escaped as SeaORM escapes it.
fn column_variant(cx: &Ctxt, ident: &Ident) -> Option<Ident> {
    let mut name = ident
        .to_string()
        .trim_start_matches("r#")
        .to_upper_camel_case();
    if name == "Self" {
        name.push('_');
    }
    match syn::parse_str::<Ident>(&name) {
        Ok(_) => Some(Ident::new(&name, ident.span())),
        Err(_) => {
            cx.error_spanned_by(
                ident,
                format!("SeaORM names no `Column` variant for `{ident}`; give it #[sea_orm(enum_name = \"...\")]"),
            );
            None
        }
    }
}

/// Reads the `#[sea_orm(...)]` attributes, handing each key to `f`; the values of the
/// others are skipped.
fn each_sea_orm_key(
    attrs: &[syn::Attribute],
    mut f: impl FnMut(&syn::meta::ParseNestedMeta) -> syn::Result<bool>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident(SEA_ORM)) {
        // SeaORM's derive reports what it cannot parse; aludel reads what it can.
        let _ = attr.parse_nested_meta(|meta| {
            if f(&meta)? {
                return Ok(());
            }
            super::skip_value(&meta)
        });
    }
}

/// `#[sea_orm(table_name = "...")]` of the struct.
fn sea_orm_table_name(attrs: &[syn::Attribute]) -> Option<String> {
    let mut name = None;
    each_sea_orm_key(attrs, |meta| {
        if !meta.path.is_ident("table_name") {
            return Ok(false);
        }
        name = Some(meta.value()?.parse::<LitStr>()?.value());
        Ok(true)
    });
    name
}

/// Whether SeaORM ignores the field (`ignore`), and the `Column` variant it names it by
/// when `enum_name` says so.
fn sea_orm_field(cx: &Ctxt, attrs: &[syn::Attribute]) -> (bool, Option<Ident>) {
    let (mut ignored, mut variant) = (false, None);
    each_sea_orm_key(attrs, |meta| {
        if meta.path.is_ident("ignore") {
            ignored = true;
        } else if meta.path.is_ident("enum_name") {
            let lit: LitStr = meta.value()?.parse()?;
            match lit.parse::<Ident>() {
                Ok(v) => variant = Some(v),
                Err(_) => cx.error_spanned_by(&lit, "`enum_name` must be a Rust identifier"),
            }
        } else {
            return Ok(false);
        }
        Ok(true)
    });
    (ignored, variant)
}

/// The column name of the field named `i`, read from SeaORM's `Column` at run time.
fn column_expr(cx: &Ctxt, fields: &[SeaField], i: &Ident) -> TokenStream {
    match fields
        .iter()
        .find(|f| f.ident == i)
        .and_then(|f| f.variant.as_ref())
    {
        Some(v) => quote!(Column::#v.as_str()),
        None => {
            cx.error_spanned_by(i, format!("`{i}` is not a column of this entity"));
            quote!("")
        }
    }
}

/// What a field's attributes add to its column: a check, named as a model field's is.
fn field_tokens(f: &SeaField) -> Option<TokenStream> {
    let v = f.variant.as_ref()?;
    let check = f.attrs.check.as_ref()?.lit();
    Some(quote! {
        let column = Column::#v.as_str();
        t.checks.push(
            ::aludel::schema::Check::new(#check)
                .named(::aludel::schema::column_check_name(&t.name, column)),
        );
    })
}

#[cfg(test)]
mod tests {
    fn errors(src: &str) -> String {
        let input: syn::DeriveInput = syn::parse_str(src).unwrap();
        let out = super::expand(&input).to_string();
        assert!(
            out.contains("compile_error"),
            "expanded without errors: {out}"
        );
        out
    }

    #[test]
    fn what_seaorm_says_is_refused_with_its_spelling() {
        let out = errors(
            r#"
            #[derive(DeriveEntityModel, aludel::SeaOrm)]
            #[sea_orm(table_name = "cake")]
            #[aludel(table = "cakes")]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i32,
                #[aludel(column = "n", check = "n <> ''")]
                pub name: String,
                #[aludel(renamed_from = "old")]
                pub renamed: String,
                #[sea_orm(enum_name = "not an ident")]
                pub odd: String,
                #[sea_orm(ignore)]
                #[aludel(comment = "x")]
                pub cached: i32,
            }
            "#,
        );
        assert!(out.contains("#[sea_orm(table_name"), "{out}");
        assert!(out.contains("#[sea_orm(column_name"), "{out}");
        assert!(out.contains("no column to say more about"), "{out}");
        assert!(out.contains("#[sea_orm(renamed_from"), "{out}");
        assert!(
            out.contains("`enum_name` must be a Rust identifier"),
            "{out}"
        );
        assert!(!out.contains("check` of a SeaORM"), "{out}");
    }

    /// SeaORM 2's `#[sea_orm::model]` copies `Model`'s derives onto `ModelEx`: only
    /// `Model` registers the entity.
    #[test]
    fn only_the_model_struct_registers() {
        let input: syn::DeriveInput =
            syn::parse_str("#[sea_orm(table_name = \"cake\")] pub struct ModelEx { pub id: i32 }")
                .unwrap();
        assert!(super::expand(&input).is_empty());
    }

    #[test]
    fn extras_name_columns_through_seaorm() {
        let input: syn::DeriveInput = syn::parse_str(
            r#"
            #[sea_orm(table_name = "cake")]
            #[aludel(index(name = "ix_cake_recent", columns(baked_at), where = "baked_at IS NOT NULL"))]
            #[aludel(check(name = "ck_cake_price", expr = "price >= 0"))]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i32,
                #[sea_orm(enum_name = "When")]
                #[aludel(check = "baked_at > 0")]
                pub baked_at: Option<i64>,
                #[aludel(check = "price >= 0")]
                pub price: f64,
                #[aludel(check = "self_ <> 0")]
                pub self_: i32,
                #[aludel(check = "type <> ''")]
                pub r#type: String,
            }
            "#,
        )
        .unwrap();
        let out = super::expand(&input).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        for variant in ["When", "Price", "Self_", "Type"] {
            assert!(
                out.contains(&format!("Column :: {variant} . as_str ()")),
                "{variant}: {out}"
            );
        }
        assert!(out.contains("\"ix_cake_recent\""), "{out}");
        assert!(out.contains("\"Model (table cake)\""), "{out}");
    }
}
