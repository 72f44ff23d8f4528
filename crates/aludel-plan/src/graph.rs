//! The revision graph: revisions linked to the ones they revise, with heads, bases,
//! target resolution and the paths upgrade and downgrade walk. Pure.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};
use crate::revision::RevisionDef;

/// The revisions of a project as a directed acyclic graph.
pub struct Graph<'a, Db> {
    /// Topological order: every revision after the ones it revises.
    revs: Vec<&'a RevisionDef<Db>>,
    index: HashMap<&'a str, usize>,
    parents: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl<'a, Db> Graph<'a, Db> {
    /// Builds the graph; duplicate ids, unknown parents and cycles are errors.
    pub fn new(defs: &'a [RevisionDef<Db>]) -> Result<Graph<'a, Db>> {
        let mut by_id: HashMap<&str, &RevisionDef<Db>> = HashMap::new();
        for d in defs {
            if !valid_id(d.meta.id) {
                return Err(Error::InvalidRevisionId {
                    id: d.meta.id.to_string(),
                    file: d.file.to_string(),
                });
            }
            if let Some(other) = by_id.insert(d.meta.id, d) {
                return Err(Error::DuplicateRevision {
                    id: d.meta.id.to_string(),
                    files: [other.file.to_string(), d.file.to_string()],
                });
            }
        }
        for d in defs {
            for p in d.meta.revises {
                if !by_id.contains_key(p) {
                    return Err(Error::MissingParent {
                        id: d.meta.id.to_string(),
                        parent: p.to_string(),
                        file: d.file.to_string(),
                    });
                }
            }
        }
        // Kahn's algorithm in definition order, so that the order is stable.
        let pos: HashMap<&str, usize> = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.meta.id, i))
            .collect();
        let mut indegree: Vec<usize> = defs.iter().map(|d| d.meta.revises.len()).collect();
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); defs.len()];
        for (i, d) in defs.iter().enumerate() {
            for p in d.meta.revises {
                kids[pos[p]].push(i);
            }
        }
        let mut ready: std::collections::BTreeSet<usize> =
            (0..defs.len()).filter(|&i| indegree[i] == 0).collect();
        let mut order = Vec::with_capacity(defs.len());
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &k in &kids[i] {
                indegree[k] -= 1;
                if indegree[k] == 0 {
                    ready.insert(k);
                }
            }
        }
        if order.len() != defs.len() {
            let mut stuck: Vec<String> = (0..defs.len())
                .filter(|i| indegree[*i] > 0)
                .map(|i| defs[i].meta.id.to_string())
                .collect();
            stuck.sort();
            return Err(Error::Cycle(stuck));
        }
        let revs: Vec<&RevisionDef<Db>> = order.iter().map(|&i| &defs[i]).collect();
        let index: HashMap<&str, usize> = revs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.meta.id, i))
            .collect();
        let parents: Vec<Vec<usize>> = revs
            .iter()
            .map(|d| d.meta.revises.iter().map(|p| index[p]).collect())
            .collect();
        let mut children = vec![Vec::new(); revs.len()];
        for (i, ps) in parents.iter().enumerate() {
            for &p in ps {
                children[p].push(i);
            }
        }
        Ok(Graph {
            revs,
            index,
            parents,
            children,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.revs.is_empty()
    }

    /// Every revision, each after the ones it revises.
    pub fn topo(&self) -> &[&'a RevisionDef<Db>] {
        &self.revs
    }

    pub fn get(&self, id: &str) -> Option<&'a RevisionDef<Db>> {
        self.index.get(id).map(|&i| self.revs[i])
    }

    /// Revisions no other revision revises.
    pub fn heads(&self) -> Vec<&'a str> {
        (0..self.revs.len())
            .filter(|&i| self.children[i].is_empty())
            .map(|i| self.revs[i].meta.id)
            .collect()
    }

    pub fn children_of(&self, id: &str) -> Vec<&'a str> {
        self.index
            .get(id)
            .map(|&i| {
                self.children[i]
                    .iter()
                    .map(|&c| self.revs[c].meta.id)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The single head, or an error that lists them.
    pub fn single_head(&self) -> Result<Option<&'a str>> {
        let heads = self.heads();
        match heads.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(Error::MultipleHeads(
                heads.iter().map(|h| h.to_string()).collect(),
            )),
        }
    }

    /// A full id, or a prefix of exactly one id.
    pub fn resolve(&self, spec: &str) -> Result<&'a str> {
        if spec.is_empty() {
            // Every id starts with "": an empty spec (an unset variable) names nothing.
            return Err(Error::UnknownRevision(String::new()));
        }
        if let Some(d) = self.get(spec) {
            return Ok(d.meta.id);
        }
        let matches: Vec<&str> = self
            .revs
            .iter()
            .map(|d| d.meta.id)
            .filter(|id| id.starts_with(spec))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::UnknownRevision(spec.to_string())),
            _ => Err(Error::AmbiguousRevision {
                spec: spec.to_string(),
                candidates: matches.iter().map(|m| m.to_string()).collect(),
            }),
        }
    }

    /// What a revision spec names, as every command reads it: `base` is no revision,
    /// `heads` every head, `head` the one head, and anything else the one revision
    /// [`Graph::resolve_target`] finds (an empty spec is none of these: an error).
    pub fn resolve_heads(&self, spec: &str) -> Result<Vec<&'a str>> {
        match spec {
            "base" => Ok(Vec::new()),
            "heads" => Ok(self.heads()),
            "head" => Ok(self.single_head()?.into_iter().collect()),
            other => Ok(vec![self.resolve_target(other)?]),
        }
    }

    /// A revision from a spec: an id, a unique prefix or `head`, optionally followed by
    /// `+N` or `-N` (N revisions later or earlier along the one line from there).
    pub fn resolve_target(&self, spec: &str) -> Result<&'a str> {
        let (base, delta) = split_relative(spec);
        let mut cur = match base {
            "head" => self
                .single_head()?
                .ok_or(Error::UnknownRevision("head".into()))?,
            b => self.resolve(b)?,
        };
        let forward = delta > 0;
        for step in 0..delta.unsigned_abs() {
            let i = self.index[cur];
            let next: &Vec<usize> = if forward {
                &self.children[i]
            } else {
                &self.parents[i]
            };
            cur = match next.as_slice() {
                [one] => self.revs[*one].meta.id,
                [] => {
                    return Err(Error::NotEnoughRevisions {
                        asked: delta.unsigned_abs() as usize,
                        available: step as usize,
                        direction: if forward { "go forward" } else { "go back" },
                    });
                }
                many => {
                    return Err(Error::AmbiguousStep {
                        from: cur.to_string(),
                        forward,
                        options: many
                            .iter()
                            .map(|&k| self.revs[k].meta.id.to_string())
                            .collect(),
                    });
                }
            };
        }
        Ok(cur)
    }

    /// The revisions from `from` to `to` (each included; `None` is the base or the heads),
    /// in topological order.
    pub fn between(&self, from: Option<&str>, to: Option<&str>) -> Vec<&'a RevisionDef<Db>> {
        let upto = to.map(|t| self.ancestors(&[t]));
        let after = from.map(|f| {
            let mut seen = HashSet::new();
            let mut stack: Vec<usize> = self.index.get(f).copied().into_iter().collect();
            while let Some(i) = stack.pop() {
                if seen.insert(i) {
                    stack.extend(&self.children[i]);
                }
            }
            seen
        });
        (0..self.revs.len())
            .filter(|i| upto.as_ref().is_none_or(|u| u.contains(i)))
            .filter(|i| after.as_ref().is_none_or(|a| a.contains(i)))
            .map(|i| self.revs[i])
            .collect()
    }

    fn ancestors(&self, ids: &[&str]) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(&self.parents[i]);
            }
        }
        seen
    }

    /// The revisions applied when `current` are the heads of the database.
    pub fn applied(&self, current: &[String]) -> Vec<&'a RevisionDef<Db>> {
        let cur: Vec<&str> = current.iter().map(String::as_str).collect();
        let set = self.ancestors(&cur);
        (0..self.revs.len())
            .filter(|i| set.contains(i))
            .map(|i| self.revs[i])
            .collect()
    }

    /// The heads of a set of applied revisions: what the version table holds.
    pub fn heads_of(&self, applied: &HashSet<&str>) -> Vec<String> {
        applied
            .iter()
            .filter_map(|id| self.index.get(id))
            .filter(|&&i| {
                !self.children[i]
                    .iter()
                    .any(|&c| applied.contains(self.revs[c].meta.id))
            })
            .map(|&i| self.revs[i].meta.id.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The revisions to apply, in order, to go from `current` to `target`:
    /// `head`, `heads`, `+N`, a revision id or a unique prefix of one.
    pub fn upgrade_path(
        &self,
        current: &[String],
        target: &str,
    ) -> Result<Vec<&'a RevisionDef<Db>>> {
        let cur: Vec<&str> = current.iter().map(String::as_str).collect();
        let applied = self.ancestors(&cur);
        let pending = |goal: &HashSet<usize>| -> Vec<&'a RevisionDef<Db>> {
            (0..self.revs.len())
                .filter(|i| goal.contains(i) && !applied.contains(i))
                .map(|i| self.revs[i])
                .collect()
        };
        let target = target.trim();
        if target == "heads" {
            return Ok(pending(&self.ancestors(&self.heads())));
        }
        if target == "head" {
            let Some(head) = self.single_head()? else {
                return Ok(Vec::new());
            };
            return Ok(pending(&self.ancestors(&[head])));
        }
        if let Some(n) = target.strip_prefix('+') {
            let n: usize = n.parse().map_err(|_| Error::BadTarget {
                target: target.to_string(),
                expected: "+N with N a number, like +1",
            })?;
            let Some(head) = self.single_head()? else {
                return Ok(Vec::new());
            };
            let path = pending(&self.ancestors(&[head]));
            if n > path.len() {
                return Err(Error::NotEnoughRevisions {
                    asked: n,
                    available: path.len(),
                    direction: "upgrade",
                });
            }
            return Ok(path.into_iter().take(n).collect());
        }
        if target == "base" {
            return Ok(Vec::new());
        }
        let id = self.resolve_target(target)?;
        Ok(pending(&self.ancestors(&[id])))
    }

    /// The revisions to revert, in order, to go from `current` down to `target`: `base`,
    /// `-N`, a revision id or a unique prefix of one.
    pub fn downgrade_path(
        &self,
        current: &[String],
        target: &str,
    ) -> Result<Vec<&'a RevisionDef<Db>>> {
        let cur: Vec<&str> = current.iter().map(String::as_str).collect();
        let applied = self.ancestors(&cur);
        let mut applied_rev: Vec<usize> = (0..self.revs.len())
            .filter(|i| applied.contains(i))
            .collect();
        applied_rev.reverse();
        let target = target.trim();
        if target == "base" {
            return Ok(applied_rev.into_iter().map(|i| self.revs[i]).collect());
        }
        if let Some(n) = target.strip_prefix('-') {
            let n: usize = n.parse().map_err(|_| Error::BadTarget {
                target: target.to_string(),
                expected: "-N with N a number, like -1",
            })?;
            if current.len() > 1 {
                return Err(Error::AmbiguousDowngrade(current.to_vec()));
            }
            if n > applied_rev.len() {
                return Err(Error::NotEnoughRevisions {
                    asked: n,
                    available: applied_rev.len(),
                    direction: "downgrade",
                });
            }
            return Ok(applied_rev
                .into_iter()
                .take(n)
                .map(|i| self.revs[i])
                .collect());
        }
        let id = self.resolve_target(target)?;
        let keep = self.ancestors(&[id]);
        if !applied.contains(&self.index[id]) {
            return Err(Error::NotApplied(id.to_string()));
        }
        Ok(applied_rev
            .into_iter()
            .filter(|i| !keep.contains(i))
            .map(|i| self.revs[i])
            .collect())
    }
}

