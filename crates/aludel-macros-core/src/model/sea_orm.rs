//! `#[derive(aludel::SeaOrm)]`, next to SeaORM's `DeriveEntityModel` on an entity's
//! `Model`: registers the entity as a model (its table is read from SeaORM's metadata by
//! `aludel::sea_orm::table`), and adds what SeaORM's attributes cannot say, in
//! `#[aludel(...)]` attributes SeaORM's derive leaves alone: checks, comments, renames,
//! and named, partial or method-specific indexes.

use heck::ToUpperCamelCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, LitStr};

use super::{ConstraintAttr, FieldAttrs, Str, StructAttrs, parse_field_attrs, parse_struct_attrs};
use crate::ctxt::Ctxt;

const SEA_ORM: &str = "sea_orm";

/// What a field's `#[aludel(...)]` may add to SeaORM's column; every other key has a
/// SeaORM spelling, which the error names.
const FIELD_KEYS: &[&str] = &["check", "comment", "renamed_from"];

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
    body.extend(struct_tokens(&s, &col));
    if let Some(err) = cx.check() {
        return err.to_compile_error();
    }
    let rust_name = format!("Model (table {})", table.unwrap_or_default());
    let comment = s.comment.as_ref().map(|c| {
        let lit = c.lit();
        quote!(t.comment = ::core::option::Option::Some(::std::string::String::from(#lit));)
    });
    let renamed = s.renamed_from.iter().map(Str::lit);
    quote! {
        impl ::aludel::sea_orm::EntityModel for Entity {
            fn table(dialect: ::aludel::schema::Dialect) -> ::aludel::schema::Table {
                #[allow(unused_imports)]
                use ::aludel::__private::sea_orm::IdenStatic as _;
                let mut t = ::aludel::sea_orm::table::<Entity>(dialect);
                #comment
                #(t.renamed_from.push(::std::string::String::from(#renamed));)*
                #(#body)*
                t
            }
        }

        ::aludel::__private::inventory::submit! {
            ::aludel::__private::ModelEntry {
                table: <Entity as ::aludel::sea_orm::EntityModel>::table,
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
        let (ignored, enum_name) = sea_orm_field(&f.attrs);
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
        let variant = (!ignored).then(|| {
            enum_name.unwrap_or_else(|| {
                let name = ident.to_string();
                Ident::new(
                    &name.trim_start_matches("r#").to_upper_camel_case(),
                    ident.span(),
                )
            })
        });
        out.push(SeaField {
            ident,
            variant,
            attrs,
        });
    }
    out
}

/// `#[sea_orm(table_name = "...")]` of the struct.
fn sea_orm_table_name(attrs: &[syn::Attribute]) -> Option<String> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(SEA_ORM)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table_name") {
                name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    name
}

/// Whether SeaORM ignores the field (`ignore`), and the `Column` variant it names it by
/// when `enum_name` says so.
fn sea_orm_field(attrs: &[syn::Attribute]) -> (bool, Option<Ident>) {
    let (mut ignored, mut variant) = (false, None);
    for attr in attrs.iter().filter(|a| a.path().is_ident(SEA_ORM)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("ignore") || meta.path.is_ident("skip") {
                ignored = true;
            } else if meta.path.is_ident("enum_name") {
                let lit: LitStr = meta.value()?.parse()?;
                variant = Some(Ident::new(&lit.value(), lit.span()));
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|_| Ok(()))?;
            }
            Ok(())
        });
    }
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

/// What a field's attributes add to its column: comment, renames, a named check.
fn field_tokens(f: &SeaField) -> Option<TokenStream> {
    let v = f.variant.as_ref()?;
    let a = &f.attrs;
    if a.comment.is_none() && a.check.is_none() && a.renamed_from.is_empty() {
        return None;
    }
    let comment = a.comment.as_ref().map(Str::lit).into_iter();
    let check = a.check.as_ref().map(Str::lit).into_iter();
    let renamed = a.renamed_from.iter().map(Str::lit);
    Some(quote! {
        ::aludel::__private::sea_orm_column(&mut t, Column::#v.as_str(), |c| {
            #(c.comment = ::core::option::Option::Some(::std::string::String::from(#comment));)*
            #(c.renamed_from.push(::std::string::String::from(#renamed));)*
        });
        #(::aludel::__private::sea_orm_check(&mut t, Column::#v.as_str(), #check);)*
    })
}

/// The struct-level uniques, indexes and checks.
fn struct_tokens(s: &StructAttrs, col: &dyn Fn(&Ident) -> TokenStream) -> Vec<TokenStream> {
    let named = |c: &ConstraintAttr| {
        c.name.as_ref().map(|n| {
            let lit = n.lit();
            quote!(.named(#lit))
        })
    };
    let mut body = Vec::new();
    for u in &s.uniques {
        let cols = u.columns.iter().map(col);
        let named = named(u);
        body.push(quote!(t.uniques.push(::aludel::schema::Unique::new([#(#cols),*]) #named);));
    }
    for i in &s.indexes {
        let cols = i.columns.iter().map(col);
        let named = named(i);
        let unique = i.unique.then(|| quote!(.unique()));
        let predicate = i.predicate.as_ref().map(|p| {
            let lit = p.lit();
            quote!(.where_(#lit))
        });
        let method = i.method.as_ref().map(|m| {
            let lit = m.lit();
            quote!(.using(#lit))
        });
        body.push(quote!(t.indexes.push(::aludel::schema::Index::new([#(#cols),*]) #named #unique #predicate #method);));
    }
    for c in &s.checks {
        let expr = c.expr.as_ref().map(Str::lit);
        let name = c.name.as_ref().map(Str::lit);
        body.push(quote!(t.checks.push(::aludel::schema::Check::new(#expr).named(#name));));
    }
    body
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
                #[aludel(column = "n", comment = "ok")]
                pub name: String,
                #[sea_orm(ignore)]
                #[aludel(comment = "x")]
                pub cached: i32,
            }
            "#,
        );
        assert!(out.contains("#[sea_orm(table_name"), "{out}");
        assert!(out.contains("#[sea_orm(column_name"), "{out}");
        assert!(out.contains("no column to say more about"), "{out}");
        assert!(!out.contains("comment` of a SeaORM"), "{out}");
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
                #[aludel(renamed_from = "baked", comment = "when it left the oven")]
                pub baked_at: Option<i64>,
                pub price: f64,
            }
            "#,
        )
        .unwrap();
        let out = super::expand(&input).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("Column :: When . as_str ()"), "{out}");
        assert!(out.contains("\"ix_cake_recent\""), "{out}");
        assert!(out.contains("\"Model (table cake)\""), "{out}");
    }
}
