#[derive(aludel::Model)]
#[aludel(table = "posts", table = "articles")]
struct Post {
    #[aludel(primary_key)]
    id: i64,
}

fn main() {}
