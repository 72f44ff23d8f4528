#[derive(aludel::Model)]
#[aludel(tabel = "posts")]
struct Post {
    #[aludel(primary_key)]
    id: i64,
}

fn main() {}
