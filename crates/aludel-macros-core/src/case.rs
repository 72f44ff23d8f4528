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

/// A field's name in the style `rule` of `rename_all`, with heck's conversions, as
/// sqlx's `FromRow` derive renames: the two derives agree on every name. An unknown rule
/// leaves the name as it is (the derive reports it).
pub fn rename(rule: &str, field: &str) -> String {
    use heck::{
        ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase,
        ToUpperCamelCase,
    };
    match rule {
        "lowercase" => field.to_lowercase(),
        "UPPERCASE" => field.to_uppercase(),
        "PascalCase" => field.to_upper_camel_case(),
        "camelCase" => field.to_lower_camel_case(),
        "snake_case" => field.to_snake_case(),
        "SCREAMING_SNAKE_CASE" => field.to_shouty_snake_case(),
        "kebab-case" => field.to_kebab_case(),
        "SCREAMING-KEBAB-CASE" => field.to_shouty_kebab_case(),
        _ => field.to_string(),
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
            ("lowercase", "artist_id"),
            ("UPPERCASE", "ARTIST_ID"),
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
