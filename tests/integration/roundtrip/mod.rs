//! The property-based round trip, against the real databases: for random pairs (A, B)
//! from the model space, build A, insert rows, autogenerate A -> B and apply it; the
//! database read back must equal B and a new autogenerate must be empty; the downgrade
//! must give A back; rows keep the values of the columns that exist on both sides. Both
//! A and B as read back inspect to models that describe them exactly.
//!
//! `ALUDEL_ROUNDTRIP_PAIRS` (default 100) pairs per backend from `ALUDEL_ROUNDTRIP_SEED`
//! (default fixed); pair i uses seed + i, so a failure replays with its seed and
//! `ALUDEL_ROUNDTRIP_PAIRS=1`. `cargo xtask soak` runs many more with a random seed.

mod generate;

use std::collections::HashMap;

use aludel_introspect::Database;
use aludel_runner::{NewRevision, execute_statements, render_revision};
use aludel_schema::{ColumnType as T, Dialect, Schema, Table};
use aludel_tests::{TestDb, block_on};
use generate::Gen;

const DEFAULT_PAIRS: u64 = 100;
const DEFAULT_SEED: u64 = 20_261_121;

fn env_u64(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run(dialect: Dialect) {
    let seed = env_u64("ALUDEL_ROUNDTRIP_SEED", DEFAULT_SEED);
    let pairs = env_u64("ALUDEL_ROUNDTRIP_PAIRS", DEFAULT_PAIRS);
    let mut failures = Vec::new();
    let mut ran = 0;
    for i in 0..pairs {
        let case = seed.wrapping_add(i);
        let Some(db) = TestDb::new(dialect) else {
            return;
        };
        ran += 1;
        if let Err(msg) = block_on(one(&db, case)) {
            failures.push(format!("--- seed {case}\n{msg}"));
            if failures.len() >= 3 {
                break;
            }
        }
    }
    eprintln!(
        "roundtrip {dialect}: {ran} pairs from seed {seed}, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{dialect}: replay one with ALUDEL_ROUNDTRIP_SEED=<seed> ALUDEL_ROUNDTRIP_PAIRS=1\n{}",
        failures.join("\n")
    );
}

#[test]
fn roundtrip_sqlite() {
    run(Dialect::Sqlite);
}

#[test]
fn roundtrip_postgres() {
    run(Dialect::Postgres);
}

#[test]
fn roundtrip_mysql() {
    run(Dialect::MySql);
}

async fn live(c: &mut Database) -> Schema {
    c.introspect(&Default::default())
        .await
        .map_err(|e| e.to_string())
        .unwrap()
}

/// Applies `ops` rendered against `state` as the runner would.
async fn apply(
    c: &mut Database,
    ops: &[aludel_schema::Operation],
    state: &Schema,
    what: &str,
) -> Result<(), String> {
    let d = c.dialect();
    let (sql, _) =
        aludel_sql::render_all(ops, state, d).map_err(|e| format!("{what}: render: {e}"))?;
    execute_statements(c, what, &sql)
        .await
        .map_err(|e| format!("{what}: {e}\nstatements:\n  {}", sql.join(";\n  ")))
}

/// `aludel inspect`'s promise: the models written for what was read, read back as the
/// derive reads them, describe it exactly.
fn inspected(live: &Schema, d: Dialect) -> Result<(), String> {
    use aludel_revision::models::{ModelsOptions, read_models, render_models};
    let opts = ModelsOptions {
        dialect: d,
        features: &["chrono", "time", "uuid", "json", "decimal"],
        header: Vec::new(),
    };
    let written = render_models(live, &opts);
    if !written.unexpressed.is_empty() {
        return Err(format!("not expressed: {:?}", written.unexpressed));
    }
    let mut models =
        read_models(&written.source).map_err(|e| format!("{e}\n{}", written.source))?;
    aludel_schema::NamingConvention::default().apply(&mut models, d);
    differences(live, &models, d).map_err(|e| format!("{e}\n{}", written.source))
}

fn differences(live: &Schema, want: &Schema, d: Dialect) -> Result<(), String> {
    let plan = aludel_diff::diff(live, want, d).map_err(|e| e.to_string())?;
    if plan.is_empty() {
        return Ok(());
    }
    Err(plan
        .upgrade
        .iter()
        .map(|o| format!("  {o}"))
        .collect::<Vec<_>>()
        .join("\n"))
}

fn literal(ty: &T, row: i64, d: Dialect) -> String {
    match ty {
        T::Boolean => if row % 2 == 0 { "TRUE" } else { "FALSE" }.into(),
        T::SmallInt | T::Integer | T::BigInt => (row * 10).to_string(),
        T::Double => format!("{row}.5"),
        T::Text | T::Varchar(_) => format!("'v{row}'"),
        T::Date => format!("'2024-01-0{row}'"),
        T::Timestamp => format!("'2024-01-0{row} 10:00:00'"),
        T::Enum { values, .. } => format!("'{}'", values[0]),
        other => panic!("{d}: no literal for {other}"),
    }
}

fn q(d: Dialect, name: &str) -> String {
    aludel_sql::quote_ident(d, name)
}

async fn insert_rows(c: &mut Database, a: &Schema) -> Result<(), String> {
    let d = c.dialect();
    for t in &a.tables {
        let fk_cols: Vec<&String> = t.foreign_keys.iter().flat_map(|f| &f.columns).collect();
        for row in 1..=3 {
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for col in &t.columns {
                cols.push(q(d, &col.name));
                vals.push(if fk_cols.contains(&&col.name) {
                    "NULL".to_string()
                } else if col.name == "id" || col.name == "a" || col.name == "b" {
                    row.to_string()
                } else {
                    literal(&col.ty, row, d)
                });
            }
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                q(d, &t.name),
                cols.join(", "),
                vals.join(", ")
            );
            c.execute(&sql).await.map_err(|e| format!("insert: {e}"))?;
        }
    }
    Ok(())
}

