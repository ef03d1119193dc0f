//! Commands: thin layers from parsed flags to library calls.

pub mod build;

pub use build::{BuildOptions, BuildReport, build};
