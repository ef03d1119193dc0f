//! Watching a site's inputs: `content/`, `static/`, `templates/`, `themes/`
//! and `gen.toml`. File-system events are filtered (hidden and editor files,
//! reads) and gathered until the site has been quiet for [`DEBOUNCE`], so that
//! one save is one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::load::is_ignored;
use crate::diagnostics::Diagnostic;

/// How long the inputs must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The longest a stream of events can put a rebuild off.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders of a site that are watched, recursively.
pub const FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// One batch of changes.
#[derive(Debug, Clone)]
pub struct Change {
    /// The changed paths (absolute). The site root itself means "anything".
    pub paths: BTreeSet<PathBuf>,
    /// When the first event of the batch arrived.
    pub first_event: Instant,
}

/// Starts watching the site at `root` (an absolute path). Batches of changes
/// arrive on the returned channel; the watcher lives as long as its thread.
pub fn watch(root: &Path) -> Result<Receiver<Change>, Diagnostic> {
    let (events_in, events) = mpsc::channel::<(Instant, Vec<PathBuf>)>();
    let filter_root = root.to_path_buf();
    let mut watcher: RecommendedWatcher =
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let seen = Instant::now();
            let paths = match event {
                Ok(event) if event.need_rescan() => vec![filter_root.clone()],
                Ok(event) if matches!(event.kind, EventKind::Access(_)) => return,
                Ok(event) => event
                    .paths
                    .into_iter()
                    .filter(|p| is_input(&filter_root, p))
                    .collect(),
                // A watcher error (e.g. a queue overflow): rebuild everything.
                Err(_) => vec![filter_root.clone()],
            };
            if !paths.is_empty() {
                let _ = events_in.send((seen, paths));
            }
        })
        .map_err(|e| cannot_watch(root, &e))?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| cannot_watch(root, &e))?;
    for folder in FOLDERS {
        let dir = root.join(folder);
        if dir.is_dir() {
            watcher
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| cannot_watch(&dir, &e))?;
        }
    }
    let (changes_out, changes) = mpsc::channel();
    let root = root.to_path_buf();
    std::thread::Builder::new()
        .name("gen-watch".into())
        .spawn(move || {
            while let Ok((first_event, paths)) = events.recv() {
                let mut batch: BTreeSet<PathBuf> = paths.into_iter().collect();
                loop {
                    if first_event.elapsed() > MAX_WAIT {
                        break;
                    }
                    match events.recv_timeout(DEBOUNCE) {
                        Ok((_, paths)) => batch.extend(paths),
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                // A watched folder made (or made again) after the start.
                for folder in FOLDERS {
                    let dir = root.join(folder);
                    if batch.contains(&dir) && dir.is_dir() {
                        let _ = watcher.watch(&dir, RecursiveMode::Recursive);
                    }
                }
                // A symbolic link to a folder made after the start: the
                // watch of the folder that holds it does not follow it, as
                // the watches made at the start do.
                for path in &batch {
                    if path.is_symlink() && path.is_dir() {
                        let _ = watcher.watch(path, RecursiveMode::Recursive);
                    }
                }
                let change = Change {
                    paths: batch,
                    first_event,
                };
                if changes_out.send(change).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| Diagnostic::error(format!("cannot start the file watcher: {e}")))?;
    Ok(changes)
}

fn cannot_watch(path: &Path, err: &notify::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot watch {} for changes: {err}",
        path.display()
    ))
    .help("on Linux, raise fs.inotify.max_user_watches (sysctl) if the limit of watches is reached")
}

/// Whether a changed path is something the build reads: `gen.toml`, or a
/// file (not hidden, not an editor's backup) under a watched folder.
pub fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [] => true,
        [name] => name == "gen.toml" || FOLDERS.contains(&name.as_str()),
        [first, rest @ ..] => {
            FOLDERS.contains(&first.as_str()) && !rest.iter().any(|p| is_ignored(p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_inputs_and_drops_editor_files() {
        let root = Path::new("/site");
        let yes = [
            "/site/gen.toml",
            "/site/content",
            "/site/content/stretches/01-a.md",
            "/site/static/x.png",
            "/site/templates/page.html",
            "/site/themes/default/templates/base.html",
        ];
        let no = [
            "/site/public/index.html",
            "/site/public",
            "/site/.public.gen-new-1",
            "/site/README.md",
            "/site/content/stretches/.01-a.md.swp",
            "/site/content/stretches/01-a.md~",
            "/site/content/#01-a.md#",
            "/site/content/.git/x",
            "/elsewhere/gen.toml",
        ];
        for p in yes {
            assert!(is_input(root, Path::new(p)), "{p}");
        }
        for p in no {
            assert!(!is_input(root, Path::new(p)), "{p}");
        }
    }
}
