//! Differ tests: one `check` helper, many small cases.

use aludel_schema::{
    Column, ColumnType as T, Dialect, FkAction, ForeignKey, Index, Schema, Table, Unique,
};

use super::*;

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables: tables.into(),
        enums: Vec::new(),
    }
}

fn users() -> Table {
    Table::new("users")
        .column(Column::new("id", T::BigInt).auto_increment())
        .column(Column::new("name", T::Varchar(64)))
        .primary_key(["id"])
        .unique(Unique::new(["name"]).named("uq_users_name"))
}

fn posts() -> Table {
    Table::new("posts")
        .column(Column::new("id", T::BigInt).auto_increment())
        .column(Column::new("title", T::Text))
        .primary_key(["id"])
}

fn with_owner(t: Table) -> Table {
    t.column(Column::new("owner_id", T::BigInt).nullable())
        .foreign_key(
            ForeignKey::new(["owner_id"], "users", ["id"])
                .named("fk_posts_owner_id_users")
                .on_delete(FkAction::Cascade),
        )
}

/// Diffs on every dialect; the ops (in words) must be `want`, and applying the upgrade
/// then the downgrade to `cur` must go to `tgt` and back.
fn check(cur: &Schema, tgt: &Schema, want: &[&str]) -> Plan {
    let mut first = None;
    for d in Dialect::ALL {
        let plan = diff(cur, tgt, d).unwrap_or_else(|e| panic!("{d}: {e}"));
        let got: Vec<String> = plan.upgrade.iter().map(|o| o.to_string()).collect();
        assert_eq!(got, want, "{d}");
        let mut s = cur.clone();
        for op in &plan.upgrade {
            op.apply(&mut s)
                .unwrap_or_else(|e| panic!("{d}: {op}: {e}"));
        }
        assert!(
            diff(&s, tgt, d).unwrap().is_empty(),
            "{d}: the upgrade reaches the target"
        );
        for op in &plan.downgrade {
            op.apply(&mut s)
                .unwrap_or_else(|e| panic!("{d}: {op}: {e}"));
        }
        assert!(
            diff(&s, cur, d).unwrap().is_empty(),
            "{d}: the downgrade goes back"
        );
        first.get_or_insert(plan);
    }
    first.unwrap()
}

#[test]
fn identical_schemas_have_no_changes() {
    let s = schema(vec![users(), with_owner(posts())]);
    check(&s, &s, &[]);
}

#[test]
fn create_tables_in_foreign_key_order() {
    let tgt = schema(vec![with_owner(posts()), users()]);
    let plan = check(
        &Schema::new(),
        &tgt,
        &[
            "create table users (2 columns)",
            "create table posts (3 columns)",
        ],
    );
    assert_eq!(
        plan.downgrade
            .iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>(),
        ["drop table posts", "drop table users"]
    );
}

#[test]
fn drop_tables_dependants_first_with_a_warning() {
    let cur = schema(vec![users(), with_owner(posts())]);
    let plan = check(
        &cur,
        &Schema::new(),
        &["drop table posts", "drop table users"],
    );
    assert_eq!(
        plan.notes
            .iter()
            .filter(|n| n.kind == NoteKind::Destructive)
            .count(),
        2
    );
    assert!(plan.notes[0].message.contains("DROPS"));
}

#[test]
fn foreign_key_cycle_is_added_after_both_tables() {
    let a = Table::new("a")
        .column(Column::new("id", T::Integer))
        .column(Column::new("b_id", T::Integer).nullable())
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["b_id"], "b", ["id"]).named("fk_a_b"));
    let b = Table::new("b")
        .column(Column::new("id", T::Integer))
        .column(Column::new("a_id", T::Integer).nullable())
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["a_id"], "a", ["id"]).named("fk_b_a"));
    let plan = check(
        &Schema::new(),
        &schema(vec![a, b]),
        &[
            "create table a (2 columns)",
            "create table b (2 columns)",
            "add foreign key fk_a_b on a (b_id) -> b (id)",
        ],
    );
    assert_eq!(
        plan.downgrade
            .iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>(),
        [
            "drop foreign key fk_a_b on a",
            "drop table b",
            "drop table a"
        ]
    );
}

