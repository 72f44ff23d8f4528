#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(auto_increment)]
    seq: i64,
}

fn main() {}
