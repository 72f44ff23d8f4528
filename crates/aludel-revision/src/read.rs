//! Revision files read as text (a base branch's files are never compiled): the revision
//! id, whether two versions of a file are the same code, and the `aludel-allow` comments.

use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The id in a revision file's `REVISION` constant, if it has one.
pub fn revision_id(source: &str) -> Option<String> {
    let tokens = TokenStream::from_str(source).ok()?;
    let mut after_revision = false;
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Ident(id) if id == "REVISION" => after_revision = true,
            TokenTree::Group(g) if after_revision && g.delimiter() == Delimiter::Brace => {
                return field_id(g.stream());
            }
            TokenTree::Punct(p) if p.as_char() == ';' && after_revision && i > 0 => {
                after_revision = false;
            }
            _ => {}
        }
    }
    None
}

fn field_id(stream: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    trees.windows(3).find_map(|w| match w {
        [
            TokenTree::Ident(name),
            TokenTree::Punct(colon),
            TokenTree::Literal(lit),
        ] if name == "id" && colon.as_char() == ':' => {
            let s = lit.to_string();
            s.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .map(str::to_string)
        }
        _ => None,
    })
}

/// Whether two versions of a file hold the same code: comments, doc comments, spacing and
/// line endings do not count. A file that does not parse is compared as text.
pub fn same_code(a: &str, b: &str) -> bool {
    match (TokenStream::from_str(a), TokenStream::from_str(b)) {
        (Ok(x), Ok(y)) => code_text(x) == code_text(y),
        _ => a.replace("\r\n", "\n") == b.replace("\r\n", "\n"),
    }
}

/// The tokens as text, without `#[doc = ...]` / `#![doc = ...]` (doc comments).
fn code_text(stream: TokenStream) -> String {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < trees.len() {
        if let Some(skip) = doc_attribute_len(&trees[i..]) {
            i += skip;
            continue;
        }
        match &trees[i] {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                let inner = code_text(g.stream());
                // rustfmt adds and removes trailing commas as lines break.
                let inner = inner.strip_suffix(", ").unwrap_or(&inner);
                out.push_str(open);
                out.push_str(inner);
                out.push_str(close);
            }
            other => out.push_str(&other.to_string()),
        }
        out.push(' ');
        i += 1;
    }
    out
}

/// `#` `[doc ...]` or `#` `!` `[doc ...]`: the number of trees it takes.
fn doc_attribute_len(trees: &[TokenTree]) -> Option<usize> {
    let is_doc = |t: &TokenTree| match t {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => matches!(
            g.stream().into_iter().next(),
            Some(TokenTree::Ident(id)) if id == "doc"
        ),
        _ => false,
    };
    match trees {
        [TokenTree::Punct(h), TokenTree::Punct(b), g, ..]
            if h.as_char() == '#' && b.as_char() == '!' && is_doc(g) =>
        {
            Some(3)
        }
        [TokenTree::Punct(h), g, ..] if h.as_char() == '#' && is_doc(g) => Some(2),
        _ => None,
    }
}

/// One `// aludel-allow: <code or name> <reason>` comment: its 1-based line, the code or
/// name as written, and the reason (empty when none is given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowComment {
    pub line: usize,
    pub code: String,
    pub reason: String,
}

/// The `aludel-allow` comments of a file, as written (the review judges them).
pub fn allow_comments(source: &str) -> Vec<AllowComment> {
    source
        .lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let rest = line.split_once("aludel-allow:")?.1.trim();
            let (code, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            Some(AllowComment {
                line: n + 1,
                code: code.to_string(),
                reason: reason.trim().to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"//! add users
//!
//! Revision ID: 383c33cc7a64
//! Revises: d6d2d1143a52

use aludel::migration::*;

pub const REVISION: Revision = Revision {
    id: "383c33cc7a64",
    revises: &["d6d2d1143a52"],
    message: "add users and owner fk",
};

pub fn upgrade(op: &mut Ops) {
    // a comment
    op.drop_column("posts", "body");
}
"#;

    #[test]
    fn ids_are_read_from_the_revision_constant() {
        assert_eq!(revision_id(FILE).as_deref(), Some("383c33cc7a64"));
        assert_eq!(revision_id("fn main() {}"), None);
        assert_eq!(revision_id("not rust \" at all"), None);
    }

    #[test]
    fn comments_and_formatting_are_not_code() {
        let reformatted = FILE
            .replace("//! add users", "//! add the users table")
            .replace("    // a comment\n", "")
            .replace(
                "op.drop_column(\"posts\", \"body\");",
                "op.drop_column(\n        \"posts\",\n        \"body\",\n    );",
            )
            .replace('\n', "\r\n");
        assert!(same_code(FILE, &reformatted));
        let edited = FILE.replace("\"body\"", "\"title\"");
        assert!(!same_code(FILE, &edited));
    }

    #[test]
    fn allow_comments_are_read_as_written() {
        let src = "fn f() {}\n// aludel-allow: AL102 moved to profiles in 4f0c\n  // aludel-allow: drop-table\n";
        assert_eq!(
            allow_comments(src),
            [
                AllowComment {
                    line: 2,
                    code: "AL102".into(),
                    reason: "moved to profiles in 4f0c".into()
                },
                AllowComment {
                    line: 3,
                    code: "drop-table".into(),
                    reason: String::new()
                }
            ]
        );
    }
}
