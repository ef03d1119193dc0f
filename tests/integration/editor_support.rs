//! Helpers for the tests of the editing commands (`serve`, `check`, `new`,
//! `init`): a fixture site copied into a temporary folder, the real `gen`
//! binary run in it with a cleared environment, a `gen serve` child process,
//! a plain HTTP client and a server-sent-events reader. Every wait has a
//! deadline and returns as soon as what it waits for happens: no fixed sleeps.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};

pub use super::support::Run;
use super::support::copy_tree;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest any single wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The `gen` binary under test.
pub fn gen_binary() -> &'static str {
    env!("CARGO_BIN_EXE_gen")
}

/// A site in a temporary folder, removed at the end of the test.
pub struct EditorSite {
    _dir: tempfile::TempDir,
    /// The site folder.
    pub root: PathBuf,
}

impl EditorSite {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> EditorSite {
        let site = EditorSite::empty();
        copy_tree(&super::support::fixtures().join(name), &site.root);
        site
    }

    /// An empty temporary folder.
    pub fn empty() -> EditorSite {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().canonicalize().expect("a canonical path");
        EditorSite { _dir: dir, root }
    }

    /// A path inside the site.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Reads a file of the site.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Writes a file of the site the way many editors save: into a hidden
    /// file beside it, then renamed over it, so a watcher never sees it half
    /// written.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        let parent = path.parent().expect("a parent folder");
        std::fs::create_dir_all(parent).expect("a folder");
        let name = path.file_name().expect("a file name").to_string_lossy();
        let scratch = parent.join(format!(".{name}.saving"));
        std::fs::write(&scratch, text).unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
        std::fs::rename(&scratch, &path).unwrap_or_else(|e| panic!("cannot save {relative}: {e}"));
    }

    /// Writes a file of the site in place (truncate, then write).
    pub fn write_in_place(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text)
            .unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
    }

    /// Replaces the first `from` in a file by `to`.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, &text.replacen(from, to, 1));
    }

    /// Runs `gen` with `args` in the site folder, waiting at most [`DEADLINE`].
    pub fn run(&self, args: &[&str]) -> Run {
        gen_in(&self.root, args)
    }
}

/// Runs `gen` with `args` in `dir`, with a cleared environment.
pub fn gen_in(dir: &Path, args: &[&str]) -> Run {
    super::support::gen_in(dir, args, &[])
}

/// `gen` with `args` in `dir`, its environment cleared, colour off.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(gen_binary());
    command
        .args(args)
        .arg("--color")
        .arg("never")
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::null());
    command
}

/// A running `gen serve`, stopped (killed) when dropped.
pub struct Serve {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
    /// The URL it printed.
    pub url: String,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    /// Starts `gen serve --port 0 ARGS` in the site and waits for its
    /// "Serving … at http://…" line.
    pub fn start(site: &EditorSite, args: &[&str]) -> Serve {
        Serve::start_with_env(site, args, &[])
    }

    /// [`Serve::start`] with these environment variables (and no others).
    pub fn start_with_env(site: &EditorSite, args: &[&str], env: &[(&str, &str)]) -> Serve {
        Serve::start_in(&site.root, args, env)
    }

    /// [`Serve::start_with_env`] run in the folder `dir` (with `--root` in
    /// `args` to name the site).
    pub fn start_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Serve {
        let mut all = vec!["serve", "--port", "0"];
        all.extend_from_slice(args);
        let mut child = command(dir, &all)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gen serve starts");
        let (send, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        });
        let mut serve = Serve {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            url: String::new(),
            lines,
            stderr,
        };
        let line = serve.wait_line("Serving ");
        let url = line
            .split(" at ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let host = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or_default();
        serve.address = host
            .parse()
            .unwrap_or_else(|e| panic!("{host:?} is not an address: {e}"));
        serve.url = url;
        serve
    }

    /// Waits for a line of standard output containing `needle` (earlier
    /// lines are passed over) and returns it.
    pub fn wait_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!(
                    "gen serve printed no line with {needle:?}\n--- stderr\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// Waits until standard error holds `needle` (it is read on its own thread).
    pub fn wait_stderr(&self, needle: &str) {
        let deadline = Instant::now() + DEADLINE;
        while !self.stderr().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "gen serve printed no {needle:?} on stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything printed on standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Fetches `target` (sent as written, not normalised).
    pub fn get(&self, target: &str) -> Response {
        get(self.address, target)
    }

    /// Sends `method` to `target`, with no body.
    pub fn request(&self, method: &str, target: &str) -> Response {
        request(self.address, method, target)
    }

    /// Listens to the reload events, as an open page does.
    pub fn events(&self) -> Events {
        Events::connect(self.address)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A plain HTTP/1.0 GET, the target sent exactly as given.
pub fn get(address: SocketAddr, target: &str) -> Response {
    request(address, "GET", target)
}

/// A plain HTTP/1.0 request with no body, the target sent exactly as given.
pub fn request(address: SocketAddr, method: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect_timeout(&address, DEADLINE).expect("the server accepts");
    stream.set_read_timeout(Some(DEADLINE)).expect("a timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
    )
    .expect("a request");
    let mut raw = Vec::new();
    // A reply that never ends (a stream of events) fails the test, not hangs it.
    let deadline = Instant::now() + DEADLINE;
    let mut chunk = [0; 8192];
    loop {
        assert!(
            Instant::now() < deadline,
            "no end to the reply in {DEADLINE:?}"
        );
        match stream.read(&mut chunk).expect("a response") {
            0 => break,
            n => raw.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A server-sent-events client of `/__gen/events`.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Connects and sends the request.
    pub fn connect(address: SocketAddr) -> Events {
        let mut stream =
            TcpStream::connect_timeout(&address, DEADLINE).expect("the server accepts");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("a timeout");
        write!(
            stream,
            "GET /__gen/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("a request");
        Events {
            reader: BufReader::new(stream),
        }
    }

    /// Waits for builds until `done` holds after one (at most [`DEADLINE`]);
    /// returns that build's number.
    pub fn until(&mut self, mut done: impl FnMut() -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let build = self.next_build();
            if done() {
                return build;
            }
            assert!(Instant::now() < deadline, "no build did it in {DEADLINE:?}");
        }
    }

    /// The next build number the server announces.
    pub fn next_build(&mut self) -> String {
        let deadline = Instant::now() + DEADLINE;
        // A read that times out may leave part of a line in `line`: keep it.
        let mut line = String::new();
        loop {
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream closed"),
                Ok(_) if line.ends_with('\n') => {
                    if let Some(data) = line.strip_prefix("data: ") {
                        return data.trim().to_string();
                    }
                    line.clear();
                }
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("reading the event stream: {e}"),
            }
            assert!(Instant::now() < deadline, "no reload event in {DEADLINE:?}");
        }
    }
}

/// `path:line:column` of the first `needle` in a site file, as diagnostics show it.
pub fn position_of(site: &EditorSite, relative: &str, needle: &str) -> String {
    let text = site.read(relative);
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{relative} has no {needle:?}"));
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..at].chars().count() + 1;
    format!("{relative}:{line}:{column}")
}
