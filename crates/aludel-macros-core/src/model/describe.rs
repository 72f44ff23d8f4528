//! A model read without a compiler: the table `#[derive(Model)]` builds, from the
//! struct's source. `aludel inspect` checks the models it writes with it before anything
//! is compiled, and the derive's expansion is this table as data (`super::desc`), the
//! column types of Rust-typed fields left to the compiler.
//!
//! Here field types are read through `aludel_schema::rust_types` (the mapping
//! `aludel::SqlType` implements) and the enums given (what `#[derive(Enum)]` declares, by
//! the Rust name).

use aludel_schema::{
    Check, Column, ColumnType, FkAction, ForeignKey, Index, PrimaryKey, Table, Unique,
    rust_types::column_type_of,
};
use quote::ToTokens;
use syn::{DeriveInput, Ident, Type};

use super::{ConstraintAttr, Field, StructAttrs, column_of, option_inner, parse_model};
use crate::ctxt::{Ctxt, messages};

/// The table a `#[derive(Model)]` struct describes; `enums` are the enum types its fields
/// may name (Rust name, column type).
pub fn describe(input: &DeriveInput, enums: &[(String, ColumnType)]) -> Result<Table, String> {
    let cx = Ctxt::default();
    let (s, fields) = parse_model(&cx, input);
    if let Some(err) = cx.check() {
        return Err(messages(err));
    }
    let mut by_name = |_: usize, f: &Field| {
        let inner = option_inner(&f.ty).unwrap_or(&f.ty);
        Ok((rust_type(inner, enums)?, is_option(&f.ty)))
    };
    let (t, overrides) = model_table(&input.ident, &s, &fields, &mut by_name)?;
    let overrides: Vec<(&str, bool)> = overrides.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    Ok(t.with_model_auto_increment(&overrides))
}

/// The column type and nullability of a field without a type attribute, from its Rust
/// type; given the column's position in the table.
pub(super) type RustType<'a> = dyn FnMut(usize, &Field) -> Result<(ColumnType, bool), String> + 'a;

/// A model's table before auto-increment is decided (a lone integer primary key
/// auto-increments: that depends on column types the compiler may be the one to know),
/// and the fields' explicit `auto_increment` values. `rust_type` gives the columns of
/// Rust-typed fields.
pub(super) fn model_table(
    ident: &Ident,
    s: &StructAttrs,
    fields: &[Field],
    rust_type: &mut RustType,
) -> Result<(Table, Vec<(String, bool)>), String> {
    let table_name = s.table_name(ident);
    let mut t = Table::new(table_name.clone());
    t.schema = s.schema.as_ref().map(|x| x.value.clone());
    t.comment = s.comment.as_ref().map(|x| x.value.clone());
    t.renamed_from = s.renamed_from.iter().map(|x| x.value.clone()).collect();
    let mut overrides = Vec::new();
    for f in fields.iter().filter(|f| f.attrs.skip.is_none()) {
        describe_column(&mut t, f, &table_name, rust_type)?;
        if let Some((v, _)) = f.attrs.auto_increment {
            overrides.push((f.column_name(), v));
        }
    }
    describe_constraints(&mut t, s, fields);
    Ok((t, overrides))
}

