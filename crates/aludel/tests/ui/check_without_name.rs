#[derive(aludel::Model)]
#[aludel(check(expr = "views >= 0"))]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    views: i64,
}

fn main() {}
