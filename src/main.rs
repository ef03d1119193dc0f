//! `gen`: parse the command line, run the command, report, exit.
//!
//! Exit status: 0 success (warnings allowed), 1 anything wrong with the site
//! or the requested work, 2 command-line syntax errors (clap); `gen build`
//! stopped by SIGINT, SIGTERM or SIGHUP exits with 130, 143 or 129
//! ([`bedside::interrupt`]).

use std::process::ExitCode;

use bedside::cli::Command;
use bedside::cmd::{self, Ui};

/// mimalloc: rendering allocates many small strings on every thread, where
/// it is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cmd::parse();
    let ui = Ui::new(cli.color, cli.quiet, cli.verbose);
    let ui = match &cli.command {
        Command::Build(args) => ui.with_root(&args.root),
        Command::Serve(args) => ui.with_root(&args.root),
        Command::Check(args) => ui.with_root(&args.root),
        Command::New(args) => ui.with_root(&args.root),
        Command::Init(_) => ui,
    };
    let (what, result) = match cli.command {
        Command::Build(args) => ("Build", cmd::build::run(args, &ui)),
        Command::Serve(args) => ("Serve", cmd::serve::run(args, &ui)),
        Command::Check(args) => ("Check", cmd::check::run(args, &ui)),
        Command::New(args) => ("New", cmd::new::run(args, &ui)),
        Command::Init(args) => ("Init", cmd::init::run(args, &ui)),
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            ui.report(err.diagnostics());
            cmd::to_stderr(&format!("{what} failed: {err}.\n"));
            ExitCode::FAILURE
        }
    };
    bedside::interrupt::settle();
    code
}
