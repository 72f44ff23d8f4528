//! One process, timed from spawn to exit, with its peak resident memory.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A finished process: wall time, peak RSS (KiB), exit code and output.
#[derive(Clone, Debug)]
pub struct Sample {
    pub wall: Duration,
    pub max_rss_kb: u64,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Sample {
    pub fn ok(&self) -> bool {
        self.code == 0
    }

    pub fn expect_ok(&self, what: &str) -> anyhow::Result<()> {
        if !self.ok() {
            bail!(
                "{what} exited with {}:\n{}\n{}",
                self.code,
                self.stdout,
                self.stderr
            );
        }
        Ok(())
    }
}

/// Runs `cmd` to its end. Output goes to files, so that nothing blocks on a full pipe
/// while the clock runs.
pub fn run(cmd: &mut Command) -> anyhow::Result<Sample> {
    let dir = tempfile_dir()?;
    let out_path = dir.join("stdout");
    let err_path = dir.join("stderr");
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?);
    let start = Instant::now();
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data that wait4 fills in; the pid is our own child, which
    // nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if got != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let sample = Sample {
        wall,
        // Linux reports ru_maxrss in KiB.
        max_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        code,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    };
    let _ = std::fs::remove_dir_all(&dir);
    Ok(sample)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "aludel-bench-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
