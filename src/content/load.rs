//! Discovery and loading: walk `content/`, read every Markdown file in
//! parallel (while the walk goes on), and check what spans files (slugs,
//! references, roles).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::fields::Fields;
use super::front_matter;
use super::page::{self, Home, Page, Role};
use super::routine::{self, Routine};
use super::slug;
use super::stretch::{self, Stretch};
use super::{Meta, Spanned};
use crate::diagnostics::{Diagnostic, SourceFile, closest};

/// The largest content file accepted.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Everything in `content/`, validated and sorted.
#[derive(Debug, Default)]
pub struct Content {
    /// `content/_index.md`, when present.
    pub home: Option<Home>,
    /// Stretches by file name (drafts left out unless asked for).
    pub stretches: Vec<Stretch>,
    /// Routines by weight, then slug.
    pub routines: Vec<Routine>,
    /// Other pages by weight, then slug.
    pub pages: Vec<Page>,
    /// Files other than Markdown under `content/`, relative to it.
    pub assets: BTreeSet<PathBuf>,
    /// Slugs of routines whose files have errors (already reported), so that
    /// `handout.routine` naming one is not reported again.
    pub broken_routines: BTreeSet<String>,
    /// Routines left out as drafts (without `--drafts`): slug and file, so
    /// that `handout.routine` naming one can say so.
    pub draft_routines: BTreeMap<String, PathBuf>,
    /// The `image` of each stretch with other errors, checked all the same so
    /// that one run reports every problem.
    pub broken_images: Vec<BrokenImage>,
    /// The bodies of files with errors whose front matter could be told
    /// from their body: their links are checked all the same.
    pub broken_bodies: Vec<BrokenBody>,
    /// Files that are not built but name `aliases`: drafts (without
    /// `--drafts`) and files with errors of their own. Their aliases are
    /// checked against every output all the same, as their slugs are, so
    /// that a clash is found in one run and before the draft is published.
    pub unbuilt_aliases: Vec<Meta>,
    /// The files left out as drafts (without `--drafts`), by their key
    /// under `content/` (`routines/morning.md`): a link to one is an error
    /// even while the site has others.
    pub left_out_drafts: BTreeSet<String>,
}

/// The `image` of a stretch that has other errors, with where it was written.
#[derive(Debug)]
pub struct BrokenImage {
    /// The stretch's file.
    pub file: crate::diagnostics::SourceFile,
    /// The value, and its span in the file.
    pub image: super::fields::Spanned<String>,
}

/// The Markdown body of a content file that has errors.
#[derive(Debug)]
pub struct BrokenBody {
    /// The file.
    pub file: crate::diagnostics::SourceFile,
    /// The body (byte range in `file.text`).
    pub body: std::ops::Range<usize>,
}

/// What loading one content file gave.
struct FileLoad {
    loaded: Option<Loaded>,
    /// The file's body when the file has errors (see [`BrokenBody`]).
    broken_body: Option<BrokenBody>,
    /// The slug of a file with errors, when it is a valid one (see
    /// [`BrokenFiles::metas`]).
    broken_meta: Option<Meta>,
    diagnostics: Vec<Diagnostic>,
}

/// What is known of the files with errors of their own, so that the checks
/// across files still count them: one run reports every problem.
#[derive(Default)]
struct BrokenFiles {
    /// Slugs of stretches with errors: routines listing them are not
    /// reported again.
    stretches: BTreeSet<String>,
    /// Routines with errors of their own, as far as they could be read:
    /// their stretches are still checked.
    routines: Vec<Routine>,
    /// Pages with errors of their own and a valid `role`, still counted for
    /// their role.
    pages: Vec<Page>,
    /// The common fields (slug, file, draft) of files with errors whose slug
    /// is valid: a duplicate or reserved slug is still reported.
    metas: Vec<(Kind, Meta)>,
}

impl FileLoad {
    /// A file that could not be read, or whose front matter has no end.
    fn failed(diagnostics: Vec<Diagnostic>) -> FileLoad {
        FileLoad {
            loaded: None,
            broken_body: None,
            broken_meta: None,
            diagnostics,
        }
    }
}

impl Content {
    /// Every content file's common fields: the home page, stretches,
    /// routines, then pages.
    pub fn metas(&self) -> impl Iterator<Item = &Meta> {
        self.home
            .iter()
            .map(|h| &h.meta)
            .chain(self.stretches.iter().map(|s| &s.meta))
            .chain(self.routines.iter().map(|r| &r.meta))
            .chain(self.pages.iter().map(|p| &p.meta))
    }

    /// [`Content::metas`], to change them.
    pub fn metas_mut(&mut self) -> impl Iterator<Item = &mut Meta> {
        self.home
            .iter_mut()
            .map(|h| &mut h.meta)
            .chain(self.stretches.iter_mut().map(|s| &mut s.meta))
            .chain(self.routines.iter_mut().map(|r| &mut r.meta))
            .chain(self.pages.iter_mut().map(|p| &mut p.meta))
    }
}

/// What one file turned out to be.
enum Loaded {
    Home(Home),
    Stretch(Stretch),
    Routine(Routine),
    Page(Page),
    /// A stretch with errors, known by its slug so that the routines that
    /// name it do not fail a second time, with its `image` when it could be
    /// read, which is still checked.
    BrokenStretch(String, Option<BrokenImage>),
    /// A routine with errors of its own, by slug, with what could be read
    /// of it: its stretches are still checked against the library.
    BrokenRoutine(String, Option<Routine>),
    /// A page with errors; `true` when it has a `role` (it may be the
    /// red-flags page, so its absence is not reported as well), with what
    /// could be read of it: a second page of its role is still reported.
    BrokenPage(bool, Option<Page>),
}

