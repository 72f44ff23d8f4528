#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    #[aludel(sql_type = "citext", max_length = 20)]
    slug: String,
}

fn main() {}
