//! Output: checks the output folder is safe to replace, writes the build into
//! a temporary folder beside it, and swaps it in only when the whole build
//! succeeded. A failed build leaves the previous output as it was.

use std::collections::{HashMap, HashSet};
use std::ffi::CStr;
use std::fs;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, mpsc};

use crate::diagnostics::Diagnostic;
use crate::interrupt::{self, Pending, Undo};
use crate::render::Sink;
use crate::render::ledger::{Entry, Stamp};

/// The file that marks a folder as a Bedside build.
pub const MARKER: &str = ".bedside-build";

/// A build in progress: files go to `staging` until [`Output::commit`].
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    /// `staging`, open: files are made relative to it, without walking the
    /// whole path for each.
    staging_folder: OwnedFd,
    /// The previous build, open, when `target` holds one: files whose bytes
    /// did not change are hard-linked from it instead of written again.
    previous: Option<OwnedFd>,
    /// The permission bits a file written now gets (0o666 less the umask),
    /// when known: a previous file linked instead must have the same, or a
    /// build under another umask (or a `chmod` in the output) would last.
    file_mode: Option<u32>,
    committed: bool,
    /// Whether `staging` is marked as the top of a directory hierarchy
    /// ([`spread_below`]): its folders are then made under a name of their
    /// own first.
    spread: bool,
    /// Held shared by every write into the staging folder, and alone while
    /// a top-level folder's entries move ([`Output::move_slow_folder`]).
    gate: RwLock<()>,
    /// How long the folders below each spread top-level folder take to make.
    pace: Mutex<Pace>,
    /// A folder made slower than this counts as slow ([`Pace`]).
    slow_folder: Duration,
    /// About how many pages the build publishes.
    pages: usize,
    /// Whether a folder moves only to a group of block groups where no
    /// folder of this build was slow ([`Output::fresh_place`]).
    avoid_slow_groups: bool,
    /// The folders this run made above the output: removed again (when
    /// empty) if the build is not swapped in.
    above: MadeAbove,
    /// `staging`, registered for removal if the build is interrupted.
    staging_pending: Option<Pending>,
}

/// An output folder checked for a build ([`Destination::check`]); nothing on
/// disk is made before [`Destination::begin`].
pub struct Destination {
    target: PathBuf,
    previous: Option<OwnedFd>,
}

/// Folders this run made above the output, from the top down, each
/// registered for removal if the build is interrupted. Dropped, it removes
/// them (deepest first, and only those still empty); [`MadeAbove::keep`]
/// keeps them.
struct MadeAbove(Vec<(PathBuf, Pending)>);

impl MadeAbove {
    /// Makes the folders missing above `folder`, and `folder`.
    fn make(folder: &Path) -> Result<MadeAbove, (PathBuf, io::Error)> {
        let mut missing = Vec::new();
        let mut next = Some(folder);
        while let Some(folder) = next.filter(|f| !f.as_os_str().is_empty() && !f.exists()) {
            missing.push(folder);
            next = folder.parent();
        }
        let mut made = MadeAbove(Vec::new());
        for folder in missing.into_iter().rev() {
            match make_registered(folder, Undo::Folder) {
                Ok(pending) => made.0.push((folder.to_path_buf(), pending)),
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists && folder.is_dir() => {}
                Err(err) => return Err((folder.to_path_buf(), err)),
            }
        }
        Ok(made)
    }

    /// Keeps the folders: the build is in place.
    fn keep(&mut self) {
        self.0.clear();
    }
}

impl Drop for MadeAbove {
    fn drop(&mut self) {
        for (folder, _) in self.0.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
    }
}

/// Makes a folder and registers it for [`crate::interrupt`], with no moment
/// between in which an interruption would miss it.
fn make_registered(path: &Path, undo: fn(PathBuf) -> Undo) -> io::Result<Pending> {
    let mut held = interrupt::hold();
    fs::create_dir(path)?;
    Ok(held.register(undo(path.to_path_buf())))
}

/// Makes `path` absolute and resolves its symlinks, `.` and `..` as the
/// system does (`link/..` is the folder above where `link` leads) in the
/// part that exists, and removes `.` and `..` from the rest without
/// touching the disk.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut clean = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // What is there is resolved before `..` pops from it, as
                // the system does (`link/..` is above where `link` leads).
                if let Ok(real) = clean.canonicalize() {
                    clean = real;
                }
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    // Canonicalise the longest existing ancestor.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// The folders of the site at `root` (resolved) that the output may not
/// lie in nor hold, each with where it really is (a symbolic link
/// resolved): `content`, `static`, `templates`, `themes` and each folder
/// of `themes/`.
fn input_folders(root: &Path) -> Vec<(String, PathBuf)> {
    let mut folders: Vec<(String, PathBuf)> = ["content", "static", "templates", "themes"]
        .into_iter()
        .map(|name| (name.to_string(), resolve(&root.join(name))))
        .collect();
    if let Ok(themes) = fs::read_dir(root.join("themes")) {
        for theme in themes.flatten() {
            let name = format!("themes/{}", theme.file_name().to_string_lossy());
            folders.push((name, resolve(&theme.path())));
        }
    }
    folders
}

/// Why `target` (resolved: the part of it that is there is canonical) cannot
/// be made a folder: the deepest part of its path that is there is a file,
/// or a symbolic link that leads nowhere (to nothing, or in a loop).
fn in_the_way(target: &Path) -> Option<String> {
    let (there, meta) = target
        .ancestors()
        .find_map(|path| fs::symlink_metadata(path).ok().map(|meta| (path, meta)))?;
    if meta.is_symlink() {
        let to = fs::read_link(there).map_or_else(|_| "?".into(), |to| to.display().to_string());
        Some(format!(
            "{} is a symbolic link to {to}, which does not lead to a folder",
            there.display()
        ))
    } else if meta.is_dir() {
        None
    } else if there == target {
        Some("it is a file".into())
    } else {
        Some(format!("{} is a file, not a folder", there.display()))
    }
}

