#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(column = 5)]
    title: String,
}

fn main() {}
