//! SQLite: four queries joining `sqlite_schema` to the pragma table-valued functions,
//! whatever the number of tables (reading table by table costs one query per table and
//! pragma). Constraint names and CHECK constraints, which no pragma reports, are read
//! from the `CREATE TABLE` text SQLite keeps.

use std::collections::HashMap;

use aludel_schema::{
    Check, Column, ColumnType, Dialect, FkAction, ForeignKey, Index, NamingConvention, PrimaryKey,
    Schema, Table, TableName, lex, normalize_default,
};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::connection::{Database, text_lite};
use crate::{Error, Result};

/// Ordinary tables: not virtual tables (an FTS index ...) nor their shadow tables, which
/// models do not describe (`inspect` lists the virtual ones).
const TABLES: &str = r#"
SELECT m.name, m.sql FROM sqlite_schema m
JOIN pragma_table_list(m.name) l ON l.schema = 'main' AND l.type = 'table'
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.name"#;

const COLUMNS: &str = r#"
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p
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
    let mut c = Catalog {
        tables: Vec::with_capacity(table_rows.len()),
        sqls: Vec::with_capacity(table_rows.len()),
        pos: HashMap::with_capacity(table_rows.len()),
    };
    for r in &table_rows {
        let t = Table::new(s(r, 0)?);
        c.pos.insert(t.name.clone(), c.tables.len());
        c.sqls
            .push(Clauses::parse(&text_lite(r, 1).unwrap_or_default()));
        c.tables.push(t);
    }
    let generated = read_columns(db, &mut c).await?;
    read_indexes(db, &mut c).await?;
    read_foreign_keys(db, &mut c).await?;
    apply_clauses(&mut c);
    crate::leave_out_generated(&mut c.tables, &generated);
    let mut schema = Schema {
        tables: c.tables.into(),
        enums: Vec::new(),
    };
    // SQLite keeps no name for an unnamed constraint: give it the conventional one, so
    // that operations can address it.
    NamingConvention::default().apply(&mut schema, Dialect::Sqlite);
    Ok(schema)
}

/// The tables read so far, their `CREATE TABLE` clauses, and where each name is.
struct Catalog {
    tables: Vec<Table>,
    sqls: Vec<Clauses>,
    pos: HashMap<String, usize>,
}

