//! Templates: Tera, loaded once per build from three layers — the built-in
//! default theme, the site's `themes/<name>/templates/`, and the site's own
//! `templates/`, each overriding the one before file by file.

mod cycles;
mod fragments;
pub mod hyphenate;
mod names;
mod walk;

use std::collections::{BTreeMap, HashSet};
use std::error::Error as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use tera::Tera;

use crate::content::load::{read_source, walk};
use crate::diagnostics::{Diagnostic, SourceFile, closest};
use crate::embedded;
use names::Kind;

/// Where a theme's files come from.
#[derive(Debug, Clone)]
pub enum ThemeSource {
    /// The theme built into the binary.
    BuiltIn,
    /// A folder `themes/<name>/` of the site.
    Folder(PathBuf),
}

/// The templates of a site: read when the site loads, compiled then or,
/// when a build knows them from the one before (see [`Templates::read`]),
/// when the first page needs them.
pub struct Templates {
    /// Every template's text, by name.
    layers: BTreeMap<String, SourceFile>,
    /// Every `id="…"` written literally in a template, which heading ids
    /// must not repeat.
    ids: HashSet<String>,
    /// Where each template came from, for messages.
    sources: BTreeMap<String, PathBuf>,
    /// A hash of every template's name and text; `None` when a template
    /// mentions `get_env`, whose result no hash of the templates covers.
    fingerprint: Option<u128>,
    /// The templates compiled, or every problem found compiling them.
    compiled: OnceLock<Result<Compiled, Vec<Diagnostic>>>,
    /// The templates compiled as written, without fragments: when a page
    /// that uses fragments fails, it is rendered again by these, so that
    /// its error is Tera's own. Compiled on first need.
    as_written: OnceLock<Option<Tera>>,
}

/// Compiled templates.
struct Compiled {
    tera: Tera,
    /// Includes rendered once for many pages (see [`fragments`]).
    fragments: fragments::Fragments,
    /// What the templates do that works but is surely not meant.
    warnings: Vec<Diagnostic>,
}

impl Compiled {
    fn new(mut tera: Tera, layers: &BTreeMap<String, SourceFile>) -> Compiled {
        let mut warnings = unused_blocks(&tera, layers);
        warnings.extend(layers.values().flat_map(misnamed_block_ends));
        let fragments = fragments::Fragments::prepare(&mut tera);
        Compiled {
            tera,
            fragments,
            warnings,
        }
    }
}

/// A warning for each `{% block %}` at the top of a template that extends
/// another, when no template above it has a block of that name: Tera
/// renders the top template's blocks only, so it is never shown.
fn unused_blocks(tera: &Tera, layers: &BTreeMap<String, SourceFile>) -> Vec<Diagnostic> {
    let mut parsed: Vec<(&String, &tera::Template)> = tera.templates.iter().collect();
    parsed.sort_unstable_by_key(|(name, _)| *name);
    let mut warnings = Vec::new();
    for (name, template) in parsed {
        let Some(top) = template.parents.last() else {
            continue;
        };
        for node in &template.ast {
            let tera::ast::Node::Block(_, block, _) = node else {
                continue;
            };
            let above = template.parents.iter().any(|parent| {
                tera.templates
                    .get(parent)
                    .is_some_and(|t| t.blocks.contains_key(&block.name))
            });
            if above {
                continue;
            }
            let mut diagnostic = Diagnostic::warning(format!(
                "block `{}` of template '{name}' is never shown: '{top}', which it extends, has no block `{}`",
                block.name, block.name
            ));
            if let Some(file) = layers.get(name) {
                diagnostic = match tags_naming(&file.text, "block", &block.name).next() {
                    Some(span) => diagnostic.at(file.locate(span)),
                    None => diagnostic.in_file(&file.path),
                };
            }
            let mut names: Vec<&str> = template
                .parents
                .iter()
                .filter_map(|parent| tera.templates.get(parent))
                .flat_map(|t| t.blocks.keys().map(String::as_str))
                .collect();
            names.sort_unstable();
            names.dedup();
            let help = match closest(&block.name, &names) {
                Some(like) => format!("did you mean `{like}`?"),
                None if names.is_empty() => {
                    format!("'{top}' has no blocks: a template that extends it can fill none")
                }
                None => format!(
                    "a template that extends another fills its blocks: {}",
                    crate::diagnostics::code_list(&names)
                ),
            };
            warnings.push(diagnostic.help(help));
        }
    }
    warnings
}

/// How [`compile`] parses the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    /// On all threads (most of a small site's build).
    SideBySide,
    /// On the calling thread only, as inside a `OnceLock`'s initialization.
    InTurn,
}

impl Templates {
    /// Reads and compiles every template layer.
    pub fn load(root: &Path, theme: &ThemeSource) -> Result<Templates, Vec<Diagnostic>> {
        let templates = Templates::read(root, theme)?;
        templates.check()?;
        Ok(templates)
    }

