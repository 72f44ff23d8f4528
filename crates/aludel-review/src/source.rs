//! What the review makes of a revision file's text: the `aludel-allow` comments, judged
//! against the lints (the file format itself is `aludel-revision`'s).

pub use aludel_revision::read::{revision_id, same_code};

use crate::rules;

/// A lint a revision file silences, with the reason given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    pub code: &'static str,
    pub reason: String,
}

/// The `// aludel-allow: <code or name> <reason>` comments of a file; an unknown code is
/// an error naming the line.
pub fn allows(source: &str) -> Result<Vec<Allow>, String> {
    let mut out = Vec::new();
    for c in aludel_revision::read::allow_comments(source) {
        let n = c.line;
        let code = c.code.as_str();
        let rule = rules::find(code).ok_or_else(|| {
            format!("line {n}: aludel-allow names {code:?}, which is no lint (see docs/lints/)")
        })?;
        if rule.category == rules::Category::History {
            return Err(format!(
                "line {n}: aludel-allow: {} {} is a history error, which cannot be allowed: fix the history",
                rule.code, rule.name
            ));
        }
        if c.reason.is_empty() {
            return Err(format!(
                "line {n}: aludel-allow: {} needs a reason after the code",
                rule.code
            ));
        }
        out.push(Allow {
            code: rule.code,
            reason: c.reason,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_comments_name_a_lint_and_a_reason() {
        let src = "// aludel-allow: AL102 moved to profiles in 4f0c\n// aludel-allow: drop-table unused since 2024\n";
        assert_eq!(
            allows(src).unwrap(),
            [
                Allow {
                    code: "AL102",
                    reason: "moved to profiles in 4f0c".into()
                },
                Allow {
                    code: "AL101",
                    reason: "unused since 2024".into()
                }
            ]
        );
        assert!(
            allows("// aludel-allow: AL999 x")
                .unwrap_err()
                .contains("line 1")
        );
        // History errors are never silenced, by comment as by configuration.
        let err = allows("// aludel-allow: AL003 we edited it on purpose").unwrap_err();
        assert!(
            err.contains("AL003 edited-revision is a history error"),
            "{err}"
        );
        assert!(
            allows("// aludel-allow: AL102")
                .unwrap_err()
                .contains("needs a reason")
        );
    }
}
