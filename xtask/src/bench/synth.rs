//! The synthetic schema of the benchmark, written out for both tools.
//!
//! The shape follows the Alembic baseline's generator (../shared/bench/alembic-baseline):
//! per table an integer identity primary key; eight data columns, one each of varchar(n),
//! text, integer, bigint, boolean, timestamp (NOT NULL, default now), numeric(10, 2) and
//! one extra of a random kind, about 40 % nullable; for every table but the first a
//! nullable integer foreign key to an earlier table (ON DELETE CASCADE or SET NULL); one
//! unique constraint (a varchar, sometimes with an integer); one secondary index (one or
//! two columns). The same `Spec` becomes aludel models (Rust) and SQLAlchemy models
//! (Python), so both tools see the same schema.

use std::fmt::Write;

const NOUNS: &[&str] = &[
    "account",
    "address",
    "invoice",
    "order",
    "product",
    "customer",
    "shipment",
    "payment",
    "ticket",
    "project",
    "task",
    "comment",
    "review",
    "category",
    "supplier",
    "warehouse",
    "employee",
    "department",
    "contract",
    "asset",
    "session",
    "device",
    "event",
    "report",
    "campaign",
    "coupon",
    "cart",
    "subscription",
    "plan",
    "refund",
    "vendor",
    "region",
    "store",
    "ledger",
    "budget",
    "audit",
    "message",
    "thread",
    "attachment",
    "profile",
];

const ATTRS: &[&str] = &[
    "name", "title", "label", "code", "status", "kind", "notes", "summary", "body", "count",
    "total", "score", "rank", "level", "weight", "price", "balance", "amount", "flag", "enabled",
    "visible", "archived", "ref", "external", "seq", "version", "priority", "quota", "created",
    "updated", "opened", "closed", "due", "synced", "hash", "slug", "locale", "color",
];

const VARCHAR_LENGTHS: &[u32] = &[16, 32, 50, 64, 100, 120, 200, 255];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Varchar(u32),
    Text,
    Integer,
    BigInt,
    Boolean,
    Timestamp,
    Numeric,
}

#[derive(Clone, Debug)]
pub struct ColumnSpec {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
}

