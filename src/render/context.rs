//! View structs: what templates see. Built once per item and shared by
//! reference across the pages that list it; never internal types.

use serde::Serialize;

use crate::content::{Routine, Sides, Stretch};
use crate::markdown::Heading;
use crate::site::{self, Site};

/// A link to a page: its title and site path.
#[derive(Debug, Clone, Serialize)]
pub struct LinkContext {
    /// Link text.
    pub title: String,
    /// Site path (`stretches/x/index.html`).
    pub path: String,
}

/// An entry of the site's navigation (`nav`).
#[derive(Debug, Clone, Serialize)]
pub struct NavContext {
    pub title: String,
    pub path: String,
    /// What the menu shows: "The routine" for the main routine, else `title`.
    pub label: String,
    /// Whether this is the red-flags page (marked out in the menu).
    pub alert: bool,
    /// Whether this entry is the page being rendered.
    pub current: bool,
    /// `path` as a link from the page being rendered (`root` + `path`).
    pub href: String,
}

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    pub extra: &'a serde_json::Value,
    pub red_flags: Option<LinkContext>,
    pub preparation: Option<LinkContext>,
    pub handout: Option<LinkContext>,
    pub main_routine: Option<LinkContext>,
    pub highlight_css: &'static str,
}

/// A taxonomy term as a link.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct TermContext {
    pub name: String,
    pub label: String,
    pub slug: String,
    pub path: String,
    pub count: usize,
}

/// A hold time for templates.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct HoldContext {
    pub text: String,
    pub min_seconds: u32,
    pub max_seconds: u32,
}

/// A stretch illustration.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ImageContext {
    pub path: String,
    pub alt: String,
}

/// A stretch, as listed and as shown on its own page. Its `Hash` stands for
/// its JSON in the ledger's keys (see [`super::ledger::hashed`]): derived,
/// it covers every field.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct StretchContext<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub summary: Option<&'a str>,
    pub cue: &'a str,
    pub main_caution: &'a str,
    pub cautions: &'a [String],
    pub position: TermContext,
    pub hold: HoldContext,
    pub sides: &'static str,
    pub sides_text: &'static str,
    pub reps: u32,
    pub reps_text: String,
    pub dose: String,
    /// `dose` as HTML for display: the time ("20–30 s") kept on one line
    /// and each "·" kept at the end of a line, never at the start of the next.
    pub dose_html: String,
    pub image: Option<ImageContext>,
    pub targets: Vec<TermContext>,
    pub extra: Extra<'a>,
}

/// Free-form front-matter data (`extra`), serialized as it is and hashed
/// by its JSON.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(transparent)]
pub struct Extra<'a>(pub &'a serde_json::Value);

impl std::hash::Hash for Extra<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u128(super::ledger::value_hash(self.0));
    }
}

/// A stretch inside a routine, with its step number.
#[derive(Debug, Serialize)]
pub struct RoutineStretchContext<'a> {
    pub step: usize,
    #[serde(flatten)]
    pub stretch: &'a StretchContext<'a>,
}

/// Total holding time in seconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SecondsContext {
    pub min: u32,
    pub max: u32,
}

/// A routine with its stretches.
#[derive(Debug, Serialize)]
pub struct RoutineContext<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub summary: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub total_time: String,
    pub total_seconds: SecondsContext,
    pub handout_path: String,
    pub stretch_count: usize,
    pub extra: &'a serde_json::Value,
    pub stretches: Vec<RoutineStretchContext<'a>>,
}

/// A content page's own fields.
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub content: String,
    pub toc: Vec<Heading>,
    pub extra: &'a serde_json::Value,
    pub role: Option<&'static str>,
    pub handout_points: &'a [String],
}

/// Page numbers of a paginated list.
#[derive(Debug, Serialize)]
pub struct PaginatorContext {
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageNumberContext>,
}

/// One page number.
#[derive(Debug, Serialize)]
pub struct PageNumberContext {
    pub number: usize,
    pub path: String,
    /// Whether page numbers were left out just before this one.
    pub gap_before: bool,
}

