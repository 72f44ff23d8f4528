#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key, auto_increment = "no")]
    id: i64,
}

fn main() {}
