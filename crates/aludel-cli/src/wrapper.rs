//! The `aludel` binary: `init` here; every other command builds the project's runner
//! crate with cargo and runs it with the same arguments.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, bail};

use crate::args::{Cli, Command as Cmd};
use crate::config;

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Cmd::Init { dir } = &cli.command {
        crate::init::init(&std::env::current_dir()?, dir)?;
        return Ok(ExitCode::SUCCESS);
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let project = config::load(cli.config.as_deref(), &cwd, None)?;
    let manifest = project.runner_dir().join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "the runner crate {} does not exist (aludel.toml says migrations = {:?}); run `aludel init` or fix the path",
            manifest.display(),
            project.config.migrations
        );
    }
    let exe = build_runner(&manifest)?;
    let config_file = std::fs::canonicalize(&project.file).unwrap_or(project.file.clone());
    let mut cmd = Command::new(&exe);
    cmd.args(std::env::args_os().skip(1))
        .env("ALUDEL_CONFIG", config_file);
    exec(cmd)
}

/// How the runner is built: its own profile `aludel` (in target/aludel/), the dev profile
/// without debug information, with every dependency optimised. The project's own crates
/// (the models, the runner) stay unoptimised, so that rebuilding after a model change is
/// as quick as a debug build; the dependencies (sqlx, aludel) compile once and make
/// introspection, diffing and rendering several times faster (docs/benchmarks.md). The
/// procedural macros among the dependencies run only while compiling: optimising them
/// would add a third to the first build (184 s against 135 s on two cores). The
/// workspace's Cargo.toml says the same as `[profile.aludel]`, for its own runner.
pub const RUNNER_BUILD_ARGS: &[&str] = &[
    "--profile",
    "aludel",
    "--config",
    "profile.aludel.inherits=\"dev\"",
    "--config",
    "profile.aludel.debug=false",
    "--config",
    "profile.aludel.package.\"*\".opt-level=2",
    "--config",
    "profile.aludel.package.\"syn@2\".opt-level=0",
    "--config",
    "profile.aludel.package.serde_derive.opt-level=0",
    "--config",
    "profile.aludel.package.clap_derive.opt-level=0",
    "--config",
    "profile.aludel.package.thiserror-impl.opt-level=0",
    "--config",
    "profile.aludel.package.tokio-macros.opt-level=0",
    "--config",
    "profile.aludel.package.tracing-attributes.opt-level=0",
    "--config",
    "profile.aludel.package.zerofrom-derive.opt-level=0",
    "--config",
    "profile.aludel.package.yoke-derive.opt-level=0",
    "--config",
    "profile.aludel.package.zerovec-derive.opt-level=0",
    "--config",
    "profile.aludel.package.synstructure.opt-level=0",
    "--config",
    "profile.aludel.package.displaydoc.opt-level=0",
];

/// Builds the runner crate and returns this project's own copy of its executable.
///
/// Every project's runner crate is called `migrations`, so projects that share a cargo
/// target directory (a global `CARGO_TARGET_DIR` or `build.target-dir`) build to the same
/// path. Under a lock, the fresh executable is copied to a path of the project's own
/// (named after a hash of the runner crate's path), so one project never runs another's
/// runner, and two projects can run at once.
fn build_runner(manifest: &Path) -> anyhow::Result<PathBuf> {
    let want = std::fs::canonicalize(manifest).unwrap_or(manifest.to_path_buf());
    let lock = runner_lock();
    let built = cargo_build(manifest, &want)?;
    let own = private_copy(&built, &want)?;
    drop(lock);
    Ok(own)
}

/// A lock that serialises build-and-copy among this user's aludel runs (cargo's own
/// lock covers only the build, and where the target directory is cannot be known before
/// cargo says it). It is held only while cargo builds, not while the runner runs. Where
/// no lock file can be made, the build goes on without one (as it did before the copy).
fn runner_lock() -> Option<std::fs::File> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let name: String = format!("aludel-runner-build-{user}.lock")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join(name))
        .ok()?;
    file.lock().ok()?;
    Some(file)
}

