//! A struct that also derives `sqlx::FromRow`: the columns sqlx reads are the columns
//! aludel declares. sqlx's own attributes name them (`rename`, `rename_all`), leave a field
//! out (`skip`) or change the type read (`try_from`, `json`); aludel follows them, and
//! refuses to name a column otherwise than sqlx would read it.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, DeriveInput, Ident, LitStr, Type};

use super::{Field, Str, StructAttrs};
use crate::case::rename;
use crate::ctxt::Ctxt;

const SQLX: &str = "sqlx";

/// What `#[sqlx(...)]` says about one field.
#[derive(Default)]
pub(super) struct SqlxField {
    rename: Option<Str>,
    skip: Option<Span>,
    flatten: Option<Span>,
    /// `try_from = "T"`: the column is read as `T`.
    pub(super) try_from: Option<Type>,
    /// `json` (`Some(false)`) or `json(nullable)` (`Some(true)`): a JSON column.
    pub(super) json: Option<bool>,
}

/// Whether sqlx reads rows into this struct, as far as a derive can tell: it carries
/// `#[sqlx]` attributes (which only compile next to a sqlx derive). The derive list itself
/// is not part of a derive's input, so a `FromRow` struct without sqlx attributes looks
/// like any other.
pub(super) fn involved(input: &DeriveInput) -> bool {
    let has_sqlx = |attrs: &[Attribute]| attrs.iter().any(|a| a.path().is_ident(SQLX));
    let fields_have_sqlx = match &input.data {
        syn::Data::Struct(s) => s.fields.iter().any(|f| has_sqlx(&f.attrs)),
        _ => false,
    };
    has_sqlx(&input.attrs) || fields_have_sqlx
}

/// The struct's `#[sqlx(rename_all = "...")]`. Other container keys (`default` ...) do
/// not touch column names.
pub(super) fn rename_all(cx: &Ctxt, attrs: &[Attribute]) -> Option<Str> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(SQLX)) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let lit: LitStr = meta.value()?.parse()?;
                out = Some(Str {
                    value: lit.value(),
                    span: lit.span(),
                });
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    out
}

/// A field's `#[sqlx(...)]`. Keys that do not touch the column (`default`) are ignored,
/// as sqlx ignores the ones it does not know.
pub(super) fn field(cx: &Ctxt, attrs: &[Attribute]) -> SqlxField {
    let mut f = SqlxField::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(SQLX)) {
        let res = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                f.rename = Some(Str {
                    value: lit.value(),
                    span: lit.span(),
                });
            } else if meta.path.is_ident("try_from") {
                let lit: LitStr = meta.value()?.parse()?;
                f.try_from = Some(lit.parse()?);
            } else if meta.path.is_ident("skip") {
                f.skip = Some(span);
            } else if meta.path.is_ident("flatten") {
                f.flatten = Some(span);
            } else if meta.path.is_ident("json") {
                let mut nullable = false;
                if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|inner| {
                        nullable |= inner.path.is_ident("nullable");
                        Ok(())
                    })?;
                }
                f.json = Some(nullable);
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    f
}

/// The column sqlx reads for a field: `rename`, else the struct's `rename_all` applied
/// to the field's name, else the name (`r#` dropped), as sqlx's derive does.
fn sqlx_column(ident: &Ident, f: &SqlxField, all: Option<&Str>) -> String {
    if let Some(r) = &f.rename {
        return r.value.clone();
    }
    let name = ident.to_string();
    let name = name.trim_start_matches("r#");
    match all {
        Some(rule) => rename(&rule.value, name),
        None => name.to_string(),
    }
}

