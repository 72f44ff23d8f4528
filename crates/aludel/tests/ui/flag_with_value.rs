#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(unique = true, max_length = 20)]
    slug: String,
}

fn main() {}
