//! What each page of a build was rendered from, kept from one `gen build` to
//! the next, so that a rebuild does not render again a page whose inputs did
//! not change: the previous build's file is hard-linked instead.
//!
//! A page's *key* is a 128-bit hash of everything Tera sees when it renders
//! the page: this build of `gen`, the name and text of every template, the
//! page's template and its whole template context (the Markdown body by what
//! it is rendered from, each stretch by a hash of its view: a page taken
//! from the previous build needs neither rendered). Rendering is a function
//! of those alone — our templates can call no function that reads the clock,
//! a file or the environment, and the templates of a site that mention
//! `get_env` are never remembered — so a page whose key has not changed
//! renders to the same bytes as last time. For each page the ledger keeps its
//! key, the length and hash of the bytes written, and the file's [`Stamp`]:
//! its device, inode and modification time. A page is reused only when its
//! key is the same and the previous build's file still holds those bytes,
//! so that a file edited by hand in the output is rendered again. That is
//! told from the file's status alone when its stamp is the one the ledger
//! keeps and its modification time is older than the newest the build saw
//! ([`Ledger::trusts`]): a file replaced since has another inode, and a
//! file written to since has a newer modification time, as `make` and `git`
//! tell a changed file. A file written within the same tick of the file
//! system's clock as the last one the build wrote could be written to again
//! unseen in that tick, so it is read and hashed, as every file is when its
//! stamp does not match. Anything else, including a missing, unreadable or
//! damaged ledger, means the page is rendered as usual.
//!
//! Ledgers live in the user's cache folder, one file per output folder,
//! never in the site or in the output: `$BEDSIDE_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/bedside`, else `$HOME/.cache/bedside`. With none of
//! those set, or `BEDSIDE_CACHE_DIR` set to nothing, nothing is remembered.
//! A ledger that cannot be written costs the next build its speed, never its
//! result.

use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::interrupt::{self, Pending, Undo};

/// The start of a ledger file's first line, which goes on with the salt of
/// the build that wrote it; a file that starts otherwise is ignored.
const HEADER: &str = "bedside page ledger 4";

/// The start of a ledger file's second line, which goes on with the newest
/// modification time its builds saw ([`Ledger::trusts`]).
const NEWEST: &str = "newest ";

/// Identifies the `gen` that rendered: the hash of its sources (`build.rs`).
const BUILD_ID: &str = env!("BEDSIDE_BUILD_ID");

/// Ledgers not written for this long are removed when a new one is made.
const UNUSED_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// What a page was rendered from, and what was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The page's key (see the module documentation).
    pub key: u128,
    /// The length of the file written.
    pub len: u64,
    /// The xxh3 hash of the file written.
    pub hash: u64,
    /// Which file holds it, and when it was last written.
    pub stamp: Stamp,
}

impl Entry {
    /// The entry of a page with key `key` rendered to `bytes`, which the
    /// file stamped `stamp` holds.
    pub fn of(key: u128, bytes: &[u8], stamp: Stamp) -> Entry {
        Entry {
            key,
            len: bytes.len() as u64,
            hash: xxh3_64(bytes),
            stamp,
        }
    }

    /// Whether `bytes` are what this entry's page was rendered to.
    pub fn holds(&self, bytes: &[u8]) -> bool {
        bytes.len() as u64 == self.len && xxh3_64(bytes) == self.hash
    }
}

/// Which file a build wrote and when it was last written: what tells, from
/// the file's status alone, that it is still the file the build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub dev: u64,
    pub ino: u64,
    pub modified: Time,
}

/// A file's modification time: seconds and nanoseconds since 1970.
pub type Time = (i64, u32);

impl Stamp {
    /// The stamp of the file `ino` on the device `dev`, last modified at
    /// `seconds` and `nanoseconds` since 1970, as `stat` gives them.
    pub fn new(dev: u64, ino: u64, seconds: i64, nanoseconds: i64) -> Stamp {
        Stamp {
            dev,
            ino,
            modified: (seconds, u32::try_from(nanoseconds).unwrap_or(u32::MAX)),
        }
    }

    /// The stamp of a file by its metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp::new(meta.dev(), meta.ino(), meta.mtime(), meta.mtime_nsec())
    }
}

