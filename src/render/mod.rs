//! Rendering: every output file of a [`Site`] — pages through the templates,
//! redirects, sitemap, highlight CSS, static files — rendered in parallel and
//! handed to a [`Sink`]. The handout is one more view over the same content.

pub mod cache;
pub mod context;
pub mod handout;
pub mod ledger;
mod lend;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::content::{Meta, Role};
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::markdown::{self, LinkResolver, Rendered};
use crate::site::{self, Site, StaticSource};
use crate::templates::Templates;
use context::*;

/// What becomes of a render's large data (the stretches' JSON, the loaded
/// site) once the output is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Teardown {
    /// Free it, as a long-running process (`gen serve`, the tests) must.
    #[default]
    Free,
    /// Leave it to the operating system: the process exits next, and
    /// freeing a 10,000-page site's values one by one took tens of
    /// milliseconds that exiting does at once.
    Leave,
}

impl Teardown {
    /// Frees `value`, or leaves it for the process's exit.
    pub fn dispose<T>(self, value: T) {
        match self {
            Teardown::Free => drop(value),
            Teardown::Leave => std::mem::forget(value),
        }
    }
}

/// Where rendered files go: the output folder, or nowhere (`gen check`).
pub trait Sink: Sync {
    /// Writes a file at a site path.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Writes a page at a site path, and says which file now holds it on
    /// disk, for the ledger (`None`: it cannot tell, and the page is not
    /// kept in the ledger).
    fn write_page(&self, path: &str, bytes: &[u8]) -> Result<Option<ledger::Stamp>, Diagnostic> {
        self.write(path, bytes).map(|()| None)
    }
    /// Copies a file to a site path.
    fn copy(&self, path: &str, from: &Path) -> Result<(), Diagnostic>;
    /// Puts the previous build's file at a site path into this build, when
    /// it still holds what `entry` says was written there: told by its
    /// stamp alone when the ledger `trusted` it ([`ledger::Ledger::trusts`]),
    /// else by reading it. Returns the stamp of the file it put there; when
    /// none, the page is rendered and written.
    fn reuse(&self, path: &str, entry: &ledger::Entry, trusted: bool) -> Option<ledger::Stamp> {
        let _ = (path, entry, trusted);
        None
    }
}

/// A sink that keeps nothing.
pub struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
    fn copy(&self, _: &str, _: &Path) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// What a render wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// HTML pages rendered from templates.
    pub pages: usize,
    /// Every file written or copied.
    pub files: usize,
}

/// Where one job's output goes: the sink, with what the job wrote and its
/// diagnostics.
struct Out<'s> {
    sink: &'s dyn Sink,
    stats: Stats,
    problems: Vec<Diagnostic>,
}

/// One output to make.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Stretch(usize),
    StretchList(usize),
    Routine(usize),
    RoutineList,
    Page(usize),
    TaxonomyList(Taxonomy),
    Term(Taxonomy, usize, usize),
    Handout(usize, bool),
    NotFound,
    Aliases,
    Sitemap,
    HighlightCss,
    Statics,
    Images,
}

impl Job {
    /// Roughly how long the job takes, in stretch pages.
    fn weight(self) -> usize {
        match self {
            // A list page shows many stretches; the static files and
            // images are copied one after another.
            Job::StretchList(_) | Job::Term(..) | Job::Statics | Job::Images => 4,
            Job::Handout(..) | Job::Home | Job::Routine(_) | Job::RoutineList => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taxonomy {
    Positions,
    Targets,
}

impl Taxonomy {
    fn name(self) -> &'static str {
        match self {
            Taxonomy::Positions => "positions",
            Taxonomy::Targets => "targets",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Taxonomy::Positions => "Positions",
            Taxonomy::Targets => "Targets",
        }
    }
}

/// The relative prefix from a site path to the site root (`a/b/index.html` → `../../`).
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

fn pages_of(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page).max(1)
}

/// Site path of page `n` (1-based) of a list at `base` (`stretches`).
fn list_path(base: &str, n: usize) -> String {
    if n <= 1 {
        format!("{base}/index.html")
    } else {
        format!("{base}/page/{n}/index.html")
    }
}

/// A template context being filled: the values of its keys, converted to
/// JSON. Values shared by many pages (each stretch, the site, the
/// navigation) are converted once per render and lent from their pools (see
/// [`lend`]), so that they can be given back. The stretches and the Markdown
/// body are put in only when the page is rendered: a page the ledger takes
/// from the previous build needs neither (see [`Renderer::page`]).
struct Data<'m> {
    map: serde_json::Map<String, serde_json::Value>,
    /// The stretch to lend under `stretch`.
    stretch: Option<usize>,
    /// The stretches to lend under `stretches`, in order.
    listed: Option<Vec<usize>>,
    /// The content file whose body goes into `page.content` and `page.toc`.
    body: Option<&'m Meta>,
}

/// A view struct as JSON. Our view structs have string keys only, so the
/// conversion cannot fail.
fn to_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

impl Data<'_> {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.map.insert(key.to_string(), to_json(value));
    }

    fn insert_value(&mut self, key: &str, value: serde_json::Value) {
        self.map.insert(key.to_string(), value);
    }
}

/// Everything shared by the jobs of one render.
struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    stretches: Vec<StretchContext<'a>>,
    /// `stretches` as JSON, each made when a page first shows it.
    stretch_values: Vec<lend::Pool>,
    site_context: SiteContext<'a>,
    site_value: lend::Pool,
    nav: Vec<NavContext>,
    nav_value: lend::Pool,
    highlight_css: Option<String>,
    cache: Option<&'a cache::PageCache>,
    /// What the previous `gen build` rendered each page from.
    ledger: Option<&'a ledger::Ledger>,
    /// The hash of each stretch's JSON, of the site's and of the navigation
    /// (before [`set_current`]), for the pages' keys in the ledger.
    stretch_keys: Vec<std::sync::OnceLock<u128>>,
    site_key: std::sync::OnceLock<u128>,
    nav_key: std::sync::OnceLock<u128>,
    /// A hash of where each content file is published, made once (see
    /// [`Site::hash_link_targets`]).
    links_key: std::sync::OnceLock<u128>,
    /// The largest page each template made so far (see
    /// [`Renderer::size_hint`]).
    sizes: Mutex<std::collections::HashMap<String, usize>>,
    /// Each routine's QR code, made once: the main routine's handout is
    /// written twice.
    qr_codes: Vec<std::sync::OnceLock<Option<String>>>,
}

/// Renders the whole site into `sink`. Returns what was written and every
/// diagnostic (errors fail the build; warnings, e.g. raw HTML left out, do not).
/// With a `ledger`, a page whose inputs are those of the previous build is
/// taken from it (see [`ledger`]), and every page is recorded.
pub fn render_site(
    site: &Site,
    templates: &Templates,
    sink: &dyn Sink,
    ledger: Option<&ledger::Ledger>,
    teardown: Teardown,
) -> (Stats, Vec<Diagnostic>) {
    let (mut problems, parts) = render_parts(
        site,
        templates,
        sink,
        Selection::All,
        None,
        ledger,
        teardown,
    );
    let mut stats = Stats::default();
    for part in parts {
        stats.pages += part.stats.pages;
        stats.files += part.stats.files;
        problems.extend(part.problems);
    }
    (stats, merge_repeated(problems))
}

