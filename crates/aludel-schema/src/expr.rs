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

use crate::lex::{self, Kind, Rules, Token};
use crate::{Dialect, quote_literal};

/// `expr` with every reference to the column `old` renamed to `new`: unquoted
/// identifiers match case-insensitively, quoted ones exactly; string literals, comments
/// and qualified names (`t.old`) are left alone. A bare reference stays bare when `new`
/// is a plain identifier, and is quoted otherwise: with backquotes when the expression
/// already quotes that way (MySQL's catalog text), else with `"`.
pub fn rename_identifier(expr: &str, old: &str, new: &str) -> String {
    let toks = lex::tokens(expr);
    let plain = new
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let q = if toks.iter().any(|t| t.kind == Kind::Quoted('`')) {
        '`'
    } else {
        '"'
    };
    let bare = if plain {
        new.to_string()
    } else {
        format!("{q}{}{q}", new.replace(q, &format!("{q}{q}")))
    };
    let mut out = String::with_capacity(expr.len());
    for (i, t) in toks.iter().enumerate() {
        let after_dot = i > 0 && toks[i - 1].is_punct(".");
        let renamed = match t.kind {
            Kind::Word if !after_dot && t.text.eq_ignore_ascii_case(old) => Some(bare.clone()),
            Kind::Quoted(q) if q != '[' && !after_dot && t.ident().as_deref() == Some(old) => {
                let doubled = format!("{q}{q}");
                Some(format!("{q}{}{q}", new.replace(q, &doubled)))
            }
            _ => None,
        };
        out.push_str(renamed.as_deref().unwrap_or(t.text));
    }
    out
}

/// The tokens of `s` that carry meaning (no whitespace, no comments).
fn solid(s: &str, rules: Rules) -> Vec<Token<'_>> {
    lex::tokens_with(s, rules)
        .into_iter()
        .filter(|t| !t.is_trivia())
        .collect()
}

/// `"status" IN ('draft', 'live')` (the CHECK that holds a SQLite enum column to its
/// values, as aludel writes it or as people do) as the column and its values.
pub fn enum_check_values(expr: &str) -> Option<(String, Vec<String>)> {
    let toks = solid(lex::strip_outer_parens(expr), Rules::SQLITE);
    let column = toks.first()?.ident()?;
    if !toks.get(1)?.is_keyword("in") || !toks.get(2)?.is_punct("(") || !toks.last()?.is_punct(")")
    {
        return None;
    }
    let list = &toks[3..toks.len() - 1];
    let mut values = Vec::new();
    for (i, t) in list.iter().enumerate() {
        if i % 2 == 1 {
            if !t.is_punct(",") {
                return None;
            }
        } else if t.kind == Kind::Str && t.closed() {
            values.push(t.string_value(Rules::SQLITE)?);
        } else {
            return None;
        }
    }
    (!values.is_empty() && list.len() % 2 == 1).then_some((column, values))
}

/// The comparison key of an SQL expression written for `dialect`. String literals are
/// compared by value (MariaDB shows `'it''s'` as `'it\\'s'`).
pub fn normalize_expr(expr: &str, dialect: Dialect) -> String {
    let rules = Rules::of(dialect);
    let toks = solid(expr, rules);
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        i += 1;
        match t.kind {
            Kind::Str => {
                let value = t.string_value(rules).unwrap_or_default();
                out.push_str(&quote_literal(Dialect::Postgres, &value));
            }
            Kind::Number => out.push_str(t.text),
            Kind::Word => out.push_str(&t.text.to_lowercase()),
            Kind::Quoted(_) => out.push_str(&t.ident().unwrap_or_default().to_lowercase()),
            _ if t.is_punct("::") => i = skip_cast_type(&toks, i),
            _ if matches!(t.text, "(" | ")" | "[" | "]") => {}
            _ => out.push_str(t.text),
        }
    }
    // `x = ANY (ARRAY[...])` is how PostgreSQL keeps `x IN (...)`.
    out.replace("=anyarray", "in")
}

/// The index after the type name that starts at `i` (after a `::`): words (the
/// multi-word ones go on), a schema qualification, `(args)` and `[]`.
fn skip_cast_type(toks: &[Token<'_>], mut i: usize) -> usize {
    let is_name = |t: Option<&Token<'_>>| t.is_some_and(|t| t.ident().is_some());
    if !is_name(toks.get(i)) {
        return i;
    }
    i += 1;
    loop {
        if toks.get(i).is_some_and(|t| t.is_punct(".")) && is_name(toks.get(i + 1)) {
            i += 2;
        } else if toks
            .get(i)
            .is_some_and(|t| TYPE_WORDS.iter().any(|w| t.is_keyword(w)))
        {
            i += 1;
        } else {
            break;
        }
    }
    if toks.get(i).is_some_and(|t| t.is_punct("(")) {
        while i < toks.len() && !toks[i].is_punct(")") {
            i += 1;
        }
        i += 1;
    }
    while toks.get(i).is_some_and(|t| t.is_punct("["))
        && toks.get(i + 1).is_some_and(|t| t.is_punct("]"))
    {
        i += 2;
    }
    i
}

#[cfg(test)]
mod tests {
    use crate::Dialect;

    fn n(e: &str) -> String {
        super::normalize_expr(e, Dialect::Postgres)
    }

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
            r("c2 > 0", "c2", "my \"score"),
            "\"my \"\"score\" > 0",
            "a name that is not plain is quoted"
        );
        assert_eq!(
            r("`c2` > 0 AND c2 < 9", "c2", "a b"),
            "`a b` > 0 AND `a b` < 9",
            "as the expression quotes"
        );
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
    fn mysql_strings_compare_by_value() {
        let m = |e: &str| super::normalize_expr(e, Dialect::MySql);
        assert_eq!(m("c <> 'it''s'"), m(r"`c` <> 'it\'s'"));
        assert_eq!(m(r"c <> 'a\\b'"), m(r"(`c` <> 'a\\b')"));
        assert_ne!(m(r"c <> 'a\\b'"), m(r"c <> 'a\b'"));
    }

    #[test]
    fn different_expressions_stay_different() {
        assert_ne!(n("score >= 0"), n("score > 0"));
        assert_ne!(n("status = 'Live'"), n("status = 'live'"));
        assert_ne!(n("a < 10"), n("a < 100"));
    }
}
