//! The preview build of `gen serve`: the whole site rendered into memory,
//! then rebuilt as inputs change, doing no more than the change needs:
//!
//! - Only Markdown bodies changed (front matter byte for byte the same): only
//!   those files' pages are rendered again. A body shows on its own page
//!   only; lists, routines, handouts, links and the checks across files all
//!   come from front matter. Nothing else is loaded.
//! - Only content files changed, and the site kept its shape (the same files,
//!   slugs, positions, targets, images, routine stretches; see [`Changed`]):
//!   the site is loaded and checked again, then only the pages that show
//!   those files are rendered ([`Selection::Content`]).
//! - Anything else: the site is loaded and checked again and every page's
//!   template context built, but a page whose context is the same as last
//!   time is not rendered again ([`PageCache`]).
//!
//! Templates are reloaded only when a template or a theme changed, or
//! `gen.toml` named another theme.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::Meta;
use crate::content::front_matter;
use crate::content::load::read_source;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::render::cache::PageCache;
use crate::render::{self, Changed, Selection};
use crate::site::{Site, StaticSource};
use crate::templates::{Templates, ThemeSource};

use super::memory::{Files, Memory};

/// What a rebuild covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole site was loaded and checked, and every page's context built.
    Site,
    /// The site was loaded and checked; the pages showing these content
    /// files (whose front matter changed) were rendered.
    Content(Vec<PathBuf>),
    /// Only the pages of these content files (their bodies changed).
    Pages(Vec<PathBuf>),
    /// Nothing that the build reads changed (an editor's scratch file came and went).
    Nothing,
}

/// What one build or rebuild did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was rebuilt.
    pub scope: Scope,
    /// Pages made (rendered, or taken unchanged from the cache).
    pub pages: usize,
    /// Files made.
    pub files: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
}

/// The site as `gen serve` builds it: in memory, with its current diagnostics.
pub struct Preview {
    root: PathBuf,
    drafts: bool,
    /// The site of the last load that succeeded, kept for quick rebuilds.
    site: Option<Site>,
    /// The templates and the theme they came from, kept until a template or
    /// a theme changes, or `gen.toml` names another theme.
    templates: Option<(Templates, ThemeSource)>,
    /// Rendered pages of these templates.
    cache: PageCache,
    /// Diagnostics of loading and checking (every one, when the load failed).
    load_problems: Vec<Diagnostic>,
    /// Site-wide diagnostics of the last full render.
    site_problems: Vec<Diagnostic>,
    /// Diagnostics of each render job, by job.
    parts: BTreeMap<String, (Option<PathBuf>, Vec<Diagnostic>)>,
    files: Arc<Files>,
    mount: String,
}

impl Preview {
    /// A preview of the site at `root` (an absolute path); nothing is built yet.
    pub fn new(root: PathBuf, drafts: bool) -> Preview {
        Preview {
            root,
            drafts,
            site: None,
            templates: None,
            cache: PageCache::new(),
            load_problems: Vec::new(),
            site_problems: Vec::new(),
            parts: BTreeMap::new(),
            files: Arc::new(Files::new()),
            mount: "/".to_string(),
        }
    }

    /// The built files. After a failed load these are the last good build's.
    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// Where the site is served: the path of `base_url` (`/back/`), or `/`.
    pub fn mount(&self) -> &str {
        &self.mount
    }

