#[derive(aludel::Model)]
#[aludel(tabel = "posts")]
struct Post {
    #[aludel(primary_key, max_length = "x")]
    id: i64,
    #[aludel(on_delete = "cascade")]
    owner_id: i64,
    #[aludel(skip, unique)]
    cache: String,
    #[aludel(references = "users")]
    user_id: i64,
}

fn main() {}
