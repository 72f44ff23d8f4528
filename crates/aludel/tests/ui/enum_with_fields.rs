#[derive(aludel::Enum)]
enum Status {
    Draft,
    Live(u8),
}

fn main() {}