    /// Every current diagnostic, errors and warnings; a template error that
    /// many pages meet is one, as `gen build` prints it.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.load_problems.clone();
        all.extend(self.site_problems.iter().cloned());
        for (_, problems) in self.parts.values() {
            all.extend(problems.iter().cloned());
        }
        render::merge_repeated(all)
    }

    /// Whether the site currently fails to build.
    pub fn has_errors(&self) -> bool {
        self.load_problems
            .iter()
            .chain(&self.site_problems)
            .chain(self.parts.values().flat_map(|(_, p)| p))
            .any(Diagnostic::is_error)
    }

    /// Loads, checks and renders the whole site.
    pub fn build(&mut self) -> Outcome {
        self.rebuild(None)
    }

    /// Rebuilds after the files `changed` (absolute paths) changed.
    pub fn update(&mut self, changed: &BTreeSet<PathBuf>) -> Outcome {
        let start = Instant::now();
        let Some(patches) = self.body_changes(changed) else {
            return self.rebuild(Some(changed));
        };
        if patches.is_empty() {
            return Outcome {
                scope: Scope::Nothing,
                pages: 0,
                files: 0,
                elapsed: start.elapsed(),
            };
        }
        let (Some(site), Some((templates, _))) = (self.site.as_mut(), &self.templates) else {
            return self.rebuild(Some(changed));
        };
        let mut sources = Vec::new();
        for (path, file, body) in patches {
            if let Some(meta) = meta_mut(site, &path) {
                meta.file = file;
                meta.body = body;
                sources.push(path);
            }
        }
        let memory = Memory::new();
        let (_, parts) = render::render_parts(
            site,
            templates,
            &memory,
            Selection::Pages(&sources),
            Some(&self.cache),
            None,
            render::Teardown::Free,
        );
        let (pages, files) = self.merge(parts, memory);
        Outcome {
            scope: Scope::Pages(sources),
            pages,
            files,
            elapsed: start.elapsed(),
        }
    }

    /// Loads and checks the whole site again and renders what changed;
    /// `changed` (when known) tells whether the templates can be kept and
    /// whether only some stretches' pages need rendering.
    fn rebuild(&mut self, changed: Option<&BTreeSet<PathBuf>>) -> Outcome {
        let start = Instant::now();
        let keep_templates =
            changed.is_some_and(|c| !c.iter().any(|p| touches_templates(&self.root, p)));
        if !keep_templates {
            self.templates = None;
            self.cache = PageCache::new();
        }
        let (site, mut diagnostics) = Site::load(&self.root, self.drafts, None);
        if let Some(site) = &site {
            // `gen.toml` may name another theme.
            if !same_theme(self.templates.as_ref().map(|(_, theme)| theme), &site.theme) {
                self.templates = None;
                self.cache = PageCache::new();
            }
        }
        match (&site, &self.templates) {
            (Some(site), None) => match Templates::load(&self.root, &site.theme) {
                Ok(templates) => self.templates = Some((templates, site.theme.clone())),
                Err(errors) => diagnostics.extend(errors),
            },
            // The content has errors: the templates are checked all the
            // same, so that the page shows every problem, as `gen build`
            // does (a theme that cannot be found is among the errors).
            (None, _) => {
                if let Some(theme) = crate::site::configured_theme(&self.root) {
                    if let Err(errors) = Templates::load(&self.root, &theme) {
                        diagnostics.extend(errors);
                    }
                }
            }
            (Some(_), Some(_)) => {}
        }
        // The templates' warnings, at every rebuild while they hold, as
        // `gen build` prints them at every build.
        if let Some((templates, _)) = &self.templates {
            diagnostics.extend_from_slice(templates.warnings());
        }
        let (Some(site), Some((templates, _))) = (site, &self.templates) else {
            return self.failed(diagnostics, start);
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            return self.failed(diagnostics, start);
        }
        let quick = match (changed, &self.site) {
            (Some(changed), Some(old)) if self.site_problems.is_empty() => {
                changed_content(&self.root, old, &site, changed)
            }
            _ => None,
        };
        let memory = Memory::new();
        let (scope, pages, files) = match quick {
            Some(changed) if changed.is_empty() => (Scope::Nothing, 0, 0),
            Some(changed) => {
                let (_, parts) = render::render_parts(
                    &site,
                    templates,
                    &memory,
                    Selection::Content(&changed),
                    Some(&self.cache),
                    None,
                    render::Teardown::Free,
                );
                let (pages, files) = self.merge(parts, memory);
                let content = &site.content;
                let paths = (content
                    .home
                    .iter()
                    .filter(|_| changed.home)
                    .map(|h| &h.meta))
                .chain(
                    changed
                        .stretches
                        .iter()
                        .filter_map(|&i| content.stretches.get(i))
                        .map(|s| &s.meta),
                )
                .chain(
                    changed
                        .routines
                        .iter()
                        .filter_map(|&i| content.routines.get(i))
                        .map(|r| &r.meta),
                )
                .chain(
                    changed
                        .pages
                        .iter()
                        .filter_map(|&i| content.pages.get(i))
                        .map(|p| &p.meta),
                )
                .map(|meta| meta.path().clone())
                .collect();
                (Scope::Content(paths), pages, files)
            }
            None => {
                let (site_problems, parts) = render::render_parts(
                    &site,
                    templates,
                    &memory,
                    Selection::All,
                    Some(&self.cache),
                    None,
                    render::Teardown::Free,
                );
                let (pages, files) = count(&parts);
                self.site_problems = site_problems;
                self.parts = parts
                    .into_iter()
                    .map(|p| (p.job, (p.source, p.problems)))
                    .collect();
                self.files = Arc::new(memory.into_files());
                (Scope::Site, pages, files)
            }
        };
        self.load_problems = diagnostics;
        self.mount = site.config.base_path();
        self.site = Some(site);
        Outcome {
            scope,
            pages,
            files,
            elapsed: start.elapsed(),
        }
    }

    /// Takes the results of a partial render into the current build.
    fn merge(&mut self, parts: Vec<render::Part>, memory: Memory) -> (usize, usize) {
        let counted = count(&parts);
        for part in parts {
            self.parts.insert(part.job, (part.source, part.problems));
        }
        Arc::make_mut(&mut self.files).extend(memory.into_files());
        counted
    }

    /// Records a load that failed; the last good files stay served, where
    /// `gen.toml` (if it loads) says.
    fn failed(&mut self, diagnostics: Vec<Diagnostic>, start: Instant) -> Outcome {
        if let Ok(config) = Config::load(&self.root) {
            self.mount = config.base_path();
        }
        self.site = None;
        self.load_problems = diagnostics;
        self.site_problems.clear();
        self.parts.clear();
        Outcome {
            scope: Scope::Site,
            pages: 0,
            files: 0,
            elapsed: start.elapsed(),
        }
    }

    /// The new text of each changed content file when only bodies changed;
    /// `None` when the site must be loaded again.
    fn body_changes(
        &self,
        changed: &BTreeSet<PathBuf>,
    ) -> Option<Vec<(PathBuf, SourceFile, Range<usize>)>> {
        let site = self.site.as_ref()?;
        let mut patches = Vec::new();
        for path in changed {
            let relative = path.strip_prefix(&self.root).ok()?;
            let markdown = relative.extension().is_some_and(|e| e == "md");
            if !present(path) {
                if !markdown && !was_input(site, relative) {
                    continue;
                }
                return None;
            }
            if !markdown || !path.is_file() {
                return None;
            }
            let meta = site.content.metas().find(|m| m.path() == relative)?;
            let file = read_source(&self.root, path).ok()?;
            let split = front_matter::split(&file).ok()?;
            let start = meta.body.start;
            if split.format.is_none()
                || split.body.start != start
                || file.text.get(..start) != meta.file.text.get(..start)
            {
                return None;
            }
            patches.push((relative.to_path_buf(), file, split.body));
        }
        Some(patches)
    }
}

