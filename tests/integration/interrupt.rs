//! SPEC §7 when a build is stopped: SIGINT to the whole process group (as
//! Ctrl-C at a terminal sends it), SIGTERM or SIGHUP to `gen`. `gen` stops
//! the browsers it started (their whole process group), removes its staging
//! folder and temporary files, leaves the previous output as it was, says so
//! in one line and exits with 128 + the signal's number.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};

use super::support::{TestSite, entries_starting_with, gen_command, stretch};

/// A browser that never finishes printing: it makes its profile folder as
/// Chromium does, starts a child and waits for it, and both ignore SIGINT
/// and SIGTERM (as the audit's Chromium tree did). Each writes its process
/// id into `pids` beside the script.
const HANGING_BROWSER: &str = r#"#!/bin/sh
trap '' INT TERM
for arg; do
  case $arg in --user-data-dir=*) mkdir -p "${arg#--user-data-dir=}" ;; esac
done
# As Chromium does: a folder of its own in TMPDIR (its singleton socket).
mkdir -p "${TMPDIR:-/tmp}/org.chromium.Chromium.$$"
sleep 300 &
echo $! >> "$(dirname "$0")/pids"
echo $$ >> "$(dirname "$0")/pids"
wait
"#;

/// A `gen` started in the background.
struct Started {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

/// How a stopped `gen` ended.
struct Ended {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Starts `gen ARGS` in the site, in a process group of its own (as a shell
/// starts a job), with the environment of the other tests plus `env`, its
/// output going to files beside the site.
fn start(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Started {
    let stdout = site.parent().join("gen.stdout");
    let stderr = site.parent().join("gen.stderr");
    let gen_path = Path::new(env!("CARGO_BIN_EXE_gen"));
    let mut command = gen_command(gen_path, &[], &site.root, args, env);
    command
        .process_group(0)
        .stdout(File::create(&stdout).expect("a file for stdout"))
        .stderr(File::create(&stderr).expect("a file for stderr"));
    let child = command.spawn().expect("gen starts");
    Started {
        child,
        stdout,
        stderr,
    }
}

impl Started {
    fn pid(&self) -> Pid {
        Pid::from_child(&self.child)
    }

    /// Waits (60 s at most) for `gen` to end.
    fn finish(mut self) -> Ended {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("a child to wait for") {
                break status;
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("gen did not end within 60 s of the signal");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Ended {
            code: status.code(),
            stdout: std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            stderr: std::fs::read_to_string(&self.stderr).unwrap_or_default(),
        }
    }
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Waits up to `limit` for `done`, failing the test with `what` after.
#[track_caller]
fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether the process `pid` runs: it is there and is not a zombie (whose
/// parent has yet to reap it; a zombie runs nothing).
fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// The process ids the hanging browsers wrote.
fn browser_pids(pids: &Path) -> Vec<i32> {
    std::fs::read_to_string(pids)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

/// Kills, when dropped, whatever the hanging browsers left running: a test
/// that fails leaves no process behind either.
struct KillLeftovers(PathBuf);

impl Drop for KillLeftovers {
    fn drop(&mut self) {
        for pid in browser_pids(&self.0) {
            if let Some(pid) = Pid::from_raw(pid).filter(|_| running(pid)) {
                let _ = rustix::process::kill_process(pid, Signal::KILL);
            }
        }
    }
}

/// The names beside the output of its staging or old trees.
fn trees_beside(site: &TestSite) -> Vec<String> {
    entries_starting_with(&site.root, ".public.gen-")
}

/// Asserts what every interrupted build must leave: the exit status, the
/// one-line message, the previous output and nothing else.
#[track_caller]
fn assert_stopped_cleanly(
    site: &TestSite,
    ended: &Ended,
    (name, code): (&str, i32),
    before: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    assert_eq!(ended.code, Some(code), "exit status after {name}\n{ended}");
    let lines: Vec<&str> = ended.stderr.lines().collect();
    assert_eq!(
        lines,
        [format!(
            "Build interrupted by {name} and cleaned up; the previous output is left as it was."
        )],
        "one line on stderr\n{ended}"
    );
    assert!(!ended.stdout.contains("Built "), "{ended}");
    assert_eq!(trees_beside(site), Vec::<String>::new(), "after {name}");
    assert!(
        site.files("public") == *before,
        "the previous output changed after {name}"
    );
}

/// `gen build --pdf` stopped while its browser prints: by Ctrl-C (SIGINT
/// to the whole process group), by SIGTERM and by SIGHUP to `gen` alone.
/// The browser and its child, which ignore both signals, are killed; its
/// profile folder and log in `TMPDIR` are removed.
#[test]
fn an_interrupted_pdf_build_stops_its_browser_and_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::new("minimal");
    site.build(&[]).success();
    let before = site.files("public");
    let tools = site.parent().join("tools");
    std::fs::create_dir(&tools).unwrap();
    let browser = tools.join("hanging-chromium");
    std::fs::write(&browser, HANGING_BROWSER).unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let temporary = site.parent().join("tmp");
    std::fs::create_dir(&temporary).unwrap();
    let pids = tools.join("pids");

    let _leftovers = KillLeftovers(pids.clone());
    for (signal, name, code, whole_group) in [
        (Signal::INT, "SIGINT", 130, true),
        (Signal::TERM, "SIGTERM", 143, false),
        (Signal::HUP, "SIGHUP", 129, false),
    ] {
        let started = browser_pids(&pids).len();
        let args = ["build", "--pdf", "--browser", browser.to_str().unwrap()];
        let gen_run = start(&site, &args, &[("TMPDIR", temporary.to_str().unwrap())]);
        wait_until("the browser starts", Duration::from_secs(30), || {
            browser_pids(&pids).len() == started + 2
        });
        if whole_group {
            rustix::process::kill_process_group(gen_run.pid(), signal).unwrap();
        } else {
            rustix::process::kill_process(gen_run.pid(), signal).unwrap();
        }
        let ended = gen_run.finish();
        assert_stopped_cleanly(&site, &ended, (name, code), &before);
        for pid in browser_pids(&pids).into_iter().skip(started) {
            wait_until(
                &format!("browser process {pid} ends after {name}"),
                Duration::from_secs(5),
                || !running(pid),
            );
        }
        let left: Vec<_> = std::fs::read_dir(&temporary)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "left in TMPDIR after {name}: {left:?}");
    }
}

/// A plain `gen build` of a site large enough to take a while, stopped by
/// SIGTERM while it writes pages into its staging folder, and one into a
/// new output folder stopped by Ctrl-C: the staging folder and the folders
/// made for the output are removed, the previous output is as it was.
#[test]
fn an_interrupted_build_leaves_the_previous_output_and_nothing_else() {
    let site = TestSite::new("minimal");
    for n in 0..4000 {
        site.write(
            &format!("content/stretches/{:04}-extra-{n}.md", n + 10),
            &stretch(&[("title", Some(&format!("\"Extra stretch {n}\"")))]),
        );
    }
    // No ledger: every page is rendered again, as when a template changed.
    let no_ledger = [("BEDSIDE_CACHE_DIR", "")];
    site.gen_with_env(&["build"], &no_ledger).success();
    let before = site.files("public");

    // Stopped while both threads write pages, at a few depths into the
    // build: the render threads must not make folders again in the staging
    // folder while it is removed.
    for pages in [1, 200, 1500] {
        let gen_run = start(&site, &["build"], &no_ledger);
        let staging = site.path(&format!(".public.gen-new-{}", gen_run.child.id()));
        wait_until(
            "the build writes pages into its staging folder",
            Duration::from_secs(60),
            || {
                std::fs::read_dir(staging.join("stretches"))
                    .is_ok_and(|entries| entries.count() >= pages)
            },
        );
        rustix::process::kill_process(gen_run.pid(), Signal::TERM).unwrap();
        let ended = gen_run.finish();
        assert_stopped_cleanly(&site, &ended, ("SIGTERM", 143), &before);
    }

    let fresh = site.parent().join("new/deep/public");
    let gen_run = start(&site, &["build", "-o", fresh.to_str().unwrap()], &no_ledger);
    let staging = fresh.with_file_name(format!(".public.gen-new-{}", gen_run.child.id()));
    wait_until(
        "the build writes pages into its staging folder",
        Duration::from_secs(60),
        || staging.join("stretches").is_dir(),
    );
    rustix::process::kill_process_group(gen_run.pid(), Signal::INT).unwrap();
    let ended = gen_run.finish();
    assert_eq!(ended.code, Some(130), "{ended}");
    assert!(
        !site.parent().join("new").exists(),
        "the folders made for the output are left\n{ended}"
    );

    // Stopped after the swap, while the old tree is removed: the new build
    // stays in place, and `gen` says so and exits with 130, never 0 (the
    // build's own end used to race the signal's).
    let gen_run = start(&site, &["build"], &no_ledger);
    let old = site.path(&format!(".public.gen-old-{}", gen_run.child.id()));
    wait_until(
        "the build removes the old tree",
        Duration::from_secs(60),
        || old.exists(),
    );
    rustix::process::kill_process_group(gen_run.pid(), Signal::INT).unwrap();
    let ended = gen_run.finish();
    assert_eq!(ended.code, Some(130), "{ended}");
    assert!(
        ended
            .stderr
            .contains("Build interrupted by SIGINT after the new build was put in place.\n"),
        "{ended}"
    );
    assert_eq!(trees_beside(&site), Vec::<String>::new(), "{ended}");
    assert!(
        site.files("public") == before,
        "the new output is not whole"
    );
}
