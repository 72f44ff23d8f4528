//! add users and owner fk
//!
//! Revision ID: 383c33cc7a64
//! Revises: d6d2d1143a52
//! Create Date: 2026-11-21 11:35:44 UTC

use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "383c33cc7a64",
    revises: &["d6d2d1143a52"],
    message: "add users and owner fk",
};

pub fn upgrade(op: &mut Ops) {
    op.create_table(
        Table::new("users")
            .column(Column::new("id", ColumnType::BigInt).auto_increment())
            .column(Column::new("username", ColumnType::Varchar(64)))
            .column(Column::new("is_admin", ColumnType::Boolean).default("false"))
            .column(Column::new("joined_at", ColumnType::Timestamp).default("CURRENT_TIMESTAMP"))
            .primary_key_named("pk_users", ["id"])
            .unique(Unique::new(["username"]).named("uq_users_username")),
    );
    op.add_column(
        "posts",
        Column::new("owner_id", ColumnType::BigInt).nullable(),
    );
    op.create_index("posts", Index::new(["owner_id"]).named("ix_posts_owner_id"));
    op.create_foreign_key(
        "posts",
        ForeignKey::new(["owner_id"], "users", ["id"])
            .named("fk_posts_owner_id_users")
            .on_delete(FkAction::Cascade),
    );
}

pub fn downgrade(op: &mut Ops) {
    op.drop_foreign_key("posts", "fk_posts_owner_id_users");
    op.drop_index("posts", "ix_posts_owner_id");
    // DATA LOSS: drop column posts.owner_id; its data is gone for good once this runs.
    op.drop_column("posts", "owner_id");
    // DATA LOSS: drop table users; its data is gone for good once this runs.
    op.drop_table("users");
}
