//! Hostile names: every kind of name a database accepts (quotes of every kind,
//! semicolons, comment markers, backslashes, spaces, reserved words, Unicode) goes
//! through every operation kind on every backend. Each statement is one statement (no
//! name ends its token early), the live run creates exactly the named objects (the
//! database read back diffs to nothing), the revision file is valid Rust, and a sentinel
//! table outside the models keeps its rows.

use aludel_introspect::Database;
use aludel_runner::{NewRevision, execute_statements, render_revision};
use aludel_schema::lex::{self, Kind, Rules};
use aludel_schema::{
    Check, Column, ColumnType as T, Dialect, EnumType, ForeignKey, Index, NamingConvention,
    Operation, Schema, Table, Unique, quote_ident, quote_literal,
};
use aludel_tests::{TestDb, block_on};

/// The corpus. Every entry is a name some backend accepts; [`corpus`] keeps the ones
/// the dialect does.
const NAMES: &[&str] = &[
    "we\"ird",
    "back`tick",
    "it's",
    "semi;colon",
    "a\"ON victim(id);DROP TABLE victim;--",
    "a`ON victim(id);DROP TABLE victim;--",
    "a');DROP TABLE victim;--",
    "dash--dash",
    "slash/*star*/",
    "hash#tag",
    "back\\slash",
    "back\\'slash",
    "two  spaces",
    " lead",
    "trail ",
    "select",
    "order",
    "名前",
    "Ünïcödé",
    "emoji😀",
    "MixedCase",
    "[bracket]",
    "dollar$1",
    "percent%s",
    "question?",
    "colon:name",
    "dot.ted",
];

/// The names `d` accepts: MariaDB refuses identifiers that end with a space and
/// characters outside the Basic Multilingual Plane (it keeps identifiers in utf8mb3).
pub fn corpus(d: Dialect) -> Vec<&'static str> {
    NAMES
        .iter()
        .copied()
        .filter(|n| {
            d != Dialect::MySql || (!n.ends_with(' ') && n.chars().all(|c| (c as u32) < 0x10000))
        })
        .collect()
}

/// Schema A: for each name a table of that name, with a column, an index, a unique
/// constraint, a foreign key to the previous table, a check, comments, a default and an
/// enum that all carry the name.
fn schema_a(d: Dialect, names: &[&str]) -> Schema {
    let mut s = Schema::new();
    for (i, n) in names.iter().enumerate() {
        let enum_name = format!("e {n}");
        s.enums.push(EnumType {
            name: enum_name.clone(),
            schema: None,
            values: vec![n.to_string(), "plain".into()],
        });
        let mut t = Table::new(*n)
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(
                Column::new(*n, T::Varchar(60))
                    .default(quote_literal(d, n))
                    .comment(*n),
            )
            .column(Column::new("c2", T::Integer).nullable())
            .column(Column::new("c3", T::Integer).nullable())
            .column(Column::new("ref", T::BigInt).nullable())
            .column(Column::new(
                "e",
                T::Enum {
                    name: enum_name,
                    values: vec![n.to_string(), "plain".into()],
                },
            ))
            .primary_key(["id"])
            .index(Index::new([*n]).named(format!("ix {n}")))
            .index(Index::new(["c3"]))
            .unique(Unique::new(["c2"]).named(format!("uq {n}")))
            .check(
                Check::new(format!("{} <> {}", quote_ident(d, n), quote_literal(d, n)))
                    .named(format!("ck {n}")),
            )
            .comment(*n);
        if i > 0 {
            t = t.foreign_key(
                ForeignKey::new(["ref"], names[i - 1], ["id"]).named(format!("fk {n}")),
            );
        }
        s.tables.push(t);
    }
    finish(s, d)
}

/// Schema B: A with every kind of change applied to every table.
fn schema_b(d: Dialect, names: &[&str]) -> Schema {
    let mut s = schema_a(d, names);
    let last = s.tables.pop().expect("the corpus is not empty");
    for t in &mut s.tables {
        let n = t.name.clone();
        t.renamed_from = vec![n.clone()];
        t.name = format!("{n}_r");
        let col = t.get_column_mut(&n).expect("the named column");
        col.renamed_from = vec![n.clone()];
        col.name = format!("{n}_c");
        col.default = Some(quote_literal(d, &format!("{n}'2")));
        col.comment = Some(format!("{n} 2"));
        let c2 = t.get_column_mut("c2").expect("c2");
        c2.ty = T::BigInt;
        t.columns.retain(|c| c.name != "c3");
        t.columns
            .push(Column::new(format!("{n} new"), T::Text).nullable());
        t.indexes = vec![
            Index::new([format!("{n}_c")]),
            Index::new(["c2"]).unique().named(format!("uqi {n}")),
        ];
        t.uniques.clear();
        t.foreign_keys.clear();
        t.checks = vec![
            Check::new(format!("{} <> ''", quote_ident(d, &format!("{n}_c"))))
                .named(format!("ck2 {n}")),
        ];
        t.comment = Some(format!("{n} 2"));
    }
    for e in &mut s.enums {
        let extra = format!("{}+", e.values[0]);
        e.values.push(extra);
    }
    for t in &mut s.tables {
        for c in &mut t.columns {
            if let T::Enum { name, values } = &mut c.ty {
                let e = s.enums.iter().find(|e| &e.name == name).expect("enum");
                *values = e.values.clone();
            }
        }
    }
    s.tables.push(
        Table::new(format!("{} new", last.name))
            .column(Column::new("id", T::BigInt))
            .primary_key(["id"]),
    );
    finish(s, d)
}