impl Destination {
    /// Checks that `target` may be written for the site at `root`, and
    /// opens the previous build it holds. Makes nothing on disk.
    pub fn check(root: &Path, target: &Path, force: bool) -> Result<Destination, Diagnostic> {
        let root = resolve(root);
        let target = resolve(target);
        let refuse = |why: String| {
            Diagnostic::error(format!(
                "refusing to use {} as the output folder: {why}",
                target.display()
            ))
            .help("choose another folder with --output-dir, e.g. `public`")
        };
        if target == root {
            return Err(refuse("it is the site folder itself".into()));
        }
        if root.starts_with(&target) {
            return Err(refuse("it contains the site folder".into()));
        }
        for (inside, real) in input_folders(&root) {
            let folder = root.join(&inside);
            if target.starts_with(&folder) || target.starts_with(&real) {
                return Err(refuse(format!("it is inside the site's {inside}/ folder")));
            }
            // A folder of the site reached through a symbolic link (`static`
            // → `public`) is replaced with the output that holds it.
            if real.starts_with(&target) {
                return Err(refuse(format!(
                    "it holds the site's {inside}/ folder, a symbolic link to {}",
                    real.display()
                )));
            }
        }
        if target.join("content").exists() || target.join("gen.toml").exists() {
            return Err(refuse(
                "it holds a site (content/ or gen.toml), not a build".into(),
            ));
        }
        if let Some(why) = in_the_way(&target) {
            return Err(refuse(why));
        }
        if target.is_dir() && !force && !target.join(MARKER).exists() {
            // Top-level dot-entries are carried into the new build, so a
            // folder of them alone (`.git` of a `gh-pages` clone) loses
            // nothing.
            let non_empty = fs::read_dir(&target)
                .map(|mut d| {
                    d.any(|e| {
                        e.map_or(true, |e| {
                            !e.file_name().as_encoded_bytes().starts_with(b".")
                        })
                    })
                })
                .unwrap_or(true);
            if non_empty {
                return Err(Diagnostic::error(format!(
                    "{} is not empty and holds no previous Bedside build",
                    target.display()
                ))
                .help("pass --force to replace it, or choose another folder with --output-dir"));
            }
        }
        let previous = target
            .join(MARKER)
            .is_file()
            .then(|| open_folder(CWD, &target).ok())
            .flatten();
        Ok(Destination { target, previous })
    }

    /// The folder to be replaced.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the folder to be replaced holds a previous build.
    pub fn has_previous(&self) -> bool {
        self.previous.is_some()
    }

    /// Makes the folders missing above the output and a staging folder
    /// beside it, each registered for removal if the build is interrupted.
    /// The folders made above are removed again if the build fails.
    /// `pages` is about how many pages the build publishes: a large build
    /// is spread over the disk ([`spread_below`]).
    pub fn begin(self, pages: usize) -> Result<Output, Diagnostic> {
        let Destination { target, previous } = self;
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let io_error = |err: io::Error, path: &Path| {
            let help = crate::files::help_for(&err, "check the folder's permissions");
            Diagnostic::error(format!("cannot create {}: {err}", path.display())).help(help)
        };
        let above = MadeAbove::make(&parent).map_err(|(path, e)| io_error(e, &path))?;
        // Trees named after this process's id are left by an earlier one of
        // the same id: they would be in the way.
        let staging = parent.join(format!(".{name}.gen-new-{}", std::process::id()));
        for tree in [
            &staging,
            &parent.join(format!(".{name}.gen-old-{}", std::process::id())),
        ] {
            if tree.exists() {
                let _ = fs::remove_dir_all(tree);
            }
        }
        let staging_pending =
            make_registered(&staging, Undo::Tree).map_err(|e| io_error(e, &staging))?;
        let staging_folder = match open_folder(CWD, &staging) {
            Ok(folder) => folder,
            Err(e) => {
                let _ = fs::remove_dir(&staging);
                return Err(io_error(e, &staging));
            }
        };
        let spread = pages >= SPREAD_FROM_PAGES && spread_below(&staging_folder, true);
        Ok(Output {
            target,
            staging,
            staging_folder,
            previous,
            file_mode: umask().map(|mask| 0o666 & !mask),
            committed: false,
            spread,
            gate: RwLock::new(()),
            pace: Mutex::new(Pace::default()),
            slow_folder: SLOW_FOLDER,
            pages,
            avoid_slow_groups: true,
            above,
            staging_pending: Some(staging_pending),
        })
    }
}

impl Output {
    /// Where a site path of the build in progress is on disk.
    pub fn staged(&self, path: &str) -> PathBuf {
        self.staging.join(path)
    }

    /// The folder being replaced.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the folder being replaced holds a previous build, whose
    /// unchanged files this one links.
    pub fn has_previous(&self) -> bool {
        self.previous.is_some()
    }