/// `n` tables named out of order, each referencing the one made before it, and three
/// more that reference each other in a cycle.
fn many(n: usize) -> Schema {
    let mut tables: Vec<Table> = (0..n)
        .map(|i| {
            let mut t = Table::new(format!("t{:04}", (i * 7919) % 10_000))
                .column(Column::new("id", T::Integer))
                .column(Column::new("code", T::Varchar(10)))
                .primary_key(["id"])
                .index(Index::new(["code"]).named(format!("ix_{i}")));
            if i > 0 {
                t = t
                    .column(Column::new("prev", T::Integer).nullable())
                    .foreign_key(ForeignKey::new(
                        ["prev"],
                        format!("t{:04}", ((i - 1) * 7919) % 10_000),
                        ["id"],
                    ));
            }
            t
        })
        .collect();
    for (a, b) in [("ca", "cb"), ("cb", "cc"), ("cc", "ca")] {
        tables.push(
            Table::new(a)
                .column(Column::new("id", T::Integer))
                .column(Column::new("other", T::Integer).nullable())
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["other"], b, ["id"]).named(format!("fk_{a}"))),
        );
    }
    schema(tables)
}

#[test]
fn large_schemas_diff_as_small_ones() {
    // Past PARALLEL_MIN_TABLES: validation and normalisation run on a second core.
    let target = many(PARALLEL_MIN_TABLES + 100);
    for d in Dialect::ALL {
        let plan = diff(&Schema::new(), &target, d).unwrap();
        let serial = diff_valid(&Schema::new(), &target, d).unwrap();
        assert_eq!(plan.upgrade, serial.upgrade, "{d}");
        assert_eq!(plan.downgrade, serial.downgrade, "{d}");
        // Every table comes after the tables it references; the cycle is closed by one
        // foreign key added at the end.
        let mut made = std::collections::HashSet::new();
        for op in &plan.upgrade {
            if let Operation::CreateTable { table } = op {
                for f in &table.foreign_keys {
                    assert!(made.contains(&f.ref_table.name), "{d}: {}", table.name);
                }
                made.insert(table.name.clone());
            }
        }
        assert_eq!(made.len(), target.tables.len());
        assert_eq!(
            plan.upgrade.last().unwrap().to_string(),
            "add foreign key fk_ca on ca (other) -> cb (id)"
        );
        assert!(diff(&target, &target, d).unwrap().is_empty(), "{d}");
    }
    // An invalid target is refused on that path too, with what is wrong.
    let mut bad = many(PARALLEL_MIN_TABLES + 100);
    bad.tables[300].foreign_keys[0].ref_table = "missing".into();
    let err = diff(&Schema::new(), &bad, Dialect::Postgres).unwrap_err();
    assert!(
        err.to_string().contains("references table missing"),
        "{err}"
    );
    // A target the diff cannot make sense of (a table and a column declared twice)
    // against a database that has them: an error, never a panic.
    let current = many(PARALLEL_MIN_TABLES + 100);
    let mut twice = current.clone();
    let mut copy = twice.tables[10].clone();
    copy.columns.truncate(1);
    twice.tables.push(copy);
    let col = twice.tables[20].columns[0].clone();
    twice.tables[20].columns.push(col);
    for d in Dialect::ALL {
        let err = diff(&current, &twice, d).unwrap_err().to_string();
        assert!(err.contains("is declared twice"), "{d}: {err}");
    }
}

#[test]
fn add_column_and_foreign_key() {
    let cur = schema(vec![posts()]);
    let tgt = schema(vec![users(), with_owner(posts())]);
    check(
        &cur,
        &tgt,
        &[
            "create table users (2 columns)",
            "add column posts.owner_id bigint",
            "add foreign key fk_posts_owner_id_users on posts (owner_id) -> users (id)",
        ],
    );
}

