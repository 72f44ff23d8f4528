//! SeaORM entities as models: SeaORM's own schema builder creates the tables on each
//! backend, and the tables aludel reads from the same entities describe them exactly.

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
            let plan = aludel_diff::diff(&live, &models(d), d).unwrap();
            assert!(plan.is_empty(), "{d}: {:#?}", plan.upgrade);
        });
    }
}