    fn full(&self, path: &str) -> Result<PathBuf, Diagnostic> {
        if interrupt::stopping() {
            // The staging folder is being removed: add nothing to it.
            return Err(Diagnostic::error("the build was interrupted"));
        }
        let relative = Path::new(path);
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(Diagnostic::error(format!(
                "refusing to write outside the output folder: {path}"
            )));
        }
        if let Some((folder, _)) = path.rsplit_once('/') {
            self.make_folder(folder).map_err(|e| {
                Diagnostic::error(format!(
                    "cannot create {}: {e}",
                    self.staging.join(folder).display()
                ))
            })?;
        }
        Ok(self.staging.join(relative))
    }

    /// Makes a folder of the build and the folders above it, as needed.
    fn make_folder(&self, folder: &str) -> io::Result<()> {
        let make = || {
            if !self.spread {
                rustix::fs::mkdirat(&self.staging_folder, folder, Mode::from_raw_mode(0o777))
            } else if let Some((top, below)) = folder.split_once('/') {
                let start = thread_time();
                let made =
                    rustix::fs::mkdirat(&self.staging_folder, folder, Mode::from_raw_mode(0o777));
                if made.is_ok() && !below.contains('/') {
                    self.note_pace(top, thread_time().saturating_sub(start));
                }
                made
            } else {
                self.make_top_folder(folder)
            }
        };
        let made = match make() {
            Err(rustix::io::Errno::NOENT) => {
                if let Some((above, _)) = folder.rsplit_once('/') {
                    self.make_folder(above)?;
                }
                make()
            }
            made => made,
        };
        match made {
            Ok(()) | Err(rustix::io::Errno::EXIST) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Makes a folder at the top of the build under a name used once, then
    /// renames it. ext4 places a new folder below one marked as the top of a
    /// hierarchy ([`spread_below`]) in a block group chosen from a hash of
    /// its name: under its own name (`stretches`) every build would start
    /// from the group where the build before it was just removed, whose
    /// freed inodes ext4 scans past one by one for every new file and folder
    /// (see docs/performance.md). Another thread may make the same folder
    /// meanwhile: the rename never replaces it.
    fn make_top_folder(&self, folder: &str) -> rustix::io::Result<()> {
        let once = once_name();
        // Made already (a second file of `css/`): one call, not three.
        if rustix::fs::statat(&self.staging_folder, folder, AtFlags::SYMLINK_NOFOLLOW).is_ok() {
            return Err(rustix::io::Errno::EXIST);
        }
        let mode = Mode::from_raw_mode(0o777);
        rustix::fs::mkdirat(&self.staging_folder, &once, mode)?;
        let renamed = rustix::fs::renameat_with(
            &self.staging_folder,
            &once,
            &self.staging_folder,
            folder,
            rustix::fs::RenameFlags::NOREPLACE,
        );
        if renamed.is_err() {
            let _ = rustix::fs::unlinkat(&self.staging_folder, &once, AtFlags::REMOVEDIR);
        }
        match renamed {
            // This file system cannot rename without replacing.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
                rustix::fs::mkdirat(&self.staging_folder, folder, mode)
            }
            other => other,
        }
    }

    /// Counts a folder made directly below the spread top-level folder
    /// `top`, and asks for `top` to be moved when most of the last
    /// [`WINDOW`] were slow ([`Pace`]).
    fn note_pace(&self, top: &str, took: Duration) {
        let mut pace = self.pace();
        let slow = took > self.slow_folder;
        let count = match pace.tops.get_mut(top) {
            Some(count) => count,
            None => pace.tops.entry(top.to_string()).or_default(),
        };
        count.made += 1;
        count.slow += usize::from(slow);
        if count.made % WINDOW != 0 {
            return;
        }
        let move_it = count.slow * 4 >= WINDOW * 3 && count.moves < MAX_MOVES
            // A folder moved costs about 23 µs, a slow one made about 250 µs
            // more than a quick one: moving pays while at least one folder
            // in ten of those made is still to come, of at most `pages`.
            && count.made * 9 < self.pages * 8;
        count.slow = 0;
        if move_it {
            count.moves += 1;
            pace.slow = Some(top.to_string());
        }
    }

    /// Moves what a top-level folder found slow ([`Pace`]) holds into a new
    /// folder, placed afresh by ext4, which takes its name; waits for the
    /// writes under way to end, and holds the others back meanwhile. The
    /// folders already made keep their place; those made after it go to
    /// the new one's. If an entry cannot be moved, those moved go back and
    /// the build goes on where it was; an error means they could not all
    /// go back, and the build cannot be published.
    fn move_slow_folder(&self) -> Result<(), Diagnostic> {
        if !self.spread {
            return Ok(());
        }
        let Some(top) = self.pace().slow.take() else {
            return Ok(());
        };
        let _alone = self.gate.write().unwrap_or_else(PoisonError::into_inner);
        let staging = &self.staging_folder;
        let Ok(from) = open_folder(staging, &top) else {
            return Ok(());
        };
        let Some(fresh) = self.fresh_place(&from) else {
            return Ok(());
        };
        // Listed first: a folder is not changed while it is read.
        let listed = Dir::read_from(&from).and_then(|entries| {
            entries
                .filter(|entry| !entry.as_ref().is_ok_and(|e| is_dot(e.file_name())))
                .map(|entry| entry.map(|e| e.file_name().to_owned()))
                .collect::<rustix::io::Result<Vec<_>>>()
        });
        let Ok(names) = listed else {
            let _ = rustix::fs::unlinkat(staging, &fresh, AtFlags::REMOVEDIR);
            return Ok(());
        };
        let moving = open_folder(staging, &fresh).and_then(|to| {
            let mut moved = 0;
            let flags = rustix::fs::RenameFlags::NOREPLACE;
            let swapped = names
                .iter()
                .try_for_each(|name| {
                    rustix::fs::renameat_with(&from, name, &to, name, flags)?;
                    moved += 1;
                    Ok(())
                })
                .and_then(|()| {
                    let exchange = rustix::fs::RenameFlags::EXCHANGE;
                    rustix::fs::renameat_with(staging, &top, staging, &fresh, exchange)
                });
            match swapped {
                Ok(()) => {
                    let mut pace = self.pace();
                    if let Some(count) = pace.tops.get_mut(&top) {
                        count.moved += 1;
                    }
                }
                Err(_) => {
                    for name in &names[..moved] {
                        rustix::fs::renameat(&to, name, &from, name)?;
                    }
                }
            }
            // The folder under the name used once is now empty: the old
            // one when the move went through, the new one when it did not.
            Ok(rustix::fs::unlinkat(staging, &fresh, AtFlags::REMOVEDIR)?)
        });
        moving.map_err(|err| {
            let diagnostic = Diagnostic::error(format!(
                "cannot move what {} holds to a new folder: {err}",
                self.staging.join(&top).display()
            ));
            // Not published: the build's files may not all be in place.
            self.pace().lost = Some(diagnostic.clone());
            diagnostic
        })
    }

    /// Makes a folder at the top of the staging folder, under a name used
    /// once, in a group of block groups where no folder of this build was
    /// found slow, the `slow` one among them. ext4 puts it in the group
    /// with the fewest folders, often one just emptied: the group left
    /// behind, or one it was already moved away from. A folder that lands
    /// in one is kept while another is tried, so that its group counts one
    /// folder more, then removed. `None` when every try lands in one.
    fn fresh_place(&self, slow: &OwnedFd) -> Option<String> {
        let group = |ino: u64| ino.saturating_sub(1) / FLEX_GROUP_INODES;
        let mut pace = self.pace();
        if let Ok(stat) = rustix::fs::fstat(slow) {
            pace.slow_groups.insert(group(stat.st_ino));
        }
        let staging = &self.staging_folder;
        let mut tried = Vec::new();
        let mut found = None;
        for _ in 0..4 {
            let name = once_name();
            if rustix::fs::mkdirat(staging, &name, Mode::from_raw_mode(0o777)).is_err() {
                break;
            }
            let place = rustix::fs::statat(staging, &name, AtFlags::SYMLINK_NOFOLLOW)
                .map(|stat| group(stat.st_ino));
            if place
                .is_ok_and(|place| !self.avoid_slow_groups || !pace.slow_groups.contains(&place))
            {
                found = Some(name);
                break;
            }
            tried.push(name);
        }
        for name in tried {
            let _ = rustix::fs::unlinkat(staging, &name, AtFlags::REMOVEDIR);
        }
        found
    }

    /// Creates (or empties) a file of the build.
    fn create(&self, path: &str) -> io::Result<fs::File> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(
            &self.staging_folder,
            path,
            flags,
            Mode::from_raw_mode(0o666),
        )?;
        Ok(fs::File::from(fd))
    }

    /// Swaps the finished build in: the old output's top-level dot-entries
    /// (such as `.git`) are carried over, the old tree is removed, and so
    /// are the staging and old trees left beside the output by earlier runs
    /// that were stopped (see [`remove_leftovers`]).
    ///
    /// An error means the build was not swapped in, and the previous output
    /// is as it was. Once the build is in place, what goes wrong removing
    /// old trees is returned as warnings: the build is published, and the
    /// next one tries again.
    pub fn commit(mut self) -> Result<Vec<Diagnostic>, Diagnostic> {
        let fail = |what: &str, err: io::Error| Diagnostic::error(format!("cannot {what}: {err}"));
        if let Some(lost) = self
            .pace
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .lost
            .take()
        {
            return Err(lost);
        }
        if self.spread {
            // The published folder is an ordinary one.
            spread_below(&self.staging_folder, false);
        }
        fs::write(
            self.staging.join(MARKER),
            "This folder is a build of Bedside's `gen build`. It is replaced on every build.\n",
        )
        .map_err(|e| fail("write the build marker", e))?;
        // The swap is not cut in half by an interruption: it waits.
        let mut held = interrupt::hold();
        let mut old_tree = None;
        if self.target.exists() {
            let old = self.staging.with_file_name(
                self.staging
                    .file_name()
                    .map(|n| n.to_string_lossy().replace(".gen-new-", ".gen-old-"))
                    .unwrap_or_else(|| ".gen-old".into()),
            );
            fs::rename(&self.target, &old)
                .map_err(|e| fail(&format!("move the old {} aside", self.target.display()), e))?;
            // Carry the old output's dot-entries (such as `.git`) over; if one
            // cannot be moved, put everything back: nothing is lost.
            let mut moved = Vec::new();
            let mut result = Ok(());
            match fs::read_dir(&old) {
                Ok(entries) => {
                    for entry in entries.flatten() {
                        let name = entry.file_name();
                        let text = name.to_string_lossy();
                        if !text.starts_with('.') || text == MARKER {
                            continue;
                        }
                        if let Err(err) = fs::rename(entry.path(), self.staging.join(&name)) {
                            let what = format!("carry {text} over to the new build");
                            result = Err(fail(&what, err));
                            break;
                        }
                        moved.push(name);
                    }
                }
                Err(err) => result = Err(fail(&format!("read {}", old.display()), err)),
            }
            if result.is_ok() {
                result = fs::rename(&self.staging, &self.target).map_err(|e| {
                    fail(
                        &format!("move the new build to {}", self.target.display()),
                        e,
                    )
                });
            }
            if let Err(diagnostic) = result {
                for name in &moved {
                    let _ = fs::rename(self.staging.join(name), old.join(name));
                }
                let _ = fs::rename(&old, &self.target);
                return Err(diagnostic);
            }
            let pending = held.register(Undo::Tree(old.clone()));
            old_tree = Some((old, pending));
        } else {
            fs::rename(&self.staging, &self.target).map_err(|e| {
                fail(
                    &format!("move the new build to {}", self.target.display()),
                    e,
                )
            })?;
        }
        self.committed = true;
        held.swapped();
        if let Some(pending) = self.staging_pending.take() {
            held.release(pending);
        }
        drop(held);
        self.above.keep();
        let mut warnings = Vec::new();
        if let Some((old, _pending)) = old_tree {
            if let Err(err) = remove_tree(&old) {
                warnings.push(
                    Diagnostic::warning(format!(
                        "the new build is in place in {}, but the old build beside it could not be removed: {err}",
                        self.target.display()
                    ))
                    .help(remove_by_hand(&old))
                    .in_file(old),
                );
            }
        }
        if let Some(parent) = self.target.parent() {
            warnings.extend(remove_leftovers(parent, &self.name()));
        }
        Ok(warnings)
    }

    /// The output folder's name, which the staging and old trees beside it
    /// carry: `.<name>.gen-new-<pid>`, `.<name>.gen-old-<pid>`.
    fn name(&self) -> String {
        self.target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into())
    }
}

