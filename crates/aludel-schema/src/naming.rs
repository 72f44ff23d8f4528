//! Naming conventions for constraints and indexes (the `[naming]` table of `aludel.toml`).

use serde::{Deserialize, Serialize};

use crate::{Dialect, Schema, Table};

/// Templates for the names of unnamed constraints and indexes. Tokens: `{table}`,
/// `{columns}` (joined with `_`), `{column_0}` (the first column), `{referred_table}`
/// (foreign keys) and `{name}` (check constraints: the name the model gave).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NamingConvention {
    pub primary_key: String,
    pub unique: String,
    pub index: String,
    pub foreign_key: String,
    pub check: String,
}

impl Default for NamingConvention {
    fn default() -> Self {
        NamingConvention {
            primary_key: "pk_{table}".into(),
            unique: "uq_{table}_{columns}".into(),
            index: "ix_{table}_{columns}".into(),
            foreign_key: "fk_{table}_{columns}_{referred_table}".into(),
            check: "ck_{table}_{name}".into(),
        }
    }
}

const TOKENS: [&str; 5] = ["table", "columns", "column_0", "referred_table", "name"];

impl NamingConvention {
    /// Checks every template for unknown tokens and unbalanced braces.
    pub fn validate(&self) -> Result<(), String> {
        for (key, tpl) in [
            ("primary_key", &self.primary_key),
            ("unique", &self.unique),
            ("index", &self.index),
            ("foreign_key", &self.foreign_key),
            ("check", &self.check),
        ] {
            let mut rest = tpl.as_str();
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    return Err(format!("naming.{key} = {tpl:?}: a '{{' is never closed"));
                };
                let token = &rest[open + 1..open + close];
                if !TOKENS.contains(&token) {
                    return Err(format!(
                        "naming.{key} = {tpl:?}: unknown token {{{token}}}; known tokens are {}",
                        TOKENS.map(|t| format!("{{{t}}}")).join(", ")
                    ));
                }
                rest = &rest[open + close + 1..];
            }
        }
        Ok(())
    }

    /// Gives every unnamed constraint and index of `schema` its conventional name,
    /// shortened with a hash suffix when it exceeds what `dialect` allows.
    pub fn apply(&self, schema: &mut Schema, dialect: Dialect) {
        let max = dialect.max_identifier_len();
        for table in &mut schema.tables {
            self.apply_table(table, max);
        }
    }

    fn apply_table(&self, t: &mut Table, max: usize) {
        let table = t.name.clone();
        let render = |tpl: &str, cols: &[String], referred: &str, name: &str| {
            let s = tpl
                .replace("{table}", &table)
                .replace("{columns}", &cols.join("_"))
                .replace("{column_0}", cols.first().map(String::as_str).unwrap_or(""))
                .replace("{referred_table}", referred)
                .replace("{name}", name);
            shorten(s, max)
        };
        if let Some(pk) = &mut t.primary_key
            && pk.name.is_none()
        {
            pk.name = Some(render(&self.primary_key, &pk.columns, "", ""));
        }
        for u in &mut t.uniques {
            if u.name.is_none() {
                u.name = Some(render(&self.unique, &u.columns, "", ""));
            }
        }
        for i in &mut t.indexes {
            if i.name.is_none() {
                let tpl = if i.unique { &self.unique } else { &self.index };
                i.name = Some(render(tpl, &i.columns, "", ""));
            }
        }
        for f in &mut t.foreign_keys {
            if f.name.is_none() {
                f.name = Some(render(&self.foreign_key, &f.columns, &f.ref_table.name, ""));
            }
        }
        for (n, c) in t.checks.iter_mut().enumerate() {
            if c.name.is_none() {
                c.name = Some(render(&self.check, &[], "", &(n + 1).to_string()));
            }
        }
    }
}

/// The name of a field's own check (`check = "..."` on a model's field or a SeaORM
/// entity's field): `ck_<table>_<column>`.
pub fn column_check_name(table: &str, column: &str) -> String {
    format!("ck_{table}_{column}")
}

/// Cuts `name` to `max` bytes, replacing the tail with a hash of the whole name so that
/// two long names that share a prefix stay distinct.
pub(crate) fn shorten(name: String, max: usize) -> String {
    if name.len() <= max {
        return name;
    }
    let hash = fnv1a(name.as_bytes());
    let suffix = format!("_{hash:08x}");
    let mut cut = max - suffix.len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &name[..cut])
}

/// 64-bit FNV-1a: a stable hash for names (lock keys, per-project paths) that must not
/// change between builds or platforms, as `std`'s hasher may.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_64_is_the_published_function() {
        // Lock keys and runner paths depend on it never changing.
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
    use crate::{Column, ColumnType, ForeignKey, Index, Unique};

    #[test]
    fn conventional_names() {
        let mut s = Schema::new();
        s.tables.push(
            Table::new("votes")
                .column(Column::new("user_id", ColumnType::BigInt))
                .column(Column::new("post_id", ColumnType::BigInt))
                .primary_key(["user_id", "post_id"])
                .unique(Unique::new(["post_id", "user_id"]))
                .index(Index::new(["post_id"]))
                .index(Index::new(["user_id"]).named("custom"))
                .foreign_key(ForeignKey::new(["user_id"], "users", ["id"])),
        );
        NamingConvention::default().apply(&mut s, Dialect::Postgres);
        let t = &s.tables[0];
        assert_eq!(
            t.primary_key.as_ref().unwrap().name.as_deref(),
            Some("pk_votes")
        );
        assert_eq!(
            t.uniques[0].name.as_deref(),
            Some("uq_votes_post_id_user_id")
        );
        assert_eq!(t.indexes[0].name.as_deref(), Some("ix_votes_post_id"));
        assert_eq!(t.indexes[1].name.as_deref(), Some("custom"));
        assert_eq!(
            t.foreign_keys[0].name.as_deref(),
            Some("fk_votes_user_id_users")
        );
    }

    #[test]
    fn long_names_are_shortened_deterministically() {
        let long = "ix_".to_string() + &"a".repeat(80);
        let other = "ix_".to_string() + &"a".repeat(79) + "b";
        let a = shorten(long.clone(), 63);
        assert_eq!(a.len(), 63);
        assert_eq!(a, shorten(long, 63));
        assert_ne!(a, shorten(other, 63));
    }

    #[test]
    fn unknown_token_is_reported() {
        let conv = NamingConvention {
            index: "ix_{tabel}".into(),
            ..Default::default()
        };
        let err = conv.validate().unwrap_err();
        assert!(err.contains("unknown token {tabel}"), "{err}");
    }
}
