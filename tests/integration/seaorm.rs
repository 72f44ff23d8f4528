//! SeaORM entities as models: SeaORM's own schema builder creates the tables on each
//! backend, and the tables aludel reads from the same entities describe them exactly.

mod bakery;

use aludel_schema::{Dialect, Schema};
use aludel_tests::{TestDb, block_on};
use sea_orm::DbBackend;

#[derive(Debug, Clone, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "flavor")]
pub enum Flavor {
    #[sea_orm(string_value = "sweet")]
    Sweet,
    #[sea_orm(string_value = "sour")]
    Sour,
}

mod cake {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cake")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
        pub name: String,
        pub price: f64,
        #[sea_orm(default_value = 0)]
        pub stock: i64,
        #[sea_orm(indexed)]
        pub baked: bool,
        pub flavor: super::Flavor,
        #[sea_orm(column_type = "Text", nullable)]
        pub note: Option<String>,
        #[sea_orm(unique_key = "code")]
        pub region: String,
        #[sea_orm(unique_key = "code")]
        pub code: i16,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod fruit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "fruit")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub cake_id: Option<i32>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::cake::Entity",
            from = "Column::CakeId",
            to = "super::cake::Column::Id",
            on_delete = "Cascade"
        )]
        Cake,
    }

    impl Related<super::cake::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Cake.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// One column of each SeaORM column type the entity derive maps a Rust type to, and the
/// `column_type` spellings a catalog keeps apart.
mod pantry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "pantry", comment = "what the bakery keeps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tiny: i8,
        pub small: i16,
        pub big: Option<i64>,
        pub ratio: f32,
        #[sea_orm(column_name = "NetWeight")]
        pub weight: f64,
        pub open: bool,
        #[sea_orm(column_type = "Char(Some(3))")]
        pub code: String,
        #[sea_orm(column_type = "String(StringLen::N(20))", comment = "shelf label")]
        pub label: String,
        #[sea_orm(column_type = "Decimal(Some((10, 2)))")]
        pub price: f64,
        pub photo: Vec<u8>,
        pub made_on: Date,
        pub opens_at: Time,
        pub stocked_at: DateTime,
        pub sold_at: Option<DateTimeWithTimeZone>,
        pub recipe: Json,
        pub batch: Uuid,
        #[sea_orm(default_expr = "Expr::current_timestamp()")]
        pub updated_at: DateTime,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod cake_filling {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cake_filling")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub cake_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub filling: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn backend(d: Dialect) -> DbBackend {
    match d {
        Dialect::Postgres => DbBackend::Postgres,
        Dialect::MySql => DbBackend::MySql,
        Dialect::Sqlite => DbBackend::Sqlite,
    }
}

/// The statements SeaORM's schema builder writes for the entities, as SQL for `d`.
fn seaorm_ddl(d: Dialect) -> Vec<String> {
    let b = backend(d);
    let schema = sea_orm::Schema::new(b);
    let mut out = Vec::new();
    if d == Dialect::Postgres {
        out.extend(
            schema
                .create_enum_from_active_enum::<Flavor>()
                .map(|s| b.build(&s).sql),
        );
    }
    out.push(b.build(&schema.create_table_from_entity(cake::Entity)).sql);
    out.extend(
        schema
            .create_index_from_entity(cake::Entity)
            .iter()
            .map(|s| b.build(s).sql),
    );
    out.push(b.build(&schema.create_table_from_entity(fruit::Entity)).sql);
    out.push(
        b.build(&schema.create_table_from_entity(cake_filling::Entity))
            .sql,
    );
    out.push(
        b.build(&schema.create_table_from_entity(pantry::Entity))
            .sql,
    );
    out
}

fn models(d: Dialect) -> Schema {
    Schema::from_models(vec![
        ("cake".into(), aludel::sea_orm::table::<cake::Entity>(d)),
        ("fruit".into(), aludel::sea_orm::table::<fruit::Entity>(d)),
        (
            "cake_filling".into(),
            aludel::sea_orm::table::<cake_filling::Entity>(d),
        ),
        ("pantry".into(), aludel::sea_orm::table::<pantry::Entity>(d)),
    ])
    .unwrap()
}