    /// Reads every template layer, compiling nothing yet: [`Templates::check`]
    /// compiles them now, or the first page rendered does. A build whose
    /// ledger shows that these very templates built the output before
    /// compiles them only when a page must be rendered; with nothing changed,
    /// none is (parsing was nine tenths of such a rebuild of a small site).
    pub fn read(root: &Path, theme: &ThemeSource) -> Result<Templates, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut layers: BTreeMap<String, SourceFile> = BTreeMap::new();
        for (path, bytes) in embedded::THEME {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                layers.insert(
                    name.to_string(),
                    SourceFile::new(format!("(built-in theme)/templates/{name}"), text),
                );
            }
        }
        if let ThemeSource::Folder(dir) = theme {
            read_layer(root, &dir.join("templates"), &mut layers, &mut errors);
        }
        read_layer(root, &root.join("templates"), &mut layers, &mut errors);
        if !errors.is_empty() {
            // Every problem in one run: the files that were read are
            // parsed too (how they fit together waits for the others).
            let parsed: Vec<Diagnostic> = layers
                .par_iter()
                .filter_map(|(name, file)| {
                    tera::Template::new(name, None, &file.text)
                        .err()
                        .map(|err| template_error(file, &err))
                })
                .collect();
            errors.extend(parsed);
            return Err(errors);
        }
        let sources = layers
            .iter()
            .map(|(n, f)| (n.clone(), f.path.clone()))
            .collect();
        let ids = layers
            .values()
            .flat_map(|file| literal_ids(&file.text))
            .collect();
        let fingerprint = fingerprint(&layers);
        Ok(Templates {
            layers,
            ids,
            sources,
            fingerprint,
            compiled: OnceLock::new(),
            as_written: OnceLock::new(),
        })
    }

    /// Compiles the templates unless done already; every problem found.
    pub fn check(&self) -> Result<(), Vec<Diagnostic>> {
        if self.compiled.get().is_none() {
            // Parsed side by side here, outside the cell: a thread waiting
            // for rayon may run another job meanwhile, and a page rendered
            // by it would ask for the cell again, from inside its own
            // initialization.
            let compiled = compile(&self.layers, Parse::SideBySide)
                .map(|tera| Compiled::new(tera, &self.layers));
            let _ = self.compiled.set(compiled);
        }
        self.compiled().map(|_| ()).map_err(<[Diagnostic]>::to_vec)
    }

    /// The compiled templates, compiled now (one file after another: see
    /// [`Templates::check`]) when a build took them as known.
    fn compiled(&self) -> Result<&Compiled, &[Diagnostic]> {
        self.compiled
            .get_or_init(|| {
                compile(&self.layers, Parse::InTurn).map(|tera| Compiled::new(tera, &self.layers))
            })
            .as_ref()
            .map_err(Vec::as_slice)
    }

    /// The templates compiled as written, without fragments.
    fn as_written(&self) -> Option<&Tera> {
        self.as_written
            .get_or_init(|| compile(&self.layers, Parse::InTurn).ok())
            .as_ref()
    }

    /// The warnings of templates that compiled (by [`Templates::check`]).
    pub fn warnings(&self) -> &[Diagnostic] {
        match self.compiled.get() {
            Some(Ok(compiled)) => &compiled.warnings,
            _ => &[],
        }
    }

    /// The ids the templates write literally (`id="main"`).
    pub fn ids(&self) -> &HashSet<String> {
        &self.ids
    }

    /// A hash of every template's name and text, for the ledger of
    /// rendered pages; `None` when pages rendered with these templates may
    /// not be reused (see [`crate::render::ledger`]).
    pub fn fingerprint(&self) -> Option<u128> {
        self.fingerprint
    }

    /// Whether a template exists.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Renders `template` for the content file `page` (named in errors).
    pub fn render(
        &self,
        template: &str,
        context: &mut tera::Context,
        page: &str,
    ) -> Result<String, Diagnostic> {
        let mut out = Vec::with_capacity(8192);
        self.render_into(template, context, page, &mut out)?;
        // Tera writes only text: the bytes are UTF-8.
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// [`Templates::render`] appending the page's bytes to `out`: no copy
    /// into a string of its own, no check that Tera's text is text. The
    /// context is left as it was given.
    pub fn render_into(
        &self,
        template: &str,
        context: &mut tera::Context,
        page: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let compiled = match self.compiled() {
            Ok(compiled) => compiled,
            // Reported where the templates were checked; a build that took
            // them as known compiles them here.
            Err(errors) => {
                return Err(errors
                    .first()
                    .cloned()
                    .unwrap_or_else(|| Diagnostic::error("the templates do not compile")));
            }
        };
        let (tera, fragments) = (&compiled.tera, &compiled.fragments);
        let start = out.len();
        let mut result = fragments
            .set(tera, template, context)
            .and_then(|()| tera.render_to(template, &*context, Capped::new(out)));
        fragments.unset(template, context);
        if result.is_err() && fragments.used_by(template) {
            // Rendered as written, the page fails with Tera's own message
            // (or, should a fragment have failed where its include would not
            // have, renders as it would have).
            if let Some(tera) = self.as_written() {
                out.truncate(start);
                result = tera.render_to(template, &*context, Capped::new(out));
            }
        }
        if result.is_err() {
            // A page cut off at the limit is let go at once.
            out.truncate(start);
            out.shrink_to(start.max(8192));
        }
        result.map_err(|err| self.render_error(template, page, &err))
    }

    /// A render error, placed in the template that failed (Tera names it,
    /// `while rendering 'partials/footer.html'`, when it is not the page's
    /// own) at the first place that template writes what Tera names.
    fn render_error(&self, template: &str, page: &str, err: &tera::Error) -> Diagnostic {
        let message = chain(err);
        let failed = message
            .rsplit_once("while rendering '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(name, _)| name)
            .filter(|name| self.layers.contains_key(*name))
            .unwrap_or(template);
        let diagnostic = Diagnostic::error(format!(
            "template `{template}` failed while rendering {page}"
        ));
        let inner = past_page_template(&message);
        // Tera finds an `{% include %}` of a missing template only when it
        // renders it, and does not say which template holds the include:
        // `Template '[partials/x.html]' not found`.
        let missing_include = inner.starts_with("Template '[") && inner.ends_with("' not found");
        let mut failed = failed;
        // The template that failed, and the place in it.
        let mut spot = self
            .layers
            .get(failed)
            .and_then(|file| culprit(&message, &file.text).map(|span| (file, span)));
        if spot.is_none() && missing_include {
            if let Some((name, found)) = self.layers.iter().find_map(|(name, file)| {
                culprit(&message, &file.text).map(|span| (name, (file, span)))
            }) {
                failed = name;
                spot = Some(found);
            }
        }
        if spot.is_none() {
            // Outside the blocks of a template it extends (`base.html`), and
            // for a failing function call in a file it includes, Tera names
            // the page's own template: the templates it extends are looked
            // in first, then those they include, nearest first.
            let elsewhere = self
                .compiled()
                .ok()
                .map(|compiled| {
                    let tera = &compiled.tera;
                    let mut names = tera
                        .templates
                        .get(failed)
                        .map(|t| t.parents.clone())
                        .unwrap_or_default();
                    names.extend(included_from(tera, failed));
                    names
                })
                .unwrap_or_default();
            if let Some((name, found)) = elsewhere.iter().find_map(|name| {
                let (name, file) = self.layers.get_key_value(name)?;
                culprit(&message, &file.text).map(|span| (name, (file, span)))
            }) {
                failed = name;
                spot = Some(found);
            }
        }
        let location = spot.as_ref().map(|(file, span)| file.locate(span.clone()));
        // Tera does not say where in the template it failed: the caret
        // marks the first place that writes the name, and the others are
        // named, so that a working first use does not hide a failing one.
        // A call found by the argument it lacks is the one that failed.
        let pinpointed = missing_argument(inner).zip(spot.as_ref()).is_some_and(
            |((name, argument), (file, span))| {
                call_without(&file.text, name, argument).as_ref() == Some(span)
            },
        );
        let elsewhere = spot.filter(|_| !pinpointed).and_then(|(file, span)| {
            let name = &file.text[span.clone()];
            other_places(file, name, &span)
                .map(|places| format!("{places}; Tera does not say which one failed"))
        });
        // One cause for every page that meets it: the failing template, the
        // place in it, and Tera's message past the page's own template (and,
        // with a place, before the name of the template Tera was rendering,
        // which differs from page kind to page kind for a parent's error).
        let place = location.as_ref().map(|l| (l.line, l.column));
        let cause = match place {
            Some(_) => inner.split(" while rendering '").next().unwrap_or(inner),
            None => inner,
        };
        let diagnostic = diagnostic.repeated(format!("{failed} {place:?} {cause}"), page);
        let diagnostic = match location {
            Some(location) => diagnostic.at(location),
            None => {
                let source = self
                    .sources
                    .get(failed)
                    .map_or_else(|| failed.to_string(), |p| p.display().to_string());
                diagnostic.note(format!("template file: {source}"))
            }
        };
        let diagnostic = match elsewhere {
            Some(note) => diagnostic.note(note),
            None => diagnostic,
        };
        let help = if missing_include {
            "an `{% include %}` names a template that is neither in templates/ nor in the theme's: check the name, or add `ignore missing`".to_string()
        } else if message.contains(TOO_LARGE) {
            "check the template's loops: what they go over, and `range()`'s arguments".to_string()
        } else if let Some(help) = self.unknown_name_help(err) {
            help
        } else if let Some(help) = self.missing_macro_help(inner) {
            help
        } else if let Some(help) = missing_variable_help(inner) {
            help
        } else if let Some((name, argument)) =
            missing_argument(inner).filter(|_| inner.contains("Macro `"))
        {
            format!(
                "the macro `{name}` takes `{argument}` and gives it no default: pass it by name, `{name}({argument}=…)`, as the macro's definition writes it"
            )
        } else {
            "check the expression named above against the template context in the README"
                .to_string()
        };
        diagnostic.note(message).help(help)
    }
}

/// Tera's built-in filters and functions that `gen`'s Tera is built
/// without: `now()` and `get_random()` would make two builds of one site
/// differ, and the others need libraries `gen` does not carry.
const LEFT_OUT: [&str; 7] = [
    "date",
    "now",
    "get_random",
    "filesizeformat",
    "slugify",
    "urlencode",
    "urlencode_strict",
];

impl Templates {
    /// The help for `Macro \`ns::name\` not found in template \`t.html\``
    /// when the file `t.html` imports as `ns` is the site's or the theme's:
    /// it replaces the built-in theme's file of that name whole, so the
    /// built-in templates' macros must be in it too.
    fn missing_macro_help(&self, message: &str) -> Option<String> {
        let rest = message.strip_prefix("Macro `")?;
        let (called, rest) = rest.split_once("` not found in template `")?;
        let template = rest.split('`').next()?;
        let (namespace, name) = called.split_once("::")?;
        let compiled = self.compiled().ok()?;
        let (file, _) = compiled
            .tera
            .templates
            .get(template)?
            .imported_macro_files
            .iter()
            .find(|(_, ns)| ns == namespace)?;
        let source = self.sources.get(file)?.display().to_string();
        if source.starts_with("(built-in theme)") {
            return None;
        }
        Some(format!(
            "`{namespace}` is {source}, which has no macro `{name}`: a {file} of the site or theme replaces the built-in theme's whole, so it must hold every macro the templates call; copy `{name}` into it from the built-in theme's {file} (`gen new theme NAME` writes the built-in theme's files into themes/NAME/), or remove it"
        ))
    }

    /// The help for a filter, test or function Tera does not know: that
    /// `gen` leaves it out, or the known name closest to it.
    fn unknown_name_help(&self, err: &tera::Error) -> Option<String> {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
        let (kind, name) = loop {
            let found = cause?;
            if let Some(err) = found.downcast_ref::<tera::Error>() {
                match &err.kind {
                    tera::ErrorKind::FilterNotFound(name) => break (Kind::Filter, name),
                    tera::ErrorKind::TestNotFound(name) => break (Kind::Test, name),
                    tera::ErrorKind::FunctionNotFound(name) => break (Kind::Function, name),
                    _ => {}
                }
            }
            cause = found.source();
        };
        Some(unknown_help(&self.compiled().ok()?.tera, kind, name))
    }
}

/// The help for a filter, test or function `tera` does not know: that `gen`
/// leaves it out, or the known name closest to it, or all of them.
fn unknown_help(tera: &Tera, kind: Kind, name: &str) -> String {
    if LEFT_OUT.contains(&name) {
        let listed = crate::diagnostics::code_list(LEFT_OUT);
        return format!(
            "`{name}` is one of Tera's built-ins that gen leaves out ({listed}): a page must come out the same at every build, and the dates (`routine.updated`) and paths in the context are ready to print"
        );
    }
    let kind_name = kind.describe();
    let known = names::known(tera, kind);
    if let Some(near) = crate::diagnostics::closest(name, &known) {
        return format!("did you mean the {kind_name} `{near}`?");
    }
    format!(
        "the {kind_name}s there are: {}",
        crate::diagnostics::code_list(&known)
    )
}

/// The most bytes one page (or one kept include) may take: a page that
/// grows past it is an error, not a build that eats the machine's memory
/// (a loop over `range(end=100000)` inside another). A page of the largest
/// content file, 4 MiB of highlighted code, takes about a tenth of it.
const MAX_PAGE_BYTES: usize = 256 << 20;

/// How the error of a page past [`MAX_PAGE_BYTES`] ends.
const TOO_LARGE: &str = "the most a page may take: does a loop run far longer than meant?";

/// A writer into `out` that fails once the bytes written since it was made
/// would pass [`MAX_PAGE_BYTES`]: Tera then stops rendering.
pub(crate) struct Capped<'a> {
    out: &'a mut Vec<u8>,
    limit: usize,
}