/// What to do about an old tree that could not be removed.
fn remove_by_hand(tree: &Path) -> String {
    let quoted = format!("'{}'", tree.display().to_string().replace('\'', "'\\''"));
    format!(
        "remove that folder yourself, with write permission on it if it is read-only (`chmod -R u+w {quoted} && rm -rf {quoted}`); the next `gen build` also tries to remove it"
    )
}

/// Removes the staging (`.<name>.gen-new-<pid>`) and old
/// (`.<name>.gen-old-<pid>`) trees in `parent` that were left by runs of
/// `gen` that were stopped or could not finish removing them: those whose
/// process is no longer running. Those of a running process, a concurrent
/// build, and this process's own are kept. Returns a warning for each that
/// could not be removed.
fn remove_leftovers(parent: &Path, name: &str) -> Vec<Diagnostic> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let prefix = format!(".{name}.gen-");
    let own = std::process::id();
    let mut warnings = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest
            .strip_prefix("new-")
            .or_else(|| rest.strip_prefix("old-"))
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == own || may_be_running(pid) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        if let Err(err) = remove_tree(&path) {
            warnings.push(
                Diagnostic::warning(format!(
                    "cannot remove a folder left beside the output by an earlier build: {err}"
                ))
                .help(remove_by_hand(&path))
                .in_file(path),
            );
        }
    }
    warnings
}

