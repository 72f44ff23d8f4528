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

/// `snake_case` (a field's name) in the style `rule` of `rename_all`; an unknown rule
/// leaves it as it is (the derive reports it).
pub fn rename(rule: &str, snake: &str) -> String {
    let words = snake.split('_').filter(|w| !w.is_empty());
    let capital = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    match rule {
        "lowercase" => snake.replace('_', "").to_lowercase(),
        "UPPERCASE" => snake.replace('_', "").to_uppercase(),
        "PascalCase" => words.map(capital).collect(),
        "camelCase" => {
            let pascal: String = words.map(capital).collect();
            let mut c = pascal.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
        "SCREAMING_SNAKE_CASE" => snake.to_uppercase(),
        "kebab-case" => snake.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => snake.replace('_', "-").to_uppercase(),
        _ => snake.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn rename_rules() {
        for (rule, want) in [
            ("PascalCase", "ArtistId"),
            ("camelCase", "artistId"),
            ("lowercase", "artistid"),
            ("UPPERCASE", "ARTISTID"),
            ("SCREAMING_SNAKE_CASE", "ARTIST_ID"),
            ("kebab-case", "artist-id"),
            ("SCREAMING-KEBAB-CASE", "ARTIST-ID"),
            ("snake_case", "artist_id"),
        ] {
            assert_eq!(super::rename(rule, "artist_id"), want, "{rule}");
        }
    }

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
