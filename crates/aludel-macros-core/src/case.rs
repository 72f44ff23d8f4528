/// `PostStatus` -> `post_status`, `HTTPServer` -> `http_server`.
pub fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some('_') => false,
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn cases() {
        for (a, b) in [
            ("Post", "post"),
            ("PostStatus", "post_status"),
            ("HTTPServer", "http_server"),
            ("User2Fa", "user2_fa"),
            ("already_snake", "already_snake"),
        ] {
            assert_eq!(snake_case(a), b);
        }
    }
}
