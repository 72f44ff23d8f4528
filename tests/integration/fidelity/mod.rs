//! Fidelity: a schema created from the models and read back compares equal to the
//! models, on every backend, and so does the same schema written by hand the way people
//! and other tools write it. One case per type and per attribute; a case runs on the
//! backends whose fixture file (`tests/fixtures/fidelity/<dialect>.sql`) has it.

mod models;

use std::collections::{BTreeMap, BTreeSet};

use aludel_introspect::{Database, IntrospectOptions};
use aludel_schema::{Dialect, NamingConvention, Operation, Schema, normalize};
use aludel_tests::{TestDb, block_on};

/// The case ids of a fixture file, with their statements, in file order.
fn cases(d: Dialect) -> Vec<(String, Vec<String>)> {
    let text = match d {
        Dialect::Postgres => include_str!("../../fixtures/fidelity/postgres.sql"),
        Dialect::MySql => include_str!("../../fixtures/fidelity/mysql.sql"),
        Dialect::Sqlite => include_str!("../../fixtures/fidelity/sqlite.sql"),
    };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut stmt = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- ")
            && let Some((id, _)) = rest.split_once(':')
            && id.len() == 3
            && id[1..].chars().all(|c| c.is_ascii_digit())
        {
            out.push((id.to_string(), Vec::new()));
            continue;
        }
        if line.starts_with("--") || line.trim().is_empty() {
            continue;
        }
        stmt.push_str(line);
        stmt.push('\n');
        if line.trim_end().ends_with(';') {
            let (_, stmts) = out.last_mut().expect("a statement before the first case");
            stmts.push(stmt.trim().trim_end_matches(';').to_string());
            stmt.clear();
        }
    }
    out
}

fn case_of(table: &str) -> &str {
    table.split('_').next().unwrap_or(table)
}

/// The models of the cases `ids`, named as the runner names them.
fn models(ids: &BTreeSet<String>, d: Dialect) -> Schema {
    let mut s = aludel::schema(d).expect("the corpus models are valid");
    s.tables.retain(|t| ids.contains(case_of(&t.name)));
    s.enums.retain(|e| ids.contains(case_of(&e.name)));
    NamingConvention::default().apply(&mut s, d);
    s
}

async fn live(c: &mut Database) -> Schema {
    c.introspect(&IntrospectOptions {
        extra_schemas: vec!["audit".into()],
    })
    .await
    .unwrap()
}

/// Leftover operations grouped by case, or nothing.
fn leftovers(live: &Schema, models: &Schema, d: Dialect) -> BTreeMap<String, Vec<String>> {
    let plan = aludel_diff::diff(live, models, d).unwrap_or_else(|e| panic!("{d}: {e}"));
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for op in &plan.upgrade {
        let name = match op {
            Operation::CreateEnum { ty } => ty.name.clone(),
            Operation::DropEnum { name } | Operation::AlterEnum { name, .. } => name.name.clone(),
            other => other.table().map(|t| t.name).unwrap_or_default(),
        };
        out.entry(case_of(&name).to_string())
            .or_default()
            .push(op.to_string());
    }
    out
}

fn report(
    d: Dialect,
    how: &str,
    left: &BTreeMap<String, Vec<String>>,
    live: &Schema,
    models: &Schema,
) -> Option<String> {
    if left.is_empty() {
        return None;
    }
    let mut msg = format!(
        "{d}, {how}: {} cases differ from their models\n",
        left.len()
    );
    for (case, ops) in left {
        msg.push_str(&format!("  {case}: {}\n", ops.join("; ")));
        let pick = |s: &Schema| {
            normalize(s, d)
                .tables
                .into_iter()
                .filter(|t| case_of(&t.name) == case)
                .collect::<Vec<_>>()
        };
        msg.push_str(&format!(
            "    live:   {:?}\n    models: {:?}\n",
            pick(live),
            pick(models)
        ));
    }
    Some(msg)
}

