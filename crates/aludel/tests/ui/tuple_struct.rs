#[derive(aludel::Model)]
struct Post(i64, String);

fn main() {}
