#[derive(aludel::Model)]
#[aludel(foreign_key(columns(a), references = "pairs(a, b)"))]
struct Child {
    #[aludel(primary_key)]
    id: i64,
    a: i32,
}

fn main() {}
