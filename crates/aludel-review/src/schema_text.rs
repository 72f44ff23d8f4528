//! A schema as text, one line per column and constraint, for a line diff a reviewer reads,
//! and the Mermaid ER diagram of the tables a change touches.

use std::collections::BTreeSet;
use std::fmt::Write;

use aludel_schema::{ColumnType, Dialect, FkAction, Schema, Table, TableName};

/// The schema as text: enums, then tables by name; each table's columns in their order,
/// then its keys, constraints and indexes by name.
pub fn schema_text(schema: &Schema, dialect: Dialect) -> String {
    let mut s = schema.clone();
    s.sort();
    let mut out = String::new();
    for e in &s.enums {
        let name = match &e.schema {
            Some(sc) => format!("{sc}.{}", e.name),
            None => e.name.clone(),
        };
        let _ = writeln!(out, "enum {name} ({})", e.values.join(", "));
        out.push('\n');
    }
    for t in &s.tables {
        table_text(&mut out, t, dialect);
        out.push('\n');
    }
    out
}

fn table_text(out: &mut String, t: &Table, d: Dialect) {
    let _ = writeln!(out, "table {}", t.table_name());
    if let Some(c) = &t.comment {
        let _ = writeln!(out, "  comment {c:?}");
    }
    for c in &t.columns {
        let mut line = format!("  {} {}", c.name, type_text(&c.ty, d));
        if !c.nullable {
            line.push_str(" NOT NULL");
        }
        if let Some(def) = &c.default {
            let _ = write!(line, " DEFAULT {def}");
        }
        if c.auto_increment {
            line.push_str(" AUTO_INCREMENT");
        }
        if let Some(cm) = &c.comment {
            let _ = write!(line, " -- {cm}");
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(pk) = &t.primary_key {
        let _ = writeln!(
            out,
            "  PRIMARY KEY{} ({})",
            named(&pk.name),
            pk.columns.join(", ")
        );
    }
    for u in &t.uniques {
        let _ = writeln!(out, "  UNIQUE{} ({})", named(&u.name), u.columns.join(", "));
    }
    for f in &t.foreign_keys {
        let mut line = format!(
            "  FOREIGN KEY{} ({}) REFERENCES {} ({})",
            named(&f.name),
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", ")
        );
        if f.on_delete != FkAction::NoAction {
            let _ = write!(line, " ON DELETE {}", f.on_delete.as_sql());
        }
        if f.on_update != FkAction::NoAction {
            let _ = write!(line, " ON UPDATE {}", f.on_update.as_sql());
        }
        let _ = writeln!(out, "{line}");
    }
    for c in &t.checks {
        let _ = writeln!(out, "  CHECK{} ({})", named(&c.name), c.expr);
    }
    for i in &t.indexes {
        let _ = writeln!(
            out,
            "  {}INDEX{}{} ({}){}",
            if i.unique { "UNIQUE " } else { "" },
            named(&i.name),
            i.method
                .as_deref()
                .map(|m| format!(" USING {m}"))
                .unwrap_or_default(),
            i.columns.join(", "),
            i.predicate
                .as_deref()
                .map(|p| format!(" WHERE {p}"))
                .unwrap_or_default()
        );
    }
}

fn named(name: &Option<String>) -> String {
    name.as_deref().map(|n| format!(" {n}")).unwrap_or_default()
}

fn type_text(ty: &ColumnType, d: Dialect) -> String {
    match ty {
        // The values matter to a reviewer, whatever the dialect spells.
        ColumnType::Enum { name, values } => format!("enum {name} ({})", values.join(", ")),
        other => other.sql(d),
    }
}

/// A unified diff of the schema before and after, empty when they are the same.
pub fn schema_diff(before: &Schema, after: &Schema, dialect: Dialect) -> String {
    let (a, b) = (schema_text(before, dialect), schema_text(after, dialect));
    if a == b {
        return String::new();
    }
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(3)
        .header("schema before", "schema after")
        .to_string()
}

/// A Mermaid `erDiagram` of `touched` as `schema` has them, with the tables their foreign
/// keys refer to (drawn without their columns); `None` when no touched table remains.
pub fn er_diagram(
    schema: &Schema,
    touched: &BTreeSet<TableName>,
    dialect: Dialect,
) -> Option<String> {
    let tables: Vec<&Table> = schema
        .tables
        .iter()
        .filter(|t| touched.contains(&t.table_name()))
        .collect();
    if tables.is_empty() {
        return None;
    }
    let mut out = String::from("erDiagram\n");
    for t in &tables {
        let _ = writeln!(out, "    {} {{", entity(&t.table_name()));
        for c in &t.columns {
            let mut keys = Vec::new();
            if t.primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(&c.name))
            {
                keys.push("PK");
            }
            if t.foreign_keys.iter().any(|f| f.columns.contains(&c.name)) {
                keys.push("FK");
            }
            if t.uniques.iter().any(|u| u.columns == [c.name.clone()])
                || t.indexes
                    .iter()
                    .any(|i| i.unique && i.columns == [c.name.clone()])
            {
                keys.push("UK");
            }
            let _ = writeln!(
                out,
                "        {} {}{}",
                attribute_type(&c.ty, dialect),
                word(&c.name),
                if keys.is_empty() {
                    String::new()
                } else {
                    format!(" {}", keys.join(", "))
                }
            );
        }
        out.push_str("    }\n");
    }
    for t in &tables {
        for f in &t.foreign_keys {
            let optional = f
                .columns
                .iter()
                .any(|c| t.get_column(c).is_none_or(|c| c.nullable));
            let _ = writeln!(
                out,
                "    {} {}--o{{ {} : \"{}\"",
                entity(&f.ref_table),
                if optional { "|o" } else { "||" },
                entity(&t.table_name()),
                f.columns.join(", ")
            );
        }
    }
    Some(out)
}

