//! The site: configuration, content, theme and static files loaded and
//! cross-checked into one model ([`Site`]), which `render` turns into pages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::config::Config;
use crate::config::theme::ThemeInfo;
use crate::content::fields::Spanned;
use crate::content::load::{clean_relative, walk};
use crate::content::{self, Content, Position, Role};
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::embedded;
use crate::templates::ThemeSource;

mod paths;
pub(crate) use paths::alias_output;

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// Built into the binary.
    Embedded(&'static [u8]),
    /// A file on disk.
    File(PathBuf),
}

/// A resolved stretch illustration.
#[derive(Debug, Clone)]
pub struct Image {
    /// Site path of the image (`stretches/<slug>/x.svg`, `illustrations/supine.svg`).
    pub path: String,
    /// A file beside the stretch to copy to `path`.
    pub copy_from: Option<PathBuf>,
}

/// A taxonomy term (a position or a target) and its stretches.
#[derive(Debug, Clone)]
pub struct Term {
    /// As written (the first spelling met).
    pub name: String,
    /// Shown to readers.
    pub label: String,
    /// URL name.
    pub slug: String,
    /// Indexes into `content.stretches`, in library order.
    pub stretches: Vec<usize>,
}

/// What a content file resolves to, for links by source path.
#[derive(Debug, Clone)]
pub struct Target {
    /// Site path of the page (`stretches/knee-to-chest/index.html`).
    pub path: String,
    /// Heading ids are checked by `gen check`; kept here by source.
    pub source: PathBuf,
}

/// A loaded, cross-checked site.
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// `gen.toml`.
    pub config: Config,
    /// `content/`.
    pub content: Content,
    /// Where the theme comes from.
    pub theme: ThemeSource,
    /// The theme's `theme.toml`, when its folder has one.
    pub theme_info: Option<ThemeInfo>,
    /// Output path → source of every static file (theme, then site).
    pub statics: BTreeMap<String, StaticSource>,
    /// Index of the main routine in `content.routines`.
    pub main_routine: Option<usize>,
    /// Stretch slug → index.
    pub stretch_by_slug: HashMap<String, usize>,
    /// Content-relative source path (`stretches/01-a.md`) → page.
    pub targets: HashMap<String, Target>,
    /// Per stretch: its illustration.
    pub images: Vec<Option<Image>>,
    /// Per stretch: the routines that hold it, by weight.
    pub routines_of: Vec<Vec<usize>>,
    /// Per stretch: the routine whose order previous/next follow.
    pub sequence_of: Vec<Option<usize>>,
    /// Position terms, in the order of [`Position::ALL`].
    pub positions: Vec<Term>,
    /// Target terms, by slug.
    pub target_terms: Vec<Term>,
    /// Index of the red-flags page in `content.pages`.
    pub red_flags: Option<usize>,
    /// Index of the preparation page in `content.pages`.
    pub preparation: Option<usize>,
    /// A hash of the output folders that hold an `index.html`, in the order
    /// the build makes them: a body's link to such a folder is written as
    /// its `index.html` (see [`Site::has_index`]), so a body depends on them.
    pub folders_key: u64,
    /// Those folders (`stretches`, `` for the root), gathered when a body
    /// first links to a folder: most sites never do.
    index_folders: OnceLock<HashSet<String>>,
}

impl Site {
    /// Hashes where each content file is published (its source path and
    /// its page), in a fixed order, and which output folders hold an
    /// `index.html`: a link between content files renders as the page it
    /// leads to, and a link to a folder as its `index.html`, so a rendered
    /// body depends on all of it.
    pub fn hash_link_targets<H: std::hash::Hasher>(&self, state: &mut H) {
        use std::hash::Hash;
        let mut targets: Vec<(&String, &String)> =
            self.targets.iter().map(|(k, t)| (k, &t.path)).collect();
        targets.sort_unstable();
        targets.hash(state);
        self.folders_key.hash(state);
    }