/// Where a Markdown file sits decides its kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Home,
    Stretch,
    Routine,
    Page,
}

/// Whether a file or folder name is hidden or an editor's scratch file.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Lists the files below `dir` (not ignored ones), sorted, checking that
/// symlinks stay inside `root`. Paths are relative to `dir`.
pub fn walk(root: &Path, dir: &Path, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk_each(root, dir, errors, |file| files.push(file));
    files
}

/// [`walk`], giving each file to `found` as soon as it is found.
pub fn walk_each(
    root: &Path,
    dir: &Path,
    errors: &mut Vec<Diagnostic>,
    mut found: impl FnMut(PathBuf),
) {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        // Siblings' paths differ only in their names, so comparing whole
        // paths sorts by name without taking each path apart (walkdir's
        // `sort_by_file_name` parses both names at every comparison).
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // Following links stats an entry before `filter_entry` sees its
            // name, so an ignored one that cannot be followed comes here:
            // Emacs's lock link `.#name` points nowhere while a buffer has
            // unsaved changes.
            Err(err)
                if err.depth() > 0
                    && err
                        .path()
                        .and_then(Path::file_name)
                        .is_some_and(|name| is_ignored(&name.to_string_lossy())) =>
            {
                continue;
            }
            Err(err) => {
                // A loop is named by the first link on the way to it:
                // `static/root` (→ `..`), not `static/root/static/root`,
                // where the walk found itself back.
                let first_link = err.loop_ancestor().and(err.path()).and_then(|p| {
                    let mut ancestors: Vec<&Path> =
                        p.ancestors().take_while(|a| a.starts_with(dir)).collect();
                    ancestors.reverse();
                    ancestors.into_iter().find(|a| a.is_symlink())
                });
                let path = first_link
                    .or(err.path())
                    .map(|p| display(root, p))
                    .unwrap_or_else(|| display(root, dir));
                let shown = path.display();
                let is_link = err
                    .path()
                    .and_then(|p| fs::symlink_metadata(p).ok())
                    .is_some_and(|m| m.file_type().is_symlink());
                let io = err
                    .io_error()
                    .map_or_else(|| err.to_string(), |e| e.to_string());
                let link_help = "remove the link, or point it at a file or folder inside the site";
                let (message, help) = if err.loop_ancestor().is_some() {
                    (
                        format!("symbolic link loop: {shown} leads back to a folder that holds it"),
                        link_help,
                    )
                } else if is_link {
                    let target = err
                        .path()
                        .and_then(|p| fs::read_link(p).ok())
                        .map(|t| t.display().to_string())
                        .unwrap_or_default();
                    (
                        format!("symbolic link {shown} (to {target}) cannot be followed: {io}"),
                        link_help,
                    )
                } else {
                    (
                        format!("cannot read {shown}: {io}"),
                        "check that the file or folder can be read",
                    )
                };
                errors.push(Diagnostic::error(message).in_file(&path).help(help));
                continue;
            }
        };
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) => {}
                Ok(target) => {
                    errors.push(
                        Diagnostic::error(format!(
                            "symbolic link {} points outside the site, to {}",
                            display(root, entry.path()).display(),
                            target.display()
                        ))
                        .in_file(display(root, entry.path()))
                        .help("copy the file into the site instead of linking to it"),
                    );
                    // A linked folder outside the site is not read at all.
                    if entry.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
                Err(err) => {
                    errors.push(
                        Diagnostic::error(format!(
                            "broken symbolic link {}: {err}",
                            display(root, entry.path()).display()
                        ))
                        .in_file(display(root, entry.path()))
                        .help("remove the link, or point it at a file or folder inside the site"),
                    );
                    continue;
                }
            }
        }
        // A folder `gen` built, reached by a symbolic link: each build would
        // copy the one before it into itself.
        if entry.file_type().is_dir() && entry.path().join(crate::output::MARKER).exists() {
            let shown = display(root, entry.path());
            let built = entry.path().canonicalize().map_or_else(
                |_| shown.clone(),
                |target| display(&canonical_root, &target),
            );
            errors.push(
                Diagnostic::error(format!(
                    "{} leads to {}, a folder gen built: each build would copy the one before it into itself",
                    shown.display(),
                    built.display()
                ))
                .in_file(&shown)
                .help("remove the symbolic link that leads there; link to the files themselves instead"),
            );
            walker.skip_current_dir();
            continue;
        }
        if entry.file_type().is_file() {
            if let Ok(relative) = entry.path().strip_prefix(dir) {
                found(relative.to_path_buf());
            }
        }
    }
}