/// Whether the process `pid` may be running: `false` only when there is
/// surely no such process.
fn may_be_running(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    rustix::process::test_kill_process(pid) != Err(rustix::io::Errno::SRCH)
}

/// Removes a tree as fast as the file system allows.
///
/// On ext4 mounted with `discard`, a removed folder's block is trimmed
/// before its inode is let go, and `rmdir` lets go of it while holding the
/// parent folder's lock: ten thousand `stretches/<slug>` folders removed one
/// by one wait on ten thousand trims, in turn. So each folder is kept open
/// while it is removed, and the open handles are passed, a batch at a time,
/// to a pool of threads that close them: the last close lets the inode go,
/// outside any lock, and the trims of many closes overlap. The removing
/// itself, cheap then, is shared by two threads, each name looked up in its
/// open folder rather than by a path from the top. A small tree is removed
/// on this thread alone.
fn remove_tree(path: &Path) -> io::Result<()> {
    // The first pass is only for speed: whatever it leaves, or fails to
    // read, the second tries again and reports.
    let _ = remove_below_top(path);
    fs::remove_dir_all(path)
}

/// The first pass of [`remove_tree`]: removes what the top-level folders
/// hold, when there is enough of it for threads to pay.
fn remove_below_top(path: &Path) -> io::Result<()> {
    const REMOVERS: usize = 2;
    const MAX_CLOSERS: usize = 16;
    let mut tops = Vec::new();
    let mut work = Vec::new();
    for top in fs::read_dir(path)?.flatten() {
        if top.file_type().is_ok_and(|t| t.is_dir()) {
            let mut folder = Dir::new(open_folder(CWD, top.path())?)?;
            for entry in &mut folder {
                let entry = entry?;
                if !is_dot(entry.file_name()) {
                    work.push((tops.len(), entry));
                }
            }
            tops.push(folder);
        }
    }
    let closers = (work.len() / (4 * Closing::BATCH)).min(MAX_CLOSERS);
    if closers == 0 {
        return Ok(());
    }
    let (sender, receiver) = mpsc::sync_channel::<Vec<Dir>>(4 * MAX_CLOSERS);
    let receiver = Mutex::new(receiver);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..closers {
            scope.spawn(|| {
                while let Some(folders) = receiver.lock().ok().and_then(|r| r.recv().ok()) {
                    drop(folders);
                }
            });
        }
        for _ in 0..REMOVERS {
            let mut closing = Closing {
                batch: Vec::with_capacity(Closing::BATCH),
                closers: sender.clone(),
            };
            let (work, next, tops) = (&work, &next, &tops);
            scope.spawn(move || {
                while let Some((top, entry)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let _ = tops[*top].fd().map_err(io::Error::from).and_then(|parent| {
                        closing.remove(parent, entry.file_name(), entry.file_type())
                    });
                }
                closing.flush();
            });
        }
        drop(sender);
    });
    Ok(())
}

/// Opens a folder (never a symlink to one) for reading and `*at` calls.
fn open_folder(parent: impl AsFd, name: impl rustix::path::Arg) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(parent, name, flags, Mode::empty())?)
}

fn is_dot(name: &CStr) -> bool {
    matches!(name.to_bytes(), b"." | b"..")
}

/// One remover's removed folders, still open, on their way to the closers
/// (see [`remove_tree`]).
struct Closing {
    batch: Vec<Dir>,
    closers: mpsc::SyncSender<Vec<Dir>>,
}

impl Closing {
    const BATCH: usize = 32;

    /// Removes `name` in the folder `parent`: a file, or a folder and what it
    /// holds.
    fn remove(&mut self, parent: BorrowedFd<'_>, name: &CStr, kind: FileType) -> io::Result<()> {
        let is_dir = match kind {
            FileType::Directory => true,
            FileType::Unknown => rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW)
                .map(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::Directory)?,
            _ => false,
        };
        if !is_dir {
            return Ok(rustix::fs::unlinkat(parent, name, AtFlags::empty())?);
        }
        let mut folder = Dir::new(open_folder(parent, name)?)?;
        // Most folders of a build hold just their page: try that first, and
        // list the folder only when it holds more (or something else).
        let emptied = rustix::fs::unlinkat(folder.fd()?, "index.html", AtFlags::empty()).is_ok()
            && rustix::fs::unlinkat(parent, name, AtFlags::REMOVEDIR).is_ok();
        if !emptied {
            let mut entries = Vec::new();
            for entry in &mut folder {
                let entry = entry?;
                if !is_dot(entry.file_name()) {
                    entries.push(entry);
                }
            }
            let fd = folder.fd()?;
            for entry in &entries {
                self.remove(fd, entry.file_name(), entry.file_type())?;
            }
            rustix::fs::unlinkat(parent, name, AtFlags::REMOVEDIR)?;
        }
        self.batch.push(folder);
        if self.batch.len() == Self::BATCH {
            self.flush();
        }
        Ok(())
    }

    fn flush(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(Self::BATCH));
        // With no closer left, the batch comes back and is closed here.
        let _ = self.closers.send(batch);
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