/// The page numbers a pager shows: the first, the last, and two on each
/// side of the current one; a long list never grows with the site.
pub fn pager_numbers(current: usize, total: usize) -> Vec<(usize, bool)> {
    let mut numbers = Vec::new();
    let mut last = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            numbers.push((n, last + 1 != n && last != 0));
            last = n;
        }
    }
    numbers
}

/// A taxonomy (`positions` or `targets`).
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyContext {
    pub name: &'static str,
    pub title: &'static str,
    pub path: String,
}

/// The dose line parts.
pub fn sides_text(sides: Sides) -> &'static str {
    match sides {
        Sides::Each => "each side",
        Sides::Both => "both sides",
        Sides::None => "",
    }
}

/// `once`, `2 times`.
pub fn reps_text(reps: u32) -> String {
    if reps == 1 {
        "once".to_string()
    } else {
        format!("{reps} times")
    }
}

/// The dose line as HTML: escaped, the hold's time (its last two words,
/// "20–30 s") in a `nowrap` span, a no-break space before each "·".
pub fn dose_html(dose: &str, hold: &str) -> String {
    let escaped = crate::templates::escape_html(dose);
    let words: Vec<&str> = hold.split(' ').collect();
    let marked = if words.len() >= 2 {
        let time = crate::templates::escape_html(&words[words.len() - 2..].join(" "));
        escaped.replacen(&time, &format!("<span class=\"nowrap\">{time}</span>"), 1)
    } else {
        escaped
    };
    marked.replace(" · ", "\u{a0}· ")
}

/// Builds the context of stretch `index`.
pub fn stretch<'a>(site: &'a Site, index: usize) -> StretchContext<'a> {
    let s: &'a Stretch = &site.content.stretches[index];
    let position = TermContext {
        name: s.position.name().to_string(),
        label: s.position.label().to_string(),
        slug: s.position.name().to_string(),
        path: format!("positions/{}/index.html", s.position.name()),
        count: site
            .positions
            .iter()
            .find(|t| t.slug == s.position.name())
            .map_or(0, |t| t.stretches.len()),
    };
    let targets = s
        .targets
        .iter()
        .filter_map(|t| {
            let slug = crate::content::slug::slugify(t);
            site.target_terms
                .iter()
                .find(|term| term.slug == slug)
                .map(|term| TermContext {
                    name: term.name.clone(),
                    label: term.label.clone(),
                    slug: term.slug.clone(),
                    path: format!("targets/{}/index.html", term.slug),
                    count: term.stretches.len(),
                })
        })
        .collect();
    let hold_phrase = match s.hold {
        crate::content::Hold::Brief => "hold briefly".to_string(),
        hold => format!("hold {hold}"),
    };
    let mut dose = vec![s.position.label().to_string(), hold_phrase];
    if s.sides != Sides::None {
        dose.push(sides_text(s.sides).to_string());
    }
    dose.push(reps_text(s.reps));
    let dose = dose.join(" · ");
    let dose_html = dose_html(&dose, &s.hold.to_string());
    StretchContext {
        title: &s.meta.title,
        slug: &s.meta.slug,
        path: site::stretch_path(&s.meta.slug),
        summary: s.summary.as_deref(),
        cue: &s.cue,
        main_caution: s.main_caution(),
        cautions: &s.cautions,
        position,
        hold: HoldContext {
            text: s.hold.to_string(),
            min_seconds: s.hold.min_seconds(),
            max_seconds: s.hold.max_seconds(),
        },
        sides: s.sides.name(),
        sides_text: sides_text(s.sides),
        reps: s.reps,
        reps_text: reps_text(s.reps),
        dose,
        dose_html,
        image: site.images[index].as_ref().map(|image| ImageContext {
            // A URL: a file name may hold `#`, `?`, `%` or spaces, which
            // would cut or garble the address the browser asks for.
            path: image
                .path
                .split('/')
                .map(crate::serve::http::percent_encode)
                .collect::<Vec<_>>()
                .join("/"),
            alt: format!(
                "Drawing: {}, {}",
                s.meta.title,
                s.position.label().to_lowercase()
            ),
        }),
        targets,
        extra: Extra(&s.meta.extra),
    }
}