/// A path as shown to users: relative to the site root when inside it.
pub fn display(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a text file for the site: at most 4 MiB, UTF-8, byte-order mark removed.
pub fn read_source(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let shown = display(root, path);
    let io_error = |err: std::io::Error| {
        Diagnostic::error(format!("cannot read {}: {err}", shown.display())).in_file(&shown)
    };
    let mut file = fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > MAX_FILE_BYTES {
        // The same limit holds for templates and configuration, which are
        // no content files.
        let (kind, help) = if shown.starts_with("content") {
            (
                "content files",
                "split the file, or move large data out of content/",
            )
        } else if shown.components().any(|c| c.as_os_str() == "templates") {
            (
                "templates",
                "split the template into parts that it `{% include %}`s",
            )
        } else {
            ("the text files gen reads", "make the file smaller")
        };
        return Err(Diagnostic::error(format!(
            "{} is {} bytes; {kind} are at most 4 MiB ({MAX_FILE_BYTES} bytes)",
            shown.display(),
            size
        ))
        .in_file(&shown)
        .help(help));
    }
    // One read of the size the file has (`fs::read` would look the size up
    // again, and read once more to find the end), into room that is not
    // zeroed first. The size is at most 4 MiB, checked above.
    let mut bytes = Vec::with_capacity(size as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, size), &mut bytes)
        .map_err(io_error)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(shown, text)),
        Err(err) => {
            let valid = String::from_utf8_lossy(&bytes[..err.valid_up_to()]).into_owned();
            let at = valid.len();
            // The rest of the line shown too, each byte that is not UTF-8
            // as U+FFFD: `caf� au lait`, not `caf�`.
            let rest = &bytes[err.valid_up_to()..];
            let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let mut text = valid;
            text.push_str(&String::from_utf8_lossy(&rest[..line_end]));
            let file = SourceFile::new(shown, text);
            Err(file
                .error(
                    at..at + '\u{FFFD}'.len_utf8(),
                    "file is not valid UTF-8 text",
                )
                .help("save the file as UTF-8 (is it a binary file?)"))
        }
    }
}

/// Loads and validates `root/content`. Returns the content and every
/// problem found (errors and warnings).
pub fn load(root: &Path, drafts: bool) -> (Content, Vec<Diagnostic>) {
    let dir = root.join("content");
    let mut problems = Vec::new();
    if !dir.is_dir() {
        let above = site_above(root);
        let help = match above {
            Some(site) => format!(
                "the site above is {}: run gen there, or pass `--root {}`",
                site.display(),
                site.display()
            ),
            None => "run gen in the site folder, the one that holds content/, or pass `--root DIR`; `gen init` makes a new site".to_string(),
        };
        problems.push(
            Diagnostic::error(format!("no content/ folder in {}", root.display())).help(help),
        );
        return (Content::default(), problems);
    }
    let mut content = Content::default();
    // The files are read and checked while the walk goes on: each run of
    // `CHUNK` Markdown files found is loaded by another thread.
    const CHUNK: usize = 128;
    let mut noted = Vec::new();
    let mut chunk: Vec<(PathBuf, Kind)> = Vec::new();
    let chunks = Mutex::new(Vec::new());
    rayon::scope(|scope| {
        let mut number = 0;
        walk_each(root, &dir, &mut problems, |relative| {
            let Some(kind) = classify(root, &dir, &relative, &mut content, &mut noted) else {
                return;
            };
            chunk.push((dir.join(&relative), kind));
            if chunk.len() == CHUNK {
                load_chunk(scope, root, &chunks, number, std::mem::take(&mut chunk));
                number += 1;
            }
        });
        load_chunk(scope, root, &chunks, number, std::mem::take(&mut chunk));
    });
    // A file that could not be walked (a broken or outward link) may be the
    // red-flags page: its absence is then not reported as well.
    let walk_failed = problems.iter().any(Diagnostic::is_error);
    problems.extend(noted);
    let mut chunks = chunks.into_inner().unwrap_or_else(PoisonError::into_inner);
    chunks.sort_unstable_by_key(|(number, _)| *number);
    // Room for every stretch at once: growing the list ten thousand
    // stretches long copied them over and over, on one thread.
    content.stretches.reserve(
        chunks
            .iter()
            .flat_map(|(_, files)| files)
            .filter(|(_, kind, _)| *kind == Kind::Stretch)
            .count(),
    );
    let loaded = chunks.into_iter().flat_map(|(_, files)| files);
    finish_load(drafts, content, problems, walk_failed, loaded)
}

/// The nearest folder above `root` (eight at most) that holds `content/`,
/// written from `root` (`../..`), for a `gen` run inside a site's
/// `content/stretches/`: Zola and Hugo find the site above.
fn site_above(root: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let up = root
        .canonicalize()
        .ok()?
        .ancestors()
        .skip(1)
        .take(8)
        .position(|folder| folder.join("content").is_dir())?;
    // `root` and `up + 1` times `..`, written short: `content/..` is `.`,
    // `./../..` is `../..`.
    let mut parts: Vec<Component> = Vec::new();
    for part in root.components().chain(vec![Component::ParentDir; up + 1]) {
        match (part, parts.last()) {
            (Component::CurDir, _) | (Component::ParentDir, Some(Component::RootDir)) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let site: PathBuf = parts.iter().collect();
    Some(if site.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        site
    })
}

/// Files loaded, in runs numbered in the order they were found.
type Chunks = Mutex<Vec<(usize, Vec<(PathBuf, Kind, FileLoad)>)>>;

/// Loads run `number` of the files found, on another thread of `scope`.
fn load_chunk<'s>(
    scope: &rayon::Scope<'s>,
    root: &'s Path,
    chunks: &'s Chunks,
    number: usize,
    files: Vec<(PathBuf, Kind)>,
) {
    scope.spawn(move |_| {
        let loaded: Vec<_> = files
            .into_iter()
            .map(|(path, kind)| {
                let result = load_file(root, &path, kind);
                (path, kind, result)
            })
            .collect();
        chunks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((number, loaded));
    });
}

