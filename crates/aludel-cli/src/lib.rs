//! The aludel command line.
//!
//! Two programs run this code. The `aludel` binary ([`wrapper_main`]) scaffolds a project
//! (`init`) and otherwise builds the project's runner crate and hands the command over.
//! The runner ([`runner_main`], reached through `aludel::main!()`) holds the models and
//! the revisions, compiled in, and runs every command.
//!
//! Architecture invariant: this crate parses options, loads the config, calls the other
//! crates and maps errors to exit codes; it holds no schema logic of its own.

mod args;
mod commands;
mod config;
mod database;
mod init;
mod progress;
mod review;
mod rustfmt;
mod wrapper;

use std::process::ExitCode;

use clap::Parser;

pub use commands::Compiled;
pub use config::{CONFIG_FILE, Config};
pub use wrapper::RUNNER_BUILD_ARGS;

/// The entry point of a project's runner binary.
pub fn runner_main(compiled: Compiled) -> ExitCode {
    let cli = args::Cli::parse();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(commands::dispatch(cli, compiled)) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

/// The entry point of the `aludel` binary.
pub fn wrapper_main() -> ExitCode {
    let cli = args::Cli::parse();
    match wrapper::run(cli) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

/// Prints an error and its causes (each once) and returns exit code 1.
fn report(e: &anyhow::Error) -> ExitCode {
    let top = e.to_string();
    eprintln!("error: {top}");
    let mut shown = top;
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !shown.contains(&text) {
            eprintln!("  caused by: {text}");
            shown.push_str(&text);
        }
    }
    ExitCode::FAILURE
}