impl<'a> Capped<'a> {
    /// Appends to `out`, at most [`MAX_PAGE_BYTES`] more.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Capped<'a> {
        let limit = out.len().saturating_add(MAX_PAGE_BYTES);
        Capped { out, limit }
    }
}

impl std::io::Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len().saturating_add(buf.len()) > self.limit {
            return Err(std::io::Error::other(format!(
                "the page grew past {} MiB, {TOO_LARGE}",
                MAX_PAGE_BYTES >> 20
            )));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tera's render error past the name of the page's own template:
/// `Failed to render 'page.html'[ (error happened in a parent template)]: `
/// taken off, the cause left.
fn past_page_template(message: &str) -> &str {
    message
        .strip_prefix("Failed to render '")
        .and_then(|rest| rest.split_once('\''))
        .and_then(|(_, rest)| rest.split_once(": "))
        .map_or(message, |(_, rest)| rest)
}

/// The templates that `name` and the templates it extends include, and
/// those these include in turn, nearest first.
fn included_from(tera: &Tera, name: &str) -> Vec<String> {
    struct Includes(Vec<String>);
    impl walk::Visit for Includes {
        fn node(&mut self, node: &tera::ast::Node) {
            if let tera::ast::Node::Include(_, names, _) = node {
                self.0.extend(names.iter().cloned());
            }
        }
    }
    let mut from: Vec<String> = std::iter::once(name.to_string())
        .chain(
            tera.templates
                .get(name)
                .into_iter()
                .flat_map(|t| t.parents.clone()),
        )
        .collect();
    let mut seen: HashSet<String> = from.iter().cloned().collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at < from.len() {
        let Some(template) = tera.templates.get(&from[at]) else {
            at += 1;
            continue;
        };
        at += 1;
        let mut includes = Includes(Vec::new());
        walk::nodes(&template.ast, &mut includes);
        for definition in template.macros.values() {
            walk::nodes(&definition.body, &mut includes);
        }
        for include in includes.0 {
            if seen.insert(include.clone()) {
                found.push(include.clone());
                from.push(include);
            }
        }
    }
    found
}

/// Where in a template's `text` Tera's render error `message` happened: the
/// first place, inside a tag, where the text holds a name the message quotes
/// (`Variable \`site.x\` not found`), when there is one. The innermost
/// cause comes last (`error while rendering macro \`m::card\`: Variable
/// \`s.x\` not found`), so names in backquotes are tried from the last;
/// then those in quotes (filters, tests, functions, and the templates an
/// `{% include %}` did not find, `'[partials/x.html]'`).
fn culprit(message: &str, text: &str) -> Option<std::ops::Range<usize>> {
    // Before `while rendering '…'`.
    let cause = past_page_template(message);
    let cause = cause.split(" while rendering '").next().unwrap_or(cause);
    // A call that lacks an argument is the one to show, not the first
    // call of the macro, nor the first `s` of the template.
    if let Some((name, argument)) = missing_argument(cause) {
        return call_without(text, name, argument).or_else(|| in_a_tag(name, text));
    }
    // Tera quotes variables in backquotes, filters, tests and functions in quotes.
    let quoted = |mark: char| cause.split(mark).skip(1).step_by(2).collect::<Vec<_>>();
    let mut names: Vec<&str> = quoted('`').into_iter().rev().collect();
    for name in quoted('\'') {
        let list = name.strip_prefix('[').and_then(|n| n.strip_suffix(']'));
        match list {
            Some(list) => names.extend(list.split(", ")),
            None => names.push(name),
        }
    }
    names
        .into_iter()
        .filter(|name| !name.is_empty())
        .find_map(|name| in_a_tag(name, text))
}

/// Context keys that some templates lack, or that are null on some pages
/// (see the README's table of each template's context).
const NOT_ON_EVERY_PAGE: &[&str] = &[
    "page",
    "stretch",
    "stretches",
    "routine",
    "routines",
    "previous",
    "next",
    "sequence",
    "main_routine",
    "paginator",
    "taxonomy",
    "term",
    "terms",
    "preparation_points",
    "red_flag_points",
    "red_flags",
    "qr_svg",
    "routine_url",
    "pages",
];

/// The help for Tera's ``Variable `previous.path` not found in context``
/// when its first part is a key that not every page has, or that is null
/// on some: guard it.
fn missing_variable_help(message: &str) -> Option<String> {
    let rest = message.split_once("Variable `")?.1;
    let (name, rest) = rest.split_once('`')?;
    if !rest.starts_with(" not found in context") {
        return None;
    }
    let root = name.split(['.', '[']).next()?;
    NOT_ON_EVERY_PAGE.contains(&root).then(|| {
        format!(
            "`{root}` is not in the context of every page this template renders, or is null on some (`previous` on a routine's first stretch, `page` on list pages): write `{{% if {root} %}}…{{% endif %}}` around it; the README lists each template's context"
        )
    })
}

/// The macro or filter and the argument it lacks, in Tera's ``Macro `dose`
/// is missing the argument `s` `` or our ``Filter `hyphenate` needs
/// `lang`…``.
fn missing_argument(cause: &str) -> Option<(&str, &str)> {
    let (name, argument) = if let Some((_, rest)) = cause.split_once("Macro `") {
        let (name, rest) = rest.split_once("` is missing the argument `")?;
        (name, rest.split_once('`')?.0)
    } else {
        let rest = cause.split_once("Filter `")?.1;
        let (name, rest) = rest.split_once("` needs `")?;
        (name, rest.split_once('`')?.0)
    };
    (!name.is_empty() && !argument.is_empty()).then_some((name, argument))
}

/// The first call of the macro or filter `name` in a tag of `text` that
/// does not give `argument` (`dose(stretch=s)` for `s`, a bare
/// `| hyphenate`): the name's span. A macro's definition is no call.
fn call_without(text: &str, name: &str, argument: &str) -> Option<std::ops::Range<usize>> {
    in_tags(name, text).find(|span| {
        if text[..span.start].trim_end().ends_with("macro") {
            return false;
        }
        let Some(after) = text[span.end..].trim_start().strip_prefix('(') else {
            // Called with no arguments at all.
            return true;
        };
        let arguments = after.split(')').next().unwrap_or_default();
        !arguments.split(',').any(|given| {
            given
                .split_once('=')
                .is_some_and(|(key, _)| key.trim() == argument)
        })
    })
}

/// The first place, inside `{{ … }}` or `{% … %}`, where `text` holds
/// `name` as a whole word.
fn in_a_tag(name: &str, text: &str) -> Option<std::ops::Range<usize>> {
    in_tags(name, text).next()
}

/// `diagnostic` placed where template `template` first writes `name` in a
/// tag, naming the other places ([`other_places`]); in the template's file
/// when it writes it in no tag.
fn at_name(
    diagnostic: Diagnostic,
    layers: &BTreeMap<String, SourceFile>,
    template: &str,
    name: &str,
) -> Diagnostic {
    let Some(file) = layers.get(template) else {
        return diagnostic.in_file(template);
    };
    let Some(span) = in_a_tag(name, &file.text) else {
        return diagnostic.in_file(&file.path);
    };
    let others = other_places(file, name, &span);
    let diagnostic = diagnostic.at(file.locate(span));
    match others {
        Some(note) => diagnostic.note(note),
        None => diagnostic,
    }
}

/// The places other than `first` where a template writes `name` in a tag,
/// as a note (`\`x.href\` is also written at 5:22, 7:3 in this template`):
/// an error placed at one place must not hide the others.
fn other_places(file: &SourceFile, name: &str, first: &std::ops::Range<usize>) -> Option<String> {
    let places: Vec<String> = in_tags(name, &file.text)
        .filter(|other| other != first)
        .map(|other| {
            let at = file.locate(other);
            format!("{}:{}", at.line, at.column)
        })
        .collect();
    (!places.is_empty()).then(|| {
        format!(
            "`{name}` is also written at {} in this template",
            places.join(", ")
        )
    })
}

/// Every place, inside `{{ … }}` or `{% … %}`, where `text` holds `name` as
/// a whole word, in order.
fn in_tags<'a>(name: &'a str, text: &'a str) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let mut from = 0;
    // A template's file name is read whole: `nope.html` is not a word of
    // `also-nope.html` nor of `partials/nope.html`.
    let file_name = name.rsplit_once('.').is_some_and(|(_, ext)| {
        ["html", "htm", "xml", "txt", "svg", "css", "js", "json"].contains(&ext)
    });
    std::iter::from_fn(move || {
        while let Some(found) = text.get(from..)?.find(name) {
            let start = from + found;
            let end = start + name.len();
            from = end.max(start + 1);
            let word = |c: char| {
                c.is_alphanumeric() || c == '_' || c == '.' || (file_name && matches!(c, '-' | '/'))
            };
            let whole = !text[..start].ends_with(word) && !text[end..].starts_with(word);
            // Inside `{{ … }}` or `{% … %}`: the last opening before it is
            // later than the last closing.
            let before = &text[..start];
            let opened = before.rfind("{{").max(before.rfind("{%"));
            let closed = before.rfind("}}").max(before.rfind("%}"));
            if whole && opened.is_some() && opened > closed {
                return Some(start..end);
            }
        }
        None
    })
}

