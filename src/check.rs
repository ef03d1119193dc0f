//! `gen check`: everything a build validates, plus the references a build
//! does not follow — links between pages and to `#anchors`, images and static
//! files named in Markdown bodies — and the position-order warning of routines
//! (SPEC §1). The site is rendered into an index of paths and anchor ids;
//! nothing is written.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use crate::Error;
use crate::content::{Meta, Position, Spanned};
use crate::diagnostics::{Diagnostic, closest};
use crate::markdown::{self, LinkResolver};
use crate::render::{self, Sink};
use crate::site::Site;

/// What a successful check looked at.
#[derive(Debug)]
pub struct Report {
    /// Pages rendered.
    pub pages: usize,
    /// Internal links, anchors and images followed.
    pub references: usize,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Checks the site at `root`. Errors carry every problem found.
pub fn check(root: &Path, drafts: bool) -> Result<Report, Error> {
    let (site, templates, mut diagnostics) = crate::cmd::build::load(root, drafts, None)?;
    let index = Index::default();
    let (stats, problems) =
        render::render_site(&site, &templates, &index, None, render::Teardown::Free);
    // A picture with no address is an error here (below), not the build's
    // warning as well.
    diagnostics.extend(
        problems
            .into_iter()
            .filter(|d| d.is_error() || !d.message.starts_with(render::NO_ADDRESS)),
    );
    let outputs = index.into_outputs();
    let references = check_references(&site, &outputs, &mut diagnostics);
    diagnostics.extend(position_order(&site));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(diagnostics));
    }
    Ok(Report {
        pages: stats.pages,
        references,
        warnings: diagnostics,
    })
}

/// Output path → the anchor ids of an HTML page (empty for other files).
type Outputs = HashMap<String, HashSet<String>>;

/// A sink that remembers what would be written, and each page's ids.
#[derive(Default)]
struct Index {
    outputs: Mutex<Outputs>,
}

impl Index {
    fn into_outputs(self) -> Outputs {
        self.outputs
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self, path: &str, ids: HashSet<String>) {
        self.outputs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), ids);
    }
}

impl Sink for Index {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let ids = if path.ends_with(".html") {
            anchor_ids(&String::from_utf8_lossy(bytes))
        } else {
            HashSet::new()
        };
        self.add(path, ids);
        Ok(())
    }

    fn copy(&self, path: &str, _: &Path) -> Result<(), Diagnostic> {
        self.add(path, HashSet::new());
        Ok(())
    }
}

/// The fragment targets of an HTML page: every `id="…"`, and `name="…"`
/// on `<a>` elements (on `<meta>` or `<input>` a name is no anchor).
pub fn anchor_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    for attribute in [" id=\"", " name=\"", " id='", " name='"] {
        let quote = if attribute.ends_with('"') { '"' } else { '\'' };
        let by_name = attribute.starts_with(" name");
        let mut offset = 0;
        while let Some(at) = html[offset..].find(attribute) {
            let start = offset + at + attribute.len();
            let Some(end) = html[start..].find(quote) else {
                break;
            };
            if !by_name || in_anchor_element(&html[..offset + at]) {
                ids.insert(html[start..start + end].replace("&amp;", "&"));
            }
            offset = start + end;
        }
    }
    ids
}

/// Whether the tag open at the end of `before` is an `<a>`.
fn in_anchor_element(before: &str) -> bool {
    before.rfind('<').is_some_and(|open| {
        let tag = &before[open + 1..];
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(tag.len());
        tag[..name_end].eq_ignore_ascii_case("a")
    })
}

/// Keeps every destination as written: the render already reported links to
/// content files that do not resolve.
struct AsWritten;

impl LinkResolver for AsWritten {
    fn resolve(&self, _: &str) -> Result<Option<String>, crate::markdown::LinkError> {
        Ok(None)
    }
}