/// One diagnostic for a template error that every page through a template
/// meets (a bad name in a shared footer fails every page): the first page's,
/// with a note naming the others.
pub fn merge_repeated(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    const SHOWN: usize = 3;
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(problems.len());
    let mut others: Vec<Vec<String>> = Vec::new();
    let mut first_of: std::collections::HashMap<String, usize> = Default::default();
    for d in problems {
        match d.repeated.as_deref().filter(|_| d.is_error()) {
            Some(repeated) => match first_of.get(&repeated.cause) {
                Some(&i) => others[i].push(repeated.page.clone()),
                None => {
                    first_of.insert(repeated.cause.clone(), merged.len());
                    merged.push(d);
                    others.push(Vec::new());
                }
            },
            None => {
                merged.push(d);
                others.push(Vec::new());
            }
        }
    }
    for (d, pages) in merged.iter_mut().zip(others) {
        if pages.is_empty() {
            continue;
        }
        let mut list = pages
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if pages.len() > SHOWN {
            list.push_str(&format!(" and {} more", pages.len() - SHOWN));
        }
        let n = pages.len();
        let s = if n == 1 { "" } else { "s" };
        d.notes
            .push(format!("the same error in {n} other page{s}: {list}"));
    }
    merged
}

/// Which outputs a render makes.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'s> {
    /// Every output.
    All,
    /// The pages of these content files (paths as in [`Meta::path`]): their
    /// Markdown bodies changed, and a body shows on its own page only.
    Pages(&'s [PathBuf]),
    /// Every page that shows these content files, whose front matter
    /// changed but not the site's shape (see [`Changed`]).
    Content(&'s Changed),
}

/// Content files whose front matter changed without changing the site's
/// shape: the same files in the same order, the same slugs; stretches keep
/// their position, targets and image; routines keep their stretches (and the
/// main routine its title, which every page's navigation shows); pages have
/// no role. The pages picked are the files' own pages, a stretch's
/// neighbours (previous and next), the list, term, routine and handout pages
/// that show them, the home page and the routine list; aliases and images
/// too. Indexes are into `content.stretches`, `content.routines` and
/// `content.pages`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// Changed stretches.
    pub stretches: Vec<usize>,
    /// Changed routines.
    pub routines: Vec<usize>,
    /// Changed pages.
    pub pages: Vec<usize>,
    /// Whether `content/_index.md` changed.
    pub home: bool,
}

impl Changed {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.stretches.is_empty() && self.routines.is_empty() && self.pages.is_empty() && !self.home
    }
}

/// What one output job of a render made, and its diagnostics.
#[derive(Debug)]
pub struct Part {
    /// Which job this was (e.g. `Term(Targets, 3, 1)`), the same in every
    /// render of the same site structure.
    pub job: String,
    /// The content file whose page (and Markdown body) the job rendered, as in
    /// [`Meta::path`]; `None` for lists, handouts, static files and the like.
    pub source: Option<PathBuf>,
    /// What the job wrote.
    pub stats: Stats,
    /// Its errors and warnings.
    pub problems: Vec<Diagnostic>,
}

/// Renders into `sink` the outputs picked by `selection`. Returns the
/// site-wide diagnostics and each job's result, so that `gen serve` can
/// re-render just the pages that show what changed. With a `cache`,
/// pages whose template context is unchanged since it was filled are not
/// rendered again (the cache must belong to these templates).
pub fn render_parts<'a>(
    site: &'a Site,
    templates: &'a Templates,
    sink: &dyn Sink,
    selection: Selection<'_>,
    cache: Option<&'a cache::PageCache>,
    ledger: Option<&'a ledger::Ledger>,
    teardown: Teardown,
) -> (Vec<Diagnostic>, Vec<Part>) {
    let mut problems = Vec::new();
    let stylesheet = match selection {
        Selection::All => markdown::highlight::stylesheet(
            &site.config.highlight_theme,
            &site.config.highlight_theme_dark,
        ),
        _ => Ok(String::new()),
    };
    let highlight_css = match stylesheet {
        Ok(css) => Some(css),
        Err(name) => {
            let names = markdown::highlight::theme_names().join(", ");
            problems.push(
                Diagnostic::error(format!("highlight theme `{name}` is not known"))
                    .in_file("gen.toml")
                    .help(format!(
                        "`markdown.highlight_theme` and `highlight_theme_dark` take one of: {names}"
                    )),
            );
            None
        }
    };
    let stretches: Vec<StretchContext<'_>> = (0..site.content.stretches.len())
        .into_par_iter()
        .map(|i| context::stretch(site, i))
        .collect();
    let link = |meta: &Meta, path: String| LinkContext {
        title: meta.title.clone(),
        path,
    };
    let red_flags = site
        .page_role(Role::RedFlags)
        .map(|p| link(&p.meta, site::page_path(&p.meta.slug)));
    let preparation = site
        .page_role(Role::Preparation)
        .map(|p| link(&p.meta, site::page_path(&p.meta.slug)));
    let main = site.main_routine.map(|i| &site.content.routines[i]);
    let main_routine = main.map(|r| link(&r.meta, site::routine_path(&r.meta.slug)));
    let handout = main.map(|r| LinkContext {
        title: format!("Handout: {}", r.meta.title),
        path: "handout/index.html".to_string(),
    });
    let mut links = vec![LinkContext {
        title: "Home".to_string(),
        path: "index.html".to_string(),
    }];
    links.extend(main_routine.clone());
    links.push(LinkContext {
        title: "Stretches".to_string(),
        path: "stretches/index.html".to_string(),
    });
    links.extend(preparation.clone());
    links.extend(red_flags.clone());
    let nav: Vec<NavContext> = links
        .into_iter()
        .map(|link| {
            let is =
                |other: &Option<LinkContext>| other.as_ref().is_some_and(|o| o.path == link.path);
            NavContext {
                label: if is(&main_routine) {
                    "The routine".to_string()
                } else {
                    link.title.clone()
                },
                alert: is(&red_flags),
                current: false,
                href: String::new(),
                title: link.title,
                path: link.path,
            }
        })
        .collect();
    let site_context = SiteContext {
        title: &site.config.title,
        description: &site.config.description,
        language: &site.config.language,
        base_url: site.config.base_url.as_deref(),
        extra: &site.config.extra,
        red_flags,
        preparation,
        handout,
        main_routine,
        highlight_css: "highlight.css",
    };
    let renderer = Renderer {
        site,
        templates,
        stretch_values: stretches.iter().map(|_| lend::Pool::default()).collect(),
        stretch_keys: stretches
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect(),
        site_key: std::sync::OnceLock::new(),
        nav_key: std::sync::OnceLock::new(),
        links_key: std::sync::OnceLock::new(),
        sizes: Mutex::default(),
        site_value: lend::Pool::with(to_json(&site_context)),
        nav_value: lend::Pool::with(to_json(&nav)),
        nav,
        site_context,
        stretches,
        highlight_css,
        cache,
        ledger,
        qr_codes: site
            .content
            .routines
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect(),
    };

    if let Some(cache) = cache {
        cache.begin(site);
    }
    let per_page = site.config.paginate_by.max(1);
    let mut jobs = vec![
        Job::Home,
        Job::RoutineList,
        Job::NotFound,
        Job::Aliases,
        Job::Sitemap,
        Job::HighlightCss,
        Job::Statics,
        Job::Images,
    ];
    jobs.extend((0..site.content.stretches.len()).map(Job::Stretch));
    jobs.extend((1..=pages_of(site.content.stretches.len(), per_page)).map(Job::StretchList));
    jobs.extend((0..site.content.routines.len()).map(Job::Routine));
    jobs.extend((0..site.content.routines.len()).map(|i| Job::Handout(i, false)));
    if let Some(main) = site.main_routine {
        jobs.push(Job::Handout(main, true));
    }
    jobs.extend((0..site.content.pages.len()).map(Job::Page));
    for taxonomy in [Taxonomy::Positions, Taxonomy::Targets] {
        jobs.push(Job::TaxonomyList(taxonomy));
        let terms = match taxonomy {
            Taxonomy::Positions => &site.positions,
            Taxonomy::Targets => &site.target_terms,
        };
        for (i, term) in terms.iter().enumerate() {
            jobs.extend(
                (1..=pages_of(term.stretches.len(), per_page)).map(|n| Job::Term(taxonomy, i, n)),
            );
        }
    }

    if !matches!(selection, Selection::All) {
        jobs.retain(|job| renderer.selected(*job, selection));
    }
    // The heaviest jobs go first and in small pieces, so that the threads
    // finish together: with the list pages last, one thread was left
    // rendering a long run of them while the other waited. The parts keep
    // the jobs' order.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].weight()));
    let mut parts: Vec<(usize, Part)> = order
        .par_iter()
        .with_max_len(4)
        .map(|&i| {
            let job = jobs[i];
            let (stats, problems) = renderer.run(job, sink);
            let part = Part {
                job: format!("{job:?}"),
                source: renderer.source(job).map(Path::to_path_buf),
                stats,
                problems,
            };
            (i, part)
        })
        .collect();
    parts.sort_unstable_by_key(|(i, _)| *i);
    // Freeing ten thousand stretches' JSON on one thread took longer than
    // rendering a hundred pages: both threads share it, and the stretches'
    // views (9 ms on one thread at 10,000 pages, in `perf`).
    let Renderer {
        stretch_values,
        stretches,
        ..
    } = renderer;
    match teardown {
        Teardown::Free => {
            rayon::join(
                || free_in_parallel(stretch_values),
                || free_in_parallel(stretches),
            );
        }
        Teardown::Leave => teardown.dispose((stretch_values, stretches)),
    }
    (problems, parts.into_iter().map(|(_, part)| part).collect())
}

