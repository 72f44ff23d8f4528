//! `#[derive(Model)]`: parse the struct and its `#[aludel(...)]` attributes, validate, expand.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, ExprLit, Fields, Ident, Lit, LitStr, Token, Type};

use crate::case::snake_case;
use crate::ctxt::Ctxt;
use crate::symbol::{ALUDEL, FIELD_KEYS, FK_ACTIONS, RENAME_RULES, STRUCT_KEYS};

mod desc;
mod describe;
pub(crate) mod sea_orm;
mod sqlx;
pub use describe::describe;

/// A string value with the span of its literal.
#[derive(Clone)]
struct Str {
    value: String,
    span: Span,
}

impl Str {
    fn lit(&self) -> LitStr {
        LitStr::new(&self.value, self.span)
    }
}

#[derive(Default)]
struct FieldAttrs {
    primary_key: Option<Span>,
    auto_increment: Option<(bool, Span)>,
    unique: Option<Span>,
    index: Option<Span>,
    column: Option<Str>,
    sql_type: Option<Str>,
    max_length: Option<(u32, Span)>,
    precision: Option<(u32, Span)>,
    scale: Option<(u32, Span)>,
    default: Option<Str>,
    references: Option<(Str, String, String)>,
    on_delete: Option<Str>,
    on_update: Option<Str>,
    check: Option<Str>,
    comment: Option<Str>,
    renamed_from: Vec<Str>,
    skip: Option<Span>,
    /// Every key given, with the span of its name, for conflict messages.
    given: Vec<(String, Span)>,
}

struct ConstraintAttr {
    name: Option<Str>,
    columns: Vec<Ident>,
    unique: bool,
    predicate: Option<Str>,
    method: Option<Str>,
    expr: Option<Str>,
    /// `foreign_key(...)`: the referenced table and columns.
    references: Option<(String, Vec<String>)>,
    on_delete: Option<Str>,
    on_update: Option<Str>,
}

#[derive(Default)]
struct StructAttrs {
    table: Option<Str>,
    schema: Option<Str>,
    primary_key: Option<(Vec<Ident>, Span)>,
    uniques: Vec<ConstraintAttr>,
    indexes: Vec<ConstraintAttr>,
    checks: Vec<ConstraintAttr>,
    foreign_keys: Vec<ConstraintAttr>,
    comment: Option<Str>,
    renamed_from: Vec<Str>,
    /// `rename_all = "PascalCase"`: the column names of the fields without `column`.
    rename_all: Option<Str>,
}

impl StructAttrs {
    /// `table = "..."`, else the struct's name in snake_case.
    fn table_name(&self, ident: &Ident) -> String {
        self.table
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_else(|| snake_case(&ident.to_string()))
    }
}

/// The column of the field named `i` (constraints name fields, not columns).
fn column_of(fields: &[Field], i: &Ident) -> String {
    fields
        .iter()
        .find(|f| f.ident == i)
        .map(|f| f.column_name())
        .unwrap_or_else(|| i.to_string())
}

struct Field<'a> {
    ident: &'a Ident,
    /// The type the column is read as: the field's, or sqlx's `try_from` type.
    ty: std::borrow::Cow<'a, Type>,
    attrs: FieldAttrs,
    /// sqlx's `json` (`Some(nullable)`): a JSON column, whatever the field's type.
    json: Option<bool>,
}

impl Field<'_> {
    fn column_name(&self) -> String {
        match &self.attrs.column {
            Some(c) => c.value.clone(),
            None => self.ident.to_string().trim_start_matches("r#").to_string(),
        }
    }
}