/// The column of one field, with the constraints the field declares.
fn describe_column(
    t: &mut Table,
    f: &Field,
    table_name: &str,
    rust_type: &mut RustType,
) -> Result<(), String> {
    let a = &f.attrs;
    let name = f.column_name();
    let field_ty = &*f.ty;
    let (ty, nullable) = match (&a.sql_type, &a.max_length, &a.precision) {
        (None, None, None) if f.json.is_some() => (ColumnType::Jsonb, f.json == Some(true)),
        (Some(t), _, _) => (ColumnType::Custom(t.value.clone()), is_option(field_ty)),
        (None, Some((n, _)), _) => (ColumnType::Varchar(*n), is_option(field_ty)),
        (None, None, Some((p, _))) => (
            ColumnType::Decimal {
                precision: Some(*p),
                scale: Some(a.scale.map(|x| x.0).unwrap_or(0)),
            },
            is_option(field_ty),
        ),
        _ => rust_type(t.columns.len(), f)?,
    };
    let mut c = Column::new(name.clone(), ty);
    c.nullable = nullable;
    c.default = a.default.as_ref().map(|x| x.value.clone());
    c.comment = a.comment.as_ref().map(|x| x.value.clone());
    c.renamed_from = a.renamed_from.iter().map(|x| x.value.clone()).collect();
    t.columns.push(c);
    if a.unique.is_some() {
        t.uniques.push(Unique::new([name.as_str()]));
    }
    if a.index.is_some() {
        t.indexes.push(Index::new([name.as_str()]));
    }
    if let Some((_, table, column)) = &a.references {
        t.foreign_keys.push(
            ForeignKey::new([name.as_str()], table.as_str(), [column.as_str()])
                .on_delete(fk_action(&a.on_delete))
                .on_update(fk_action(&a.on_update)),
        );
    }
    if let Some(check) = &a.check {
        t.checks.push(
            Check::new(check.value.clone())
                .named(aludel_schema::column_check_name(table_name, &name)),
        );
    }
    Ok(())
}

/// The struct-level primary key (or the fields' `primary_key`), uniques, indexes,
/// foreign keys and checks.
fn describe_constraints(t: &mut Table, s: &StructAttrs, fields: &[Field]) {
    let col_of = |i: &Ident| column_of(fields, i);
    let cols = |c: &ConstraintAttr| c.columns.iter().map(col_of).collect::<Vec<_>>();
    let pk: Vec<String> = match &s.primary_key {
        Some((cols, _)) => cols.iter().map(col_of).collect(),
        None => fields
            .iter()
            .filter(|f| f.attrs.skip.is_none() && f.attrs.primary_key.is_some())
            .map(|f| f.column_name())
            .collect(),
    };
    if !pk.is_empty() {
        t.primary_key = Some(PrimaryKey::new(pk));
    }
    let name = |c: &ConstraintAttr| c.name.as_ref().map(|n| n.value.clone());
    for u in &s.uniques {
        let mut x = Unique::new(cols(u));
        x.name = name(u);
        t.uniques.push(x);
    }
    for i in &s.indexes {
        let mut x = Index::new(cols(i));
        x.name = name(i);
        x.unique = i.unique;
        x.predicate = i.predicate.as_ref().map(|p| p.value.clone());
        x.method = i.method.as_ref().map(|m| m.value.clone());
        t.indexes.push(x);
    }
    for f in &s.foreign_keys {
        let (table, ref_cols) = f.references.clone().unwrap_or_default();
        let mut x = ForeignKey::new(cols(f), table.as_str(), ref_cols)
            .on_delete(fk_action(&f.on_delete))
            .on_update(fk_action(&f.on_update));
        x.name = name(f);
        t.foreign_keys.push(x);
    }
    for c in &s.checks {
        let mut x = Check::new(c.expr.as_ref().map(|e| e.value.clone()).unwrap_or_default());
        x.name = name(c);
        t.checks.push(x);
    }
}

fn is_option(ty: &Type) -> bool {
    option_inner(ty).is_some()
}

/// The column type of a field's Rust type (without `Option`).
fn rust_type(ty: &Type, enums: &[(String, ColumnType)]) -> Result<ColumnType, String> {
    let path = ty.to_token_stream().to_string();
    if let Some(t) = column_type_of(&path) {
        return Ok(t);
    }
    let last = path.rsplit("::").next().unwrap_or(&path).trim();
    enums
        .iter()
        .find(|(n, _)| n == last)
        .map(|(_, t)| t.clone())
        .ok_or_else(|| format!("no column type known for the Rust type `{path}`"))
}

/// The action an `on_delete`/`on_update` value names (validation refused other values).
pub(super) fn fk_action(s: &Option<super::Str>) -> FkAction {
    let norm = s
        .as_ref()
        .map(|s| s.value.trim().to_ascii_lowercase().replace(['_', '-'], " "))
        .unwrap_or_default();
    match norm
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str()
    {
        "cascade" => FkAction::Cascade,
        "set null" => FkAction::SetNull,
        "set default" => FkAction::SetDefault,
        "restrict" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}
