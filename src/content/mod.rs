//! Content: discovery, front matter and the typed, validated content model.
//!
//! `load` walks `content/`, each file is split and parsed in parallel, then
//! read into a [`Stretch`], [`Routine`], [`Page`] or the [`Home`] page; every
//! problem of every file is collected.

pub mod fields;
pub mod front_matter;
pub mod hold;
pub mod load;
pub mod page;
pub mod routine;
pub mod slug;
pub mod stretch;

use std::ops::Range;
use std::path::PathBuf;

pub use fields::Spanned;
pub use hold::Hold;
pub use load::{Content, load};
pub use page::{Home, Page, Role};
pub use routine::Routine;
pub use stretch::{Position, Sides, Stretch};

use crate::diagnostics::SourceFile;

/// What every content file has: where it came from, its slug, body and the
/// keys shared by all kinds (`draft`, `aliases`, `extra`).
#[derive(Debug, Clone)]
pub struct Meta {
    /// The file (path relative to the site root, text without BOM).
    pub file: SourceFile,
    /// File name, used to order stretches (`01-knee.md` before `02-…`).
    pub file_name: String,
    /// The slug (explicit or from the file stem).
    pub slug: String,
    /// Where the slug came from: the `slug` value, or `None` for the stem.
    pub slug_span: Option<Range<usize>>,
    /// Title (may be empty for the home page).
    pub title: String,
    /// `draft = true`.
    pub draft: bool,
    /// Old paths that get a redirect page.
    pub aliases: Vec<Spanned<String>>,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
    /// The Markdown body (byte range in `file.text`).
    pub body: Range<usize>,
}

impl Meta {
    /// The Markdown body text.
    pub fn body_text(&self) -> &str {
        &self.file.text[self.body.clone()]
    }

    /// The source path shown to users.
    pub fn path(&self) -> &PathBuf {
        &self.file.path
    }
}
