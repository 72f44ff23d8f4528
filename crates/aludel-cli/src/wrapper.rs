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
/// introspection, diffing and rendering several times faster (docs/benchmarks.md).
pub const RUNNER_BUILD_ARGS: &[&str] = &[
    "--profile",
    "aludel",
    "--config",
    "profile.aludel.inherits=\"dev\"",
    "--config",
    "profile.aludel.debug=false",
    "--config",
    "profile.aludel.package.\"*\".opt-level=2",
];

/// Builds the runner crate and returns its executable.
fn build_runner(manifest: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .args(RUNNER_BUILD_ARGS)
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if !std::io::stderr().is_terminal() {
        cmd.arg("--quiet");
    }
    let out = cmd
        .output()
        .context("cannot run cargo to build the runner; is cargo on PATH?")?;
    if !out.status.success() {
        bail!(
            "the runner crate {} does not build; the compiler's messages above say why (often a model or a revision file)",
            manifest.parent().unwrap_or(manifest).display()
        );
    }
    let want = std::fs::canonicalize(manifest).unwrap_or(manifest.to_path_buf());
    let mut exe = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
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
