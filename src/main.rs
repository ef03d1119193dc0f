//! `gen`: parse the command line, run the command, report, exit.
//!
//! Exit status: 0 success (warnings allowed), 1 anything wrong with the site
//! or the requested work, 2 command-line syntax errors (clap).

use std::process::ExitCode;

use bedside::cli::{Cli, Command};
use bedside::cmd::{self, Ui};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::new(cli.color, cli.quiet, cli.verbose);
    let (what, result) = match cli.command {
        Command::Build(args) => ("Build", cmd::build::run(args, &ui)),
        Command::Serve(_) | Command::Check(_) | Command::New(_) | Command::Init(_) => {
            eprintln!("error: this command is not available in this version yet");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            ui.report(err.diagnostics());
            eprintln!("{what} failed: {err}.");
            ExitCode::FAILURE
        }
    }
}