    /// Loads everything under `root` and checks it. Returns the site (when it
    /// has no errors) and every diagnostic, warnings included.
    pub fn load(
        root: &Path,
        drafts: bool,
        base_url: Option<&str>,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        // The valid keys of a gen.toml with errors still count, so that the
        // rest of the site is checked as it will be built.
        let (mut config, config_problems) = Config::load_partial(root);
        problems.extend(config_problems);
        if let Some(url) = base_url {
            match crate::config::normalize_base_url(url) {
                Ok(url) => config.base_url = url,
                Err(help) => problems.push(
                    Diagnostic::error(format!("--base-url \"{url}\" is not a web address"))
                        .help(help),
                ),
            }
        }
        // Point at the `theme` value in gen.toml.
        let at_theme = |diagnostic: Diagnostic| match (&config.file, &config.theme_span) {
            (Some(file), Some(span)) => diagnostic.at(file.locate(span.clone())),
            _ => diagnostic,
        };
        let theme = match theme_source(root, &config.theme) {
            Ok(theme) => Some(theme),
            Err(diagnostic) => {
                problems.push(at_theme(diagnostic));
                None
            }
        };
        if let Some(ThemeSource::Folder(dir)) = &theme {
            if is_empty_folder(dir) {
                // A theme added as a Git submodule and not checked out
                // (`git clone` without `--recurse-submodules`) is an empty
                // folder: the site would silently look like the default.
                problems.push(at_theme(
                    Diagnostic::warning(format!(
                        "theme `{}`: themes/{}/ is empty, so the site is built with the built-in theme",
                        config.theme, config.theme
                    ))
                    .in_file("gen.toml")
                    .help("if the theme is a Git submodule, fetch it with `git submodule update --init`; else put its theme.toml, templates/, static/ and archetypes/ there"),
                ));
            }
        }
        let theme_info = match &theme {
            Some(ThemeSource::Folder(dir)) => {
                let (info, theme_problems) = ThemeInfo::load(root, dir);
                problems.extend(theme_problems);
                info
            }
            _ => None,
        };
        let (content, content_problems) = content::load(root, drafts);
        problems.extend(content_problems);
        // Without its theme the site is still checked (with the built-in
        // theme's files), so that one run reports every problem; it is not
        // built, as the theme's error is among the problems.
        let theme = theme.unwrap_or(ThemeSource::BuiltIn);
        let statics = static_files(root, &theme, &mut problems);
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            content,
            theme,
            theme_info,
            statics,
            main_routine: None,
            stretch_by_slug: HashMap::new(),
            targets: HashMap::new(),
            images: Vec::new(),
            routines_of: Vec::new(),
            sequence_of: Vec::new(),
            positions: Vec::new(),
            target_terms: Vec::new(),
            red_flags: None,
            preparation: None,
            folders_key: 0,
            index_folders: OnceLock::new(),
        };
        site.connect(&mut problems);
        if problems.iter().any(Diagnostic::is_error) {
            // The site is not rendered, which is where links are resolved.
            problems.extend(crate::render::link_problems(&site));
            (None, problems)
        } else {
            (Some(site), problems)
        }
    }

    fn connect(&mut self, problems: &mut Vec<Diagnostic>) {
        let content = &self.content;
        self.stretch_by_slug = content
            .stretches
            .iter()
            .enumerate()
            .map(|(i, s)| (s.meta.slug.clone(), i))
            .collect();
        self.red_flags = content
            .pages
            .iter()
            .position(|p| p.role == Some(Role::RedFlags));
        self.preparation = content
            .pages
            .iter()
            .position(|p| p.role == Some(Role::Preparation));

        // The main routine.
        self.main_routine = match &self.config.main_routine {
            Some((slug, span)) => {
                let found = content.routines.iter().position(|r| &r.meta.slug == slug);
                // A routine with errors of its own is reported already, and
                // so is a site without content/ (no routine at all).
                if found.is_none()
                    && !content.broken_routines.contains(slug)
                    && self.root.join("content").is_dir()
                {
                    let names: Vec<&str> = content
                        .routines
                        .iter()
                        .map(|r| r.meta.slug.as_str())
                        .collect();
                    let mut diagnostic = Diagnostic::error(format!(
                        "`handout.routine` names `{slug}`, which is not a published routine"
                    ));
                    if let (Some(file), Some(span)) = (&self.config.file, span) {
                        diagnostic = diagnostic.at(file.locate(span.clone()));
                    }
                    let help = if let Some(path) = content.draft_routines.get(slug) {
                        diagnostic = diagnostic.note(format!(
                            "{} is a draft, left out of the build",
                            path.display()
                        ));
                        crate::content::load::PUBLISH_OR_PREVIEW.to_string()
                    } else if names.is_empty() {
                        "the site has no published routine; add one to content/routines/ or remove `handout.routine`".to_string()
                    } else {
                        format!("routines: {}", crate::diagnostics::code_list(&names))
                    };
                    problems.push(diagnostic.help(help));
                }
                found
            }
            None => (!content.routines.is_empty()).then_some(0),
        };
        // Without content/ at all, that error says it all.
        if content.routines.is_empty()
            && content.broken_routines.is_empty()
            && self.root.join("content").is_dir()
        {
            problems.push(
                Diagnostic::warning("the site has no routine, so no handout is written").help(
                    "add a routine to content/routines/, e.g. with `gen new routine \"Morning\"`",
                ),
            );
        }

        // Routines of each stretch, and which one previous/next follow.
        self.routines_of = vec![Vec::new(); content.stretches.len()];
        for (r, routine) in content.routines.iter().enumerate() {
            for slug in &routine.stretches {
                if let Some(&s) = self.stretch_by_slug.get(&slug.value) {
                    self.routines_of[s].push(r);
                }
            }
        }
        self.sequence_of = self
            .routines_of
            .iter()
            .map(|held_by| match self.main_routine {
                Some(main) if held_by.contains(&main) => Some(main),
                _ => held_by.first().copied(),
            })
            .collect();

        // Three independent parts, run side by side; their messages keep
        // this order.
        let mut image_problems = Vec::new();
        let mut term_problems = Vec::new();
        let ((targets, images), (positions, target_terms)) = rayon::join(
            || rayon::join(|| self.link_targets(), || self.images(&mut image_problems)),
            || self.taxonomies(&mut term_problems),
        );
        self.targets = targets;
        self.images = images;
        self.positions = positions;
        self.target_terms = target_terms;
        problems.extend(image_problems);
        problems.extend(term_problems);

        self.folders_key = self.check_paths(problems);
    }

    /// Every content file's page by its source path, for links between
    /// content files.
    fn link_targets(&self) -> HashMap<String, Target> {
        let content = &self.content;
        let mut targets = HashMap::with_capacity(
            content.stretches.len() + content.routines.len() + content.pages.len() + 1,
        );
        let mut add = |meta: &content::Meta, path: String| {
            let source = source_key(meta.path());
            targets.insert(
                source,
                Target {
                    path,
                    source: meta.path().clone(),
                },
            );
        };
        if let Some(home) = &content.home {
            add(&home.meta, "index.html".to_string());
        }
        for s in &content.stretches {
            add(&s.meta, stretch_path(&s.meta.slug));
        }
        for r in &content.routines {
            add(&r.meta, routine_path(&r.meta.slug));
        }
        for p in &content.pages {
            add(&p.meta, page_path(&p.meta.slug));
        }
        targets
    }

    /// Each stretch's illustration: its own file, or the drawing of its
    /// position when the theme has one.
    fn images(&self, problems: &mut Vec<Diagnostic>) -> Vec<Option<Image>> {
        let content = &self.content;
        let images = content
            .stretches
            .iter()
            .map(|s| {
                let Some(image) = &s.image else {
                    let fallback = format!("illustrations/{}.svg", s.position.name());
                    return self.statics.contains_key(&fallback).then_some(Image {
                        path: fallback,
                        copy_from: None,
                    });
                };
                self.image_of(&s.meta.file, &s.meta.slug, image, problems)
            })
            .collect();
        for broken in &content.broken_images {
            self.image_of(&broken.file, "", &broken.image, problems);
        }
        images
    }

    /// Reports an image whose bytes are not what its name says: a PNG starts
    /// with PNG's signature, an SVG has an `<svg` element near its start.
    fn check_image_kind(
        &self,
        file: &SourceFile,
        image: &Spanned<String>,
        lower: &str,
        from: &Path,
        problems: &mut Vec<Diagnostic>,
    ) {
        use std::io::Read;
        let mut head = Vec::with_capacity(4096);
        let read = std::fs::File::open(from).and_then(|f| f.take(4096).read_to_end(&mut head));
        let (kind, fits) = if lower.ends_with(".png") {
            ("a PNG", head.starts_with(b"\x89PNG\r\n\x1a\n"))
        } else {
            let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
            ("an SVG", text.contains("<svg"))
        };
        let why = match read {
            Err(e) => format!("cannot be read: {e}"),
            Ok(_) if !fits => format!("is not {kind} image"),
            Ok(_) => return,
        };
        let value = image.value.trim();
        problems.push(
            file.error(image.span.clone(), format!("image \"{value}\" {why}"))
                .note(format!("the file is {}", content::load::display(&self.root, from).display()))
                .help("give a real .png or .svg file (an SVG starts with `<svg` or an XML declaration before it)"),
        );
    }

    /// Resolves the `image` a stretch names: beside it, or under static/.
    fn image_of(
        &self,
        file: &SourceFile,
        slug: &str,
        image: &Spanned<String>,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Image> {
        let content = &self.content;
        let value = image.value.trim();
        let lower = value.to_ascii_lowercase();
        if !(lower.ends_with(".svg") || lower.ends_with(".png")) {
            problems.push(
                file.error(
                    image.span.clone(),
                    format!("image \"{value}\" is not an SVG or PNG file"),
                )
                .help("use an .svg or .png file beside the stretch or under static/"),
            );
            return None;
        }
        let Some(clean) = clean_relative(value) else {
            problems.push(
                file.error(
                    image.span.clone(),
                    format!("image \"{value}\" is not a path inside the site"),
                )
                .help("give a file name beside the stretch, or a path under static/ without `..`"),
            );
            return None;
        };
        let beside = PathBuf::from("stretches").join(&clean);
        if !value.starts_with('/') && content.assets.contains(&beside) {
            let name = Path::new(&clean)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let from = self.root.join("content").join(beside);
            self.check_image_kind(file, image, &lower, &from, problems);
            return Some(Image {
                path: format!("stretches/{slug}/{name}"),
                copy_from: Some(from),
            });
        }
        if let Some(source) = self.statics.get(&clean) {
            if let StaticSource::File(from) = source {
                self.check_image_kind(file, image, &lower, from, problems);
            }
            return Some(Image {
                path: clean,
                copy_from: None,
            });
        }
        // A symbolic link there that the walk refused (it points outside the
        // site, or nowhere) is reported already, naming the link.
        let refused_link = |path: PathBuf| {
            path.symlink_metadata()
                .is_ok_and(|meta| meta.file_type().is_symlink())
        };
        if refused_link(self.root.join("content").join(&beside))
            || refused_link(self.root.join("static").join(&clean))
        {
            return None;
        }
        problems.push(
            file
                .error(image.span.clone(), format!("image \"{value}\" is not found"))
                .help(format!(
                    "put the file beside the stretch (content/stretches/{clean}) or under static/ (static/{clean})"
                )),
        );
        None
    }

    /// The position and target terms, each with its stretches.
    fn taxonomies(&self, problems: &mut Vec<Diagnostic>) -> (Vec<Term>, Vec<Term>) {
        let content = &self.content;
        let mut positions = Vec::new();
        for position in Position::ALL {
            let stretches: Vec<usize> = (0..content.stretches.len())
                .filter(|&i| content.stretches[i].position == position)
                .collect();
            if !stretches.is_empty() {
                positions.push(Term {
                    name: position.name().to_string(),
                    label: position.label().to_string(),
                    slug: position.name().to_string(),
                    stretches,
                });
            }
        }
        let mut targets: BTreeMap<String, Term> = BTreeMap::new();
        let mut clashes = std::collections::HashSet::new();
        // Where each target is written.
        let at = |stretch: &content::Stretch, k: usize| {
            stretch
                .target_spans
                .get(k)
                .map(|span| stretch.meta.file.locate(span.clone()))
        };
        let mut first_at: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (i, s) in content.stretches.iter().enumerate() {
            for (k, target) in s.targets.iter().enumerate() {
                let slug = content::slug::slugify(target);
                if slug.is_empty() {
                    problems.push(
                        Diagnostic::error(format!(
                            "target \"{target}\" of {} has no letters or digits of a–z and 0–9 to name its page by",
                            s.meta.path().display()
                        ))
                        .in_file(s.meta.path())
                        .help("name the muscle or region in words, e.g. \"lower back\""),
                    );
                    continue;
                }
                let term = targets.entry(slug.clone()).or_insert_with(|| Term {
                    name: target.clone(),
                    label: target.clone(),
                    slug: slug.clone(),
                    stretches: Vec::new(),
                });
                first_at.entry(slug.clone()).or_insert((i, k));
                // Spellings that differ in more than case, with one slug,
                // would share a page: an error at the second, naming where
                // the first is written (once per spelling).
                if content::slug::fold_case(&term.name) != content::slug::fold_case(target) {
                    if clashes.insert((slug.clone(), content::slug::fold_case(target))) {
                        let first = first_at
                            .get(&slug)
                            .and_then(|&(f, fk)| {
                                let stretch = content.stretches.get(f)?;
                                Some(match at(stretch, fk) {
                                    Some(location) => location.to_string(),
                                    None => stretch.meta.path().display().to_string(),
                                })
                            })
                            .unwrap_or_default();
                        let diagnostic = Diagnostic::error(format!(
                            "target \"{target}\" of {} and target \"{}\" of {first} both make the term page targets/{slug}/",
                            s.meta.path().display(),
                            term.name,
                        ));
                        let diagnostic = match at(s, k) {
                            Some(location) => diagnostic.at(location),
                            None => diagnostic.in_file(s.meta.path()),
                        };
                        problems.push(diagnostic.help("terms that differ only in case are one term; write one spelling, or make them differ in letters or digits"));
                    }
                    continue;
                }
                if term.stretches.last() != Some(&i) {
                    term.stretches.push(i);
                }
            }
        }
        (positions, targets.into_values().collect())
    }

    /// The pages of the main routine's handout, with their content.
    pub fn page_role(&self, role: Role) -> Option<&content::Page> {
        let index = match role {
            Role::RedFlags => self.red_flags,
            Role::Preparation => self.preparation,
        }?;
        self.content.pages.get(index)
    }
}