/// What the entities say, read through SeaORM's traits: keys, uniques, SeaORM's index
/// names, the relation's action, the enum.
#[test]
fn seaorm_metadata_becomes_the_table() {
    let m = models(Dialect::Postgres);
    let cake = m.tables.iter().find(|t| t.name == "cake").unwrap();
    assert_eq!(cake.primary_key.as_ref().unwrap().columns, ["id"]);
    assert!(cake.get_column("id").unwrap().auto_increment);
    assert_eq!(cake.uniques[0].columns, ["name"]);
    let names: Vec<_> = cake.indexes.iter().map(|i| i.name.as_deref()).collect();
    assert_eq!(names, [Some("idx-cake-baked"), Some("idx-cake-code")]);
    assert!(cake.indexes[1].unique);
    assert_eq!(
        cake.get_column("stock").unwrap().default.as_deref(),
        Some("0")
    );
    assert!(cake.get_column("note").unwrap().nullable);
    assert_eq!(m.enums[0].values, ["sweet", "sour"]);
    let fruit = m.tables.iter().find(|t| t.name == "fruit").unwrap();
    assert_eq!(fruit.foreign_keys[0].ref_table.name, "cake");
    assert_eq!(
        fruit.foreign_keys[0].on_delete,
        aludel_schema::FkAction::Cascade
    );
    let filling = m.tables.iter().find(|t| t.name == "cake_filling").unwrap();
    assert_eq!(
        filling.primary_key.as_ref().unwrap().columns,
        ["cake_id", "filling"]
    );
    assert!(filling.columns.iter().all(|c| !c.auto_increment));
}

/// SeaORM creates the tables; the same entities, read as aludel models, describe them:
/// no difference on any backend.
#[test]
fn tables_seaorm_creates_check_clean_against_its_entities() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            for sql in seaorm_ddl(d) {
                c.execute(&sql)
                    .await
                    .unwrap_or_else(|e| panic!("{d}: {sql}: {e}"));
            }
            let live = c
                .introspect(&aludel_introspect::IntrospectOptions::default())
                .await
                .unwrap();
            c.close().await;
            let mut plan = aludel_diff::diff(&live, &models(d), d).unwrap();
            if d == Dialect::Postgres {
                // SeaORM's schema builder writes no comments on PostgreSQL (they take
                // statements of their own); the entity's comments are aludel's to add.
                let before = plan.upgrade.len();
                plan.upgrade.retain(|op| match op {
                    aludel_schema::Operation::SetTableComment { .. } => false,
                    aludel_schema::Operation::AlterColumn(a) => {
                        a.comment.is_none()
                            || a.ty.is_some()
                            || a.nullable.is_some()
                            || a.default.is_some()
                            || a.auto_increment.is_some()
                    }
                    _ => true,
                });
                assert_eq!(before - plan.upgrade.len(), 2, "{d}: the two comments");
            }
            assert!(plan.upgrade.is_empty(), "{d}: {:#?}", plan.upgrade);
        });
    }
}

/// A shop as SeaORM first declared it.
mod shop_v1 {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "shop")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(40))")]
        pub name: String,
        pub baker: String,
        pub legacy: Option<i32>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The shop changed: `name` longer and nullable, `baker` renamed to `chef`, `legacy` dropped, `rating`
/// and `city` added (the rename with SeaORM's own `renamed_from`); and what SeaORM cannot
/// say (checks, a named index) said with `#[aludel(...)]` next to SeaORM's attributes.
/// Registered as a model.
mod shop {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, aludel::SeaOrm)]
    #[sea_orm(table_name = "shop")]
    #[aludel(index(name = "ix_shop_name_city", columns(name, city)))]
    #[aludel(check(name = "ck_shop_rating_range", expr = "rating <= 5"))]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(80))", nullable)]
        pub name: Option<String>,
        #[sea_orm(renamed_from = "baker", comment = "who bakes")]
        pub chef: String,
        #[sea_orm(default_value = 0)]
        #[aludel(check = "rating >= 0")]
        pub rating: i32,
        pub city: Option<String>,
        #[sea_orm(ignore)]
        pub cached: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The derive registers the entity, with what `#[aludel(...)]` adds to SeaORM's table.
