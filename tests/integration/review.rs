//! `aludel review-diff` and `aludel check --offline` on a scripted git repository: a base
//! commit, a branch that trips every lint, and a branch with every history error.

use std::path::Path;

use aludel_schema::Dialect;
use aludel_tests::{Project, Run, TestDb};

const BASE: &str = include_str!("../fixtures/review/base.rs");
const LINTS: &str = include_str!("../fixtures/review/lints.rs");
const DRIFT: &str = include_str!("../fixtures/review/drift.rs");

/// Runs git with a fixed identity and clock, so that commits are reproducible.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "aludel")
        .env("GIT_AUTHOR_EMAIL", "aludel@example.com")
        .env("GIT_COMMITTER_NAME", "aludel")
        .env("GIT_COMMITTER_EMAIL", "aludel@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-21T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-21T12:00:00Z")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit(p: &Project, message: &str) {
    git(p.root(), &["add", "-A"]);
    git(p.root(), &["commit", "-q", "-m", message]);
}

fn revision_file(p: &Project, id: &str) -> std::path::PathBuf {
    p.revision_files()
        .into_iter()
        .find(|f| f.file_name().unwrap().to_string_lossy().starts_with(id))
        .unwrap_or_else(|| panic!("no revision file {id}"))
}

fn empty_revision(p: &Project, id: &str, revises: &str, message: &str) {
    std::fs::write(
        p.root()
            .join("migrations/versions")
            .join(format!("{id}_{}.rs", message.replace(' ', "_"))),
        format!(
            "use aludel::migration::*;\n\n\
             pub const REVISION: Revision = Revision {{\n    id: {id:?},\n    revises: &[{revises:?}],\n    message: {message:?},\n}};\n\n\
             pub fn upgrade(_op: &mut Ops) {{}}\n\n\
             pub fn downgrade(_op: &mut Ops) {{}}\n"
        ),
    )
    .unwrap();
}

/// The report with the merge base's hash (which depends on absolute paths in the
/// scaffolded Cargo.toml) replaced.
fn stable(out: &Run, merge_base: &str) -> String {
    out.stdout.replace(&merge_base[..12], "<merge-base>")
}