/// Parses every template and checks that they fit together.
fn compile(layers: &BTreeMap<String, SourceFile>, how: Parse) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = new_tera();
    let mut errors = Vec::new();
    // Parse every file once, keeping every broken file's error.
    // A template nested too deep is refused before Tera parses it: Tera's
    // parser and renderer recurse at each level and would overflow the
    // stack, which aborts the process.
    fn parse<'a>(
        (name, file): (&'a String, &SourceFile),
    ) -> (&'a String, Result<tera::Template, Diagnostic>) {
        if let Some((span, why)) = too_deep(file) {
            let help = "split the template with `{% include %}` or a macro, or write the expression in steps with `{% set %}`";
            return (name, Err(file.error(span, why).help(help)));
        }
        let parsed = tera::Template::new(name, None, &file.text);
        (name, parsed.map_err(|err| template_error(file, &err)))
    }
    let parsed: Vec<(&String, Result<tera::Template, Diagnostic>)> = match how {
        Parse::SideBySide => layers.par_iter().map(parse).collect(),
        Parse::InTurn => layers.iter().map(parse).collect(),
    };
    for (name, result) in parsed {
        match result {
            // `templates` is Tera's own map of parsed templates, what
            // `add_raw_templates` fills one file at a time.
            Ok(template) => {
                tera.templates.insert(name.clone(), template);
            }
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    errors.extend(missing_targets(&tera, layers));
    if !errors.is_empty() {
        // The templates that parse are checked for names Tera lacks too:
        // one run reports every problem.
        errors.extend(unknown_names(&tera, layers));
        return Err(errors);
    }
    if let Some(chain) = cycles::extends_loop(&tera.templates) {
        return Err(vec![extends_loop(layers, &chain)]);
    }
    if let Err(err) = tera
        .build_inheritance_chains()
        .and_then(|()| tera.check_macro_files())
    {
        return Err(vec![misfit(layers, &chain(&err))]);
    }
    let cycles = cycles::find(&tera.templates);
    if !cycles.is_empty() {
        return Err(cycles
            .into_iter()
            .map(|(name, chain)| {
                let diagnostic = Diagnostic::error(format!("templates lead back to themselves: {chain}"));
                let diagnostic = match layers.get(&name) {
                    // At the first step of the loop: where the template names
                    // the next one (`include "x.html"`, `extends`, `m::card(`).
                    Some(file) => match loop_step(&chain).and_then(|next| next.find_in(&file.text)) {
                        Some(span) => diagnostic.at(file.locate(span)),
                        None => diagnostic.in_file(&file.path),
                    },
                    None => diagnostic.in_file(name),
                };
                diagnostic.help("gen refuses a template that includes itself and a macro that calls itself, even through others and even when the loop would end, as it cannot tell whether it does: write the repetition as a `{% for %}` loop")
            })
            .collect());
    }
    let unknown = unknown_names(&tera, layers);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(tera)
}

/// An error for each `{% extends %}` and `{% import %}` of a template that
/// is not there, at the name: Tera stops at the first it meets.
fn missing_targets(tera: &Tera, layers: &BTreeMap<String, SourceFile>) -> Vec<Diagnostic> {
    let known: Vec<&str> = layers.keys().map(String::as_str).collect();
    let mut parsed: Vec<(&String, &tera::Template)> = tera.templates.iter().collect();
    parsed.sort_unstable_by_key(|(name, _)| *name);
    let mut errors = Vec::new();
    for (name, template) in parsed {
        let parent = template.parent.iter().map(|p| (p, "extends"));
        let imports = template
            .imported_macro_files
            .iter()
            .map(|(file, _)| (file, "imports macros from"));
        // An include of a list renders the first that is there; `ignore
        // missing` renders nothing when none is.
        let mut includes = Includes(Vec::new());
        walk::nodes(&template.ast, &mut includes);
        for definition in template.macros.values() {
            walk::nodes(&definition.body, &mut includes);
        }
        let included = includes
            .0
            .into_iter()
            .filter(|names| !names.iter().any(|name| layers.contains_key(name)))
            .filter_map(|names| names.into_iter().next())
            .collect::<Vec<_>>();
        let included = included.iter().map(|file| (file, "includes"));
        for (target, how) in parent.chain(imports).chain(included) {
            if layers.contains_key(target) {
                continue;
            }
            let diagnostic = Diagnostic::error(format!(
                "templates do not fit together: template '{name}' {how} '{target}', which is not a template"
            ));
            let diagnostic = at_name(diagnostic, layers, name, target);
            let others: Vec<&str> = known.iter().copied().filter(|k| k != name).collect();
            let help = match closest(target, &others) {
                Some(like) => {
                    format!("did you mean '{like}'? A new template goes in templates/{target}")
                }
                None => format!(
                    "templates are those in templates/, in the theme's templates/ and in the built-in theme: a new one goes in templates/{target}"
                ),
            };
            errors.push(diagnostic.help(help));
        }
    }
    errors
}

/// The files of each `{% include %}` a walk meets that must be there (not
/// `ignore missing`).
struct Includes(Vec<Vec<String>>);

impl walk::Visit for Includes {
    fn node(&mut self, node: &tera::ast::Node) {
        if let tera::ast::Node::Include(_, names, false) = node {
            self.0.push(names.clone());
        }
    }
}

/// An error for each filter, test or function a template uses that Tera
/// does not have (or `gen` takes away), at its first use.
fn unknown_names(tera: &Tera, layers: &BTreeMap<String, SourceFile>) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = names::unknown(tera)
        .into_iter()
        .map(|(name, kind, called)| {
            let lacking = if LEFT_OUT.contains(&called.as_str()) {
                "gen leaves out of Tera"
            } else {
                "Tera does not have"
            };
            let diagnostic = Diagnostic::error(format!(
                "template `{name}` uses the {} `{called}`, which {lacking}",
                kind.describe()
            ));
            at_name(diagnostic, layers, &name, &called).help(unknown_help(tera, kind, &called))
        })
        .collect();
    // In the order of the files and of the places in them.
    errors.sort_by_cached_key(|d| {
        let place = d
            .location
            .as_ref()
            .map(|l| (l.path.clone(), l.line, l.column));
        (place, d.message.clone())
    });
    errors
}

