#[derive(aludel::Model)]
enum Status {
    Draft,
    Live,
}

fn main() {}