/// The ledger of one output folder: the previous build's entries, read when
/// the build starts, and this build's, saved when it has been swapped in.
#[derive(Debug)]
pub struct Ledger {
    /// Where the ledger is kept.
    file: PathBuf,
    /// Hashed into every key: this `gen` and the templates.
    salt: u128,
    previous: HashMap<String, Entry>,
    /// The newest modification time the builds kept in this ledger saw
    /// (see [`Ledger::trusts`]).
    newest: Option<Time>,
    current: Mutex<Vec<(String, Entry)>>,
    reused: AtomicUsize,
    /// Whether the templates had warnings: the next build checks them
    /// again, so that it warns again ([`Ledger::knows_templates`]).
    templates_warned: bool,
}

impl Ledger {
    /// The ledger of the output folder `target`, for templates whose
    /// fingerprint is `templates` (`None`: they cannot be remembered).
    /// `previous` says whether `target` holds a build whose pages could be
    /// reused. `None` when there is no cache folder to keep a ledger in.
    pub fn open(
        site: &Path,
        target: &Path,
        templates: Option<u128>,
        previous: bool,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Option<Ledger> {
        let salt = salt(templates?);
        let file = place(site, target, env)?;
        let (previous, newest) = if previous {
            regular(&file)
                .and_then(|()| fs::read_to_string(&file))
                .map(|text| parse(&text))
                .unwrap_or_default()
        } else {
            (HashMap::new(), None)
        };
        Some(Ledger {
            file,
            salt,
            previous,
            newest,
            current: Mutex::new(Vec::new()),
            reused: AtomicUsize::new(0),
            templates_warned: false,
        })
    }

    /// Whether the last build into `target` was made by this `gen` with
    /// templates of this fingerprint: they compiled then (a ledger is kept
    /// only after a build succeeded), so they will compile again. Reads the
    /// ledger's first line only.
    pub fn knows_templates(
        site: &Path,
        target: &Path,
        templates: Option<u128>,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> bool {
        use std::io::Read;
        let (Some(templates), Some(file)) = (templates, place(site, target, env)) else {
            return false;
        };
        let expected = first_line(salt(templates));
        let mut start = vec![0; expected.len()];
        regular(&file)
            .and_then(|()| fs::File::open(file))
            .and_then(|mut file| file.read_exact(&mut start))
            .is_ok_and(|()| start == expected.as_bytes())
    }

    /// Notes that the templates had warnings: the ledger then does not
    /// vouch for them, and the next build checks (and warns) again.
    pub fn templates_warned(&mut self) {
        self.templates_warned = true;
    }

    /// Starts the key of a page rendered with `template`.
    pub fn key(&self, template: &str) -> Key {
        let mut key = Key::new();
        key.bytes.extend_from_slice(&self.salt.to_le_bytes());
        key.text(template);
        key
    }

    /// The previous build's entry for `path`, when its key was `key`.
    pub fn unchanged(&self, path: &str, key: u128) -> Option<Entry> {
        self.previous.get(path).copied().filter(|e| e.key == key)
    }

    /// Whether the previous build's file of `entry` may be taken for what
    /// it holds when its stamp is still `entry.stamp`, unread: when it was
    /// last written before the newest modification time the build saw.
    /// The file system's clock does not go back, so anything written to the
    /// file after the build was published has a newer time than that, and
    /// so another stamp. A file written as late as the newest time may have
    /// been written to again within the same tick, keeping its time.
    pub fn trusts(&self, entry: &Entry) -> bool {
        self.newest
            .is_some_and(|newest| entry.stamp.modified < newest)
    }

    /// Records what this build wrote at `path`; `reused` when it was not
    /// rendered but linked from the previous build.
    pub fn record(&self, path: &str, entry: Entry, reused: bool) {
        if reused {
            self.reused.fetch_add(1, Ordering::Relaxed);
        }
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_string(), entry));
    }

