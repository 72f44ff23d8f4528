#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(max_length = 10)]
    views: i64,
}

fn main() {}
