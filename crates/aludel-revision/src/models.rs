//! Writes models: the Rust source of `#[derive(aludel::Model)]` structs and
//! `#[derive(aludel::Enum)]` enums that describe a schema as it is (`aludel inspect`).
//!
//! Names: a struct per table in CamelCase, a field per column in snake_case, with
//! `table = "..."` or `column = "..."` only where the derive's own naming would not give
//! the name back; Rust keywords become raw identifiers (`r#type`). Every constraint is
//! written with its name, so that nothing depends on naming conventions. Types are the
//! Rust types of `aludel_schema::rust_types` the enabled features allow, `max_length`,
//! `precision` and `scale` where the type carries them, and the server's spelling in
//! `sql_type` where no Rust type maps.

use std::collections::{HashMap, HashSet};

use aludel_schema::rust_types::RUST_TYPES;
use aludel_schema::{Column, ColumnType, Dialect, FkAction, Schema, Table};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

/// What to write models for.
pub struct ModelsOptions<'a> {
    pub dialect: Dialect,
    /// The features of the `aludel` crate the models may use (`chrono`, `uuid` ...).
    pub features: &'a [&'a str],
    /// Lines of the comment at the top of the file.
    pub header: Vec<String>,
}

/// The models file, and what it could not express (one line each).
pub struct Models {
    pub source: String,
    pub unexpressed: Vec<String>,
}

/// The models of every table of `schema`, with the enums their columns use.
pub fn render_models(schema: &Schema, opts: &ModelsOptions) -> Models {
    let mut w = Writer {
        opts,
        enums: Vec::new(),
        enum_idents: HashSet::new(),
        unexpressed: Vec::new(),
        used: HashSet::new(),
    };
    let struct_names = struct_idents(schema);
    let structs: Vec<TokenStream> = schema
        .tables
        .iter()
        .zip(&struct_names)
        .map(|(t, ident)| w.table(t, ident))
        .collect();
    let items: Vec<String> = w
        .enums
        .iter()
        .map(|(_, _, tokens)| tokens)
        .chain(&structs)
        .map(|tokens| crate::write::format_items(tokens.clone()))
        .collect();
    let mut source: String = opts.header.iter().map(|l| format!("//! {l}\n")).collect();
    let needs = w.needs();
    if !needs.is_empty() {
        source.push_str(&format!(
            "//!\n//! These models use the crates {}: depend on them, and on `aludel` with the features of the same names.\n",
            needs.join(", ")
        ));
    }
    if !source.is_empty() {
        source.push('\n');
    }
    source.push_str(&items.join("\n"));
    Models {
        source,
        unexpressed: w.unexpressed,
    }
}

/// The schema models' source describes, read without a compiler: each
/// `#[derive(Model)]` struct as the derive builds it, with the `#[derive(Enum)]` enums of
/// the same source; other items are left alone. Errors name the item.
pub fn read_models(source: &str) -> Result<Schema, String> {
    let file = syn::parse_file(source).map_err(|e| format!("the models do not parse: {e}"))?;
    let mut enums = Vec::new();
    let mut structs = Vec::new();
    for item in file.items {
        match item {
            syn::Item::Enum(e) if derives(&e.attrs, "Enum") => {
                let input = syn::DeriveInput::from(e);
                let ty = aludel_macros_core::describe_enum(&input)
                    .map_err(|e| format!("enum {}: {e}", input.ident))?;
                enums.push((input.ident.to_string(), ty));
            }
            syn::Item::Struct(s) if derives(&s.attrs, "Model") => {
                structs.push(syn::DeriveInput::from(s))
            }
            _ => {}
        }
    }
    let mut tables = Vec::with_capacity(structs.len());
    for s in &structs {
        let t = aludel_macros_core::describe(s, &enums)
            .map_err(|e| format!("struct {}: {e}", s.ident))?;
        tables.push((s.ident.to_string(), t));
    }
    Schema::from_models(tables)
}

/// Whether `attrs` derive `name` (`Model`, `aludel::Model` ...).
fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
            })
    })
}

/// The names of the structs and enums a source declares, in order (to append models to
/// a file without declaring anything twice).
pub fn item_names(source: &str) -> Result<Vec<String>, String> {
    let file = syn::parse_file(source).map_err(|e| format!("the file does not parse: {e}"))?;
    Ok(file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect())
}

struct Writer<'a> {
    opts: &'a ModelsOptions<'a>,
    /// Enum types written so far: the column type, its Rust name, its source.
    enums: Vec<(ColumnType, String, TokenStream)>,
    enum_idents: HashSet<String>,
    unexpressed: Vec<String>,
    /// The crates of the Rust types written (`chrono`, `uuid` ...).
    used: HashSet<&'static str>,
}

