#[derive(aludel::Enum)]
#[aludel(type_name = "status")]
enum Status {
    Draft,
}

fn main() {}
