//! SQL expressions of check constraints and partial-index predicates, as compared.
//!
//! Databases rewrite these: PostgreSQL stores `score >= 0` as
//! `(score >= (0)::double precision)` and `status IN ('a', 'b')` as
//! `(status = ANY (ARRAY['a'::text, 'b'::text]))`; MySQL adds backquotes and
//! parentheses. [`normalize_expr`] reduces both spellings to one key. The key is loose on
//! purpose (it ignores parentheses and identifier quoting): a false "no change" on an
//! expression that only moved its parentheses is better than a false change on every run.

/// Words that continue a multi-word PostgreSQL type name after `::`.
const TYPE_WORDS: [&str; 6] = ["precision", "varying", "with", "without", "time", "zone"];

/// `expr` with every reference to the column `old` renamed to `new`: unquoted
/// identifiers match case-insensitively, quoted ones exactly; string literals are left
/// alone.
pub fn rename_identifier(expr: &str, old: &str, new: &str) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.extend(&chars[start..i]);
        } else if c == '"' || c == '`' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let quoted: String = chars[start..i].iter().collect();
            let inner = &quoted[1..quoted.len().saturating_sub(1)];
            if inner == old {
                out.push(c);
                out.push_str(new);
                out.push(c);
            } else {
                out.push_str(&quoted);
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let after_dot = start > 0 && chars[start - 1] == '.';
            if !after_dot && word.eq_ignore_ascii_case(old) {
                out.push_str(new);
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `"status" IN ('draft', 'live')` (the CHECK that holds a SQLite enum column to its
/// values, as aludel writes it or as people do) as the column and its values.
pub fn enum_check_values(expr: &str) -> Option<(String, Vec<String>)> {
    let mut e = expr.trim();
    while e.starts_with('(') && e.ends_with(')') && balanced(&e[1..e.len() - 1]) {
        e = e[1..e.len() - 1].trim();
    }
    let (column, rest) = split_identifier(e)?;
    let rest = rest.trim_start();
    let kw = rest.get(..2)?;
    if !kw.eq_ignore_ascii_case("in") {
        return None;
    }
    let list = rest[2..].trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut values = Vec::new();
    let mut chars = list.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next()? != '\'' {
            return None;
        }
        let mut v = String::new();
        loop {
            match chars.next()? {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    v.push('\'');
                }
                '\'' => break,
                c => v.push(c),
            }
        }
        values.push(v);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => break,
            Some(',') => continue,
            Some(_) => return None,
        }
    }
    (!values.is_empty()).then_some((column, values))
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_quote = false;
    for c in s.chars() {
        match c {
            '\'' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// A leading identifier, quoted or not, and the rest.
fn split_identifier(e: &str) -> Option<(String, &str)> {
    let first = e.chars().next()?;
    if first == '"' || first == '`' || first == '[' {
        let close = if first == '[' { ']' } else { first };
        let end = e[1..].find(close)? + 1;
        return Some((e[1..end].to_string(), &e[end + 1..]));
    }
    let end = e
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(e.len());
    (end > 0).then(|| (e[..end].to_string(), &e[end..]))
}

/// The comparison key of an SQL expression.
pub fn normalize_expr(expr: &str) -> String {
    let lowered = lower_outside_quotes(expr);
    let no_casts = strip_casts(&lowered);
    let mut out = String::with_capacity(no_casts.len());
    let mut in_quote = false;
    for c in no_casts.chars() {
        if c == '\'' {
            in_quote = !in_quote;
            out.push(c);
        } else if in_quote {
            out.push(c);
        } else if matches!(c, '(' | ')' | '[' | ']' | '"' | '`') || c.is_whitespace() {
            continue;
        } else {
            out.push(c);
        }
    }
    // `x = ANY (ARRAY[...])` is how PostgreSQL keeps `x IN (...)`.
    out.replace("=anyarray", "in")
}

fn lower_outside_quotes(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    let mut in_quote = false;
    let mut last_space = false;
    for c in e.trim().chars() {
        if c == '\'' {
            in_quote = !in_quote;
        }
        if in_quote || c == '\'' {
            out.push(c);
            last_space = false;
        } else if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    out
}

/// Removes every `::type` outside quotes (`::text`, `::double precision`,
/// `::character varying(20)[]`).
fn strip_casts(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    let chars: Vec<char> = e.chars().collect();
    let mut i = 0;
    let mut in_quote = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            in_quote = !in_quote;
        }
        if !in_quote && c == ':' && chars.get(i + 1) == Some(&':') {
            i += 2;
            // One type name: words (the multi-word ones go on), then (args) and [].
            loop {
                while chars.get(i) == Some(&' ') {
                    i += 1;
                }
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '"')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let next_start = {
                    let mut j = i;
                    while chars.get(j) == Some(&' ') {
                        j += 1;
                    }
                    j
                };
                let next: String = chars[next_start..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric())
                    .collect();
                if !word.is_empty() && TYPE_WORDS.contains(&next.as_str()) {
                    i = next_start;
                    continue;
                }
                break;
            }
            if chars.get(i) == Some(&'(') {
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
                i += 1;
            }
            while chars.get(i) == Some(&'[') && chars.get(i + 1) == Some(&']') {
                i += 2;
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_expr as n;

    #[test]
    fn rewritten_expressions_compare_equal() {
        let same = [
            ("score >= 0", "(score >= (0)::double precision)"),
            ("price > 0", "(price > (0)::numeric)"),
            (
                "status IN ('draft', 'live')",
                "(status = ANY (ARRAY['draft'::text, 'live'::text]))",
            ),
            (
                "status IN ('draft', 'live')",
                "((status)::text = ANY ((ARRAY['draft'::character varying, 'live'::character varying])::text[]))",
            ),
            ("score >= 0", "`score` >= 0"),
            ("score >= 0", "(`score` >= 0)"),
            ("owner_id IS NOT NULL", "(owner_id IS NOT NULL)"),
            ("length(name) > 2", "(length((name)::text) > 2)"),
            ("a < b AND b < 10", "((a < b) AND (b < 10))"),
        ];
        for (a, b) in same {
            assert_eq!(n(a), n(b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn renaming_a_column_inside_an_expression() {
        use super::rename_identifier as r;
        assert_eq!(r("c2 >= 0 AND c20 < 5", "c2", "n9"), "n9 >= 0 AND c20 < 5");
        assert_eq!(r("\"c2\" IS NOT NULL", "c2", "n9"), "\"n9\" IS NOT NULL");
        assert_eq!(
            r("status = 'c2'", "c2", "n9"),
            "status = 'c2'",
            "not inside strings"
        );
        assert_eq!(r("lower(C2) = 'x'", "c2", "n9"), "lower(n9) = 'x'");
        assert_eq!(
            r("t.c2 > 0", "c2", "n9"),
            "t.c2 > 0",
            "a qualified name is another's"
        );
    }

    #[test]
    fn enum_checks_are_recognised() {
        use super::enum_check_values as v;
        let want = Some((
            "status".to_string(),
            vec!["draft".to_string(), "it's".to_string()],
        ));
        assert_eq!(v("\"status\" IN ('draft', 'it''s')"), want);
        assert_eq!(v("(status in ('draft','it''s'))"), want);
        assert_eq!(v("status IN ('a') OR x"), None);
        assert_eq!(v("n > 0"), None);
        assert_eq!(v("status IN (1, 2)"), None, "values are strings");
    }

    #[test]
    fn different_expressions_stay_different() {
        assert_ne!(n("score >= 0"), n("score > 0"));
        assert_ne!(n("status = 'Live'"), n("status = 'live'"));
        assert_ne!(n("a < 10"), n("a < 100"));
    }
}
