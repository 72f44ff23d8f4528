//! add votes
//!
//! Revision ID: 58eb8db26726
//! Revises: b1cc9c865fbc
//! Create Date: 2026-11-21 11:35:51 UTC

use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "58eb8db26726",
    revises: &["b1cc9c865fbc"],
    message: "add votes",
};

pub fn upgrade(op: &mut Ops) {
    op.create_table(
        Table::new("votes")
            .column(Column::new("user_id", ColumnType::BigInt))
            .column(Column::new("post_id", ColumnType::Integer))
            .primary_key_named("pk_votes", ["user_id", "post_id"])
            .foreign_key(
                ForeignKey::new(["user_id"], "users", ["id"])
                    .named("fk_votes_user_id_users")
                    .on_delete(FkAction::Cascade),
            )
            .foreign_key(
                ForeignKey::new(["post_id"], "posts", ["id"])
                    .named("fk_votes_post_id_posts")
                    .on_delete(FkAction::Cascade),
            ),
    );
}

pub fn downgrade(op: &mut Ops) {
    // DATA LOSS: drop table votes; its data is gone for good once this runs.
    op.drop_table("votes");
}
