#[derive(aludel::Enum)]
enum Status {
    Draft,
    #[aludel(rename = "draft")]
    Other,
}

fn main() {}
