//! SQLite: four queries joining `sqlite_schema` to the pragma table-valued functions,
//! whatever the number of tables (reading table by table costs one query per table and
//! pragma). Constraint names and CHECK constraints, which no pragma reports, are read
//! from the `CREATE TABLE` text SQLite keeps.

use std::collections::HashMap;

use aludel_schema::{
    Check, Column, ColumnType, Dialect, FkAction, ForeignKey, Index, NamingConvention, PrimaryKey,
    Schema, Table, TableName, normalize_default,
};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::connection::{Database, text_lite};
use crate::{Error, Result};

const TABLES: &str = r#"
SELECT name, sql FROM sqlite_schema
WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY name"#;

const COLUMNS: &str = r#"
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk
FROM sqlite_schema m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.name, p.cid"#;

const INDEXES: &str = r#"
SELECT m.name, il.name, il."unique", il.origin, ii.name, s.sql
FROM sqlite_schema m
JOIN pragma_index_list(m.name) il
JOIN pragma_index_info(il.name) ii
LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = il.name
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' AND il.origin <> 'pk'
ORDER BY m.name, il.name, ii.seqno"#;

const FOREIGN_KEYS: &str = r#"
SELECT m.name, f.id, f."table", f."from", f."to", f.on_delete, f.on_update
FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.name, f.id, f.seq"#;

fn s(r: &SqliteRow, i: usize) -> Result<String> {
    text_lite(r, i).ok_or_else(|| Error::Catalog(format!("unexpected NULL in column {i}")))
}

fn int(r: &SqliteRow, i: usize) -> i64 {
    r.try_get::<i64, _>(i).unwrap_or(0)
}

fn action(rule: Option<String>) -> FkAction {
    rule.as_deref()
        .and_then(FkAction::parse)
        .unwrap_or_default()
}

pub(crate) async fn introspect(db: &mut Database) -> Result<Schema> {
    let table_rows = db.fetch_lite(TABLES).await?;
    let mut tables: Vec<Table> = Vec::with_capacity(table_rows.len());
    let mut sqls: Vec<Clauses> = Vec::with_capacity(table_rows.len());
    let mut pos: HashMap<String, usize> = HashMap::with_capacity(table_rows.len());
    for r in &table_rows {
        let t = Table::new(s(r, 0)?);
        pos.insert(t.name.clone(), tables.len());
        sqls.push(Clauses::parse(&text_lite(r, 1).unwrap_or_default()));
        tables.push(t);
    }

    let mut pk_cols: HashMap<usize, Vec<(i64, String, String)>> = HashMap::new();
    for r in &db.fetch_lite(COLUMNS).await? {
        let Some(&i) = pos.get(&s(r, 0)?) else {
            continue;
        };
        let declared = text_lite(r, 2).unwrap_or_default();
        let name = s(r, 1)?;
        let mut col = Column::new(name.clone(), ColumnType::parse(&declared, Dialect::Sqlite));
        col.nullable = int(r, 3) == 0;
        col.default = text_lite(r, 4).and_then(|d| normalize_default(&d, &col.ty, Dialect::Sqlite));
        let pk = int(r, 5);
        if pk > 0 {
            pk_cols.entry(i).or_default().push((pk, name, declared));
        }
        tables[i].columns.push(col);
    }
    for (i, mut cols) in pk_cols {
        cols.sort();
        let t = &mut tables[i];
        // A lone INTEGER primary key is the rowid: it numbers new rows by itself.
        if let [(_, name, declared)] = cols.as_slice()
            && declared.trim().eq_ignore_ascii_case("integer")
            && let Some(c) = t.get_column_mut(name)
        {
            c.auto_increment = true;
            c.nullable = false;
        }
        t.primary_key = Some(PrimaryKey {
            name: sqls[i].primary_key_name.clone(),
            columns: cols.into_iter().map(|(_, n, _)| n).collect(),
        });
    }

    for r in &db.fetch_lite(INDEXES).await? {
        let Some(&i) = pos.get(&s(r, 0)?) else {
            continue;
        };
        let t = &mut tables[i];
        let name = s(r, 1)?;
        let column = text_lite(r, 4).unwrap_or_default();
        match t
            .indexes
            .iter_mut()
            .find(|ix| ix.name.as_deref() == Some(&name))
        {
            Some(ix) => ix.columns.push(column),
            None => t.indexes.push(Index {
                name: Some(name),
                columns: vec![column],
                unique: int(r, 2) == 1,
                predicate: text_lite(r, 5).as_deref().and_then(index_predicate),
            }),
        }
    }

    // Foreign keys arrive one row per column, grouped by (table, id).
    struct FkRow {
        table: usize,
        id: i64,
        ref_table: String,
        from: String,
        to: Option<String>,
        on_delete: FkAction,
        on_update: FkAction,
    }
    let mut fk_rows = Vec::new();
    for r in &db.fetch_lite(FOREIGN_KEYS).await? {
        let Some(&i) = pos.get(&s(r, 0)?) else {
            continue;
        };
        fk_rows.push(FkRow {
            table: i,
            id: int(r, 1),
            ref_table: s(r, 2)?,
            from: s(r, 3)?,
            to: text_lite(r, 4),
            on_delete: action(text_lite(r, 5)),
            on_update: action(text_lite(r, 6)),
        });
    }
    let pks: HashMap<String, Vec<String>> = tables
        .iter()
        .filter_map(|t| Some((t.name.clone(), t.primary_key.as_ref()?.columns.clone())))
        .collect();
    let mut current: Option<(usize, i64)> = None;
    for row in fk_rows {
        let i = row.table;
        if current != Some((i, row.id)) {
            tables[i].foreign_keys.push(ForeignKey {
                name: None,
                columns: Vec::new(),
                ref_table: TableName::new(row.ref_table.clone()),
                ref_columns: Vec::new(),
                on_delete: row.on_delete,
                on_update: row.on_update,
            });
            current = Some((i, row.id));
        }
        let fk = tables[i].foreign_keys.last_mut().expect("pushed above");
        fk.columns.push(row.from);
        // `REFERENCES users` without columns means the referenced primary key.
        match row.to {
            Some(to) => fk.ref_columns.push(to),
            None => {
                let pk = pks.get(&row.ref_table).cloned().unwrap_or_default();
                if let Some(c) = pk.get(fk.ref_columns.len()) {
                    fk.ref_columns.push(c.clone());
                }
            }
        }
    }

    let convention = NamingConvention::default();
    for (t, clauses) in tables.iter_mut().zip(&sqls) {
        for f in &mut t.foreign_keys {
            f.name = clauses
                .foreign_keys
                .iter()
                .find(|(_, cols)| *cols == f.columns)
                .map(|(n, _)| n.clone());
        }
        for (name, expr) in &clauses.checks {
            // The CHECK aludel gives an enum column: the column is of an enum type.
            if let Some((col, values)) = aludel_schema::enum_check_values(expr)
                && name.as_deref() == Some(aludel_schema::enum_check_name(&col).as_str())
                && let Some(c) = t.get_column_mut(&col)
            {
                c.ty = ColumnType::Enum {
                    name: String::new(),
                    values,
                };
                continue;
            }
            t.checks.push(Check {
                name: name.clone(),
                expr: expr.clone(),
            });
        }
    }
    let mut schema = Schema {
        tables,
        enums: Vec::new(),
    };
    // SQLite keeps no name for an unnamed constraint: give it the conventional one, so
    // that operations can address it.
    convention.apply(&mut schema, Dialect::Sqlite);
    Ok(schema)
}