#[derive(Clone, Debug)]
pub struct TableSpec {
    pub name: String,
    pub columns: Vec<ColumnSpec>,
    /// (column, parent table, on delete)
    pub foreign_key: Option<(String, String, &'static str)>,
    pub unique: Vec<String>,
    pub index: Vec<String>,
}

/// splitmix64: a fixed sequence for a seed, on every platform and every version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `n` tables from `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<TableSpec> {
    let mut rng = Rng(seed);
    let mut tables: Vec<TableSpec> = Vec::with_capacity(n);
    let base = [
        Kind::Varchar(0),
        Kind::Text,
        Kind::Integer,
        Kind::BigInt,
        Kind::Boolean,
        Kind::Timestamp,
        Kind::Numeric,
    ];
    for i in 0..n {
        let name = format!("{}_{i:04}", rng.pick(NOUNS));
        let mut kinds = base.to_vec();
        kinds.push(*rng.pick(&base));
        for k in (1..kinds.len()).rev() {
            kinds.swap(k, rng.below(k + 1));
        }
        let mut columns: Vec<ColumnSpec> = Vec::new();
        for kind in kinds {
            let kind = match kind {
                Kind::Varchar(_) => Kind::Varchar(*rng.pick(VARCHAR_LENGTHS)),
                k => k,
            };
            let suffix = match kind {
                Kind::Varchar(_) => "str",
                Kind::Text => "text",
                Kind::Integer => "num",
                Kind::BigInt => "big",
                Kind::Boolean => "is",
                Kind::Timestamp => "at",
                Kind::Numeric => "amt",
            };
            let col = loop {
                let attr = rng.pick(ATTRS);
                let c = if kind == Kind::Boolean {
                    format!("is_{attr}")
                } else {
                    format!("{attr}_{suffix}")
                };
                if !columns.iter().any(|x| x.name == c) {
                    break c;
                }
            };
            let nullable = kind != Kind::Timestamp && rng.chance(0.4);
            columns.push(ColumnSpec {
                name: col,
                kind,
                nullable,
            });
        }
        let uq = columns
            .iter()
            .position(|c| matches!(c.kind, Kind::Varchar(_)))
            .expect("a varchar column");
        columns[uq].nullable = false;
        let mut unique = vec![columns[uq].name.clone()];
        if rng.chance(0.3) {
            let int = columns
                .iter()
                .position(|c| c.kind == Kind::Integer)
                .expect("an integer column");
            columns[int].nullable = false;
            unique.push(columns[int].name.clone());
        }
        let candidates: Vec<String> = columns
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    Kind::Integer | Kind::BigInt | Kind::Timestamp | Kind::Boolean | Kind::Numeric
                ) && !unique.contains(&c.name)
            })
            .map(|c| c.name.clone())
            .collect();
        let mut index = vec![rng.pick(&candidates).clone()];
        if rng.chance(0.25) {
            let rest: Vec<&String> = candidates.iter().filter(|c| !index.contains(c)).collect();
            if !rest.is_empty() {
                index.push((*rng.pick(&rest)).clone());
            }
        }
        let foreign_key = (i > 0).then(|| {
            let parent = tables[rng.below(i)].name.clone();
            let noun = parent.rsplit_once('_').map(|(a, _)| a).unwrap_or(&parent);
            let on_delete = if rng.chance(0.5) {
                "cascade"
            } else {
                "set null"
            };
            (format!("{noun}_ref_id"), parent, on_delete)
        });
        tables.push(TableSpec {
            name,
            columns,
            foreign_key,
            unique,
            index,
        });
    }
    tables
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The models for aludel: a library crate's `src/lib.rs`.
pub fn rust_models(tables: &[TableSpec]) -> String {
    let mut out = String::from(
        "//! Generated by `cargo xtask bench`. Do not edit.\n#![allow(dead_code)]\n\nuse chrono::NaiveDateTime;\n",
    );
    for t in tables {
        let mut attrs = format!("table = \"{}\"", t.name);
        let _ = write!(attrs, ", unique(columns({}))", t.unique.join(", "));
        let _ = write!(
            attrs,
            ", index(name = \"ix_{}_{}\", columns({}))",
            t.name,
            t.index[0],
            t.index.join(", ")
        );
        let _ = write!(
            out,
            "\n#[derive(aludel::Model)]\n#[aludel({attrs})]\npub struct {} {{\n    #[aludel(primary_key)]\n    pub id: i32,\n",
            camel(&t.name)
        );
        for c in &t.columns {
            let (ty, attr) = match c.kind {
                Kind::Varchar(n) => ("String", format!("max_length = {n}")),
                Kind::Text => ("String", String::new()),
                Kind::Integer => ("i32", String::new()),
                Kind::BigInt => ("i64", String::new()),
                Kind::Boolean => ("bool", String::new()),
                Kind::Timestamp => ("NaiveDateTime", "default = \"CURRENT_TIMESTAMP\"".into()),
                Kind::Numeric => ("f64", "precision = 10, scale = 2".into()),
            };
            if !attr.is_empty() {
                let _ = writeln!(out, "    #[aludel({attr})]");
            }
            let ty = if c.nullable {
                format!("Option<{ty}>")
            } else {
                ty.to_string()
            };
            let _ = writeln!(out, "    pub {}: {ty},", c.name);
        }
        if let Some((col, parent, on_delete)) = &t.foreign_key {
            let _ = writeln!(
                out,
                "    #[aludel(references = \"{parent}.id\", on_delete = \"{on_delete}\")]\n    pub {col}: Option<i32>,"
            );
        }
        out.push_str("}\n");
    }
    out
}

/// `edit_rust_model(column)`: the Rust models with a nullable integer `column` added to
/// the first model, after its key (the bench's edit loop).
pub fn edit_rust_model(column: &str) -> impl Fn(&str) -> anyhow::Result<String> + '_ {
    move |models: &str| {
        insert_after_first(
            models,
            "    pub id: i32,\n",
            &format!("    pub {column}: Option<i32>,\n"),
        )
    }
}

/// The same change to the SQLAlchemy models.
pub fn edit_python_model(column: &str) -> impl Fn(&str) -> anyhow::Result<String> + '_ {
    move |models: &str| {
        insert_after_first(
            models,
            "primary_key=True)\n",
            &format!(
                "    {column}: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)\n"
            ),
        )
    }
}

fn insert_after_first(text: &str, anchor: &str, line: &str) -> anyhow::Result<String> {
    let at = text
        .find(anchor)
        .map(|i| i + anchor.len())
        .ok_or_else(|| anyhow::anyhow!("the generated models have no {anchor:?} to edit after"))?;
    Ok(format!("{}{line}{}", &text[..at], &text[at..]))
}

