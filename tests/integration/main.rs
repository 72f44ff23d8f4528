//! Integration tests against real databases: one binary, one module per concern.

mod changes;
mod cli;
mod fidelity;
mod fleet;
mod guards;
mod hostile;
mod inspect;
mod introspect;
mod mysql_types;
mod review;
mod roundtrip;
mod runner;
mod seaorm;
mod snapshots;
mod sqlx_pair;
mod tutorial;