#[test]
fn column_changes() {
    let cur = schema(vec![posts()]);
    let tgt = schema(vec![
        Table::new("posts")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(
                Column::new("title", T::Bytes)
                    .nullable()
                    .default("'untitled'"),
            )
            .primary_key(["id"]),
    ]);
    check(
        &cur,
        &tgt,
        &[
            "alter column posts.title: type text -> bytes, drop not null, default none -> 'untitled'",
        ],
    );
}

#[test]
fn spelling_differences_are_not_changes() {
    let cur = schema(vec![
        Table::new("t")
            .column(Column::new("n", T::Custom("int4".into())).default("'0'::integer"))
            .column(Column::new("at", T::TimestampTz).default("now()")),
    ]);
    let tgt = schema(vec![
        Table::new("t")
            .column(Column::new("n", T::Integer).default("0"))
            .column(Column::new("at", T::TimestampTz).default("CURRENT_TIMESTAMP")),
    ]);
    let plan = diff(&cur, &tgt, Dialect::Postgres).unwrap();
    assert!(plan.is_empty(), "{:?}", plan.upgrade);
}

#[test]
fn sqlite_does_not_see_integer_widths() {
    let cur = schema(vec![Table::new("t").column(Column::new("n", T::Integer))]);
    let tgt = schema(vec![Table::new("t").column(Column::new("n", T::BigInt))]);
    assert!(diff(&cur, &tgt, Dialect::Sqlite).unwrap().is_empty());
    assert_eq!(
        diff(&cur, &tgt, Dialect::Postgres).unwrap().upgrade.len(),
        1
    );
}

#[test]
fn indexes_and_uniques() {
    let cur = schema(vec![users()]);
    let tgt = schema(vec![
        Table::new("users")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(Column::new("name", T::Varchar(64)))
            .primary_key(["id"])
            .index(Index::new(["name"]).named("ix_users_name")),
    ]);
    check(
        &cur,
        &tgt,
        &[
            "drop unique constraint uq_users_name on users",
            "create index ix_users_name on users (name)",
        ],
    );
}

#[test]
fn unique_constraint_matches_unique_index() {
    let cur = schema(vec![
        Table::new("u")
            .column(Column::new("e", T::Varchar(100)))
            .index(Index::new(["e"]).unique().named("u_e_key")),
    ]);
    let tgt = schema(vec![
        Table::new("u")
            .column(Column::new("e", T::Varchar(100)))
            .unique(Unique::new(["e"]).named("uq_u_e")),
    ]);
    for d in Dialect::ALL {
        assert!(diff(&cur, &tgt, d).unwrap().is_empty(), "{d}");
    }
}

#[test]
fn foreign_key_action_change_is_drop_and_add() {
    let cur = schema(vec![users(), with_owner(posts())]);
    let mut p = with_owner(posts());
    p.foreign_keys[0].on_delete = FkAction::SetNull;
    let tgt = schema(vec![users(), p]);
    check(
        &cur,
        &tgt,
        &[
            "drop foreign key fk_posts_owner_id_users on posts",
            "add foreign key fk_posts_owner_id_users on posts (owner_id) -> users (id)",
        ],
    );
}

#[test]
fn dropped_column_with_index_drops_index_first() {
    let cur = schema(vec![
        users(),
        with_owner(posts()).index(Index::new(["owner_id"]).named("ix_posts_owner_id")),
    ]);
    let tgt = schema(vec![users(), posts()]);
    let plan = check(
        &cur,
        &tgt,
        &[
            "drop foreign key fk_posts_owner_id_users on posts",
            "drop index ix_posts_owner_id on posts",
            "drop column posts.owner_id",
        ],
    );
    assert!(plan.notes.iter().any(|n| n.kind == NoteKind::Destructive));
}