/// An error of templates that parse but do not fit together, placed in the
/// template Tera names first, at the name it names next (the parent of an
/// `{% extends %}`, the file of an `{% import %}`) or at its `extends`:
/// `Template 'page.html' is inheriting from 'base2.html', which doesn't
/// exist or isn't loaded.`, ``Template `page.html` loads macros from
/// `m.html` which isn't present in Tera``, `Circular extend detected for
/// template 'a.html'. …`.
fn misfit(layers: &BTreeMap<String, SourceFile>, message: &str) -> Diagnostic {
    let names: Vec<&str> = message
        .split(['\'', '`'])
        .skip(1)
        .step_by(2)
        .filter(|name| !name.is_empty())
        .collect();
    let diagnostic = Diagnostic::error(format!("templates do not fit together: {message}"));
    let file = names.first().and_then(|name| layers.get(*name));
    let diagnostic = match file {
        Some(file) => {
            let span = names
                .get(1)
                .and_then(|name| in_a_tag(name, &file.text))
                .or_else(|| in_a_tag("extends", &file.text));
            match span {
                Some(span) => diagnostic.at(file.locate(span)),
                None => diagnostic.in_file(&file.path),
            }
        }
        None => diagnostic,
    };
    diagnostic.help(
        "check `{% extends %}`, `{% include %}` and `{% import %}` names against the files in templates/ and the theme's templates/",
    )
}

/// The error for templates that extend one another in a loop (`chain`,
/// each extending the next, the first again at the end), placed in the
/// first at the name of the template it extends.
fn extends_loop(layers: &BTreeMap<String, SourceFile>, chain: &[String]) -> Diagnostic {
    let (first, next) = (&chain[0], &chain[1]);
    let (message, help) = if chain.len() == 2 {
        (
            format!("templates do not fit together: template '{first}' extends itself"),
            format!(
                "a site's templates/{first} replaces the theme's {first} whole, so it cannot extend it: copy the theme's {first} into templates/ and change the copy, or extend another template, such as 'base.html'"
            ),
        )
    } else {
        let loop_text = chain
            .iter()
            .map(|name| format!("'{name}'"))
            .collect::<Vec<_>>()
            .join(" extends ");
        (
            format!("templates do not fit together: they extend one another in a loop: {loop_text}"),
            "each template's parents must lead up to one that extends none, as the built-in theme's base.html".to_string(),
        )
    };
    let diagnostic = Diagnostic::error(message);
    match layers.get(first) {
        Some(file) => match in_a_tag(next, &file.text) {
            Some(span) => diagnostic.at(file.locate(span)),
            None => diagnostic.in_file(&file.path),
        },
        None => diagnostic.in_file(first),
    }
    .help(help)
}

/// The second item of a loop that [`cycles::find`] reports
/// (`` `a.html` renders `b.html` renders `a.html` ``, ``macro `m` of `a.html`
/// renders …``): what the first one renders.
fn loop_step(chain: &str) -> Option<Step<'_>> {
    let next = chain.split(" renders ").nth(1)?;
    // `b.html`, or macro `m` of `b.html`: the first name in backquotes.
    let name = next.split('`').nth(1).filter(|name| !name.is_empty())?;
    Some(if next.starts_with("macro ") {
        Step::Macro(name)
    } else {
        Step::File(name)
    })
}