/// Total holding time of a routine: hold × (2 for `each`) × reps, summed.
pub fn total_seconds(site: &Site, routine: &Routine) -> SecondsContext {
    let (mut min, mut max) = (0u32, 0u32);
    for slug in &routine.stretches {
        if let Some(&i) = site.stretch_by_slug.get(&slug.value) {
            let s = &site.content.stretches[i];
            let times = s.sides.factor() * s.reps;
            min = min.saturating_add(s.hold.min_seconds().saturating_mul(times));
            max = max.saturating_add(s.hold.max_seconds().saturating_mul(times));
        }
    }
    SecondsContext { min, max }
}

/// "about 2–3 minutes of holding", in whole minutes.
pub fn total_time_text(total: SecondsContext) -> String {
    let round = |seconds: u32| (seconds + 30) / 60;
    let high = round(total.max);
    let low = round(total.min).min(high);
    match (low, high) {
        (_, 0) => "less than a minute of holding".to_string(),
        (l, h) if l == h => format!(
            "about {h} minute{} of holding",
            if h == 1 { "" } else { "s" }
        ),
        // SPEC §1's form, also from 0 (holds of "up to N s" or "brief").
        (l, h) => format!("about {l}–{h} minutes of holding"),
    }
}

/// Builds a routine's context from the stretches' contexts.
pub fn routine<'a>(
    site: &'a Site,
    index: usize,
    stretches: &'a [StretchContext<'a>],
) -> RoutineContext<'a> {
    let r = &site.content.routines[index];
    let total = total_seconds(site, r);
    let list: Vec<RoutineStretchContext<'a>> = r
        .stretches
        .iter()
        .filter_map(|slug| site.stretch_by_slug.get(&slug.value))
        .enumerate()
        .map(|(step, &i)| RoutineStretchContext {
            step: step + 1,
            stretch: &stretches[i],
        })
        .collect();
    RoutineContext {
        title: &r.meta.title,
        slug: &r.meta.slug,
        path: site::routine_path(&r.meta.slug),
        summary: r.summary.as_deref(),
        updated: r.updated.as_deref(),
        total_time: total_time_text(total),
        total_seconds: total,
        handout_path: site::handout_path(&r.meta.slug),
        stretch_count: list.len(),
        extra: &r.meta.extra,
        stretches: list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_time_in_whole_minutes() {
        let t = |min, max| total_time_text(SecondsContext { min, max });
        assert_eq!(t(103, 185), "about 2–3 minutes of holding");
        assert_eq!(t(60, 60), "about 1 minute of holding");
        assert_eq!(t(0, 10), "less than a minute of holding");
        assert_eq!(t(0, 120), "about 0–2 minutes of holding");
        assert_eq!(t(20, 30), "about 0–1 minutes of holding");
        assert_eq!(t(170, 185), "about 3 minutes of holding");
    }

    #[test]
    fn pager_shows_the_ends_and_a_window_around_the_current_page() {
        let shown = |c, t| {
            pager_numbers(c, t)
                .iter()
                .map(|&(n, gap)| {
                    if gap {
                        format!("…{n}")
                    } else {
                        n.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(2, 4), "1 2 3 4");
        assert_eq!(shown(1, 200), "1 2 3 …200");
        assert_eq!(shown(50, 200), "1 …48 49 50 51 52 …200");
        assert_eq!(shown(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(shown(200, 200), "1 …198 199 200");
    }

    #[test]
    fn dose_html_keeps_the_time_together_and_dots_at_line_ends() {
        assert_eq!(
            dose_html(
                "Lying on your back · hold 20–30 s · each side · once",
                "20–30 s"
            ),
            "Lying on your back\u{a0}· hold <span class=\"nowrap\">20–30 s</span>\u{a0}· each side\u{a0}· once"
        );
        assert_eq!(
            dose_html("Lying on your front · hold briefly · once", "brief"),
            "Lying on your front\u{a0}· hold briefly\u{a0}· once"
        );
        assert_eq!(
            dose_html("A <b> · hold 5 s", "5 s"),
            "A &lt;b&gt;\u{a0}· hold <span class=\"nowrap\">5 s</span>"
        );
    }
}
