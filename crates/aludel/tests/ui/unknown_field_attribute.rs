#[derive(aludel::Model)]
struct Post {
    #[aludel(primry_key)]
    id: i64,
}

fn main() {}
