//! Interruption: what `gen build` undoes when a signal stops it.
//!
//! A build makes things that must not outlive it: the staging folder, the
//! folders it made above the output, the old tree it is removing, a
//! browser's profile folder and log, and the browser's processes (started
//! in a process group of their own, so that Ctrl-C at a terminal reaches
//! `gen` alone). Each is registered here while it exists, as a [`Pending`].
//! [`install`] starts one thread that waits for SIGINT, SIGTERM or SIGHUP;
//! on one, it kills the browsers' groups, removes what is registered, says
//! so in one line and exits with 128 + the signal's number (130, 143, 129).
//!
//! The registry is behind one lock, and the signal thread takes it for good:
//! whatever was about to make something (a staging folder, a browser) or to
//! reap a browser waits on the lock, so nothing is made after the clean-up
//! has begun and a browser's group keeps its id until it is killed. What
//! must not be cut in half, the swap of a finished build, holds the lock
//! ([`hold`]). Nothing here is on a page's path: a build registers a handful
//! of things, and the waiting thread costs nothing until a signal comes.

use std::io;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, WaitId, WaitIdOptions};

/// How long a browser's processes get to stop after SIGTERM before they
/// are killed with SIGKILL.
const GRACE: Duration = Duration::from_millis(500);

/// Something a build made, to undo if it is interrupted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// A folder this run made and fills (the staging folder, the old tree
    /// being removed, a browser profile): removed with all it holds.
    Tree(PathBuf),
    /// A folder this run made above the output: removed if empty.
    Folder(PathBuf),
    /// A file this run made.
    File(PathBuf),
    /// A process group this run started, by the id of its leader, a child
    /// of this process: stopped, then killed.
    Group(Pid),
}

struct State {
    next: u64,
    pending: Vec<(u64, Undo)>,
    /// Whether a build has been swapped in (for the message).
    swapped: bool,
}

/// Set once a signal has come: whatever writes into the build checks it
/// before making a file or folder, so that the clean-up is not undone.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the build is being stopped by a signal: make nothing more.
pub fn stopping() -> bool {
    STOPPING.load(std::sync::atomic::Ordering::Relaxed)
}

static STATE: Mutex<State> = Mutex::new(State {
    next: 0,
    pending: Vec::new(),
    swapped: false,
});

/// A registered [`Undo`], let go of (not undone) when dropped.
#[derive(Debug)]
#[must_use = "dropping it lets go of the registration at once"]
pub struct Pending(u64);

impl Drop for Pending {
    fn drop(&mut self) {
        hold().forget(self.0);
    }
}

/// The registry, held: a signal that comes meanwhile is dealt with once it
/// is let go. Never drop a [`Pending`] while holding it (use
/// [`Held::release`]).
pub struct Held(MutexGuard<'static, State>);

/// Holds off the clean-up of an interruption until the [`Held`] is dropped.
pub fn hold() -> Held {
    Held(STATE.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Registers something to undo if the build is interrupted.
pub fn register(undo: Undo) -> Pending {
    hold().register(undo)
}

impl Held {
    /// Registers something to undo if the build is interrupted.
    pub fn register(&mut self, undo: Undo) -> Pending {
        let id = self.0.next;
        self.0.next += 1;
        self.0.pending.push((id, undo));
        Pending(id)
    }

    /// Lets go of a registration while holding the registry.
    pub fn release(&mut self, pending: Pending) {
        self.forget(pending.0);
        std::mem::forget(pending);
    }

    /// Notes that a build has been swapped in: an interruption from now on
    /// says so.
    pub fn swapped(&mut self) {
        self.0.swapped = true;
    }

    fn forget(&mut self, id: u64) {
        self.0.pending.retain(|(other, _)| *other != id);
    }
}

/// Settles the exit status between the command's end and a signal: takes
/// the registry for good, so that a signal handled from now on waits for
/// the process to exit, and one being handled ends it with its own status
/// (an interrupted build never exits 0 after saying it was interrupted).
pub fn settle() {
    std::mem::forget(hold());
}

/// Starts the thread that waits for SIGINT, SIGTERM and SIGHUP and then
/// undoes what is registered; `what` names the command in its message
/// ("Build"). The signals' default action (to end the process at once) is
/// replaced from now on.
pub fn install(what: &'static str) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                interrupted(what, signal);
            }
        })?;
    Ok(())
}

/// Undoes everything registered, says so and exits; never gives the
/// registry back.
fn interrupted(what: &str, signal: i32) -> ! {
    STOPPING.store(true, std::sync::atomic::Ordering::Relaxed);
    let state = hold();
    undo(&state.0.pending);
    let name = match signal {
        signal_hook::consts::SIGINT => "SIGINT",
        signal_hook::consts::SIGTERM => "SIGTERM",
        signal_hook::consts::SIGHUP => "SIGHUP",
        _ => "a signal",
    };
    let outcome = if state.0.swapped {
        "after the new build was put in place"
    } else {
        "and cleaned up; the previous output is left as it was"
    };
    crate::cmd::to_stderr(&format!("{what} interrupted by {name} {outcome}.\n"));
    std::process::exit(128 + signal)
}