/// A model's struct attributes and fields, checked: every error goes to `cx`.
fn parse_model<'a>(cx: &Ctxt, input: &'a DeriveInput) -> (StructAttrs, Vec<Field<'a>>) {
    let ident = &input.ident;
    let sattrs = parse_struct_attrs(cx, &input.attrs);
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(aludel::Model)] does not support generic structs: a table has one fixed set of columns",
        );
    }
    let mut fields = Vec::new();
    let mut sqlx_fields = Vec::new();
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                for f in &named.named {
                    let attrs = parse_field_attrs(cx, &f.attrs);
                    let mut x = sqlx::field(cx, &f.attrs);
                    fields.push(Field {
                        ident: f.ident.as_ref().expect("named field"),
                        ty: match x.try_from.take() {
                            Some(t) => std::borrow::Cow::Owned(t),
                            None => std::borrow::Cow::Borrowed(&f.ty),
                        },
                        attrs,
                        json: x.json,
                    });
                    sqlx_fields.push(x);
                }
            }
            _ => cx.error_spanned_by(
                ident,
                "#[derive(aludel::Model)] needs a struct with named fields, one per column",
            ),
        },
        _ => cx.error_spanned_by(
            ident,
            "#[derive(aludel::Model)] works on structs; for a database enum use #[derive(aludel::Enum)]",
        ),
    }
    if sqlx::involved(input) {
        let all = sqlx::rename_all(cx, &input.attrs);
        sqlx::reconcile(cx, &sattrs, all.as_ref(), &mut fields, &sqlx_fields);
    }
    if let Some(rule) = sattrs.rename_all.as_ref() {
        for f in fields.iter_mut().filter(|f| f.attrs.column.is_none()) {
            let ident = f.ident.to_string();
            f.attrs.column = Some(Str {
                value: crate::case::rename(rule.value.as_str(), ident.trim_start_matches("r#")),
                span: f.ident.span(),
            });
        }
    }
    validate(cx, &sattrs, &fields);
    (sattrs, fields)
}

pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let ident = &input.ident;
    let (sattrs, fields) = parse_model(&cx, input);
    if let Some(err) = cx.check() {
        let err = err.to_compile_error();
        let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
        // A stub impl, so that the user sees the real errors and not follow-ups.
        return quote! {
            #err
            impl #impl_generics ::aludel::Model for #ident #ty_generics #where_clause {
                fn table() -> ::aludel::schema::Table {
                    ::core::unreachable!()
                }
            }
        };
    }
    desc::generate(input, &sattrs, &fields)
}

/// The expression inside the invisible groups `macro_rules!` wraps fragments in.
fn ungroup(e: &Expr) -> &Expr {
    match e {
        Expr::Group(g) => ungroup(&g.expr),
        Expr::Paren(p) => ungroup(&p.expr),
        other => other,
    }
}

/// The type inside the invisible groups `macro_rules!` wraps fragments in.
fn ungroup_type(t: &Type) -> &Type {
    match t {
        Type::Group(g) => ungroup_type(&g.elem),
        Type::Paren(p) => ungroup_type(&p.elem),
        other => other,
    }
}

fn key_of(meta: &ParseNestedMeta) -> String {
    let path = &meta.path;
    path.get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| quote!(#path).to_string().replace(' ', ""))
}

/// Consumes whatever value a key has (`= expr` or `(...)`), so parsing can go on after
/// reporting it.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|m| skip_value(&m))?;
    }
    Ok(())
}