    /// How many pages were reused from the previous build.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Writes this build's entries beside the ledger, for the next build;
    /// [`Written::keep`] puts them in its place once the build has been
    /// swapped in. Failing is not an error (see the module documentation).
    pub fn write(self) -> Option<Written> {
        let folder = self.file.parent()?;
        fs::create_dir_all(folder).ok()?;
        let entries = self
            .current
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut text = String::with_capacity(64 + entries.len() * 144);
        let first = first_line(self.salt);
        if self.templates_warned {
            // A first line no build expects: the pages' keys still hold.
            text.push_str(first.trim_end());
            text.push_str(" warned\n");
        } else {
            text.push_str(&first);
        }
        let newest = entries
            .iter()
            .map(|(_, e)| e.stamp.modified)
            .chain(self.newest)
            .max();
        if let Some((seconds, nanoseconds)) = newest {
            text.push_str(NEWEST);
            // Written as its bits, read back the same way.
            push_hex(&mut text, u128::from(seconds as u64), 0);
            text.push(' ');
            push_hex(&mut text, u128::from(nanoseconds), 0);
            text.push('\n');
        }
        for (path, e) in &entries {
            if !path.contains(['\n', '\r']) {
                push_hex(&mut text, e.key, 32);
                for n in [
                    e.len,
                    e.hash,
                    e.stamp.dev,
                    e.stamp.ino,
                    e.stamp.modified.0 as u64,
                    u64::from(e.stamp.modified.1),
                ] {
                    text.push(' ');
                    push_hex(&mut text, u128::from(n), 0);
                }
                text.push(' ');
                text.push_str(path);
                text.push('\n');
            }
        }
        let temporary = self
            .file
            .with_extension(format!("new-{}", std::process::id()));
        // Made and registered at once, so that an interruption removes it;
        // written after, without holding up the swap of the build.
        let (mut file, pending) = {
            let mut held = interrupt::hold();
            let file = fs::File::create(&temporary).ok()?;
            (file, held.register(Undo::File(temporary.clone())))
        };
        let written = Written {
            temporary,
            file: self.file,
            _pending: pending,
        };
        file.write_all(text.as_bytes()).ok()?;
        Some(written)
    }
}

/// A ledger written beside its place, which it takes with [`Written::keep`];
/// dropped, it is removed.
#[derive(Debug)]
pub struct Written {
    temporary: PathBuf,
    file: PathBuf,
    /// `temporary`, registered for removal if the build is interrupted.
    _pending: Pending,
}

impl Written {
    /// Puts the new ledger in place of the old one: a reader sees one or
    /// the other, whole.
    pub fn keep(self) {
        let new = !self.file.exists();
        if fs::rename(&self.temporary, &self.file).is_ok() && new {
            if let Some(folder) = self.file.parent() {
                remove_unused(folder);
            }
        }
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        // After `keep`, there is nothing left to remove.
        let _ = fs::remove_file(&self.temporary);
    }
}

/// Appends `n` in lower-case hexadecimal, at least `width` digits (`format!`
/// was most of the time spent writing a 10,000-page ledger).
fn push_hex(text: &mut String, n: u128, width: usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits = (128 - n.leading_zeros() as usize)
        .div_ceil(4)
        .max(width)
        .max(1);
    for i in (0..digits).rev() {
        text.push(char::from(DIGITS[((n >> (4 * i)) & 0xf) as usize]));
    }
}

/// What is hashed into every key: this `gen` and the templates'
/// fingerprint.
fn salt(templates: u128) -> u128 {
    let mut salt = Vec::new();
    salt.extend_from_slice(HEADER.as_bytes());
    salt.extend_from_slice(BUILD_ID.as_bytes());
    salt.extend_from_slice(&templates.to_le_bytes());
    xxh3_128(&salt)
}

/// The first line of a ledger written with `salt`.
fn first_line(salt: u128) -> String {
    let mut line = format!("{HEADER} ");
    push_hex(&mut line, salt, 32);
    line.push('\n');
    line
}