#[test]
fn review_diff_on_a_scripted_repository() {
    // The revisions are written by autogenerate against PostgreSQL, the dialect the
    // report renders for.
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    let p = Project::new(&db.url);
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("# AL101 = \"error\"", "AL102 = \"error\""),
    )
    .unwrap();
    std::fs::write(p.root().join(".gitignore"), "/target\n").unwrap();

    // main: the base schema and a second revision.
    p.set_models(BASE);
    p.aludel(&[
        "revision",
        "--autogenerate",
        "--rev-id",
        "000000000001",
        "-m",
        "base schema",
    ])
    .ok();
    empty_revision(&p, "000000000002", "000000000001", "placeholder");
    p.aludel(&["upgrade", "head"]).ok();
    // A revision kept in a subfolder is not compiled (the runner takes the folder's own
    // files): review-diff must not take it for a base revision the branch deleted.
    let attic = p.root().join("migrations/versions/attic");
    std::fs::create_dir_all(&attic).unwrap();
    std::fs::copy(revision_file(&p, "000000000002"), attic.join("old.rs")).unwrap();
    let old = std::fs::read_to_string(attic.join("old.rs")).unwrap();
    std::fs::write(
        attic.join("old.rs"),
        old.replace("000000000002", "a77a77a77a77"),
    )
    .unwrap();
    git(p.root(), &["init", "-q"]);
    commit(&p, "base");
    let base_commit = git(p.root(), &["rev-parse", "HEAD"]).trim().to_string();

    // A branch that trips every lint, one of them allowed in the file.
    git(p.root(), &["checkout", "-q", "-b", "lints"]);
    p.set_models(LINTS);
    p.aludel(&[
        "revision",
        "--autogenerate",
        "--rev-id",
        "000000000003",
        "-m",
        "tighten the schema",
    ])
    .ok();
    let file = revision_file(&p, "000000000003");
    let mut source = std::fs::read_to_string(&file).unwrap();
    source.push_str("\n// aludel-allow: AL101 legacy has been empty since the 2025 export\n");
    std::fs::write(&file, source).unwrap();
    commit(&p, "tighten the schema");

    let review = |args: &[&str]| {
        let mut all = vec!["review-diff", "--base", "main"];
        all.extend_from_slice(args);
        p.aludel(&all)
    };
    let md = review(&["--dialect", "postgres"]);
    assert_eq!(md.status.code(), Some(1), "AL102 is an error here: {md:?}");
    assert!(
        md.stderr
            .contains("review-diff: 1 revision, 1 error, 14 warnings, 1 allowed"),
        "{}",
        md.stderr
    );
    insta::assert_snapshot!("review_lints_markdown", stable(&md, &base_commit));
    let codes: Vec<&str> = [
        "AL101", "AL102", "AL103", "AL201", "AL202", "AL301", "AL302", "AL303", "AL304", "AL401",
        "AL501",
    ]
    .to_vec();
    for code in &codes {
        assert!(md.stdout.contains(code), "{code} fires");
    }
    insta::assert_snapshot!(
        "review_lints_text",
        stable(
            &review(&["--dialect", "postgres", "--format", "text"]),
            &base_commit
        )
    );
    let json = review(&["--dialect", "postgres", "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    assert_eq!(parsed["summary"]["errors"], 1);
    insta::assert_snapshot!("review_lints_json", stable(&json, &base_commit));
    // The PostgreSQL lock lints stay quiet for SQLite.
    let sqlite = review(&["--dialect", "sqlite", "--format", "text"]);
    for code in ["AL301", "AL302", "AL303", "AL304"] {
        assert!(!sqlite.stdout.contains(code), "{code}: {}", sqlite.stdout);
    }
    assert!(sqlite.stdout.contains("AL102"), "{}", sqlite.stdout);
    // Findings link to the lint pages: docs/lints in the repository under review by
    // default, or where `[review] docs_url` says.
    assert!(
        md.stdout.contains("](docs/lints/AL102.md)"),
        "{}",
        md.stdout
    );
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let changed = text.replace(
        "# docs_url = \"https://github.com/you/app/blob/main/docs/lints\"",
        "docs_url = \"https://lints.example/aludel/\"",
    );
    assert_ne!(changed, text, "aludel init writes the [review] section");
    std::fs::write(&config, changed).unwrap();
    let linked = review(&["--dialect", "postgres"]);
    assert!(
        linked
            .stdout
            .contains("](https://lints.example/aludel/AL102.md)"),
        "{linked:?}"
    );
    std::fs::write(&config, text).unwrap();
    // Written to a file, and the branch's revisions match its models.
    review(&["--dialect", "postgres", "--output", "report.md"]);
    assert_eq!(
        std::fs::read_to_string(p.root().join("report.md")).unwrap(),
        md.stdout
    );
    let check = p.aludel(&["check", "--offline"]).ok();
    assert_eq!(check.stdout, "No new upgrade operations detected.\n");

    // A branch with every history error.
    git(p.root(), &["checkout", "-q", "main"]);
    git(p.root(), &["checkout", "-q", "-b", "drift"]);
    p.set_models(DRIFT);
    let first = revision_file(&p, "000000000001");
    let edited = std::fs::read_to_string(&first).unwrap().replace(
        "pub fn upgrade(op: &mut Ops) {",
        "pub fn upgrade(op: &mut Ops) {\n    op.execute(\"UPDATE users SET nickname = name\");",
    );
    std::fs::write(&first, edited).unwrap();
    std::fs::remove_file(revision_file(&p, "000000000002")).unwrap();
    empty_revision(&p, "00000000000a", "000000000001", "one way");
    empty_revision(&p, "00000000000b", "000000000001", "another way");
    commit(&p, "drift");
    git(p.root(), &["checkout", "-q", "main"]);
    empty_revision(&p, "000000000004", "000000000002", "main moves on");
    commit(&p, "main moves on");
    git(p.root(), &["checkout", "-q", "drift"]);

    let out = review(&["--dialect", "postgres"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    for code in ["AL001", "AL002", "AL003", "AL004", "AL005"] {
        assert!(out.stdout.contains(code), "{code}: {}", out.stdout);
    }
    insta::assert_snapshot!("review_errors_markdown", stable(&out, &base_commit));
    let check = p.aludel(&["check", "--offline", "--dialect", "postgres"]);
    assert_eq!(check.status.code(), Some(1), "{check:?}");
    assert!(
        check.stderr.contains("there are several heads"),
        "{check:?}"
    );

    // A base that is not there.
    let out = p.aludel(&["review-diff", "--base", "origin/nowhere"]);
    assert!(
        out.stderr
            .contains("the base origin/nowhere is not a commit here; fetch it first"),
        "{out:?}"
    );
}

/// The example report of docs/review-example.md: the example application, and a branch
/// that gives posts a slug. `ALUDEL_BLESS=1` rewrites the page.
#[test]
fn the_documented_example_report_is_what_review_diff_prints() {
    let Some(db) = TestDb::new(Dialect::Postgres) else {
        return;
    };
    let root = aludel_tests::workspace_root();
    let p = Project::new(&db.url);
    let blog = std::fs::read_to_string(root.join("examples/blog/src/lib.rs")).unwrap();
    p.set_models(&blog);
    for entry in std::fs::read_dir(root.join("migrations/versions")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            p.root()
                .join("migrations/versions")
                .join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    p.aludel(&["upgrade", "head"]).ok();
    // The page lives in docs/, beside docs/lints/: its links are relative to it.
    let config = p.root().join("aludel.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let linked = text.replace(
        "# docs_url = \"https://github.com/you/app/blob/main/docs/lints\"",
        "docs_url = \"lints\"",
    );
    assert_ne!(linked, text);
    // A fleet in the config changes nothing of review-diff's: it reads no database.
    let linked = format!("{linked}\n[targets.tenants]\nfile = \"tenants.txt\"\n");
    std::fs::write(&config, linked).unwrap();
    std::fs::write(p.root().join(".gitignore"), "/target\n").unwrap();
    git(p.root(), &["init", "-q"]);
    commit(&p, "the example application");
    let base_commit = git(p.root(), &["rev-parse", "HEAD"]).trim().to_string();

    git(p.root(), &["checkout", "-q", "-b", "post-slugs"]);
    let changed = blog
        .replace(
            "    pub title: String,\n    pub body: Option<String>,",
            "    pub title: String,\n    #[aludel(max_length = 200, unique)]\n    pub slug: String,\n    #[aludel(renamed_from = \"body\")]\n    pub content: Option<String>,",
        )
        .replace(
            "    pub joined_at: NaiveDateTime,\n}",
            "    pub joined_at: NaiveDateTime,\n    #[aludel(max_length = 254)]\n    pub email: Option<String>,\n}",
        )
        .replace(
            "    pub post_id: i32,\n}",
            "    pub post_id: i32,\n    #[aludel(default = \"CURRENT_TIMESTAMP\")]\n    pub voted_at: DateTime<Utc>,\n}",
        );
    for pattern in [
        "    pub title: String,\n    pub body: Option<String>,",
        "    pub joined_at: NaiveDateTime,\n}",
        "    pub post_id: i32,\n}",
    ] {
        assert!(
            blog.contains(pattern),
            "the example no longer has {pattern:?}"
        );
    }
    p.set_models(&changed);
    p.aludel(&[
        "revision",
        "--autogenerate",
        "--rev-id",
        "4f0c2a9e1d3b",
        "-m",
        "posts get a slug",
    ])
    .ok();
    commit(&p, "posts get a slug");
    let out = p.aludel(&["review-diff", "--base", "main", "--dialect", "postgres"]);
    assert_eq!(out.status.code(), Some(0), "warnings only: {out:?}");
    let report = stable(&out, &base_commit);

    let page = root.join("docs/review-example.md");
    let text = std::fs::read_to_string(&page).unwrap_or_default();
    let (start, end) = ("<!-- report -->\n", "<!-- /report -->\n");
    let documented = text
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(report, _)| report.to_string());
    if std::env::var("ALUDEL_BLESS").is_ok_and(|v| v == "1") {
        let (head, tail) = match (text.split_once(start), text.split_once(end)) {
            (Some((head, _)), Some((_, tail))) => (head.to_string(), tail.to_string()),
            _ => ("# An example review\n\n".to_string(), String::new()),
        };
        std::fs::write(&page, format!("{head}{start}{report}{end}{tail}")).unwrap();
        return;
    }
    assert_eq!(
        documented.as_deref(),
        Some(report.as_str()),
        "docs/review-example.md is out of date: run the test with ALUDEL_BLESS=1"
    );
}