fn finish(mut s: Schema, d: Dialect) -> Schema {
    let used: Vec<String> = s
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter_map(|c| match &c.ty {
            T::Enum { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    s.enums.retain(|e| used.contains(&e.name));
    NamingConvention::default().apply(&mut s, d);
    s
}

async fn live(c: &mut Database) -> Schema {
    let mut s = c.introspect(&Default::default()).await.unwrap();
    // The sentinel is outside the models, as `[tables] exclude` keeps it.
    s.tables
        .retain(|t| t.name != "victim" && t.name != "aludel_version");
    s
}

/// Every statement is exactly one statement: no name ends its token early, so no
/// top-level `;` and no comment appears outside quotes.
fn one_statement_each(d: Dialect, statements: &[String]) {
    for sql in statements {
        for t in lex::tokens_with(sql, Rules::of(d)) {
            assert!(
                !t.is_punct(";") && t.kind != Kind::Comment,
                "{d}: a name escaped its quotes in:\n{sql}"
            );
            assert!(t.closed(), "{d}: unterminated quote in:\n{sql}");
        }
    }
}

async fn apply(c: &mut Database, from: &Schema, ops: &[Operation], label: &str) -> Schema {
    let d = c.dialect();
    let (statements, state) =
        aludel_sql::render_all(ops, from, d).unwrap_or_else(|e| panic!("{d}: {label}: {e}"));
    one_statement_each(d, &statements);
    execute_statements(c, label, &statements)
        .await
        .unwrap_or_else(|e| panic!("{d}: {label}: {e}\n{statements:#?}"));
    state
}

async fn migrate(c: &mut Database, target: &Schema, label: &str) -> Vec<Operation> {
    let d = c.dialect();
    let current = live(c).await;
    let plan = aludel_diff::diff(&current, target, d).unwrap_or_else(|e| panic!("{d}: {e}"));
    let file = render_revision(&NewRevision {
        id: "0123456789ab".into(),
        revises: vec![],
        message: "hostile".into(),
        created: "now".into(),
        upgrade: plan.upgrade.clone(),
        downgrade: plan.downgrade.clone(),
        warnings: vec![],
    });
    syn::parse_file(&file).unwrap_or_else(|e| panic!("{d}: the revision is not Rust: {e}"));
    apply(c, &current, &plan.upgrade, label).await;
    let now = live(c).await;
    let left = aludel_diff::diff(&now, target, d).unwrap();
    assert!(
        left.is_empty(),
        "{d}: {label} left changes: {:#?}",
        left.upgrade
    );
    plan.downgrade
}

async fn sentinel_rows(c: &mut Database) -> Vec<Option<String>> {
    c.query_column("SELECT id FROM victim").await.unwrap()
}

#[test]
fn hostile_names_survive_every_operation_on_every_backend() {
    for db in TestDb::all() {
        block_on(async {
            let d = db.dialect;
            let names = corpus(d);
            let mut c = db.connect().await;
            c.execute("CREATE TABLE victim (id INT PRIMARY KEY)")
                .await
                .unwrap();
            c.execute("INSERT INTO victim (id) VALUES (7)")
                .await
                .unwrap();

            migrate(&mut c, &schema_a(d, &names), "create").await;
            let b = schema_b(d, &names);
            let down = migrate(&mut c, &b, "change").await;
            let state = live(&mut c).await;
            apply(&mut c, &state, &down, "downgrade").await;
            let back = live(&mut c).await;
            let left = aludel_diff::diff(&back, &schema_a(d, &names), d).unwrap();
            assert!(left.is_empty(), "{d}: downgrade left {:#?}", left.upgrade);
            migrate(&mut c, &Schema::new(), "drop all").await;

            assert_eq!(sentinel_rows(&mut c).await, [Some("7".to_string())], "{d}");
            eprintln!(
                "hostile names on {d}: {} names, every operation kind",
                names.len()
            );
            c.close().await;
        });
    }
}

/// A name of exactly `bytes` bytes that starts with `lead`, of `名` (three bytes each)
/// when `wide`, else of ASCII.
fn sized(lead: char, bytes: usize, wide: bool) -> String {
    let mut s = lead.to_string();
    while wide && s.len() + 3 <= bytes {
        s.push('名');
    }
    while s.len() < bytes {
        s.push('a');
    }
    s
}

fn allowed(d: Dialect, name: &str) -> bool {
    match d {
        Dialect::Postgres => name.len() <= 63,
        Dialect::MySql => name.chars().count() <= 64,
        Dialect::Sqlite => true,
    }
}

/// One table per kind of name, that name of `bytes` bytes.
fn limit_tables(bytes: usize, wide: bool) -> Vec<(String, Table, Option<EnumType>)> {
    let w = if wide { "w" } else { "a" };
    let host = |kind: &str| format!("lim_{kind}_{bytes}_{w}");
    let base = |kind: &str| {
        Table::new(host(kind))
            .column(Column::new("id", T::BigInt))
            .column(Column::new("v", T::Integer).nullable())
            .primary_key(["id"])
    };
    let n = |lead| sized(lead, bytes, wide);
    let e = n('e');
    vec![
        (
            n('t'),
            Table::new(n('t'))
                .column(Column::new("id", T::BigInt))
                .primary_key(["id"]),
            None,
        ),
        (
            n('c'),
            base("col").column(Column::new(n('c'), T::Integer).nullable()),
            None,
        ),
        (
            n('i'),
            base("ix").index(Index::new(["v"]).named(n('i'))),
            None,
        ),
        (
            n('q'),
            base("uq").unique(Unique::new(["v"]).named(n('q'))),
            None,
        ),
        (
            n('k'),
            base("ck").check(Check::new("v > 0").named(n('k'))),
            None,
        ),
        (
            n('f'),
            base("fk")
                .column(Column::new("r", T::BigInt).nullable())
                .foreign_key(ForeignKey::new(["r"], host("fk"), ["id"]).named(n('f'))),
            None,
        ),
        (
            e.clone(),
            base("en").column(Column::new(
                "s",
                T::Enum {
                    name: e.clone(),
                    values: vec!["x".into()],
                },
            )),
            Some(EnumType {
                name: e,
                schema: None,
                values: vec!["x".into()],
            }),
        ),
    ]
}

/// Names at and over each dialect's limit: up to the limit they round-trip (the
/// re-check is empty); over it the diff and the renderer refuse them, naming the limit
/// and the dialect, before any statement runs.
#[test]
fn names_at_and_over_the_identifier_limits() {
    for db in TestDb::all() {
        block_on(async {
            let d = db.dialect;
            let mut c = db.connect().await;
            let mut fits = Schema::new();
            let mut refused = 0;
            for bytes in [62, 63, 64, 100] {
                for wide in [false, true] {
                    for (name, table, en) in limit_tables(bytes, wide) {
                        let mut one = Schema::new();
                        one.tables.push(table.clone());
                        one.enums.extend(en.clone());
                        let one = finish(one, d);
                        // Only PostgreSQL makes enum types; elsewhere their names are not kept.
                        if allowed(d, &name) || (en.is_some() && d != Dialect::Postgres) {
                            fits.tables.push(table);
                            fits.enums.extend(en);
                            continue;
                        }
                        refused += 1;
                        let limit = if d == Dialect::Postgres {
                            "at most 63 bytes"
                        } else {
                            "at most 64"
                        };
                        let err = aludel_diff::diff(&Schema::new(), &one, d)
                            .expect_err(&format!("{d}: {name:?} ({} bytes) is refused", name.len()))
                            .to_string();
                        assert!(err.contains(limit) && err.contains(&name), "{d}: {err}");
                        let op = match one.enums.first() {
                            Some(ty) => Operation::CreateEnum { ty: ty.clone() },
                            None => Operation::CreateTable {
                                table: one.tables[0].clone(),
                            },
                        };
                        let err = aludel_sql::render_all(&[op], &Schema::new(), d)
                            .expect_err("the renderer refuses it too")
                            .to_string();
                        assert!(
                            err.contains(limit) && err.contains(&d.to_string()),
                            "{d}: {err}"
                        );
                    }
                }
            }
            let fits = finish(fits, d);
            migrate(&mut c, &fits, "names at the limit").await;
            migrate(&mut c, &Schema::new(), "drop").await;
            eprintln!(
                "identifier limits on {d}: {} names kept, {refused} refused",
                fits.tables.len()
            );
            c.close().await;
        });
    }
}
