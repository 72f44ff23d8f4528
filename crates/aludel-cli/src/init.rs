//! `aludel init`: the config file and the runner crate.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::CONFIG_FILE;

/// Where the aludel crates come from in the scaffolded `Cargo.toml`: a local checkout
/// (`ALUDEL_SOURCE`, or the one this binary was built from) or crates.io.
fn aludel_deps() -> (String, String) {
    let checkout = std::env::var_os("ALUDEL_SOURCE")
        .map(PathBuf::from)
        .or_else(|| {
            let built_from = Path::new(env!("CARGO_MANIFEST_DIR"));
            let root = built_from.parent()?.parent()?;
            let from_registry = root
                .components()
                .any(|c| c == Component::Normal(".cargo".as_ref()));
            (!from_registry && root.join("crates/aludel/Cargo.toml").is_file())
                .then(|| root.to_path_buf())
        });
    match checkout {
        Some(root) => (
            format!(
                "aludel = {{ path = {:?}, features = [\"runner\", \"chrono\"] }}",
                root.join("crates/aludel").display().to_string()
            ),
            format!(
                "aludel-build = {{ path = {:?} }}",
                root.join("crates/aludel-build").display().to_string()
            ),
        ),
        None => (
            format!(
                "aludel = {{ version = \"{v}\", features = [\"runner\", \"chrono\"] }}",
                v = env!("CARGO_PKG_VERSION")
            ),
            format!("aludel-build = \"{}\"", env!("CARGO_PKG_VERSION")),
        ),
    }
}

/// The package at `root` that holds the models, if it has a library target.
struct ModelsCrate {
    name: String,
    has_lib: bool,
    is_workspace: bool,
}

fn models_crate(root: &Path) -> Option<ModelsCrate> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let doc: toml::Table = toml::from_str(&text).ok()?;
    let is_workspace = doc.contains_key("workspace");
    let name = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let has_lib = doc.contains_key("lib") || root.join("src/lib.rs").is_file();
    Some(ModelsCrate {
        name: name.unwrap_or_default(),
        has_lib,
        is_workspace,
    })
}

const CONFIG_TEMPLATE: &str = r#"# aludel's configuration (the analogue of alembic.ini).

# The runner crate: it compiles the models and the revisions in versions/ together.
migrations = "{migrations}"

# Revision file names. Tokens: {rev} {slug} {year} {month} {day} {hour} {minute} {second}
file_template = "{rev}_{slug}"

# The table that records which revisions the database is at.
version_table = "aludel_version"

# "revision": each revision commits with its version change, or not at all.
# "all": the whole upgrade commits at once. (MySQL commits DDL as it goes either way.)
transaction_mode = "revision"

# Seconds to wait for another run's migration lock before giving up.
lock_timeout = 60

# The database URL comes from --url, then DATABASE_URL (the environment or .env),
# then this key. Keep passwords out of this file.
url = "sqlite://app.db?mode=rwc"

[tables]
# Patterns (* and ?) of the tables aludel manages (empty: all) and never touches.
include = []
exclude = []

[lints]
# review-diff's lints: code or name = "error", "warn" (the default) or "off".
# See docs/lints/. A revision file silences one with: // aludel-allow: AL102 <reason>
# AL101 = "error"

[review]
# Where review-diff's findings link to (<docs_url>/<code>.md); by default docs/lints,
# relative to the repository under review. For example:
# docs_url = "https://github.com/you/app/blob/main/docs/lints"

[naming]
primary_key = "pk_{table}"
unique = "uq_{table}_{columns}"
index = "ix_{table}_{columns}"
foreign_key = "fk_{table}_{columns}_{referred_table}"
check = "ck_{table}_{name}"
"#;

pub(crate) fn init(root: &Path, dir: &Path) -> anyhow::Result<()> {
    if dir.is_absolute() || dir.components().any(|c| matches!(c, Component::ParentDir)) {
        bail!(
            "--dir {} must be a folder inside the project",
            dir.display()
        );
    }
    let config = root.join(CONFIG_FILE);
    if config.exists() {
        bail!(
            "{} exists already: this project is initialised",
            config.display()
        );
    }
    let runner = root.join(dir);
    if runner.join("Cargo.toml").exists() {
        bail!(
            "{} exists already; choose another folder with --dir",
            runner.join("Cargo.toml").display()
        );
    }
    let up = dir.components().map(|_| "..").collect::<Vec<_>>().join("/");
    let models = models_crate(root);
    let (aludel_dep, build_dep) = aludel_deps();
    let mut notes = Vec::new();
    let (models_dep, models_use) = match &models {
        Some(m) if m.has_lib && !m.name.is_empty() => (
            format!("{} = {{ path = {up:?} }}\n", m.name),
            format!(
                "// Links the crate that holds the models: each model registers itself, so\n\
                 // there is no list to keep.\nuse {} as _;\n",
                m.name.replace('-', "_")
            ),
        ),
        Some(m) if !m.name.is_empty() => {
            notes.push(format!(
                "the package {} has no library target: put the models in src/lib.rs (or a crate of their own), \
                 then add it to {}/Cargo.toml and `use <crate> as _;` to {}/src/main.rs",
                m.name,
                dir.display(),
                dir.display()
            ));
            (
                String::new(),
                "// use my_models as _; // the crate that holds the models\n".into(),
            )
        }
        _ => {
            notes.push(format!(
                "add the crate that holds your models to {}/Cargo.toml and `use <crate> as _;` to {}/src/main.rs",
                dir.display(),
                dir.display()
            ));
            (
                String::new(),
                "// use my_models as _; // the crate that holds the models\n".into(),
            )
        }
    };
    if models.as_ref().is_some_and(|m| m.is_workspace) {
        notes.push(format!(
            "add {:?} to the members of [workspace] in Cargo.toml",
            dir.display().to_string()
        ));
    }
    let runner_name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("migrations")
        .to_string();
    let files: Vec<(PathBuf, String)> = vec![
        (
            config.clone(),
            CONFIG_TEMPLATE.replace("{migrations}", &dir.display().to_string().replace('\\', "/")),
        ),
        (
            runner.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{runner_name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\n{aludel_dep}\n{models_dep}\n[build-dependencies]\n{build_dep}\n"
            ),
        ),
        (
            runner.join("build.rs"),
            "fn main() {\n    // Every file in versions/ is a revision: adding one needs no other change.\n    aludel_build::revisions();\n}\n".into(),
        ),
        (
            runner.join("src/main.rs"),
            format!(
                "//! The runner of this project's migrations: the models and the revisions in\n\
                 //! versions/, compiled together. The `aludel` command builds and runs it.\n\n\
                 {models_use}\naludel::main!();\n"
            ),
        ),
        (runner.join("versions/.gitkeep"), String::new()),
    ];
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("Creating {} ... done", path.display());
    }
    for n in notes {
        eprintln!("note: {n}");
    }
    println!(
        "Next: define models with #[derive(aludel::Model)], then `aludel revision --autogenerate -m \"init\"` and `aludel upgrade head`."
    );
    Ok(())
}