/// The ledger file of the output folder `target` of the site in `site`;
/// `None` when the cache folder is in the output or in one of the site's
/// input folders, where the ledger would be published.
fn place(
    site: &Path,
    target: &Path,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let name = format!(
        "pages-{:016x}",
        xxh3_64(target.as_os_str().as_encoded_bytes())
    );
    let folder = cache_folder(env)?;
    let resolved = |path: &Path| {
        fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let cache = resolved(&folder);
    let inputs = ["content", "static", "templates", "themes"].map(|name| site.join(name));
    let within = |path: &Path| cache.starts_with(resolved(path));
    if within(target) || inputs.iter().any(|input| within(input)) {
        return None;
    }
    Some(folder.join(name))
}

/// `Ok` when `file` is a regular file: a named pipe put in the cache
/// folder would block its reading.
fn regular(file: &Path) -> std::io::Result<()> {
    if fs::metadata(file)?.is_file() {
        Ok(())
    } else {
        Err(std::io::Error::other("not a regular file"))
    }
}

/// Where ledgers are kept (see the module documentation).
fn cache_folder(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    if let Some(folder) = env("BEDSIDE_CACHE_DIR") {
        // Set but empty: no ledger at all.
        return (!folder.is_empty()).then(|| PathBuf::from(folder));
    }
    let set = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = set("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| set("HOME").map(|home| home.join(".cache")))?;
    Some(base.join("bedside"))
}

/// The entries of a ledger file, and the newest modification time its
/// builds saw; whatever does not parse is left out.
fn parse(text: &str) -> (HashMap<String, Entry>, Option<Time>) {
    let mut lines = text.lines().peekable();
    if !lines.next().is_some_and(|line| line.starts_with(HEADER)) {
        return (HashMap::new(), None);
    }
    let newest = lines
        .next_if(|line| line.starts_with(NEWEST))
        .and_then(|line| {
            let (seconds, nanoseconds) = line[NEWEST.len()..].split_once(' ')?;
            let seconds = u64::from_str_radix(seconds, 16).ok()? as i64;
            Some((seconds, u32::from_str_radix(nanoseconds, 16).ok()?))
        });
    let entries = lines
        .filter_map(|line| {
            let mut fields = line.splitn(8, ' ');
            let key = u128::from_str_radix(fields.next()?, 16).ok()?;
            let mut number = || u64::from_str_radix(fields.next()?, 16).ok();
            let (len, hash) = (number()?, number()?);
            let (dev, ino) = (number()?, number()?);
            let seconds = number()? as i64;
            let nanoseconds = u32::try_from(number()?).ok()?;
            let stamp = Stamp {
                dev,
                ino,
                modified: (seconds, nanoseconds),
            };
            let path = fields.next()?;
            Some((
                path.to_string(),
                Entry {
                    key,
                    len,
                    hash,
                    stamp,
                },
            ))
        })
        .collect();
    (entries, newest)
}

/// Removes the ledgers of output folders not built for [`UNUSED_FOR`].
fn remove_unused(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let is_ledger = entry.file_name().to_string_lossy().starts_with("pages-");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > UNUSED_FOR);
        if is_ledger && old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A page's key being made: every part is written in a form that cannot be
/// mistaken for another (a tag, lengths before contents), then hashed.
#[derive(Debug, Default)]
pub struct Key {
    bytes: Vec<u8>,
}

impl Key {
    /// An empty key (for parts of keys, see [`Key::hash`]).
    pub fn new() -> Key {
        Key {
            bytes: Vec::with_capacity(4096),
        }
    }

    /// Adds a text.
    pub fn text(&mut self, text: &str) {
        self.bytes
            .extend_from_slice(&(text.len() as u64).to_le_bytes());
        self.bytes.extend_from_slice(text.as_bytes());
    }

    /// Empties the key, keeping its room, to make another.
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// Adds the absence of a value, tagged apart from every value.
    pub fn absent(&mut self) {
        self.bytes.push(8);
    }

    /// Adds a hash made by [`value_hash`], tagged apart from values.
    pub fn hash(&mut self, hash: u128) {
        self.bytes.push(9);
        self.bytes.extend_from_slice(&hash.to_le_bytes());
    }

    /// Adds a JSON value.
    pub fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.bytes.push(0),
            Value::Bool(b) => self.bytes.extend_from_slice(&[1, u8::from(*b)]),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.bytes.push(2);
                    self.bytes.extend_from_slice(&u.to_le_bytes());
                } else if let Some(i) = n.as_i64() {
                    self.bytes.push(3);
                    self.bytes.extend_from_slice(&i.to_le_bytes());
                } else {
                    self.bytes.push(4);
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    self.bytes.extend_from_slice(&f.to_bits().to_le_bytes());
                }
            }
            Value::String(s) => {
                self.bytes.push(5);
                self.text(s);
            }
            Value::Array(items) => {
                self.bytes.push(6);
                self.bytes
                    .extend_from_slice(&(items.len() as u64).to_le_bytes());
                for item in items {
                    self.value(item);
                }
            }
            Value::Object(map) => {
                self.bytes.push(7);
                self.bytes
                    .extend_from_slice(&(map.len() as u64).to_le_bytes());
                for (name, item) in map {
                    self.text(name);
                    self.value(item);
                }
            }
        }
    }

    /// The key.
    pub fn finish(&self) -> u128 {
        xxh3_128(&self.bytes)
    }
}

