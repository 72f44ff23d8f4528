//! create posts table
//!
//! Revision ID: d6d2d1143a52
//! Revises: <base>
//! Create Date: 2026-11-21 11:35:34 UTC

use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "d6d2d1143a52",
    revises: &[],
    message: "create posts table",
};

pub fn upgrade(op: &mut Ops) {
    op.create_table(
        Table::new("posts")
            .column(Column::new("id", ColumnType::Integer).auto_increment())
            .column(Column::new("title", ColumnType::Varchar(200)))
            .column(Column::new("body", ColumnType::Text).nullable())
            .column(Column::new("created_at", ColumnType::TimestampTz).default("CURRENT_TIMESTAMP"))
            .primary_key_named("pk_posts", ["id"]),
    );
}

pub fn downgrade(op: &mut Ops) {
    // DATA LOSS: drop table posts; its data is gone for good once this runs.
    op.drop_table("posts");
}
