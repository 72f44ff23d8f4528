//! The runner of the example application's migrations: the models of `blog` and the
//! revisions in `versions/`, compiled together. The `aludel` command builds and runs it.

// Links the crate that holds the models: each model registers itself, so there is no
// list to keep.
use blog as _;

aludel::main!();
