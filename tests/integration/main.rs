//! Integration tests against real databases: one binary, one module per concern.

mod introspect;
mod tutorial;
