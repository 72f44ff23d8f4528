//! A bakery in SeaORM entities, shaped like SeaORM's own example application (bakeries,
//! bakers, cakes and the bakers of each cake, customers, orders and their line items):
//! SeaORM's schema builder creates it on each backend, and the same entities, read as
//! aludel models, describe it exactly. `order` is a reserved word on every backend.

use aludel_schema::{Dialect, Schema};
use aludel_tests::{TestDb, block_on};

mod bakery_shop {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "bakery")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub profit_margin: f64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod baker {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "baker")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub contact_details: Json,
        pub bakery_id: Option<i32>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::bakery_shop::Entity",
            from = "Column::BakeryId",
            to = "super::bakery_shop::Column::Id",
            on_update = "Cascade",
            on_delete = "SetNull"
        )]
        Bakery,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod cake {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cake")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        #[sea_orm(column_type = "Decimal(Some((16, 4)))")]
        pub price: Decimal,
        pub bakery_id: Option<i32>,
        pub gluten_free: bool,
        #[sea_orm(unique)]
        pub serial: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::bakery_shop::Entity",
            from = "Column::BakeryId",
            to = "super::bakery_shop::Column::Id",
            on_delete = "Cascade"
        )]
        Bakery,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod cakes_bakers {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cakes_bakers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub cake_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub baker_id: i32,
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
        #[sea_orm(
            belongs_to = "super::baker::Entity",
            from = "Column::BakerId",
            to = "super::baker::Column::Id",
            on_delete = "Cascade"
        )]
        Baker,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod customer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub notes: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod order {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "Decimal(Some((16, 4)))")]
        pub total: Decimal,
        pub bakery_id: i32,
        pub customer_id: i32,
        pub placed_at: DateTime,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::bakery_shop::Entity",
            from = "Column::BakeryId",
            to = "super::bakery_shop::Column::Id",
            on_delete = "Restrict"
        )]
        Bakery,
        #[sea_orm(
            belongs_to = "super::customer::Entity",
            from = "Column::CustomerId",
            to = "super::customer::Column::Id",
            on_delete = "Cascade"
        )]
        Customer,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

mod lineitem {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lineitem")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "Decimal(Some((16, 4)))")]
        pub price: Decimal,
        pub quantity: i32,
        #[sea_orm(indexed)]
        pub order_id: i32,
        pub cake_id: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::order::Entity",
            from = "Column::OrderId",
            to = "super::order::Column::Id",
            on_delete = "Cascade"
        )]
        Order,
        #[sea_orm(
            belongs_to = "super::cake::Entity",
            from = "Column::CakeId",
            to = "super::cake::Column::Id",
            on_delete = "Cascade"
        )]
        Cake,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// The statements SeaORM's schema builder writes for the bakery on `b`, in an order the
/// foreign keys accept.
fn seaorm_ddl(b: sea_orm::DbBackend) -> Vec<String> {
    let s = sea_orm::Schema::new(b);
    let mut out = vec![
        b.build(&s.create_table_from_entity(bakery_shop::Entity))
            .sql,
        b.build(&s.create_table_from_entity(baker::Entity)).sql,
        b.build(&s.create_table_from_entity(cake::Entity)).sql,
        b.build(&s.create_table_from_entity(cakes_bakers::Entity))
            .sql,
        b.build(&s.create_table_from_entity(customer::Entity)).sql,
        b.build(&s.create_table_from_entity(order::Entity)).sql,
        b.build(&s.create_table_from_entity(lineitem::Entity)).sql,
    ];
    out.extend(
        s.create_index_from_entity(lineitem::Entity)
            .iter()
            .map(|i| b.build(i).sql),
    );
    out
}

fn models(d: Dialect) -> Schema {
    use aludel::sea_orm::table;
    let mut s = Schema::from_models(vec![
        ("bakery".into(), table::<bakery_shop::Entity>(d)),
        ("baker".into(), table::<baker::Entity>(d)),
        ("cake".into(), table::<cake::Entity>(d)),
        ("cakes_bakers".into(), table::<cakes_bakers::Entity>(d)),
        ("customer".into(), table::<customer::Entity>(d)),
        ("order".into(), table::<order::Entity>(d)),
        ("lineitem".into(), table::<lineitem::Entity>(d)),
    ])
    .unwrap();
    aludel_schema::NamingConvention::default().apply(&mut s, d);
    s
}

#[test]
fn the_bakery_seaorm_creates_checks_clean_against_its_entities() {
    for db in TestDb::all() {
        let d = db.dialect;
        block_on(async {
            let mut c = db.connect().await;
            for sql in seaorm_ddl(super::backend(d)) {
                c.execute(&sql)
                    .await
                    .unwrap_or_else(|e| panic!("{d}: {sql}: {e}"));
            }
            let live = c
                .introspect(&aludel_introspect::IntrospectOptions::default())
                .await
                .unwrap();
            c.close().await;
            assert_eq!(live.tables.len(), 7, "{d}");
            let plan = aludel_diff::diff(&live, &models(d), d).unwrap();
            assert!(plan.is_empty(), "{d}: {:#?}", plan.upgrade);
        });
    }
}
