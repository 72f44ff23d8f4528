//! Writes revision files: Rust source whose `upgrade` and `downgrade` are made of
//! operations, formatted like rustfmt formats them.

use aludel_schema::{
    AlterColumn, Check, Column, ColumnType, Concern, FkAction, ForeignKey, Index, Operation,
    PrimaryKey, Table, TableName, Unique,
};
use proc_macro2::TokenStream;
use quote::quote;

/// A revision about to be written.
#[derive(Clone, Debug)]
pub struct NewRevision {
    pub id: String,
    pub revises: Vec<String>,
    pub message: String,
    /// `2026-11-21 11:30:00 UTC`.
    pub created: String,
    pub upgrade: Vec<Operation>,
    pub downgrade: Vec<Operation>,
    /// Warnings to repeat in the file, above the upgrade.
    pub warnings: Vec<String>,
}

/// A new revision id: 12 hexadecimal characters.
pub fn new_revision_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

/// The file name for a revision from `template` (tokens `{rev}`, `{slug}`, `{year}`,
/// `{month}`, `{day}`, `{hour}`, `{minute}`, `{second}`), with `.rs` appended.
pub fn file_name(
    template: &str,
    id: &str,
    message: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    use chrono::{Datelike, Timelike};
    let name = template
        .replace("{rev}", id)
        .replace("{slug}", &slug(message))
        .replace("{year}", &format!("{:04}", now.year()))
        .replace("{month}", &format!("{:02}", now.month()))
        .replace("{day}", &format!("{:02}", now.day()))
        .replace("{hour}", &format!("{:02}", now.hour()))
        .replace("{minute}", &format!("{:02}", now.minute()))
        .replace("{second}", &format!("{:02}", now.second()));
    let name = name.trim_matches('_');
    format!("{name}.rs")
}

/// The tokens a file template may use.
pub const FILE_TEMPLATE_TOKENS: [&str; 8] = [
    "rev", "slug", "year", "month", "day", "hour", "minute", "second",
];

/// `"Add users and owner FK!"` -> `add_users_and_owner_fk`, at most 40 characters.
pub fn slug(message: &str) -> String {
    let mut out = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut s = out.trim_matches('_').to_string();
    if s.len() > 40 {
        s.truncate(40);
        if let Some(cut) = s.rfind('_').filter(|&c| c > 20) {
            s.truncate(cut);
        }
    }
    s.trim_matches('_').to_string()
}