#[test]
fn renamed_from_renames_instead_of_drop_and_add() {
    let cur = schema(vec![users(), with_owner(posts())]);
    let accounts = Table::new("accounts")
        .column(Column::new("id", T::BigInt).auto_increment())
        .column(Column::new("username", T::Varchar(64)).renamed_from("name"))
        .primary_key(["id"])
        .unique(Unique::new(["username"]).named("uq_users_name"))
        .renamed_from("users");
    let mut p = with_owner(posts());
    p.foreign_keys[0].ref_table = "accounts".into();
    let tgt = schema(vec![accounts, p]);
    check(
        &cur,
        &tgt,
        &[
            "rename table users to accounts",
            "rename column accounts.name to username",
        ],
    );
}

#[test]
fn renamed_table_with_dropped_index_drops_it_under_the_new_name() {
    let cur = schema(vec![
        Table::new("t")
            .column(Column::new("id", T::Integer))
            .column(Column::new("a", T::Integer))
            .index(Index::new(["a"]).named("ix_t_a")),
    ]);
    let tgt = schema(vec![
        Table::new("r")
            .column(Column::new("id", T::Integer))
            .column(Column::new("b", T::Integer).renamed_from("a"))
            .renamed_from("t"),
    ]);
    check(
        &cur,
        &tgt,
        &[
            "rename table t to r",
            "rename column r.a to b",
            "drop index ix_t_a on r",
        ],
    );
}

#[test]
fn equivalent_objects_pair_with_their_own_name() {
    // A unique constraint and a unique index on the same column; the target adds a
    // second unique index: nothing the database has is added again.
    let cur = schema(vec![
        Table::new("t")
            .column(Column::new("c", T::Integer))
            .unique(Unique::new(["c"]).named("uq_t_c")),
    ]);
    let tgt = schema(vec![
        Table::new("t")
            .column(Column::new("c", T::Integer))
            .unique(Unique::new(["c"]).named("uq_t_c"))
            .index(Index::new(["c"]).unique().named("ix_t_c")),
    ]);
    for d in Dialect::ALL {
        let got: Vec<String> = diff(&cur, &tgt, d)
            .unwrap()
            .upgrade
            .iter()
            .map(|o| o.to_string())
            .collect();
        assert_eq!(got, ["create unique index ix_t_c on t (c)"], "{d}");
    }
}

#[test]
fn drop_plus_add_suggests_a_rename() {
    let cur = schema(vec![posts()]);
    let tgt = schema(vec![
        Table::new("posts")
            .column(Column::new("id", T::BigInt).auto_increment())
            .column(Column::new("headline", T::Text))
            .primary_key(["id"]),
    ]);
    let plan = diff(&cur, &tgt, Dialect::Postgres).unwrap();
    let suggestion = plan
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::RenameSuggestion)
        .expect("a rename suggestion");
    assert!(
        suggestion.message.contains("renamed_from = \"title\""),
        "{}",
        suggestion.message
    );
}

#[test]
fn invalid_models_are_reported_together() {
    let bad = schema(vec![
        Table::new("posts")
            .column(Column::new("id", T::Text).auto_increment())
            .foreign_key(ForeignKey::new(["owner_id"], "users", ["id"])),
    ]);
    let err = diff(&Schema::new(), &bad, Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(err.contains("auto_increment but its type text"), "{err}");
    assert!(
        err.contains("names column owner_id, which does not exist"),
        "{err}"
    );
    assert!(
        err.contains("references table users, which no model declares"),
        "{err}"
    );

    let not_unique = schema(vec![
        Table::new("pairs")
            .column(Column::new("a", T::Integer))
            .column(Column::new("b", T::Integer))
            .primary_key(["a"]),
        Table::new("c")
            .column(Column::new("x", T::Integer))
            .column(Column::new("y", T::Integer))
            .foreign_key(ForeignKey::new(["x", "y"], "pairs", ["a", "b"])),
    ]);
    let err = diff(&Schema::new(), &not_unique, Dialect::Postgres)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("references pairs (a, b), which is neither its primary key nor unique"),
        "{err}"
    );
}