/// Frees a long list's values on both threads.
fn free_in_parallel<T: Send>(values: Vec<T>) {
    values.into_par_iter().with_max_len(256).for_each(drop);
}

/// Resolves links by source path from one content file.
/// The content-relative folder of a content file (`stretches`).
fn content_folder(file: &Path) -> PathBuf {
    file.strip_prefix("content")
        .ok()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The start of the warning about a picture written with no address
/// (`![A pillow]()`), which `gen check` reports as an error instead.
pub const NO_ADDRESS: &str = "this picture has no address";

/// Turns the link errors of a body into diagnostics.
fn link_errors(
    file: &SourceFile,
    errors: Vec<(Range<usize>, markdown::LinkError)>,
    problems: &mut Vec<Diagnostic>,
) {
    for (span, error) in errors {
        let help = error.help.unwrap_or_else(|| {
            if error.message.starts_with("image ") {
                "put the picture under static/ and link it by its URL, relative to the page"
            } else {
                "link to a content file by its path, e.g. `@/stretches/01-knee-to-chest.md`"
            }
            .to_string()
        });
        problems.push(file.error(span, error.message).help(help));
    }
}

/// Warns at each `#` heading of a body that makes a second main heading
/// on its page: the page `html` holds another `h1` (the title, in the
/// built-in theme), or an earlier `#` heading of the body.
fn second_main_headings(
    meta: &Meta,
    spans: &[Range<usize>],
    html: &[u8],
    problems: &mut Vec<Diagnostic>,
) {
    if spans.is_empty() {
        return;
    }
    let on_page = html
        .windows(4)
        .filter(|w| {
            w[..3].eq_ignore_ascii_case(b"<h1")
                && matches!(w[3], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
        })
        .count();
    // The template's own main headings come before, or around, the body's.
    let first = usize::from(on_page <= spans.len());
    for span in spans.iter().skip(first) {
        problems.push(
            meta.file
                .warning(span.clone(), "this `#` heading makes a second main heading (`h1`) on the page")
                .help("a page has one main heading, its title in the built-in theme: write this one with `##`"),
        );
    }
}

/// The link errors of every body of a site that has other errors, and so is
/// not rendered: one run reports them with the rest, those of the files
/// with errors of their own included. A link to a content file that failed
/// to load is not reported; that file's errors are.
pub fn link_problems(site: &Site) -> Vec<Diagnostic> {
    let published = site
        .content
        .metas()
        .filter(|meta| site.targets.contains_key(&site::source_key(meta.path())))
        .map(|meta| (&meta.file, meta.body.clone()));
    let broken = site
        .content
        .broken_bodies
        .iter()
        .map(|broken| (&broken.file, broken.body.clone()));
    let mut problems = Vec::new();
    for (file, body) in published.chain(broken) {
        // Lenient links are only checked, never written: no page needed.
        let links = Links {
            site,
            folder: content_folder(&file.path),
            page: "",
            root: "",
            lenient: true,
        };
        let (_, errors) = markdown::render(
            file.text.get(body.clone()).unwrap_or_default(),
            body.start,
            site.config.raw_html,
            &links,
            &std::collections::HashSet::new(),
        );
        link_errors(file, errors, &mut problems);
    }
    problems
}

struct Links<'a> {
    site: &'a Site,
    /// The content-relative folder of the file (`stretches`).
    folder: PathBuf,
    /// The site path of the page (`stretches/knee-to-chest/index.html`).
    page: &'a str,
    /// Prefix from the page to the site root.
    root: &'a str,
    /// A site with errors: a link to a content file that failed to load
    /// (and so has no target) is not reported; the file's own errors are.
    lenient: bool,
}

impl LinkResolver for Links<'_> {
    fn resolve(&self, destination: &str) -> Result<Option<String>, markdown::LinkError> {
        let Some(link) = markdown::content_link(destination) else {
            // A site with errors is not written: its links need no rewriting.
            return Ok(if self.lenient {
                None
            } else {
                self.folder_index(destination)
            });
        };
        let Some(key) = site::content_key(&self.folder, &link.path, link.from_root) else {
            return Err(markdown::LinkError {
                message: format!("link `{destination}` leaves content/"),
                help: Some(self.link_help(&link.path, link.from_root)),
            });
        };
        if self.lenient
            && !self.site.targets.contains_key(&key)
            && !self.site.content.left_out_drafts.contains(&key)
            && self.site.root.join("content").join(&key).is_file()
        {
            return Ok(None);
        }
        match self.site.targets.get(&key) {
            Some(target) => {
                let mut url = format!("{}{}", self.root, target.path);
                if let Some(query) = link.query {
                    url.push('?');
                    url.push_str(query);
                }
                if let Some(fragment) = link.fragment {
                    url.push('#');
                    url.push_str(fragment);
                }
                Ok(Some(url))
            }
            None => Err(markdown::LinkError {
                message: format!(
                    "link `{destination}` does not resolve: there is no published content/{key}"
                ),
                help: Some(if self.site.content.left_out_drafts.contains(&key) {
                    format!(
                        "content/{key} is a draft, left out of the build: {}",
                        crate::content::load::PUBLISH_OR_PREVIEW
                    )
                } else {
                    self.link_help(&link.path, link.from_root)
                }),
            }),
        }
    }
}

