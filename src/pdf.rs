//! Printing handouts to PDF with a locally installed Chromium or Chrome
//! (`gen build --pdf`). The published handout sets no paper size; for the PDF
//! a copy of the page with `@page { size: … }` is printed, so `handout.paper`
//! decides the PDF's paper only.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};

use crate::config::Paper;
use crate::diagnostics::Diagnostic;
use crate::interrupt::{self, Undo};

/// Browser names looked up on `PATH`, in order.
pub const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// How long one print may take before the browser is stopped.
const TIMEOUT: Duration = Duration::from_secs(90);

/// Finds the browser: the given path, else the first of [`BROWSERS`] on `PATH`.
pub fn find_browser(given: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(path) = given {
        let found = if path.components().count() > 1 {
            Some(path.to_path_buf())
        } else {
            which(path.as_os_str())
        };
        let why = match &found {
            Some(p) if p.is_file() => return Ok(p.to_path_buf()),
            Some(p) if p.is_dir() => "is a folder, not a program",
            _ => "no such program",
        };
        return Err(
            Diagnostic::error(format!("--browser {}: {why}", path.display()))
                .help("give the path of a Chromium or Chrome executable, e.g. /usr/bin/chromium"),
        );
    }
    BROWSERS
        .iter()
        .find_map(|name| which(name.as_ref()))
        .ok_or_else(|| {
            Diagnostic::error("`--pdf` needs Chromium or Chrome, and none was found on PATH")
                .note(format!("looked for: {}", BROWSERS.join(", ")))
                .help("install Chromium (Debian: `sudo apt-get install chromium`; Ubuntu: `sudo snap install chromium`) or Google Chrome, or pass --browser PATH (macOS: --browser \"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome\")")
        })
}

fn which(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Prints the HTML page `html` (a file in the output) to `pdf` at `paper`.
/// An error says what went wrong, without naming the files: the caller
/// knows the routine and where its PDF is published.
pub fn print(browser: &Path, html: &Path, pdf: &Path, paper: Paper) -> Result<(), String> {
    let text = std::fs::read_to_string(html).map_err(|e| format!("cannot read its page: {e}"))?;
    let size = match paper {
        Paper::A4 => "A4",
        Paper::Letter => "letter",
    };
    let style = format!("<style>@page {{ size: {size} portrait; }}</style>");
    let printable = match text.find("</head>") {
        Some(at) => format!("{}{style}{}", &text[..at], &text[at..]),
        None => format!("{style}{text}"),
    };
    let folder = html.parent().unwrap_or(Path::new("."));
    let copy = folder.join(format!(".gen-print-{}.html", std::process::id()));
    std::fs::write(&copy, printable)
        .map_err(|e| format!("cannot write the page to print beside it: {e}"))?;
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| remove_stale_profiles(&std::env::temp_dir()));
    let profile = std::env::temp_dir().join(format!(
        "{PROFILE_PREFIX}{}-{}",
        std::process::id(),
        pdf_id(pdf)
    ));
    let result = run_browser(browser, &copy, pdf, &profile);
    let _ = std::fs::remove_file(&copy);
    result
}

/// How the browser's profile folders (and their logs) in the temporary
/// folder are named: then the process id of the `gen` that made them.
const PROFILE_PREFIX: &str = "gen-chromium-";

/// Removes the browser profiles (and logs) in `temp` left by a `gen` that
/// is no longer running: one killed with SIGKILL could not clean up after
/// itself. A profile of a running process, or of an id now another
/// process's, is left alone.
fn remove_stale_profiles(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PROFILE_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest
            .split(['-', '.'])
            .next()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let path = entry.path();
        let _ = match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
    }
}

/// How many pages a PDF has, read from its page tree: the largest `/Count`
/// of a `/Type /Pages` dictionary (the root's). `None` when the file shows no
/// page tree in the clear (one compressed in an object stream).
pub fn page_count(pdf: &[u8]) -> Option<usize> {
    let mut most: Option<usize> = None;
    let mut from = 0;
    while let Some(found) = find(&pdf[from..], b"/Type") {
        let at = from + found;
        from = at + 5;
        if !trim_start(&pdf[from..]).starts_with(b"/Pages") {
            continue;
        }
        // The dictionary around it: from the `<<` before to the `>>` after.
        let start = pdf[..at].windows(2).rposition(|w| w == b"<<").unwrap_or(0);
        let end = find(&pdf[at..], b">>").map_or(pdf.len(), |e| at + e);
        let dictionary = &pdf[start..end];
        let Some(count) = find(dictionary, b"/Count") else {
            continue;
        };
        let digits = trim_start(&dictionary[count + 6..]);
        let digits = &digits[..digits.iter().take_while(|b| b.is_ascii_digit()).count()];
        if let Some(n) = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse().ok())
        {
            most = Some(most.map_or(n, |m| m.max(n)));
        }
    }
    most
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

fn pdf_id(pdf: &Path) -> String {
    pdf.to_string_lossy()
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64))
        .to_string()
}

