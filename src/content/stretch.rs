//! A stretch: one file in `content/stretches/`.

use super::fields::{Fields, Spanned};
use super::front_matter::Value;
use super::{Hold, Meta};

/// The body position a stretch is done in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Position {
    /// Lying on the back.
    Supine,
    /// Lying on the front.
    Prone,
    /// Lying on one side.
    SideLying,
    /// Sitting.
    Seated,
    /// Kneeling.
    Kneeling,
    /// Standing.
    Standing,
}

impl Position {
    /// Every position, in the order they are listed.
    pub const ALL: [Position; 6] = [
        Position::Supine,
        Position::Prone,
        Position::SideLying,
        Position::Seated,
        Position::Kneeling,
        Position::Standing,
    ];
    /// The accepted front-matter names.
    pub const NAMES: [&'static str; 6] = [
        "supine",
        "prone",
        "side-lying",
        "seated",
        "kneeling",
        "standing",
    ];

    /// The front-matter name, which is also the slug (`side-lying`).
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Plain-language label (`Lying on your back`).
    pub fn label(self) -> &'static str {
        match self {
            Position::Supine => "Lying on your back",
            Position::Prone => "Lying on your front",
            Position::SideLying => "Lying on your side",
            Position::Seated => "Sitting",
            Position::Kneeling => "Kneeling",
            Position::Standing => "Standing",
        }
    }

    fn from_name(name: &str) -> Option<Position> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }
}

/// Which sides a stretch is done on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sides {
    /// Once per side: counts twice.
    Each,
    /// Both sides at once.
    Both,
    /// Not sided.
    None,
}

impl Sides {
    /// The front-matter name.
    pub fn name(self) -> &'static str {
        match self {
            Sides::Each => "each",
            Sides::Both => "both",
            Sides::None => "none",
        }
    }

    /// How many times the hold counts towards the total time.
    pub fn factor(self) -> u32 {
        if self == Sides::Each { 2 } else { 1 }
    }
}

/// A validated stretch.
#[derive(Debug, Clone)]
pub struct Stretch {
    /// Shared keys and body.
    pub meta: Meta,
    /// Body position.
    pub position: Position,
    /// Hold time.
    pub hold: Hold,
    /// Sides.
    pub sides: Sides,
    /// Repetitions, 1–50.
    pub reps: u32,
    /// Muscles or regions (taxonomy terms), 1–6.
    pub targets: Vec<String>,
    /// Where each of `targets` is written in the file.
    pub target_spans: Vec<std::ops::Range<usize>>,
    /// Cautions, 1–6; the first is the main caution.
    pub cautions: Vec<String>,
    /// Short how-to for the handout.
    pub cue: String,
    /// Listing summary.
    pub summary: Option<String>,
    /// The `image` value and its span, checked later against the files.
    pub image: Option<Spanned<String>>,
}

/// Known keys of a stretch, for "did you mean".
pub const KEYS: &[&str] = &[
    "title", "slug", "position", "hold", "sides", "reps", "targets", "cautions", "cue", "summary",
    "image", "draft", "aliases", "extra",
];