/// What a content file is, by its path below `content/` (`None`: it is not
/// read as a content page; an asset goes into `content.assets`).
fn classify(
    root: &Path,
    dir: &Path,
    relative: &Path,
    content: &mut Content,
    problems: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let extension = relative
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    let is_md = relative.extension().is_some_and(|e| e == "md");
    if !is_md {
        if matches!(extension.as_deref(), Some("md" | "markdown" | "mdown")) {
            let shown = display(root, &dir.join(relative));
            problems.push(
                Diagnostic::warning(format!(
                    "{} is not read as content: content files end in `.md`",
                    shown.display()
                ))
                .in_file(shown)
                .help("rename it to end in `.md` (lower case)"),
            );
        }
        content.assets.insert(relative.to_path_buf());
        return None;
    }
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let kind = match parts
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["_index.md"] => Kind::Home,
        [_, "_index.md"] => {
            let shown = display(root, &dir.join(relative));
            let message = format!(
                "{} is ignored: only content/_index.md (the home page) is an index",
                shown.display()
            );
            problems.push(Diagnostic::warning(message).in_file(shown));
            return None;
        }
        ["stretches", _] => Kind::Stretch,
        ["routines", _] => Kind::Routine,
        [_] | [_, _] => Kind::Page,
        _ => {
            let shown = display(root, &dir.join(relative));
            let message = format!("{} is too deep", shown.display());
            problems.push(Diagnostic::error(message).in_file(shown).help(
                "move it: content files go in content/, content/stretches/, content/routines/ or one folder below content/",
            ));
            return None;
        }
    };
    Some(kind)
}

/// The rest of [`load`], once every file is loaded: the files in order,
/// with what loading each gave.
fn finish_load(
    drafts: bool,
    mut content: Content,
    mut problems: Vec<Diagnostic>,
    walk_failed: bool,
    loaded: impl Iterator<Item = (PathBuf, Kind, FileLoad)>,
) -> (Content, Vec<Diagnostic>) {
    let mut broken = BrokenFiles::default();
    // Whether a page that failed to load may be the red-flags page.
    let mut red_flags_unknown = walk_failed;
    for (path, kind, load) in loaded {
        let FileLoad {
            loaded,
            broken_body,
            broken_meta,
            diagnostics,
        } = load;
        problems.extend(diagnostics);
        content.broken_bodies.extend(broken_body);
        if let Some(meta) = broken_meta.as_ref().filter(|m| !m.aliases.is_empty()) {
            content.unbuilt_aliases.push(meta.clone());
        }
        broken.metas.extend(broken_meta.map(|meta| (kind, meta)));
        let kind = &kind;
        match loaded {
            Some(Loaded::Home(home)) => content.home = Some(home),
            Some(Loaded::Stretch(s)) => content.stretches.push(s),
            Some(Loaded::Routine(r)) => content.routines.push(r),
            Some(Loaded::Page(p)) => content.pages.push(p),
            // A file with errors answers to its file name's slug too: a
            // `slug` that is empty or not valid must not make every routine
            // that lists the file by name fail as well.
            Some(Loaded::BrokenRoutine(slug, routine)) => {
                content.broken_routines.insert(stem_slug(&path));
                content.broken_routines.insert(slug);
                broken.routines.extend(routine);
            }
            Some(Loaded::BrokenStretch(slug, image)) => {
                broken.stretches.insert(stem_slug(&path));
                broken.stretches.insert(slug);
                content.broken_images.extend(image);
            }
            Some(Loaded::BrokenPage(has_role, page)) => {
                red_flags_unknown |= has_role;
                broken.pages.extend(page.filter(|p| p.role.is_some()));
            }
            None if matches!(kind, Kind::Stretch | Kind::Routine) => {
                let slug = stem_slug(&path);
                if *kind == Kind::Routine {
                    content.broken_routines.insert(slug);
                } else {
                    broken.stretches.insert(slug);
                }
            }
            None => red_flags_unknown |= *kind == Kind::Page,
        }
    }
    check_across_files(
        &mut content,
        drafts,
        &broken,
        red_flags_unknown,
        &mut problems,
    );
    (content, problems)
}

fn load_file(root: &Path, path: &Path, kind: Kind) -> FileLoad {
    let file = match read_source(root, path) {
        Ok(file) => file,
        Err(diagnostic) => return FileLoad::failed(vec![diagnostic]),
    };
    let split = match front_matter::split(&file) {
        Ok(split) => split,
        Err(diagnostic) => return FileLoad::failed(vec![diagnostic]),
    };
    let (loaded, broken_meta, diagnostics) = load_split(path, kind, &file, &split);
    // Every problem in one run: a file whose front matter is wrong has its
    // links checked too, not once the front matter is mended.
    let broken_body = diagnostics
        .iter()
        .any(Diagnostic::is_error)
        .then_some(BrokenBody {
            file,
            body: split.body,
        });
    FileLoad {
        loaded,
        broken_body,
        broken_meta,
        diagnostics,
    }
}

/// Whether HTML forbids the byte in text: a control character other than
/// tab, line feed, form feed and carriage return.
fn is_forbidden_control(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | 0x0C | b'\r')) || byte == 0x7F
}

