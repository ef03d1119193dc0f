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
        let summary = fields.optional_text("summary", 0);
        let updated = fields.date("updated").and_then(|u| {
            if let Some(date) = date_part(&u.value) {
                Some(date.to_string())
            } else {
                let help = format!(
                    "write the date as YYYY-MM-DD, e.g. `{}` (a date and time, `2026-11-23T08:00:00Z`, is taken as its date)",
                    fields.example("updated = 2026-11-23")
                );
                fields.error_at(
                    u.span,
                    format!("`updated` is \"{}\", which is not a date", u.value),
                    help,
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
        // A list of the wrong length is reported already (the file is then
        // one with errors); its slugs are still checked against the
        // library, so that one run reports every problem.
        Some(Routine {
            meta,
            summary,
            updated,
            weight,
            stretches: list.value,
        })
    }
}

/// The date of `text`: a calendar date `YYYY-MM-DD`, or one followed by a
/// time as TOML and RFC 3339 write it (`2026-11-23T08:00:00Z`,
/// `2026-11-23 08:00`, `2026-11-23T08:00:00.5+01:00`), as Zola and Hugo
/// take them; the handout prints the date only.
fn date_part(text: &str) -> Option<&str> {
    if is_date(text) {
        return Some(text);
    }
    let (date, time) = (text.get(..10)?, text.get(10..)?);
    let time = time.strip_prefix(['T', 't', ' '])?;
    (is_date(date) && is_time(time)).then_some(date)
}

/// Whether `text` is a time of day `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`,
/// then `Z` or an offset `+HH:MM` or nothing.
fn is_time(text: &str) -> bool {
    let two = |s: &str, max: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (clock, offset) = match text.find(['Z', 'z', '+', '-']) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let offset_ok = match offset.as_bytes().first() {
        None => true,
        Some(b'Z' | b'z') => offset.len() == 1,
        Some(_) => offset[1..]
            .split_once(':')
            .is_some_and(|(h, m)| two(h, 23) && two(m, 59)),
    };
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let fraction_ok = !clock.contains('.')
        || (!fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()));
    let parts: Vec<&str> = hms.split(':').collect();
    let clock_ok = match parts.as_slice() {
        [h, m] => two(h, 23) && two(m, 59) && fraction.is_empty() && !clock.contains('.'),
        [h, m, s] => two(h, 23) && two(m, 59) && two(s, 60),
        _ => false,
    };
    offset_ok && fraction_ok && clock_ok
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

    #[test]
    fn a_date_and_time_gives_its_date() {
        for text in [
            "2026-11-23",
            "2026-11-23T08:00:00Z",
            "2026-11-23t08:00:00z",
            "2026-11-23 08:00",
            "2026-11-23T08:00:00.125+01:00",
            "2026-11-23T23:59:60-05:30",
        ] {
            assert_eq!(super::date_part(text), Some("2026-11-23"), "{text}");
        }
        for text in [
            "2026-11-23T",
            "2026-11-23T8:00",
            "2026-11-23T08:00Z+",
            "2026-11-23T24:00:00Z",
            "2026-11-23T08:00.5",
            "2026-11-23T08:00:00.",
            "2026-11-23x08:00",
            "2026-02-30T08:00:00Z",
            "2026-11-23T08:00:00+1:00",
        ] {
            assert_eq!(super::date_part(text), None, "{text}");
        }
    }
}
