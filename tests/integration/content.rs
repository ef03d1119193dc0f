//! The repository's own content: the seed's facts (SPEC §8, issue 3's dose
//! table) and plain language (Flesch–Kincaid grade of every page body ≤ 8).

use std::path::Path;

use bedside::content::{self, Hold, Position, Sides};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_routine_has_the_seeds_stretches_and_doses_in_order() {
    let (content, problems) = content::load(repository(), false);
    assert!(!problems.iter().any(|p| p.is_error()), "{problems:?}");
    let expected = [
        (
            "knee-to-chest",
            Position::Supine,
            Hold::Range(20, 30),
            Sides::Each,
        ),
        (
            "pelvic-tilt",
            Position::Supine,
            Hold::Range(3, 5),
            Sides::None,
        ),
        ("figure-four", Position::Supine, Hold::UpTo(30), Sides::Each),
        (
            "spinal-twist",
            Position::Supine,
            Hold::About(30),
            Sides::Each,
        ),
        ("prone-press-up", Position::Prone, Hold::Brief, Sides::None),
        (
            "side-lying-fetal",
            Position::SideLying,
            Hold::Brief,
            Sides::None,
        ),
    ];
    assert_eq!(content.stretches.len(), expected.len());
    for (stretch, (slug, position, hold, sides)) in content.stretches.iter().zip(expected) {
        assert_eq!(stretch.meta.slug, slug);
        assert_eq!(stretch.position, position, "{slug}");
        assert_eq!(stretch.hold, hold, "{slug}");
        assert_eq!(stretch.sides, sides, "{slug}");
        assert_eq!(stretch.reps, 1, "{slug}: the seed gives no repetitions");
        assert!(stretch.image.is_some(), "{slug} has its own illustration");
    }
    assert_eq!(content.routines.len(), 1);
    let order: Vec<&str> = content.routines[0]
        .stretches
        .iter()
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(order, expected.map(|e| e.0));
    let roles: Vec<_> = content.pages.iter().filter_map(|p| p.role).collect();
    assert!(
        roles.contains(&content::Role::Preparation) && roles.contains(&content::Role::RedFlags)
    );
}

#[test]
fn the_red_flags_page_names_every_red_flag_of_the_seed() {
    let (content, _) = content::load(repository(), false);
    let page = content
        .pages
        .iter()
        .find(|p| p.role == Some(content::Role::RedFlags))
        .expect("a red-flags page");
    let text = format!(
        "{} {}",
        page.handout_points.join(" "),
        page.meta.body_text()
    )
    .to_lowercase();
    for flag in [
        "leg", "numb", "weak", "fever", "weight", "bowel", "bladder", "weeks",
    ] {
        assert!(
            text.contains(flag),
            "the red-flags page should mention {flag:?}"
        );
    }
}

/// Words, sentences and syllables of a Markdown body: each heading, list item
/// and paragraph ends a sentence, as do `.`, `!` and `?`.
fn counts(markdown: &str) -> (usize, usize, usize) {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::Start(Tag::Item) => text.push_str(". "),
            _ => {}
        }
    }
    let mut sentences = 0;
    let (mut words, mut syllables) = (0, 0);
    for sentence in text.split(['.', '!', '?', ':', ';']) {
        let in_sentence: Vec<&str> = sentence
            .split(|c: char| c.is_whitespace() || c == '—' || c == '–')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        if in_sentence.is_empty() {
            continue;
        }
        sentences += 1;
        words += in_sentence.len();
        syllables += in_sentence.iter().map(|w| syllables_of(w)).sum::<usize>();
    }
    (words, sentences, syllables)
}

/// Vowel groups, less a silent final `e` (but not `-le`), at least one.
fn syllables_of(word: &str) -> usize {
    let word = word.to_lowercase();
    let chars: Vec<char> = word.chars().collect();
    let vowel = |c: char| "aeiouy".contains(c);
    let mut groups = 0;
    let mut previous = false;
    for &c in &chars {
        let v = vowel(c);
        if v && !previous {
            groups += 1;
        }
        previous = v;
    }
    if word.ends_with('e') && !word.ends_with("le") && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

fn grade(markdown: &str) -> f64 {
    let (words, sentences, syllables) = counts(markdown);
    0.39 * (words as f64 / sentences.max(1) as f64)
        + 11.8 * (syllables as f64 / words.max(1) as f64)
        - 15.59
}

#[test]
fn the_grade_formula_tells_plain_from_dense_text() {
    let plain = "Lie on your back. Bend your knees. Breathe out slowly.";
    let dense = "Notwithstanding considerable interindividual variability, lumbopelvic stabilisation \
                 necessitates coordinated neuromuscular activation encompassing multiple anatomical structures.";
    assert!(grade(plain) < 3.0, "{}", grade(plain));
    assert!(grade(dense) > 12.0, "{}", grade(dense));
    assert_eq!(syllables_of("stretch"), 1);
    assert_eq!(syllables_of("gentle"), 2);
    assert_eq!(syllables_of("breathe"), 1);
}

#[test]
fn every_page_body_reads_at_grade_8_or_below() {
    let (content, problems) = content::load(repository(), true);
    assert!(!problems.iter().any(|p| p.is_error()), "{problems:?}");
    let mut bodies: Vec<(String, String)> = Vec::new();
    if let Some(home) = &content.home {
        bodies.push((
            home.meta.path().display().to_string(),
            home.meta.body_text().to_string(),
        ));
    }
    let metas = content
        .stretches
        .iter()
        .map(|s| &s.meta)
        .chain(content.routines.iter().map(|r| &r.meta))
        .chain(content.pages.iter().map(|p| &p.meta));
    bodies.extend(metas.map(|m| (m.path().display().to_string(), m.body_text().to_string())));
    assert!(
        bodies.len() >= 10,
        "home, 6 stretches, the routine and 2 pages"
    );
    let mut report = Vec::new();
    for (path, body) in &bodies {
        let g = grade(body);
        report.push(format!("{path}: grade {g:.1}"));
        assert!(
            g <= 8.0,
            "{path} reads at grade {g:.1}; the limit is 8 (aim for 6)"
        );
    }
    eprintln!("{}", report.join("\n"));
}