impl Links<'_> {
    /// Help for a link to a content file that does not resolve: the
    /// published content file it most likely means, written from this
    /// file's folder, or how such links are read.
    fn link_help(&self, written: &str, from_root: bool) -> String {
        let name = written.rsplit('/').next().unwrap_or_default();
        let keys: Vec<&str> = self
            .site
            .targets
            .keys()
            .map(String::as_str)
            .filter(|key| key.ends_with(".md"))
            .collect();
        let file_name = |key: &str| key.rsplit('/').next().unwrap_or_default().to_string();
        let mut same: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|key| file_name(key) == name)
            .collect();
        if same.is_empty() {
            let names: Vec<String> = keys.iter().map(|key| file_name(key)).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            if let Some(near) = crate::diagnostics::closest(name, &names) {
                same = keys
                    .iter()
                    .copied()
                    .filter(|key| file_name(key) == near)
                    .collect();
            }
        }
        let folder = self.folder.to_string_lossy().replace('\\', "/");
        let read_from = if folder.is_empty() {
            "content/".to_string()
        } else {
            format!("content/{folder}/")
        };
        match (same.as_slice(), from_root) {
            ([key], true) => format!("did you mean `@/{key}`? `@/` reads a path from content/"),
            ([key], false) => format!(
                "did you mean `{}` (or `@/{key}`)? A link to a `.md` file is read from the folder of the file it is in, {read_from}; `@/` reads it from content/",
                relative_to(&folder, key)
            ),
            _ => {
                let example = keys
                    .iter()
                    .filter(|key| key.starts_with("stretches/"))
                    .min()
                    .or(keys.iter().min())
                    .copied()
                    .unwrap_or("stretches/01-knee-to-chest.md");
                if from_root {
                    format!("`@/` reads a path from content/, e.g. `@/{example}`")
                } else {
                    format!(
                        "a link to a `.md` file is read from the folder of the file it is in, {read_from}; `@/` reads it from content/, e.g. `@/{example}`"
                    )
                }
            }
        }
    }

    /// A relative link to an output folder (`../stretches/`, `./`, `..`)
    /// written as the folder's `index.html`, its query and fragment kept,
    /// so that it works opened from disk (SPEC §3). `None` for any other
    /// link, and for a folder the build does not write an `index.html`
    /// into, which is kept as written (`gen check` reports it).
    fn folder_index(&self, destination: &str) -> Option<String> {
        let (folder, end) = folder_link(self.page, destination)?;
        if !self.site.has_index(&folder) {
            return None;
        }
        let (path, rest) = destination.split_at(end);
        let slash = if path.ends_with('/') { "" } else { "/" };
        Some(format!("{path}{slash}index.html{rest}"))
    }
}

