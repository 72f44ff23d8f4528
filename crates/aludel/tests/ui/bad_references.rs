#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(references = "users")]
    owner_id: i64,
}

fn main() {}