/// What a template renders next in a loop.
enum Step<'a> {
    /// A template it includes or extends, by name.
    File(&'a str),
    /// A macro it calls (`ns::name(`).
    Macro(&'a str),
}

impl Step<'_> {
    /// Where `text` names this step inside a tag: the template's name, or
    /// the macro's name after `::`.
    fn find_in(&self, text: &str) -> Option<std::ops::Range<usize>> {
        match *self {
            Step::File(name) => in_a_tag(name, text),
            Step::Macro(name) => {
                let call = format!("::{name}");
                let mut from = 0;
                while let Some(found) = text[from..].find(&call) {
                    let start = from + found + 2;
                    let end = start + name.len();
                    let tag = text[..start].rfind("{{").max(text[..start].rfind("{%"));
                    let closed = text[..start].rfind("}}").max(text[..start].rfind("%}"));
                    let whole = !text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
                    if whole && tag.is_some() && tag > closed {
                        return Some(start..end);
                    }
                    from = end;
                }
                None
            }
        }
    }
}

/// A Tera with Bedside's escaping: `.html` and `.xml` templates, by
/// [`escape_html`].
fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    if let Some(range) = tera.functions.get("range").cloned() {
        tera.register_function("range", BoundedRange(range));
    }
    tera.register_filter("hyphenate", hyphenate::Filter);
    tera
}

/// The most numbers one `range()` may give.
const MAX_RANGE: usize = 1_000_000;

/// Tera's `range(end, start=0, step_by=1)`, refusing what would never end or
/// take all the memory there is: Tera's own makes the whole list first, and
/// loops forever on `step_by=0`.
struct BoundedRange(std::sync::Arc<dyn tera::Function>);

impl tera::Function for BoundedRange {
    fn call(
        &self,
        args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let number = |key: &str, default: u64| args.get(key).map_or(Some(default), |v| v.as_u64());
        if let (Some(start), Some(end), Some(step)) =
            (number("start", 0), number("end", 0), number("step_by", 1))
        {
            if step == 0 {
                return Err(tera::Error::msg(
                    "Function `range` was called with `step_by=0`, which never reaches `end`",
                ));
            }
            let count = end.saturating_sub(start).div_ceil(step);
            if count > MAX_RANGE as u64 {
                return Err(tera::Error::msg(format!(
                    "Function `range` was asked for {count} numbers; it gives at most {MAX_RANGE}"
                )));
            }
        }
        self.0.call(args)
    }

    fn is_safe(&self) -> bool {
        self.0.is_safe()
    }
}

fn read_layer(
    root: &Path,
    dir: &Path,
    layers: &mut BTreeMap<String, SourceFile>,
    errors: &mut Vec<Diagnostic>,
) {
    if !dir.is_dir() {
        if dir.exists() {
            let shown = crate::content::load::display(root, dir);
            errors.push(
                Diagnostic::error(format!("{} is a file; it must be a folder", shown.display()))
                    .in_file(shown)
                    .help("templates go in a folder of that name, each overriding the theme's of the same name"),
            );
        }
        return;
    }
    for relative in walk(root, dir, errors) {
        let path = dir.join(&relative);
        let name = relative.to_string_lossy().replace('\\', "/");
        match read_source(root, &path) {
            Ok(file) => {
                layers.insert(name, file);
            }
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
}

/// A hash of the templates' names and texts, or `None` when one of them
/// mentions `get_env` (Tera's one function whose result depends on more than
/// the template and its context; the check is by text, so a mention in a
/// comment counts too).
fn fingerprint(layers: &BTreeMap<String, SourceFile>) -> Option<u128> {
    let mut bytes = Vec::new();
    for (name, file) in layers {
        if file.text.contains("get_env") {
            return None;
        }
        for part in [name.as_str(), &*file.text] {
            bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
            bytes.extend_from_slice(part.as_bytes());
        }
    }
    Some(xxhash_rust::xxh3::xxh3_128(&bytes))
}

/// The values of `id="…"` (or `id='…'`) attributes written out in a
/// template, leaving out those made by an expression.
fn literal_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for (pattern, quote) in [(" id=\"", '"'), (" id='", '\'')] {
        let mut rest = text;
        while let Some(at) = rest.find(pattern) {
            rest = &rest[at + pattern.len()..];
            let Some(end) = rest.find(quote) else {
                break;
            };
            let value = &rest[..end];
            if !value.is_empty() && !value.contains(['{', '}']) {
                ids.push(value.to_string());
            }
            rest = &rest[end..];
        }
    }
    ids
}

/// HTML escaping for autoescaped values: `&`, `<`, `>`, `"` and `'` (Tera's
/// default also escapes `/`, which only makes paths harder to read).
pub fn escape_html(input: &str) -> String {
    /// Whether a byte needs an entity; a table look-up per byte.
    const SPECIAL: [bool; 256] = {
        let mut table = [false; 256];
        table[b'&' as usize] = true;
        table[b'<' as usize] = true;
        table[b'>' as usize] = true;
        table[b'"' as usize] = true;
        table[b'\'' as usize] = true;
        table
    };
    let bytes = input.as_bytes();
    let Some(first) = bytes.iter().position(|&b| SPECIAL[b as usize]) else {
        return input.to_string();
    };
    let mut out = String::with_capacity(input.len() + input.len() / 8 + 8);
    out.push_str(&input[..first]);
    let mut copied = first;
    // Only ASCII bytes are replaced, so every cut is at a char boundary.
    for (i, &byte) in bytes.iter().enumerate().skip(first) {
        if !SPECIAL[byte as usize] {
            continue;
        }
        out.push_str(&input[copied..i]);
        out.push_str(match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
    out
}

/// The whole chain of a Tera error, one cause after another.
pub fn chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

/// Where `text` defines a second time the block or macro that Tera's parse
/// error `message` says is duplicated: its name in the second
/// `{% block name %}` or `{% macro name(` tag.
fn duplicated(
    message: &str,
    text: &str,
) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let (keyword, rest) = [("block", "Block `"), ("macro", "Macro `")]
        .into_iter()
        .find_map(|(keyword, said)| Some((keyword, message.split_once(said)?.1)))?;
    let (name, rest) = rest.split_once('`')?;
    if !rest.starts_with(" is duplicated") || name.is_empty() {
        return None;
    }
    let mut places = tags_naming(text, keyword, name);
    let first = places.next()?;
    Some((first, places.next()?))
}

/// Where each `{% keyword name … %}` tag of `text` (`{% block main %}`,
/// `{% macro card(`) writes `name`, in order.
fn tags_naming<'a>(
    text: &'a str,
    keyword: &'a str,
    name: &'a str,
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    tags(text)
        .filter(move |(word, (named, _), _)| *word == keyword && *named == name)
        .map(|(_, (_, at), _)| at)
}

/// Where a number too big for Tera stands, for the errors that give no place
/// for it: ``Integer out of bounds: `100000000000000000000` `` (and `Float`).
fn out_of_bounds(message: &str, text: &str) -> Option<std::ops::Range<usize>> {
    let rest = ["Integer out of bounds: `", "Float out of bounds: `"]
        .into_iter()
        .find_map(|said| Some(message.split_once(said)?.1))?;
    let (number, _) = rest.split_once('`')?;
    if number.is_empty() {
        return None;
    }
    in_a_tag(number, text)
}

/// A warning for each `{% endblock name %}` of `file` whose name is not
/// that of the block it closes: Tera closes the innermost block whatever
/// the name says, so the template means something else than it reads.
fn misnamed_block_ends(file: &SourceFile) -> Vec<Diagnostic> {
    let text = &file.text;
    let mut open: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    let mut warnings = Vec::new();
    for (word, name, tag) in tags(text) {
        match word {
            "block" => open.push((name.0, tag)),
            "endblock" => {
                let Some((opened, at)) = open.pop() else {
                    continue;
                };
                if !name.0.is_empty() && name.0 != opened {
                    let start = file.locate(at);
                    warnings.push(
                        file.warning(
                            name.1,
                            format!(
                                "`{{% endblock {} %}}` closes the block `{opened}`, opened at {}:{}",
                                name.0, start.line, start.column
                            ),
                        )
                        .help(format!(
                            "write `{{% endblock {opened} %}}`, or `{{% endblock %}}`"
                        )),
                    );
                }
            }
            _ => {}
        }
    }
    warnings
}

/// The tags of a template, past comments and raw sections: each one's first
/// word, the name after it with its span (empty when there is none), and
/// the tag's span.
fn tags(
    text: &str,
) -> impl Iterator<Item = (&str, (&str, std::ops::Range<usize>), std::ops::Range<usize>)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = text[from..].find('{') {
            let start = from + found;
            let rest = &text[start..];
            if rest.starts_with("{#") {
                from = rest.find("#}").map_or(text.len(), |end| start + end + 2);
                continue;
            }
            if !rest.starts_with("{%") {
                from = start + 1;
                continue;
            }
            let close = rest.find("%}");
            let end = close.map_or(rest.len(), |end| end + 2);
            from = start + end;
            let inner_start = start + 2;
            // A tag left open runs to the end of the text.
            let inner_end = close.map_or(text.len(), |close| start + close.max(2));
            let inner = &text[inner_start..inner_end];
            let mut words = inner
                .split(|c: char| c.is_whitespace() || c == '-')
                .filter(|w| !w.is_empty());
            let word = words.next().unwrap_or_default();
            if word == "raw" {
                from = text[from..]
                    .find("endraw")
                    .map_or(text.len(), |at| from + at + 6);
                continue;
            }
            // The name a tag gives (`main` of `block main`, `card` of
            // `macro card(s)`), as far as it is made of name characters.
            let next = words.next().unwrap_or_default();
            let name = &next[..next
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(next.len())];
            let name_at = if name.is_empty() {
                start..start
            } else {
                let after_word = inner.find(word).map_or(0, |at| at + word.len());
                let offset = inner_start + after_word + inner[after_word..].find(name).unwrap_or(0);
                offset..offset + name.len()
            };
            return Some((word, (name, name_at), start..start + end));
        }
        None
    })
}

