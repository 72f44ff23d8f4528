//! A schema's tables with the index of their names, kept true by every change.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Table, TableName};

/// The tables of a [`Schema`](crate::Schema), in order, found by name through an index
/// that the list owns: replaying, rendering or reviewing thousands of tables stays linear,
/// and no caller can forget the index. Read it as a slice (`iter`, `len`, `[i]`); every
/// change goes through a method of its own, and none can leave the index wrong:
///
/// - a table lent to change (`by_name_mut`, `[i]` as a place) may come back renamed: the
///   next access checks that one table's name (constant time), and a rename marks the
///   index stale;
/// - a change that lends every table (`iter_mut`) or reorders them marks it stale too;
/// - a stale index is rebuilt by the next lookup through `&mut`; one through `&` scans.
///
/// Two tables of one name (an error their reader reports) are found as a scan finds
/// them: the first.
#[derive(Clone, Default)]
pub struct Tables {
    list: Vec<Table>,
    index: HashMap<TableName, usize>,
    /// The table lent last, with its name when it was lent.
    lent: Option<(usize, TableName)>,
    stale: bool,
}

impl Tables {
    /// The table named `name`.
    pub fn by_name(&self, name: &TableName) -> Option<&Table> {
        if self.stale || self.lent_renamed() {
            return self.list.iter().find(|t| is(t, name));
        }
        let t = self.list.get(*self.index.get(name)?)?;
        is(t, name).then_some(t)
    }

    /// The table named `name`, to change (its name too: the index follows).
    pub fn by_name_mut(&mut self, name: &TableName) -> Option<&mut Table> {
        let i = self.position(name)?;
        Some(self.lend(i))
    }

    /// Where the table named `name` is in the list.
    pub fn position(&mut self, name: &TableName) -> Option<usize> {
        self.refresh();
        let i = *self.index.get(name)?;
        is(&self.list[i], name).then_some(i)
    }

    pub fn contains(&self, name: &TableName) -> bool {
        self.by_name(name).is_some()
    }

    pub fn push(&mut self, table: Table) {
        self.settle();
        if !self.stale {
            // A second table of one name (an error the caller reports) is found as a scan
            // finds it: the first one stays indexed.
            self.index
                .entry(table.table_name())
                .or_insert(self.list.len());
        }
        self.list.push(table);
    }

    pub fn retain(&mut self, keep: impl FnMut(&Table) -> bool) {
        self.settle();
        let before = self.list.len();
        self.list.retain(keep);
        if self.list.len() != before {
            self.stale = true;
        }
    }

    pub fn remove(&mut self, i: usize) -> Table {
        self.settle();
        self.stale = true;
        self.list.remove(i)
    }

    pub fn pop(&mut self) -> Option<Table> {
        self.settle();
        let t = self.list.pop()?;
        let key = t.table_name();
        if !self.stale && self.index.get(&key) == Some(&self.list.len()) {
            self.index.remove(&key);
        }
        Some(t)
    }

    pub fn sort_by(&mut self, compare: impl FnMut(&Table, &Table) -> std::cmp::Ordering) {
        self.settle();
        self.list.sort_by(compare);
        self.stale = true;
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Table> {
        self.settle();
        self.stale = true;
        self.list.iter_mut()
    }

    /// Rebuilds the index now if a change left it stale, so that lookups through `&`
    /// use it again.
    pub fn reindex(&mut self) {
        self.refresh();
    }

    pub fn into_vec(self) -> Vec<Table> {
        self.list
    }

    fn lend(&mut self, i: usize) -> &mut Table {
        self.settle();
        if !self.stale {
            self.lent = Some((i, self.list[i].table_name()));
        }
        &mut self.list[i]
    }

    /// Whether the table lent last came back renamed.
    fn lent_renamed(&self) -> bool {
        self.lent
            .as_ref()
            .is_some_and(|(i, was)| !is(&self.list[*i], was))
    }

    /// Marks the index stale if the table lent last came back renamed (a rename is
    /// followed by a pass over every table's foreign keys anyway).
    fn settle(&mut self) {
        if self.lent_renamed() {
            self.stale = true;
        }
        self.lent = None;
    }

    fn refresh(&mut self) {
        self.settle();
        if !self.stale {
            return;
        }
        self.index.clear();
        self.index.reserve(self.list.len());
        for (i, t) in self.list.iter().enumerate() {
            self.index.entry(t.table_name()).or_insert(i);
        }
        self.stale = false;
    }
}

fn is(t: &Table, name: &TableName) -> bool {
    t.name == name.name && t.schema == name.schema
}

impl From<Vec<Table>> for Tables {
    fn from(list: Vec<Table>) -> Tables {
        let mut t = Tables {
            list,
            index: HashMap::new(),
            lent: None,
            stale: true,
        };
        t.refresh();
        t
    }
}

impl FromIterator<Table> for Tables {
    fn from_iter<I: IntoIterator<Item = Table>>(iter: I) -> Tables {
        Tables::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl Extend<Table> for Tables {
    fn extend<I: IntoIterator<Item = Table>>(&mut self, iter: I) {
        for t in iter {
            self.push(t);
        }
    }
}

impl std::ops::Deref for Tables {
    type Target = [Table];
    fn deref(&self) -> &[Table] {
        &self.list
    }
}

impl<I: std::slice::SliceIndex<[Table]>> std::ops::Index<I> for Tables {
    type Output = I::Output;
    fn index(&self, i: I) -> &I::Output {
        &self.list[i]
    }
}

impl std::ops::IndexMut<usize> for Tables {
    fn index_mut(&mut self, i: usize) -> &mut Table {
        self.lend(i)
    }
}

impl IntoIterator for Tables {
    type Item = Table;
    type IntoIter = std::vec::IntoIter<Table>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<'a> IntoIterator for &'a Tables {
    type Item = &'a Table;
    type IntoIter = std::slice::Iter<'a, Table>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl<'a> IntoIterator for &'a mut Tables {
    type Item = &'a mut Table;
    type IntoIter = std::slice::IterMut<'a, Table>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl PartialEq for Tables {
    fn eq(&self, other: &Tables) -> bool {
        self.list == other.list
    }
}

impl Eq for Tables {}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.list.fmt(f)
    }
}

impl Serialize for Tables {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.list.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Tables {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tables, D::Error> {
        Vec::<Table>::deserialize(d).map(Tables::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(schema: Option<&str>, name: &str) -> TableName {
        TableName::qualified(schema.map(Into::into), name.to_string())
    }

    #[test]
    fn the_index_follows_every_change() {
        let mut t: Tables = ["a", "b", "c"].into_iter().map(Table::new).collect();
        assert_eq!(t.by_name(&named(None, "b")).unwrap().name, "b");
        t.by_name_mut(&named(None, "b")).unwrap().name = "bb".into();
        assert!(t.by_name(&named(None, "b")).is_none());
        assert_eq!(t.position(&named(None, "bb")), Some(1));
        t.retain(|x| x.name != "a");
        assert_eq!(t.position(&named(None, "c")), Some(1));
        t[0].name = "z".into();
        assert_eq!(t.by_name(&named(None, "z")).unwrap().name, "z");
        assert_eq!(t.position(&named(None, "z")), Some(0));
        t.sort_by(|x, y| x.name.cmp(&y.name));
        assert_eq!(t.position(&named(None, "z")), Some(1));
        for x in &mut t {
            x.schema = Some("s".into());
        }
        assert!(t.by_name(&named(None, "c")).is_none());
        assert_eq!(t.position(&named(Some("s"), "c")), Some(0));
        t.push(Table::new("d"));
        assert_eq!(t.position(&named(None, "d")), Some(2));
        let json = serde_json::to_string(&t).unwrap();
        let back: Tables = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(back.contains(&named(None, "d")));
    }

    #[test]
    fn a_second_table_of_one_name_is_found_as_a_scan_finds_it() {
        let mut t: Tables = ["a", "b"].into_iter().map(Table::new).collect();
        let mut dup = Table::new("a");
        dup.comment = Some("second".into());
        t.push(dup.clone());
        let a = named(None, "a");
        assert_eq!(t.by_name(&a).unwrap().comment, None);
        assert_eq!(t.position(&a), Some(0));
        let fresh: Tables = vec![Table::new("a"), Table::new("b"), dup].into();
        assert_eq!(fresh.clone().position(&a), Some(0));
        assert_eq!(t.pop().unwrap().comment.as_deref(), Some("second"));
        assert_eq!(t.position(&a), Some(0));
    }

    #[derive(Clone, Debug)]
    enum Step {
        Push(u8),
        RenameByName(u8, u8),
        RenameAt(usize, u8),
        RenameAll(u8),
        Retain(u8),
        Sort,
        Pop,
        Remove(usize),
        Look(u8),
    }

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            (0u8..12).prop_map(Step::Push),
            (0u8..12, 0u8..12).prop_map(|(a, b)| Step::RenameByName(a, b)),
            (0usize..16, 0u8..12).prop_map(|(i, b)| Step::RenameAt(i, b)),
            (0u8..3).prop_map(Step::RenameAll),
            (0u8..12).prop_map(Step::Retain),
            Just(Step::Sort),
            Just(Step::Pop),
            (0usize..16).prop_map(Step::Remove),
            (0u8..12).prop_map(Step::Look),
        ]
    }

    fn name(n: u8) -> TableName {
        named(n.is_multiple_of(3).then_some("s"), &format!("t{n}"))
    }

    proptest::proptest! {
        /// Whatever sequence of changes, every lookup answers as a scan of the list does.
        #[test]
        fn lookups_agree_with_a_scan(steps in proptest::collection::vec(step(), 0..40)) {
            let mut t = Tables::default();
            for s in steps {
                let len = t.len();
                match s {
                    Step::Push(n) => {
                        let n = name(n);
                        let mut table = Table::new(n.name);
                        table.schema = n.schema;
                        t.push(table);
                    }
                    Step::RenameByName(a, b) if !t.contains(&name(b)) => {
                        if let Some(x) = t.by_name_mut(&name(a)) {
                            x.name = name(b).name;
                            x.schema = name(b).schema;
                        }
                    }
                    Step::RenameAt(i, b) if i < len && !t.contains(&name(b)) => {
                        t[i].name = name(b).name;
                        t[i].schema = name(b).schema;
                    }
                    Step::RenameAll(k) => {
                        for x in &mut t {
                            x.name = format!("{}{k}", x.name);
                        }
                    }
                    Step::Retain(n) => t.retain(|x| x.table_name() != name(n)),
                    Step::Sort => t.sort_by(|a, b| b.name.cmp(&a.name)),
                    Step::Pop => {
                        t.pop();
                    }
                    Step::Remove(i) if i < len => {
                        t.remove(i);
                    }
                    Step::Look(n) => {
                        t.position(&name(n));
                    }
                    _ => {}
                }
                let all: Vec<TableName> = t.iter().map(Table::table_name).collect();
                for n in (0..12).map(name).chain(all) {
                    let scan = t.iter().position(|x| x.table_name() == n);
                    proptest::prop_assert_eq!(t.by_name(&n).map(Table::table_name), scan.map(|i| t[i].table_name()));
                    proptest::prop_assert_eq!(t.clone().position(&n), scan);
                }
            }
        }
    }
}