/// Makes aludel's columns those sqlx reads: a field sqlx skips has no column, and every
/// other field's column is sqlx's name for it. A name aludel was told otherwise
/// (`column`, its own `rename_all`) is an error that says how to name it once.
pub(super) fn reconcile(
    cx: &Ctxt,
    s: &StructAttrs,
    all: Option<&Str>,
    fields: &mut [Field],
    sqlx: &[SqlxField],
) {
    if let (Some(ours), theirs) = (&s.rename_all, all)
        && theirs.is_none_or(|t| t.value != ours.value)
    {
        cx.syn_error(syn::Error::new(
            ours.span,
            format!(
                "sqlx::FromRow reads this struct's columns {}; say the style once, for both \
                 derives: #[sqlx(rename_all = {:?})] (aludel reads it) instead of aludel's",
                match theirs {
                    Some(t) => format!("in the style {:?}", t.value),
                    None => "by the fields' names".to_string(),
                },
                ours.value
            ),
        ));
        return;
    }
    for (f, x) in fields.iter_mut().zip(sqlx) {
        if let Some(span) = x.flatten {
            cx.syn_error(syn::Error::new(
                span,
                "#[sqlx(flatten)] reads the fields of the nested struct as columns of this table, \
                 and aludel cannot see them from here: declare those columns as fields of this \
                 struct instead",
            ));
            continue;
        }
        if let Some(span) = x.skip {
            f.attrs.skip.get_or_insert(span);
            continue;
        }
        if f.attrs.skip.is_some() {
            continue;
        }
        let read = sqlx_column(f.ident, x, all);
        match &f.attrs.column {
            Some(c) if c.value != read => cx.syn_error(syn::Error::new(
                c.span,
                format!(
                    "sqlx::FromRow reads this field from the column {read:?}, and aludel would \
                     declare {:?}; name the column once, for both derives: \
                     #[sqlx(rename = {:?})] (aludel reads it) instead of `column`",
                    c.value, c.value
                ),
            )),
            Some(_) => {}
            None => {
                f.attrs.column = Some(Str {
                    value: read,
                    span: f.ident.span(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use aludel_schema::{ColumnType, Table};

    fn describe(src: &str) -> Result<Table, String> {
        super::super::describe(&syn::parse_str(src).unwrap(), &[])
    }

    fn columns(t: &Table) -> Vec<(&str, &ColumnType, bool)> {
        t.columns
            .iter()
            .map(|c| (c.name.as_str(), &c.ty, c.nullable))
            .collect()
    }

    /// Every attribute sqlx reads a column by: the table aludel declares is the one sqlx
    /// reads.
    #[test]
    fn sqlx_names_types_and_skips_are_followed() {
        let t = describe(
            r#"
            #[derive(sqlx::FromRow, aludel::Model)]
            #[sqlx(rename_all = "PascalCase")]
            struct Track {
                #[aludel(primary_key)]
                track_id: i64,
                #[sqlx(rename = "Title")]
                #[aludel(max_length = 200)]
                name: String,
                #[sqlx(try_from = "i64")]
                plays: u32,
                #[sqlx(json)]
                tags: Vec<String>,
                #[sqlx(json(nullable))]
                extra: Option<Extra>,
                #[sqlx(skip)]
                cached: Vec<u8>,
                #[sqlx(default)]
                r#type: Option<String>,
            }"#,
        )
        .unwrap();
        assert_eq!(
            columns(&t),
            [
                ("TrackId", &ColumnType::BigInt, false),
                ("Title", &ColumnType::Varchar(200), false),
                ("Plays", &ColumnType::BigInt, false),
                ("Tags", &ColumnType::Jsonb, false),
                ("Extra", &ColumnType::Jsonb, true),
                ("Type", &ColumnType::Text, true),
            ]
        );
        assert_eq!(t.primary_key.unwrap().columns, ["TrackId"]);
    }

    /// sqlx reads the other fields by their names, so an aludel `column` that differs
    /// cannot pass.
    #[test]
    fn names_sqlx_would_not_read_are_refused_with_the_fix() {
        let plain = describe(
            r#"
            struct A {
                #[aludel(primary_key, column = "Id")] id: i64,
                #[sqlx(skip)] cache: Option<String>,
            }"#,
        )
        .unwrap_err();
        assert!(
            plain.contains(r#"sqlx::FromRow reads this field from the column "id""#)
                && plain.contains(r#"#[sqlx(rename = "Id")]"#),
            "{plain}"
        );
        let styles = describe(
            r#"
            #[sqlx(rename_all = "camelCase")]
            #[aludel(rename_all = "PascalCase")]
            struct A { #[aludel(primary_key)] id: i64 }"#,
        )
        .unwrap_err();
        assert!(
            styles.contains(r#"in the style "camelCase""#)
                && styles.contains(r#"#[sqlx(rename_all = "PascalCase")]"#),
            "{styles}"
        );
        let agreed = describe(
            r#"
            #[derive(sqlx::FromRow)]
            #[sqlx(rename_all = "PascalCase")]
            #[aludel(rename_all = "PascalCase")]
            struct A { #[aludel(primary_key)] #[sqlx(rename = "ID")] id: i64 }"#,
        )
        .unwrap();
        assert_eq!(agreed.columns[0].name, "ID");
        let flatten = describe(
            r#"
            struct A { #[aludel(primary_key)] id: i64, #[sqlx(flatten)] address: Address }"#,
        )
        .unwrap_err();
        assert!(
            flatten.contains("#[sqlx(flatten)] reads the fields"),
            "{flatten}"
        );
    }

    /// Without sqlx attributes, aludel's own attributes decide alone (a derive does not
    /// see the derive list, so `FromRow` alone changes nothing).
    #[test]
    fn a_struct_without_sqlx_attributes_keeps_its_own_names() {
        let t = describe(
            r#"
            #[derive(Debug, sqlx::FromRow)]
            struct A { #[aludel(primary_key, column = "Id")] id: i64 }"#,
        )
        .unwrap();
        assert_eq!(t.columns[0].name, "Id");
    }
}
