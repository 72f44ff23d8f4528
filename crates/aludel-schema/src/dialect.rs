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

    /// The longest identifier the dialect accepts, in bytes.
    pub fn max_identifier_len(self) -> usize {
        match self {
            Dialect::Postgres => 63,
            Dialect::MySql => 64,
            Dialect::Sqlite => usize::MAX,
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
}