fn expect_str(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<Str>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` needs a value: {key} = \"...\""),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    match ungroup(&expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value().trim().is_empty() && key != "comment" => {
            cx.error_spanned_by(
                s,
                format!("`{key}` cannot be empty: give it a value, or leave `{key}` out"),
            );
            Ok(None)
        }
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Some(Str {
            value: s.value(),
            span: s.span(),
        })),
        other => {
            cx.error_spanned_by(
                other,
                format!("`{key}` expects a string literal: {key} = \"...\""),
            );
            Ok(None)
        }
    }
}

fn expect_u32(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<(u32, Span)>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(&meta.path, format!("`{key}` needs a value: {key} = 100"));
        skip_value(meta)?;
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    if let Expr::Lit(ExprLit {
        lit: Lit::Int(i), ..
    }) = ungroup(&expr)
    {
        match i.base10_parse::<u32>() {
            Ok(v) if v > 0 => return Ok(Some((v, i.span()))),
            _ => {}
        }
    }
    cx.error_spanned_by(
        &expr,
        format!("`{key}` expects a positive integer: {key} = 100"),
    );
    Ok(None)
}

/// A bare flag (`unique`); `unique = ...` is an error.
fn expect_flag(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<Span>> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        let span = meta.path.span();
        skip_value(meta)?;
        cx.syn_error(syn::Error::new(
            span,
            format!("`{key}` takes no value: write #[aludel({key})]"),
        ));
        return Ok(None);
    }
    Ok(Some(meta.path.span()))
}

fn parse_field_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let mut a = FieldAttrs::default();
    let mut seen = HashSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(ALUDEL)) {
        let res = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            let span = meta.path.span();
            if FIELD_KEYS.contains(&key.as_str()) && !seen.insert(key.clone()) {
                cx.error_spanned_by(&meta.path, format!("duplicate attribute `{key}`"));
                return skip_value(&meta);
            }
            match key.as_str() {
                "primary_key" => a.primary_key = expect_flag(cx, &meta, &key)?,
                "unique" => a.unique = expect_flag(cx, &meta, &key)?,
                "index" => a.index = expect_flag(cx, &meta, &key)?,
                "skip" => a.skip = expect_flag(cx, &meta, &key)?,
                "auto_increment" => {
                    if meta.input.peek(Token![=]) {
                        let expr: Expr = meta.value()?.parse()?;
                        match ungroup(&expr) {
                            Expr::Lit(ExprLit {
                                lit: Lit::Bool(b), ..
                            }) => a.auto_increment = Some((b.value, span)),
                            other => cx.error_spanned_by(
                                other,
                                "`auto_increment` expects true or false: auto_increment = false",
                            ),
                        }
                    } else {
                        a.auto_increment = Some((true, span));
                    }
                }
                "column" => a.column = expect_str(cx, &meta, &key)?,
                "sql_type" => a.sql_type = expect_str(cx, &meta, &key)?,
                "default" => a.default = expect_str(cx, &meta, &key)?,
                "check" => a.check = expect_str(cx, &meta, &key)?,
                "comment" => a.comment = expect_str(cx, &meta, &key)?,
                "renamed_from" => a.renamed_from.extend(expect_str(cx, &meta, &key)?),
                "on_delete" => a.on_delete = expect_str(cx, &meta, &key)?,
                "on_update" => a.on_update = expect_str(cx, &meta, &key)?,
                "max_length" => a.max_length = expect_u32(cx, &meta, &key)?,
                "precision" => a.precision = expect_u32(cx, &meta, &key)?,
                "scale" => {
                    // A scale of 0 is valid.
                    let expr: Expr = meta.value()?.parse()?;
                    match ungroup(&expr) {
                        Expr::Lit(ExprLit {
                            lit: Lit::Int(i), ..
                        }) if i.base10_parse::<u32>().is_ok() => {
                            a.scale = Some((i.base10_parse().expect("checked"), i.span()))
                        }
                        other => cx.error_spanned_by(
                            other,
                            "`scale` expects a non-negative integer: scale = 2",
                        ),
                    }
                }
                "references" => {
                    if let Some(s) = expect_str(cx, &meta, &key)? {
                        match parse_reference(&s.value) {
                            Some((table, column)) => a.references = Some((s, table, column)),
                            None => cx.syn_error(syn::Error::new(
                                s.span,
                                format!(
                                    "`references` expects \"table.column\" (or \"schema.table.column\"), got {:?}",
                                    s.value
                                ),
                            )),
                        }
                    }
                }
                _ => {
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown attribute `{key}`; allowed on a field: {}",
                            FIELD_KEYS.join(", ")
                        ),
                    );
                    return skip_value(&meta);
                }
            }
            a.given.push((key, span));
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    a
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `"users(tenant_id, id)"` -> `("users", ["tenant_id", "id"])`.
fn parse_fk_target(s: &str) -> Option<(String, Vec<String>)> {
    let (table, rest) = s.split_once('(')?;
    let cols = rest.trim().strip_suffix(')')?;
    let table = table.trim();
    let ok = |p: &str| !p.is_empty() && !p.contains(char::is_whitespace);
    let cols: Vec<String> = cols.split(',').map(|c| c.trim().to_string()).collect();
    (ok(table) && table.split('.').count() <= 2 && cols.iter().all(|c| ok(c)))
        .then(|| (table.to_string(), cols))
}

fn check_action(cx: &Ctxt, key: &str, v: &Option<Str>) {
    let Some(v) = v else { return };
    let norm = v.value.trim().to_ascii_lowercase().replace(['_', '-'], " ");
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    if !FK_ACTIONS.contains(&norm.as_str()) {
        cx.syn_error(syn::Error::new(
            v.span,
            format!(
                "`{key}` must be one of: {}; got {:?}",
                FK_ACTIONS.join(", "),
                v.value
            ),
        ));
    }
}

/// The index access methods PostgreSQL has besides the default B-tree.
const INDEX_METHODS: [&str; 5] = ["gin", "gist", "hash", "brin", "spgist"];

fn check_method(cx: &Ctxt, v: &Option<Str>) {
    let Some(v) = v else { return };
    if !INDEX_METHODS.contains(&v.value.to_ascii_lowercase().as_str()) {
        cx.syn_error(syn::Error::new(
            v.span,
            format!(
                "`using` must be one of: {} (PostgreSQL index methods; leave it out for a B-tree); got {:?}",
                INDEX_METHODS.join(", "),
                v.value
            ),
        ));
    }
}

/// `"users.id"` -> `("users", "id")`; `"auth.users.id"` -> `("auth.users", "id")`.
fn parse_reference(s: &str) -> Option<(String, String)> {
    let (table, column) = s.rsplit_once('.')?;
    let ok = |p: &str| !p.is_empty() && !p.contains(char::is_whitespace);
    (ok(table) && ok(column) && table.split('.').all(ok) && table.split('.').count() <= 2)
        .then(|| (table.to_string(), column.to_string()))
}

fn parse_ident_list(cx: &Ctxt, meta: &ParseNestedMeta, what: &str) -> syn::Result<Vec<Ident>> {
    let mut out = Vec::new();
    if !meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(
            &meta.path,
            format!("`{what}` expects a list of fields: {what}(a, b)"),
        );
        skip_value(meta)?;
        return Ok(out);
    }
    meta.parse_nested_meta(|m| {
        match m.path.get_ident() {
            Some(i) if m.input.is_empty() || m.input.peek(Token![,]) => out.push(i.clone()),
            _ => {
                cx.error_spanned_by(&m.path, format!("`{what}(...)` lists field names"));
                skip_value(&m)?;
            }
        }
        Ok(())
    })?;
    if out.is_empty() {
        cx.error_spanned_by(
            &meta.path,
            format!("`{what}(...)` needs at least one field"),
        );
    }
    Ok(out)
}

fn parse_constraint(cx: &Ctxt, meta: &ParseNestedMeta, kind: &str) -> syn::Result<ConstraintAttr> {
    let span = meta.path.span();
    let mut c = ConstraintAttr {
        name: None,
        columns: Vec::new(),
        unique: false,
        predicate: None,
        method: None,
        expr: None,
        references: None,
        on_delete: None,
        on_update: None,
    };
    let allowed: &[&str] = match kind {
        "unique" => &["name", "columns"],
        "index" => &["name", "columns", "unique", "where", "using"],
        "foreign_key" => &["name", "columns", "references", "on_delete", "on_update"],
        _ => &["name", "expr"],
    };
    if !meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(
            &meta.path,
            format!(
                "`{kind}` on a struct expects a list: {kind}({})",
                allowed.join(", ")
            ),
        );
        skip_value(meta)?;
        return Ok(c);
    }
    let mut seen = HashSet::new();
    meta.parse_nested_meta(|m| {
        let key = key_of(&m);
        if allowed.contains(&key.as_str()) && !seen.insert(key.clone()) {
            cx.error_spanned_by(&m.path, format!("duplicate `{key}` in `{kind}(...)`"));
            return skip_value(&m);
        }
        match key.as_str() {
            "name" if allowed.contains(&"name") => c.name = expect_str(cx, &m, "name")?,
            "columns" if allowed.contains(&"columns") => {
                c.columns = parse_ident_list(cx, &m, "columns")?
            }
            "unique" if allowed.contains(&"unique") => {
                c.unique = expect_flag(cx, &m, "unique")?.is_some()
            }
            "where" if allowed.contains(&"where") => c.predicate = expect_str(cx, &m, "where")?,
            "using" if allowed.contains(&"using") => {
                c.method = expect_str(cx, &m, "using")?;
                check_method(cx, &c.method);
            }
            "expr" if allowed.contains(&"expr") => c.expr = expect_str(cx, &m, "expr")?,
            "on_delete" if allowed.contains(&"on_delete") => {
                c.on_delete = expect_str(cx, &m, "on_delete")?;
                check_action(cx, "on_delete", &c.on_delete);
            }
            "on_update" if allowed.contains(&"on_update") => {
                c.on_update = expect_str(cx, &m, "on_update")?;
                check_action(cx, "on_update", &c.on_update);
            }
            "references" if allowed.contains(&"references") => {
                if let Some(s) = expect_str(cx, &m, "references")? {
                    match parse_fk_target(&s.value) {
                        Some(t) => c.references = Some(t),
                        None => cx.syn_error(syn::Error::new(
                            s.span,
                            format!(
                                "`references` in `foreign_key(...)` expects \"table(a, b)\" (or \"schema.table(a, b)\"), got {:?}",
                                s.value
                            ),
                        )),
                    }
                }
            }
            _ => {
                cx.error_spanned_by(
                    &m.path,
                    format!(
                        "unknown key `{key}` in `{kind}(...)`; allowed: {}",
                        allowed.join(", ")
                    ),
                );
                skip_value(&m)?;
            }
        }
        Ok(())
    })?;
    match kind {
        "check" if c.expr.is_none() => cx.syn_error(syn::Error::new(
            span,
            "`check(...)` on a struct needs expr = \"SQL\" (and name = \"...\")",
        )),
        "check" if c.name.is_none() => cx.syn_error(syn::Error::new(
            span,
            "`check(...)` on a struct needs name = \"...\"",
        )),
        "unique" | "index" if c.columns.is_empty() && !seen.contains("columns") => cx.syn_error(
            syn::Error::new(span, format!("`{kind}(...)` needs columns(a, b)")),
        ),
        _ => {}
    }
    Ok(c)
}

fn parse_struct_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) -> StructAttrs {
    let mut a = StructAttrs::default();
    let mut seen = HashSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(ALUDEL)) {
        let res = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            let repeatable = matches!(
                key.as_str(),
                "unique" | "index" | "check" | "foreign_key" | "renamed_from"
            );
            if STRUCT_KEYS.contains(&key.as_str()) && !repeatable && !seen.insert(key.clone()) {
                cx.error_spanned_by(&meta.path, format!("duplicate attribute `{key}`"));
                return skip_value(&meta);
            }
            match key.as_str() {
                "table" => a.table = expect_str(cx, &meta, &key)?,
                "schema" => a.schema = expect_str(cx, &meta, &key)?,
                "comment" => a.comment = expect_str(cx, &meta, &key)?,
                "renamed_from" => a.renamed_from.extend(expect_str(cx, &meta, &key)?),
                "rename_all" => {
                    a.rename_all = expect_str(cx, &meta, &key)?;
                    if let Some(r) = &a.rename_all
                        && !RENAME_RULES.contains(&r.value.as_str())
                    {
                        cx.syn_error(syn::Error::new(
                            r.span,
                            format!(
                                "`rename_all` must be one of: {}; got {:?}",
                                RENAME_RULES.join(", "),
                                r.value
                            ),
                        ));
                    }
                }
                "primary_key" => {
                    let span = meta.path.span();
                    a.primary_key = Some((parse_ident_list(cx, &meta, "primary_key")?, span));
                }
                "unique" => a.uniques.push(parse_constraint(cx, &meta, "unique")?),
                "index" => a.indexes.push(parse_constraint(cx, &meta, "index")?),
                "check" => a.checks.push(parse_constraint(cx, &meta, "check")?),
                "foreign_key" => {
                    let span = meta.path.span();
                    let fk = parse_constraint(cx, &meta, "foreign_key")?;
                    match &fk.references {
                        None => cx.syn_error(syn::Error::new(
                            span,
                            "`foreign_key(...)` needs references = \"table(a, b)\"",
                        )),
                        Some((_, cols))
                            if cols.len() != fk.columns.len() && !fk.columns.is_empty() =>
                        {
                            cx.syn_error(syn::Error::new(
                                span,
                                format!(
                                    "`foreign_key(...)` lists {} but references {}",
                                    plural(fk.columns.len(), "column"),
                                    plural(cols.len(), "column")
                                ),
                            ))
                        }
                        _ => {}
                    }
                    a.foreign_keys.push(fk);
                }
                _ => {
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown attribute `{key}`; allowed on a struct: {}",
                            STRUCT_KEYS.join(", ")
                        ),
                    );
                    return skip_value(&meta);
                }
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    a
}

/// The `T` of `Option<T>` (also `std::option::Option<T>`), by syntax.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ungroup_type(ty) else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn is_string(ty: &Type) -> bool {
    let ty = ungroup_type(option_inner(ty).unwrap_or(ty));
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"))
}

fn validate(cx: &Ctxt, s: &StructAttrs, fields: &[Field]) {
    let by_ident = |i: &Ident| fields.iter().find(|f| f.ident == i);
    for f in fields {
        validate_field(cx, s, f);
    }
    let check_fields = |cols: &[Ident]| {
        for c in cols {
            match by_ident(c) {
                None => cx.error_spanned_by(c, format!("no field named `{c}` in this struct")),
                Some(f) if f.attrs.skip.is_some() => {
                    cx.error_spanned_by(c, format!("field `{c}` is skipped: it has no column"))
                }
                _ => {}
            }
        }
    };
    if let Some((cols, _)) = &s.primary_key {
        check_fields(cols);
    }
    for c in s.uniques.iter().chain(&s.indexes).chain(&s.foreign_keys) {
        check_fields(&c.columns);
    }
    if let Some(t) = &s.table
        && t.value.trim().is_empty()
    {
        cx.syn_error(syn::Error::new(t.span, "`table` must not be empty"));
    }
    let columns: Vec<&Field> = fields.iter().filter(|f| f.attrs.skip.is_none()).collect();
    if columns.is_empty() && !fields.is_empty() {
        cx.syn_error(syn::Error::new(
            Span::call_site(),
            "a model needs at least one field that is not skipped",
        ));
    }
    let mut names = HashSet::new();
    for f in &columns {
        if !names.insert(f.column_name()) {
            cx.error_spanned_by(
                f.ident,
                format!("two fields map to the column `{}`", f.column_name()),
            );
        }
    }
}

/// One field's attributes: what `skip` excludes, what `references` needs, the key.
fn validate_field(cx: &Ctxt, s: &StructAttrs, f: &Field) {
    let a = &f.attrs;
    if a.skip.is_some() {
        for (key, span) in a.given.iter().filter(|(k, _)| k != "skip") {
            cx.syn_error(syn::Error::new(
                *span,
                format!("`{key}` cannot be combined with `skip`: a skipped field has no column"),
            ));
        }
        return;
    }
    for (key, given) in [("on_delete", &a.on_delete), ("on_update", &a.on_update)] {
        let Some(v) = given else { continue };
        if a.references.is_none() {
            cx.syn_error(syn::Error::new(
                v.span,
                format!("`{key}` needs `references = \"table.column\"` on the same field"),
            ));
        }
        check_action(cx, key, given);
    }
    validate_type_attrs(cx, f);
    if let Some((true, span)) = a.auto_increment {
        let in_struct_pk = s
            .primary_key
            .as_ref()
            .is_some_and(|(cols, _)| cols.len() == 1 && cols[0] == *f.ident);
        if a.primary_key.is_none() && !in_struct_pk {
            cx.syn_error(syn::Error::new(
                span,
                "`auto_increment` applies to the primary key: add `primary_key` to this field",
            ));
        }
    }
    if let Some(span) = a.primary_key
        && let Some((_, struct_span)) = &s.primary_key
    {
        cx.syn_error(syn::Error::new(
            span,
            "the primary key is declared twice: here and in #[aludel(primary_key(...))] on the struct",
        ));
        cx.syn_error(syn::Error::new(
            *struct_span,
            "the struct-level primary key is declared here",
        ));
    }
}