/// `built` copied to `<its folder>/runners/<hash of the manifest path>/`, unless the
/// copy there is already the same file.
fn private_copy(built: &Path, manifest: &Path) -> anyhow::Result<PathBuf> {
    let h = aludel_schema::fnv1a_64(manifest.as_os_str().as_encoded_bytes());
    let dir = built
        .parent()
        .unwrap_or(Path::new("."))
        .join("runners")
        .join(format!("{h:016x}"));
    let own = dir.join(built.file_name().unwrap_or_default());
    let meta = |p: &Path| {
        std::fs::metadata(p)
            .ok()
            .map(|m| (m.len(), m.modified().ok()))
    };
    if meta(&own).is_some() && meta(&own) == meta(built) {
        return Ok(own);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(".incoming");
    std::fs::copy(built, &tmp)
        .with_context(|| format!("cannot copy the runner to {}", dir.display()))?;
    if let Ok(m) = std::fs::metadata(built).and_then(|m| m.modified()) {
        let _ = std::fs::File::options()
            .write(true)
            .open(&tmp)
            .and_then(|f| f.set_modified(m));
    }
    // A rename replaces the file under a runner that may still be running elsewhere.
    std::fs::rename(&tmp, &own)
        .with_context(|| format!("cannot place the runner at {}", own.display()))?;
    Ok(own)
}

/// Builds the runner crate and returns the executable cargo made.
fn cargo_build(manifest: &Path, want: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .args(RUNNER_BUILD_ARGS)
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let piped = !std::io::stderr().is_terminal();
    if piped {
        cmd.arg("--quiet");
    }
    let mut child = cmd
        .spawn()
        .context("cannot run cargo to build the runner; is cargo on PATH?")?;
    let mut stdout = child.stdout.take().context("cargo's output")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let status = wait_saying_so(&mut child, piped.then_some(manifest))?;
    let messages = reader.join().unwrap_or_default();
    if !status.success() {
        bail!(
            "the runner crate {} does not build; the compiler's messages above say why (often a model or a revision file)",
            manifest.parent().unwrap_or(manifest).display()
        );
    }
    let mut exe = None;
    for line in messages.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let same = msg["manifest_path"]
            .as_str()
            .map(|p| std::fs::canonicalize(p).unwrap_or(PathBuf::from(p)) == want)
            .unwrap_or(false);
        if let (true, Some(path)) = (same, msg["executable"].as_str()) {
            exe = Some(PathBuf::from(path));
        }
    }
    exe.with_context(|| {
        format!(
            "cargo built {} but reported no executable; the runner crate needs a binary (src/main.rs with aludel::main!())",
            manifest.display()
        )
    })
}

/// How long a build may run before a quiet (piped) `aludel` says what it is doing.
const QUIET_BUILD_NOTICE: std::time::Duration = std::time::Duration::from_secs(2);

/// Waits for cargo. When `quiet_manifest` is given (stderr is not a terminal, so cargo
/// runs with `--quiet`) and the build takes a while, says once on stderr what is being
/// built: the first build of a machine compiles the dependencies for minutes.
fn wait_saying_so(
    child: &mut std::process::Child,
    quiet_manifest: Option<&Path>,
) -> anyhow::Result<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    let mut said = quiet_manifest.is_none();
    loop {
        if let Some(status) = child.try_wait().context("cannot wait for cargo")? {
            return Ok(status);
        }
        if !said && start.elapsed() >= QUIET_BUILD_NOTICE {
            said = true;
            let dir = quiet_manifest
                .and_then(Path::parent)
                .unwrap_or(Path::new("."));
            eprintln!(
                "aludel: building the runner crate {} with cargo; the first build on a machine \
                 also compiles its dependencies (a few minutes, once), later ones take seconds",
                dir.display()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(unix)]
fn exec(mut cmd: Command) -> anyhow::Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    Err(anyhow::Error::new(err).context("cannot start the runner"))
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> anyhow::Result<ExitCode> {
    let status = cmd.status().context("cannot start the runner")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

#[cfg(test)]
mod tests {
    /// The runner's profile the `aludel` command passes to cargo is the workspace's own
    /// `[profile.aludel]` (with which `cargo aludel` runs the example's runner), so that
    /// both build the same artifacts.
    #[test]
    fn the_runner_profile_is_the_workspace_one() {
        let flags: Vec<&str> = super::RUNNER_BUILD_ARGS
            .windows(2)
            .filter(|w| w[0] == "--config")
            .map(|w| w[1])
            .collect();
        let given: toml::Table = flags.join("\n").parse().unwrap();
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
        let workspace: toml::Table = std::fs::read_to_string(manifest).unwrap().parse().unwrap();
        assert_eq!(given["profile"]["aludel"], workspace["profile"]["aludel"]);
        assert_eq!(super::RUNNER_BUILD_ARGS[..2], ["--profile", "aludel"]);
    }
}
