#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(on_delete = "cascade")]
    owner_id: i64,
}

fn main() {}