/// The content files whose text changed, when nothing but content files
/// changed and the site kept its shape (see [`Changed`]); `None` otherwise.
fn changed_content(
    root: &Path,
    old: &Site,
    new: &Site,
    changed: &BTreeSet<PathBuf>,
) -> Option<Changed> {
    for path in changed {
        let relative = path.strip_prefix(root).ok()?;
        let markdown =
            relative.starts_with("content") && relative.extension().is_some_and(|e| e == "md");
        if !markdown && (present(path) || was_input(old, relative)) {
            return None;
        }
    }
    let (before, after) = (&old.content, &new.content);
    fn same_files<'a>(
        a: impl Iterator<Item = &'a Meta>,
        b: impl Iterator<Item = &'a Meta>,
    ) -> bool {
        let (a, b): (Vec<&Meta>, Vec<&Meta>) = (a.collect(), b.collect());
        a.len() == b.len()
            && a.iter()
                .zip(&b)
                .all(|(a, b)| a.path() == b.path() && a.slug == b.slug)
    }
    if !same_files(
        before.stretches.iter().map(|s| &s.meta),
        after.stretches.iter().map(|s| &s.meta),
    ) || !same_files(
        before.routines.iter().map(|r| &r.meta),
        after.routines.iter().map(|r| &r.meta),
    ) || !same_files(
        before.pages.iter().map(|p| &p.meta),
        after.pages.iter().map(|p| &p.meta),
    ) || before.home.is_some() != after.home.is_some()
        || old.main_routine != new.main_routine
        || old.folders_key != new.folders_key
    {
        return None;
    }
    let mut result = Changed::default();
    for (i, (a, b)) in before.stretches.iter().zip(&after.stretches).enumerate() {
        if a.meta.file.text == b.meta.file.text {
            continue;
        }
        let image = |site: &Site| site.images.get(i).cloned().flatten().map(|im| im.path);
        if a.position != b.position || a.targets != b.targets || image(old) != image(new) {
            return None;
        }
        result.stretches.push(i);
    }
    for (i, (a, b)) in before.routines.iter().zip(&after.routines).enumerate() {
        if a.meta.file.text == b.meta.file.text {
            continue;
        }
        let slugs = |r: &crate::content::Routine| -> Vec<String> {
            r.stretches.iter().map(|s| s.value.clone()).collect()
        };
        let main = old.main_routine == Some(i);
        if slugs(a) != slugs(b) || (main && a.meta.title != b.meta.title) {
            return None;
        }
        result.routines.push(i);
    }
    for (i, (a, b)) in before.pages.iter().zip(&after.pages).enumerate() {
        if a.meta.file.text == b.meta.file.text {
            continue;
        }
        if a.role.is_some() || b.role.is_some() {
            return None;
        }
        result.pages.push(i);
    }
    if let (Some(a), Some(b)) = (&before.home, &after.home) {
        result.home = a.meta.file.text != b.meta.file.text;
    }
    Some(result)
}