impl Output {
    /// Hard-links `path` from the previous build when the file there holds
    /// exactly `bytes` (or what `read` gives, read only when the sizes
    /// match). An unchanged file then costs no new inode, no data written
    /// and, when the old build is removed, no blocks freed. Returns the
    /// linked file's stamp when it linked; on any doubt it does not, and the
    /// caller writes.
    fn link_unchanged(
        &self,
        path: &str,
        len: u64,
        same: impl FnOnce(&[u8]) -> bool,
    ) -> Option<Stamp> {
        let previous = self.previous.as_ref()?;
        // Never follows a symlink, and never waits on a FIFO: anything but a
        // regular file is written anew.
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let mut old =
            fs::File::from(rustix::fs::openat(previous, path, flags, Mode::empty()).ok()?);
        let meta = old.metadata().ok()?;
        let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
        if !meta.is_file() || meta.len() != len || !self.takes_mode(mode) {
            return None;
        }
        let mut old_bytes = Vec::with_capacity(usize::try_from(len).ok()?);
        let read = (&mut old).take(len).read_to_end(&mut old_bytes);
        if read.is_err() || old_bytes.len() as u64 != len || !same(&old_bytes) {
            return None;
        }
        self.link_previous(previous, path).then(|| Stamp::of(&meta))
    }

    /// Hard-links `path` from the previous build when the file there is
    /// `stamp`, of `len` bytes: one `stat`, nothing read (see
    /// [`crate::render::ledger`]).
    fn link_stamped(&self, path: &str, len: u64, stamp: Stamp) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let Ok(stat) = rustix::fs::statat(previous, path, AtFlags::SYMLINK_NOFOLLOW) else {
            return false;
        };
        let nanoseconds = i64::try_from(stat.st_mtime_nsec).unwrap_or(-1);
        let found = Stamp::new(stat.st_dev, stat.st_ino, stat.st_mtime, nanoseconds);
        FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
            && u64::try_from(stat.st_size).is_ok_and(|size| size == len)
            && found == stamp
            && self.takes_mode(stat.st_mode)
            && self.link_previous(previous, path)
    }

    /// Whether a previous file with the mode `mode` may be linked: it has
    /// the permission bits a file written now would get.
    fn takes_mode(&self, mode: u32) -> bool {
        self.file_mode.is_none_or(|want| mode & 0o7777 == want)
    }

    /// Hard-links the previous build's file at `path` into this build.
    fn link_previous(&self, previous: &OwnedFd, path: &str) -> bool {
        rustix::fs::linkat(previous, path, &self.staging_folder, path, AtFlags::empty()).is_ok()
    }
}

/// The processor time this thread has used, in the kernel too: the time a
/// folder takes to make, not counting the time its thread waits for a core.
fn thread_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// A name for a folder of the staging folder's top level, used once.
fn once_name() -> String {
    static MADE: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        ".gen-folder-{}-{nanos}-{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    )
}

/// How long the folders directly below each spread top-level folder
/// ([`spread_below`]) take to make, counted in windows of [`WINDOW`].
///
/// Spreading makes it unlikely, not impossible, that a top-level folder
/// lands in a block group whose inodes were freed in the last minute. ext4
/// without a journal scans past every such inode for each new one, and a
/// folder made there takes ten times as long, from the first ones or after
/// a few thousand: in `stretches/`, 0.1–0.6 ms each instead of 16–35 µs,
/// a second or more for a site of 10,000 stretches. When three quarters of
/// a window are slow, what the folder holds is moved to a folder placed
/// afresh ([`Output::move_slow_folder`]), at about 23 µs an entry.
#[derive(Default)]
struct Pace {
    tops: HashMap<String, TopPace>,
    /// A top-level folder found slow, to be moved once the writes under way
    /// have ended.
    slow: Option<String>,
    /// Why the build cannot be published: a move that could not be undone.
    lost: Option<Diagnostic>,
    /// The groups of block groups where folders of this build were slow
    /// (see [`FLEX_GROUP_INODES`]).
    slow_groups: HashSet<u64>,
}

/// [`Pace`] of one top-level folder.
#[derive(Default)]
struct TopPace {
    /// Folders made directly below it.
    made: usize,
    /// Slow ones among those of the current window.
    slow: usize,
    /// Moves asked for.
    moves: usize,
    /// Moves made.
    moved: usize,
}

/// How many inodes ext4 lays out in one group of block groups with its
/// default settings (8,192 inodes a block group, sixteen block groups a
/// group): where a new folder's inode is, its folders' inodes are. Other
/// settings only make [`Output::fresh_place`] a poorer guess.
const FLEX_GROUP_INODES: u64 = 8192 * 16;

/// Folders counted together by [`Pace`].
const WINDOW: usize = 64;

/// A folder made slower than this is slow: several times what one takes in
/// a block group without freshly freed inodes, less than a third of what it
/// takes in one with them.
const SLOW_FOLDER: Duration = Duration::from_micros(100);

/// How many times one top-level folder may move in a build.
const MAX_MOVES: usize = 5;