/// The values of one column, as text, in primary-key order.
async fn values(c: &mut Database, t: &Table, col: &str) -> Result<Vec<String>, String> {
    let d = c.dialect();
    let order: Vec<String> = t
        .primary_key
        .iter()
        .flat_map(|p| p.columns.iter().map(|k| q(d, k)))
        .collect();
    let as_text = match d {
        Dialect::Postgres => format!("{}::text", q(d, col)),
        Dialect::MySql => format!("CAST({} AS CHAR)", q(d, col)),
        Dialect::Sqlite => format!("CAST({} AS TEXT)", q(d, col)),
    };
    let sql = format!(
        "SELECT {as_text} FROM {} ORDER BY {}",
        q(d, &t.name),
        order.join(", ")
    );
    Ok(c.query_column(&sql)
        .await
        .map_err(|e| format!("read: {e}"))?
        .into_iter()
        .map(|v| v.unwrap_or_else(|| "NULL".into()))
        .collect())
}

/// The values of every column of A, keyed by (table, column) of A.
async fn snapshot(
    c: &mut Database,
    a: &Schema,
) -> Result<HashMap<(String, String), Vec<String>>, String> {
    let mut out = HashMap::new();
    for t in &a.tables {
        for col in &t.columns {
            out.insert(
                (t.name.clone(), col.name.clone()),
                values(c, t, &col.name).await?,
            );
        }
    }
    Ok(out)
}

