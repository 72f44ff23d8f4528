//! add score and published_at to posts
//!
//! Revision ID: b1cc9c865fbc
//! Revises: 383c33cc7a64
//! Create Date: 2026-11-21 11:35:50 UTC

use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "b1cc9c865fbc",
    revises: &["383c33cc7a64"],
    message: "add score and published_at to posts",
};

pub fn upgrade(op: &mut Ops) {
    op.add_column(
        "posts",
        Column::new("score", ColumnType::Double).default("0"),
    );
    op.add_column(
        "posts",
        Column::new("published_at", ColumnType::Timestamp).nullable(),
    );
}

pub fn downgrade(op: &mut Ops) {
    // DATA LOSS: drop column posts.published_at; its data is gone for good once this runs.
    op.drop_column("posts", "published_at");
    // DATA LOSS: drop column posts.score; its data is gone for good once this runs.
    op.drop_column("posts", "score");
}