/// The models for Alembic: a SQLAlchemy 2 declarative module with the same naming
/// convention as aludel's default.
pub fn python_models(tables: &[TableSpec]) -> String {
    let mut out = String::from(
        r#""""Generated by `cargo xtask bench`. Do not edit."""
from __future__ import annotations

import datetime
import decimal
from typing import Optional

from sqlalchemy import (BigInteger, Boolean, DateTime, ForeignKey, Identity, Index, Integer,
                        MetaData, Numeric, String, Text, UniqueConstraint, func)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
"#,
    );
    for t in tables {
        let _ = write!(
            out,
            "\n\nclass {}(Base):\n    __tablename__ = \"{}\"\n\n    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)\n",
            camel(&t.name),
            t.name
        );
        for c in &t.columns {
            let (ann, ty, extra) = match c.kind {
                Kind::Varchar(n) => ("str", format!("String({n})"), ""),
                Kind::Text => ("str", "Text()".into(), ""),
                Kind::Integer => ("int", "Integer()".into(), ""),
                Kind::BigInt => ("int", "BigInteger()".into(), ""),
                Kind::Boolean => ("bool", "Boolean()".into(), ""),
                Kind::Timestamp => (
                    "datetime.datetime",
                    "DateTime()".into(),
                    ", server_default=func.now()",
                ),
                Kind::Numeric => ("decimal.Decimal", "Numeric(10, 2)".into(), ""),
            };
            let ann = if c.nullable {
                format!("Optional[{ann}]")
            } else {
                ann.to_string()
            };
            let _ = writeln!(
                out,
                "    {}: Mapped[{ann}] = mapped_column({ty}, nullable={}{extra})",
                c.name,
                if c.nullable { "True" } else { "False" }
            );
        }
        if let Some((col, parent, on_delete)) = &t.foreign_key {
            let _ = writeln!(
                out,
                "    {col}: Mapped[Optional[int]] = mapped_column(ForeignKey(\"{parent}.id\", ondelete=\"{}\"), nullable=True)",
                on_delete.to_uppercase()
            );
        }
        let _ = writeln!(
            out,
            "\n    __table_args__ = (\n        UniqueConstraint({}),\n        Index(\"ix_{}_{}\", {}),\n    )",
            t.unique
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            t.name,
            t.index[0],
            t.index
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// The schema as aludel's models produce it (named by the default conventions), for the
/// measurements made in this process.
pub fn schema(tables: &[TableSpec]) -> aludel_schema::Schema {
    use aludel_schema::{Column, ColumnType as T, FkAction, ForeignKey, Index, Table, Unique};
    let mut s = aludel_schema::Schema::new();
    for t in tables {
        let mut table = Table::new(&t.name)
            .column(Column::new("id", T::Integer).auto_increment())
            .primary_key_named(format!("pk_{}", t.name), ["id"]);
        for c in &t.columns {
            let ty = match c.kind {
                Kind::Varchar(n) => T::Varchar(n),
                Kind::Text => T::Text,
                Kind::Integer => T::Integer,
                Kind::BigInt => T::BigInt,
                Kind::Boolean => T::Boolean,
                Kind::Timestamp => T::Timestamp,
                Kind::Numeric => T::Decimal {
                    precision: Some(10),
                    scale: Some(2),
                },
            };
            let mut col = Column::new(&c.name, ty).set_nullable(c.nullable);
            if c.kind == Kind::Timestamp {
                col = col.default("CURRENT_TIMESTAMP");
            }
            table = table.column(col);
        }
        if let Some((col, parent, on_delete)) = &t.foreign_key {
            table = table
                .column(Column::new(col, T::Integer).nullable())
                .foreign_key(
                    ForeignKey::new([col.as_str()], parent.as_str(), ["id"])
                        .named(format!("fk_{}_{col}_{parent}", t.name))
                        .on_delete(if *on_delete == "cascade" {
                            FkAction::Cascade
                        } else {
                            FkAction::SetNull
                        }),
                );
        }
        table = table
            .unique(Unique::new(t.unique.clone()).named(format!(
                "uq_{}_{}",
                t.name,
                t.unique.join("_")
            )))
            .index(Index::new(t.index.clone()).named(format!("ix_{}_{}", t.name, t.index[0])));
        s.tables.push(table);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_schema() {
        let a = rust_models(&generate(50, 7));
        assert_eq!(a, rust_models(&generate(50, 7)));
        assert_ne!(a, rust_models(&generate(50, 8)));
        let tables = generate(200, 20240601);
        for t in &tables {
            assert_eq!(t.columns.len(), 8, "{}", t.name);
            assert!(!t.unique.is_empty() && !t.index.is_empty());
        }
        assert!(tables[0].foreign_key.is_none());
        assert!(tables[1..].iter().all(|t| t.foreign_key.is_some()));
    }

    #[test]
    fn the_edit_loop_adds_one_column_to_the_first_model() {
        let tables = generate(3, 7);
        let rust = edit_rust_model("probe")(&rust_models(&tables)).unwrap();
        assert_eq!(rust.matches("pub probe: Option<i32>,").count(), 1);
        let first = rust.find("pub probe").unwrap();
        assert!(rust[..first].matches("pub struct").count() == 1, "{rust}");
        let py = edit_python_model("probe")(&python_models(&tables)).unwrap();
        assert_eq!(py.matches("probe: Mapped[Optional[int]]").count(), 1);
        assert!(edit_rust_model("probe")("no models").is_err());
    }
}
