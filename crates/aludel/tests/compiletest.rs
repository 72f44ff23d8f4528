//! Every attribute the derives reject: a case per file in tests/ui, with the compiler's
//! output as a golden `.stderr` next to it. Regenerate with `TRYBUILD=overwrite`.

#[test]
fn rejected_attributes() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
