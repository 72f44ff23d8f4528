//! The example application of the tutorial: users write posts and vote on them.
//!
//! Its revisions live in the repository's top-level `migrations/` folder; they were
//! written by `aludel revision --autogenerate` as the models grew step by step.

use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Debug, aludel::Model)]
#[aludel(table = "users")]
pub struct User {
    #[aludel(primary_key)]
    pub id: i64,
    #[aludel(max_length = 64, unique)]
    pub username: String,
    #[aludel(default = "false")]
    pub is_admin: bool,
    #[aludel(default = "CURRENT_TIMESTAMP")]
    pub joined_at: NaiveDateTime,
}

#[derive(Debug, aludel::Model)]
#[aludel(table = "posts")]
pub struct Post {
    #[aludel(primary_key)]
    pub id: i32,
    #[aludel(max_length = 200)]
    pub title: String,
    pub body: Option<String>,
    #[aludel(default = "CURRENT_TIMESTAMP")]
    pub created_at: DateTime<Utc>,
    #[aludel(references = "users.id", on_delete = "cascade", index)]
    pub owner_id: Option<i64>,
    #[aludel(default = "0")]
    pub score: f64,
    pub published_at: Option<NaiveDateTime>,
    /// Loaded by the application, not stored: no column.
    #[aludel(skip)]
    pub owner: Option<User>,
}

#[derive(Debug, aludel::Model)]
#[aludel(table = "votes", primary_key(user_id, post_id))]
pub struct Vote {
    #[aludel(references = "users.id", on_delete = "cascade")]
    pub user_id: i64,
    #[aludel(references = "posts.id", on_delete = "cascade")]
    pub post_id: i32,
}