/// Site path of the redirect from page 1 of a paginated list at `base`
/// (`stretches`, `targets/core`) to its first page:
/// `stretches/page/1/index.html`, as Zola and Hugo write.
pub fn first_page_redirect_path(base: &str) -> String {
    format!("{base}/page/1/index.html")
}

/// Site path of a stretch page.
pub fn stretch_path(slug: &str) -> String {
    format!("stretches/{slug}/index.html")
}

/// Site path of a routine page.
pub fn routine_path(slug: &str) -> String {
    format!("routines/{slug}/index.html")
}

/// `content/stretches/01-a.md` → `stretches/01-a.md`, the key of `Site::targets`.
pub fn source_key(path: &Path) -> String {
    path.strip_prefix("content")
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The key under `content/` (as [`source_key`] gives) of `path`, a link
/// written in a file of the content folder `folder` (`stretches`), or from
/// `content/` itself when `from_root` (`@/…`). `None` when its `..` leave
/// `content/`.
pub fn content_key(folder: &Path, path: &str, from_root: bool) -> Option<String> {
    let joined = if from_root {
        PathBuf::from(path)
    } else {
        folder.join(path)
    };
    let mut parts: Vec<String> = Vec::new();
    for part in joined.iter() {
        match part.to_string_lossy().as_ref() {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part.to_string()),
        }
    }
    Some(parts.join("/"))
}