/// The whole revision file.
pub fn render_revision(rev: &NewRevision) -> String {
    let mut out = String::new();
    let first_line = rev.message.lines().next().unwrap_or("");
    out.push_str(&format!("//! {first_line}\n//!\n"));
    out.push_str(&format!("//! Revision ID: {}\n", rev.id));
    let revises = if rev.revises.is_empty() {
        "<base>".to_string()
    } else {
        rev.revises.join(", ")
    };
    out.push_str(&format!("//! Revises: {revises}\n"));
    out.push_str(&format!("//! Create Date: {}\n", rev.created));
    out.push('\n');
    out.push_str("use aludel::migration::*;\n\n");

    let id = &rev.id;
    let revises = &rev.revises;
    let message = &rev.message;
    let header = quote! {
        pub const REVISION: Revision = Revision {
            id: #id,
            revises: &[#(#revises),*],
            message: #message,
        };
    };
    out.push_str(&format_items(header));
    out.push('\n');

    out.push_str(&function("upgrade", &rev.upgrade, &rev.warnings));
    out.push('\n');
    out.push_str(&function("downgrade", &rev.downgrade, &[]));
    out
}

/// Operations per generated function. A first revision of thousands of tables used to be
/// one function of thousands of builder calls: unoptimised, such a function keeps stack
/// slots for every call (the runner needed a huge stack), and rustc takes far longer on
/// one giant function than on many short ones. Longer bodies are cut into `<name>_1`,
/// `<name>_2`, ... that `<name>` calls in order.
const OPS_PER_FUNCTION: usize = 100;

fn function(name: &str, ops: &[Operation], warnings: &[String]) -> String {
    let mut body = String::new();
    for w in warnings {
        for (i, line) in wrap(w, 88).into_iter().enumerate() {
            let lead = if i == 0 { "WARNING: " } else { "         " };
            body.push_str(&format!("    // {lead}{line}\n"));
        }
    }
    if ops.is_empty() {
        body.push_str("    // Write the operations here, for example:\n");
        body.push_str("    // op.add_column(\"posts\", Column::new(\"body\", ColumnType::Text).nullable());\n");
    }
    // Formatting is most of the time a large revision takes (a first revision of
    // thousands of tables): the statements are formatted on every core.
    use rayon::prelude::*;
    let texts: Vec<String> = ops.par_iter().map(op_text).collect();
    if texts.len() <= OPS_PER_FUNCTION {
        body.extend(texts);
        return format!("pub fn {name}(op: &mut Ops) {{\n{body}}}\n");
    }
    let mut parts = String::new();
    for (k, chunk) in texts.chunks(OPS_PER_FUNCTION).enumerate() {
        let part = format!("{name}_{}", k + 1);
        body.push_str(&format!("    {part}(op);\n"));
        parts.push_str(&format!(
            "\nfn {part}(op: &mut Ops) {{\n{}}}\n",
            chunk.concat()
        ));
    }
    format!("pub fn {name}(op: &mut Ops) {{\n{body}}}\n{parts}")
}

/// One operation's statement, with its DATA LOSS line when it has one.
fn op_text(op: &Operation) -> String {
    let mut text = String::new();
    if op.is_destructive() {
        text.push_str(&format!(
            "    // DATA LOSS: {op}; its data is gone for good once this runs.\n"
        ));
    }
    text.push_str(&statement(op_tokens(op)));
    text
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Formats items with prettyplease.
pub(crate) fn format_items(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// One statement, indented for a function body.
fn statement(expr: TokenStream) -> String {
    let wrapped = quote!(fn f() { #expr; });
    let text = format_items(wrapped);
    let lines: Vec<&str> = text.lines().collect();
    // Drop `fn f() {` and `}`.
    let inner = &lines[1..lines.len().saturating_sub(1)];
    let mut s = String::new();
    for l in inner {
        s.push_str(l);
        s.push('\n');
    }
    s
}

fn table_name(t: &TableName) -> String {
    t.to_string()
}

fn strs(v: &[String]) -> TokenStream {
    quote!([#(#v),*])
}

fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

pub(crate) fn type_tokens(t: &ColumnType) -> TokenStream {
    use ColumnType as T;
    match t {
        T::Boolean => quote!(ColumnType::Boolean),
        T::SmallInt => quote!(ColumnType::SmallInt),
        T::Integer => quote!(ColumnType::Integer),
        T::BigInt => quote!(ColumnType::BigInt),
        T::Real => quote!(ColumnType::Real),
        T::Double => quote!(ColumnType::Double),
        T::Decimal { precision, scale } => {
            let p = opt_u32(precision);
            let s = opt_u32(scale);
            quote!(ColumnType::Decimal { precision: #p, scale: #s })
        }
        T::Text => quote!(ColumnType::Text),
        T::Varchar(n) => {
            let n = proc_macro2::Literal::u32_unsuffixed(*n);
            quote!(ColumnType::Varchar(#n))
        }
        T::Char(n) => {
            let n = proc_macro2::Literal::u32_unsuffixed(*n);
            quote!(ColumnType::Char(#n))
        }
        T::Bytes => quote!(ColumnType::Bytes),
        T::Date => quote!(ColumnType::Date),
        T::Time => quote!(ColumnType::Time),
        T::Timestamp => quote!(ColumnType::Timestamp),
        T::TimestampTz => quote!(ColumnType::TimestampTz),
        T::Uuid => quote!(ColumnType::Uuid),
        T::Json => quote!(ColumnType::Json),
        T::Jsonb => quote!(ColumnType::Jsonb),
        T::Enum { name, values } => {
            quote!(ColumnType::Enum { name: #name.into(), values: vec![#(#values.into()),*] })
        }
        T::Custom(raw) => quote!(ColumnType::Custom(#raw.into())),
    }
}

fn opt_u32(v: &Option<u32>) -> TokenStream {
    match v {
        Some(n) => {
            let n = proc_macro2::Literal::u32_unsuffixed(*n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn column_tokens(c: &Column) -> TokenStream {
    let name = &c.name;
    let ty = type_tokens(&c.ty);
    let mut t = quote!(Column::new(#name, #ty));
    if c.nullable {
        t = quote!(#t.nullable());
    }
    if c.auto_increment {
        t = quote!(#t.auto_increment());
    }
    if let Some(d) = &c.default {
        t = quote!(#t.default(#d));
    }
    if let Some(cm) = &c.comment {
        t = quote!(#t.comment(#cm));
    }
    t
}

fn named(name: &Option<String>) -> TokenStream {
    match name {
        Some(n) => quote!(.named(#n)),
        None => quote!(),
    }
}

fn action(a: FkAction) -> TokenStream {
    match a {
        FkAction::NoAction => quote!(FkAction::NoAction),
        FkAction::Restrict => quote!(FkAction::Restrict),
        FkAction::Cascade => quote!(FkAction::Cascade),
        FkAction::SetNull => quote!(FkAction::SetNull),
        FkAction::SetDefault => quote!(FkAction::SetDefault),
    }
}

fn fk_tokens(f: &ForeignKey) -> TokenStream {
    let cols = strs(&f.columns);
    let rt = table_name(&f.ref_table);
    let rcols = strs(&f.ref_columns);
    let n = named(&f.name);
    let mut t = quote!(ForeignKey::new(#cols, #rt, #rcols) #n);
    if f.on_delete != FkAction::NoAction {
        let a = action(f.on_delete);
        t = quote!(#t.on_delete(#a));
    }
    if f.on_update != FkAction::NoAction {
        let a = action(f.on_update);
        t = quote!(#t.on_update(#a));
    }
    t
}

fn index_tokens(i: &Index) -> TokenStream {
    let cols = strs(&i.columns);
    let n = named(&i.name);
    let mut t = quote!(Index::new(#cols) #n);
    if i.unique {
        t = quote!(#t.unique());
    }
    if let Some(p) = &i.predicate {
        t = quote!(#t.where_(#p));
    }
    if let Some(m) = &i.method {
        t = quote!(#t.using(#m));
    }
    t
}

fn unique_tokens(u: &Unique) -> TokenStream {
    let cols = strs(&u.columns);
    let n = named(&u.name);
    quote!(Unique::new(#cols) #n)
}

fn check_tokens(c: &Check) -> TokenStream {
    let e = &c.expr;
    let n = named(&c.name);
    quote!(Check::new(#e) #n)
}

fn pk_tokens(p: &PrimaryKey) -> TokenStream {
    let cols = strs(&p.columns);
    let n = named(&p.name);
    quote!(PrimaryKey::new(#cols) #n)
}

fn table_tokens(t: &Table) -> TokenStream {
    let name = &t.name;
    let mut s = quote!(Table::new(#name));
    if let Some(schema) = &t.schema {
        s = quote!(#s.in_schema(#schema));
    }
    for c in &t.columns {
        let c = column_tokens(c);
        s = quote!(#s.column(#c));
    }
    if let Some(pk) = &t.primary_key {
        let cols = strs(&pk.columns);
        s = match &pk.name {
            Some(n) => quote!(#s.primary_key_named(#n, #cols)),
            None => quote!(#s.primary_key(#cols)),
        };
    }
    for u in &t.uniques {
        let u = unique_tokens(u);
        s = quote!(#s.unique(#u));
    }
    for f in &t.foreign_keys {
        let f = fk_tokens(f);
        s = quote!(#s.foreign_key(#f));
    }
    for c in &t.checks {
        let c = check_tokens(c);
        s = quote!(#s.check(#c));
    }
    for i in &t.indexes {
        let i = index_tokens(i);
        s = quote!(#s.index(#i));
    }
    if let Some(c) = &t.comment {
        s = quote!(#s.comment(#c));
    }
    s
}

fn alter_tokens(a: &AlterColumn) -> TokenStream {
    let table = table_name(&a.table);
    let col = &a.column;
    let mut t = quote!(AlterColumn::new(#table, #col));
    if let Some(c) = &a.ty {
        let (f, to) = (type_tokens(&c.from), type_tokens(&c.to));
        t = quote!(#t.ty(#f, #to));
    }
    if let Some(c) = &a.nullable {
        let (f, to) = (c.from, c.to);
        t = quote!(#t.nullable(#f, #to));
    }
    if let Some(c) = &a.default {
        let (f, to) = (opt_str(&c.from), opt_str(&c.to));
        t = quote!(#t.default(#f, #to));
    }
    if let Some(c) = &a.auto_increment {
        let (f, to) = (c.from, c.to);
        t = quote!(#t.auto_increment(#f, #to));
    }
    if let Some(c) = &a.comment {
        let (f, to) = (opt_str(&c.from), opt_str(&c.to));
        t = quote!(#t.comment(#f, #to));
    }
    t
}

pub(crate) fn op_tokens(op: &Operation) -> TokenStream {
    match op.concern() {
        Concern::Tables => table_op_tokens(op),
        Concern::Columns => column_op_tokens(op),
        Concern::Indexes => index_op_tokens(op),
        Concern::Keys => key_op_tokens(op),
        Concern::Enums => enum_op_tokens(op),
        Concern::Raw => raw_op_tokens(op),
    }
}

/// The builder call of an operation on tables.
fn table_op_tokens(op: &Operation) -> TokenStream {
    use Operation as O;
    match op {
        O::CreateTable { table } => {
            let t = table_tokens(table);
            quote!(op.create_table(#t))
        }
        O::DropTable { table } => {
            let t = table_name(table);
            quote!(op.drop_table(#t))
        }
        O::RenameTable { table, to } => {
            let t = table_name(table);
            quote!(op.rename_table(#t, #to))
        }
        O::SetTableComment { table, from, to } => {
            let t = table_name(table);
            let (f, to) = (opt_str(from), opt_str(to));
            quote!(op.set_table_comment(#t, #f, #to))
        }
        _ => quote!(compile_error!(
            "aludel: an operation reached the wrong writer"
        )),
    }
}

/// The builder call of an operation on columns.
fn column_op_tokens(op: &Operation) -> TokenStream {
    use Operation as O;
    match op {
        O::AddColumn { table, column } => {
            let t = table_name(table);
            let c = column_tokens(column);
            quote!(op.add_column(#t, #c))
        }
        O::DropColumn { table, column } => {
            let t = table_name(table);
            quote!(op.drop_column(#t, #column))
        }
        O::RenameColumn { table, from, to } => {
            let t = table_name(table);
            quote!(op.rename_column(#t, #from, #to))
        }
        O::AlterColumn(a) => {
            let a = alter_tokens(a);
            quote!(op.alter_column(#a))
        }
        _ => quote!(compile_error!(
            "aludel: an operation reached the wrong writer"
        )),
    }
}

/// The builder call of an operation on indexes and unique constraints.
fn index_op_tokens(op: &Operation) -> TokenStream {
    use Operation as O;
    match op {
        O::CreateIndex {
            table,
            index,
            concurrently,
        } => {
            let t = table_name(table);
            let i = index_tokens(index);
            if *concurrently {
                quote!(op.create_index_concurrently(#t, #i))
            } else {
                quote!(op.create_index(#t, #i))
            }
        }
        O::DropIndex {
            table,
            name,
            concurrently,
        } => {
            let t = table_name(table);
            if *concurrently {
                quote!(op.drop_index_concurrently(#t, #name))
            } else {
                quote!(op.drop_index(#t, #name))
            }
        }
        O::AddUnique { table, unique } => {
            let t = table_name(table);
            let u = unique_tokens(unique);
            quote!(op.create_unique(#t, #u))
        }
        O::DropUnique { table, name } => {
            let t = table_name(table);
            quote!(op.drop_unique(#t, #name))
        }
        _ => quote!(compile_error!(
            "aludel: an operation reached the wrong writer"
        )),
    }
}

/// The builder call of an operation on primary keys, foreign keys and checks.
fn key_op_tokens(op: &Operation) -> TokenStream {
    use Operation as O;
    match op {
        O::AddPrimaryKey { table, primary_key } => {
            let t = table_name(table);
            let p = pk_tokens(primary_key);
            quote!(op.create_primary_key(#t, #p))
        }
        O::DropPrimaryKey { table } => {
            let t = table_name(table);
            quote!(op.drop_primary_key(#t))
        }
        O::AddForeignKey {
            table,
            foreign_key,
            not_valid,
        } => {
            let t = table_name(table);
            let f = fk_tokens(foreign_key);
            if *not_valid {
                quote!(op.create_foreign_key_not_valid(#t, #f))
            } else {
                quote!(op.create_foreign_key(#t, #f))
            }
        }
        O::ValidateForeignKey { table, name } => {
            let t = table_name(table);
            quote!(op.validate_foreign_key(#t, #name))
        }
        O::DropForeignKey { table, name } => {
            let t = table_name(table);
            quote!(op.drop_foreign_key(#t, #name))
        }
        O::AddCheck { table, check } => {
            let t = table_name(table);
            let c = check_tokens(check);
            quote!(op.create_check(#t, #c))
        }
        O::DropCheck { table, name } => {
            let t = table_name(table);
            quote!(op.drop_check(#t, #name))
        }
        _ => quote!(compile_error!(
            "aludel: an operation reached the wrong writer"
        )),
    }
}

/// The builder call of an operation on enum types.
fn enum_op_tokens(op: &Operation) -> TokenStream {
    use Operation as O;
    match op {
        O::CreateEnum { ty } => {
            let n = table_name(&TableName::qualified(ty.schema.clone(), ty.name.clone()));
            let v = strs(&ty.values);
            quote!(op.create_enum(#n, #v))
        }
        O::DropEnum { name } => {
            let n = table_name(name);
            quote!(op.drop_enum(#n))
        }
        O::AlterEnum { name, from, to } => {
            let n = table_name(name);
            let (f, t) = (strs(from), strs(to));
            quote!(op.alter_enum(#n, #f, #t))
        }
        _ => quote!(compile_error!(
            "aludel: an operation reached the wrong writer"
        )),
    }
}

/// The builder call of an operation on raw SQL and Rust code.
fn raw_op_tokens(op: &Operation) -> TokenStream {
    use Operation as O;
    match op {
        O::Code { name } => {
            // Never written by autogenerate: its body is the author's.
            quote!(op.run(#name, |db| Box::pin(async move {
                let _ = db;
                Ok(())
            })))
        }
        O::Execute(e) => {
            let sql = &e.sql;
            match e.dialect {
                None => quote!(op.execute(#sql)),
                Some(d) => {
                    let d = match d {
                        aludel_schema::Dialect::Postgres => quote!(Dialect::Postgres),
                        aludel_schema::Dialect::MySql => quote!(Dialect::MySql),
                        aludel_schema::Dialect::Sqlite => quote!(Dialect::Sqlite),
                    };
                    quote!(op.execute_on(#d, #sql))
                }
            }
        }
        _ => quote!(compile_error!(
            "aludel: an operation reached the wrong writer"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_index_operations_keep_their_method() {
        let create = Operation::CreateIndex {
            table: "posts".into(),
            index: Index::new(["title"]).named("ix_posts_title"),
            concurrently: true,
        };
        let drop = create
            .reverse(&aludel_schema::Schema::new())
            .unwrap()
            .unwrap()
            .remove(0);
        assert_eq!(
            op_tokens(&create).to_string().replace(' ', ""),
            r#"op.create_index_concurrently("posts",Index::new(["title"]).named("ix_posts_title"))"#
        );
        assert_eq!(
            op_tokens(&drop).to_string().replace(' ', ""),
            r#"op.drop_index_concurrently("posts","ix_posts_title")"#
        );
    }

    #[test]
    fn large_revisions_format_as_small_ones() {
        // Formatted in parallel, written in order.
        let ops: Vec<Operation> = (0..150)
            .map(|i| Operation::CreateTable {
                table: aludel_schema::Table::new(format!("t{i}"))
                    .column(aludel_schema::Column::new(
                        "id",
                        aludel_schema::ColumnType::Integer,
                    ))
                    .primary_key(["id"]),
            })
            .collect();
        let text = function("upgrade", &ops, &[]);
        let statements: Vec<String> = ops.iter().map(|op| statement(op_tokens(op))).collect();
        // Past OPS_PER_FUNCTION, the body is cut into parts called in order.
        assert_eq!(
            text,
            format!(
                "pub fn upgrade(op: &mut Ops) {{\n    upgrade_1(op);\n    upgrade_2(op);\n}}\n\
                 \nfn upgrade_1(op: &mut Ops) {{\n{}}}\n\nfn upgrade_2(op: &mut Ops) {{\n{}}}\n",
                statements[..100].concat(),
                statements[100..].concat()
            )
        );
        assert!(text.find("\"t9\"").unwrap() < text.find("\"t10\"").unwrap());
        syn::parse_file(&format!("use aludel::migration::*;\n{text}")).expect("valid Rust");
        // At the limit exactly, one function; one more, two.
        assert!(!function("upgrade", &ops[..100], &[]).contains("upgrade_1"));
        let over = function("upgrade", &ops[..101], &["careful".into()]);
        assert!(
            over.starts_with("pub fn upgrade(op: &mut Ops) {\n    // WARNING: careful\n    upgrade_1(op);\n    upgrade_2(op);\n}\n"),
            "{over}"
        );
        let small = function("downgrade", &ops[..3], &[]);
        assert_eq!(
            small,
            format!(
                "pub fn downgrade(op: &mut Ops) {{\n{}}}\n",
                statements[..3].concat()
            )
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Add users and owner FK!"), "add_users_and_owner_fk");
        assert_eq!(slug("  create   posts  "), "create_posts");
        assert!(slug(&"word ".repeat(30)).len() <= 40);
    }

    #[test]
    fn file_names() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-21T09:05:03Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            file_name("{rev}_{slug}", "1975ea83b712", "create posts", now),
            "1975ea83b712_create_posts.rs"
        );
        assert_eq!(
            file_name(
                "{year}_{month}_{day}_{hour}{minute}{second}_{rev}",
                "ab",
                "m",
                now
            ),
            "2026_11_21_090503_ab.rs"
        );
    }

    #[test]
    fn ids_are_twelve_hex_characters() {
        let a = new_revision_id();
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, new_revision_id());
    }
}
