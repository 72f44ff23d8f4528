//! Snapshots of what autogenerate writes for each kind of change: the revision file, and
//! the SQL of its upgrade and downgrade on each dialect. Review changes with
//! `cargo insta review` (or accept with `INSTA_UPDATE=always`).

use aludel_runner::{NewRevision, render_revision};
use aludel_schema::{
    Check, Column, ColumnType as T, Dialect, EnumType, FkAction, ForeignKey, Index,
    NamingConvention, Schema, Table, Unique,
};

fn schema(tables: Vec<Table>) -> Schema {
    let mut s = Schema {
        tables: tables.into(),
        enums: Vec::new(),
    };
    NamingConvention::default().apply(&mut s, Dialect::Postgres);
    s
}

fn users() -> Table {
    Table::new("users")
        .column(Column::new("id", T::BigInt).auto_increment())
        .column(Column::new("email", T::Varchar(120)))
        .primary_key(["id"])
}

fn posts() -> Table {
    Table::new("posts")
        .column(Column::new("id", T::Integer).auto_increment())
        .column(Column::new("title", T::Varchar(200)))
        .column(Column::new("owner_id", T::BigInt).nullable())
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["owner_id"], "users", ["id"]).on_delete(FkAction::Cascade))
}

/// The revision file of `before -> after`, then its SQL on each dialect.
fn render(before: &Schema, after: &Schema) -> String {
    let plan = aludel_diff::diff(before, after, Dialect::Postgres).expect("diff");
    let mut out = render_revision(&NewRevision {
        id: "0123456789ab".into(),
        revises: vec!["ba9876543210".into()],
        message: "the change".into(),
        created: "2026-11-21 12:00:00 UTC".into(),
        upgrade: plan.upgrade.clone(),
        downgrade: plan.downgrade.clone(),
        warnings: plan
            .notes
            .iter()
            .filter(|n| n.kind == aludel_diff::NoteKind::Destructive)
            .map(|n| n.message.clone())
            .collect(),
    });
    for d in Dialect::ALL {
        for (what, ops, start) in [
            ("upgrade", &plan.upgrade, before.clone()),
            ("downgrade", &plan.downgrade, {
                let mut s = before.clone();
                for op in &plan.upgrade {
                    op.apply(&mut s).expect("replay");
                }
                s
            }),
        ] {
            out.push_str(&format!("\n-- {d} {what}\n"));
            match aludel_sql::render_all(ops, &start, d) {
                Ok((sql, _)) => {
                    for s in sql {
                        out.push_str(&s);
                        out.push_str(";\n");
                    }
                }
                Err(e) => out.push_str(&format!("error: {e}\n")),
            }
        }
    }
    out
}

macro_rules! case {
    ($name:ident, $before:expr, $after:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(render(&$before, &$after));
        }
    };
}

case!(
    create_table,
    schema(vec![users()]),
    schema(vec![
        users(),
        posts()
            .unique(Unique::new(["title"]))
            .index(Index::new(["owner_id", "title"]))
            .check(Check::new("length(title) > 0").named("ck_posts_title"))
            .comment("what users write"),
    ])
);

case!(
    drop_table,
    schema(vec![users(), posts()]),
    schema(vec![users()])
);

case!(
    rename_table,
    schema(vec![users(), posts()]),
    schema(vec![
        Table {
            name: "accounts".into(),
            renamed_from: vec!["users".into()],
            ..users()
        },
        Table {
            foreign_keys: vec![
                ForeignKey::new(["owner_id"], "accounts", ["id"])
                    .named("fk_posts_owner_id_users")
                    .on_delete(FkAction::Cascade)
            ],
            ..posts()
        },
    ])
);

case!(
    add_columns,
    schema(vec![users()]),
    schema(vec![
        users()
            .column(Column::new("bio", T::Text).nullable())
            .column(Column::new("active", T::Boolean).default("true"))
            .column(
                Column::new("joined", T::Timestamp)
                    .default("CURRENT_TIMESTAMP")
                    .comment("first login")
            )
    ])
);

case!(
    drop_column,
    schema(vec![users().column(Column::new("bio", T::Text).nullable())]),
    schema(vec![users()])
);

case!(
    rename_column,
    schema(vec![users()]),
    schema(vec![
        Table::new("users")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(Column::new("mail", T::Varchar(120)).renamed_from("email"))
            .primary_key(["id"])
    ])
);