/// Site path of a routine's handout.
pub fn handout_path(slug: &str) -> String {
    format!("routines/{slug}/handout/index.html")
}

/// Site path of an ordinary page.
pub fn page_path(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// An alias as the path a host looks up: percent-escapes decoded, as a
/// server decodes the request (`/r%C3%BCcken/` is the folder `rücken/`,
/// `/a%20b/` the folder `a b/`). An alias with a malformed escape, or
/// escapes that are not UTF-8, is kept as written.
pub fn decode_alias(alias: &str) -> String {
    crate::serve::http::percent_decode(alias).unwrap_or_else(|| alias.to_string())
}

/// Site path of an alias's redirect page (`old/x` → `old/x/index.html`,
/// `x.html` stays), from the alias cleaned and as `written` (decoded): one
/// written with a final `/` names a folder, even `/x.html/`.
pub fn alias_path(clean: &str, written: &str) -> String {
    if !written.trim_end().ends_with('/') && (clean.ends_with(".html") || clean.ends_with(".htm")) {
        clean.to_string()
    } else {
        format!("{clean}/index.html")
    }
}

/// Checks that the site folder `root` is there and is a folder, before
/// anything is read from it or made beside it: a mistyped `--root` is one
/// clear error, not a list of what the missing site lacks.
pub fn require_root(root: &Path) -> Result<(), Diagnostic> {
    let help = "pass the folder that holds the site's content/ with --root DIR, or make a new site with `gen init DIR`";
    match std::fs::metadata(root) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Diagnostic::error(format!(
            "the site folder {} is a file, not a folder",
            root.display()
        ))
        .help(help)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(Diagnostic::error(format!(
            "the site folder {} does not exist",
            root.display()
        ))
        .help(help)),
        Err(err) => Err(Diagnostic::error(format!(
            "cannot open the site folder {}: {err}",
            root.display()
        ))
        .help(crate::files::help_for(
            &err,
            "check the folder's permissions",
        ))),
    }
}

