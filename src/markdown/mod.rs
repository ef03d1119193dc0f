//! Markdown: the pulldown-cmark pipeline. Headings get ids by the slug rule,
//! links to content files by source path become relative URLs, fenced code is
//! highlighted, and raw HTML follows `markdown.raw_html`.

pub mod highlight;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::content::slug::slugify;
use crate::templates::escape_html;

/// A heading of a page body, for tables of contents and anchor checks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// The `id` attribute.
    pub id: String,
    /// Plain text.
    pub title: String,
}

/// A heading being read: where it starts in the events, its span in the
/// file, and the id and classes written after it.
struct OpenHeading {
    start: usize,
    span: Range<usize>,
    id: Option<String>,
    classes: Vec<String>,
}

/// A link found in a body, with its span in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written.
    pub destination: String,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// An image (`![]()`) rather than a link.
    pub image: bool,
}

/// What a body renders to.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// The headings, in order.
    pub headings: Vec<Heading>,
    /// Every link and image, as written.
    pub links: Vec<Link>,
    /// Byte ranges of raw HTML that was left out.
    pub dropped_html: Vec<Range<usize>>,
    /// Links and images whose address was left out (`javascript:`, `file:`;
    /// see [`is_dangerous_url`]), with the address as written.
    pub dropped_urls: Vec<(Range<usize>, String)>,
    /// Pictures written with no address (`![the bed]()`), left out: an
    /// `<img src="">` is not valid HTML.
    pub empty_images: Vec<Range<usize>>,
    /// Links with no words (`[](../x.md)`, or a picture with no
    /// description): a screen reader has only the address to say.
    pub empty_links: Vec<Range<usize>>,
    /// Byte ranges of the `#` headings (`h1`): a page whose template gives
    /// its title an `h1` would have two main headings.
    pub top_headings: Vec<Range<usize>>,
}

impl Rendered {
    /// Records the address of a link or image as written, and whether it is
    /// left out (see [`is_dangerous_url`]). Returns whether it is kept.
    fn keep_address(
        &mut self,
        span: Range<usize>,
        address: &str,
        image: bool,
        raw_html: bool,
    ) -> bool {
        let dangerous = !raw_html && is_dangerous_url(address, image);
        if dangerous {
            self.dropped_urls.push((span.clone(), address.to_string()));
        }
        self.links.push(Link {
            destination: address.to_string(),
            span,
            image,
        });
        !dangerous
    }
}

/// How a link destination is rewritten: `Ok(Some(url))` to replace it,
/// `Ok(None)` to keep it, `Err(error)` when it should resolve and does not.
pub trait LinkResolver {
    /// Resolves one destination.
    fn resolve(&self, destination: &str) -> Result<Option<String>, LinkError>;
}

/// A link or image that does not resolve: what is wrong, and, when the
/// resolver knows it, what would work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    /// What is wrong.
    pub message: String,
    /// What would work, worked out for this link.
    pub help: Option<String>,
}

impl From<String> for LinkError {
    fn from(message: String) -> Self {
        LinkError {
            message,
            help: None,
        }
    }
}

/// What the `number`th Markdown table of a body is wrapped in: a box that
/// scrolls sideways on a narrow screen and can be reached with the
/// keyboard to scroll it, named by its number (regions of one name cannot
/// be told apart).
fn table_scroll_open(number: usize) -> String {
    format!(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table {number}\">\n"
    )
}

