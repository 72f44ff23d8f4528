#[derive(aludel::Model)]
struct Post {
    #[aludel(primary_key)]
    id: i64,
    address: std::net::IpAddr,
}

fn main() {}