/// The theme `gen.toml` names, read even when `gen.toml` has other errors
/// (then the default), so that its templates are checked in the same run;
/// `None` when it cannot be found (an error `Site::load` reports).
pub fn configured_theme(root: &Path) -> Option<ThemeSource> {
    let (config, _) = Config::load_partial(root);
    theme_source(root, &config.theme).ok()
}

/// Where the theme `name` of the site at `root` comes from: its folder under
/// `themes/`, else the built-in theme for `default`.
pub fn theme_source(root: &Path, name: &str) -> Result<ThemeSource, Diagnostic> {
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(Diagnostic::error(format!(
            "theme `{name}` is a path; a theme is named by its folder under themes/"
        ))
        .in_file("gen.toml")
        .help("move or copy the theme into themes/ and give its folder's name, e.g. `theme = \"calm\"` for themes/calm/"));
    }
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        // Nothing escapes (SPEC §7): a theme folder reached through a
        // symbolic link out of the site (`themes/` or `themes/<name>`, or
        // a `theme` such as `../../x`) is an error, as in content/.
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        return match dir.canonicalize() {
            Ok(target) if !target.starts_with(&canonical_root) => Err(Diagnostic::error(format!(
                "theme folder themes/{name} points outside the site, to {}",
                target.display()
            ))
            .in_file(format!("themes/{name}"))
            .help("copy the theme into the site's themes/ folder instead of linking to it")),
            _ => Ok(ThemeSource::Folder(dir)),
        };
    }
    if name == "default" {
        return Ok(ThemeSource::BuiltIn);
    }
    Err(Diagnostic::error(format!(
        "theme `{name}` is not found: there is no folder themes/{name}/"
    ))
    .in_file("gen.toml")
    .help(
        "set `theme = \"default\"` for the built-in theme, or add the theme's folder under themes/",
    ))
}