/// Renders `body` (which starts at byte `offset` of its file).
/// Unresolvable links are returned as `(span, message)` errors. Heading
/// ids avoid `taken`, the ids the page's template already uses.
pub fn render(
    body: &str,
    offset: usize,
    raw_html: bool,
    resolver: &dyn LinkResolver,
    taken: &HashSet<String>,
) -> (Rendered, Vec<(Range<usize>, LinkError)>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut rendered = Rendered::default();
    let mut errors = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    // The heading being read: where it starts in `events`, and the id and
    // classes written after it (`## Steps {#how .big}`, as in Zola and Hugo).
    let mut heading: Option<OpenHeading> = None;
    let mut code: Option<(String, String)> = None;
    let mut ids = Ids::new(taken);
    // The raw HTML block being left out: its span and text.
    let mut html_block: Option<(Range<usize>, String)> = None;
    // A link or image whose address is left out has its end left out too:
    // its text stays, as text. Links do not nest; an image's description
    // may hold another image, so each open image says whether it was kept.
    let mut dropped_link = false;
    let mut images_kept: Vec<bool> = Vec::new();
    // Tables so far, which name their boxes.
    let mut tables = 0;

    // Each open link, and whether words have been met in it.
    let mut link_words: Vec<(Range<usize>, bool)> = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let span = offset + range.start..offset + range.end;
        match &event {
            Event::Start(Tag::Link { .. }) => link_words.push((span.clone(), false)),
            Event::End(TagEnd::Link) => {
                if let Some((at, false)) = link_words.pop() {
                    rendered.empty_links.push(at);
                }
            }
            // Text, and a picture's description, are what a link says.
            Event::Text(text) | Event::Code(text) if !text.trim().is_empty() => {
                if let Some((_, words)) = link_words.last_mut() {
                    *words = true;
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { id, classes, .. }) => {
                let id = id.map(|id| id.to_string()).filter(|id| !id.is_empty());
                let classes = classes.iter().map(|class| class.to_string()).collect();
                heading = Some(OpenHeading {
                    start: events.len(),
                    span,
                    id,
                    classes,
                });
                events.push(Event::Text(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some(OpenHeading {
                    start,
                    span,
                    id: explicit,
                    classes,
                }) = heading.take()
                else {
                    continue;
                };
                if level == HeadingLevel::H1 {
                    rendered.top_headings.push(span);
                }
                let title = plain_text(&events[start + 1..]);
                let mut id = explicit.unwrap_or_else(|| slugify(&title));
                if id.is_empty() {
                    id = "section".to_string();
                }
                let id = ids.claim(id);
                let tag = heading_tag(level);
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape_html(&classes.join(" ")))
                };
                events[start] = Event::Html(CowStr::from(format!(
                    "<{tag} id=\"{}\"{class}>",
                    escape_html(&id)
                )));
                events.push(Event::Html(CowStr::from(format!("</{tag}>\n"))));
                rendered.headings.push(Heading {
                    level: level as u8,
                    id,
                    title,
                });
            }
            // A table wider than a phone scrolls sideways in its own box; the box takes
            // the keyboard focus, so that it can be scrolled without a mouse (WCAG 2.1.1).
            Event::Start(Tag::Table(alignments)) => {
                tables += 1;
                events.push(Event::Html(CowStr::from(table_scroll_open(tables))));
                events.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, buffer)) = code.as_mut() {
                    buffer.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((language, buffer)) = code.take() {
                    events.push(Event::Html(CowStr::from(highlight::code_block(
                        &buffer, &language,
                    ))));
                }
            }
            // Raw HTML is left out, with a warning per line or block; a
            // comment is left out without one (it shows nothing anyway),
            // as Hugo does: editors keep notes and linter switches in them.
            Event::Start(Tag::HtmlBlock) if !raw_html => {
                html_block = Some((span, String::new()));
            }
            Event::Html(text) if !raw_html => match html_block.as_mut() {
                Some((_, block)) => block.push_str(&text),
                None => drop_html(&mut rendered.dropped_html, body, offset, span, &text),
            },
            Event::End(TagEnd::HtmlBlock) if !raw_html => {
                if let Some((block_span, block)) = html_block.take() {
                    drop_html(&mut rendered.dropped_html, body, offset, block_span, &block);
                }
            }
            Event::InlineHtml(text) if !raw_html => {
                drop_html(&mut rendered.dropped_html, body, offset, span, &text);
            }
            // A task list's box is named, as every form control must be
            // (pulldown-cmark writes a bare `<input>`).
            Event::TaskListMarker(done) => {
                events.push(Event::InlineHtml(CowStr::Borrowed(if done {
                    "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"done\"/>\n"
                } else {
                    "<input disabled=\"\" type=\"checkbox\" aria-label=\"not done\"/>\n"
                })));
            }
            // An email autolink (`<info@clinic.md>`) is an address, never a
            // path: it is written as `mailto:`, and followed as one.
            Event::Start(Tag::Link {
                link_type: link_type @ LinkType::Email,
                dest_url,
                title,
                id,
            }) => {
                rendered.links.push(Link {
                    destination: format!("mailto:{dest_url}"),
                    span,
                    image: false,
                });
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let destination = resolve(&dest_url, &span, resolver, &mut errors);
                if rendered.keep_address(span, &dest_url, false, raw_html) {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: destination.map_or(dest_url, CowStr::from),
                        title,
                        id,
                    }));
                } else {
                    // An `<a href="">` would still be a link, to the page
                    // itself: the words stay, without the link.
                    dropped_link = true;
                }
            }
            Event::End(TagEnd::Link) if dropped_link => dropped_link = false,
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if dest_url.starts_with("@/") {
                    errors.push((
                        span.clone(),
                        format!("image `{dest_url}` is written as a content file (`@/`): an image is linked by its URL, e.g. `../../images/bed.svg` for static/images/bed.svg").into(),
                    ));
                }
                let empty = dest_url.trim().is_empty();
                if empty {
                    rendered.empty_images.push(span.clone());
                }
                let kept = rendered.keep_address(span, &dest_url, true, raw_html) && !empty;
                images_kept.push(kept);
                if kept {
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                // Else no `<img src="">`, which is not valid HTML: the
                // picture's description stays, as text.
            }
            Event::End(TagEnd::Image) => {
                if images_kept.pop() != Some(false) {
                    events.push(Event::End(TagEnd::Image));
                }
            }
            other => events.push(other),
        }
    }
    let events = number_footnotes(events, &mut ids);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    rendered.html = html;
    (rendered, errors)
}

