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
        match scheme.as_str() {
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::MySql),
            "sqlite" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgresql",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The longest identifier the dialect accepts, in bytes (MySQL counts characters;
    /// 64 bytes is the safe bound for generated names).
    pub fn max_identifier_len(self) -> usize {
        match self {
            Dialect::Postgres => 63,
            Dialect::MySql => 64,
            Dialect::Sqlite => usize::MAX,
        }
    }

    /// Whether DDL is transactional: PostgreSQL and SQLite roll a failed revision back;
    /// MySQL commits each statement as it goes.
    pub fn transactional_ddl(self) -> bool {
        self != Dialect::MySql
    }

    /// The statement that opens a revision's transaction. SQLite's takes the write lock
    /// at once, so that the version table read next stays true.
    pub fn begin(self) -> &'static str {
        match self {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        }
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
        match self {
            Dialect::Postgres if name.len() > 63 => Some(format!(
                "is {} bytes long; PostgreSQL keeps at most 63 bytes of a name and cuts the rest (shorten it)",
                name.len()
            )),
            Dialect::MySql if name.chars().count() > 64 => Some(format!(
                "is {} characters long; MySQL and MariaDB allow at most 64 (shorten it)",
                name.chars().count()
            )),
            Dialect::MySql if name.ends_with(' ') => {
                Some("ends with a space, which MySQL and MariaDB refuse".into())
            }
            Dialect::MySql if name.chars().any(|c| u32::from(c) > 0xFFFF) => Some(
                "has a character outside the Basic Multilingual Plane (such as an emoji), which MariaDB and MySQL cannot keep in a name"
                    .into(),
            ),
            _ => None,
        }
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
