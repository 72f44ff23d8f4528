#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(references = "users.id", on_delete = "explode")]
    owner_id: i64,
}

fn main() {}
