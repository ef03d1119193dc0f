//! Commands: thin layers from parsed flags to library calls, and the one
//! place that prints diagnostics and summary lines ([`Ui`]).

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::io::{IsTerminal, Write};

pub use build::{BuildOptions, BuildReport, build};

use crate::cli::ColorChoice;
use crate::diagnostics::Diagnostic;

/// How a command talks to the user.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
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
            color,
            quiet,
            verbose,
        }
    }

    /// Prints diagnostics to stderr (warnings are hidden by `--quiet`).
    pub fn report(&self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            if d.is_error() || !self.quiet {
                to_stderr(&d.render(self.color));
            }
        }
    }

    /// Prints the one summary line that ends a command (hidden by `--quiet`).
    pub fn summary(&self, line: &str) {
        if !self.quiet {
            to_stdout(line);
        }
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
