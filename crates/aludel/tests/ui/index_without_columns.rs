#[derive(aludel::Model)]
#[aludel(index(name = "ix_posts_title"))]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    title: String,
}

fn main() {}