/// Where `bytes` holds a byte HTML forbids in text, in order. Nearly every
/// body holds none, so each run of 64 bytes is first tested whole, a test
/// the compiler makes into a few vector instructions; only a run with a hit
/// is looked through byte by byte.
fn forbidden_controls(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const RUN: usize = 64;
    bytes
        .chunks(RUN)
        .enumerate()
        .filter(|(_, run)| match <&[u8; RUN]>::try_from(*run) {
            Ok(whole) => whole
                .iter()
                .fold(false, |any, &byte| any | is_forbidden_control(byte)),
            Err(_) => run.iter().any(|&byte| is_forbidden_control(byte)),
        })
        .flat_map(|(number, run)| {
            run.iter()
                .enumerate()
                .filter(|&(_, &byte)| is_forbidden_control(byte))
                .map(move |(at, _)| number * RUN + at)
        })
}

/// [`load_file`], once the front matter is told from the body; for a file
/// with errors, also its common fields when its slug is valid.
fn load_split(
    path: &Path,
    kind: Kind,
    file: &SourceFile,
    split: &front_matter::Split,
) -> (Option<Loaded>, Option<Meta>, Vec<Diagnostic>) {
    let entries = match front_matter::parse(file, split) {
        Ok(entries) => entries,
        Err(diagnostics) => return (None, None, diagnostics),
    };
    if split.format.is_none() && matches!(kind, Kind::Stretch | Kind::Routine) {
        let (what, first) = match kind {
            Kind::Stretch => ("a stretch needs at least a `title`", "`title = \"…\"`"),
            _ => (
                "a routine needs at least `stretches`",
                "`stretches = [\"…\"]`",
            ),
        };
        let diagnostic = file
            .error(
                0..0,
                format!("{} has no front matter; {what}", file.path.display()),
            )
            .help(format!(
                "start the file with a `+++` line, {first} and the other keys, then another `+++` line"
            ));
        return (None, None, vec![diagnostic]);
    }
    let missing_at = if split.format.is_some() {
        split.closing_fence.clone()
    } else {
        0..0
    };
    let mut fields = Fields::new(file, entries, missing_at, "front matter");
    // HTML allows no control character but tab, line feed, form feed and
    // carriage return; the body goes into the page as it is written.
    let body = file.text.get(split.body.clone()).unwrap_or_default();
    // Each one is reported, up to a few: a file full of them (a binary
    // file renamed) is said to be one in the last.
    const SHOWN: usize = 5;
    let mut controls = forbidden_controls(body.as_bytes());
    let shown: Vec<usize> = controls.by_ref().take(SHOWN).collect();
    let more = controls.count();
    for (nth, at) in shown.iter().enumerate() {
        let start = split.body.start + at;
        let code = file.text.as_bytes().get(start).copied().unwrap_or_default();
        let help = if nth + 1 == SHOWN && more > 0 {
            format!(
                "remove it, and the {more} more after it: a web page's text may not hold control characters"
            )
        } else {
            "remove it: a web page's text may not hold control characters".to_string()
        };
        fields.error_at(
            start..start + 1,
            format!("the body holds the control character U+{code:04X}"),
            help,
        );
    }
    if split.format == Some(front_matter::Format::Yaml) {
        fields.yaml_examples();
    }
    let (title_max, keys): (usize, &[&str]) = match kind {
        Kind::Stretch => (48, stretch::KEYS),
        Kind::Routine => (60, routine::KEYS),
        Kind::Page => (0, page::KEYS),
        Kind::Home => (0, page::HOME_KEYS),
    };
    let file_name = file_name_of(path);
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let example = match kind {
        Kind::Routine => "title = \"Morning routine\"",
        _ => "title = \"Knee-to-Chest Pull\"",
    };
    let title = match kind {
        Kind::Home => fields.optional_text("title", 0),
        Kind::Stretch => fields
            .required_string("title", title_max, example)
            .map(|t| t.value),
        // Pages and routines without a title take one from the file name.
        Kind::Routine | Kind::Page if !fields.has("title") => {
            let title = slug::title_from_stem(&stem);
            let count = slug::length(&title);
            if title.is_empty() {
                // Such a file name gives no slug either: without a `slug`,
                // the empty slug is reported (one error for one name).
                if fields.has("slug") {
                    fields.error_at(
                        fields.missing_at(),
                        format!("the file name {file_name} gives no title"),
                        format!("add a line such as `{}`", fields.example(example)),
                    );
                }
                None
            } else if title_max > 0 && count > title_max {
                fields.error_at(
                    fields.missing_at(),
                    format!(
                        "the title taken from the file name is {count} characters, over the limit of {title_max}"
                    ),
                    format!(
                        "set a shorter `title`, e.g. `{}`, or shorten the file name",
                        fields.example(example)
                    ),
                );
                None
            } else {
                Some(title)
            }
        }
        Kind::Routine | Kind::Page => fields
            .required_string("title", title_max, example)
            .map(|t| t.value),
    };
    let (slug, slug_span) = match (kind, fields.string("slug", 0)) {
        (Kind::Home, Some(s)) => {
            fields.error_at(s.span, "the home page has no slug", "remove `slug`");
            (String::new(), None)
        }
        (_, Some(s)) if s.value.trim().is_empty() => {
            fields.error_at(
                s.span.clone(),
                "`slug` is empty",
                "remove `slug` to take the slug from the file name, or write one such as `knee-to-chest`",
            );
            (String::new(), Some(s.span))
        }
        (_, Some(s)) if !slug::is_valid(&s.value) => {
            let suggestion = slug::slugify(&s.value);
            fields.error_at(
                s.span.clone(),
                format!("slug \"{}\" is not valid", s.value),
                if suggestion.is_empty() {
                    "a slug is lower-case letters and digits joined by single dashes, e.g. `knee-to-chest`".to_string()
                } else {
                    format!("a slug is lower-case letters and digits joined by single dashes: try `{suggestion}`")
                },
            );
            (suggestion, Some(s.span))
        }
        (_, Some(s)) if s.value.len() > slug::MAX_NAME_BYTES => {
            fields.error_at(
                s.span.clone(),
                format!(
                    "`slug` is {} characters long; a folder name takes at most {}",
                    s.value.len(),
                    slug::MAX_NAME_BYTES
                ),
                "shorten it: the slug names the page's folder in the output",
            );
            (s.value, Some(s.span))
        }
        (_, Some(s)) => (s.value, Some(s.span)),
        (_, None) => (slug::from_stem(&stem), None),
    };
    let (draft, aliases) = if kind == Kind::Home {
        (false, Vec::new())
    } else {
        let draft = fields.bool("draft").unwrap_or(false);
        let aliases = fields
            .string_list("aliases", 0..=usize::MAX, 0, None)
            .map(|a| a.value)
            .unwrap_or_default();
        (draft, aliases)
    };
    let extra = fields.extra("extra");
    let meta = Meta {
        file: file.clone(),
        file_name,
        slug,
        slug_span,
        title: title.unwrap_or_default(),
        draft,
        aliases,
        extra,
        body: split.body.clone(),
    };
    // An empty slug from the file name has no place in the file: the
    // diagnostic names the file. An explicit one is reported at its value
    // (empty, or not valid with no valid suggestion) already.
    if kind != Kind::Home && meta.slug.is_empty() && meta.slug_span.is_none() {
        let set = if meta.title.is_empty() && !fields.has("title") {
            "set `title` and `slug`"
        } else {
            "set `slug`"
        };
        let diagnostic = Diagnostic::error(format!(
            "{} gives an empty slug: its file name has no letters or digits of a–z and 0–9 after the number prefix",
            file.path.display()
        ))
        .in_file(&file.path)
        .help(format!(
            "rename the file so its name has letters a–z or digits 0–9 after the number prefix (other letters, such as `ü` or `背`, are left out of slugs), or {set}"
        ));
        fields.errors.push(diagnostic);
    }
    let slug = meta.slug.clone();
    let (slug_span, draft) = (meta.slug_span.clone(), meta.draft);
    let aliases = meta.aliases.clone();
    let has_role = fields.has("role");
    // The `image` of a stretch whose other keys are not all valid.
    let mut unread_image = None;
    let mut loaded = match kind {
        Kind::Home => {
            let description = fields.optional_text("description", 0);
            Some(Loaded::Home(Home { meta, description }))
        }
        Kind::Stretch => match Stretch::from_fields(meta, &mut fields) {
            Ok(stretch) => Some(Loaded::Stretch(stretch)),
            Err(image) => {
                unread_image = image;
                None
            }
        },
        Kind::Routine => Routine::from_fields(meta, &mut fields).map(Loaded::Routine),
        Kind::Page => Page::from_fields(meta, &mut fields).map(Loaded::Page),
    };
    let mut errors = fields.finish(keys);
    if errors.iter().any(Diagnostic::is_error) {
        // Enough of the file for the checks of slugs across files, and of
        // its aliases against every output. A slug that is not valid is
        // reported already, and its suggestion is no file's slug.
        let meta = (kind != Kind::Home && slug::is_valid(&slug)).then(|| Meta {
            file: file.clone(),
            file_name: file_name_of(path),
            slug: slug.clone(),
            slug_span,
            title: String::new(),
            draft,
            aliases: aliases.clone(),
            extra: serde_json::Value::Null,
            body: split.body.clone(),
        });
        let broken = match kind {
            Kind::Stretch => {
                let image = match loaded.take() {
                    Some(Loaded::Stretch(stretch)) => stretch.image.map(|image| BrokenImage {
                        file: stretch.meta.file,
                        image,
                    }),
                    _ => unread_image.map(|image| BrokenImage {
                        file: file.clone(),
                        image,
                    }),
                };
                Some(Loaded::BrokenStretch(slug, image))
            }
            Kind::Routine => {
                let routine = match loaded.take() {
                    Some(Loaded::Routine(routine)) => Some(routine),
                    _ => None,
                };
                Some(Loaded::BrokenRoutine(slug, routine))
            }
            Kind::Page => {
                let page = match loaded.take() {
                    Some(Loaded::Page(page)) => Some(page),
                    _ => None,
                };
                Some(Loaded::BrokenPage(has_role, page))
            }
            Kind::Home => None,
        };
        if meta.is_none() {
            // Not built, and not checked with the outputs: its aliases are
            // checked here on their own.
            for alias in &aliases {
                crate::site::alias_output(file, alias, &mut errors);
            }
        }
        (broken, meta, errors)
    } else {
        (loaded, None, errors)
    }
}

