//! The `TestSite` helper of the `gen build` tests: a fixture site from
//! `tests/fixtures/<name>/` copied into a fresh temporary folder, files
//! written into it, and the real `gen` binary run in it with a cleared
//! environment (only `PATH`, `NO_COLOR=1` and `BEDSIDE_CACHE_DIR`).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one `gen` run may take before the test fails (a hang is a bug).
const DEADLINE: Duration = Duration::from_secs(60);

/// A site in a temporary folder (`<tmp>/site`), removed at the end of the test.
pub struct TestSite {
    dir: tempfile::TempDir,
    /// The site folder.
    pub root: PathBuf,
}

/// What one `gen` run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts exit status 0 and returns the run.
    #[track_caller]
    pub fn success(self) -> Run {
        self.status(0)
    }

    /// Asserts exit status 1 (something wrong with the site) and returns the run.
    #[track_caller]
    pub fn failure(self) -> Run {
        self.status(1)
    }

    /// Asserts an exit status and returns the run.
    #[track_caller]
    pub fn status(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "exit status\n{self}");
        self
    }

    /// Asserts that stderr holds every fragment.
    #[track_caller]
    pub fn stderr_has(&self, fragments: &[&str]) -> &Run {
        for fragment in fragments {
            assert!(
                self.stderr.contains(fragment),
                "stderr lacks {fragment:?}\n{self}"
            );
        }
        self
    }

    /// Asserts that stderr holds none of the fragments.
    #[track_caller]
    pub fn stderr_lacks(&self, fragments: &[&str]) -> &Run {
        for fragment in fragments {
            assert!(
                !self.stderr.contains(fragment),
                "stderr holds {fragment:?}\n{self}"
            );
        }
        self
    }

    /// The number of `error:` diagnostics on stderr.
    pub fn errors(&self) -> usize {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .count()
    }

    /// The number of `warning:` diagnostics on stderr.
    pub fn warnings(&self) -> usize {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .count()
    }

    /// The diagnostic (from its `error:`/`warning:` line to the next) whose
    /// first line contains `needle`.
    #[track_caller]
    pub fn diagnostic(&self, needle: &str) -> String {
        let mut blocks: Vec<String> = Vec::new();
        for line in self.stderr.lines() {
            if line.starts_with("error: ") || line.starts_with("warning: ") || blocks.is_empty() {
                blocks.push(String::new());
            }
            let block = blocks.last_mut().expect("a block");
            block.push_str(line);
            block.push('\n');
        }
        blocks
            .into_iter()
            .find(|b| b.lines().next().is_some_and(|l| l.contains(needle)))
            .unwrap_or_else(|| panic!("no diagnostic about {needle:?}\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The folder of the fixture sites.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>/` in a fresh temporary folder.
    pub fn new(fixture: &str) -> TestSite {
        let site = TestSite::empty();
        copy_tree(&fixtures().join(fixture), &site.root);
        site
    }

    /// An empty site folder in a fresh temporary folder.
    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir
            .path()
            .canonicalize()
            .expect("a canonical temporary folder")
            .join("site");
        std::fs::create_dir(&root).expect("the site folder");
        TestSite { dir, root }
    }

    /// The site folder's own name, as `--root` takes it from its parent.
    pub fn name(&self) -> String {
        self.root
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The temporary folder that holds the site folder (and may hold others).
    pub fn parent(&self) -> PathBuf {
        self.root.parent().expect("a parent").to_path_buf()
    }

    /// A path inside the site.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Writes (or overwrites) a file of the site, making its folders.
    pub fn write(&self, relative: &str, text: &str) -> &TestSite {
        self.write_bytes(relative, text.as_bytes())
    }

    /// Writes raw bytes to a file of the site, making its folders.
    pub fn write_bytes(&self, relative: &str, bytes: &[u8]) -> &TestSite {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder");
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
        self
    }

    /// Removes a file of the site.
    pub fn remove(&self, relative: &str) -> &TestSite {
        std::fs::remove_file(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot remove {relative}: {e}"));
        self
    }

    /// Reads a file of the site (or of its output) as text.
    #[track_caller]
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Whether a path exists in the site.
    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// Replaces the first `from` in a file by `to` (which must be there).
    #[track_caller]
    pub fn replace(&self, relative: &str, from: &str, to: &str) -> &TestSite {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, &text.replacen(from, to, 1))
    }

    /// Runs `gen build ARGS` in the site folder.
    pub fn build(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs `gen ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        gen_in(&self.root, args, &[])
    }

    /// Runs `gen ARGS` in the site folder with extra environment variables.
    pub fn gen_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        gen_in(&self.root, args, env)
    }

    /// Every file below `relative` (e.g. `public`), by path, with its bytes.
    pub fn files(&self, relative: &str) -> BTreeMap<String, Vec<u8>> {
        files(&self.path(relative))
    }

    /// The HTML files of the output folder `relative`, by path, as text.
    pub fn html(&self, relative: &str) -> BTreeMap<String, String> {
        self.files(relative)
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| {
                let text = String::from_utf8(bytes).expect("HTML is UTF-8");
                (path, text)
            })
            .collect()
    }
}

/// Where `gen build` keeps its ledgers of rendered pages in the tests (one
/// file per output folder), unless a test says otherwise: as for a user with
/// a home folder, a rebuild reuses the pages that did not change, so every
/// test that builds twice also checks that nothing stale is reused.
pub fn ledgers() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("ledgers")
}

/// Runs the real `gen` in `dir` with a cleared environment: only `PATH`,
/// `NO_COLOR=1` and `BEDSIDE_CACHE_DIR` (see [`ledgers`]), plus `env`. Fails
/// the test on a hang or a panic.
pub fn gen_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let command = gen_command(env!("CARGO_BIN_EXE_gen").as_ref(), &[], dir, args, env);
    let run = run_to_end(command, "gen", DEADLINE);
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "gen {args:?} panicked\n{run}"
    );
    assert!(
        run.code.is_some(),
        "gen {args:?} was killed by a signal\n{run}"
    );
    run
}

/// The command that runs `program` (`gen`, or a tool such as `setpriv`
/// that runs it) with the arguments `before` and then `gen`'s `args`, in
/// `dir`, with the cleared environment of [`gen_in`] plus `env`.
pub fn gen_command(
    program: &Path,
    before: &[&str],
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Command {
    let mut command = Command::new(program);
    command
        .args(before)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .env("BEDSIDE_CACHE_DIR", ledgers())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// Runs `command` to its end with its output captured, failing the test if
/// it cannot start or runs longer than `deadline`. `label` names it in
/// messages.
pub fn run_to_end(mut command: Command, label: &str, deadline: Duration) -> Run {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {label}: {e} (run scripts/test)"));
    let drain = |mut stream: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("a child to wait for") {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{label} ran for more than {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copied file");
        }
    }
}

/// Every file below `dir`, by `/`-separated relative path, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("a folder entry");
            let path = entry.path();
            let file_type = entry.file_type().expect("a file type");
            if file_type.is_dir() {
                walk(base, &path, out);
                continue;
            }
            let relative = path
                .strip_prefix(base)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = if file_type.is_symlink() {
                // A symbolic link is recorded by where it points.
                let target = std::fs::read_link(&path).expect("a readable link");
                format!("symlink to {}", target.display()).into_bytes()
            } else {
                std::fs::read(&path).expect("a readable file")
            };
            out.insert(relative, bytes);
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names in `dir` that start with `prefix` (e.g. staging folders).
pub fn entries_starting_with(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("a readable folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

/// The values of every `attribute="…"` in an HTML text (e.g. `href`).
pub fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let start = at + needle.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

/// The relative prefix from an output path to the output root
/// (`stretches/x/index.html` → `../../`).
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// A stretch file in TOML with valid defaults; `overrides` replace or add
/// keys (`("hold", "\"brief\"")`), a value of `None` leaves the key out.
pub fn stretch(overrides: &[(&str, Option<&str>)]) -> String {
    let defaults = [
        ("title", "\"Test stretch\""),
        ("position", "\"supine\""),
        ("hold", "\"30 s\""),
        ("targets", "[\"Lower back\"]"),
        ("cautions", "[\"Stop if it hurts.\"]"),
        ("cue", "\"Lie down and breathe.\""),
    ];
    front_matter(&defaults, overrides, "Do the stretch.\n")
}

/// A routine file in TOML with valid defaults (the `minimal` stretches).
pub fn routine(overrides: &[(&str, Option<&str>)]) -> String {
    let defaults = [
        ("title", "\"Test routine\""),
        ("stretches", "[\"knee-hug\"]"),
    ];
    front_matter(&defaults, overrides, "A routine.\n")
}

/// A page file in TOML with a title; `overrides` as for [`stretch`].
pub fn page(overrides: &[(&str, Option<&str>)]) -> String {
    front_matter(&[("title", "\"Test page\"")], overrides, "A page.\n")
}

fn front_matter(
    defaults: &[(&str, &str)],
    overrides: &[(&str, Option<&str>)],
    body: &str,
) -> String {
    let mut keys: Vec<(String, Option<String>)> = defaults
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect();
    for (key, value) in overrides {
        match keys.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.map(str::to_string),
            None => keys.push((key.to_string(), value.map(str::to_string))),
        }
    }
    let mut text = String::from("+++\n");
    for (key, value) in keys {
        if let Some(value) = value {
            text.push_str(&format!("{key} = {value}\n"));
        }
    }
    text.push_str("+++\n\n");
    text.push_str(body);
    text
}

/// A TOML string of `n` copies of `c` (for length limits).
pub fn quoted(c: char, n: usize) -> String {
    format!("\"{}\"", c.to_string().repeat(n))
}
