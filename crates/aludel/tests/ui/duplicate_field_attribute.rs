#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(unique, max_length = 20)]
    #[aludel(unique)]
    slug: String,
}

fn main() {}