/// Checks that the columns of A that B keeps hold the values they held in A; the
/// database is at B (`at_b`, columns under B's names) or back at A.
async fn kept_values(
    c: &mut Database,
    a: &Schema,
    b: &Schema,
    before: &HashMap<(String, String), Vec<String>>,
    at_b: bool,
) -> Result<(), String> {
    let when = if at_b { "upgrade" } else { "downgrade" };
    for ta in &a.tables {
        let Some(tb) = b
            .tables
            .iter()
            .find(|t| t.name == ta.name || t.renamed_from.contains(&ta.name))
        else {
            continue;
        };
        for ca in &ta.columns {
            let Some(cb) = tb
                .columns
                .iter()
                .find(|c| c.name == ca.name || c.renamed_from.contains(&ca.name))
            else {
                continue;
            };
            let now = if at_b {
                values(c, tb, &cb.name).await?
            } else {
                values(c, ta, &ca.name).await?
            };
            let was = &before[&(ta.name.clone(), ca.name.clone())];
            if now != *was {
                return Err(format!(
                    "{when}: {}.{} held {was:?}, now {}.{} holds {now:?}",
                    ta.name, ca.name, tb.name, cb.name
                ));
            }
        }
    }
    Ok(())
}

async fn one(db: &TestDb, seed: u64) -> Result<(), String> {
    let d = db.dialect;
    let mut g = Gen::new(seed, d);
    let a = g.schema();
    let b = g.mutate(&a);
    let context = || format!("A: {a:#?}\nB: {b:#?}");
    let mut c = db.connect().await;

    let create = aludel_diff::diff(&Schema::new(), &a, d)
        .map_err(|e| format!("diff A: {e}\n{}", context()))?;
    apply(&mut c, &create.upgrade, &Schema::new(), "create A")
        .await
        .map_err(|e| format!("{e}\n{}", context()))?;
    let live_a = live(&mut c).await;
    differences(&live_a, &a, d)
        .map_err(|e| format!("A reads back with changes:\n{e}\n{}", context()))?;
    inspected(&live_a, d).map_err(|e| format!("inspect of A:\n{e}\n{}", context()))?;
    insert_rows(&mut c, &a)
        .await
        .map_err(|e| format!("{e}\n{}", context()))?;
    let before = snapshot(&mut c, &a).await?;

    let plan = aludel_diff::diff(&live_a, &b, d)
        .map_err(|e| format!("diff A -> B: {e}\n{}", context()))?;
    let ops = || {
        plan.upgrade
            .iter()
            .map(|o| format!("  {o}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let file = render_revision(&NewRevision {
        id: "0123456789ab".into(),
        revises: vec![],
        message: "roundtrip".into(),
        created: "now".into(),
        upgrade: plan.upgrade.clone(),
        downgrade: plan.downgrade.clone(),
        warnings: vec![],
    });
    syn::parse_file(&file).map_err(|e| format!("the revision file is not Rust: {e}\n{file}"))?;

    apply(&mut c, &plan.upgrade, &live_a, "upgrade")
        .await
        .map_err(|e| format!("{e}\nops:\n{}\n{}", ops(), context()))?;
    let live_b = live(&mut c).await;
    inspected(&live_b, d).map_err(|e| format!("inspect of B:\n{e}\n{}", context()))?;
    differences(&live_b, &b, d).map_err(|e| {
        format!(
            "after the upgrade the database differs from B:\n{e}\nops:\n{}\n{}",
            ops(),
            context()
        )
    })?;
    kept_values(&mut c, &a, &b, &before, true)
        .await
        .map_err(|e| format!("{e}\nops:\n{}\n{}", ops(), context()))?;

    apply(&mut c, &plan.downgrade, &live_b, "downgrade")
        .await
        .map_err(|e| format!("{e}\nops:\n{}\n{}", ops(), context()))?;
    let live_a2 = live(&mut c).await;
    differences(&live_a2, &a, d).map_err(|e| {
        format!(
            "after the downgrade the database differs from A:\n{e}\nops:\n{}\n{}",
            ops(),
            context()
        )
    })?;
    kept_values(&mut c, &a, &b, &before, false)
        .await
        .map_err(|e| format!("{e}\nops:\n{}\n{}", ops(), context()))?;
    c.close().await;
    Ok(())
}