/// Records raw HTML `text` at `span` as left out, unless it is only
/// comments. HTML that follows on the same line joins the previous span, so
/// that a line (or a block) gets one warning.
fn drop_html(
    dropped: &mut Vec<Range<usize>>,
    body: &str,
    offset: usize,
    span: Range<usize>,
    text: &str,
) {
    if is_comment(text) {
        return;
    }
    let joins = |last: &Range<usize>| {
        last.end >= span.start
            || body
                .get(last.end - offset..span.start - offset)
                .is_some_and(|between| !between.contains('\n'))
    };
    match dropped.last_mut().filter(|last| joins(last)) {
        Some(last) => last.end = last.end.max(span.end),
        None => dropped.push(span),
    }
}

/// Whether raw HTML is nothing but closed comments (`<!-- note -->`) and
/// white space. An unclosed `<!--` hides the rest of the page, so it is not.
fn is_comment(html: &str) -> bool {
    let mut rest = html.trim_start();
    while let Some(comment) = rest.strip_prefix("<!--") {
        // `<!-->` and `<!--->` are (empty) comments too.
        let Some(end) = html_comment_end(comment) else {
            return false;
        };
        rest = comment[end..].trim_start();
    }
    rest.is_empty() && html.contains("<!--")
}

/// Where a comment whose text starts `comment` (after `<!--`) ends: just
/// past its `-->`.
fn html_comment_end(comment: &str) -> Option<usize> {
    if let Some(after) = comment.strip_prefix('>') {
        return Some(comment.len() - after.len());
    }
    if let Some(after) = comment.strip_prefix("->") {
        return Some(comment.len() - after.len());
    }
    comment.find("-->").map(|at| at + 3)
}