/// The `WHERE` of a partial index, from its `CREATE INDEX` text.
fn index_predicate(sql: &str) -> Option<String> {
    let upper = sql.to_ascii_uppercase();
    let mut depth = 0i32;
    let mut in_quote: Option<char> = None;
    let bytes = upper.as_bytes();
    for (i, c) in upper.char_indices() {
        match in_quote {
            Some(q) if c == q => in_quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' | '`' => in_quote = Some(c),
                '(' => depth += 1,
                ')' => depth -= 1,
                'W' if depth == 0
                    && upper[i..].starts_with("WHERE")
                    && i > 0
                    && bytes[i - 1].is_ascii_whitespace() =>
                {
                    return Some(sql[i + 5..].trim().to_string());
                }
                _ => {}
            },
        }
    }
    None
}

/// What the pragmas do not tell: names of constraints and CHECK constraints, read from
/// the `CREATE TABLE` text.
#[derive(Default, Debug)]
struct Clauses {
    primary_key_name: Option<String>,
    foreign_keys: Vec<(String, Vec<String>)>,
    checks: Vec<(Option<String>, String)>,
}

impl Clauses {
    fn parse(sql: &str) -> Clauses {
        let mut out = Clauses::default();
        let Some(open) = sql.find('(') else {
            return out;
        };
        let body = &sql[open + 1..];
        for part in split_top_level(body) {
            let mut p = Tokens::new(part.trim());
            let mut name = None;
            if p.keyword("CONSTRAINT") {
                name = p.ident();
            }
            if p.keyword("PRIMARY") && p.keyword("KEY") {
                out.primary_key_name = name;
            } else if p.keyword("FOREIGN") && p.keyword("KEY") {
                if let (Some(name), Some(cols)) = (name, p.paren()) {
                    let cols = split_top_level(&cols)
                        .iter()
                        .map(|c| unquote(c.trim()))
                        .collect();
                    out.foreign_keys.push((name, cols));
                }
            } else if p.keyword("CHECK") {
                if let Some(expr) = p.paren() {
                    out.checks.push((name, expr.trim().to_string()));
                }
            } else if name.is_none() && !p.keyword("UNIQUE") {
                // A column definition: its own CHECK constraints follow its type.
                p.ident();
                let mut pending_name = None;
                while !p.is_empty() {
                    if p.keyword("CONSTRAINT") {
                        pending_name = p.ident();
                    } else if p.keyword("CHECK") {
                        if let Some(expr) = p.paren() {
                            out.checks
                                .push((pending_name.take(), expr.trim().to_string()));
                        }
                    } else {
                        pending_name = None;
                        p.skip();
                    }
                }
            }
        }
        out
    }
}

/// Splits on commas outside parentheses and quotes; stops at the unbalanced `)` that
/// closes the list.
fn split_top_level(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in s.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                cur.push(c);
            }
            None => match c {
                '\'' | '"' | '`' | '[' => {
                    quote = Some(if c == '[' { ']' } else { c });
                    cur.push(c);
                }
                '(' => {
                    depth += 1;
                    cur.push(c);
                }
                ')' if depth == 0 => break,
                ')' => {
                    depth -= 1;
                    cur.push(c);
                }
                ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            },
        }
    }
    if !cur.trim().is_empty() {
        parts.push(cur);
    }
    parts
}

fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2
        && matches!(
            (b[0], b[b.len() - 1]),
            (b'"', b'"') | (b'`', b'`') | (b'[', b']')
        )
    {
        let q = b[0] as char;
        s[1..s.len() - 1].replace(&format!("{q}{q}"), &q.to_string())
    } else {
        s.to_string()
    }
}

struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Self {
        Tokens { rest: s }
    }

    fn keyword(&mut self, kw: &str) -> bool {
        let r = self.rest.trim_start();
        if r.len() >= kw.len()
            && r[..kw.len()].eq_ignore_ascii_case(kw)
            && r[kw.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        {
            self.rest = &r[kw.len()..];
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let r = self.rest.trim_start();
        let first = r.chars().next()?;
        let end = match first {
            '"' | '`' | '[' => {
                let close = if first == '[' { ']' } else { first };
                let mut i = 1;
                let b = r.as_bytes();
                loop {
                    if i >= b.len() {
                        return None;
                    }
                    if b[i] as char == close {
                        if close != ']' && b.get(i + 1) == Some(&(close as u8)) {
                            i += 2;
                            continue;
                        }
                        break i + 1;
                    }
                    i += 1;
                }
            }
            _ => r
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(r.len()),
        };
        let word = &r[..end];
        self.rest = &r[end..];
        Some(unquote(word))
    }

    fn is_empty(&self) -> bool {
        self.rest.trim().is_empty()
    }

    /// Skips one word, quoted identifier, string or parenthesised group.
    fn skip(&mut self) {
        let r = self.rest.trim_start();
        match r.chars().next() {
            None => self.rest = r,
            Some('(') => {
                self.rest = r;
                if self.paren().is_none() {
                    self.rest = "";
                }
            }
            Some('\'') => {
                let end = r[1..].find('\'').map(|i| i + 2).unwrap_or(r.len());
                self.rest = &r[end..];
            }
            Some('"' | '`' | '[') => {
                self.rest = r;
                if self.ident().is_none() {
                    self.rest = "";
                }
            }
            Some(c) if c.is_alphanumeric() || c == '_' => {
                let end = r
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(r.len());
                self.rest = &r[end..];
            }
            Some(c) => self.rest = &r[c.len_utf8()..],
        }
    }

    /// The text inside the next balanced parentheses.
    fn paren(&mut self) -> Option<String> {
        let r = self.rest.trim_start();
        let inner = r.strip_prefix('(')?;
        let mut depth = 1;
        let mut quote: Option<char> = None;
        for (i, c) in inner.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' | '`' => quote = Some(c),
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            self.rest = &inner[i + 1..];
                            return Some(inner[..i].to_string());
                        }
                    }
                    _ => {}
                },
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_and_checks_from_create_table() {
        let sql = r#"CREATE TABLE "posts" ( "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "owner_id" BIGINT NULL, "score" INT, CONSTRAINT "fk_posts_owner_id_users" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "ck_score" CHECK (score >= 0 AND (score < 100)), CHECK (owner_id <> 0) )"#;
        let c = Clauses::parse(sql);
        assert_eq!(
            c.foreign_keys,
            [(
                "fk_posts_owner_id_users".to_string(),
                vec!["owner_id".to_string()]
            )]
        );
        assert_eq!(
            c.checks,
            [
                (
                    Some("ck_score".to_string()),
                    "score >= 0 AND (score < 100)".to_string()
                ),
                (None, "owner_id <> 0".to_string()),
            ]
        );
    }

    #[test]
    fn column_checks() {
        let sql = r#"CREATE TABLE t ("status" TEXT NOT NULL CHECK ("status" IN ('draft', 'it''s')), n INT CONSTRAINT ck_n CHECK (n > 0) DEFAULT 1, m INT DEFAULT (1 + 2))"#;
        let c = Clauses::parse(sql);
        assert_eq!(c.checks.len(), 2, "{:?}", c.checks);
        assert_eq!(c.checks[1], (Some("ck_n".into()), "n > 0".into()));
        assert_eq!(
            c.checks[0],
            (None, r#""status" IN ('draft', 'it''s')"#.into())
        );
    }

    #[test]
    fn partial_index_predicates() {
        assert_eq!(
            index_predicate(r#"CREATE INDEX "ix" ON "t" ("a") WHERE a IS NOT NULL"#).as_deref(),
            Some("a IS NOT NULL")
        );
        assert_eq!(
            index_predicate(r#"CREATE INDEX "where" ON "t" ("a")"#),
            None
        );
    }
}