fn count(parts: &[render::Part]) -> (usize, usize) {
    parts.iter().fold((0, 0), |(pages, files), p| {
        (pages + p.stats.pages, files + p.stats.files)
    })
}

fn meta_mut<'a>(site: &'a mut Site, path: &Path) -> Option<&'a mut Meta> {
    site.content.metas_mut().find(|m| m.path() == path)
}

/// Whether a change can change the templates: anything under `templates/`
/// or `themes/`, or the whole site. (`gen.toml` can name another theme,
/// which [`same_theme`] notices.)
fn touches_templates(root: &Path, path: &Path) -> bool {
    match path.strip_prefix(root) {
        Ok(relative) => {
            relative.as_os_str().is_empty()
                || relative.starts_with("templates")
                || relative.starts_with("themes")
        }
        Err(_) => true,
    }
}

/// Whether the templates loaded for `loaded` serve the theme `now`.
fn same_theme(loaded: Option<&ThemeSource>, now: &ThemeSource) -> bool {
    match (loaded, now) {
        (Some(ThemeSource::BuiltIn), ThemeSource::BuiltIn) => true,
        (Some(ThemeSource::Folder(a)), ThemeSource::Folder(b)) => a == b,
        _ => false,
    }
}

/// Whether something is at `path`: a file, a folder, or a symbolic link,
/// even one that cannot be followed. (`Path::exists` follows links, so a
/// broken link saved while serving looked like a scratch file that came and
/// went, and the build error that `gen build` reports for it never showed.)
fn present(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Whether a path that no longer exists was read by the last build, or is a
/// folder that held something it read (a folder moved out of the site, to
/// the trash say, is seen to go, not the files in it). Editors' scratch
/// files (such as Vim's `4913`) come and go without being read.
fn was_input(site: &Site, relative: &Path) -> bool {
    if let Ok(inside) = relative.strip_prefix("content") {
        return site.content.metas().any(|m| m.path().starts_with(relative))
            || site.content.assets.iter().any(|a| a.starts_with(inside));
    }
    if relative.starts_with("static") {
        let path = site.root.join(relative);
        return site
            .statics
            .values()
            .any(|s| matches!(s, StaticSource::File(f) if f.starts_with(&path)));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> (tempfile::TempDir, PathBuf) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editor");
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let Ok(relative) = entry.path().strip_prefix(&from) else {
                continue;
            };
            let to = dir.path().join(relative);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap_or_else(|e| panic!("{e}"));
            } else {
                std::fs::copy(entry.path(), &to).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        let root = crate::output::resolve(dir.path());
        (dir, root)
    }

    /// What a fresh, full build of the site makes.
    fn full_build(root: &Path) -> Files {
        let (site, templates, _) = crate::cmd::build::load(root, false, None)
            .unwrap_or_else(|e| panic!("{:?}", e.diagnostics()));
        let memory = Memory::new();
        let (_, problems) =
            render::render_site(&site, &templates, &memory, None, render::Teardown::Free);
        assert!(!problems.iter().any(Diagnostic::is_error), "{problems:?}");
        memory.into_files()
    }

    fn edit(root: &Path, path: &str, from: &str, to: &str) -> BTreeSet<PathBuf> {
        let file = root.join(path);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(text.contains(from), "{path} has no {from:?}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap_or_else(|e| panic!("{e}"));
        [file].into_iter().collect()
    }

    fn same_files(preview: &Preview, root: &Path, what: &str) {
        let expected = full_build(root);
        let got = preview.files();
        let mut missing: Vec<&String> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
        let mut extra: Vec<&String> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
        let mut different: Vec<&String> = expected
            .iter()
            .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
            .map(|(k, _)| k)
            .collect();
        missing.sort();
        extra.sort();
        different.sort();
        assert!(
            missing.is_empty() && extra.is_empty() && different.is_empty(),
            "after {what}: missing {missing:?}, extra {extra:?}, different {different:?}"
        );
    }

    #[test]
    fn every_kind_of_rebuild_matches_a_full_build() {
        let (_dir, root) = fixture();
        let mut preview = Preview::new(root.clone(), false);
        let outcome = preview.build();
        assert_eq!(outcome.scope, Scope::Site);
        assert!(!preview.has_errors(), "{:?}", preview.diagnostics());
        same_files(&preview, &root, "the first build");

        let stretch = "content/stretches/02-pelvic-tilt.md";
        let cases = [
            (
                stretch,
                "A small rocking movement.",
                "A small, slow rocking movement.",
                "body",
            ),
            (
                stretch,
                "title = \"Pelvic tilt\"",
                "title = \"Pelvic rock\"",
                "content",
            ),
            (
                stretch,
                "cue = \"On your back,",
                "cue = \"Lying on your back,",
                "content",
            ),
            (
                "content/stretches/01-knee-to-chest.md",
                "summary = \"Draw one knee toward your chest.\"",
                "summary = \"Hug one knee.\"",
                "content",
            ),
            (
                "content/routines/morning.md",
                "[\"knee-to-chest\", \"pelvic-tilt\", \"press-up\"]",
                "[\"pelvic-tilt\", \"knee-to-chest\", \"press-up\"]",
                "site",
            ),
            (
                "content/stretches/03-press-up.md",
                "position = \"prone\"",
                "position = \"supine\"",
                "site",
            ),
            ("content/_index.md", "Start with", "Begin with", "body"),
            (
                "content/routines/morning.md",
                "summary = \"Three gentle stretches in bed.\"",
                "summary = \"Three stretches.\"",
                "content",
            ),
            (
                "content/routines/morning.md",
                "title = \"Morning routine\"",
                "title = \"Morning\"",
                "site",
            ),
            (
                "content/when-to-get-help.md",
                "description = \"Signs that need a doctor.\"",
                "description = \"Signs.\"",
                "site",
            ),
            (
                "gen.toml",
                "title = \"Editor fixture\"",
                "title = \"Edited\"",
                "site",
            ),
        ];
        for (path, from, to, kind) in cases {
            let changed = edit(&root, path, from, to);
            let outcome = preview.update(&changed);
            let scope = match outcome.scope {
                Scope::Pages(_) => "body",
                Scope::Content(_) => "content",
                Scope::Site => "site",
                Scope::Nothing => "nothing",
            };
            assert_eq!(scope, kind, "{path}: {from} → {to}");
            assert!(!preview.has_errors(), "{:?}", preview.diagnostics());
            same_files(&preview, &root, &format!("{path}: {from} → {to}"));
        }

        // gen.toml names another theme: its templates are loaded.
        let templates = root.join("themes/mine/templates");
        std::fs::create_dir_all(&templates).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(templates.join("404.html"), "<!DOCTYPE html>\n<p>Lost</p>\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let changed = edit(
            &root,
            "gen.toml",
            "title = \"Edited\"",
            "title = \"Edited\"\ntheme = \"mine\"",
        );
        preview.update(&changed);
        same_files(&preview, &root, "a new theme");
        let not_found = preview
            .files()
            .get("404.html")
            .cloned()
            .unwrap_or_else(|| Arc::from(&b""[..]));
        assert!(String::from_utf8_lossy(&not_found).contains("Lost"));
    }

    #[test]
    fn a_broken_edit_fails_and_its_fix_recovers() {
        let (_dir, root) = fixture();
        let mut preview = Preview::new(root.clone(), false);
        preview.build();
        let path = "content/stretches/02-pelvic-tilt.md";
        let changed = edit(&root, path, "hold = \"3 to 5 s\"", "hold = \"forever\"");
        preview.update(&changed);
        assert!(preview.has_errors());
        let located = preview.diagnostics().iter().any(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| l.path == Path::new(path) && l.line == 4)
        });
        assert!(located, "{:?}", preview.diagnostics());
        edit(&root, path, "hold = \"forever\"", "hold = \"3 to 5 s\"");
        preview.update(&changed);
        assert!(!preview.has_errors(), "{:?}", preview.diagnostics());
        same_files(&preview, &root, "the fix");
        // A scratch file that came and went changes nothing.
        let scratch: BTreeSet<PathBuf> =
            [root.join("content/stretches/4913")].into_iter().collect();
        assert_eq!(preview.update(&scratch).scope, Scope::Nothing);
    }
}