impl Writer<'_> {
    fn table(&mut self, t: &Table, ident: &str) -> TokenStream {
        let fields = field_idents(t);
        let ident_tok = Ident::new(ident, Span::call_site());
        let mut attrs = Vec::new();
        if snake_case(ident) != t.name {
            let name = &t.name;
            attrs.push(quote!(table = #name));
        }
        if let Some(s) = &t.schema {
            attrs.push(quote!(schema = #s));
        }
        if let Some(c) = &t.comment {
            attrs.push(quote!(comment = #c));
        }
        let style = naming_style(t, &fields);
        if let Some(rule) = style {
            attrs.push(quote!(rename_all = #rule));
        }
        let field_of = |c: &str| field_ident(&fields, c);
        let lone_pk = t
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1)
            .map(|pk| pk.columns[0].clone());
        if let Some(pk) = t.primary_key.as_ref().filter(|pk| pk.columns.len() > 1) {
            let cols = pk.columns.iter().map(|c| field_of(c));
            attrs.push(quote!(primary_key(#(#cols),*)));
        }
        let constraints = self.constraints(t, &field_of);
        let body: Vec<TokenStream> = t
            .columns
            .iter()
            .map(|c| {
                let lone = lone_pk.as_deref() == Some(c.name.as_str());
                self.field(t, c, (&fields, style), lone)
            })
            .collect();
        let struct_attrs = (!attrs.is_empty()).then(|| quote!(#[aludel(#(#attrs),*)]));
        quote! {
            #[derive(aludel::Model)]
            #struct_attrs
            #(#constraints)*
            pub struct #ident_tok {
                #(#body)*
            }
        }
    }

    /// The struct-level constraints, each with its name.
    fn constraints(&self, t: &Table, field_of: &dyn Fn(&str) -> TokenStream) -> Vec<TokenStream> {
        let cols = |v: &[String]| {
            let c: Vec<TokenStream> = v.iter().map(|c| field_of(c)).collect();
            quote!(columns(#(#c),*))
        };
        let name = |n: &Option<String>| n.as_ref().map(|n| quote!(name = #n,));
        let mut out = Vec::new();
        for u in &t.uniques {
            let (n, c) = (name(&u.name), cols(&u.columns));
            out.push(quote!(#[aludel(unique(#n #c))]));
        }
        for i in &t.indexes {
            let (n, c) = (name(&i.name), cols(&i.columns));
            let unique = i.unique.then(|| quote!(, unique));
            let pred = i.predicate.as_ref().map(|p| quote!(, where = #p));
            let method = i.method.as_ref().map(|m| quote!(, using = #m));
            out.push(quote!(#[aludel(index(#n #c #unique #pred #method))]));
        }
        for f in &t.foreign_keys {
            let (n, c) = (name(&f.name), cols(&f.columns));
            let target = format!("{}({})", f.ref_table, f.ref_columns.join(", "));
            let del = action(f.on_delete).map(|a| quote!(, on_delete = #a));
            let upd = action(f.on_update).map(|a| quote!(, on_update = #a));
            out.push(quote!(#[aludel(foreign_key(#n #c, references = #target #del #upd))]));
        }
        for k in &t.checks {
            let n = name(&k.name);
            let e = &k.expr;
            out.push(quote!(#[aludel(check(#n expr = #e))]));
        }
        out
    }

    fn field(
        &mut self,
        t: &Table,
        c: &Column,
        (fields, style): (&HashMap<String, String>, Option<&str>),
        lone_pk: bool,
    ) -> TokenStream {
        let ident = &fields[&c.name];
        let mut attrs = Vec::new();
        if lone_pk {
            attrs.push(quote!(primary_key));
        }
        // The derive makes a lone integer key auto-increment unless told otherwise.
        let derived_auto = lone_pk && c.ty.is_integer();
        if c.auto_increment != derived_auto {
            let v = c.auto_increment;
            attrs.push(quote!(auto_increment = #v));
            if c.auto_increment && !lone_pk {
                self.unexpressed.push(format!(
                    "{}.{}: auto-increment on a column that is not the single-column primary key",
                    t.table_name(),
                    c.name
                ));
            }
        }
        if column_of(ident, style) != c.name {
            let n = &c.name;
            attrs.push(quote!(column = #n));
        }
        let (ty, type_attrs) = self.rust_type(t, c);
        attrs.extend(type_attrs);
        if let Some(d) = &c.default {
            attrs.push(quote!(default = #d));
        }
        if let Some(cm) = &c.comment {
            attrs.push(quote!(comment = #cm));
        }
        let ty = if c.nullable { quote!(Option<#ty>) } else { ty };
        let attrs = (!attrs.is_empty()).then(|| quote!(#[aludel(#(#attrs),*)]));
        let ident: TokenStream = ident.parse().expect("a field identifier");
        quote! {
            #attrs
            pub #ident: #ty,
        }
    }

    /// The field's Rust type and the attributes that complete it.
    fn rust_type(&mut self, t: &Table, c: &Column) -> (TokenStream, Vec<TokenStream>) {
        let d = self.opts.dialect;
        let path = |p: &str| p.parse::<TokenStream>().expect("a type path");
        match &c.ty {
            ColumnType::Varchar(n) => {
                let n = proc_macro2::Literal::u32_unsuffixed(*n);
                (quote!(String), vec![quote!(max_length = #n)])
            }
            ColumnType::Decimal {
                precision: Some(p),
                scale,
            } => {
                let p = proc_macro2::Literal::u32_unsuffixed(*p);
                let s = proc_macro2::Literal::u32_unsuffixed(scale.unwrap_or(0));
                let ty = match self.has("decimal") {
                    true => {
                        self.used.insert("rust_decimal");
                        path("rust_decimal::Decimal")
                    }
                    false => quote!(f64),
                };
                (ty, vec![quote!(precision = #p), quote!(scale = #s)])
            }
            ColumnType::Enum { name, values } => (self.enum_type(t, c, name, values), vec![]),
            ty => match self.mapped(ty, d) {
                Some(p) => {
                    if let Some((krate, _)) = p.split_once("::") {
                        self.used.insert(krate);
                    }
                    (path(p), vec![])
                }
                None => {
                    let raw = ty.sql(d);
                    (quote!(String), vec![quote!(sql_type = #raw)])
                }
            },
        }
    }

    /// The crates the written types come from, for the header.
    fn needs(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.used.iter().copied().collect();
        out.sort();
        out
    }

    fn has(&self, feature: &str) -> bool {
        self.opts.features.contains(&feature)
    }

    /// The Rust type of a column type: the same type, else one the dialect stores alike.
    fn mapped(&self, ty: &ColumnType, d: Dialect) -> Option<&'static str> {
        let usable = RUST_TYPES
            .iter()
            .filter(|r| r.feature.is_none_or(|f| self.has(f)));
        let canonical = ty.canonical(d);
        let exact = usable.clone().find(|r| r.column_type() == *ty);
        exact
            .or_else(|| {
                usable
                    .clone()
                    .find(|r| r.column_type().canonical(d) == canonical)
            })
            .map(|r| r.path)
    }

    /// The Rust enum of an enum column, written once per type.
    fn enum_type(&mut self, t: &Table, c: &Column, name: &str, values: &[String]) -> TokenStream {
        let ty = ColumnType::Enum {
            name: name.to_string(),
            values: values.to_vec(),
        };
        let type_name = if name.is_empty() {
            format!("{}_{}", t.name, c.name)
        } else {
            name.to_string()
        };
        if let Some((_, ident, _)) = self.enums.iter().find(|(k, _, _)| *k == ty) {
            return Ident::new(ident, Span::call_site()).into_token_stream();
        }
        let mut ident = camel_case(&type_name);
        while !self.enum_idents.insert(ident.clone()) {
            ident.push('_');
        }
        let ident_tok = Ident::new(&ident, Span::call_site());
        let name_attr = (!name.is_empty() && snake_case(&ident) != name)
            .then(|| quote!(#[aludel(name = #name)]));
        let mut seen = HashSet::new();
        let variants = values.iter().enumerate().map(|(k, v)| {
            let mut variant = camel_case(v);
            if variant.is_empty() || !seen.insert(variant.clone()) {
                variant = format!("V{k}");
                seen.insert(variant.clone());
            }
            let rename = (snake_case(&variant) != *v).then(|| quote!(#[aludel(rename = #v)]));
            let variant = Ident::new(&variant, Span::call_site());
            quote!(#rename #variant,)
        });
        let tokens = quote! {
            #[derive(aludel::Enum)]
            #name_attr
            pub enum #ident_tok {
                #(#variants)*
            }
        };
        self.enums.push((ty, ident.clone(), tokens));
        ident_tok.into_token_stream()
    }
}

/// The naming styles `rename_all` can state, tried for a table's columns.
const STYLES: &[&str] = &["PascalCase", "camelCase", "SCREAMING_SNAKE_CASE"];

/// The column name the derive gives a field `ident` under `style`.
fn column_of(ident: &str, style: Option<&str>) -> String {
    let bare = ident.trim_start_matches("r#");
    match style {
        Some(rule) => aludel_macros_core::rename(rule, bare),
        None => bare.to_string(),
    }
}

/// The `rename_all` style that names more of the table's columns from their fields than
/// the fields' own names do, if one does: a PascalCase database then needs no `column`
/// on each field.
fn naming_style(t: &Table, fields: &HashMap<String, String>) -> Option<&'static str> {
    let named = |style: Option<&str>| {
        t.columns
            .iter()
            .filter(|c| column_of(&fields[&c.name], style) == c.name)
            .count()
    };
    let plain = named(None);
    // The first style of the list wins a tie.
    STYLES
        .iter()
        .rev()
        .map(|s| (named(Some(s)), *s))
        .filter(|(n, _)| *n > plain)
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s)
}

fn action(a: FkAction) -> Option<&'static str> {
    match a {
        FkAction::NoAction => None,
        FkAction::Cascade => Some("cascade"),
        FkAction::SetNull => Some("set null"),
        FkAction::SetDefault => Some("set default"),
        FkAction::Restrict => Some("restrict"),
    }
}

fn field_ident(fields: &HashMap<String, String>, column: &str) -> TokenStream {
    fields
        .get(column)
        .map(String::as_str)
        .unwrap_or(column)
        .parse()
        .expect("a field identifier")
}

/// A struct name per table: CamelCase of the name, told apart by the schema, then by a
/// number, when two tables would share one.
fn struct_idents(schema: &Schema) -> Vec<String> {
    let mut used = HashSet::new();
    schema
        .tables
        .iter()
        .map(|t| {
            let mut ident = camel_case(&t.name);
            if used.contains(&ident)
                && let Some(s) = &t.schema
            {
                ident = format!("{}{ident}", camel_case(s));
            }
            let base = ident.clone();
            let mut n = 2;
            while !used.insert(ident.clone()) {
                ident = format!("{base}{n}");
                n += 1;
            }
            ident
        })
        .collect()
}

/// A field identifier per column of `t`: the name itself when it is a snake_case
/// identifier (raw when it is a keyword), else its snake_case, told apart by a number.
fn field_idents(t: &Table) -> HashMap<String, String> {
    let mut used = HashSet::new();
    let mut out = HashMap::new();
    for c in &t.columns {
        let mut ident = field_name(&c.name);
        let base = ident.clone();
        let mut n = 2;
        while !used.insert(ident.clone()) {
            ident = format!("{base}_{n}");
            n += 1;
        }
        out.insert(c.name.clone(), ident);
    }
    out
}

fn field_name(column: &str) -> String {
    let snake = snake_case(column);
    let mut ident: String = snake
        .chars()
        .map(|c| if identifier_char(c) { c } else { '_' })
        .collect();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if ident == "_" || matches!(ident.as_str(), "self" | "super" | "crate" | "Self") {
        ident.push_str("_col");
    }
    if syn::parse_str::<Ident>(&ident).is_err() {
        ident = format!("r#{ident}");
    }
    if syn::parse_str::<Ident>(&ident).is_err() {
        // Characters Rust does not take in a name (the column keeps its own in `column`).
        ident = format!(
            "col_{:x}",
            aludel_schema::fnv1a_64(column.as_bytes()) & 0xffff_ffff
        );
    }
    ident
}

/// Whether `c` may stand in a Rust identifier (after its first character).
fn identifier_char(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphanumeric()
        || (!c.is_ascii()
            && c.is_alphanumeric()
            && syn::parse_str::<Ident>(&format!("z_{c}")).is_ok())
}

/// `blog_posts` -> `BlogPosts`; characters that cannot be in an identifier separate words.
fn camel_case(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !identifier_char(c) || c == '_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if out == "Self" {
        out.push_str("Table");
    }
    if out.is_empty() || syn::parse_str::<Ident>(&out).is_err() {
        out = format!("T{:x}", aludel_schema::fnv1a_64(s.as_bytes()) & 0xffff_ffff);
    }
    out
}

/// The derive's snake_case (`aludel-macros-core`'s `case.rs`), which gives a struct's
/// default table name and an enum variant's default value.
fn snake_case(s: &str) -> String {
    aludel_macros_core::snake_case(s)
}

#[cfg(test)]
mod tests;
