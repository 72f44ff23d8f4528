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
    fn different_expressions_stay_different() {
        assert_ne!(n("score >= 0"), n("score > 0"));
        assert_ne!(n("status = 'Live'"), n("status = 'live'"));
        assert_ne!(n("a < 10"), n("a < 100"));
    }
}
