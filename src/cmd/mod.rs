//! Commands: thin layers from parsed flags to library calls, and the one
//! place that prints diagnostics and summary lines ([`Ui`]).

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub use build::{BuildOptions, BuildReport, build};

use crate::cli::ColorChoice;
use crate::diagnostics::Diagnostic;

/// Parses the command line. Clap's own messages (a usage error, the help)
/// follow `--color` as the diagnostics do: `gen bogus --color never` prints
/// no escape codes on a terminal, `--color always` colours them in a pipe.
pub fn parse() -> crate::cli::Cli {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = match requested_color(&args) {
        Some(ColorChoice::Always) => clap::ColorChoice::Always,
        Some(ColorChoice::Never) => clap::ColorChoice::Never,
        Some(ColorChoice::Auto) | None => clap::ColorChoice::Auto,
    };
    let mut command = crate::cli::Cli::command().color(color);
    let matches = command
        .try_get_matches_from_mut(args)
        .unwrap_or_else(|e| e.exit());
    crate::cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut command).exit())
}

/// The last valid `--color WHEN` or `--color=WHEN` before any `--`, read
/// before clap parses the line (whose errors it colours).
fn requested_color(args: &[std::ffi::OsString]) -> Option<ColorChoice> {
    let mut choice = None;
    let mut args = args.iter().skip(1).map(|a| a.to_str());
    while let Some(arg) = args.next() {
        let value = match arg {
            Some("--") => break,
            Some("--color") => args.next().flatten(),
            Some(arg) => arg.strip_prefix("--color="),
            None => None,
        };
        choice = match value {
            Some("always") => Some(ColorChoice::Always),
            Some("never") => Some(ColorChoice::Never),
            Some("auto") => Some(ColorChoice::Auto),
            _ => choice,
        };
    }
    choice
}

/// How a command talks to the user.
#[derive(Debug, Clone)]
pub struct Ui {
    /// The site folder given with `--root`, when it is not the current
    /// folder: the site's files are named from where `gen` runs.
    pub root: Option<std::sync::Arc<Path>>,
    /// ANSI colour on stderr.
    pub color: bool,
    /// Only errors.
    pub quiet: bool,
    /// More detail.
    pub verbose: bool,
}

impl Ui {
    /// Decides colour from `--color`, `NO_COLOR` and whether stderr is a terminal.
    pub fn new(color: ColorChoice, quiet: bool, verbose: bool) -> Ui {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Ui {
            root: None,
            color,
            quiet,
            verbose,
        }
    }

    /// Names the site's files from where `gen` runs, the site being in
    /// `root` (nothing changes for the current folder).
    pub fn with_root(mut self, root: &Path) -> Ui {
        let here = root.components().all(|c| c == std::path::Component::CurDir);
        self.root = (!here).then(|| std::sync::Arc::from(root));
        self
    }

    /// `path`, relative to the site folder, as the user can open it.
    pub fn shown(&self, path: &Path) -> PathBuf {
        match &self.root {
            Some(root) if path.is_relative() => root.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// `diagnostic` with the site's files named from where `gen` runs
    /// ([`Diagnostic::rebased`]).
    pub fn rebase(&self, diagnostic: Diagnostic) -> Diagnostic {
        match &self.root {
            Some(root) => diagnostic.rebased(root),
            None => diagnostic,
        }
    }

    /// Prints diagnostics to stderr (warnings are hidden by `--quiet`).
    pub fn report(&self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            if d.is_error() || !self.quiet {
                to_stderr(&self.rebase(d.clone()).render(self.color));
            }
        }
    }

    /// Prints the one summary line that ends a command (hidden by `--quiet`).
    pub fn summary(&self, line: &str) {
        if !self.quiet {
            to_stdout(line);
        }
    }

    /// Prints what a command is for even with `--quiet`: the address
    /// `gen serve` serves at, which nothing else tells.
    pub fn essential(&self, line: &str) {
        to_stdout(line);
    }

    /// Prints a line of ordinary output, such as next steps (hidden by `--quiet`).
    pub fn info(&self, line: &str) {
        if !self.quiet {
            to_stdout(line);
        }
    }

    /// Prints a detail line with `--verbose`.
    pub fn detail(&self, line: &str) {
        if self.verbose {
            to_stderr(&format!("{line}\n"));
        }
    }
}

/// Writes a line to stdout. A closed stdout (`gen build | head -0`) is not
/// an error of the work, which is done: `println!` would panic.
fn to_stdout(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes text to stderr, ignoring a closed stderr as [`to_stdout`] does.
pub fn to_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// " , 2 warnings" for summary lines.
pub fn warnings_suffix(diagnostics: &[Diagnostic]) -> String {
    match diagnostics.iter().filter(|d| !d.is_error()).count() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color(line: &[&str]) -> Option<ColorChoice> {
        let args: Vec<std::ffi::OsString> = line.iter().map(Into::into).collect();
        requested_color(&args)
    }

    #[test]
    fn color_is_read_before_clap_parses() {
        assert_eq!(color(&["gen", "bogus"]), None);
        assert_eq!(
            color(&["gen", "bogus", "--color", "never"]),
            Some(ColorChoice::Never)
        );
        assert_eq!(
            color(&["gen", "--color=always", "build", "--frce"]),
            Some(ColorChoice::Always)
        );
        // The last valid one counts; an invalid one is clap's to report.
        assert_eq!(
            color(&["gen", "--color", "never", "--color", "sometimes"]),
            Some(ColorChoice::Never)
        );
        assert_eq!(color(&["gen", "new", "page", "--", "--color=never"]), None);
    }
}
