//! `gen`: parse the command line, run the command, report, exit.

use std::io::IsTerminal;
use std::process::ExitCode;

use bedside::cli::{Cli, ColorChoice, Command};
use bedside::cmd;
use bedside::Diagnostic;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal(),
    };
    let report = |diagnostics: &[Diagnostic]| {
        for d in diagnostics {
            if !(cli.quiet && !d.is_error()) {
                eprint!("{}", d.render(color));
            }
        }
    };
    match cli.command {
        Command::Build(args) => {
            let options = cmd::BuildOptions {
                root: args.root,
                output_dir: args.output_dir,
                base_url: args.base_url,
                drafts: args.drafts,
                force: args.force,
            };
            match cmd::build(&options) {
                Ok(built) => {
                    report(&built.warnings);
                    if !cli.quiet {
                        println!(
                            "Built {} pages ({} files) into {} in {} ms{}",
                            built.pages,
                            built.files,
                            built.output.display(),
                            built.elapsed.as_millis(),
                            match built.warnings.len() {
                                0 => String::new(),
                                1 => ", 1 warning".to_string(),
                                n => format!(", {n} warnings"),
                            }
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    report(err.diagnostics());
                    eprintln!("Build failed: {err}; the previous output is unchanged.");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve(_) | Command::Check(_) | Command::New(_) | Command::Init(_) => {
            eprintln!("error: this command is not available in this version yet");
            ExitCode::FAILURE
        }
    }
}
