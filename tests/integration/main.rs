//! End-to-end tests of the `gen` binary: one test binary, one module per
//! feature. Each test copies a fixture site from `tests/fixtures/` into a
//! temporary folder and runs the real binary there with a cleared environment.

mod support;

mod build;
mod determinism;
mod errors;
mod front_matter;
mod interrupt;
mod ledger;
mod limits;
mod links;
mod output;
mod robustness;
mod templates;

mod check;
mod content;
mod editor_support;
mod init;
mod new;
mod serve;

mod accessibility;
mod browser;
mod handout;
