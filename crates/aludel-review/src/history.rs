//! The rules about the revisions as a whole (`AL0xx`): what the branch does to the
//! history the base already has. Pure: the caller reads git and hands over revision files
//! as id -> (path, text) maps.

use std::collections::BTreeMap;

use crate::rules::{self, Rule};
use crate::source;

/// Revision id -> (path, source text).
pub type Files = BTreeMap<String, (String, String)>;

/// The branch's history next to the base's.
pub struct History<'a> {
    /// The base as the user named it.
    pub base: &'a str,
    /// Every revision the branch has (the base's it keeps included), parents first.
    pub branch: &'a [&'a str],
    /// The branch's heads.
    pub heads: &'a [&'a str],
    /// The revision files at the commit the branch forked from.
    pub at_fork: &'a Files,
    /// The revision files at the base's tip now.
    pub at_tip: &'a Files,
    /// The branch's revision files, as they are in the working tree.
    pub here: &'a Files,
}

impl History<'_> {
    /// The revisions the branch adds to what the base had when it forked, parents first.
    pub fn added(&self) -> Vec<&str> {
        self.branch
            .iter()
            .copied()
            .filter(|id| !self.at_fork.contains_key(*id))
            .collect()
    }

    /// Every problem with the history: several heads, base revisions edited or deleted,
    /// a base that moved on with revisions the branch lacks.
    pub fn problems(&self) -> Vec<(&'static Rule, String)> {
        let mut out = Vec::new();
        out.extend(self.multiple_heads());
        out.extend(self.edited_or_deleted());
        out.extend(self.base_moved());
        out
    }

    fn multiple_heads(&self) -> Option<(&'static Rule, String)> {
        if self.heads.len() < 2 {
            return None;
        }
        let list: Vec<String> = self
            .heads
            .iter()
            .map(|h| match self.here.get(*h) {
                Some((path, _)) => format!("{h} ({path})"),
                None => h.to_string(),
            })
            .collect();
        Some((
            rules::MULTIPLE_HEADS,
            format!(
                "the revisions have {} heads: {}",
                self.heads.len(),
                list.join(", ")
            ),
        ))
    }

    fn edited_or_deleted(&self) -> Vec<(&'static Rule, String)> {
        let base = self.base;
        let mut out = Vec::new();
        for (id, (path, text)) in self.at_fork {
            match self.here.get(id) {
                Some((now, new_text)) if !source::same_code(text, new_text) => out.push((
                    rules::EDITED_REVISION,
                    format!(
                        "revision {id} ({now}) exists on {base} and this branch changes its code"
                    ),
                )),
                Some(_) => {}
                None => out.push((
                    rules::DELETED_REVISION,
                    format!("revision {id} ({path}) exists on {base} and this branch deletes it"),
                )),
            }
        }
        out
    }

    fn base_moved(&self) -> Option<(&'static Rule, String)> {
        let missing: Vec<&str> = self
            .at_tip
            .keys()
            .filter(|id| !self.at_fork.contains_key(*id) && !self.branch.contains(&id.as_str()))
            .map(String::as_str)
            .collect();
        (!missing.is_empty() && !self.added().is_empty()).then(|| {
            (
                rules::BASE_MOVED,
                format!(
                    "{} has revisions this branch does not ({}); merged as it is, the branch gives the revisions two heads",
                    self.base,
                    missing.join(", ")
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(id: &str, body: &str) -> (String, (String, String)) {
        let text = format!(
            "use aludel::migration::*;\npub const REVISION: Revision = Revision {{ id: {id:?}, revises: &[], message: \"m\" }};\npub fn upgrade(op: &mut Ops) {{ {body} }}\n"
        );
        (id.to_string(), (format!("versions/{id}.rs"), text))
    }

    fn files(revs: &[(&str, &str)]) -> Files {
        revs.iter().map(|(id, body)| rev(id, body)).collect()
    }

    fn codes(h: &History<'_>) -> Vec<&'static str> {
        h.problems().iter().map(|(r, _)| r.code).collect()
    }

    #[test]
    fn a_clean_branch_has_no_problems() {
        let fork = files(&[("a1", "")]);
        let here = files(&[("a1", ""), ("b2", "op.drop_table(\"t\");")]);
        let h = History {
            base: "main",
            branch: &["a1", "b2"],
            heads: &["b2"],
            at_fork: &fork,
            at_tip: &fork,
            here: &here,
        };
        assert!(h.problems().is_empty());
        assert_eq!(h.added(), ["b2"]);
    }

    #[test]
    fn each_history_rule() {
        let fork = files(&[("a1", ""), ("a2", "")]);
        let tip = files(&[("a1", ""), ("a2", ""), ("c3", "")]);
        // a1 edited, a2 deleted, two heads, and main moved on with c3.
        let here = files(&[("a1", "op.drop_table(\"t\");"), ("b2", ""), ("b3", "")]);
        let h = History {
            base: "main",
            branch: &["a1", "b2", "b3"],
            heads: &["b2", "b3"],
            at_fork: &fork,
            at_tip: &tip,
            here: &here,
        };
        assert_eq!(
            codes(&h),
            ["AL001", "AL003", "AL004", "AL005"],
            "{:?}",
            h.problems()
        );
        let text: Vec<String> = h.problems().into_iter().map(|(_, m)| m).collect();
        assert!(text[0].contains("2 heads: b2 (versions/b2.rs), b3 (versions/b3.rs)"));
        assert!(text[1].contains(
            "revision a1 (versions/a1.rs) exists on main and this branch changes its code"
        ));
        assert!(
            text[2]
                .contains("revision a2 (versions/a2.rs) exists on main and this branch deletes it")
        );
        assert!(text[3].contains("main has revisions this branch does not (c3)"));
    }

    #[test]
    fn formatting_is_not_editing_and_a_moved_base_needs_new_revisions() {
        let fork = files(&[("a1", "")]);
        let tip = files(&[("a1", ""), ("c3", "")]);
        let mut here = files(&[("a1", "")]);
        let (path, text) = here["a1"].clone();
        let reformatted = text.replace("{  }", "{\n}\n// a comment");
        assert_ne!(reformatted, text, "the file is reformatted");
        here.insert("a1".into(), (path, reformatted));
        let h = History {
            base: "main",
            branch: &["a1"],
            heads: &["a1"],
            at_fork: &fork,
            at_tip: &tip,
            here: &here,
        };
        assert!(h.problems().is_empty(), "{:?}", h.problems());
    }
}
