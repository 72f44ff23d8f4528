#[derive(aludel::Model)]
struct Post<T> {
    #[aludel(primary_key)]
    id: i64,
    extra: Option<T>,
}

fn main() {}