/// A content file's name, as its `Meta` keeps it.
fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The slug a content file gets from its file name.
fn stem_slug(path: &Path) -> String {
    slug::from_stem(&path.file_stem().unwrap_or_default().to_string_lossy())
}

/// The help for a draft left out of a build that something needs.
pub const PUBLISH_OR_PREVIEW: &str =
    "publish it (remove `draft`), or build with --drafts to preview it";

/// Generated top-level paths that page slugs may not take.
pub const RESERVED: &[&str] = &[
    "stretches",
    "routines",
    "positions",
    "targets",
    "handout",
    "404",
];

/// Slugs a stretch may not take: the library's later pages are
/// `stretches/page/N/`.
pub const STRETCH_RESERVED: &[&str] = &["page"];

/// Checks what spans files, counting what `broken` knows of the files with
/// errors of their own. `red_flags_unknown`: a page that failed to load may
/// be the red-flags page.
fn check_across_files(
    content: &mut Content,
    drafts: bool,
    broken: &BrokenFiles,
    red_flags_unknown: bool,
    problems: &mut Vec<Diagnostic>,
) {
    content
        .stretches
        .sort_by(|a, b| (&a.meta.file_name, &a.meta.slug).cmp(&(&b.meta.file_name, &b.meta.slug)));
    let by_weight = |w: Option<i64>, slug: &str| (w.is_none(), w.unwrap_or(0), slug.to_string());
    content
        .routines
        .sort_by_key(|r| by_weight(r.weight, &r.meta.slug));
    content
        .pages
        .sort_by_key(|p| by_weight(p.weight, &p.meta.slug));

    // Files with errors of their own last: a clash is reported at them.
    let broken_metas = |of: Kind| {
        broken
            .metas
            .iter()
            .filter(move |(kind, _)| *kind == of)
            .map(|(_, meta)| meta)
    };
    duplicates(
        content
            .stretches
            .iter()
            .map(|s| &s.meta)
            .chain(broken_metas(Kind::Stretch)),
        "stretch",
        STRETCH_RESERVED,
        problems,
    );
    duplicates(
        content
            .routines
            .iter()
            .map(|r| &r.meta)
            .chain(broken_metas(Kind::Routine)),
        "routine",
        &[],
        problems,
    );
    duplicates(
        content
            .pages
            .iter()
            .map(|p| &p.meta)
            .chain(broken_metas(Kind::Page)),
        "page",
        RESERVED,
        problems,
    );

    // Routines may only list stretches that exist and are published. Of two
    // stretches of one slug (an error reported above), a published one
    // answers: a draft duplicate must not make the routine fail as well.
    let mut stretches: BTreeMap<&str, &Stretch> = BTreeMap::new();
    for stretch in &content.stretches {
        let entry = stretches
            .entry(stretch.meta.slug.as_str())
            .or_insert(stretch);
        if entry.meta.draft && !stretch.meta.draft {
            *entry = stretch;
        }
    }
    let names: Vec<&str> = stretches.keys().copied().collect();
    for routine in content.routines.iter().chain(&broken.routines) {
        let mut seen = BTreeSet::new();
        for slug in &routine.stretches {
            if !seen.insert(slug.value.as_str()) {
                continue; // listed twice: reported with the routine
            }
            match stretches.get(slug.value.as_str()) {
                None if broken.stretches.contains(&slug.value) => {}
                None => {
                    let help = match closest(&slug.value, &names) {
                        Some(near) => format!("did you mean `{near}`? Stretches are named by slug (file name without the number prefix)"),
                        None => "stretches are named by slug: the file name without its number prefix and `.md`".to_string(),
                    };
                    problems.push(
                        routine
                            .meta
                            .file
                            .error(
                                slug.span.clone(),
                                format!("routine lists `{}`, which is not a stretch", slug.value),
                            )
                            .help(help),
                    );
                }
                Some(s) if s.meta.draft && !drafts && !routine.meta.draft => {
                    // As the stretch's own front matter spells it.
                    let opening = s
                        .meta
                        .file
                        .text
                        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
                    let draft = if opening.starts_with("---") {
                        "draft: true"
                    } else {
                        "draft = true"
                    };
                    problems.push(
                        routine
                            .meta
                            .file
                            .error(slug.span.clone(), format!("routine lists `{}`, which is a draft", slug.value))
                            .note(format!("{} has `{draft}`", s.meta.path().display()))
                            .help(format!("publish the stretch (remove `{draft}`) or take it out of the routine")),
                    )
                }
                Some(_) => {}
            }
        }
    }

    // Roles: exactly one red-flags page, at most one preparation page.
    for role in [Role::RedFlags, Role::Preparation] {
        // Pages with other errors count too: one run reports every problem.
        let mut with_role: Vec<&Page> = content
            .pages
            .iter()
            .chain(&broken.pages)
            .filter(|p| p.role == Some(role) && (drafts || !p.meta.draft))
            .collect();
        with_role.sort_by_key(|p| by_weight(p.weight, &p.meta.slug));
        if let [first, rest @ ..] = with_role.as_slice() {
            let role_at = |page: &Page| {
                page.role_span
                    .clone()
                    .map(|span| page.meta.file.locate(span))
            };
            let first_at = role_at(first).map_or_else(
                || first.meta.path().display().to_string(),
                |at| at.to_string(),
            );
            for other in rest {
                let diagnostic = Diagnostic::error(format!(
                    "more than one `{}` page: {} and {}",
                    role.name(),
                    first.meta.path().display(),
                    other.meta.path().display()
                ));
                let diagnostic = match role_at(other) {
                    Some(at) => diagnostic.at(at),
                    None => diagnostic.in_file(other.meta.path()),
                };
                problems.push(
                    diagnostic
                        .note(format!("the first `{}` page is {first_at}", role.name()))
                        .help("a site has one such page; remove `role` from one of them"),
                );
            }
        }
    }

    // A red-flags page left out as a draft is named in the error below.
    let draft_red_flags = content
        .pages
        .iter()
        .find(|p| p.meta.draft && !drafts && p.role == Some(Role::RedFlags))
        .map(|p| p.meta.path().display().to_string());
    if !drafts {
        content.draft_routines = content
            .routines
            .iter()
            .filter(|r| r.meta.draft)
            .map(|r| (r.meta.slug.clone(), r.meta.path().clone()))
            .collect();
        let drafts: Vec<&Meta> = content.metas().filter(|meta| meta.draft).collect();
        let unbuilt: Vec<Meta> = drafts
            .iter()
            .filter(|meta| !meta.aliases.is_empty())
            .map(|meta| (*meta).clone())
            .collect();
        content.left_out_drafts = drafts
            .iter()
            .map(|meta| crate::site::source_key(meta.path()))
            .collect();
        content.unbuilt_aliases.extend(unbuilt);
        content.stretches.retain(|s| !s.meta.draft);
        content.routines.retain(|r| !r.meta.draft);
        content.pages.retain(|p| !p.meta.draft);
    }
    match content.pages.iter().find(|p| p.role == Some(Role::RedFlags)) {
        None if !red_flags_unknown => {
            let diagnostic = Diagnostic::error("the site has no red-flags page");
            problems.push(match draft_red_flags {
                Some(path) => diagnostic
                    .note(format!("{path} has `role = \"red-flags\"` but is a draft, left out of the build"))
                    .help(PUBLISH_OR_PREVIEW),
                None => diagnostic.help("add a page with `role = \"red-flags\"` and its `handout_points`, e.g. content/when-to-get-help.md"),
            });
        }
        // Its points stand in the handout's red-flag box (SPEC §4), which
        // would be empty.
        Some(page) if page.handout_points.is_empty() => problems.push(
            Diagnostic::warning(format!(
                "the red-flags page {} has no `handout_points`: the handout's red-flag box is empty",
                page.meta.path().display()
            ))
            .in_file(page.meta.path())
            .help("list the signs to get help for, one short line each (at most 6, 80 characters each), in `handout_points`"),
        ),
        _ => {}
    }
}

