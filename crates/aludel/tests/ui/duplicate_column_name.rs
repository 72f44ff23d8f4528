#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(column = "title")]
    headline: String,
    title: String,
}

fn main() {}
