//! The Rust source aludel writes. The revision-file format, both ways: [`write`] makes a
//! revision file's Rust source from operations (formatted as rustfmt would), and [`read`]
//! reads revision files back as text, without compiling them (ids, same-code comparison,
//! `aludel-allow` comments). And [`models`]: the models `aludel inspect` writes for a
//! schema as it is.
//!
//! Architecture invariant: pure, no database, filesystem or async runtime; the one place
//! that knows what a revision file and a models file look like.

pub mod models;
pub mod read;
pub mod write;

pub use write::{
    FILE_TEMPLATE_TOKENS, NewRevision, file_name, new_revision_id, render_revision, slug,
};