/// Every content file with the site path of its page.
fn pages(site: &Site) -> Vec<(&Meta, String)> {
    site.content
        .metas()
        .filter_map(|meta| {
            let key = crate::site::source_key(meta.path());
            site.targets.get(&key).map(|t| (meta, t.path.clone()))
        })
        .collect()
}

/// Follows every link and image of every Markdown body. Returns how many
/// internal references were followed.
fn check_references(site: &Site, outputs: &Outputs, problems: &mut Vec<Diagnostic>) -> usize {
    let mut followed = 0;
    let base_path = site.config.base_path();
    // The handouts' PDFs, which only `gen build --pdf` writes.
    let mut pdfs: Outputs = site
        .content
        .routines
        .iter()
        .map(|r| {
            (
                format!("routines/{}/handout.pdf", r.meta.slug),
                HashSet::new(),
            )
        })
        .collect();
    if site.main_routine.is_some() {
        pdfs.insert("handout.pdf".to_string(), HashSet::new());
    }
    for (meta, page) in pages(site) {
        let (rendered, _) = markdown::render(
            meta.body_text(),
            meta.body.start,
            site.config.raw_html,
            &AsWritten,
            // Only the links are used here; the anchors come from the pages.
            &HashSet::new(),
        );
        let folder = Path::new(&crate::site::source_key(meta.path()))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for link in &rendered.links {
            let destination = link.destination.trim();
            if link.image && destination.is_empty() {
                problems.push(
                    meta.file
                        .error(link.span.clone(), render::NO_ADDRESS)
                        .help(format!(
                            "write the picture's URL between the parentheses, relative to the page, e.g. `{}images/pillow.svg` for static/images/pillow.svg",
                            crate::render::root_of(&page)
                        )),
                );
                continue;
            }
            if destination.is_empty() || is_external(destination) {
                continue;
            }
            followed += 1;
            if destination.starts_with('/') {
                let help = match destination.strip_prefix(base_path.as_str()) {
                    Some(rest) => format!(
                        "write it relative to this page: `{}{rest}`",
                        crate::render::root_of(&page)
                    ),
                    None => "write it relative to this page".to_string(),
                };
                problems.push(
                    meta.file
                        .warning(
                            link.span.clone(),
                            format!("`{destination}` is written from the site's root, so it breaks when the site is opened from disk or served under another path"),
                        )
                        .help(format!("{help}, or link a content file by its source path (`@/stretches/01-knee-to-chest.md`)")),
                );
            }
            let problem = match markdown::content_link(destination) {
                Some(link) => {
                    // A link that does not resolve is a build error, reported already.
                    let Some(target) = content_target(site, &folder, &link.path, link.from_root)
                    else {
                        continue;
                    };
                    link.fragment
                        .and_then(|f| missing_anchor(outputs, &target, f, destination))
                }
                None => url_problem(outputs, &page, &base_path, destination, link.image),
            };
            let file = destination.split(['#', '?']).next().unwrap_or(destination);
            match problem {
                Some(_)
                    if !link.image
                        && file.ends_with(".pdf")
                        && url_problem(&pdfs, &page, &base_path, file, false).is_none() =>
                {
                    problems.push(
                        meta.file
                            .warning(
                                link.span.clone(),
                                format!("link `{destination}` points at a handout's PDF, which only `gen build --pdf` writes"),
                            )
                            .help(format!(
                            "publish the site with `gen build --pdf`, or link the handout's page (`{}/index.html`) instead",
                            file.trim_end_matches(".pdf")
                        )),
                    );
                }
                Some((message, help)) => {
                    // A file beside the page that is not published, unless
                    // the help already names where the site has it (another
                    // stretch's `image`).
                    let asset = unpublished_asset(site, &folder, destination)
                        .filter(|_| !help.starts_with("the site publishes"));
                    let (message, help) = match asset {
                        Some(asset) => asset_problem(&page, destination, &asset, link.image),
                        None => (message, help),
                    };
                    problems.push(meta.file.error(link.span.clone(), message).help(help));
                }
                None => {}
            }
        }
    }
    followed
}

