//! Models written for a schema read back, without a compiler, as that schema.

use aludel_schema::{
    Check, Column, ColumnType as T, Dialect, EnumType, FkAction, ForeignKey, Index, Schema, Table,
    Unique,
};

use super::{ModelsOptions, render_models};

const ALL: &[&str] = &["chrono", "time", "uuid", "json", "decimal"];

/// Writes the models, parses them, describes each struct as the derive would, and diffs
/// the result against `schema` on `dialect`: there must be nothing to do.
fn round_trip(schema: &Schema, dialect: Dialect, features: &[&str]) -> String {
    let opts = ModelsOptions {
        dialect,
        features,
        header: vec!["written by a test".into()],
    };
    let models = render_models(schema, &opts);
    let described =
        super::read_models(&models.source).unwrap_or_else(|e| panic!("{e}\n{}", models.source));
    let plan = aludel_diff::diff(schema, &described, dialect).unwrap();
    assert!(
        plan.upgrade.is_empty(),
        "{dialect}: {:#?}\n{}",
        plan.upgrade,
        models.source
    );
    models.source
}

fn shop() -> Schema {
    let mut s = Schema::new();
    s.tables.push(
        Table::new("Customer")
            .column(Column::new("CustomerId", T::Integer).auto_increment())
            .column(Column::new("FirstName", T::Varchar(40)))
            .column(Column::new("type", T::Text).nullable())
            .column(Column::new(
                "Balance",
                T::Decimal {
                    precision: Some(10),
                    scale: Some(2),
                },
            ))
            .column(Column::new("created", T::Timestamp).default("CURRENT_TIMESTAMP"))
            .column(Column::new("note", T::Text).nullable().comment("free text"))
            .primary_key(["CustomerId"])
            .unique(Unique::new(["FirstName"]).named("uq_customer_first"))
            .check(Check::new("Balance >= 0").named("ck_customer_balance")),
    );
    s.tables.push(
        Table::new("order_line")
            .column(Column::new("order_id", T::BigInt))
            .column(Column::new("line", T::SmallInt))
            .column(Column::new("customer", T::Integer))
            .column(Column::new("self", T::Boolean).default("false"))
            .column(Column::new("2fa code", T::Custom("char(6)".into())).nullable())
            .primary_key(["order_id", "line"])
            .index(Index::new(["customer", "line"]).named("ix_line_customer"))
            .foreign_key(
                ForeignKey::new(["customer"], "Customer", ["CustomerId"])
                    .named("fk_line_customer")
                    .on_delete(FkAction::Cascade),
            ),
    );
    s.tables.push(
        Table::new("lookup")
            .column(Column::new("code", T::Integer))
            .column(Column::new("label", T::Text))
            .primary_key(["code"]),
    );
    s
}

#[test]
fn a_schema_comes_back_from_its_models_on_every_dialect() {
    for d in Dialect::ALL {
        let mut s = shop();
        if d == Dialect::Sqlite {
            // SQLite keeps no comments.
            s.tables[0].columns[5].comment = None;
        }
        round_trip(&s, d, ALL);
        round_trip(&s, d, &[]);
    }
}

#[test]
fn postgres_enums_partial_indexes_and_methods() {
    let mut s = shop();
    s.enums.push(EnumType {
        name: "order_state".into(),
        schema: None,
        values: vec!["new".into(), "in-transit".into(), "Done".into()],
    });
    let state = T::Enum {
        name: "order_state".into(),
        values: vec!["new".into(), "in-transit".into(), "Done".into()],
    };
    s.tables[1].columns.push(Column::new("state", state));
    s.tables[1].indexes.push(
        Index::new(["state"])
            .named("ix_line_open")
            .where_("state <> 'Done'"),
    );
    s.tables[2]
        .indexes
        .push(Index::new(["label"]).named("ix_lookup_label").using("gin"));
    let source = round_trip(&s, Dialect::Postgres, ALL);
    if std::env::var_os("SHOW_MODELS").is_some() {
        eprintln!("{source}");
    }
    assert!(source.contains("pub enum OrderState"), "{source}");
    assert!(source.contains("r#type"), "{source}");
    assert!(
        source.contains("#[aludel(table = \"Customer\")]"),
        "{source}"
    );
}

#[test]
fn a_pascal_case_table_states_its_style_once() {
    let mut s = Schema::new();
    s.tables.push(
        Table::new("Invoice")
            .column(Column::new("InvoiceId", T::Integer).auto_increment())
            .column(Column::new("BillingCity", T::Varchar(40)).nullable())
            .column(Column::new("CustomerID", T::Integer))
            .column(Column::new("Total", T::Double))
            .primary_key(["InvoiceId"]),
    );
    let source = round_trip(&s, Dialect::Postgres, ALL);
    assert!(source.contains("rename_all = \"PascalCase\""), "{source}");
    assert_eq!(
        source.matches("column = ").count(),
        1,
        "only CustomerID: {source}"
    );
}

#[test]
fn names_are_told_apart() {
    let mut s = Schema::new();
    for (schema, name) in [(None, "user"), (Some("audit"), "user"), (None, "User")] {
        let mut t = Table::new(name)
            .column(Column::new("id", T::BigInt))
            .column(Column::new("Id", T::BigInt))
            .primary_key(["id"]);
        t.schema = schema.map(Into::into);
        s.tables.push(t);
    }
    let source = round_trip(&s, Dialect::Postgres, ALL);
    for ident in [
        "pub struct User ",
        "pub struct AuditUser ",
        "pub struct User2 ",
    ] {
        assert!(source.contains(ident), "{ident}: {source}");
    }
    assert!(source.contains("pub id_2: i64"), "{source}");
}

#[test]
fn names_that_are_no_identifier_get_one() {
    let mut s = Schema::new();
    s.tables.push(
        Table::new("2 fast")
            .column(Column::new("id", T::BigInt))
            .column(Column::new("名前", T::Text))
            .column(Column::new("a b", T::Text))
            .column(Column::new("²x", T::Text))
            .column(Column::new("x²", T::Text))
            .column(Column::new("crate", T::Text))
            .primary_key(["id"]),
    );
    s.tables.push(
        Table::new("Self")
            .column(Column::new("id", T::BigInt))
            .primary_key(["id"]),
    );
    s.tables.push(
        Table::new("²")
            .column(Column::new("id", T::BigInt))
            .primary_key(["id"]),
    );
    let source = round_trip(&s, Dialect::Postgres, ALL);
    assert!(source.contains("pub struct T2Fast"), "{source}");
    assert!(source.contains("pub 名前: String"), "{source}");
    assert!(source.contains("pub struct SelfTable"), "{source}");
}