#[test]
fn a_seaorm_entity_with_the_aludel_derive_is_a_registered_model() {
    let all = aludel::schema(Dialect::Postgres).unwrap();
    let t = all.tables.iter().find(|t| t.name == "shop").unwrap();
    let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name", "chef", "rating", "city"]);
    let chef = t.get_column("chef").unwrap();
    assert_eq!(chef.renamed_from, ["baker"]);
    // SeaORM's schema builder carries the rename in the comment; aludel keeps it as
    // SeaORM writes it, so that the tables SeaORM created still compare clean.
    assert_eq!(
        chef.comment.as_deref(),
        Some("who bakes; renamed_from \"baker\"")
    );
    let checks: Vec<_> = t.checks.iter().map(|c| c.name.as_deref()).collect();
    assert_eq!(
        checks,
        [Some("ck_shop_rating"), Some("ck_shop_rating_range")]
    );
    assert_eq!(t.indexes[0].name.as_deref(), Some("ix_shop_name_city"));
    assert_eq!(t.indexes[0].columns, ["name", "city"]);
    let registered = aludel::__private::registered_models();
    assert!(registered.contains(&"Model (table shop)"), "{registered:?}");
}

async fn live(c: &mut aludel_introspect::Database) -> Schema {
    c.introspect(&aludel_introspect::IntrospectOptions::default())
        .await
        .unwrap()
}

/// The models as the runner compares them: with its naming convention.
fn named(mut s: Schema, d: Dialect) -> Schema {
    aludel_schema::NamingConvention::default().apply(&mut s, d);
    s
}

/// Runs `ops` from `state` and returns the schema they lead to.
async fn run(
    c: &mut aludel_introspect::Database,
    ops: &[aludel_schema::Operation],
    state: &Schema,
    label: &str,
) -> Schema {
    let d = c.dialect();
    let (sql, after) = aludel_sql::render_all(ops, state, d).unwrap();
    aludel_runner::execute_statements(c, label, &sql)
        .await
        .unwrap_or_else(|e| panic!("{d}: {label}: {e}\n{sql:#?}"));
    after
}

/// SeaORM creates the first shop; the changed entity autogenerates a plan that alters,
/// renames (keeping the data), drops and adds; after the upgrade the database checks clean
/// against the entity, and the downgrade brings back the first shop, row included.
#[test]
fn a_seaorm_entity_change_upgrades_checks_clean_and_downgrades() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            let b = backend(d);
            let create = sea_orm::Schema::new(b).create_table_from_entity(shop_v1::Entity);
            c.execute(&b.build(&create).sql).await.unwrap();
            c.execute("INSERT INTO shop (name, baker) VALUES ('corner', 'ann')")
                .await
                .unwrap();
            let v1 = named(
                Schema::from_models(vec![(
                    "v1".into(),
                    aludel::sea_orm::table::<shop_v1::Entity>(d),
                )])
                .unwrap(),
                d,
            );
            let before = live(&mut c).await;
            assert!(
                aludel_diff::diff(&before, &v1, d).unwrap().is_empty(),
                "{d}"
            );
            let v2 = named(
                Schema::from_models(vec![(
                    "shop".into(),
                    <shop::Entity as aludel::sea_orm::EntityModel>::table(d),
                )])
                .unwrap(),
                d,
            );
            let plan = aludel_diff::diff(&before, &v2, d).unwrap();
            use aludel_schema::Operation as O;
            let has = |f: fn(&O) -> bool| plan.upgrade.iter().any(f);
            assert!(
                has(|op| matches!(op, O::RenameColumn { .. })),
                "{d}: rename"
            );
            assert!(has(|op| matches!(op, O::AlterColumn(_))), "{d}: alter");
            assert!(has(|op| matches!(op, O::DropColumn { .. })), "{d}: drop");
            assert!(has(|op| matches!(op, O::AddColumn { .. })), "{d}: add");
            let state = run(&mut c, &plan.upgrade, &before, "upgrade").await;
            let after = live(&mut c).await;
            let left = aludel_diff::diff(&after, &v2, d).unwrap();
            assert!(left.is_empty(), "{d}: {:#?}", left.upgrade);
            let chef = c.query_column("SELECT chef FROM shop").await.unwrap();
            assert_eq!(chef, [Some("ann".to_string())], "{d}");
            run(&mut c, &plan.downgrade, &state, "downgrade").await;
            let back = live(&mut c).await;
            let left = aludel_diff::diff(&back, &v1, d).unwrap();
            assert!(left.is_empty(), "{d}: {:#?}", left.upgrade);
            let baker = c.query_column("SELECT baker FROM shop").await.unwrap();
            assert_eq!(baker, [Some("ann".to_string())], "{d}");
            c.close().await;
        });
    }
}