/// How many pages a build publishes before it is spread over the disk
/// ([`spread_below`]). Spreading puts each top-level folder in a block group
/// of its own, whose bitmaps may have to be read first: a few milliseconds
/// in all, which a small build does not win back. Rebuilt back to back
/// on ext4 (`hyperfine`), the repository's site (10 content files, 31
/// folders) took 10.5–11.2 ms unspread and 14.2–16.6 ms spread; the
/// benchmark corpus of 60 stretches (128 folders) 71–84 ms unspread and
/// 30–34 ms spread, that of 200 stretches 118–153 ms and 41–47 ms.
const SPREAD_FROM_PAGES: usize = 50;

/// Marks `folder` as the top of a directory hierarchy (`chattr +T`), or
/// unmarks it; returns whether the mark is set. On ext4 the folders made
/// directly below such a folder are spread over the disk's block groups
/// instead of packed beside it, so a build lands away from the inodes the
/// build before it freed. Other file systems refuse the mark (or ignore
/// it), and nothing changes.
fn spread_below(folder: &OwnedFd, mark: bool) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
        let Ok(flags) = ioctl_getflags(folder) else {
            return false;
        };
        if flags.contains(IFlags::TOPDIR) != mark {
            let _ = ioctl_setflags(folder, flags ^ IFlags::TOPDIR);
        }
        ioctl_getflags(folder).is_ok_and(|now| now.contains(IFlags::TOPDIR))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (folder, mark);
        false
    }
}

/// This process's umask, read from `/proc/self/status` (reading it with
/// `umask(2)` would set it, racing other threads); `None` where that is not
/// there.
fn umask() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
    u32::from_str_radix(line.trim(), 8).ok()
}

impl Sink for Output {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.write_stamped(path, bytes, false).map(drop)
    }

    fn write_page(&self, path: &str, bytes: &[u8]) -> Result<Option<Stamp>, Diagnostic> {
        self.write_stamped(path, bytes, true)
    }

    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        let copied = self.gated(|| self.copy_now(path, from));
        self.move_slow_folder()?;
        copied
    }

    fn reuse(&self, path: &str, entry: &Entry, trusted: bool) -> Option<Stamp> {
        let reused = self.gated(|| {
            if self.previous.is_none() || self.full(path).is_err() {
                None
            } else if trusted {
                self.link_stamped(path, entry.len, entry.stamp)
                    .then_some(entry.stamp)
            } else {
                self.link_unchanged(path, entry.len, |old| entry.holds(old))
            }
        });
        // A move that cannot be undone fails the build at its commit.
        let _ = self.move_slow_folder();
        reused
    }
}

impl Output {
    /// Runs `write` holding the gate shared: no folder moves meanwhile.
    fn gated<R>(&self, write: impl FnOnce() -> R) -> R {
        let _writing = self.gate.read().unwrap_or_else(PoisonError::into_inner);
        write()
    }

    /// The pace of the folders, locked.
    fn pace(&self) -> MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// [`Sink::write`], and with `stamp` [`Sink::write_page`].
    fn write_stamped(
        &self,
        path: &str,
        bytes: &[u8],
        stamp: bool,
    ) -> Result<Option<Stamp>, Diagnostic> {
        let written = self.gated(|| self.write_now(path, bytes, stamp));
        self.move_slow_folder()?;
        written
    }