/// How deep a template may nest tags (`{% if %}` in `{% for %}` …) and
/// brackets in an expression. Real templates nest a few levels; Tera
/// recurses at each one and overflowed the stack past a few hundred.
const MAX_NESTING: usize = 100;

/// How many operators one expression may hold: Tera nests `1 + 1 + 1 …`
/// one level for each, and overflowed the stack past a few thousand.
const MAX_OPERATORS: usize = 200;

/// Whether an operator starts at `at` of a tag's or variable's text that
/// opened at `opened` and closes with `close`: a sign (`+`, `==`, `<` …;
/// a two-sign operator counts twice) or one of the words `and`, `or`,
/// `not`, `in`. The `-` of whitespace control (`{%-`, `-%}`) is none.
fn operator(bytes: &[u8], at: usize, opened: usize, close: &[u8]) -> bool {
    let c = bytes[at];
    if c == b'-' {
        let trimmed = bytes[at + 1..].starts_with(close);
        return at != opened && !trimmed;
    }
    if b"+*/%<>=!".contains(&c) {
        return true;
    }
    let word_start = c.is_ascii_alphabetic()
        && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'));
    if !word_start {
        return false;
    }
    let end = bytes[at..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .map_or(bytes.len(), |len| at + len);
    matches!(&bytes[at..end], b"and" | b"or" | b"not" | b"in")
}

/// The first place of `file` that nests deeper than [`MAX_NESTING`] or
/// holds more than [`MAX_OPERATORS`] in one expression, and why.
fn too_deep(file: &SourceFile) -> Option<(std::ops::Range<usize>, String)> {
    tags_too_deep(&file.text).or_else(|| expression_too_long(&file.text))
}

/// The tags that open a body closed by an `end…` tag.
const OPENERS: [&str; 5] = ["if", "for", "block", "macro", "filter"];

/// The first tag of `text` nested deeper than [`MAX_NESTING`], and why.
fn tags_too_deep(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let mut open = 0usize;
    for (word, _, tag) in tags(text) {
        if OPENERS.contains(&word) {
            open += 1;
            if open > MAX_NESTING {
                return Some((tag, format!("tags nested more than {MAX_NESTING} deep")));
            }
        } else if word.starts_with("end") {
            open = open.saturating_sub(1);
        }
    }
    None
}

/// The first bracket of `text` nested deeper than [`MAX_NESTING`], or
/// operator past [`MAX_OPERATORS`], inside one `{{ }}` or `{% %}` (past
/// strings, comments and raw sections), and why.
fn expression_too_long(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        let pair = &bytes[at..at + 2];
        if pair == b"{#" {
            at = text[at..]
                .find("#}")
                .map_or(bytes.len(), |end| at + end + 2);
            continue;
        }
        if pair != b"{{" && pair != b"{%" {
            at += 1;
            continue;
        }
        let close: &[u8] = if pair == b"{{" { b"}}" } else { b"%}" };
        let raw = pair == b"{%"
            && text[at + 2..]
                .trim_start_matches([' ', '-', '\t', '\n', '\r'])
                .starts_with("raw");
        let mut depth = 0usize;
        let mut operators = 0usize;
        let mut quote = None;
        at += 2;
        let opened = at;
        while at < bytes.len() {
            let c = bytes[at];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if matches!(c, b'"' | b'\'' | b'`') => quote = Some(c),
                None if c == b'(' || c == b'[' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        let why = format!("brackets nested more than {MAX_NESTING} deep");
                        return Some((at..at + 1, why));
                    }
                }
                None if c == b')' || c == b']' => depth = depth.saturating_sub(1),
                None if bytes[at..].starts_with(close) => break,
                None => {
                    if operator(bytes, at, opened, close) {
                        operators += 1;
                        if operators > MAX_OPERATORS {
                            let why =
                                format!("an expression with more than {MAX_OPERATORS} operators");
                            return Some((at..at + 1, why));
                        }
                    }
                }
            }
            at += 1;
        }
        at += 2;
        if raw {
            at = text
                .get(at..)
                .and_then(|rest| rest.find("endraw"))
                .map_or(bytes.len(), |end| at + end + 6);
        }
    }
    None
}