/// Undoes `pending`: processes first (they may still be writing), then
/// files, trees, and the folders made above the output, deepest first.
fn undo(pending: &[(u64, Undo)]) {
    let groups: Vec<Pid> = pending
        .iter()
        .filter_map(|(_, undo)| match undo {
            Undo::Group(leader) => Some(*leader),
            _ => None,
        })
        .collect();
    stop_groups(&groups);
    reap(&groups);
    for (_, undo) in pending {
        match undo {
            Undo::File(path) => {
                let _ = std::fs::remove_file(path);
            }
            Undo::Tree(path) => remove_all(path),
            Undo::Folder(_) | Undo::Group(_) => {}
        }
    }
    for (_, undo) in pending.iter().rev() {
        if let Undo::Folder(path) = undo {
            let _ = std::fs::remove_dir(path);
        }
    }
}

/// Sends SIGTERM to each group, waits up to [`GRACE`] for the leaders to
/// end, then sends SIGKILL to whatever is left of the groups. A leader that
/// ended is not reaped (`WNOWAIT`): until it is, its id is not given to
/// another process, so the SIGKILL can reach no one else.
pub fn stop_groups(leaders: &[Pid]) {
    if leaders.is_empty() {
        return;
    }
    for leader in leaders {
        let _ = rustix::process::kill_process_group(*leader, Signal::TERM);
    }
    let start = Instant::now();
    while start.elapsed() < GRACE && !leaders.iter().all(|leader| has_ended(*leader)) {
        std::thread::sleep(Duration::from_millis(10));
    }
    for leader in leaders {
        let _ = rustix::process::kill_process_group(*leader, Signal::KILL);
    }
}

/// Waits (a second at most) for the killed leaders to end, and reaps them:
/// this process is about to exit, and leaves no process behind, not even
/// one for `init` to reap.
fn reap(leaders: &[Pid]) {
    let start = Instant::now();
    for leader in leaders {
        while start.elapsed() < Duration::from_secs(1)
            && matches!(
                rustix::process::waitid(
                    WaitId::Pid(*leader),
                    WaitIdOptions::EXITED | WaitIdOptions::NOHANG
                ),
                Ok(None)
            )
        {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Whether the child `leader` has ended (or is not a child of this process),
/// without reaping it.
pub fn has_ended(leader: Pid) -> bool {
    let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
    !matches!(
        rustix::process::waitid(WaitId::Pid(leader), options),
        Ok(None)
    )
}

/// Removes a tree that other threads may still be writing into. They make
/// nothing new once [`stopping`] is set, but a write begun just before may
/// still add an entry while the tree is removed: then it is tried again, for
/// a second at most. Once its top folder is gone, nothing can be made inside.
fn remove_all(path: &std::path::Path) {
    let start = Instant::now();
    loop {
        match std::fs::remove_dir_all(path) {
            Err(err)
                if err.kind() != io::ErrorKind::NotFound
                    && path.exists()
                    && start.elapsed() < Duration::from_secs(1) =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_are_let_go_when_dropped_or_released() {
        let path = PathBuf::from("/nonexistent/bedside-interrupt-test");
        let count = || {
            hold()
                .0
                .pending
                .iter()
                .filter(|(_, undo)| *undo == Undo::File(path.clone()))
                .count()
        };
        let first = register(Undo::File(path.clone()));
        let second = register(Undo::File(path.clone()));
        assert_eq!(count(), 2);
        drop(first);
        assert_eq!(count(), 1);
        let mut held = hold();
        held.release(second);
        drop(held);
        assert_eq!(count(), 0);
    }

    #[test]
    fn undo_removes_files_and_trees_and_only_empty_folders() {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let made = scratch.path().join("made");
        let kept = scratch.path().join("kept");
        let tree = made.join("tree");
        std::fs::create_dir_all(tree.join("deep")).expect("tree");
        std::fs::write(tree.join("deep/file"), "x").expect("file in tree");
        std::fs::create_dir_all(&kept).expect("kept");
        std::fs::write(kept.join("someone else's"), "x").expect("file");
        let file = scratch.path().join("log");
        std::fs::write(&file, "x").expect("file");
        undo(&[
            (0, Undo::Folder(made.clone())),
            (1, Undo::Folder(kept.clone())),
            (2, Undo::Tree(tree.clone())),
            (3, Undo::File(file.clone())),
        ]);
        assert!(!made.exists() && !file.exists());
        assert!(kept.join("someone else's").exists());
    }
}