/// The file under `content/` (relative to it) that a relative link from a
/// file in `folder` names, when it is one that is not Markdown: such files
/// are not published (but for a stretch's `image`).
fn unpublished_asset(site: &Site, folder: &Path, destination: &str) -> Option<String> {
    let path = destination.split(['#', '?']).next().unwrap_or(destination);
    if path.is_empty() || path.starts_with('/') {
        return None;
    }
    let decoded = crate::serve::http::percent_decode(path).unwrap_or_else(|| path.to_string());
    let asset = crate::site::content_key(folder, &decoded, false)?;
    site.content
        .assets
        .contains(Path::new(&asset))
        .then_some(asset)
}

/// The message and help for a link or image to `content/<asset>`, which the
/// build does not publish: where to put it so that it is.
fn asset_problem(page: &str, destination: &str, asset: &str, image: bool) -> (String, String) {
    let what = if image { "image" } else { "link" };
    let name = asset.rsplit('/').next().unwrap_or(asset);
    let root = crate::render::root_of(page);
    let folder = if image { "images" } else { "files" };
    (
        format!(
            "{what} `{destination}` names content/{asset}, which is not published: gen publishes the Markdown files of content/ and each stretch's `image`, not the other files beside them"
        ),
        format!(
            "move it to static/{folder}/{name} and write `{root}{folder}/{name}` from this page"
        ),
    )
}

/// Whether a link leaves the site: a URL with a scheme (`https:`,
/// `mailto:`, `geo:`; an email autolink is read as `mailto:`) or one
/// that names another host (`//cdn.example.org/x.js`).
fn is_external(destination: &str) -> bool {
    destination.starts_with("//") || markdown::has_scheme(destination)
}

/// The site path of the page a content link names, if it resolves.
fn content_target(site: &Site, folder: &Path, path: &str, from_root: bool) -> Option<String> {
    let key = crate::site::content_key(folder, path, from_root)?;
    site.targets.get(&key).map(|t| t.path.clone())
}