#[test]
fn mysql_keys_on_unbounded_text_are_refused_when_the_plan_is_made() {
    let t = schema(vec![
        Table::new("docs")
            .column(Column::new("id", T::Integer))
            .column(Column::new("body", T::Text))
            .column(Column::new("title", T::Varchar(200)))
            .primary_key(["id"])
            .index(Index::new(["body"]))
            .index(Index::new(["title"])),
    ]);
    let err = diff(&Schema::new(), &t, Dialect::MySql)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("an index of table docs covers column body, of type text (LONGTEXT on MySQL), which MySQL cannot index whole"),
        "{err}"
    );
    assert!(!err.contains("column title"), "{err}");
    assert!(diff(&Schema::new(), &t, Dialect::Postgres).is_ok());
    assert!(diff(&Schema::new(), &t, Dialect::Sqlite).is_ok());
}

#[test]
fn mysql_comments_outside_utf8mb3_are_refused() {
    let t = schema(vec![
        Table::new("notes")
            .column(Column::new("id", T::Integer).comment("naïve 名前 is fine"))
            .column(Column::new("mood", T::Integer).comment("happy 😀"))
            .primary_key(["id"])
            .comment("rocket 🚀"),
    ]);
    let err = diff(&Schema::new(), &t, Dialect::MySql)
        .unwrap_err()
        .to_string();
    assert!(err.contains("the comment of table notes has '🚀'"), "{err}");
    assert!(
        err.contains("the comment of column notes.mood has '😀'"),
        "{err}"
    );
    assert!(!err.contains("notes.id"), "{err}");
    assert!(diff(&Schema::new(), &t, Dialect::Postgres).is_ok());
}

#[test]
fn primary_key_change() {
    let cur = schema(vec![
        Table::new("v")
            .column(Column::new("a", T::Integer))
            .column(Column::new("b", T::Integer))
            .primary_key(["a"]),
    ]);
    let tgt = schema(vec![
        Table::new("v")
            .column(Column::new("a", T::Integer))
            .column(Column::new("b", T::Integer))
            .primary_key(["a", "b"]),
    ]);
    check(
        &cur,
        &tgt,
        &["drop primary key of v", "add primary key on v (a, b)"],
    );
}

/// A plan split into parts: the parts' upgrades in order build the target, and each
/// part's downgrade, from the state after it, brings back the state before it.
#[test]
fn a_split_plan_builds_the_target_part_by_part_and_each_part_reverts() {
    let before = schema(vec![users()]);
    let target = schema(vec![
        users().column(Column::new("bio", T::Text).nullable()),
        with_owner(posts()),
        Table::new("tags")
            .column(Column::new("id", T::Integer))
            .primary_key(["id"]),
    ]);
    let plan = diff(&before, &target, Dialect::Postgres).unwrap();
    assert!(plan.upgrade.len() >= 3, "{:?}", plan.upgrade);
    let parts = plan.split(&before, 2).unwrap();
    assert_eq!(parts.len(), plan.upgrade.len().div_ceil(2));
    let mut states = vec![before.clone()];
    for (up, _) in &parts {
        assert!(up.len() <= 2);
        let mut next = states.last().unwrap().clone();
        for op in up {
            op.apply(&mut next).unwrap();
        }
        states.push(next);
    }
    let built = states.last().unwrap();
    assert!(diff(built, &target, Dialect::Postgres).unwrap().is_empty());
    for (i, (_, down)) in parts.iter().enumerate() {
        let mut back = states[i + 1].clone();
        for op in down {
            op.apply(&mut back).unwrap();
        }
        assert!(
            diff(&back, &states[i], Dialect::Postgres)
                .unwrap()
                .is_empty(),
            "part {i}"
        );
    }
}
