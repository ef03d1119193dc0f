//! A routine: an ordered selection of stretches in `content/routines/`.

use super::Meta;
use super::fields::{Fields, Spanned};

/// A validated routine (its stretch slugs are checked against the library later).
#[derive(Debug, Clone)]
pub struct Routine {
    /// Shared keys and body.
    pub meta: Meta,
    /// Listing summary.
    pub summary: Option<String>,
    /// `YYYY-MM-DD`, printed on the handout.
    pub updated: Option<String>,
    /// Sort weight (lowest first; missing last).
    pub weight: Option<i64>,
    /// Slugs of its stretches, in order (1–6, distinct).
    pub stretches: Vec<Spanned<String>>,
}

/// Known keys of a routine.
pub const KEYS: &[&str] = &[
    "title",
    "slug",
    "summary",
    "updated",
    "weight",
    "stretches",
    "draft",
    "aliases",
    "extra",
];

/// The most stretches a routine takes: more would not fit the one-page handout.
pub const MAX_STRETCHES: usize = 6;

impl Routine {
    /// Reads the routine-specific keys.
    pub fn from_fields(meta: Meta, fields: &mut Fields<'_>) -> Option<Routine> {
        let summary = fields.string("summary", 0).map(|s| s.value);
        let updated = fields.date("updated").and_then(|u| {
            if is_date(&u.value) {
                Some(u.value)
            } else {
                fields.error_at(
                    u.span,
                    format!("`updated` is \"{}\", which is not a date", u.value),
                    "write the date as YYYY-MM-DD, e.g. `updated = 2026-11-23`",
                );
                None
            }
        });
        let weight = fields
            .integer("weight", i64::MIN..=i64::MAX)
            .map(|w| w.value);
        let list = fields.string_list(
            "stretches",
            1..=MAX_STRETCHES,
            0,
            Some("stretches = [\"knee-to-chest\", \"pelvic-tilt\"]"),
        )?;
        let mut seen: Vec<&str> = Vec::new();
        let mut repeated = Vec::new();
        for slug in &list.value {
            if seen.contains(&slug.value.as_str()) {
                repeated.push(slug.clone());
            }
            seen.push(&slug.value);
        }
        for slug in repeated {
            fields.error_at(
                slug.span,
                format!("stretch `{}` is listed twice in `stretches`", slug.value),
                "each stretch appears once in a routine",
            );
        }
        if !(1..=MAX_STRETCHES).contains(&list.value.len()) {
            return None;
        }
        Some(Routine {
            meta,
            summary,
            updated,
            weight,
            stretches: list.value,
        })
    }
}

/// Whether `text` is a calendar date `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (y, m, d): (u32, u32, u32) = (
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert!(super::is_date("2026-11-23"));
        assert!(super::is_date("2024-02-29"));
        assert!(!super::is_date("2023-02-29"));
        assert!(!super::is_date("2026-13-01"));
        assert!(!super::is_date("23 Nov 2026"));
    }
}