/// The ids given out on one page (headings', then footnotes'): each is its
/// base when that is free, else the base with the smallest `-1`, `-2` …
/// free. Ids are never given back, so the search for a base goes on where
/// it stopped last time: a page of 4,000 equal headings or references
/// took 20 s when each search started again from `-1`.
struct Ids<'t> {
    /// The ids the page's template uses.
    taken: &'t HashSet<String>,
    used: HashSet<String>,
    /// For each base, the number of the last id given out for it.
    last: HashMap<String, usize>,
}

impl<'t> Ids<'t> {
    fn new(taken: &'t HashSet<String>) -> Ids<'t> {
        Ids {
            taken,
            used: HashSet::new(),
            last: HashMap::new(),
        }
    }

    /// A free id for `base`, now used.
    fn claim(&mut self, base: String) -> String {
        let n = self.last.entry(base.clone()).or_insert(0);
        let mut id = match *n {
            0 => base.clone(),
            n => format!("{base}-{n}"),
        };
        while self.used.contains(&id) || self.taken.contains(&id) {
            *n += 1;
            id = format!("{base}-{n}");
        }
        self.used.insert(id.clone());
        id
    }
}

/// Writes footnote references and definitions with ids of their own, and
/// gathers the notes at the end of the body, as Hugo does. A note's id is
/// `fn-` and the label by the slug rule, and a reference's `fnref-` and the
/// same, with `-1`, `-2` added where the id is a heading's, the template's
/// or another's. pulldown-cmark would use the label as written, which
/// repeats a heading's id (`[^note]` beside `## Note`) or the template's
/// (`[^main]`), or holds spaces (`[^my note]`), and would print each note
/// where it is written. Notes are numbered in the order they are first
/// referred to; one never referred to comes after them, so nothing
/// written is lost.
fn number_footnotes<'a>(events: Vec<Event<'a>>, unique: &mut Ids<'_>) -> Vec<Event<'a>> {
    let label = |name: &str| name.to_lowercase();
    // Labels in the order they are numbered: referred to, then the rest.
    let mut order: Vec<String> = Vec::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let references = events.iter().filter_map(|event| match event {
        Event::FootnoteReference(name) => Some(name),
        _ => None,
    });
    let definitions = events.iter().filter_map(|event| match event {
        Event::Start(Tag::FootnoteDefinition(name)) => Some(name),
        _ => None,
    });
    for name in references.chain(definitions) {
        let name = label(name);
        if !numbers.contains_key(&name) {
            numbers.insert(name.clone(), order.len());
            order.push(name);
        }
    }
    if order.is_empty() {
        return events;
    }
    let ids: Vec<String> = order
        .iter()
        .map(|name| match slugify(name) {
            slug if slug.is_empty() => unique.claim("fn".to_string()),
            slug => unique.claim(format!("fn-{slug}")),
        })
        .collect();
    let number_of = |name: &str| numbers.get(&label(name)).copied();
    // Each note's events, by number, and the id of its first reference.
    let mut notes: Vec<Vec<Event<'a>>> = vec![Vec::new(); order.len()];
    let mut back: Vec<Option<String>> = vec![None; order.len()];
    let mut text = Vec::with_capacity(events.len());
    let mut inside: Option<usize> = None;
    for event in events {
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(name)) => {
                inside = number_of(&name);
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                inside = None;
                continue;
            }
            Event::FootnoteReference(name) => {
                let Some(i) = number_of(&name) else { continue };
                let base = format!("fnref{}", ids[i].strip_prefix("fn").unwrap_or_default());
                let id = unique.claim(base);
                back[i].get_or_insert_with(|| id.clone());
                Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\" id=\"{id}\"><a href=\"#{}\">{}</a></sup>",
                    ids[i],
                    i + 1
                )))
            }
            event => event,
        };
        match inside {
            Some(note) => notes[note].push(event),
            None => text.push(event),
        }
    }
    text.push(Event::Html(CowStr::from(
        "<section class=\"footnotes\" aria-label=\"Notes\">\n<ol>\n",
    )));
    for (i, mut note) in notes.into_iter().enumerate() {
        let item = format!("<li id=\"{}\">\n", ids[i]);
        text.push(Event::Html(CowStr::from(item)));
        if let Some(reference) = &back[i] {
            // At the end of the note's last paragraph, as Hugo puts it.
            let link = format!(
                "<a class=\"footnote-backref\" href=\"#{reference}\" aria-label=\"Back to reference {}\">↩</a>",
                i + 1
            );
            match note.last() {
                Some(Event::End(TagEnd::Paragraph)) => {
                    let at = note.len() - 1;
                    note.insert(at, Event::InlineHtml(CowStr::from(format!(" {link}"))));
                }
                _ => note.push(Event::Html(CowStr::from(format!("{link}\n")))),
            }
        }
        text.extend(note);
        text.push(Event::Html(CowStr::from("</li>\n")));
    }
    text.push(Event::Html(CowStr::from("</ol>\n</section>\n")));
    text
}

