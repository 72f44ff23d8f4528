#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(skip, primary_key)]
    cache: String,
}

fn main() {}