/// Reports slugs taken twice within one kind, and slugs that collide with
/// generated paths.
fn duplicates<'a>(
    metas: impl Iterator<Item = &'a Meta>,
    what: &str,
    reserved: &[&str],
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, &Meta> = BTreeMap::new();
    for meta in metas {
        if meta.slug.is_empty() {
            continue;
        }
        if reserved.contains(&meta.slug.as_str()) {
            let diagnostic = Diagnostic::error(format!(
                "{what} slug `{}` of {} collides with a path the site generates",
                meta.slug,
                meta.path().display()
            ));
            let diagnostic = match &meta.slug_span {
                Some(span) => diagnostic.at(meta.file.locate(span.clone())),
                None => diagnostic.in_file(meta.path()),
            };
            problems.push(diagnostic.help(format!(
                "reserved: {}; set another `slug`",
                reserved.join(", ")
            )));
        }
        if let Some(first) = seen.get(meta.slug.as_str()) {
            let plural = match what {
                "stretch" => "stretches".to_string(),
                other => format!("{other}s"),
            };
            let diagnostic = Diagnostic::error(format!(
                "two {plural} have the slug `{}`: {} and {}",
                meta.slug,
                first.path().display(),
                meta.path().display()
            ));
            // At an explicit `slug` of either file; two slugs from file
            // names have no place but the file's name.
            let diagnostic = match (&meta.slug_span, &first.slug_span) {
                (Some(span), _) => diagnostic.at(meta.file.locate(span.clone())),
                (None, Some(span)) => diagnostic.at(first.file.locate(span.clone())),
                (None, None) => diagnostic.in_file(meta.path()),
            };
            problems.push(diagnostic.help("rename one file or set a different `slug`"));
        } else {
            seen.insert(&meta.slug, meta);
        }
    }
}