/// `sql_type`, `max_length`, `precision` and `scale`: which go together, and on what.
fn validate_type_attrs(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    if let Some(t) = &a.sql_type {
        for (key, span) in [
            ("max_length", a.max_length.map(|m| m.1)),
            ("precision", a.precision.map(|m| m.1)),
            ("scale", a.scale.map(|m| m.1)),
        ] {
            if let Some(span) = span {
                cx.syn_error(syn::Error::new(
                    span,
                    format!("`{key}` cannot be combined with `sql_type = {:?}`, which already says the whole type", t.value),
                ));
            }
        }
        if t.value.trim().is_empty() {
            cx.syn_error(syn::Error::new(t.span, "`sql_type` must not be empty"));
        }
    }
    if let (Some(_), Some((_, span))) = (&a.max_length, &a.precision) {
        cx.syn_error(syn::Error::new(
            *span,
            "`precision` is for numeric fields and `max_length` for strings: use one",
        ));
    }
    if let (None, Some((_, span))) = (&a.precision, &a.scale) {
        cx.syn_error(syn::Error::new(
            *span,
            "`scale` needs `precision` too: precision = 10, scale = 2",
        ));
    }
    if let (Some((p, _)), Some((sc, span))) = (&a.precision, &a.scale)
        && sc > p
    {
        cx.syn_error(syn::Error::new(
            *span,
            format!("`scale` ({sc}) cannot exceed `precision` ({p})"),
        ));
    }
    if let Some((_, span)) = &a.max_length
        && a.sql_type.is_none()
        && !is_string(&f.ty)
    {
        cx.syn_error(syn::Error::new(
            *span,
            "`max_length` applies to String fields (it makes a varchar); use `sql_type` for other types",
        ));
    }
}