impl Stretch {
    /// Reads the stretch-specific keys. When any is invalid (the problems
    /// are in `fields.errors`), gives back the `image`, still to be checked.
    pub fn from_fields(
        meta: Meta,
        fields: &mut Fields<'_>,
    ) -> Result<Stretch, Option<Spanned<String>>> {
        let position = fields
            .choice("position", &Position::NAMES)
            .and_then(|p| Position::from_name(p.value));
        if !fields.has("position") {
            fields.required_string("position", 0, "position = \"supine\"");
        }
        // `hold = 30`: a number without its unit.
        let bare = fields
            .has("hold")
            .then(|| fields.take("hold"))
            .flatten()
            .and_then(|node| {
                matches!(node.value, Value::Integer(_) | Value::Float(_)).then_some(node)
            });
        if let Some(node) = &bare {
            let example = fields.example("hold = \"30 s\"");
            let text = fields
                .file()
                .text
                .get(node.span.clone())
                .unwrap_or_default()
                .to_string();
            fields.error_at(
                node.span.clone(),
                format!("`hold` is the number {text}, without a unit"),
                format!(
                    "write the seconds as text with their unit, e.g. `{example}`; {}",
                    super::hold::ACCEPTED
                ),
            );
        }
        let hold = match bare
            .is_none()
            .then(|| fields.required_string("hold", 0, "hold = \"20-30 s\""))
            .flatten()
        {
            Some(text) => match Hold::parse(&text.value) {
                Some(hold) => Some(hold),
                None => {
                    fields.error_at(
                        text.span,
                        format!("`hold` is \"{}\", which is not a hold time", text.value),
                        super::hold::ACCEPTED,
                    );
                    None
                }
            },
            None => None,
        };
        let sides = match fields.choice("sides", &["each", "both", "none"]) {
            Some(s) if s.value == "each" => Sides::Each,
            Some(s) if s.value == "both" => Sides::Both,
            _ => Sides::None,
        };
        let reps = fields.integer("reps", 1..=50).map_or(1, |r| r.value as u32);
        let targets = fields.string_list("targets", 1..=6, 0, Some("targets = [\"lower back\"]"));
        let cautions = fields.string_list(
            "cautions",
            1..=6,
            160,
            Some("cautions = [\"Stop if you feel sharp pain.\"]"),
        );
        if let Some(first) = cautions.as_ref().and_then(|c| c.value.first()) {
            fields.warn_if_capitals(first.span.clone(), "the main caution", &first.value);
            let count = super::slug::length(first.value.trim());
            if count > 80 {
                fields.error_at(
                    first.span.clone(),
                    format!("the main caution (the first of `cautions`) is {count} characters long; the limit is 80"),
                    "it is printed on the one-page handout: shorten it to at most 80 characters, or put a shorter caution first",
                );
            }
        }
        let cue = fields.required_string("cue", 100, "cue = \"Pull one knee to your chest.\"");
        if let Some(cue) = &cue {
            fields.warn_if_capitals(cue.span.clone(), "the cue", &cue.value);
        }
        let summary = fields.optional_text("summary", 200);
        let image = fields.string("image", 0);
        // A target is a taxonomy term: its slug names its page. Targets that
        // differ only in case are one term (SPEC §1): the stretch lists it
        // once, as first written. Targets that differ in more than case but
        // have one slug would share a term page: an error, as a slug taken
        // twice is.
        let mut seen: Vec<(String, String)> = Vec::new();
        let mut kept = Vec::new();
        let mut target_spans = Vec::new();
        let Some(targets) = targets else {
            return Err(image);
        };
        for target in targets.value {
            let name = target.value.trim().to_string();
            let slug = super::slug::slugify(&name);
            if slug.is_empty() {
                fields.error_at(
                    target.span.clone(),
                    format!(
                        "target \"{}\" has no letters or digits of a–z and 0–9 to name its page by",
                        target.value
                    ),
                    "name the muscle or region in words, e.g. \"lower back\"",
                );
                continue;
            }
            if slug.len() > super::slug::MAX_NAME_BYTES {
                fields.error_at(
                    target.span.clone(),
                    format!(
                        "target \"{}…\" makes a term page name of {} characters; a folder name takes at most {}",
                        target.value.chars().take(20).collect::<String>(),
                        slug.len(),
                        super::slug::MAX_NAME_BYTES
                    ),
                    "name the muscle or region in a few words, e.g. \"lower back\"",
                );
                continue;
            }
            match seen.iter().find(|(s, _)| *s == slug) {
                None => {
                    seen.push((slug, name.clone()));
                    kept.push(name);
                    target_spans.push(target.span.clone());
                }
                Some((_, first))
                    if super::slug::fold_case(first) == super::slug::fold_case(&name) => {}
                Some((_, first)) => {
                    let message = format!(
                        "targets \"{first}\" and \"{name}\" both make the term page targets/{slug}/"
                    );
                    fields.error_at(
                        target.span.clone(),
                        message,
                        "terms that differ only in case are one term; write one spelling, or make them differ in letters or digits",
                    );
                }
            }
        }
        let targets = kept;
        let (Some(cautions), Some(position), Some(hold), Some(cue)) =
            (cautions, position, hold, cue)
        else {
            return Err(image);
        };
        let cautions: Vec<String> = cautions.value.into_iter().map(|c| c.value).collect();
        if targets.is_empty() || cautions.is_empty() {
            return Err(image);
        }
        Ok(Stretch {
            meta,
            position,
            hold,
            sides,
            reps,
            targets,
            target_spans,
            cautions,
            cue: cue.value,
            summary,
            image,
        })
    }

    /// The main caution, printed on the handout.
    pub fn main_caution(&self) -> &str {
        self.cautions.first().map_or("", String::as_str)
    }
}