/// A project whose models are the SeaORM entities of examples/blog-seaorm.
fn seaorm_project(db: &TestDb) -> aludel_tests::Project {
    let p = aludel_tests::Project::new(&db.url);
    let root = aludel_tests::workspace_root();
    std::fs::write(
        p.root().join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\naludel = {{ path = {:?}, features = [\"sea-orm\"] }}\n\
             sea-orm = {{ version = \"2\", default-features = false, features = [\"macros\", \"with-chrono\"] }}\n",
            root.join("crates/aludel").display().to_string()
        ),
    )
    .unwrap();
    let source = std::fs::read_to_string(root.join("examples/blog-seaorm/src/lib.rs")).unwrap();
    p.set_models(&source);
    p
}

/// The Alembic workflow on SeaORM entities, through the `aludel` command on every
/// backend: the first revision, upgrade, a clean check; an entity changed (a column
/// added, one renamed with `#[aludel(renamed_from)]`, one dropped), autogenerated,
/// upgraded, clean again, downgraded; and an entity left without `aludel::SeaOrm` is a
/// forgotten model, not a table to drop.
#[test]
fn the_seaorm_blog_through_the_aludel_command() {
    for db in TestDb::all() {
        let d = db.dialect;
        let p = seaorm_project(&db);
        p.aludel(&["revision", "--autogenerate", "-m", "init"]).ok();
        p.aludel(&["upgrade", "head"]).ok();
        let clean = "No new upgrade operations detected.";
        assert_eq!(p.aludel(&["check"]).ok().stdout.trim(), clean, "{d}");
        let current = |p: &aludel_tests::Project| {
            let out = p.aludel(&["current"]).ok().stdout;
            out.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        };
        let init = current(&p);

        let source = std::fs::read_to_string(p.root().join("src/lib.rs")).unwrap();
        let mut changed = source;
        for (from, to) in [
            (
                "        #[sea_orm(default_value = 0)]\n        pub score: f64,",
                "        #[sea_orm(default_value = 0, renamed_from = \"score\")]\n        pub rating: f64,",
            ),
            ("        pub published_at: Option<DateTime>,\n", ""),
            (
                "        pub title: String,\n",
                "        pub title: String,\n        #[sea_orm(column_type = \"Text\", nullable)]\n        pub summary: Option<String>,\n",
            ),
        ] {
            assert!(
                changed.contains(from),
                "examples/blog-seaorm changed: {from}"
            );
            changed = changed.replace(from, to);
        }
        p.set_models(&changed);
        p.aludel(&["revision", "--autogenerate", "-m", "change posts"])
            .ok();
        let file = std::fs::read_to_string(
            p.revision_files()
                .iter()
                .find(|f| f.to_string_lossy().contains("change_posts"))
                .unwrap(),
        )
        .unwrap();
        for op in ["rename_column", "add_column", "drop_column"] {
            assert!(file.contains(op), "{d}: no {op} in\n{file}");
        }
        p.aludel(&["upgrade", "head"]).ok();
        assert_eq!(p.aludel(&["check"]).ok().stdout.trim(), clean, "{d}");
        p.aludel(&["downgrade", "-1"]).ok();
        assert_eq!(current(&p), init, "{d}");

        if d == Dialect::Sqlite {
            p.aludel(&["upgrade", "head"]).ok();
            p.set_models(&changed.replacen(
                "DeriveEntityModel, aludel::SeaOrm)]\n    #[sea_orm(table_name = \"votes\")]",
                "DeriveEntityModel)]\n    #[sea_orm(table_name = \"votes\")]",
                1,
            ));
            let out = p.aludel(&["check"]);
            assert_eq!(out.status.code(), Some(1), "{out:?}");
            assert!(
                out.stderr.contains("refusing to drop votes")
                    && out.stderr.contains("Model (table votes)"),
                "{out:?}"
            );
        }
    }
}
