//! Commands: thin layers from parsed flags to library calls, and the one
//! place that prints diagnostics and summary lines ([`Ui`]).

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::io::IsTerminal;

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
                eprint!("{}", d.render(self.color));
            }
        }
    }

    /// Prints the one summary line that ends a command (hidden by `--quiet`).
    pub fn summary(&self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }

    /// Prints a line of ordinary output, such as next steps (hidden by `--quiet`).
    pub fn info(&self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }

    /// Prints a detail line with `--verbose`.
    pub fn detail(&self, line: &str) {
        if self.verbose {
            eprintln!("{line}");
        }
    }
}

/// " , 2 warnings" for summary lines.
pub fn warnings_suffix(diagnostics: &[Diagnostic]) -> String {
    match diagnostics.iter().filter(|d| !d.is_error()).count() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    }
}
