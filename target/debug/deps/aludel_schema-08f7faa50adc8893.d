/work/main/target/debug/deps/aludel_schema-08f7faa50adc8893.d: crates/aludel-schema/src/lib.rs crates/aludel-schema/src/default_expr.rs crates/aludel-schema/src/dialect.rs crates/aludel-schema/src/error.rs crates/aludel-schema/src/expr.rs crates/aludel-schema/src/model.rs crates/aludel-schema/src/naming.rs crates/aludel-schema/src/normalize.rs crates/aludel-schema/src/ops.rs crates/aludel-schema/src/types.rs

/work/main/target/debug/deps/libaludel_schema-08f7faa50adc8893.rlib: crates/aludel-schema/src/lib.rs crates/aludel-schema/src/default_expr.rs crates/aludel-schema/src/dialect.rs crates/aludel-schema/src/error.rs crates/aludel-schema/src/expr.rs crates/aludel-schema/src/model.rs crates/aludel-schema/src/naming.rs crates/aludel-schema/src/normalize.rs crates/aludel-schema/src/ops.rs crates/aludel-schema/src/types.rs

/work/main/target/debug/deps/libaludel_schema-08f7faa50adc8893.rmeta: crates/aludel-schema/src/lib.rs crates/aludel-schema/src/default_expr.rs crates/aludel-schema/src/dialect.rs crates/aludel-schema/src/error.rs crates/aludel-schema/src/expr.rs crates/aludel-schema/src/model.rs crates/aludel-schema/src/naming.rs crates/aludel-schema/src/normalize.rs crates/aludel-schema/src/ops.rs crates/aludel-schema/src/types.rs

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
