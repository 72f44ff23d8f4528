#[derive(aludel::Model)]
#[aludel(table = "")]
#[aludel(index(columns(title), using = "bogus"))]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(column = "")]
    title: String,
}

fn main() {}
