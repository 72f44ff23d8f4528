//! Every attribute the derives reject: a case per file in tests/ui, with the compiler's
//! output as a golden `.stderr` next to it. Regenerate with `TRYBUILD=overwrite`.

#[test]
fn rejected_attributes() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    // The compiler lists the types that have a column type, which depends on the
    // features: this case's golden is made with every type feature on, as the
    // workspace's tests build aludel.
    if cfg!(all(
        feature = "chrono",
        feature = "time",
        feature = "uuid",
        feature = "json",
        feature = "decimal"
    )) {
        t.compile_fail("tests/ui_all_features/*.rs");
    } else {
        eprintln!("tests/ui_all_features skipped: run with every type feature of aludel on");
    }
}
