//! Writing new source files (`gen new`, `gen init`): never over an
//! existing one.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// What to do about `err`, met making or writing a file or folder; `usual`
/// when the error says nothing more particular (most often: permissions).
pub fn help_for(err: &io::Error, usual: &'static str) -> &'static str {
    match err.kind() {
        io::ErrorKind::NotADirectory => {
            "a part of that path is a file, not a folder: choose another place"
        }
        io::ErrorKind::InvalidFilename => {
            "a file or folder name may be at most 255 bytes: choose a shorter one"
        }
        _ => usual,
    }
}

/// Writes `bytes` to a new file at `path`, making its folder first. An
/// existing file is left alone and reported as `ErrorKind::AlreadyExists`.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(bytes)
}

/// The names in `folder`, sorted: what a test expects to find there.
#[cfg(test)]
pub fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("a folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
