#[derive(aludel::Model)]
#[aludel(primary_key(user_id, post_id))]
struct Vote {
    #[aludel(primary_key)]
    user_id: i64,
    post_id: i64,
}

fn main() {}
