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
mod fleet;
mod init;
mod inspect;
mod progress;
mod review;
mod rustfmt;
mod status;
mod targets;
mod wrapper;

use std::process::ExitCode;

use clap::Parser;

pub use commands::Compiled;
pub use config::{CONFIG_FILE, Config};
pub use wrapper::RUNNER_BUILD_ARGS;

/// The runner's stack. Generated revisions cut long bodies into functions of 100
/// operations, so a 5,000-table first revision runs in a default 8 MiB stack (measured:
/// one function of 5,000 builder calls, unoptimised as the runner is built, overflowed
/// it). 64 MiB is room for long hand-written revisions and for files written before the
/// cut; only what is used is ever committed.
pub const RUNNER_STACK: usize = 64 << 20;

/// Runs `f` on a thread with a stack of `size` bytes, or here if no such thread can be
/// made.
pub fn on_stack<T: Send + 'static>(size: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    let f = std::sync::Arc::new(std::sync::Mutex::new(Some(f)));
    let g = std::sync::Arc::clone(&f);
    let spawned = std::thread::Builder::new()
        .name("aludel".into())
        .stack_size(size)
        .spawn(move || {
            let f = g.lock().map(|mut f| f.take()).ok().flatten();
            f.map(|f| f())
        });
    match spawned {
        Ok(handle) => match handle.join() {
            Ok(Some(out)) => out,
            Ok(None) => unreachable!("the closure runs once"),
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(_) => {
            let f = f.lock().map(|mut f| f.take()).ok().flatten();
            f.expect("the thread did not start, so the closure is still here")()
        }
    }
}

/// The entry point of a project's runner binary.
pub fn runner_main(compiled: Compiled) -> ExitCode {
    on_stack(RUNNER_STACK, move || run_runner(compiled))
}

fn run_runner(compiled: Compiled) -> ExitCode {
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
    let mut lines = causes(e).into_iter();
    eprintln!("error: {}", lines.next().unwrap_or_default());
    for cause in lines {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::FAILURE
}

/// An error and those of its causes that it does not already say.
pub(crate) fn causes(e: &anyhow::Error) -> Vec<String> {
    let top = e.to_string();
    let mut shown = top.clone();
    let mut out = vec![top];
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !shown.contains(&text) {
            shown.push_str(&text);
            out.push(text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 16,384 frames of over 1 KiB: far more than a long revision asks, and more than a thread's
    /// default stack holds.
    fn deep(n: usize) -> usize {
        let frame = std::hint::black_box([n as u8; 1024]);
        if n == 0 {
            frame[0] as usize
        } else {
            deep(n - 1) + frame[1023] as usize
        }
    }

    #[test]
    fn the_runner_has_room_for_a_long_revision() {
        assert_eq!(on_stack(RUNNER_STACK, || deep(16 * 1024)), {
            // sum of (n as u8) for n in 1..=16384
            (1..=16 * 1024usize)
                .map(|n| n as u8 as usize)
                .sum::<usize>()
        });
    }
}
