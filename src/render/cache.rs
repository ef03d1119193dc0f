//! A cache of rendered pages for `gen serve`: each page's template context
//! and HTML, kept from one render to the next. A page whose template and
//! context are equal to last time is not rendered again — its HTML is the
//! same — so a rebuild after a front-matter edit renders only the pages that
//! show what changed. Markdown bodies are kept too (by their text, their
//! page and where links between files lead), and handout QR codes (by URL).
//! Valid for one set of templates: make a new cache when they change.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tera::Context;

use crate::content::Meta;
use crate::markdown::Rendered;
use crate::site::Site;

/// A rendered body and the links in it that did not resolve.
pub type Body = (Rendered, Vec<(Range<usize>, crate::markdown::LinkError)>);

/// Rendered pages by site path.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Entry>>,
    bodies: Mutex<HashMap<PathBuf, BodyEntry>>,
    qr_codes: Mutex<HashMap<String, Option<String>>>,
    /// Where links between content files lead, in the render under way.
    links: Mutex<u64>,
}

#[derive(Debug)]
struct BodyEntry {
    text: Arc<str>,
    body: Range<usize>,
    page: String,
    raw_html: bool,
    links: u64,
    rendered: Body,
}

#[derive(Debug)]
struct Entry {
    template: String,
    context: Context,
    html: Arc<str>,
}

impl PageCache {
    /// An empty cache.
    pub fn new() -> PageCache {
        PageCache::default()
    }

    /// The HTML rendered last time for `path`, if the template and the
    /// context are the same now.
    pub fn get(&self, template: &str, path: &str, context: &Context) -> Option<Arc<str>> {
        let pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = pages.get(path)?;
        (entry.template == template && entry.context == *context).then(|| Arc::clone(&entry.html))
    }

    /// Remembers what `path` rendered to.
    pub fn put(&self, template: &str, path: &str, context: &Context, html: Arc<str>) {
        let entry = Entry {
            template: template.to_string(),
            context: context.clone(),
            html,
        };
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), entry);
    }

    /// Starts a render of `site`: notes where links between content files
    /// lead, which every cached body depends on.
    pub fn begin(&self, site: &Site) {
        let mut hasher = DefaultHasher::new();
        site.hash_link_targets(&mut hasher);
        *self.links.lock().unwrap_or_else(PoisonError::into_inner) = hasher.finish();
    }

    /// The body of `meta` rendered for the page at `page`: from the cache when
    /// its text, page, `raw_html` and the links between files are the same.
    pub fn body(
        &self,
        meta: &Meta,
        page: &str,
        raw_html: bool,
        render: impl FnOnce() -> Body,
    ) -> Body {
        let links = *self.links.lock().unwrap_or_else(PoisonError::into_inner);
        let text = meta.body_text();
        {
            let bodies = self.bodies.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(entry) = bodies.get(meta.path()) {
                if entry.body.start == meta.body.start
                    && entry.page == page
                    && entry.raw_html == raw_html
                    && entry.links == links
                    && entry.text.get(entry.body.clone()) == Some(text)
                {
                    return entry.rendered.clone();
                }
            }
        }
        let rendered = render();
        let entry = BodyEntry {
            text: Arc::clone(&meta.file.text),
            body: meta.body.clone(),
            page: page.to_string(),
            raw_html,
            links,
            rendered: rendered.clone(),
        };
        self.bodies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(meta.path().clone(), entry);
        rendered
    }

    /// The QR code of a URL, made once.
    pub fn qr_code(&self, url: &str, make: impl FnOnce(&str) -> Option<String>) -> Option<String> {
        if let Some(svg) = self
            .qr_codes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(url)
        {
            return svg.clone();
        }
        let svg = make(url);
        self.qr_codes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(url.to_string(), svg.clone());
        svg
    }

    /// How many pages are cached.
    pub fn len(&self) -> usize {
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_only_when_template_and_context_are_the_same() {
        let cache = PageCache::new();
        let mut context = Context::new();
        context.insert("title", "A");
        assert!(cache.get("page.html", "a/index.html", &context).is_none());
        cache.put("page.html", "a/index.html", &context, Arc::from("<p>A</p>"));
        assert_eq!(
            cache.get("page.html", "a/index.html", &context).as_deref(),
            Some("<p>A</p>")
        );
        assert!(cache.get("other.html", "a/index.html", &context).is_none());
        context.insert("title", "B");
        assert!(cache.get("page.html", "a/index.html", &context).is_none());
    }
}
