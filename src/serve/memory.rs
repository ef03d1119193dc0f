//! A render sink that keeps the built site in memory: `gen serve` never
//! writes a file, so it cannot touch `public/` and leaves nothing behind.

use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostics::Diagnostic;
use crate::render::Sink;

/// Built files by site path (`stretches/x/index.html`).
pub type Files = HashMap<String, Arc<[u8]>>;

/// Collects what a render writes.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<Files>,
}

impl Memory {
    /// An empty sink.
    pub fn new() -> Memory {
        Memory::default()
    }

    /// The files written.
    pub fn into_files(self) -> Files {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn put(&self, path: &str, bytes: Arc<[u8]>) -> Result<(), Diagnostic> {
        // The same rule as the output folder: a site path never leaves the site.
        if Path::new(path)
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(Diagnostic::error(format!(
                "refusing to write outside the output folder: {path}"
            )));
        }
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), bytes);
        Ok(())
    }
}

impl Sink for Memory {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.put(path, Arc::from(bytes))
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(from)
            .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", from.display())))?;
        self.put(path, Arc::from(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_and_refuses_paths_that_leave_the_site() {
        let memory = Memory::new();
        assert!(memory.write("a/index.html", b"x").is_ok());
        assert!(memory.write("../x", b"x").is_err());
        assert!(memory.write("/etc/x", b"x").is_err());
        let files = memory.into_files();
        assert_eq!(files.len(), 1);
        assert_eq!(files.get("a/index.html").map(|b| &b[..]), Some(&b"x"[..]));
    }
}