/// The path of content file `key` from content folder `folder` (both
/// relative to content/, with `/`): `../stretches/x.md` from `routines`.
fn relative_to(folder: &str, key: &str) -> String {
    let from: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = key.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Reads a link as one to a folder: a relative URL (no scheme, not from
/// the root) whose path ends in `/`, in a `.` or `..` segment, or in a part
/// without an extension (`../stretches`, a folder if the output has one). Returns the
/// folder it names, from the site root, as seen from the page at site path
/// `page` (`stretches`, `` for the root), and where the path ends in
/// `destination` (before `?` or `#`). `None` for other links, and for one
/// that leaves the site. Most links fail the first test, which is all they
/// cost.
fn folder_link(page: &str, destination: &str) -> Option<(String, usize)> {
    let end = destination.find(['?', '#']).unwrap_or(destination.len());
    let path = &destination[..end];
    let last = path.rsplit('/').next().unwrap_or_default();
    // `x/`, `.`, `..`, and a last part with no extension (`../stretches`),
    // which may name a folder as well (the caller checks that it does).
    let folder_like = path.ends_with('/') || last == "." || last == ".." || !last.contains('.');
    if !folder_like || path.is_empty() || path.starts_with('/') || markdown::has_scheme(path) {
        return None;
    }
    let decoded = crate::serve::http::percent_decode(path);
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in decoded.as_deref().unwrap_or(path).split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some((parts.join("/"), end))
}

impl<'a> Renderer<'a> {
    /// The content file whose own page a job renders.
    fn source(&self, job: Job) -> Option<&'a Path> {
        let content = &self.site.content;
        let meta = match job {
            Job::Home => &content.home.as_ref()?.meta,
            Job::Stretch(i) => &content.stretches.get(i)?.meta,
            Job::Routine(i) => &content.routines.get(i)?.meta,
            Job::Page(i) => &content.pages.get(i)?.meta,
            _ => return None,
        };
        Some(meta.path().as_path())
    }

    /// Whether `selection` picks a job (see [`Selection`]).
    fn selected(&self, job: Job, selection: Selection<'_>) -> bool {
        let changed = match selection {
            Selection::All => return true,
            Selection::Pages(sources) => {
                return self
                    .source(job)
                    .is_some_and(|source| sources.iter().any(|s| s == source));
            }
            Selection::Content(changed) => changed,
        };
        let site = self.site;
        let routines = site.content.routines.len();
        let holds_changed = |r: usize| {
            site.content.routines.get(r).is_some_and(|routine| {
                routine.stretches.iter().any(|slug| {
                    site.stretch_by_slug
                        .get(&slug.value)
                        .is_some_and(|i| changed.stretches.contains(i))
                })
            })
        };
        let routine_changed = |r: usize| changed.routines.contains(&r) || holds_changed(r);
        let per_page = site.config.paginate_by.max(1);
        let page_holds_changed = |items: &[usize], n: usize| {
            let range = ((n - 1) * per_page).min(items.len())..(n * per_page).min(items.len());
            items[range].iter().any(|i| changed.stretches.contains(i))
        };
        match job {
            Job::Stretch(i) => {
                changed.stretches.contains(&i)
                    || site
                        .sequence_of
                        .get(i)
                        .copied()
                        .flatten()
                        .is_some_and(holds_changed)
                    || site
                        .routines_of
                        .get(i)
                        .is_some_and(|held_by| held_by.iter().any(|r| changed.routines.contains(r)))
            }
            Job::StretchList(n) => {
                let all: Vec<usize> = (0..site.content.stretches.len()).collect();
                page_holds_changed(&all, n)
            }
            Job::Term(taxonomy, i, n) => self
                .terms(taxonomy)
                .get(i)
                .is_some_and(|term| page_holds_changed(&term.stretches, n)),
            Job::Routine(r) | Job::Handout(r, _) => routine_changed(r),
            Job::RoutineList => (0..routines).any(routine_changed),
            Job::Home => {
                changed.home || !changed.pages.is_empty() || (0..routines).any(routine_changed)
            }
            Job::Page(p) => changed.pages.contains(&p),
            Job::Aliases | Job::Images => true,
            Job::TaxonomyList(_)
            | Job::NotFound
            | Job::Sitemap
            | Job::HighlightCss
            | Job::Statics => false,
        }
    }

    fn run(&self, job: Job, sink: &dyn Sink) -> (Stats, Vec<Diagnostic>) {
        let mut out = Out {
            sink,
            stats: Stats::default(),
            problems: Vec::new(),
        };
        if let Err(diagnostic) = self.job(job, &mut out) {
            out.problems.push(diagnostic);
        }
        (out.stats, out.problems)
    }

    /// A template context with the keys every template gets.
    fn base(&self, path: &str) -> Data<'a> {
        self.base_at(path, &root_of(path))
    }

    /// [`Renderer::base`] with links made from `root` (the not-found page,
    /// served at any depth, links from the site's base path).
    fn base_at(&self, path: &str, root: &str) -> Data<'a> {
        let mut context = Data {
            map: serde_json::Map::new(),
            stretch: None,
            listed: None,
            body: None,
        };
        context.insert_value("site", self.site_value.take(|| to_json(&self.site_context)));
        // The navigation is made from the shared one and `path` and `root`
        // alone, which the context also holds under `page_path` and `root`:
        // [`Renderer::key`] counts on it. It is marked for this page only
        // when the page is rendered ([`mark_nav`]): a page taken from the
        // previous build needs only its key.
        context.insert_value("nav", self.nav_value.take(|| to_json(&self.nav)));
        context.insert("root", root);
        context.insert("page_path", path);
        let canonical = self
            .site
            .config
            .absolute_url(path.strip_suffix("index.html").unwrap_or(path));
        context.insert("canonical", &canonical);
        context
    }

    /// Stretch `i` as JSON, lent to one context.
    fn stretch_value(&self, i: usize) -> serde_json::Value {
        self.stretch_values[i].take(|| to_json(&self.stretches[i]))
    }

    /// Gives the lent values of a rendered page's context back to their
    /// pools, the navigation no longer marked for the page.
    fn give_back(&self, context: Context, stretch: Option<usize>, listed: &[usize]) {
        if let serde_json::Value::Object(mut map) = context.into_json() {
            if let Some(nav) = map.get_mut("nav") {
                set_current(nav, None);
            }
            self.give_back_map(map, stretch, listed);
        }
    }

    /// [`Renderer::give_back`] for a context not made into Tera's, whose
    /// navigation was not marked.
    fn give_back_map(
        &self,
        mut map: serde_json::Map<String, serde_json::Value>,
        stretch: Option<usize>,
        listed: &[usize],
    ) {
        if let Some(site) = map.remove("site") {
            self.site_value.give(site);
        }
        if let Some(nav) = map.remove("nav") {
            self.nav_value.give(nav);
        }
        if let (Some(i), Some(value)) = (stretch, map.remove("stretch")) {
            self.stretch_values[i].give(value);
        }
        if let Some(serde_json::Value::Array(values)) = map.remove("stretches") {
            for (&i, value) in listed.iter().zip(values) {
                self.stretch_values[i].give(value);
            }
        }
    }

    /// Renders a page, or takes it from the previous build when the ledger
    /// says nothing it is made from changed. The body's diagnostics go to
    /// `out`. `source` names the page in render errors: the content file
    /// of a page that is its own, the output path of a page `gen` makes
    /// (lists, term pages, handouts, 404).
    fn page(
        &self,
        template: &str,
        path: &str,
        data: Data<'a>,
        source: &Path,
        out: &mut Out<'_>,
    ) -> Result<(), Diagnostic> {
        let key = self
            .ledger
            .map(|ledger| self.key(ledger, template, path, &data));
        if let (Some(ledger), Some(key)) = (self.ledger, key) {
            let reused = ledger.unchanged(path, key).and_then(|entry| {
                let stamp = out.sink.reuse(path, &entry, ledger.trusts(&entry))?;
                Some(ledger::Entry { stamp, ..entry })
            });
            if let Some(entry) = reused {
                ledger.record(path, entry, true);
                self.give_back_map(data.map, None, &[]);
                out.stats.pages += 1;
                out.stats.files += 1;
                return Ok(());
            }
        }
        let Data {
            mut map,
            stretch,
            listed,
            body,
        } = data;
        // A body with warnings is not kept in the ledger: rendered each
        // time, it warns each time.
        let mut remember = true;
        let mut top_headings = None;
        if let Some(meta) = body {
            let mut rendered = self.body(meta, path, &mut out.problems);
            top_headings = Some((meta, std::mem::take(&mut rendered.top_headings)));
            remember = rendered.dropped_html.is_empty()
                && rendered.dropped_urls.is_empty()
                && rendered.empty_images.is_empty()
                && rendered.empty_links.is_empty();
            if let Some(serde_json::Value::Object(page)) = map.get_mut("page") {
                page.insert("toc".to_string(), to_json(&rendered.headings));
                page.insert(
                    "content".to_string(),
                    serde_json::Value::String(rendered.html),
                );
            }
        }
        if let Some(i) = stretch {
            map.insert("stretch".to_string(), self.stretch_value(i));
        }
        if let Some(listed) = &listed {
            let values = listed.iter().map(|&i| self.stretch_value(i)).collect();
            map.insert("stretches".to_string(), serde_json::Value::Array(values));
        }
        let listed = listed.unwrap_or_default();
        mark_nav(&mut map);
        let mut context = Context::from_value(serde_json::Value::Object(map)).unwrap_or_default();
        // Without `gen serve`'s cache the page is rendered into a buffer as
        // large as this template's largest page so far: no growing, no copy.
        let mut bytes = Vec::new();
        let shared = match self.cache {
            None => {
                bytes.reserve(self.size_hint(template));
                self.templates
                    .render_into(
                        template,
                        &mut context,
                        &source.display().to_string(),
                        &mut bytes,
                    )
                    .map(|()| None)
            }
            Some(cache) => match cache.get(template, path, &context) {
                Some(html) => Ok(Some(html)),
                None => self
                    .templates
                    .render(template, &mut context, &source.display().to_string())
                    .map(|html| {
                        let html: std::sync::Arc<str> = html.into();
                        cache.put(template, path, &context, std::sync::Arc::clone(&html));
                        Some(html)
                    }),
            },
        };
        self.give_back(context, stretch, &listed);
        let shared = shared?;
        let html = match &shared {
            Some(html) => html.as_bytes(),
            None => {
                self.note_size(template, bytes.len());
                &bytes
            }
        };
        if let Some((meta, spans)) = top_headings {
            let before = out.problems.len();
            second_main_headings(meta, &spans, html, &mut out.problems);
            remember &= out.problems.len() == before;
        }
        match (self.ledger, key, remember) {
            (Some(ledger), Some(key), true) => {
                if let Some(stamp) = out.sink.write_page(path, html)? {
                    ledger.record(path, ledger::Entry::of(key, html, stamp), false);
                }
            }
            _ => out.sink.write(path, html)?,
        }
        out.stats.pages += 1;
        out.stats.files += 1;
        Ok(())
    }

    /// How many bytes to make room for when rendering `template`: the most
    /// one of its pages took so far.
    fn size_hint(&self, template: &str) -> usize {
        let sizes = self.sizes.lock().unwrap_or_else(PoisonError::into_inner);
        sizes.get(template).copied().unwrap_or(8192)
    }

    /// Notes the size of a page rendered with `template`.
    fn note_size(&self, template: &str, size: usize) {
        let mut sizes = self.sizes.lock().unwrap_or_else(PoisonError::into_inner);
        match sizes.get_mut(template) {
            Some(most) => *most = (*most).max(size),
            None => {
                sizes.insert(template.to_string(), size);
            }
        }
    }

    /// The key of a page in the ledger: its template and its whole context,
    /// the values shared by many pages standing in by hashes made once (the
    /// navigation by the shared one's: the rest of it is made from
    /// `page_path` and `root`, see [`Renderer::base_at`]), the body by what
    /// it is rendered from.
    fn key(&self, ledger: &ledger::Ledger, template: &str, path: &str, data: &Data) -> u128 {
        let mut key = ledger.key(template);
        for (name, value) in &data.map {
            key.text(name);
            match name.as_str() {
                "site" => key.hash(*self.site_key.get_or_init(|| ledger::value_hash(value))),
                "nav" => key.hash(
                    *self
                        .nav_key
                        .get_or_init(|| ledger::value_hash(&to_json(&self.nav))),
                ),
                _ => key.value(value),
            }
        }
        let stretch_key =
            |i: usize| *self.stretch_keys[i].get_or_init(|| ledger::hashed(&self.stretches[i]));
        if let Some(i) = data.stretch {
            key.text("stretch");
            key.hash(stretch_key(i));
        }
        if let Some(listed) = &data.listed {
            key.text("stretches");
            key.hash(listed.len() as u128);
            for &i in listed {
                key.hash(stretch_key(i));
            }
        }
        if let Some(meta) = data.body {
            // What `Renderer::body` renders from: the text, where the file
            // and the page are (for relative links), where every content
            // file is published, and `raw_html`. The ids the templates write
            // are in the ledger's salt, with the templates.
            key.text("body");
            key.text(meta.body_text());
            key.text(&meta.path().to_string_lossy());
            key.text(path);
            key.hash(*self.links_key.get_or_init(|| {
                let mut links = ledger::Key::new();
                self.site.hash_link_targets(&mut links);
                links.finish()
            }));
            key.hash(u128::from(self.site.config.raw_html));
        }
        key.finish()
    }

    /// Renders a content file's Markdown body, reporting bad links and left-out HTML.
    fn body(&self, meta: &Meta, path: &str, problems: &mut Vec<Diagnostic>) -> Rendered {
        let root = root_of(path);
        let links = Links {
            site: self.site,
            folder: content_folder(meta.path()),
            page: path,
            root: &root,
            lenient: false,
        };
        let raw_html = self.site.config.raw_html;
        let render = || {
            markdown::render(
                meta.body_text(),
                meta.body.start,
                raw_html,
                &links,
                self.templates.ids(),
            )
        };
        let (rendered, errors) = match self.cache {
            Some(cache) => cache.body(meta, path, raw_html, render),
            None => render(),
        };
        link_errors(&meta.file, errors, problems);
        for span in &rendered.dropped_html {
            problems.push(
                meta.file
                    .warning(span.clone(), "raw HTML is left out")
                    .help("write it in Markdown, or set `raw_html = true` under [markdown] in gen.toml"),
            );
        }
        for span in &rendered.empty_images {
            problems.push(
                meta.file
                    .warning(span.clone(), format!("{NO_ADDRESS}, so it is left out and its description shown"))
                    .help(format!("write the picture's URL between the parentheses, relative to the page, e.g. `![A pillow under the knees]({root}images/pillow.svg)` for static/images/pillow.svg")),
            );
        }
        for span in &rendered.empty_links {
            problems.push(
                meta.file
                    .warning(span.clone(), "this link has no words, so a screen reader can say only its address")
                    .help("write what it leads to between the brackets, e.g. `[When to get help](../when-to-get-help.md)`, or describe the picture it holds: `![A pillow under the knees](…)`"),
            );
        }
        for (span, url) in &rendered.dropped_urls {
            let shown: String = url.chars().take(40).collect();
            let more = if shown.len() < url.len() { "…" } else { "" };
            problems.push(
                meta.file
                    .warning(span.clone(), format!("the address `{shown}{more}` is left out"))
                    .help("addresses that run script or open local files (`javascript:`, `vbscript:`, `file:`, `data:`) are written only with `raw_html = true` under [markdown] in gen.toml"),
            );
        }
        rendered
    }

    /// The page's view, its `content` and `toc` left empty: they are filled
    /// from the body when the page is rendered (see [`Renderer::page`]).
    fn page_context(&self, meta: &'a Meta, description: Option<&'a str>) -> PageContext<'a> {
        PageContext {
            title: &meta.title,
            description,
            content: String::new(),
            toc: Vec::new(),
            extra: &meta.extra,
            role: None,
            handout_points: &[],
        }
    }

    fn job(&self, job: Job, out: &mut Out<'_>) -> Result<(), Diagnostic> {
        let site = self.site;
        let content = &site.content;
        match job {
            Job::Home => {
                let path = "index.html";
                let mut context = self.base(path);
                let (page, source) = match &content.home {
                    Some(home) => {
                        context.body = Some(&home.meta);
                        let mut page = self.page_context(&home.meta, home.description.as_deref());
                        if page.title.is_empty() {
                            page.title = &site.config.title;
                        }
                        (page, home.meta.path().clone())
                    }
                    None => (
                        PageContext {
                            title: &site.config.title,
                            description: Some(&site.config.description),
                            content: String::new(),
                            toc: Vec::new(),
                            extra: &site.config.extra,
                            role: None,
                            handout_points: &[],
                        },
                        PathBuf::from("content/_index.md"),
                    ),
                };
                context.insert("page", &page);
                let routines: Vec<RoutineContext<'_>> = (0..content.routines.len())
                    .map(|i| context::routine(site, i, &self.stretches))
                    .collect();
                context.insert("routines", &routines);
                context.insert("main_routine", &site.main_routine.map(|i| &routines[i]));
                let pages: Vec<PageSummary<'_>> = content
                    .pages
                    .iter()
                    .map(|p| PageSummary {
                        title: &p.meta.title,
                        path: site::page_path(&p.meta.slug),
                        description: p.description.as_deref(),
                        role: p.role.map(Role::name),
                    })
                    .collect();
                context.insert("pages", &pages);
                self.page("index.html", path, context, &source, out)
            }
            Job::Stretch(i) => {
                let s = &content.stretches[i];
                let path = site::stretch_path(&s.meta.slug);
                let mut context = self.base(&path);
                context.body = Some(&s.meta);
                context.insert("page", &self.page_context(&s.meta, s.summary.as_deref()));
                context.stretch = Some(i);
                let (mut previous, mut next, mut sequence) = (None, None, None);
                if let Some(r) = site.sequence_of[i] {
                    let routine = &content.routines[r];
                    sequence = Some(LinkContext {
                        title: routine.meta.title.clone(),
                        path: site::routine_path(&routine.meta.slug),
                    });
                    let order: Vec<usize> = routine
                        .stretches
                        .iter()
                        .filter_map(|s| site.stretch_by_slug.get(&s.value).copied())
                        .collect();
                    if let Some(at) = order.iter().position(|&x| x == i) {
                        let to_link = |x: usize| LinkContext {
                            title: content.stretches[x].meta.title.clone(),
                            path: site::stretch_path(&content.stretches[x].meta.slug),
                        };
                        previous = at.checked_sub(1).map(|p| to_link(order[p]));
                        next = order.get(at + 1).map(|&n| to_link(n));
                    }
                }
                context.insert("previous", &previous);
                context.insert("next", &next);
                context.insert("sequence", &sequence);
                let routines: Vec<LinkContext> = site.routines_of[i]
                    .iter()
                    .map(|&r| LinkContext {
                        title: content.routines[r].meta.title.clone(),
                        path: site::routine_path(&content.routines[r].meta.slug),
                    })
                    .collect();
                context.insert("routines", &routines);
                self.page("stretch.html", &path, context, s.meta.path(), out)
            }
            Job::StretchList(n) => {
                let all: Vec<usize> = (0..content.stretches.len()).collect();
                self.list("stretches", "stretches.html", &all, n, None, out)
            }
            Job::Routine(i) => {
                let r = &content.routines[i];
                let path = site::routine_path(&r.meta.slug);
                let mut context = self.base(&path);
                context.body = Some(&r.meta);
                context.insert("page", &self.page_context(&r.meta, r.summary.as_deref()));
                context.insert("routine", &context::routine(site, i, &self.stretches));
                self.page("routine.html", &path, context, r.meta.path(), out)
            }
            Job::RoutineList => {
                let path = "routines/index.html";
                let mut context = self.base(path);
                let routines: Vec<RoutineContext<'_>> = (0..content.routines.len())
                    .map(|i| context::routine(site, i, &self.stretches))
                    .collect();
                context.insert("routines", &routines);
                self.page("routines.html", path, context, Path::new(path), out)
            }
            Job::Page(i) => {
                let p = &content.pages[i];
                let path = site::page_path(&p.meta.slug);
                let mut context = self.base(&path);
                context.body = Some(&p.meta);
                let mut page = self.page_context(&p.meta, p.description.as_deref());
                page.role = p.role.map(Role::name);
                page.handout_points = &p.handout_points;
                context.insert("page", &page);
                self.page("page.html", &path, context, p.meta.path(), out)
            }
            Job::TaxonomyList(taxonomy) => {
                let path = format!("{}/index.html", taxonomy.name());
                let mut context = self.base(&path);
                context.insert("taxonomy", &self.taxonomy(taxonomy));
                let terms: Vec<TermContext> = self
                    .terms(taxonomy)
                    .iter()
                    .map(|t| self.term(taxonomy, t))
                    .collect();
                context.insert("terms", &terms);
                self.page("taxonomy_list.html", &path, context, Path::new(&path), out)
            }
            Job::Term(taxonomy, i, n) => {
                let term = &self.terms(taxonomy)[i];
                let base = format!("{}/{}", taxonomy.name(), term.slug);
                let extra = (self.taxonomy(taxonomy), self.term(taxonomy, term));
                self.list(
                    &base,
                    "taxonomy_term.html",
                    &term.stretches,
                    n,
                    Some(extra),
                    out,
                )
            }
            Job::Handout(i, main) => {
                let r = &content.routines[i];
                let path = if main {
                    "handout/index.html".to_string()
                } else {
                    site::handout_path(&r.meta.slug)
                };
                let mut context = self.base(&path);
                if main {
                    // A copy of the routine's own handout: search engines
                    // are sent there, as the sitemap lists only that one.
                    let own = format!("routines/{}/handout/", r.meta.slug);
                    context.insert("canonical", &site.config.absolute_url(&own));
                }
                context.insert("routine", &context::routine(site, i, &self.stretches));
                let points = |role| {
                    site.page_role(role)
                        .map_or(&[][..], |p| &p.handout_points[..])
                };
                context.insert("preparation_points", points(Role::Preparation));
                context.insert("red_flag_points", points(Role::RedFlags));
                context.insert("red_flags", &self.site_context.red_flags);
                let url = site
                    .config
                    .absolute_url(&format!("routines/{}/", r.meta.slug));
                let qr_svg = match (&url, self.cache) {
                    (Some(url), Some(cache)) => cache.qr_code(url, handout::qr_svg),
                    (Some(url), None) => self.qr_codes[i]
                        .get_or_init(|| handout::qr_svg(url))
                        .clone(),
                    (None, _) => None,
                };
                context.insert("qr_svg", &qr_svg);
                context.insert("routine_url", &url);
                // Named by its output path: a routine has two handouts
                // when it is the main one.
                self.page("handout.html", &path, context, Path::new(&path), out)
            }
            Job::NotFound => {
                let mut context = self.base_at("404.html", &site.config.base_path());
                context.insert("canonical", &None::<String>);
                self.page("404.html", "404.html", context, Path::new("404.html"), out)
            }
            Job::Aliases => {
                let metas = content
                    .stretches
                    .iter()
                    .map(|s| (&s.meta, site::stretch_path(&s.meta.slug)))
                    .chain(
                        content
                            .routines
                            .iter()
                            .map(|r| (&r.meta, site::routine_path(&r.meta.slug))),
                    )
                    .chain(
                        content
                            .pages
                            .iter()
                            .map(|p| (&p.meta, site::page_path(&p.meta.slug))),
                    );
                for (meta, target) in metas {
                    for alias in &meta.aliases {
                        let decoded = site::decode_alias(&alias.value);
                        let Some(clean) = crate::content::load::clean_relative(&decoded) else {
                            continue;
                        };
                        let path = site::alias_path(&clean, &decoded);
                        let url = format!("{}{target}", root_of(&path));
                        let canonical = site
                            .config
                            .absolute_url(target.strip_suffix("index.html").unwrap_or(&target));
                        let html = redirect_page(
                            &url,
                            &meta.title,
                            &site.config.language,
                            canonical.as_deref(),
                        );
                        out.sink.write(&path, html.as_bytes())?;
                        out.stats.files += 1;
                    }
                }
                Ok(())
            }
            Job::Sitemap => {
                let Some(base) = &site.config.base_url else {
                    return Ok(());
                };
                let mut paths: Vec<String> = vec![
                    String::new(),
                    "stretches/".into(),
                    "routines/".into(),
                    "positions/".into(),
                    "targets/".into(),
                ];
                paths.extend(
                    content
                        .stretches
                        .iter()
                        .map(|s| format!("stretches/{}/", s.meta.slug)),
                );
                paths.extend(
                    content
                        .routines
                        .iter()
                        .map(|r| format!("routines/{}/", r.meta.slug)),
                );
                paths.extend(
                    content
                        .routines
                        .iter()
                        .map(|r| format!("routines/{}/handout/", r.meta.slug)),
                );
                paths.extend(content.pages.iter().map(|p| format!("{}/", p.meta.slug)));
                paths.extend(
                    site.positions
                        .iter()
                        .map(|t| format!("positions/{}/", t.slug)),
                );
                paths.extend(
                    site.target_terms
                        .iter()
                        .map(|t| format!("targets/{}/", t.slug)),
                );
                // The later pages of the library and of each term page: each
                // names itself in its canonical link, so the sitemap lists it,
                // as Zola's does.
                let per_page = site.config.paginate_by.max(1);
                let lists = std::iter::once(("stretches".to_string(), content.stretches.len()))
                    .chain(
                        site.positions
                            .iter()
                            .map(|t| (format!("positions/{}", t.slug), t.stretches.len())),
                    )
                    .chain(
                        site.target_terms
                            .iter()
                            .map(|t| (format!("targets/{}", t.slug), t.stretches.len())),
                    );
                for (base, count) in lists {
                    paths.extend((2..=pages_of(count, per_page)).map(|n| {
                        let path = list_path(&base, n);
                        path.trim_end_matches("index.html").to_string()
                    }));
                }
                paths.sort();
                let mut xml = String::from(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
                );
                for path in paths {
                    xml.push_str("  <url><loc>");
                    xml.push_str(&xml_escape(&format!("{base}{path}")));
                    xml.push_str("</loc></url>\n");
                }
                xml.push_str("</urlset>\n");
                out.sink.write("sitemap.xml", xml.as_bytes())?;
                out.stats.files += 1;
                Ok(())
            }
            Job::HighlightCss => {
                if let Some(css) = &self.highlight_css {
                    out.sink.write("highlight.css", css.as_bytes())?;
                    out.stats.files += 1;
                }
                Ok(())
            }
            Job::Statics => {
                for (path, source) in &site.statics {
                    match source {
                        StaticSource::Embedded(bytes) => out.sink.write(path, bytes)?,
                        StaticSource::File(file) => out.sink.copy(path, file)?,
                    }
                    out.stats.files += 1;
                }
                Ok(())
            }
            Job::Images => {
                for image in site.images.iter().flatten() {
                    if let Some(from) = &image.copy_from {
                        out.sink.copy(&image.path, from)?;
                        out.stats.files += 1;
                    }
                }
                Ok(())
            }
        }
    }

    fn terms(&self, taxonomy: Taxonomy) -> &'a [site::Term] {
        match taxonomy {
            Taxonomy::Positions => &self.site.positions,
            Taxonomy::Targets => &self.site.target_terms,
        }
    }

    fn taxonomy(&self, taxonomy: Taxonomy) -> TaxonomyContext {
        TaxonomyContext {
            name: taxonomy.name(),
            title: taxonomy.title(),
            path: format!("{}/index.html", taxonomy.name()),
        }
    }

    fn term(&self, taxonomy: Taxonomy, term: &site::Term) -> TermContext {
        TermContext {
            name: term.name.clone(),
            label: term.label.clone(),
            slug: term.slug.clone(),
            path: format!("{}/{}/index.html", taxonomy.name(), term.slug),
            count: term.stretches.len(),
        }
    }

    /// One page of a paginated list of stretches.
    fn list(
        &self,
        base: &str,
        template: &str,
        items: &[usize],
        n: usize,
        term: Option<(TaxonomyContext, TermContext)>,
        out: &mut Out<'_>,
    ) -> Result<(), Diagnostic> {
        let per_page = self.site.config.paginate_by.max(1);
        let total_pages = pages_of(items.len(), per_page);
        let path = list_path(base, n);
        let mut context = self.base(&path);
        let range: Range<usize> =
            ((n - 1) * per_page).min(items.len())..(n * per_page).min(items.len());
        context.listed = Some(items[range].to_vec());
        context.insert(
            "paginator",
            &PaginatorContext {
                current: n,
                total_pages,
                total_items: items.len(),
                previous: (n > 1).then(|| list_path(base, n - 1)),
                next: (n < total_pages).then(|| list_path(base, n + 1)),
                pages: pager_numbers(n, total_pages)
                    .into_iter()
                    .map(|(number, gap_before)| PageNumberContext {
                        number,
                        path: list_path(base, number),
                        gap_before,
                    })
                    .collect(),
            },
        );
        let title = term
            .as_ref()
            .map_or_else(|| "Stretches".to_string(), |(_, t)| t.label.clone());
        if let Some((taxonomy, term)) = term {
            context.insert("taxonomy", &taxonomy);
            context.insert("term", &term);
        }
        self.page(template, &path, context, Path::new(&path), out)?;
        if n == 1 && total_pages > 1 {
            self.first_page_redirect(base, &title, out)?;
        }
        Ok(())
    }

    /// The redirect page at `<base>/page/1/index.html`, to the list's first
    /// page (`<base>/index.html`), for a list of more than one page: Zola
    /// and Hugo write one, so an address made by counting pages down
    /// (`page/3/`, `page/2/`, …) finds the first too. A list of one page has
    /// no `page/` folder to count in, and gets none (on a small site that
    /// would be most of the folders). Like an alias's, it is marked
    /// `noindex` and not in the sitemap.
    fn first_page_redirect(
        &self,
        base: &str,
        title: &str,
        out: &mut Out<'_>,
    ) -> Result<(), Diagnostic> {
        let path = site::first_page_redirect_path(base);
        let target = list_path(base, 1);
        let url = format!("{}{target}", root_of(&path));
        let canonical = self.site.config.absolute_url(&format!("{base}/"));
        let html = redirect_page(
            &url,
            title,
            &self.site.config.language,
            canonical.as_deref(),
        );
        out.sink.write(&path, html.as_bytes())?;
        out.stats.files += 1;
        Ok(())
    }
}