/// The innermost `{% if %}`, `{% for %}`, `{% block %}`, `{% macro %}` or
/// `{% filter %}` tag of `text` that is never closed, with its span.
fn unclosed(text: &str) -> Option<(&'static str, std::ops::Range<usize>)> {
    let mut open: Vec<(&'static str, std::ops::Range<usize>)> = Vec::new();
    for (word, _, tag) in tags(text) {
        if let Some(keyword) = OPENERS.iter().find(|k| **k == word) {
            open.push((keyword, tag));
        } else if let Some(closed) = word.strip_prefix("end") {
            if open.last().is_some_and(|(k, _)| *k == closed) {
                open.pop();
            }
        }
    }
    open.pop()
}

/// Turns a Tera parse error into a diagnostic at the line and column it names
/// (Tera prints `--> line:column`).
fn template_error(file: &SourceFile, err: &tera::Error) -> Diagnostic {
    let message = chain(err);
    let position = message.split("--> ").nth(1).and_then(|rest| {
        let mut numbers = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        let line: usize = numbers.next()?.parse().ok()?;
        let column: usize = numbers.next()?.parse().ok()?;
        Some((line, column))
    });
    let detail = message
        .lines()
        .filter(|l| l.trim_start().starts_with('=') || l.contains("expected"))
        .map(|l| l.trim().trim_start_matches("= ").to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let text = if detail.is_empty() {
        message.clone()
    } else {
        detail
    };
    let diagnostic = Diagnostic::error(format!("template does not parse: {text}"));
    match position {
        Some((line, column)) => {
            let offset = file
                .text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let line_text = file.text[offset..].lines().next().unwrap_or("");
            let byte = line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i);
            let diagnostic = diagnostic.at(file.locate(offset + byte..offset + byte + 1));
            // Tera says only that it expected something else there.
            let tag = line_text[byte..]
                .strip_prefix("{%")
                .map(|rest| rest.trim_start_matches(['-', ' ', '\t']));
            match (tag, unclosed(&file.text)) {
                (Some(rest), _) if rest.starts_with("extends ") => diagnostic.note(
                    "`{% extends %}` must be the template's first tag, with no text before it but whitespace, comments and `{% import %}` tags",
                ),
                // Tera says only what it expected where the file or the
                // enclosing block ends.
                (_, Some((keyword, span))) => {
                    let at = file.locate(span);
                    diagnostic.note(format!(
                        "the `{{% {keyword} %}}` at {}:{} has no `{{% end{keyword} %}}`",
                        at.line, at.column
                    ))
                }
                _ => diagnostic,
            }
        }
        // Tera gives no place for a name defined twice (`Block \`content\`
        // is duplicated`, `Macro \`m\` is duplicated`): the second
        // definition is the one to look at.
        None => match duplicated(&message, &file.text) {
            Some((first, second)) => {
                let at = file.locate(first);
                diagnostic
                    .at(file.locate(second))
                    .note(format!("first defined at {}:{}", at.line, at.column))
            }
            None => match out_of_bounds(&message, &file.text) {
                Some(span) => diagnostic.at(file.locate(span)),
                None => diagnostic.in_file(&file.path).note(message),
            },
        },
    }
    .help("see https://keats.github.io/tera/docs/ for the template syntax")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endblock_that_names_another_block_is_warned_about_at_the_name() {
        let file = SourceFile::new(
            "templates/page.html",
            "{% block content %}{% block inner %}x{% endblock inner %}{# {% endblock no %} #}{%- endblock main -%}\n{% block end %}{% endblock %}{% raw %}{% endblock raw %}{% endraw %}",
        );
        let warnings = misnamed_block_ends(&file);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            warnings[0].message,
            "`{% endblock main %}` closes the block `content`, opened at 1:1"
        );
        let at = warnings[0].location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (1, 94));
    }

    #[test]
    fn the_innermost_tag_left_open_is_found_past_comments_and_raw_sections() {
        let text = "{% block main %}{# {% for x in y %} #}\n{% if a %}{% for b in c %}{% endfor %}\n{% raw %}{% endif %}{% endraw %}{% endblock %}";
        let (keyword, span) = unclosed(text).unwrap();
        assert_eq!(keyword, "if");
        assert_eq!(&text[span], "{% if a %}");
        assert_eq!(
            unclosed("{%- if a -%}x{%- endif -%}{% filter upper %}y{% endfilter %}"),
            None
        );
        let (keyword, _) = unclosed("{% macro m() %}{% if x %}{% endif %}").unwrap();
        assert_eq!(keyword, "macro");
        // A tag cut short by the end of the file.
        assert_eq!(unclosed("{% for x in").map(|(k, _)| k), Some("for"));
    }

    #[test]
    fn a_render_error_is_placed_at_the_name_it_quotes_inside_a_tag() {
        let text = "site.title is <b>{{ site.title }}</b> {{ site.title_x }} {{ site.title }}";
        let message = "Failed to render 'a.html': Variable `site.title` not found in context";
        let span = culprit(message, text).unwrap();
        assert_eq!(span.start, text.find("{{ site.title }}").unwrap() + 3);
        assert_eq!(&text[span], "site.title");
        // Not in a tag, or only as part of a longer name: no place.
        assert_eq!(culprit(message, "site.title {{ site.title_x }}"), None);
        assert_eq!(culprit("Failed to render 'a.html'", text), None);
        let filter = "Failed to render 'a.html': Filter 'shout' not found";
        let text = "<p>{{ page.title | shout }}</p>";
        assert_eq!(&text[culprit(filter, text).unwrap()], "shout");
        // Inside a macro, the innermost cause, named last.
        let in_macro = "Failed to render 'a.html': error while rendering macro `m::card`: Variable `s.x` not found in context while rendering 'm.html'";
        let text = "{% macro card(s) %}<b>{{ s.x }}</b>{% endmacro card %}";
        assert_eq!(&text[culprit(in_macro, text).unwrap()], "s.x");
        // A missing include, one of a list.
        let include = "Failed to render 'a.html': Template '[p/a.html, p/b.html]' not found";
        let text = "<p>{% include [\"p/a.html\", \"p/b.html\"] %}</p>";
        assert_eq!(&text[culprit(include, text).unwrap()], "p/a.html");
        // The call that lacks the argument, not the first call nor the
        // first `s` of the template.
        let text =
            "{% for s in list %}{{ m::dose(s=s) }}{% endfor %}\n{{ m::dose(stretch=s, big=1) }}";
        let missing = "Failed to render 'a.html': Macro `dose` is missing the argument `s`";
        let span = culprit(missing, text).unwrap();
        assert_eq!(span.start, text.rfind("dose").unwrap());
        // A macro defined in the same file: its definition is no call.
        let text = "{% macro dose(s) %}{% endmacro %}{{ self::dose(s=1) }}{{ self::dose() }}";
        assert_eq!(
            culprit(missing, text).unwrap().start,
            text.rfind("dose").unwrap()
        );
        // A filter without its `lang`, after one with it.
        let text = "{{ a | hyphenate(lang=site.language) }} {{ b | hyphenate }}";
        let needs = "Failed to render 'a.html': Filter `hyphenate` needs `lang`, the language";
        assert_eq!(
            culprit(needs, text).unwrap().start,
            text.rfind("hyphenate").unwrap()
        );
    }

    /// Templates left uncompiled by `read` are compiled once, by the first
    /// page rendered, while the other pages on the thread pool wait for
    /// them. (They are compiled one file after another there: a thread
    /// waiting for rayon may take up another page, which would then ask for
    /// the templates from inside their own compiling.)
    #[test]
    fn templates_read_uncompiled_compile_once_for_pages_rendered_side_by_side() {
        let site = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir(site.path().join("templates")).expect("a folder");
        std::fs::write(site.path().join("templates/t.html"), "<p>{{ x }}</p>").expect("a template");
        let templates = Templates::read(site.path(), &ThemeSource::BuiltIn).expect("read");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool");
        let pages: Vec<Vec<u8>> = pool.install(|| {
            (0..512)
                .into_par_iter()
                .map(|n| {
                    let mut context = tera::Context::new();
                    context.insert("x", &n);
                    let mut out = Vec::new();
                    templates
                        .render_into("t.html", &mut context, "t", &mut out)
                        .expect("rendered");
                    out
                })
                .collect()
        });
        assert_eq!(pages[0], b"<p>0</p>");
        assert_eq!(pages[511], b"<p>511</p>");
    }

    #[test]
    fn literal_ids_leave_out_expressions() {
        let ids = super::literal_ids(
            "<main id=\"main\"><h2 id='toc-title'>x</h2><h1 id=\"{{ page.slug }}\"><p class=\"id\" data-id=\"no\">",
        );
        assert_eq!(ids, ["main", "toc-title"]);
    }

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain / text"), "plain / text");
        assert_eq!(
            escape_html("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape_html("20–30 s · «ü» &"), "20–30 s · «ü» &amp;");
    }
}