/// Whether a link or image URL runs script or reaches outside the web
/// (`javascript:`, `vbscript:`, `file:`, `data:` other than a picture): left
/// out like raw HTML unless `raw_html` is on, as Hugo (goldmark) does.
fn is_dangerous_url(url: &str, image: bool) -> bool {
    // Browsers ignore leading spaces and control characters and drop tabs
    // and line breaks anywhere in a URL (`java&#9;script:` runs).
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    if image
        && ["png", "gif", "jpeg", "webp", "svg+xml"]
            .iter()
            .any(|kind| url.starts_with(&format!("data:image/{kind}")))
    {
        return false;
    }
    ["javascript:", "vbscript:", "file:", "data:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

fn resolve(
    destination: &str,
    span: &Range<usize>,
    resolver: &dyn LinkResolver,
    errors: &mut Vec<(Range<usize>, LinkError)>,
) -> Option<String> {
    match resolver.resolve(destination) {
        Ok(url) => url,
        Err(error) => {
            errors.push((span.clone(), error));
            None
        }
    }
}

fn heading_tag(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Whether a URL starts with a scheme (`https:`, `mailto:`, `geo:`): letters,
/// digits, `+`, `-` and `.` after a first letter, before a `:`. Such a URL
/// is never a path, to a content file or to one of the output.
pub fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// A link to a content file, as [`content_link`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLink<'a> {
    /// The file's path, percent-decoded (`sleep%20tips.md` names
    /// `sleep tips.md`, as Zola reads it); relative to the linking file's
    /// folder, or to `content/` when `from_root`.
    pub path: std::borrow::Cow<'a, str>,
    /// The `?query`, without its `?`, kept on the rewritten link.
    pub query: Option<&'a str>,
    /// The `#fragment`, without its `#`.
    pub fragment: Option<&'a str>,
    /// Written `@/…`: from `content/`.
    pub from_root: bool,
}

/// A link destination that points at a content file: `@/path.md` or a
/// relative `….md` path, with its `?query` and `#fragment`.
pub fn content_link(destination: &str) -> Option<ContentLink<'_>> {
    let (path, fragment) = match destination.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (destination, None),
    };
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let (path, from_root) = match path.strip_prefix("@/") {
        Some(rest) => (rest, true),
        None => {
            // A URL with a scheme (`https:`, `mailto:`, `geo:`) is no path.
            if has_scheme(path) || path.starts_with('/') || !path.ends_with(".md") {
                return None;
            }
            (path, false)
        }
    };
    // A malformed escape (`100%.md`) is read as written.
    let path = match crate::serve::http::percent_decode(path) {
        Some(decoded) if decoded != path => std::borrow::Cow::Owned(decoded),
        _ => std::borrow::Cow::Borrowed(path),
    };
    Some(ContentLink {
        path,
        query,
        fragment,
        from_root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keep;
    impl LinkResolver for Keep {
        fn resolve(&self, d: &str) -> Result<Option<String>, LinkError> {
            match content_link(d) {
                Some(link) if link.path == "missing.md" => Err("no such file".to_string().into()),
                Some(_) => Ok(Some("../x/index.html".into())),
                None => Ok(None),
            }
        }
    }

    #[test]
    fn a_table_is_wrapped_in_a_box_the_keyboard_can_scroll() {
        let (r, _) = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n",
            0,
            false,
            &Keep,
            &HashSet::new(),
        );
        assert!(
            r.html.starts_with(&table_scroll_open(1)) && r.html.contains("<table>"),
            "{}",
            r.html
        );
        // Each box has a name of its own.
        let (two, _) = render(
            "| a |\n|---|\n| 1 |\n\ntext\n\n| b |\n|---|\n| 2 |\n",
            0,
            false,
            &Keep,
            &HashSet::new(),
        );
        assert!(
            two.html.contains("aria-label=\"Table 1\"")
                && two.html.contains("aria-label=\"Table 2\""),
            "{}",
            two.html
        );
        assert!(
            r.html.trim_end().ends_with("</table>\n</div>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn heading_ids_avoid_the_ids_the_template_uses() {
        let taken: HashSet<String> = ["main".to_string(), "main-1".to_string()].into();
        let (r, _) = render("## Main\n\n## Steps\n", 0, false, &Keep, &taken);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["main-2", "steps"]);
        assert!(r.html.contains("<h2 id=\"main-2\">"), "{}", r.html);
    }

    #[test]
    fn a_heading_takes_the_id_and_classes_written_after_it() {
        let taken: HashSet<String> = ["main".to_string()].into();
        let (r, _) = render(
            "## Steps {#how .big}\n\n## Steps {#how}\n\n## Frame {#main}\n\n## Odd {#a\"b}\n",
            0,
            false,
            &Keep,
            &taken,
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["how", "how-1", "main-1", "a\"b"]);
        assert_eq!(r.headings[0].title, "Steps");
        assert!(
            r.html.contains("<h2 id=\"how\" class=\"big\">Steps</h2>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<h2 id=\"a&quot;b\">Odd</h2>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn repeated_headings_get_numbered_ids() {
        let (r, _) = render(
            "## Steps\n\n## Steps\n\n## Steps\n",
            0,
            false,
            &Keep,
            &HashSet::new(),
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["steps", "steps-1", "steps-2"]);
        assert!(
            r.html.contains("<h2 id=\"steps-1\">Steps</h2>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_left_out_and_reported() {
        let (r, _) = render(
            "Hello <b>there</b>\n\n<div>x</div>\n",
            10,
            false,
            &Keep,
            &HashSet::new(),
        );
        assert!(!r.html.contains("<b>"), "{}", r.html);
        assert!(!r.html.contains("<div>"), "{}", r.html);
        assert!(!r.dropped_html.is_empty());
        let (r, _) = render("Hello <b>there</b>\n", 0, true, &Keep, &HashSet::new());
        assert!(r.html.contains("<b>there</b>"));
    }

    #[test]
    fn only_closed_comments_are_comments() {
        for comment in [
            "<!-- a -->",
            " <!-- a -->\n<!---->\n",
            "<!-->",
            "<!--->",
            "<!-- a\nb -->",
        ] {
            assert!(is_comment(comment), "{comment:?}");
        }
        for html in ["<b>", "<!-- open", "<!-- a --><b>", "", "<!-- a -- >"] {
            assert!(!is_comment(html), "{html:?}");
        }
    }

    #[test]
    fn content_links_are_rewritten_and_bad_ones_reported() {
        let (r, errors) = render(
            "[a](other.md) [b](missing.md) [c](https://x.org)\n",
            5,
            false,
            &Keep,
            &HashSet::new(),
        );
        assert!(r.html.contains("href=\"../x/index.html\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://x.org\""));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0.start, 5 + 14);
    }

    #[test]
    fn script_urls_are_left_out_unless_raw_html_is_on() {
        let body = "[a](javascript:alert(1)) [b](JavaScript&#9;:x) <vbscript:x> [c](data:text/html,x) [d](file:///etc/passwd) ![e](data:image/png;base64,AA) [f](https://x.org/javascript:)\n";
        let (r, _) = render(body, 0, false, &Keep, &HashSet::new());
        for bad in ["javascript", "JavaScript", "vbscript", "data:text", "file:"] {
            assert!(
                !r.html.contains(&format!("href=\"{bad}")),
                "{bad}: {}",
                r.html
            );
        }
        // The words stay, without a link: an empty `href` would still be
        // one, to the page itself.
        assert!(!r.html.contains("href=\"\""), "{}", r.html);
        assert_eq!(r.html.matches("<a ").count(), 1, "{}", r.html);
        assert!(
            r.html.starts_with("<p>a b vbscript:x c d <img"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("src=\"data:image/png;base64,AA\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"https://x.org/javascript:\""),
            "{}",
            r.html
        );
        let (r, _) = render(body, 0, true, &Keep, &HashSet::new());
        assert!(
            r.html.contains("href=\"javascript:alert(1)\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn task_list_boxes_are_named() {
        let (r, _) = render("- [ ] open\n- [x] done\n", 0, false, &Keep, &HashSet::new());
        assert_eq!(
            r.html,
            "<ul>\n<li><input disabled=\"\" type=\"checkbox\" aria-label=\"not done\"/>\nopen</li>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"done\"/>\ndone</li>\n</ul>\n"
        );
    }

    #[test]
    fn a_picture_whose_address_is_left_out_leaves_its_description() {
        let body = "![the bed](file:///bed.png) [![inner](javascript:x)](https://x.org) ![outer ![kept](bed.svg)](file:///x)\n";
        let (r, _) = render(body, 0, false, &Keep, &HashSet::new());
        assert!(!r.html.contains("src=\"\""), "{}", r.html);
        assert_eq!(
            r.html,
            "<p>the bed <a href=\"https://x.org\">inner</a> outer <img src=\"bed.svg\" alt=\"kept\" /></p>\n"
        );
        assert_eq!(r.dropped_urls.len(), 3, "{:?}", r.dropped_urls);
        assert_eq!(r.links.len(), 5);
        assert!(r.empty_images.is_empty());

        let (r, _) = render("a ![the bed]( ) b\n", 10, false, &Keep, &HashSet::new());
        assert_eq!(r.html, "<p>a the bed b</p>\n");
        assert_eq!(r.empty_images, vec![12..25]);
    }

    #[test]
    fn recognises_content_links() {
        let link =
            |d| content_link(d).map(|l| (l.path.into_owned(), l.query, l.fragment, l.from_root));
        assert_eq!(
            link("@/stretches/a.md#steps"),
            Some(("stretches/a.md".into(), None, Some("steps"), true))
        );
        assert_eq!(link("../a.md"), Some(("../a.md".into(), None, None, false)));
        assert_eq!(
            link("../sleep%20tips.md?print=1#top"),
            Some((
                "../sleep tips.md".into(),
                Some("print=1"),
                Some("top"),
                false
            ))
        );
        assert_eq!(
            link("@/100%.md"),
            Some(("100%.md".into(), None, None, true))
        );
        assert_eq!(link("https://x.org/a.md"), None);
        assert_eq!(link("irc:clinic.md"), None);
        assert_eq!(
            link("notes/v2:a.md"),
            Some(("notes/v2:a.md".into(), None, None, false))
        );
        assert_eq!(link("a.png"), None);
        assert_eq!(link("a.png?x=.md"), None);
    }
}
