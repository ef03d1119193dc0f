//! Bedside: a static site generator for stretch routines.
//!
//! A site is a folder of Markdown files, one per stretch, plus routines and
//! pages. [`build`] loads it ([`site::Site::load`]: config → content →
//! cross-checks), renders every page through Tera themes ([`render`]) and
//! writes the result atomically ([`output`]). The printable one-page handout
//! is one more view over the same content.
//!
//! For editors: [`serve`] builds into memory, serves, watches and reloads;
//! [`check`] also follows links, anchors and images; [`archetype`] starts a
//! new stretch, routine or page; [`starter`] writes a new site.
//! [`interrupt`] undoes a build's work when a signal stops it.

pub mod archetype;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod embedded;
pub mod files;
pub mod interrupt;
pub mod markdown;
pub mod output;
pub mod pdf;
pub mod render;
pub mod serve;
pub mod site;
pub mod starter;
pub mod templates;

pub use diagnostics::{Diagnostic, Severity};

/// What can go wrong in a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems with the site, each with its place: content, config,
    /// templates, links, the output folder, I/O.
    #[error("{} error{}", count_errors(.0), if count_errors(.0) == 1 { "" } else { "s" })]
    Site(Vec<Diagnostic>),
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

impl Error {
    /// Every diagnostic carried, errors and warnings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Site(diagnostics) => diagnostics,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Site(vec![diagnostic])
    }
}
