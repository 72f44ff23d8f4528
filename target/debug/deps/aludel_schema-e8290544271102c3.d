/work/main/target/debug/deps/aludel_schema-e8290544271102c3.d: crates/aludel-schema/src/lib.rs crates/aludel-schema/src/default_expr.rs crates/aludel-schema/src/dialect.rs crates/aludel-schema/src/error.rs crates/aludel-schema/src/expr.rs crates/aludel-schema/src/model.rs crates/aludel-schema/src/naming.rs crates/aludel-schema/src/normalize.rs crates/aludel-schema/src/ops.rs crates/aludel-schema/src/types.rs

/work/main/target/debug/deps/aludel_schema-e8290544271102c3: crates/aludel-schema/src/lib.rs crates/aludel-schema/src/default_expr.rs crates/aludel-schema/src/dialect.rs crates/aludel-schema/src/error.rs crates/aludel-schema/src/expr.rs crates/aludel-schema/src/model.rs crates/aludel-schema/src/naming.rs crates/aludel-schema/src/normalize.rs crates/aludel-schema/src/ops.rs crates/aludel-schema/src/types.rs

crates/aludel-schema/src/lib.rs:
crates/aludel-schema/src/default_expr.rs:
crates/aludel-schema/src/dialect.rs:
crates/aludel-schema/src/error.rs:
crates/aludel-schema/src/expr.rs:
crates/aludel-schema/src/model.rs:
crates/aludel-schema/src/naming.rs:
crates/aludel-schema/src/normalize.rs:
crates/aludel-schema/src/ops.rs:
crates/aludel-schema/src/types.rs:
