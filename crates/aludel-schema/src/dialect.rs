use std::fmt;

/// A SQL dialect aludel supports.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    /// The dialect of a database URL, from its scheme.
    pub fn from_url(url: &str) -> Option<Dialect> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        Dialect::ALL
            .into_iter()
            .find(|d| d.backend().url_schemes().contains(&scheme.as_str()))
    }

    pub fn name(self) -> &'static str {
        self.backend().name()
    }

    /// The longest identifier the dialect accepts, in bytes (MySQL counts characters;
    /// 64 bytes is the safe bound for generated names).
    pub fn max_identifier_len(self) -> usize {
        self.backend().max_identifier_len()
    }

    /// Whether DDL is transactional: PostgreSQL and SQLite roll a failed revision back;
    /// MySQL commits each statement as it goes.
    pub fn transactional_ddl(self) -> bool {
        self.backend().transactional_ddl()
    }

    /// The statement that opens a revision's transaction. SQLite's takes the write lock
    /// at once, so that the version table read next stays true.
    pub fn begin(self) -> &'static str {
        self.backend().begin()
    }

    /// Why `name` cannot name an object on this dialect, when it cannot: what the server
    /// would refuse, or (PostgreSQL) silently cut, so that the object would no longer be
    /// found by the name the models give it.
    pub fn identifier_problem(self, name: &str) -> Option<String> {
        if name.is_empty() {
            return Some("is empty".into());
        }
        if name.contains('\0') {
            return Some("contains a NUL character, which no database keeps in a name".into());
        }
        self.backend().identifier_problem(name)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_from_url_scheme() {
        let cases = [
            ("postgres://u@h/db", Some(Dialect::Postgres)),
            ("postgresql://h/db", Some(Dialect::Postgres)),
            ("mysql://root@h/db", Some(Dialect::MySql)),
            ("mariadb://root@h/db", Some(Dialect::MySql)),
            ("sqlite://app.db?mode=rwc", Some(Dialect::Sqlite)),
            ("sqlite::memory:", Some(Dialect::Sqlite)),
            ("SQLITE://x", Some(Dialect::Sqlite)),
            ("oracle://x", None),
            ("no-scheme", None),
        ];
        for (url, want) in cases {
            assert_eq!(Dialect::from_url(url), want, "{url}");
        }
    }

    #[test]
    fn identifiers_each_dialect_cannot_keep() {
        let refused = |d: Dialect, name: &str| d.identifier_problem(name);
        assert!(refused(Dialect::Postgres, &"a".repeat(63)).is_none());
        assert!(
            refused(Dialect::Postgres, &"a".repeat(64))
                .unwrap()
                .contains("64 bytes")
        );
        assert!(
            refused(Dialect::Postgres, &"é".repeat(32)).is_some(),
            "64 bytes of 32 chars"
        );
        assert!(
            refused(Dialect::MySql, &"é".repeat(64)).is_none(),
            "MySQL counts characters"
        );
        assert!(
            refused(Dialect::MySql, &"a".repeat(65))
                .unwrap()
                .contains("at most 64")
        );
        assert!(
            refused(Dialect::MySql, "trail ")
                .unwrap()
                .contains("ends with a space")
        );
        assert!(
            refused(Dialect::MySql, "emoji😀")
                .unwrap()
                .contains("Basic Multilingual Plane")
        );
        assert!(refused(Dialect::Postgres, "emoji😀 trail ").is_none());
        assert!(refused(Dialect::Sqlite, &"a".repeat(1000)).is_none());
        for d in Dialect::ALL {
            assert!(refused(d, "").is_some());
            assert!(refused(d, "nul\0").unwrap().contains("NUL"));
        }
    }
}