/// `"ab12+2"` -> `("ab12", 2)`, `"head-1"` -> `("head", -1)`, `"ab12"` -> `("ab12", 0)`.
fn split_relative(spec: &str) -> (&str, i64) {
    if let Some(pos) = spec.rfind(['+', '-'])
        && pos > 0
        && let Ok(n) = spec[pos + 1..].parse::<i64>()
    {
        let n = if spec.as_bytes()[pos] == b'-' { -n } else { n };
        return (&spec[..pos], n);
    }
    (spec, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::Revision;
    type RevisionDef = crate::revision::RevisionDef<()>;
    type Ops = crate::revision::Ops<()>;

    fn noop(_: &mut Ops) {}

    fn def(id: &'static str, revises: &'static [&'static str]) -> RevisionDef {
        RevisionDef {
            meta: Revision {
                id,
                revises,
                message: "m",
            },
            upgrade: noop,
            downgrade: noop,
            file: "f.rs",
        }
    }

    fn ids(revs: &[&RevisionDef]) -> Vec<&'static str> {
        revs.iter().map(|d| d.meta.id).collect()
    }

    fn cur(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn linear_chain() {
        // Defined out of order on purpose: the graph sorts by parentage.
        let defs = [
            def("ccc3", &["bbb2"]),
            def("aaa1", &[]),
            def("bbb2", &["aaa1"]),
        ];
        let g = Graph::new(&defs).unwrap();
        assert_eq!(ids(g.topo()), ["aaa1", "bbb2", "ccc3"]);
        assert_eq!(g.heads(), ["ccc3"]);
        assert_eq!(
            ids(&g.upgrade_path(&[], "head").unwrap()),
            ["aaa1", "bbb2", "ccc3"]
        );
        assert_eq!(
            ids(&g.upgrade_path(&cur(&["aaa1"]), "+1").unwrap()),
            ["bbb2"]
        );
        assert_eq!(ids(&g.upgrade_path(&[], "bbb").unwrap()), ["aaa1", "bbb2"]);
        assert_eq!(
            ids(&g.downgrade_path(&cur(&["ccc3"]), "-1").unwrap()),
            ["ccc3"]
        );
        assert_eq!(
            ids(&g.downgrade_path(&cur(&["ccc3"]), "aaa1").unwrap()),
            ["ccc3", "bbb2"]
        );
        assert_eq!(
            ids(&g.downgrade_path(&cur(&["ccc3"]), "base").unwrap()),
            ["ccc3", "bbb2", "aaa1"]
        );
        assert!(g.upgrade_path(&cur(&["ccc3"]), "head").unwrap().is_empty());
    }

    #[test]
    fn relative_targets_and_ranges() {
        let defs = [
            def("aaa1", &[]),
            def("bbb2", &["aaa1"]),
            def("ccc3", &["bbb2"]),
            def("ddd4", &["ccc3"]),
        ];
        let g = Graph::new(&defs).unwrap();
        assert_eq!(g.resolve_target("head-1").unwrap(), "ccc3");
        assert_eq!(g.resolve_target("aaa+2").unwrap(), "ccc3");
        assert_eq!(g.resolve_target("ddd4-3").unwrap(), "aaa1");
        assert!(matches!(
            g.resolve_target("head+1"),
            Err(Error::NotEnoughRevisions {
                asked: 1,
                available: 0,
                ..
            })
        ));
        assert_eq!(
            ids(&g.upgrade_path(&cur(&["aaa1"]), "aaa1+2").unwrap()),
            ["bbb2", "ccc3"]
        );
        assert_eq!(
            ids(&g.downgrade_path(&cur(&["ddd4"]), "head-2").unwrap()),
            ["ddd4", "ccc3"]
        );
        assert_eq!(
            ids(&g.between(Some("bbb2"), Some("ccc3"))),
            ["bbb2", "ccc3"]
        );
        assert_eq!(ids(&g.between(None, Some("bbb2"))), ["aaa1", "bbb2"]);
        assert_eq!(ids(&g.between(Some("ccc3"), None)), ["ccc3", "ddd4"]);
        let branchy = [
            def("base", &[]),
            def("left", &["base"]),
            def("right", &["base"]),
        ];
        let g = Graph::new(&branchy).unwrap();
        assert!(matches!(
            g.resolve_target("base+1"),
            Err(Error::AmbiguousStep { .. })
        ));
    }

    #[test]
    fn errors_are_clear() {
        let dup = [def("aaa1", &[]), def("aaa1", &[])];
        assert!(matches!(
            Graph::new(&dup),
            Err(Error::DuplicateRevision { .. })
        ));
        let missing = [def("aaa1", &["zzz9"])];
        let err = Graph::new(&missing).err().unwrap().to_string();
        assert!(err.contains("zzz9"), "{err}");
        let cycle = [def("aaa1", &["bbb2"]), def("bbb2", &["aaa1"])];
        assert!(matches!(Graph::new(&cycle), Err(Error::Cycle(_))));
        let defs = [def("abc1", &[]), def("abc2", &["abc1"])];
        let g = Graph::new(&defs).unwrap();
        assert!(matches!(
            g.resolve("abc"),
            Err(Error::AmbiguousRevision { .. })
        ));
        assert!(matches!(g.resolve("x"), Err(Error::UnknownRevision(_))));
        assert!(matches!(
            g.upgrade_path(&[], "+3"),
            Err(Error::NotEnoughRevisions {
                asked: 3,
                available: 2,
                ..
            })
        ));
    }

    #[test]
    fn branches_and_merge() {
        let defs = [
            def("base", &[]),
            def("left", &["base"]),
            def("right", &["base"]),
            def("merge", &["left", "right"]),
        ];
        let g = Graph::new(&defs[..3]).unwrap();
        assert!(matches!(
            g.upgrade_path(&[], "head"),
            Err(Error::MultipleHeads(_))
        ));
        assert_eq!(g.upgrade_path(&[], "heads").unwrap().len(), 3);
        let g = Graph::new(&defs).unwrap();
        assert_eq!(g.heads(), ["merge"]);
        let applied: HashSet<&str> = ["base", "left"].into();
        assert_eq!(g.heads_of(&applied), ["left"]);
        let applied: HashSet<&str> = ["base", "left", "right"].into();
        assert_eq!(g.heads_of(&applied), ["left", "right"]);
        assert_eq!(
            ids(&g.upgrade_path(&cur(&["left", "right"]), "head").unwrap()),
            ["merge"]
        );
    }

    /// One resolver for every command: each spec against a line of three revisions.
    #[test]
    fn revision_specs_table() {
        let defs = [
            def("aaa111", &[]),
            def("bbb222", &["aaa111"]),
            def("ccc333", &["bbb222"]),
        ];
        let g = Graph::new(&defs).unwrap();
        let table: [(&str, &[&str]); 10] = [
            ("base", &[]),
            ("head", &["ccc333"]),
            ("heads", &["ccc333"]),
            ("head-1", &["bbb222"]),
            ("head-2", &["aaa111"]),
            ("aaa111+2", &["ccc333"]),
            ("bbb", &["bbb222"]),
            ("bbb-1", &["aaa111"]),
            ("ccc333", &["ccc333"]),
            ("aaa+1", &["bbb222"]),
        ];
        for (spec, want) in table {
            assert_eq!(g.resolve_heads(spec).unwrap(), want, "{spec:?}");
        }
        for bad in ["", "head+1", "head-3", "zzz", "aaa111+5"] {
            assert!(g.resolve_heads(bad).is_err(), "{bad:?}");
        }
        let empty = Graph::<()>::new(&[]).unwrap();
        assert!(empty.resolve_heads("head").unwrap().is_empty());
    }
}