/// Runs the statements of every case, in file order.
async fn run_cases(c: &mut Database, cases: &[(String, Vec<String>)]) {
    let d = c.dialect();
    for (id, stmts) in cases {
        for s in stmts {
            c.execute(s)
                .await
                .unwrap_or_else(|e| panic!("{d} {id}: {s}: {e}"));
        }
    }
}

async fn prepare(c: &mut Database) {
    if c.dialect() == Dialect::Postgres {
        c.execute("CREATE SCHEMA audit").await.unwrap();
    }
}

const MIN_CASES: usize = 60;

#[test]
fn models_created_by_aludel_read_back_unchanged() {
    let mut failures = Vec::new();
    for db in TestDb::all() {
        let d = db.dialect;
        let ids: BTreeSet<String> = cases(d).into_iter().map(|(id, _)| id).collect();
        assert!(ids.len() >= MIN_CASES, "{d}: only {} cases", ids.len());
        let models = models(&ids, d);
        block_on(async {
            let mut c = db.connect().await;
            prepare(&mut c).await;
            let plan = aludel_diff::diff(&Schema::new(), &models, d).unwrap();
            let (sql, _) = aludel_sql::render_all(&plan.upgrade, &Schema::new(), d)
                .unwrap_or_else(|e| panic!("{d}: {e}"));
            aludel_runner::execute_statements(&mut c, "corpus", &sql)
                .await
                .unwrap_or_else(|e| panic!("{d}: {e}"));
            let live = live(&mut c).await;
            failures.extend(report(
                d,
                "created by aludel",
                &leftovers(&live, &models, d),
                &live,
                &models,
            ));
            c.close().await;
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hand_written_ddl_compares_equal_to_the_models() {
    let mut failures = Vec::new();
    for db in TestDb::all() {
        let d = db.dialect;
        let cases = cases(d);
        let ids: BTreeSet<String> = cases.iter().map(|(id, _)| id.clone()).collect();
        let models = models(&ids, d);
        block_on(async {
            let mut c = db.connect().await;
            run_cases(&mut c, &cases).await;
            let live = live(&mut c).await;
            failures.extend(report(
                d,
                "written by hand",
                &leftovers(&live, &models, d),
                &live,
                &models,
            ));
            c.close().await;
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_case_has_a_model() {
    let all = aludel::schema(Dialect::Postgres).unwrap();
    let model_cases: BTreeSet<&str> = all.tables.iter().map(|t| case_of(&t.name)).collect();
    for d in Dialect::ALL {
        for (id, _) in cases(d) {
            assert!(
                model_cases.contains(id.as_str()),
                "{d}: case {id} has no model"
            );
        }
    }
}

/// `aludel inspect`'s promise on the whole corpus: the models it writes for the
/// hand-written DDL read back (as the derive reads them) as exactly that schema.
#[test]
fn hand_written_ddl_inspects_to_models_that_describe_it() {
    use aludel_revision::models::{ModelsOptions, read_models, render_models};
    let features = ["chrono", "time", "uuid", "json", "decimal"];
    let mut failures = Vec::new();
    for db in TestDb::all() {
        let d = db.dialect;
        let cases = cases(d);
        block_on(async {
            let mut c = db.connect().await;
            run_cases(&mut c, &cases).await;
            let live = live(&mut c).await;
            c.close().await;
            let opts = ModelsOptions {
                dialect: d,
                features: &features,
                header: Vec::new(),
            };
            let written = render_models(&live, &opts);
            let mut models = read_models(&written.source)
                .unwrap_or_else(|e| panic!("{d}: {e}\n{}", written.source));
            NamingConvention::default().apply(&mut models, d);
            failures.extend(report(
                d,
                "inspected",
                &leftovers(&live, &models, d),
                &live,
                &models,
            ));
            if !written.unexpressed.is_empty() {
                failures.push(format!("{d}: unexpressed {:?}", written.unexpressed));
            }
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
