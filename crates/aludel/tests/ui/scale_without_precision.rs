#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(scale = 2)]
    price: f64,
}

fn main() {}
