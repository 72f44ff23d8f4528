//! A struct that derives both `sqlx::FromRow` and `aludel::Model`: the table aludel's
//! revision creates is the one sqlx reads, on every backend.

use aludel::Model;
use aludel_introspect::{Database, IntrospectOptions};
use aludel_runner::{Direction, Graph, Ops, Quiet, Revision, RevisionDef, RunnerOptions, migrate};
use aludel_schema::{Dialect, Schema, quote_ident};
use aludel_tests::{TestDb, block_on};
use sqlx::Connection;

/// Every sqlx attribute that names or types a column.
#[derive(Debug, PartialEq, sqlx::FromRow, aludel::Model)]
#[sqlx(rename_all = "PascalCase")]
#[aludel(table = "Track")]
struct Track {
    #[aludel(primary_key, auto_increment = false)]
    track_id: i64,
    #[sqlx(rename = "Title")]
    #[aludel(max_length = 200)]
    name: String,
    #[sqlx(try_from = "i64")]
    plays: u32,
    #[sqlx(json)]
    tags: Vec<String>,
    #[sqlx(json(nullable))]
    extra: Option<Vec<i32>>,
    #[sqlx(skip)]
    cached: Option<String>,
    #[sqlx(default)]
    r#type: Option<String>,
}

fn create(op: &mut Ops) {
    op.create_table(Track::table());
}

fn nothing(_: &mut Ops) {}

const REVISION: RevisionDef = RevisionDef {
    meta: Revision {
        id: "5a1f00000001",
        revises: &[],
        message: "create Track",
    },
    upgrade: create,
    downgrade: nothing,
    file: "versions/track.rs",
};

async fn fetch(d: Dialect, url: &str, sql: &str) -> Vec<Track> {
    match d {
        Dialect::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        Dialect::MySql => {
            let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        Dialect::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
    }
}

/// aludel creates the table from the struct, the database then describes the struct
/// (no difference), and sqlx reads a row of it into the same struct.
#[test]
fn sqlx_reads_the_table_aludel_creates_from_the_same_struct() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c: Database = db.connect().await;
            let defs = [REVISION];
            let graph = Graph::new(&defs).unwrap();
            let options = (RunnerOptions::default(), IntrospectOptions::default());
            let up = Direction::Upgrade;
            migrate(
                &mut c, &graph, "head", up, &options.0, &options.1, &mut Quiet,
            )
            .await
            .unwrap_or_else(|e| panic!("{d}: {e}"));
            let mut live = c.introspect(&options.1).await.unwrap();
            live.tables.retain(|t| t.name == "Track");
            let models = Schema::from_models(vec![("Track".into(), Track::table())]).unwrap();
            let plan = aludel_diff::diff(&live, &models, d).unwrap();
            assert!(plan.is_empty(), "{d}: {:?}", plan.upgrade);
            let q = |name: &str| quote_ident(d, name);
            let insert = format!(
                "INSERT INTO {} ({}, {}, {}, {}, {}, {}) VALUES (7, 'Blue', 42, '[\"a\", \"b\"]', NULL, 'live')",
                q("Track"),
                q("TrackId"),
                q("Title"),
                q("Plays"),
                q("Tags"),
                q("Extra"),
                q("Type")
            );
            c.execute(&insert).await.unwrap();
            c.close().await;
            let rows = fetch(d, &db.url, &format!("SELECT * FROM {}", q("Track"))).await;
            let want = Track {
                track_id: 7,
                name: "Blue".into(),
                plays: 42,
                tags: vec!["a".into(), "b".into()],
                extra: None,
                cached: None,
                r#type: Some("live".into()),
            };
            assert_eq!(rows, [want], "{d}");
        });
    }
}