    /// [`Output::write_stamped`], the gate held.
    fn write_now(
        &self,
        path: &str,
        bytes: &[u8],
        stamp: bool,
    ) -> Result<Option<Stamp>, Diagnostic> {
        self.full(path)?;
        if let Some(linked) = self.link_unchanged(path, bytes.len() as u64, |old| old == bytes) {
            return Ok(Some(linked));
        }
        // Named by where it would be published, not by the staging folder.
        self.create(path)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                // Asked for only when the ledger keeps it: one call more.
                stamp
                    .then(|| file.metadata().map(|meta| Stamp::of(&meta)))
                    .transpose()
            })
            .map_err(|e| {
                Diagnostic::error(format!(
                    "cannot write {}: {e}",
                    self.target.join(path).display()
                ))
            })
    }

    /// [`Sink::copy`], the gate held.
    fn copy_now(&self, path: &str, from: &Path) -> Result<(), Diagnostic> {
        let full = self.full(path)?;
        if let Ok(meta) = fs::metadata(from) {
            let same = |old: &[u8]| fs::read(from).is_ok_and(|new| new == old);
            if self.link_unchanged(path, meta.len(), same).is_some() {
                return Ok(());
            }
        }
        fs::copy(from, &full).map(|_| ()).map_err(|e| {
            Diagnostic::error(format!(
                "cannot copy {} to {}: {e}",
                from.display(),
                self.target.join(path).display()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::names_in;

    /// A site folder in a scratch folder (removed when the first is dropped).
    fn scratch_site() -> (tempfile::TempDir, PathBuf) {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let site = scratch.path().join("site");
        fs::create_dir(&site).expect("site folder");
        (scratch, site)
    }

    /// A build of about `pages` pages begun for `target`.
    fn begin(site: &Path, target: &Path, pages: usize) -> Output {
        Destination::check(site, target, false)
            .expect("a fine output folder")
            .begin(pages)
            .expect("a staging folder")
    }

    /// Top-level folders made under a name of their own and renamed, by
    /// threads racing to make the same ones: every file lands, no temporary
    /// name is left, and the published folder carries no ext4 mark.
    #[test]
    fn top_folders_made_by_racing_threads_are_all_there_and_unmarked() {
        let (_scratch, site) = scratch_site();
        let target = site.join("public");
        let mut output = begin(&site, &target, 0);
        // The renaming is what is tested here, on whatever file system.
        output.spread = true;
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let output = &output;
                scope.spawn(move || {
                    for n in 0..50 {
                        for top in ["stretches", "positions", "targets"] {
                            let path = format!("{top}/s{n}/t{thread}.html");
                            output.write(&path, path.as_bytes()).expect("written");
                        }
                    }
                });
            }
        });
        output.commit().expect("swapped in");
        let tops = names_in(&target);
        assert_eq!(tops, [MARKER, "positions", "stretches", "targets"]);
        for top in ["stretches", "positions", "targets"] {
            for n in 0..50 {
                for thread in 0..4 {
                    let path = format!("{top}/s{n}/t{thread}.html");
                    assert_eq!(
                        fs::read_to_string(target.join(&path)).expect("a file"),
                        path
                    );
                }
            }
        }
        let published = open_folder(CWD, &target).expect("the output, open");
        assert!(!spread_below(&published, false), "the output keeps no mark");
    }

    /// Top-level folders found slow are moved while threads write into
    /// them, files copied and files made in folders of their own: every
    /// file lands once, where it belongs, and no folder made for a move
    /// is left.
    #[test]
    fn slow_top_folders_move_while_threads_write_and_lose_nothing() {
        let (_scratch, site) = scratch_site();
        let source = site.join("image.svg");
        fs::write(&source, "<svg/>").expect("a file to copy");
        let target = site.join("public");
        let mut output = begin(&site, &target, 10_000);
        // Every folder is slow: each top-level folder moves at its first
        // windows, as often as it may, whatever the file system.
        output.spread = true;
        output.slow_folder = Duration::ZERO;
        // Wherever the new folder lands: on a file system that does not
        // spread folders, all land in one place.
        output.avoid_slow_groups = false;
        let per_thread = 2 * WINDOW * MAX_MOVES;
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (output, source) = (&output, &source);
                scope.spawn(move || {
                    for n in (thread..per_thread * 4).step_by(4) {
                        let path = format!("stretches/s{n}/index.html");
                        output.write(&path, path.as_bytes()).expect("written");
                        let image = format!("stretches/s{n}/image.svg");
                        output.copy(&image, source).expect("copied");
                        let list = format!("stretches/page/{n}/index.html");
                        output.write(&list, list.as_bytes()).expect("written");
                    }
                });
            }
        });
        let pace = output.pace.lock().expect("the pace");
        let stretches = &pace.tops["stretches"];
        assert_eq!((stretches.moves, stretches.moved), (MAX_MOVES, MAX_MOVES));
        drop(pace);
        output.commit().expect("swapped in");
        let names = names_in(&target.join("stretches"));
        let mut expected: Vec<String> = (0..per_thread * 4).map(|n| format!("s{n}")).collect();
        expected.push("page".into());
        expected.sort();
        assert_eq!(names, expected);
        for n in 0..per_thread * 4 {
            for path in [
                format!("stretches/s{n}/index.html"),
                format!("stretches/page/{n}/index.html"),
            ] {
                assert_eq!(
                    fs::read_to_string(target.join(&path)).expect("a page"),
                    path
                );
            }
            let image = target.join(format!("stretches/s{n}/image.svg"));
            assert_eq!(fs::read_to_string(image).expect("an image"), "<svg/>");
        }
        let tops = names_in(&target);
        assert_eq!(tops.len(), 2, "{tops:?}");
    }

    /// On ext4 the staging folder is marked as the top of a hierarchy, and
    /// the mark comes off again; a file system without the mark refuses it
    /// and nothing changes.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_hierarchy_mark_is_set_where_ext4_takes_it() {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let folder = open_folder(CWD, scratch.path()).expect("open");
        let ext4 = rustix::fs::fstatfs(&folder).expect("statfs").f_type == 0xEF53;
        assert_eq!(spread_below(&folder, true), ext4);
        let flags = rustix::fs::ioctl_getflags(&folder).ok();
        assert_eq!(
            flags.is_some_and(|f| f.contains(rustix::fs::IFlags::TOPDIR)),
            ext4
        );
        assert!(!spread_below(&folder, false));
        let flags = rustix::fs::ioctl_getflags(&folder).ok();
        assert!(!flags.is_some_and(|f| f.contains(rustix::fs::IFlags::TOPDIR)));
    }

    /// A tree large enough for the closing threads: 600 folders under one
    /// parent, some with folders of their own, files at every level, and
    /// symlinks that must be removed, never followed.
    #[test]
    fn removes_a_large_tree_without_following_symlinks() {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let outside = scratch.path().join("outside");
        fs::create_dir(&outside).expect("outside folder");
        fs::write(outside.join("keep.txt"), "keep").expect("outside file");
        let tree = scratch.path().join("old");
        fs::create_dir_all(tree.join("stretches")).expect("tree");
        fs::write(tree.join("index.html"), "top").expect("top file");
        std::os::unix::fs::symlink(&outside, tree.join("linked")).expect("top symlink");
        for n in 0..600 {
            let folder = tree.join("stretches").join(format!("s{n}"));
            fs::create_dir(&folder).expect("folder");
            fs::write(folder.join("index.html"), n.to_string()).expect("file");
            if n % 7 == 0 {
                fs::create_dir(folder.join("img")).expect("inner folder");
                fs::write(folder.join("img").join("a.svg"), "<svg/>").expect("inner file");
                std::os::unix::fs::symlink(&outside, folder.join("img").join("out"))
                    .expect("inner symlink");
            }
        }
        remove_below_top(&tree).expect("first pass");
        let left: Vec<_> = fs::read_dir(tree.join("stretches"))
            .expect("stretches/ is still there")
            .collect();
        assert!(
            left.is_empty(),
            "the threads removed all of stretches/: {left:?}"
        );
        assert!(
            tree.join("index.html").is_file(),
            "top-level files wait for the last pass"
        );
        remove_tree(&tree).expect("removed");
        assert!(!tree.exists(), "the tree is gone");
        assert_eq!(
            fs::read_to_string(outside.join("keep.txt")).expect("outside file kept"),
            "keep"
        );
    }
}