/// Columns, and the primary key from their key positions; returns the generated columns
/// (`hidden` 2 and 3 in `table_xinfo`).
async fn read_columns(db: &mut Database, c: &mut Catalog) -> Result<crate::Generated> {
    let Catalog { tables, sqls, pos } = c;
    let mut pk_cols: HashMap<usize, Vec<(i64, String, String)>> = HashMap::new();
    let mut generated = crate::Generated::new();
    for r in &db.fetch_lite(COLUMNS).await? {
        let Some(&i) = pos.get(&s(r, 0)?) else {
            continue;
        };
        let declared = text_lite(r, 2).unwrap_or_default();
        let name = s(r, 1)?;
        if matches!(int(r, 6), 2 | 3) {
            generated.insert((TableName::new(&tables[i].name), name.clone()));
        }
        let mut col = Column::new(name.clone(), declared_type(&declared));
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
    Ok(generated)
}

async fn read_indexes(db: &mut Database, c: &mut Catalog) -> Result<()> {
    let Catalog { tables, pos, .. } = c;
    for r in &db.fetch_lite(INDEXES).await? {
        let Some(&i) = pos.get(&s(r, 0)?) else {
            continue;
        };
        let t = &mut tables[i];
        let name = s(r, 1)?;
        let column = text_lite(r, 4).unwrap_or_default();
        crate::push_index_column(t, name, column, || Index {
            name: None,
            columns: Vec::new(),
            unique: int(r, 2) == 1,
            predicate: text_lite(r, 5).as_deref().and_then(index_predicate),
            method: None,
        });
    }
    Ok(())
}

async fn read_foreign_keys(db: &mut Database, c: &mut Catalog) -> Result<()> {
    let Catalog { tables, pos, .. } = c;
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
    Ok(())
}

/// What only the `CREATE TABLE` text says: foreign-key names, checks, enum columns.
fn apply_clauses(c: &mut Catalog) {
    let Catalog { tables, sqls, .. } = c;
    for (t, clauses) in tables.iter_mut().zip(sqls.iter()) {
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
}

/// A column's type as SQLite keeps it: the declared text itself whenever aludel would
/// spell the type otherwise (`DATETIME`, `NVARCHAR(70)`), so that a table rebuild writes
/// every untouched column back as it was declared. Comparisons parse it as usual.
fn declared_type(declared: &str) -> ColumnType {
    let ty = ColumnType::parse(declared, Dialect::Sqlite);
    let same = ty
        .sql(Dialect::Sqlite)
        .eq_ignore_ascii_case(declared.trim());
    if same || declared.trim().is_empty() {
        ty
    } else {
        ColumnType::Custom(declared.trim().to_string())
    }
}

/// The `WHERE` of a partial index, from its `CREATE INDEX` text.
fn index_predicate(sql: &str) -> Option<String> {
    let toks = lex::tokens_with(sql, lex::Rules::SQLITE);
    let mut pos = 0;
    for (t, d) in toks.iter().zip(lex::depths(&toks)) {
        pos += t.text.len();
        if d == 0 && t.is_keyword("where") {
            return Some(sql[pos..].trim().to_string());
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
        for part in lex::split_top_level(column_list(sql), ",", lex::Rules::SQLITE) {
            out.read_definition(Cursor::new(part));
        }
        out
    }

    /// One column or table-constraint definition.
    fn read_definition(&mut self, mut p: Cursor<'_>) {
        let mut name = None;
        if p.keyword("CONSTRAINT") {
            name = p.ident();
        }
        if p.keyword("PRIMARY") && p.keyword("KEY") {
            self.primary_key_name = name;
        } else if p.keyword("FOREIGN") && p.keyword("KEY") {
            if let (Some(name), Some(cols)) = (name, p.paren()) {
                let cols = lex::split_top_level(cols, ",", lex::Rules::SQLITE)
                    .into_iter()
                    .filter_map(|c| Cursor::new(c).ident())
                    .collect();
                self.foreign_keys.push((name, cols));
            }
        } else if p.keyword("CHECK") {
            if let Some(expr) = p.paren() {
                self.checks.push((name, expr.trim().to_string()));
            }
        } else if name.is_none() && !p.keyword("UNIQUE") {
            // A column definition: its own CHECK constraints follow its type.
            p.ident();
            self.read_column_checks(p);
        }
    }

    fn read_column_checks(&mut self, mut p: Cursor<'_>) {
        let mut pending_name = None;
        while !p.is_empty() {
            if p.keyword("CONSTRAINT") {
                pending_name = p.ident();
            } else if p.keyword("CHECK") {
                if let Some(expr) = p.paren() {
                    self.checks
                        .push((pending_name.take(), expr.trim().to_string()));
                }
            } else {
                pending_name = None;
                p.skip();
            }
        }
    }
}

/// The text inside the first top-level parentheses of a `CREATE TABLE`: its column and
/// constraint list.
fn column_list(sql: &str) -> &str {
    let toks = lex::tokens_with(sql, lex::Rules::SQLITE);
    let mut pos = 0;
    let mut open = None;
    for (t, d) in toks.iter().zip(lex::depths(&toks)) {
        if d == 0 && t.is_punct("(") && open.is_none() {
            open = Some(pos + 1);
        } else if d == 0
            && t.is_punct(")")
            && let Some(o) = open
        {
            return &sql[o..pos];
        }
        pos += t.text.len();
    }
    open.map_or("", |o| &sql[o..])
}

/// A cursor over the meaningful tokens of one definition, keeping their offsets so that
/// parenthesised text comes back as written.
struct Cursor<'a> {
    text: &'a str,
    toks: Vec<(usize, lex::Token<'a>)>,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        let mut pos = 0;
        let mut toks = Vec::new();
        for t in lex::tokens_with(text, lex::Rules::SQLITE) {
            if !t.is_trivia() {
                toks.push((pos, t));
            }
            pos += t.text.len();
        }
        Cursor { text, toks, at: 0 }
    }

    fn peek(&self) -> Option<&lex::Token<'a>> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn keyword(&mut self, kw: &str) -> bool {
        let yes = self.peek().is_some_and(|t| t.is_keyword(kw));
        self.at += usize::from(yes);
        yes
    }

    fn ident(&mut self) -> Option<String> {
        let name = self.peek()?.ident()?;
        self.at += 1;
        Some(name)
    }

    fn is_empty(&self) -> bool {
        self.at >= self.toks.len()
    }

    /// Skips one token or parenthesised group.
    fn skip(&mut self) {
        if self.paren().is_none() {
            self.at += 1;
        }
    }

    /// The text inside the parentheses that open at the cursor, as written.
    fn paren(&mut self) -> Option<&'a str> {
        let &(open, ref first) = self.toks.get(self.at)?;
        if !first.is_punct("(") {
            return None;
        }
        let mut depth = 0;
        for (i, (pos, t)) in self.toks.iter().enumerate().skip(self.at) {
            if t.is_punct("(") {
                depth += 1;
            } else if t.is_punct(")") {
                depth -= 1;
                if depth == 0 {
                    self.at = i + 1;
                    return Some(&self.text[open + 1..*pos]);
                }
            }
        }
        self.at = self.toks.len();
        Some(&self.text[open + 1..])
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

    #[test]
    fn non_ascii_names_do_not_panic() {
        // Byte-sliced keyword matching used to split `名` in the middle.
        let sql =
            "CREATE TABLE t (名前 TEXT CHECK (名前 <> ''), é INT CONSTRAINT ck_é CHECK (é > 0))";
        let c = Clauses::parse(sql);
        assert_eq!(
            c.checks,
            [
                (None, "名前 <> ''".to_string()),
                (Some("ck_é".to_string()), "é > 0".to_string())
            ]
        );
    }

    #[test]
    fn quoted_text_does_not_end_the_column_list() {
        let sql = r#"CREATE TABLE "a(b" ("x)" INT, -- a comment, with ( and '
            "y" INT /* ) */ CONSTRAINT "c,k" CHECK ("x)" <> ')'), [z w] TEXT CHECK ([z w] <> ''))"#;
        let c = Clauses::parse(sql);
        assert_eq!(
            c.checks,
            [
                (Some("c,k".to_string()), r#""x)" <> ')'"#.to_string()),
                (None, "[z w] <> ''".to_string())
            ]
        );
    }

    mod prop {
        use aludel_schema::{Dialect, quote_ident};
        use proptest::prelude::*;

        use super::super::*;

        /// Names of any characters but NUL (which SQLite cannot keep in a name).
        fn name() -> impl Strategy<Value = String> {
            "[^\\x00]{1,12}"
        }

        /// Whitespace or a comment, where SQL allows one between tokens.
        fn gap() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(" ".to_string()),
                Just("\n\t".to_string()),
                "[^\\x00*]{0,8}".prop_map(|c| format!(" /*{c}*/ ")),
                "[^\\x00\\n]{0,8}".prop_map(|c| format!(" --{c}\n")),
            ]
        }

        proptest! {
            #[test]
            fn any_text_parses_without_panic(sql in any::<String>()) {
                let _ = Clauses::parse(&sql);
                let _ = index_predicate(&sql);
            }

            #[test]
            fn constraint_names_and_checks_come_back(
                table in name(),
                cols in proptest::collection::vec(name(), 1..4),
                check_name in name(),
                literal in "[^\\x00]{0,8}",
                g in gap(),
            ) {
                let q = |n: &str| quote_ident(Dialect::Sqlite, n);
                let expr = format!("{} <> {}", q(&cols[0]), aludel_schema::quote_literal(Dialect::Sqlite, &literal));
                let defs: Vec<String> = cols.iter().map(|c| format!("{}{g}TEXT", q(c))).collect();
                let sql = format!(
                    "CREATE TABLE {}{g}({},{g}CONSTRAINT {} CHECK ({expr}))",
                    q(&table),
                    defs.join(&format!(",{g}")),
                    q(&check_name),
                );
                let c = Clauses::parse(&sql);
                prop_assert_eq!(c.checks, vec![(Some(check_name), expr)]);
            }
        }
    }
}
