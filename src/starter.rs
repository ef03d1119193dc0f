//! `gen init`: a new site from the starter built into the binary
//! ([`embedded::STARTER`]: a morning routine with its stretches, pages and
//! `gen.toml`). It has no `themes/` folder, so it builds with the built-in
//! theme wherever `gen` is installed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::embedded;

/// What `gen init` wrote.
#[derive(Debug)]
pub struct Initialized {
    /// The site folder.
    pub dir: PathBuf,
    /// Files written.
    pub files: usize,
}

/// Writes the starter site into `dir`, which must be missing or empty.
/// Hidden entries such as `.git` do not count, so `git init` may come first.
pub fn init(dir: &Path) -> Result<Initialized, Diagnostic> {
    // An example of another folder than the one refused.
    let example = if dir.file_name().is_some_and(|n| n == "my-site") {
        "choose a new or empty folder, e.g. `gen init my-stretches`"
    } else {
        "choose a new or empty folder, e.g. `gen init my-site`"
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::error(format!(
            "cannot make a site in {}: it is a file",
            dir.display()
        ))
        .help(example));
    }
    if !dir.exists() && dir.is_symlink() {
        let to = fs::read_link(dir)
            .map(|to| format!(" to {}", to.display()))
            .unwrap_or_default();
        return Err(Diagnostic::error(format!(
            "cannot make a site in {}: it is a symbolic link{to}, which does not lead to a folder",
            dir.display()
        ))
        .help("make the folder it points to, or remove the link, or choose another folder"));
    }
    if dir.is_dir() {
        let entries = fs::read_dir(dir)
            .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", dir.display())))?;
        let mut visible: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        if !visible.is_empty() {
            visible.sort();
            let shown: Vec<String> = visible.iter().take(5).cloned().collect();
            let more = if visible.len() > 5 { ", …" } else { "" };
            return Err(Diagnostic::error(format!(
                "refusing to make a site in {}: the folder is not empty",
                dir.display()
            ))
            .note(format!("it holds {}{more}", shown.join(", ")))
            .help(example));
        }
    }
    let mut files = 0;
    for (relative, bytes) in embedded::STARTER {
        let path = dir.join(relative);
        crate::files::write_new(&path, bytes).map_err(|e| {
            let help = crate::files::help_for(&e, "check the folder's permissions");
            Diagnostic::error(format!("cannot write {}: {e}", path.display())).help(help)
        })?;
        files += 1;
    }
    Ok(Initialized {
        dir: dir.to_path_buf(),
        files,
    })
}