/// The statements of the struct-level uniques, indexes and checks, the column of a field
/// given by `col` (a name, or an expression that reads it).
fn table_constraint_tokens(
    s: &StructAttrs,
    col: &dyn Fn(&Ident) -> TokenStream,
) -> Vec<TokenStream> {
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
    use super::*;

    fn errors(src: &str) -> String {
        let input: DeriveInput = syn::parse_str(src).unwrap();
        expand(&input).to_string()
    }

    #[test]
    fn rename_all_names_the_styles_it_knows() {
        let out = errors(
            r#"#[aludel(rename_all = "Title Case")] struct A { #[aludel(primary_key)] id: i64 }"#,
        );
        assert!(out.contains("`rename_all` must be one of"), "{out}");
        assert!(out.contains("PascalCase"), "{out}");
    }

    #[test]
    fn all_errors_of_a_struct_are_reported_together() {
        let out = errors(
            r#"
            #[aludel(tabel = "x")]
            struct Post {
                #[aludel(primary_key, max_length = "10")]
                id: i64,
                #[aludel(on_delete = "cascade")]
                owner_id: i64,
                #[aludel(skip, unique)]
                cache: String,
                #[aludel(references = "users")]
                user_id: i64,
            }"#,
        );
        for want in [
            "unknown attribute `tabel`",
            "`max_length` expects a positive integer",
            "`on_delete` needs `references",
            "`unique` cannot be combined with `skip`",
            "`references` expects \\\"table.column\\\"",
        ] {
            assert!(out.contains(want), "missing {want:?} in {out}");
        }
        assert!(
            out.contains("unreachable"),
            "a stub impl keeps follow-up errors away"
        );
    }

    #[test]
    fn fragments_from_macro_rules_are_accepted() {
        use proc_macro2::{Delimiter, Group, TokenStream};
        // `macro_rules!` hands `$table:literal` and `$ty:ty` over wrapped in invisible
        // groups.
        let group = |ts: TokenStream| Group::new(Delimiter::None, ts);
        let table = group(quote!("t08_varchar"));
        let ty = group(quote!(String));
        let input: DeriveInput = syn::parse2(quote! {
            #[aludel(table = #table)]
            struct T08 {
                #[aludel(primary_key)]
                id: i32,
                #[aludel(max_length = 120)]
                v: #ty,
            }
        })
        .unwrap();
        let out = expand(&input).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains(r#"\"name\":\"t08_varchar\""#), "{out}");
    }

    #[test]
    fn references_syntax() {
        assert_eq!(
            parse_reference("users.id"),
            Some(("users".into(), "id".into()))
        );
        assert_eq!(
            parse_reference("auth.users.id"),
            Some(("auth.users".into(), "id".into()))
        );
        assert_eq!(parse_reference("users"), None);
        assert_eq!(parse_reference("users."), None);
        assert_eq!(parse_reference("a.b.c.d"), None);
    }

    #[test]
    fn valid_model_expands() {
        let out = errors(
            r#"
            #[aludel(table = "votes", primary_key(user_id, post_id))]
            struct Vote {
                #[aludel(references = "users.id", on_delete = "cascade")]
                user_id: i64,
                #[aludel(references = "posts.id", on_delete = "cascade")]
                post_id: i32,
            }"#,
        );
        assert!(!out.contains("compile_error"), "{out}");
        // The table is data: the foreign keys sit in its JSON, the column types of the
        // Rust-typed fields are left to the compiler.
        assert!(out.contains(r#"\"on_delete\":\"cascade\""#), "{out}");
        assert!(
            out.contains("< i64 as :: aludel :: SqlType > :: column_type"),
            "{out}"
        );
        assert!(out.contains("inventory :: submit"), "{out}");
    }
}
