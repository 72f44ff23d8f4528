//! Integration tests against real databases: one binary, one module per concern.

mod changes;
mod fidelity;
mod introspect;
mod tutorial;
