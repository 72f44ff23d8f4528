#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(max_length = "200")]
    title: String,
}

fn main() {}
