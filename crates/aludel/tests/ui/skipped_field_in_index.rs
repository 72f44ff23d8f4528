#[derive(aludel::Model)]
#[aludel(index(columns(cache)))]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(skip)]
    cache: String,
}

fn main() {}
