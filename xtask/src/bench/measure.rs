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
/// Runs `cmd` through a small process of its own (this executable, `bench --measure`),
/// which spawns it and reports its wall time and peak RSS. Spawned from the bench
/// directly, a child's peak RSS would start at the bench's own: Linux carries the memory
/// of the process that spawned it into its high-water mark at exec.
pub fn run(cmd: &mut Command) -> anyhow::Result<Sample> {
    let dir = tempfile_dir()?;
    let report = dir.join("measure");
    let mut shim = Command::new(std::env::current_exe()?);
    shim.args(["bench", "--measure"])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env("ALUDEL_BENCH_MEASURE_OUT", &report);
    if let Some(cwd) = cmd.get_current_dir() {
        shim.current_dir(cwd);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => shim.env(k, v),
            None => shim.env_remove(k),
        };
    }
    let mut sample = run_direct(&mut shim)?;
    let text = std::fs::read_to_string(&report)
        .with_context(|| format!("the measuring process wrote no report: {}", sample.stderr))?;
    let f: Vec<i64> = text
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let [wall, rss, code] = f[..] else {
        bail!("unexpected report from the measuring process: {text}");
    };
    sample.wall = std::time::Duration::from_nanos(wall.max(0) as u64);
    sample.max_rss_kb = rss.max(0) as u64;
    sample.code = code as i32;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(sample)
}

/// `bench --measure PROGRAM ARGS...`: runs the program with this process's streams and
/// writes "<wall ns> <peak RSS KiB> <exit code>" to $ALUDEL_BENCH_MEASURE_OUT.
pub fn measure_main(args: &[String]) -> anyhow::Result<()> {
    let out = std::env::var_os("ALUDEL_BENCH_MEASURE_OUT").context("ALUDEL_BENCH_MEASURE_OUT")?;
    let (program, rest) = args.split_first().context("--measure needs a program")?;
    let mut cmd = Command::new(program);
    cmd.args(rest).env_remove("ALUDEL_BENCH_MEASURE_OUT");
    let (wall, rss, code) = spawn_and_wait(&mut cmd, Stdio::inherit(), Stdio::inherit())?;
    std::fs::write(out, format!("{} {rss} {code}", wall.as_nanos()))?;
    Ok(())
}

fn spawn_and_wait(
    cmd: &mut Command,
    stdout: Stdio,
    stderr: Stdio,
) -> anyhow::Result<(std::time::Duration, u64, i32)> {
    cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
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
    // Linux reports ru_maxrss in KiB.
    Ok((wall, u64::try_from(usage.ru_maxrss).unwrap_or(0), code))
}

fn run_direct(cmd: &mut Command) -> anyhow::Result<Sample> {
    let dir = tempfile_dir()?;
    let out_path = dir.join("stdout");
    let err_path = dir.join("stderr");
    let (wall, max_rss_kb, code) = spawn_and_wait(
        cmd,
        std::fs::File::create(&out_path)?.into(),
        std::fs::File::create(&err_path)?.into(),
    )?;
    let sample = Sample {
        wall,
        max_rss_kb,
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