/// Whether `dir` holds no file but hidden ones (`.git`, `.DS_Store`), at
/// any depth: a theme of empty `templates/` and `static/` folders is as
/// empty as a submodule not checked out.
fn is_empty_folder(dir: &Path) -> bool {
    dir.is_dir()
        && !walkdir::WalkDir::new(dir)
            .max_depth(8)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .flatten()
            .any(|entry| !entry.file_type().is_dir())
}

fn static_files(
    root: &Path,
    theme: &ThemeSource,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, StaticSource> {
    let mut statics = BTreeMap::new();
    for (path, bytes) in embedded::THEME {
        if let Some(rest) = path.strip_prefix("static/") {
            statics.insert(rest.to_string(), StaticSource::Embedded(bytes));
        }
    }
    let mut add_dir = |dir: PathBuf, statics: &mut BTreeMap<String, StaticSource>| {
        if dir.exists() && !dir.is_dir() {
            problems.push(
                Diagnostic::error(format!(
                    "{} is a file; it must be a folder",
                    content::load::display(root, &dir).display()
                ))
                .in_file(content::load::display(root, &dir))
                .help("static files go in a folder of that name, copied as they are to the output"),
            );
        }
        if dir.is_dir() {
            for relative in walk(root, &dir, problems) {
                let key = relative.to_string_lossy().replace('\\', "/");
                statics.insert(key, StaticSource::File(dir.join(relative)));
            }
        }
    };
    if let ThemeSource::Folder(theme_dir) = theme {
        add_dir(theme_dir.join("static"), &mut statics);
    }
    add_dir(root.join("static"), &mut statics);
    statics
}