/// A message and help when `#fragment` is not an anchor of the page at `target`.
fn missing_anchor(
    outputs: &Outputs,
    target: &str,
    fragment: &str,
    destination: &str,
) -> Option<(String, String)> {
    // Only a web page's ids are known: `#page=2` opens a PDF at a page.
    if fragment.is_empty() || !target.ends_with(".html") {
        return None;
    }
    let ids = outputs.get(target)?;
    let wanted = crate::serve::http::percent_decode(fragment).unwrap_or_else(|| fragment.into());
    if ids.contains(&wanted) {
        return None;
    }
    let mut names: Vec<&str> = ids.iter().map(String::as_str).collect();
    names.sort_unstable();
    let help = match closest(&wanted, &names) {
        Some(near) => format!(
            "did you mean `#{near}`? A heading's id is its text by the slug rule: `## Take care` → `#take-care`"
        ),
        None if names.is_empty() => "the page has no headings to link to".to_string(),
        None => format!(
            "the page's anchors: {}",
            names
                .iter()
                .take(12)
                .map(|n| format!("`#{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some((
        format!("link `{destination}`: there is no anchor `#{wanted}` on {target}"),
        help,
    ))
}

/// A message and help when a URL in a body (relative to the page at `page`,
/// or absolute from the site's base path) does not name a file the build makes.
fn url_problem(
    outputs: &Outputs,
    page: &str,
    base_path: &str,
    destination: &str,
    image: bool,
) -> Option<(String, String)> {
    let (path, fragment) = match destination.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (destination, None),
    };
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return fragment.and_then(|f| missing_anchor(outputs, page, f, destination));
    }
    let what = if image { "image" } else { "link" };
    let decoded = crate::serve::http::percent_decode(path).unwrap_or_else(|| path.to_string());
    let (start, rest): (Vec<&str>, &str) = match decoded.strip_prefix('/') {
        Some(_) => match decoded.strip_prefix(base_path) {
            Some(rest) => (Vec::new(), rest),
            None => {
                return Some((
                    format!("{what} `{destination}` is outside the site's base path {base_path}"),
                    "write links relative to the page, or start them with the base path of `base_url`"
                        .to_string(),
                ));
            }
        },
        None => {
            let mut folder: Vec<&str> = page.split('/').collect();
            folder.pop();
            (folder, decoded.as_str())
        }
    };
    let mut parts = start;
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some((
                        format!("{what} `{destination}` leaves the site"),
                        "a relative link goes up one folder per `../` from the page's own folder"
                            .to_string(),
                    ));
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    let last = rest.rsplit('/').next().unwrap_or_default();
    let folder = rest.is_empty() || rest.ends_with('/') || last == "." || last == "..";
    let candidates = if folder {
        vec![if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }]
    } else {
        vec![joined.clone(), format!("{joined}/index.html")]
    };
    let Some(target) = candidates.into_iter().find(|c| outputs.contains_key(c)) else {
        let help = if image {
            image_help(outputs, page, &joined)
        } else {
            match published_as(outputs, &joined) {
                // A file the site has, at another depth (`../docs/x.pdf`
                // written from a stretch's page).
                Some(found) if !found.ends_with("index.html") => format!(
                    "the site publishes {found}: from this page, write `{}{found}`",
                    crate::render::root_of(page)
                ),
                _ => "link to a content file by its path, e.g. `@/stretches/01-knee-to-chest.md`, so the link follows renames".to_string(),
            }
        };
        return Some((
            format!("{what} `{destination}` points at {joined}, which the site does not have"),
            help,
        ));
    };
    fragment.and_then(|f| missing_anchor(outputs, &target, f, destination))
}

/// The help for a missing image at site path `joined`, with paths written
/// from the page at `page`: a published file of the same name, or where to
/// put the picture.
fn image_help(outputs: &Outputs, page: &str, joined: &str) -> String {
    let root = crate::render::root_of(page);
    let name = joined.rsplit('/').next().unwrap_or(joined);
    let found = published_as(outputs, joined);
    match found {
        Some(found) => format!("the site publishes {found}: from this page, write `{root}{found}`"),
        None if joined == format!("images/{name}") => {
            format!("put the picture at static/{joined}, where this link finds it")
        }
        None => format!(
            "put the picture at static/{joined}, where this link finds it, or at static/images/{name} and write `{root}images/{name}` from this page"
        ),
    }
}

/// A file the site publishes with the name of site path `joined` (the
/// first by path), where a link that misses it at its depth may mean it.
fn published_as<'a>(outputs: &'a Outputs, joined: &str) -> Option<&'a String> {
    let name = joined.rsplit('/').next().unwrap_or(joined);
    outputs
        .keys()
        .filter(|path| path.rsplit('/').next() == Some(name))
        .min()
}