fn is_root() -> bool {
    // The effective user id is 0: Chromium then needs --no-sandbox.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

fn run_browser(browser: &Path, html: &Path, pdf: &Path, profile: &Path) -> Result<(), String> {
    let html = html.canonicalize().map_err(|e| e.to_string())?;
    // The browser's messages go to a file: a pipe nobody reads could fill and stall it.
    let log = profile.with_extension("log");
    let log_file = {
        let mut held = interrupt::hold();
        std::fs::File::create(&log)
            .map(|file| (file, held.register(Undo::File(log.clone()))))
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?
    };
    let profile_pending = interrupt::register(Undo::Tree(profile.to_path_buf()));
    let result = wait_for(browser, html.as_path(), pdf, profile, &log_file.0);
    let messages = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_dir_all(profile);
    drop((log_file, profile_pending));
    result.map_err(|e| {
        let last = messages
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        if last.is_empty() {
            e
        } else {
            format!("{e}\n{last}")
        }
    })
}

fn wait_for(
    browser: &Path,
    html: &Path,
    pdf: &Path,
    profile: &Path,
    log_file: &std::fs::File,
) -> Result<(), String> {
    // Chromium's own temporary files (its singleton socket folder) go
    // inside the profile, which is removed after it, even when interrupted.
    let temporary = profile.join("tmp");
    std::fs::create_dir_all(&temporary)
        .map_err(|e| format!("cannot create {}: {e}", temporary.display()))?;
    let mut command = Command::new(browser);
    command
        .env("TMPDIR", &temporary)
        .arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-default-browser-check")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-sync")
        .arg("--disable-extensions")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--no-pdf-header-footer")
        .arg("--run-all-compositor-stages-before-draw")
        .arg("--virtual-time-budget=5000")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        // A group of its own: Ctrl-C at a terminal reaches `gen` alone,
        // which stops the browser and every process it started together.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(
            log_file
                .try_clone()
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
        );
    if is_root() {
        command.arg("--no-sandbox");
    }
    let mut browser_run = {
        let mut held = interrupt::hold();
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", browser.display()))?;
        let leader = Pid::from_child(&child);
        BrowserRun {
            child,
            leader,
            pending: Some(held.register(Undo::Group(leader))),
        }
    };
    let start = Instant::now();
    loop {
        match browser_run.finished() {
            Ok(Some(status)) if status.success() && pdf.is_file() => return Ok(()),
            // A program that is not a browser (`--browser /bin/true`) may
            // end well and print nothing: "exited with exit status: 0" read
            // as a success.
            Ok(Some(status)) if status.success() => {
                return Err(format!(
                    "{} ended without writing a PDF (is it Chromium or Chrome?)",
                    browser.display()
                ));
            }
            Ok(Some(status)) => return Err(format!("{} exited with {status}", browser.display())),
            Ok(None) if start.elapsed() > TIMEOUT => {
                browser_run.stop();
                return Err(format!(
                    "{} did not finish within {} s",
                    browser.display(),
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                browser_run.stop();
                return Err(e.to_string());
            }
        }
    }
}

/// A browser started in a process group of its own, registered with
/// [`interrupt`] until it has ended and every process of its group is gone.
struct BrowserRun {
    child: Child,
    leader: Pid,
    pending: Option<interrupt::Pending>,
}

impl BrowserRun {
    /// Whether the browser has ended. When it has, whatever it left running
    /// in its group is killed before it is reaped (its id, the group's, is
    /// not given to another process until then), and it is let go of.
    fn finished(&mut self) -> std::io::Result<Option<ExitStatus>> {
        let mut held = interrupt::hold();
        if !interrupt::has_ended(self.leader) {
            return Ok(None);
        }
        let _ = rustix::process::kill_process_group(self.leader, Signal::KILL);
        let status = self.child.wait()?;
        if let Some(pending) = self.pending.take() {
            held.release(pending);
        }
        Ok(Some(status))
    }

    /// Stops the browser and its group (SIGTERM, then SIGKILL after a
    /// grace) and reaps it.
    fn stop(&mut self) {
        let mut held = interrupt::hold();
        interrupt::stop_groups(&[self.leader]);
        let _ = self.child.wait();
        if let Some(pending) = self.pending.take() {
            held.release(pending);
        }
    }
}

impl Drop for BrowserRun {
    fn drop(&mut self) {
        if self.pending.is_some() {
            self.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_profiles_of_gens_no_longer_running_are_removed() {
        let temp = tempfile::tempdir().expect("a temporary folder");
        // No process has an id this high (the kernel's limit is 2^22).
        let gone = "gen-chromium-4194999-123";
        let mine = format!("gen-chromium-{}-123", std::process::id());
        let running = "gen-chromium-1-5";
        for name in [gone, mine.as_str(), running] {
            std::fs::create_dir_all(temp.path().join(name).join("Default")).expect("a profile");
            std::fs::write(temp.path().join(format!("{name}.log")), "log").expect("a log");
        }
        std::fs::create_dir(temp.path().join("gen-chromium-notes")).expect("another folder");
        super::remove_stale_profiles(temp.path());
        let left = crate::files::names_in(temp.path());
        let mut expected = vec![
            "gen-chromium-1-5".to_string(),
            "gen-chromium-1-5.log".to_string(),
            mine.clone(),
            format!("{mine}.log"),
            "gen-chromium-notes".to_string(),
        ];
        expected.sort();
        assert_eq!(left, expected);
    }

    use super::page_count;

    #[test]
    fn counts_pages_from_the_page_tree() {
        let one = b"%PDF-1.4\n2 0 obj\n<</Type /Page\n/Parent 14 0 R>>\nendobj\n14 0 obj\n<</Type /Pages\n/Count 1\n/Kids [2 0 R]>>\nendobj\n";
        assert_eq!(page_count(one), Some(1));
        let two =
            b"<</Type/Pages/Kids [3 0 R 4 0 R]/Count 2>> <</Type /Pages /Count 1 /Parent 1 0 R>>";
        assert_eq!(page_count(two), Some(2));
        assert_eq!(page_count(b"<</Type /Page>>"), None);
        assert_eq!(page_count(b""), None);
    }
}