/// Mermaid entity names: letters, digits, `_` and `-`.
fn entity(t: &TableName) -> String {
    let full = match &t.schema {
        Some(s) => format!("{s}__{}", t.name),
        None => t.name.clone(),
    };
    word(&full)
}

fn word(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Mermaid attribute types allow letters, digits, `_`, `-`, `(`, `)`, `[` and `]`.
fn attribute_type(ty: &ColumnType, d: Dialect) -> String {
    let raw = match ty {
        ColumnType::Enum { name, .. } => name.clone(),
        other => other.sql(d).to_lowercase(),
    };
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_-()[]".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .replace("__", "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aludel_schema::{Column, ForeignKey, Index};

    fn blog() -> Schema {
        Schema {
            tables: vec![
                Table::new("users")
                    .column(Column::new("id", ColumnType::BigInt).auto_increment())
                    .column(Column::new("name", ColumnType::Varchar(64)))
                    .primary_key(["id"]),
                Table::new("posts")
                    .column(Column::new("id", ColumnType::BigInt))
                    .column(Column::new("owner_id", ColumnType::BigInt).nullable())
                    .column(Column::new(
                        "price",
                        ColumnType::Decimal {
                            precision: Some(10),
                            scale: Some(2),
                        },
                    ))
                    .primary_key(["id"])
                    .index(Index::new(["owner_id"]).named("ix_posts_owner_id"))
                    .foreign_key(
                        ForeignKey::new(["owner_id"], "users", ["id"])
                            .named("fk_posts_owner_id_users")
                            .on_delete(FkAction::Cascade),
                    ),
            ]
            .into(),
            enums: Vec::new(),
        }
    }

    #[test]
    fn the_diff_shows_the_changed_lines() {
        let before = blog();
        let mut after = blog();
        after.tables[1]
            .columns
            .push(Column::new("title", ColumnType::Text).default("''"));
        let diff = schema_diff(&before, &after, Dialect::Postgres);
        assert!(
            diff.starts_with("--- schema before\n+++ schema after\n"),
            "{diff}"
        );
        assert!(
            diff.contains("\n+  title TEXT NOT NULL DEFAULT ''\n"),
            "{diff}"
        );
        assert!(!diff.contains("table users"), "only the hunk: {diff}");
        assert_eq!(schema_diff(&before, &before, Dialect::Postgres), "");
    }

    #[test]
    fn the_er_diagram_draws_touched_tables_and_their_references() {
        let touched: BTreeSet<TableName> = ["posts".into()].into();
        let er = er_diagram(&blog(), &touched, Dialect::Postgres).unwrap();
        assert_eq!(
            er,
            "erDiagram\n    posts {\n        bigint id PK\n        bigint owner_id FK\n        numeric(10_2) price\n    }\n    users |o--o{ posts : \"owner_id\"\n"
        );
        assert!(er_diagram(&blog(), &["gone".into()].into(), Dialect::Postgres).is_none());
    }
}