/// A key takes what a `Hash` writes as it is, and hashes it all at once
/// (see [`hashed`]): cheaper than a streaming hasher for many small parts.
impl std::hash::Hasher for Key {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxh3_64(&self.bytes)
    }
}

/// A hash of one JSON value, to stand for it in many keys (the site's view,
/// shown on every page).
pub fn value_hash(value: &Value) -> u128 {
    let mut key = Key::new();
    key.value(value);
    key.finish()
}

/// A hash of a view by its `Hash`, made without converting it to JSON (a
/// stretch, shown on its own page, its list page and its term pages: a
/// page taken from the previous build never needs its JSON). A derived
/// `Hash` covers every field, so whatever the view serializes to is covered.
pub fn hashed<T: std::hash::Hash + ?Sized>(view: &T) -> u128 {
    let mut key = Key::new();
    view.hash(&mut key);
    key.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    #[test]
    fn templates_are_known_once_a_build_with_them_kept_its_ledger() {
        let cache = tempfile::tempdir().expect("a temporary folder");
        let folder = cache.path().display().to_string();
        let pairs = [("BEDSIDE_CACHE_DIR", folder.as_str())];
        let cached = env(&pairs);
        let site = Path::new("/site");
        let target = Path::new("/site/public");
        assert!(!Ledger::knows_templates(site, target, Some(1), &cached));
        let ledger = Ledger::open(site, target, Some(1), false, &cached).expect("a ledger");
        ledger.record("index.html", entry(5), false);
        let written = ledger.write().expect("written");
        // Written but not kept (the build failed at its swap): not known.
        assert!(!Ledger::knows_templates(site, target, Some(1), &cached));
        written.keep();
        assert!(Ledger::knows_templates(site, target, Some(1), &cached));
        assert!(!Ledger::knows_templates(site, target, Some(2), &cached));
        assert!(!Ledger::knows_templates(site, target, None, &cached));
        assert!(!Ledger::knows_templates(
            site,
            Path::new("/site/other"),
            Some(1),
            &cached
        ));
        let none = [("BEDSIDE_CACHE_DIR", "")];
        assert!(!Ledger::knows_templates(site, target, Some(1), env(&none)));
    }

    #[test]
    fn no_ledger_is_kept_in_the_sites_inputs_or_its_output_nor_read_from_a_pipe() {
        let scratch = tempfile::tempdir().expect("a temporary folder");
        let site = scratch.path().join("site");
        let target = site.join("public");
        std::fs::create_dir_all(site.join("content")).expect("folders");
        for inside in [site.join("content/cache"), target.join("cache")] {
            let folder = inside.display().to_string();
            let pairs = [("BEDSIDE_CACHE_DIR", folder.as_str())];
            assert!(
                Ledger::open(&site, &target, Some(1), false, env(&pairs)).is_none(),
                "{folder}"
            );
        }
        // Beside the inputs is fine.
        let folder = site.join(".cache").display().to_string();
        let pairs = [("BEDSIDE_CACHE_DIR", folder.as_str())];
        let ledger = Ledger::open(&site, &target, Some(1), true, env(&pairs));
        assert!(ledger.is_some());
        // A named pipe where the ledger goes is not read (it would block).
        let file = place(&site, &target, env(&pairs)).expect("a place");
        std::fs::create_dir_all(site.join(".cache")).expect("folder");
        let made = std::process::Command::new("mkfifo")
            .arg(&file)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        assert!(!Ledger::knows_templates(
            &site,
            &target,
            Some(1),
            env(&pairs)
        ));
        let ledger = Ledger::open(&site, &target, Some(1), true, env(&pairs)).expect("a ledger");
        assert_eq!(ledger.previous.len(), 0);
    }

    #[test]
    fn the_cache_folder_follows_the_environment() {
        let folder = |pairs: &[(&str, &str)]| cache_folder(env(pairs));
        assert_eq!(folder(&[]), None);
        assert_eq!(
            folder(&[("HOME", "/home/a")]),
            Some(PathBuf::from("/home/a/.cache/bedside"))
        );
        assert_eq!(
            folder(&[("HOME", "/home/a"), ("XDG_CACHE_HOME", "/c")]),
            Some(PathBuf::from("/c/bedside"))
        );
        // A relative XDG_CACHE_HOME is invalid by the XDG rules: ignored.
        assert_eq!(
            folder(&[("HOME", "/home/a"), ("XDG_CACHE_HOME", "c")]),
            Some(PathBuf::from("/home/a/.cache/bedside"))
        );
        assert_eq!(
            folder(&[("XDG_CACHE_HOME", "/c"), ("BEDSIDE_CACHE_DIR", "/b")]),
            Some(PathBuf::from("/b"))
        );
        assert_eq!(
            folder(&[("HOME", "/home/a"), ("BEDSIDE_CACHE_DIR", "")]),
            None
        );
    }

    #[test]
    fn keys_tell_apart_what_renders_differently() {
        let key = |template: &str, value: &Value| {
            let mut key = Key { bytes: Vec::new() };
            key.text(template);
            key.value(value);
            key.finish()
        };
        let page = json!({"title": "Knee to chest", "hold": 30, "sides": ["left", "right"]});
        let same = json!({"title": "Knee to chest", "hold": 30, "sides": ["left", "right"]});
        assert_eq!(key("stretch.html", &page), key("stretch.html", &same));
        for other in [
            json!({"title": "Knee to chest ", "hold": 30, "sides": ["left", "right"]}),
            json!({"title": "Knee to chest", "hold": 31, "sides": ["left", "right"]}),
            json!({"title": "Knee to chest", "hold": "30", "sides": ["left", "right"]}),
            json!({"title": "Knee to chest", "hold": 30.0, "sides": ["left", "right"]}),
            json!({"title": "Knee to chest", "hold": 30, "sides": ["leftright"]}),
            json!({"title": "Knee to chest", "hold": 30, "sides": ["left", "right", null]}),
            json!({"title": "Knee to chest", "hold": 30}),
        ] {
            assert_ne!(
                key("stretch.html", &page),
                key("stretch.html", &other),
                "{other}"
            );
        }
        assert_ne!(key("stretch.html", &page), key("page.html", &page));
    }

    #[test]
    fn views_hash_apart_by_every_field_and_their_extra_data() {
        use crate::render::context::Extra;
        #[derive(Hash)]
        struct View<'a> {
            title: &'a str,
            reps: u32,
            extra: Extra<'a>,
        }
        fn view(title: &str, reps: u32, extra: &Value) -> u128 {
            hashed(&View {
                title,
                reps,
                extra: Extra(extra),
            })
        }
        let (a, b) = (json!({"equipment": "none"}), json!({"equipment": "pillow"}));
        let same = a.clone();
        assert_eq!(view("Tilt", 10, &a), view("Tilt", 10, &same));
        assert_ne!(view("Tilt", 10, &a), view("Tilt", 10, &b));
        assert_ne!(view("Tilt", 10, &a), view("Tilt", 11, &a));
        assert_ne!(view("Tilt", 10, &a), view("Tilt ", 10, &a));
    }

    #[test]
    fn only_ledgers_unused_for_a_month_are_removed() {
        let folder = tempfile::tempdir().unwrap();
        let made = |name: &str, age_days: u64| {
            let path = folder.path().join(name);
            let file = fs::File::create(&path).unwrap();
            let age = Duration::from_secs(age_days * 24 * 60 * 60);
            file.set_modified(SystemTime::now() - age).unwrap();
            path
        };
        let old = made("pages-00000000000000aa", 31);
        let recent = made("pages-00000000000000bb", 29);
        let other = made("notes.txt", 400);
        remove_unused(folder.path());
        assert!(!old.exists());
        assert!(recent.exists());
        assert!(other.exists());
    }

    #[test]
    fn numbers_are_written_in_hex_as_parse_reads_them() {
        let hex = |n: u128, width: usize| {
            let mut text = String::new();
            push_hex(&mut text, n, width);
            text
        };
        assert_eq!(hex(0, 0), "0");
        assert_eq!(hex(0xabc, 0), "abc");
        assert_eq!(hex(0xabc, 16), "0000000000000abc");
        assert_eq!(hex(u128::MAX, 32), "f".repeat(32));
        assert_eq!(
            u128::from_str_radix(&hex(0xfeed_u128 << 64 | 7, 32), 16),
            Ok(0xfeed_u128 << 64 | 7)
        );
    }

    /// An entry whose numbers take every digit and sign they may.
    fn entry(key: u128) -> Entry {
        let stamp = Stamp {
            dev: 0x803,
            ino: u64::MAX,
            modified: (-1, 999_999_999),
        };
        Entry::of(key, b"<html>", stamp)
    }

    #[test]
    fn ledger_files_round_trip_and_damage_is_ignored() {
        let cache = tempfile::tempdir().expect("a temporary folder");
        let folder = cache.path().display().to_string();
        let pairs = [("BEDSIDE_CACHE_DIR", folder.as_str())];
        let cached = env(&pairs);
        let (site, target) = (Path::new("/site"), Path::new("/site/public"));
        let ledger = Ledger::open(site, target, Some(1), false, &cached).expect("a ledger");
        let entry = entry(0xfeed_u128 << 64 | 7);
        ledger.record("stretches/a b/index.html", entry, false);
        let file = ledger.file.clone();
        ledger.write().expect("written").keep();
        let text = fs::read_to_string(file).expect("the ledger");
        let (parsed, newest) = parse(&text);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed["stretches/a b/index.html"], entry);
        assert_eq!(newest, Some((-1, 999_999_999)));
        assert!(entry.holds(b"<html>"));
        assert!(!entry.holds(b"<html "));
        let damaged = format!("{text}not a line\n{} 6 1 2 3\n", "0".repeat(32));
        assert_eq!(parse(&damaged), (parsed, newest));
        assert_eq!(parse(&text.replacen("ledger 4", "ledger 3", 1)).0.len(), 0);
        assert_eq!(parse(""), (HashMap::new(), None));
    }

    /// A file is taken by its stamp only when it was written before the
    /// newest time the builds saw; the newest time only grows.
    #[test]
    fn only_files_older_than_the_newest_time_seen_are_trusted_by_their_stamp() {
        let cache = tempfile::tempdir().expect("a temporary folder");
        let folder = cache.path().display().to_string();
        let pairs = [("BEDSIDE_CACHE_DIR", folder.as_str())];
        let cached = env(&pairs);
        let (site, target) = (Path::new("/site"), Path::new("/site/public"));
        let at = |seconds: i64, nanoseconds: u32| {
            let mut e = entry(1);
            e.stamp.modified = (seconds, nanoseconds);
            e
        };
        let build = |entries: &[Entry]| {
            let ledger = Ledger::open(site, target, Some(1), true, &cached).expect("a ledger");
            for (i, e) in entries.iter().enumerate() {
                ledger.record(&format!("{i}/index.html"), *e, false);
            }
            ledger.write().expect("written").keep();
            Ledger::open(site, target, Some(1), true, &cached).expect("a ledger")
        };
        let fresh = Ledger::open(site, target, Some(1), false, &cached).expect("a ledger");
        assert!(!fresh.trusts(&at(5, 0)), "no time seen yet");
        let next = build(&[at(5, 0), at(7, 10), at(7, 9)]);
        assert_eq!(next.newest, Some((7, 10)));
        assert!(next.trusts(&at(5, 0)) && next.trusts(&at(7, 9)));
        assert!(!next.trusts(&at(7, 10)), "written in the newest tick");
        // A build that writes only older files keeps the newest time.
        assert_eq!(build(&[at(6, 0)]).newest, Some((7, 10)));
    }
}