/// A helper for aliases and images: a relative path inside the output,
/// without `..`, empty or absolute parts.
pub fn clean_relative(path: &str) -> Option<String> {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for part in trimmed.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Spanned helper re-exported for other stages.
pub type SpannedString = Spanned<String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_controls_are_found_in_every_run_and_in_the_tail() {
        // Runs of 64: hits at a run's first and last byte, in the short tail,
        // and none among the allowed tab, line feed, form feed and return.
        let mut bytes = b"text\t\n\x0c\r".repeat(40);
        for at in [0, 63, 64, 130, bytes.len() - 1] {
            bytes[at] = if at % 2 == 0 { 0x01 } else { 0x7F };
        }
        let expected: Vec<usize> = (0..bytes.len())
            .filter(|&at| is_forbidden_control(bytes[at]))
            .collect();
        assert_eq!(expected, vec![0, 63, 64, 130, bytes.len() - 1]);
        assert_eq!(forbidden_controls(&bytes).collect::<Vec<_>>(), expected);
        assert_eq!(forbidden_controls(b"plain text\n").count(), 0);
        assert_eq!(forbidden_controls(b"").count(), 0);
    }

    #[test]
    fn walk_visits_folders_depth_first_with_siblings_sorted_by_name() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        // `-` and `.` sort before `/`: comparing whole paths byte by byte
        // would put `a-b.md` and `a.md` before `a/x.md`.
        for file in [
            "b.md", "a-b.md", "a.md", "a/x.md", "a/b/y.md", "A.md", "a/b.md",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
            fs::write(&path, "").expect("a file");
        }
        let mut errors = Vec::new();
        let found = walk(root, root, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let found: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            found,
            [
                "A.md", "a/b/y.md", "a/b.md", "a/x.md", "a-b.md", "a.md", "b.md"
            ]
        );
    }
}