/// A page as listed on the home page.
#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    path: String,
    description: Option<&'a str>,
    role: Option<&'static str>,
}

/// Marks a page's navigation for the page: [`set_current`] with the page's
/// path and `root`, which its context holds.
fn mark_nav(map: &mut serde_json::Map<String, serde_json::Value>) {
    let text = |name: &str| {
        map.get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    if let (Some(path), Some(root)) = (text("page_path"), text("root")) {
        if let Some(nav) = map.get_mut("nav") {
            set_current(nav, Some((&path, &root)));
        }
    }
}

/// Marks the navigation entry of the page at `path` as current, and only it.
/// With a page (its path and its `root`), also links each entry from that
/// page (`href`).
fn set_current(nav: &mut serde_json::Value, page: Option<(&str, &str)>) {
    for item in nav.as_array_mut().into_iter().flatten() {
        let target = item
            .get("path")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        let current = page.is_some_and(|(path, _)| target == path);
        // Pages in one folder share their links: a link already right (the
        // page before it on this thread was in the same folder) is kept.
        let href = page.and_then(|(_, root)| {
            let old = item.get("href").and_then(serde_json::Value::as_str);
            let right = old.is_some_and(|old| {
                old.len() == root.len() + target.len()
                    && old.starts_with(root)
                    && old.ends_with(target)
            });
            (!right).then(|| format!("{root}{target}"))
        });
        if let Some(flag) = item.get_mut("current") {
            *flag = serde_json::Value::Bool(current);
        }
        if let (Some(href), Some(link)) = (href, item.get_mut("href")) {
            *link = serde_json::Value::String(href);
        }
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The redirect page written for an alias: a relative refresh, a request
/// that search engines index the page it points at instead (as Hugo's
/// alias pages do), and a canonical link to the absolute address only when
/// `base_url` is set.
fn redirect_page(url: &str, title: &str, language: &str, canonical: Option<&str>) -> String {
    let url = xml_escape(url);
    let title = xml_escape(title);
    let language = xml_escape(language);
    let canonical = canonical.map_or(String::new(), |c| {
        format!("<link rel=\"canonical\" href=\"{}\">\n", xml_escape(c))
    });
    format!(
        "<!DOCTYPE html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n{canonical}</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_list_paths() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("stretches/x/index.html"), "../../");
        assert_eq!(list_path("stretches", 1), "stretches/index.html");
        assert_eq!(
            list_path("targets/hips", 3),
            "targets/hips/page/3/index.html"
        );
        assert_eq!(pages_of(0, 50), 1);
        assert_eq!(pages_of(101, 50), 3);
    }

    #[test]
    fn folder_links_name_a_folder_from_the_root() {
        let page = "stretches/knee-to-chest/index.html";
        fn folder(d: &str) -> Option<(String, &str)> {
            folder_link("stretches/knee-to-chest/index.html", d).map(|(f, end)| (f, &d[end..]))
        }
        assert_eq!(folder("../"), Some(("stretches".into(), "")));
        assert_eq!(folder("./"), Some(("stretches/knee-to-chest".into(), "")));
        assert_eq!(folder("."), Some(("stretches/knee-to-chest".into(), "")));
        assert_eq!(folder("../.."), Some(("".into(), "")));
        assert_eq!(
            folder("../../routines/morning/handout/?print=1#top"),
            Some(("routines/morning/handout".into(), "?print=1#top"))
        );
        assert_eq!(folder("../../my%20notes/"), Some(("my notes".into(), "")));
        assert_eq!(
            folder("../../stretches#x"),
            Some(("stretches".into(), "#x"))
        );
        for other in [
            "../pelvic-tilt/index.html",
            "../x.svg",
            "#steps",
            "?q=1",
            "",
            "/stretches/",
            "//cdn.example.org/x/",
            "https://example.org/",
            "mailto:a@b.c",
            "../../../",
            "a.b/..x",
        ] {
            assert_eq!(folder_link(page, other), None, "{other}");
        }
        assert_eq!(
            folder_link("index.html", "stretches/"),
            Some(("stretches".into(), 10))
        );
        assert!(
            markdown::has_scheme("tel:+1")
                && !markdown::has_scheme("a/b:c/")
                && !markdown::has_scheme(":x")
        );
    }
}