case!(
    alter_type_nullability_default,
    schema(vec![users()]),
    schema(vec![
        Table::new("users")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(
                Column::new("email", T::Varchar(255))
                    .nullable()
                    .default("'nobody'")
            )
            .primary_key(["id"])
    ])
);

case!(
    primary_key_change,
    schema(vec![
        Table::new("votes")
            .column(Column::new("user_id", T::BigInt))
            .column(Column::new("post_id", T::BigInt))
            .primary_key(["user_id"])
    ]),
    schema(vec![
        Table::new("votes")
            .column(Column::new("user_id", T::BigInt))
            .column(Column::new("post_id", T::BigInt))
            .primary_key(["user_id", "post_id"])
    ])
);

case!(
    uniques_and_indexes,
    schema(vec![users().unique(Unique::new(["email"]))]),
    schema(vec![
        users().index(Index::new(["email"]).unique().where_("email <> ''"))
    ])
);

case!(
    foreign_key_action_change,
    schema(vec![users(), posts()]),
    schema(vec![
        users(),
        Table {
            foreign_keys: vec![
                ForeignKey::new(["owner_id"], "users", ["id"]).on_delete(FkAction::SetNull)
            ],
            ..posts()
        },
    ])
);

case!(
    composite_foreign_key,
    schema(vec![
        Table::new("pairs")
            .column(Column::new("a", T::Integer))
            .column(Column::new("b", T::Integer))
            .primary_key(["a", "b"])
    ]),
    schema(vec![
        Table::new("pairs")
            .column(Column::new("a", T::Integer))
            .column(Column::new("b", T::Integer))
            .primary_key(["a", "b"]),
        Table::new("children")
            .column(Column::new("id", T::Integer).auto_increment())
            .column(Column::new("pa", T::Integer))
            .column(Column::new("pb", T::Integer))
            .primary_key(["id"])
            .foreign_key(
                ForeignKey::new(["pa", "pb"], "pairs", ["a", "b"]).on_update(FkAction::Cascade)
            ),
    ])
);

case!(
    foreign_key_cycle,
    schema(vec![]),
    schema(vec![
        Table::new("a")
            .column(Column::new("id", T::Integer))
            .column(Column::new("b_id", T::Integer).nullable())
            .primary_key(["id"])
            .foreign_key(ForeignKey::new(["b_id"], "b", ["id"])),
        Table::new("b")
            .column(Column::new("id", T::Integer))
            .column(Column::new("a_id", T::Integer).nullable())
            .primary_key(["id"])
            .foreign_key(ForeignKey::new(["a_id"], "a", ["id"])),
    ])
);

case!(
    checks,
    schema(vec![users().check(
        Check::new("length(email) > 3").named("ck_users_email")
    )]),
    schema(vec![
        users().check(Check::new("email LIKE '%@%'").named("ck_users_at"))
    ])
);

case!(
    comments,
    schema(vec![users()]),
    schema(vec![Table {
        comment: Some("people".into()),
        ..Table::new("users")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(Column::new("email", T::Varchar(120)).comment("how to reach them"))
            .primary_key(["id"])
    }])
);

fn status(values: &[&str]) -> T {
    T::Enum {
        name: "post_status".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn with_status(values: &[&str]) -> Schema {
    let mut s = schema(vec![
        posts().column(Column::new("status", status(values)).default("'draft'")),
        users(),
    ]);
    s.enums.push(EnumType {
        name: "post_status".into(),
        schema: None,
        values: values.iter().map(|v| v.to_string()).collect(),
    });
    s
}

case!(
    enum_created,
    schema(vec![posts(), users()]),
    with_status(&["draft", "live"])
);
case!(
    enum_value_added,
    with_status(&["draft", "live"]),
    with_status(&["draft", "review", "live"])
);
case!(
    enum_value_removed,
    with_status(&["draft", "review", "live"]),
    with_status(&["draft", "live"])
);

case!(
    sqlite_rebuilds_keep_rows,
    schema(vec![users(), posts()]),
    schema(vec![
        users(),
        Table::new("posts")
            .column(Column::new("id", T::Integer).auto_increment())
            .column(Column::new("title", T::Text).nullable())
            .column(Column::new("owner_id", T::BigInt).nullable())
            .primary_key(["id"])
            .check(Check::new("title <> ''").named("ck_posts_title")),
    ])
);
