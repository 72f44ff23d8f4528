#[derive(aludel::Model)]
#[aludel(primary_key(user_id, post))]
struct Vote {
    user_id: i64,
    post_id: i64,
}

fn main() {}
