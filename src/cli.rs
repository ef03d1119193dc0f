//! The command line (clap derive only, no logic).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Bedside: build stretch-routine sites and their one-page bedside handouts.
#[derive(Debug, Parser)]
#[command(name = "gen", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about each step.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// When to colour the output (NO_COLOR turns `auto` off).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    #[command(display_name = "gen")]
    Build(BuildArgs),
    /// Build, serve on localhost, rebuild on change and reload open pages.
    #[command(display_name = "gen")]
    Serve(ServeArgs),
    /// Check everything `build` checks, plus links, anchors and images; write nothing.
    #[command(display_name = "gen")]
    Check(CheckArgs),
    /// Start a new stretch, routine or page from the theme's archetype, or a theme of your own.
    #[command(display_name = "gen")]
    New(NewArgs),
    /// Write a new site from the built-in starter.
    #[command(display_name = "gen")]
    Init(InitArgs),
}

/// `gen build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long, short)]
    pub output_dir: Option<PathBuf>,
    /// The public address, overriding `base_url` in gen.toml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Replace an output folder that holds something other than a Bedside build.
    #[arg(long)]
    pub force: bool,
    /// Also print each handout to PDF with a local Chromium or Chrome.
    #[arg(long)]
    pub pdf: bool,
    /// The browser for --pdf [default: chromium, chromium-browser, google-chrome… on PATH].
    #[arg(long, requires = "pdf")]
    pub browser: Option<PathBuf>,
}

/// `gen serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The port to listen on (0: any free port, printed on start).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: String,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// `gen check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
}

/// `gen new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// Its title, e.g. "Cat Cow" (for a theme, its name, e.g. "calm").
    pub title: String,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `gen new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// content/stretches/NN-slug.md
    Stretch,
    /// content/routines/NN-slug.md
    Routine,
    /// content/NN-slug.md
    Page,
    /// themes/slug/: a copy of the built-in theme to change
    Theme,
}

/// `gen init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder for the new site (created if missing; must be empty, hidden entries such as .git aside).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own consistency checks of the command line (mdBook's `verify_app`).
    #[test]
    fn cli_verify() {
        super::Cli::command().debug_assert();
    }
}