/// Warns when a routine leaves a position and comes back to it: every turn in
/// bed is effort (SPEC §1).
pub fn position_order(site: &Site) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for routine in &site.content.routines {
        let steps: Vec<(Position, &Spanned<String>)> = routine
            .stretches
            .iter()
            .filter_map(|slug| {
                let i = *site.stretch_by_slug.get(&slug.value)?;
                Some((site.content.stretches.get(i)?.position, slug))
            })
            .collect();
        let mut left: Vec<Position> = Vec::new();
        let mut current: Option<(Position, &str)> = None;
        for (position, slug) in steps {
            match current {
                Some((now, _)) if now == position => continue,
                Some((now, last)) => {
                    if left.contains(&position) {
                        warnings.push(
                            routine
                                .meta
                                .file
                                .warning(
                                    slug.span.clone(),
                                    format!(
                                        "the routine comes back to `{}` with `{}`, after leaving it for `{}` (`{last}`)",
                                        position.name(),
                                        slug.value,
                                        now.name()
                                    ),
                                )
                                .help("put the stretches done in one position next to each other: every turn in bed is effort"),
                        );
                    }
                    left.push(now);
                }
                None => {}
            }
            current = Some((position, &slug.value));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_and_names() {
        let ids =
            anchor_ids("<h2 id=\"steps\">S</h2><a name='top'></a><div class=\"x\" id=\"a&amp;b\">");
        assert!(ids.contains("steps") && ids.contains("top") && ids.contains("a&b"));
        assert!(!ids.contains("x"));
        let ids = anchor_ids(
            "<meta name=\"viewport\" content=\"x\"><meta name=\"description\"><A name=\"up\">",
        );
        assert!(
            !ids.contains("viewport") && !ids.contains("description"),
            "{ids:?}"
        );
        assert!(ids.contains("up"), "{ids:?}");
    }

    #[test]
    fn external_links_are_not_followed() {
        assert!(is_external("https://example.org/x"));
        assert!(is_external("//cdn.example.org/x.js"));
        assert!(is_external("mailto:a@b.c"));
        assert!(is_external("geo:37.78,-122.39"));
        assert!(!is_external("../x/index.html"));
        assert!(!is_external("notes/a:b.png"));
        assert!(!is_external("/x.png"));
    }

    #[test]
    fn urls_resolve_against_the_page_and_the_base_path() {
        let mut outputs = Outputs::new();
        outputs.insert(
            "stretches/a/index.html".into(),
            ["steps".to_string()].into_iter().collect(),
        );
        outputs.insert("images/x.png".into(), HashSet::new());
        let page = "stretches/b/index.html";
        assert_eq!(
            url_problem(&outputs, page, "/", "../a/index.html#steps", false),
            None
        );
        assert_eq!(url_problem(&outputs, page, "/", "../a/", false), None);
        assert_eq!(
            url_problem(&outputs, page, "/", "/images/x.png", true),
            None
        );
        assert_eq!(
            url_problem(&outputs, page, "/back/", "/back/images/x.png", true),
            None
        );
        assert!(url_problem(&outputs, page, "/back/", "/images/x.png", true).is_some());
        assert!(url_problem(&outputs, page, "/", "../a/index.html#stepz", false).is_some());
        assert!(url_problem(&outputs, page, "/", "../../../../x", false).is_some());
        assert_eq!(url_problem(&outputs, page, "/", "../a/.", false), None);
        assert_eq!(
            url_problem(&outputs, "stretches/a/x/index.html", "/", "..", false),
            None
        );
        assert!(url_problem(&outputs, page, "/", "..", false).is_some());
        assert!(url_problem(&outputs, page, "/", "missing.png", true).is_some());
        let help = |page: &str, destination: &str| {
            url_problem(&outputs, page, "/", destination, true).map(|(_, help)| help)
        };
        assert_eq!(
            help("about/index.html", "../images/y.png").as_deref(),
            Some("put the picture at static/images/y.png, where this link finds it")
        );
        assert_eq!(
            help(page, "y.svg").as_deref(),
            Some(
                "put the picture at static/stretches/b/y.svg, where this link finds it, or at static/images/y.svg and write `../../images/y.svg` from this page"
            )
        );
        assert_eq!(
            help(page, "../../x.png").as_deref(),
            Some("the site publishes images/x.png: from this page, write `../../images/x.png`")
        );
        assert_eq!(
            help("index.html", "stretches/x.png").as_deref(),
            Some("the site publishes images/x.png: from this page, write `images/x.png`")
        );
        assert!(url_problem(&outputs, "stretches/a/index.html", "/", "#nope", false).is_some());
        assert_eq!(
            url_problem(&outputs, "stretches/a/index.html", "/", "#steps", false),
            None
        );
    }
}
