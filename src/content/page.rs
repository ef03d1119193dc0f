//! Pages: the home page (`content/_index.md`) and every other page.

use std::ops::Range;

use super::Meta;
use super::fields::Fields;

/// The special part a page plays on the handout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Before-you-start points (at most 4).
    Preparation,
    /// Red-flag points (at most 6); exactly one per site.
    RedFlags,
}

impl Role {
    /// The front-matter name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Preparation => "preparation",
            Role::RedFlags => "red-flags",
        }
    }

    /// How many handout points the role takes at most.
    pub fn max_points(self) -> usize {
        match self {
            Role::Preparation => 4,
            Role::RedFlags => 6,
        }
    }
}

/// The most characters of one handout point.
pub const MAX_POINT_CHARS: usize = 80;

/// A validated page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Shared keys and body.
    pub meta: Meta,
    /// Meta description.
    pub description: Option<String>,
    /// Sort weight (lowest first; missing last).
    pub weight: Option<i64>,
    /// Role on the handout.
    pub role: Option<Role>,
    /// Where the `role` value is in the file.
    pub role_span: Option<Range<usize>>,
    /// Lines printed on every handout (only with a role).
    pub handout_points: Vec<String>,
}

/// Known keys of a page.
pub const KEYS: &[&str] = &[
    "title",
    "slug",
    "description",
    "weight",
    "role",
    "handout_points",
    "draft",
    "aliases",
    "extra",
];

impl Page {
    /// Reads the page-specific keys.
    pub fn from_fields(meta: Meta, fields: &mut Fields<'_>) -> Option<Page> {
        let description = fields.optional_text("description", 0);
        let weight = fields
            .integer("weight", i64::MIN..=i64::MAX)
            .map(|w| w.value);
        let role = fields.choice("role", &["preparation", "red-flags"]);
        let role_span = role.as_ref().map(|r| r.span.clone());
        let role = role.map(|r| {
            if r.value == "preparation" {
                Role::Preparation
            } else {
                Role::RedFlags
            }
        });
        let points = fields.string_list("handout_points", 0..=usize::MAX, MAX_POINT_CHARS, None);
        let mut handout_points = Vec::new();
        if let Some(points) = points {
            match role {
                None if !fields.has("role") => {
                    let help = format!(
                        "add `{}` or `{}`, or remove `handout_points`",
                        fields.example("role = \"preparation\""),
                        fields.example("role = \"red-flags\"")
                    );
                    fields.error_at(
                        points.span.clone(),
                        "`handout_points` is only used on a page with a `role`",
                        help,
                    )
                }
                Some(role) if points.value.len() > role.max_points() => fields.error_at(
                    points.span.clone(),
                    format!(
                        "a `{}` page takes at most {} handout points; this one has {}",
                        role.name(),
                        role.max_points(),
                        points.value.len()
                    ),
                    "the handout must stay one page: keep the most important points",
                ),
                _ => {}
            }
            if role.is_some() {
                for point in &points.value {
                    fields.warn_if_capitals(point.span.clone(), "a handout point", &point.value);
                }
            }
            handout_points = points.value.into_iter().map(|p| p.value).collect();
        }
        Some(Page {
            meta,
            description,
            weight,
            role,
            role_span,
            handout_points,
        })
    }
}

/// The home page, from `content/_index.md` (optional).
#[derive(Debug, Clone)]
pub struct Home {
    /// Shared keys and body (the title defaults to the site's).
    pub meta: Meta,
    /// Meta description.
    pub description: Option<String>,
}

/// Known keys of the home page.
pub const HOME_KEYS: &[&str] = &["title", "description", "extra"];
