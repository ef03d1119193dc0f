//! Slugs: the URL names of stretches, routines, pages, taxonomy terms and headings.

/// Makes a slug from free text: lower-cased, each run of characters outside
/// `[a-z0-9]` turned into one `-`, trimmed of `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    let mut add = |c: char| {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    };
    if text.is_ascii() {
        // Most text is ASCII, whose lower case is one table-free step.
        text.bytes()
            .for_each(|b| add(char::from(b.to_ascii_lowercase())));
    } else {
        // A character as a reader sees it: `Ü` written as `U` and a
        // combining mark (as macOS stores file names) is one character
        // outside `[a-z0-9]`, as the single `Ü` is, not a `u` and a mark.
        use unicode_segmentation::UnicodeSegmentation;
        for grapheme in text.graphemes(true) {
            let mut chars = grapheme.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii() => add(c.to_ascii_lowercase()),
                (Some(c), None) => {
                    let mut lower = c.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) => add(l),
                        // `İ` lower-cases to `i` and a combining dot above:
                        // a letter with a mark, outside `[a-z0-9]` as `ü` is.
                        _ => add('-'),
                    }
                }
                _ => add('-'),
            }
        }
    }
    slug
}

/// How many characters `text` has as a reader sees them (what the length
/// limits count): a letter written with combining marks (`e` and U+0301
/// for `é`) is one.
pub fn length(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        use unicode_segmentation::UnicodeSegmentation;
        text.graphemes(true).count()
    }
}

/// The default slug of a content file: its stem without a leading run of
/// digits, `-` and `_` (the ordering prefix), then [`slugify`]. A stem that is
/// all prefix (`01`, `404`) gives an empty slug, which loading reports.
pub fn from_stem(stem: &str) -> String {
    let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    slugify(rest)
}

/// A title made from a file stem, for pages and routines that give none:
/// the leading number dropped, `-` and `_` read as spaces, the first letter
/// upper-cased (`02-before-you-start` → `Before you start`).
pub fn title_from_stem(stem: &str) -> String {
    // The number prefix: runs of digits, `-` and `_`, but not digits that
    // begin a word (`12th-rib`).
    let mut rest = stem;
    loop {
        let after_digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        if after_digits.len() < rest.len()
            && !after_digits.is_empty()
            && !after_digits.starts_with(['-', '_', ' '])
        {
            break;
        }
        let trimmed = after_digits.trim_start_matches(['-', '_']);
        if trimmed.len() == rest.len() {
            break;
        }
        rest = trimmed;
    }
    let words: Vec<&str> = rest
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The longest name a file or folder may have: 255 bytes on the file
/// systems a site is built and served on (ext4, APFS, NTFS). A slug, a term
/// slug or a part of an alias longer than that names a folder that cannot
/// be made, so it is an error where it is written, before anything is.
pub const MAX_NAME_BYTES: usize = 255;

/// Whether an explicit slug matches `^[a-z0-9]+(-[a-z0-9]+)*$`.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A term as compared for sameness: lower case, runs of white space as one
/// space. Terms that differ only in case are one term (SPEC §1).
pub fn fold_case(term: &str) -> String {
    term.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_stems() {
        assert_eq!(title_from_stem("02-before-you-start"), "Before you start");
        assert_eq!(title_from_stem("evening_routine"), "Evening routine");
        assert_eq!(title_from_stem("über-uns"), "Über uns");
        assert_eq!(title_from_stem("12"), "");
        assert_eq!(title_from_stem("12th-rib-notes"), "12th rib notes");
        assert_eq!(title_from_stem("03_12th-rib"), "12th rib");
    }

    #[test]
    fn stem_prefix_is_dropped() {
        assert_eq!(from_stem("01-knee-to-chest"), "knee-to-chest");
        assert_eq!(from_stem("12_Pelvic Tilt"), "pelvic-tilt");
        assert_eq!(from_stem("prone-press-up"), "prone-press-up");
    }

    #[test]
    fn runs_of_other_characters_become_one_dash() {
        assert_eq!(
            slugify("  Figure-Four (Reclined Pigeon)! "),
            "figure-four-reclined-pigeon"
        );
        assert_eq!(slugify("Lower Back"), "lower-back");
        assert_eq!(slugify("HIPS"), "hips");
    }

    #[test]
    fn letters_outside_ascii_are_lower_cased_then_dropped() {
        // The Kelvin sign's lower case is the ASCII `k`; `Ä`'s is not ASCII.
        assert_eq!(slugify("\u{212A}nee Hug"), "knee-hug");
        assert_eq!(slugify("Ärmel-Dehnung"), "rmel-dehnung");
        // `İ` lower-cases to two characters, `i` and a combining dot: one
        // letter outside ASCII, never a dash inside the word.
        assert_eq!(slugify("İstanbul"), "stanbul");
        assert_eq!(slugify("Kadıköy İskelesi"), "kad-k-y-skelesi");
    }

    #[test]
    fn a_letter_with_combining_marks_is_one_character_as_written_whole() {
        // `Ü` as `U` + U+0308 (how macOS stores file names) slugs as the
        // single `Ü` does, and counts once.
        assert_eq!(slugify("U\u{308}bung"), slugify("Übung"));
        assert_eq!(slugify("U\u{308}bung"), "bung");
        assert_eq!(slugify("Cafe\u{301} au lait"), "caf-au-lait");
        assert_eq!(length("e\u{301}".repeat(48).as_str()), 48);
        assert_eq!(length("Übung"), 5);
        assert_eq!(length("plain"), 5);
        // A flag (two regional indicators) is one character too.
        assert_eq!(length("\u{1F1E9}\u{1F1EA}"), 1);
    }

    #[test]
    fn all_prefix_or_symbols_is_empty() {
        assert_eq!(from_stem("01"), "");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn explicit_slug_pattern() {
        assert!(is_valid("knee-to-chest"));
        assert!(is_valid("a1"));
        assert!(!is_valid("Knee"));
        assert!(!is_valid("-a"));
        assert!(!is_valid("a--b"));
        assert!(!is_valid("a/b"));
        assert!(!is_valid(""));
    }
}
