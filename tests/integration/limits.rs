//! The content limits of SPEC §1 are exact: every text at its limit builds,
//! one character (or entry) more is an error at the value. Lengths count
//! characters, not bytes: the texts here are multi-byte.

use super::support::{TestSite, page, quoted, routine, stretch};

/// A TOML list of `n` strings of `len` copies of `c`.
fn list(n: usize, c: char, len: usize) -> String {
    let items: Vec<String> = (0..n).map(|_| quoted(c, len)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML list of `n` distinct short strings.
fn distinct(n: usize, prefix: &str) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("\"{prefix} {i}\"")).collect();
    format!("[{}]", items.join(", "))
}

#[test]
fn every_text_at_its_limit_builds() {
    let site = TestSite::new("minimal");
    // A worst-case stretch: every limit reached, in two-byte characters.
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[
            ("title", Some(&quoted('é', 48))),
            ("cue", Some(&quoted('é', 100))),
            ("summary", Some(&quoted('é', 200))),
            ("targets", Some(&distinct(6, "Target"))),
            (
                "cautions",
                Some(&format!(
                    "[{}, {}]",
                    quoted('é', 80),
                    list(5, 'ü', 160).trim_matches(['[', ']'])
                )),
            ),
            ("reps", Some("50")),
            ("slug", Some("\"knee-hug\"")),
        ]),
    );
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        &stretch(&[("reps", Some("1")), ("title", Some("\"Pelvic tilt\""))]),
    );
    for i in 3..=6 {
        site.write(
            &format!("content/stretches/0{i}-extra-{i}.md"),
            &stretch(&[("title", Some(&format!("\"Extra {i}\"")))]),
        );
    }
    site.write(
        "content/routines/morning.md",
        &routine(&[
            ("title", Some(&quoted('ß', 60))),
            ("stretches", Some("[\"knee-hug\", \"pelvic-tilt\", \"extra-3\", \"extra-4\", \"extra-5\", \"extra-6\"]")),
        ]),
    );
    site.write(
        "content/when-to-get-help.md",
        &page(&[
            ("role", Some("\"red-flags\"")),
            ("handout_points", Some(&list(6, '€', 80))),
        ]),
    );
    site.write(
        "content/before-you-start.md",
        &page(&[
            ("title", Some("\"Before\"")),
            ("role", Some("\"preparation\"")),
            ("handout_points", Some(&list(4, 'ö', 80))),
        ]),
    );
    let run = site.build(&[]).success();
    assert!(run.stderr.is_empty(), "{run}");
    let handout = site.read("public/handout/index.html");
    assert!(
        handout.contains(&"é".repeat(100)),
        "the cue is printed whole"
    );
    assert!(handout.contains("6 stretches"), "{handout}");
}

#[test]
fn a_limit_counts_the_text_a_reader_sees_not_the_line_end_of_a_block() {
    // YAML's `>` block ends its text with a line break, a TOML multi-line
    // string with its closing quotes on their own line too, and a quoted
    // value may have spaces around it: none of them is read.
    let site = TestSite::new("minimal");
    let file = "content/stretches/01-knee-hug.md";
    let cue = "é".repeat(100);
    let caution = "ö".repeat(80);
    let toml = format!(
        "+++\ntitle = \"  Knee hug  \"\nposition = \"supine\"\nhold = \"20-30 s\"\nsides = \"each\"\ntargets = [\"Lower back\"]\ncautions = [\" {caution} \"]\ncue = \"\"\"\n{cue}\n\"\"\"\n+++\n\nBody.\n"
    );
    site.write(file, &toml);
    let run = site.build(&[]).success();
    assert!(!run.stderr.contains("characters long"), "{run}");
    let yaml = |cue: &str| {
        format!(
            "---\ntitle: Knee hug\nposition: supine\nhold: 20-30 s\nsides: each\ntargets: [Lower back]\ncautions: [\"{caution}\"]\ncue: >\n  {cue}\n---\n\nBody.\n"
        )
    };
    site.write(file, &yaml(&cue));
    let run = site.build(&[]).success();
    assert!(!run.stderr.contains("characters long"), "{run}");
    // One more visible character is still one too many.
    site.write(file, &yaml(&format!("{cue}x")));
    let run = site.build(&[]).failure();
    run.diagnostic("`cue` is 101 characters long; the limit is 100");

    // A letter written as a letter and a combining mark (`e` + U+0301, as
    // text pasted from a Mac often is) is one character.
    let title = "e\u{301}".repeat(48);
    site.write(file, &stretch(&[("title", Some(&format!("\"{title}\"")))]));
    site.build(&[]).success();
    site.write(
        file,
        &stretch(&[("title", Some(&format!("\"{title}e\u{301}\"")))]),
    );
    site.build(&[])
        .failure()
        .diagnostic("`title` is 49 characters long; the limit is 48");
}

#[test]
fn a_file_name_slugs_the_same_however_its_letters_are_stored() {
    // macOS stores `Ü` in a file name as `U` and a combining mark: the same
    // name makes the same page either way.
    for stem in ["07-U\u{308}bung", "07-Übung"] {
        let site = TestSite::new("minimal");
        site.write(
            &format!("content/{stem}.md"),
            "+++\ntitle = \"Übung\"\n+++\n\nText.\n",
        );
        site.build(&[]).success();
        assert!(site.exists("public/bung/index.html"), "{stem}");
    }
}

#[test]
fn one_more_than_each_stretch_limit_is_an_error_at_the_value() {
    let site = TestSite::new("minimal");
    let over: Vec<(&str, String, &str)> = vec![
        (
            "title",
            quoted('é', 49),
            "`title` is 49 characters long; the limit is 48",
        ),
        (
            "cue",
            quoted('é', 101),
            "`cue` is 101 characters long; the limit is 100",
        ),
        (
            "summary",
            quoted('é', 201),
            "`summary` is 201 characters long; the limit is 200",
        ),
        (
            "cautions",
            format!("[{}]", quoted('é', 81)),
            "the main caution (the first of `cautions`) is 81 characters long; the limit is 80",
        ),
        (
            "cautions",
            format!("[\"Short.\", {}]", quoted('é', 161)),
            "`cautions` is 161 characters long; the limit is 160",
        ),
        (
            "cautions",
            "[]".to_string(),
            "`cautions` has 0 entries; it takes 1 to 6",
        ),
        (
            "cautions",
            distinct(7, "Careful"),
            "`cautions` has 7 entries; it takes 1 to 6",
        ),
        (
            "targets",
            "[]".to_string(),
            "`targets` has 0 entries; it takes 1 to 6",
        ),
        (
            "targets",
            distinct(7, "Target"),
            "`targets` has 7 entries; it takes 1 to 6",
        ),
        (
            "reps",
            "0".to_string(),
            "`reps` is 0; it must be from 1 to 50",
        ),
        (
            "reps",
            "51".to_string(),
            "`reps` is 51; it must be from 1 to 50",
        ),
    ];
    for (i, (key, value, _)) in over.iter().enumerate() {
        site.write(
            &format!("content/stretches/{:02}-over-{i}.md", 10 + i),
            &stretch(&[(key, Some(value))]),
        );
    }
    let run = site.build(&[]).failure();
    for (i, (key, value, message)) in over.iter().enumerate() {
        let d = run.diagnostic(message);
        let file = format!("content/stretches/{:02}-over-{i}.md", 10 + i);
        assert!(d.contains(&format!(" --> {file}:")), "{message}: {d}");
        // The value is underlined (for lists: the list, or the entry at fault).
        let line = stretch(&[(key, Some(value))])
            .lines()
            .position(|l| l.starts_with(&format!("{key} = ")))
            .unwrap()
            + 1;
        assert!(
            d.contains(&format!("{file}:{line}:")),
            "{message} not on line {line}: {d}"
        );
        assert!(d.contains("^"), "{d}");
        assert!(d.contains("help: "), "{d}");
    }
    assert_eq!(run.errors(), over.len(), "one error per file: {run}");
}

#[test]
fn routine_limits() {
    let site = TestSite::new("minimal");
    site.write(
        "content/routines/10-long.md",
        &routine(&[("title", Some(&quoted('ß', 61)))]),
    );
    site.write(
        "content/routines/11-none.md",
        &routine(&[("stretches", Some("[]"))]),
    );
    site.write(
        "content/routines/12-seven.md",
        &routine(&[(
            "stretches",
            Some("[\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\"]"),
        )]),
    );
    site.write(
        "content/routines/13-twice.md",
        &routine(&[(
            "stretches",
            Some("[\"knee-hug\", \"pelvic-tilt\", \"knee-hug\"]"),
        )]),
    );
    site.write(
        "content/routines/14-missing.md",
        &routine(&[("stretches", None)]),
    );
    site.write(
        "content/routines/15-date.md",
        &routine(&[("updated", Some("\"23 Nov 2026\""))]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`title` is 61 characters long; the limit is 60");
    let d = run.diagnostic("`stretches` has 0 entries; it takes 1 to 6");
    assert!(d.contains("content/routines/11-none.md:3:"), "{d}");
    run.diagnostic("`stretches` has 7 entries; it takes 1 to 6");
    let d = run.diagnostic("stretch `knee-hug` is listed twice in `stretches`");
    assert!(
        d.contains("content/routines/13-twice.md:3:41\n"),
        "the second mention: {d}"
    );
    let d = run.diagnostic("missing required key `stretches` in front matter");
    assert!(d.contains("content/routines/14-missing.md:3:1\n"), "{d}");
    run.diagnostic("`updated` is \"23 Nov 2026\", which is not a date");
}

#[test]
fn handout_point_limits() {
    let site = TestSite::new("minimal");
    site.write(
        "content/when-to-get-help.md",
        &page(&[
            ("role", Some("\"red-flags\"")),
            ("handout_points", Some(&list(7, '€', 10))),
        ]),
    );
    site.write(
        "content/before-you-start.md",
        &page(&[
            ("role", Some("\"preparation\"")),
            ("handout_points", Some(&list(5, 'ö', 10))),
        ]),
    );
    site.write(
        "content/breathing.md",
        &page(&[
            ("role", Some("\"preparation\"")),
            ("handout_points", Some(&list(1, 'ö', 81))),
        ]),
    );
    site.write(
        "content/plain.md",
        &page(&[("handout_points", Some("[\"A point.\"]"))]),
    );
    for name in ["prep-a", "prep-b"] {
        site.write(
            &format!("content/{name}.md"),
            &page(&[
                ("role", Some("\"preparation\"")),
                ("handout_points", Some("[\"Breathe.\"]")),
            ]),
        );
    }
    let run = site.build(&[]).failure();
    let d = run.diagnostic("a `red-flags` page takes at most 6 handout points; this one has 7");
    assert!(d.contains("content/when-to-get-help.md:4:"), "{d}");
    run.diagnostic("a `preparation` page takes at most 4 handout points; this one has 5");
    let d = run.diagnostic("`handout_points` is 81 characters long; the limit is 80");
    assert!(d.contains("content/breathing.md:4:"), "{d}");
    let d = run.diagnostic("`handout_points` is only used on a page with a `role`");
    assert!(d.contains("content/plain.md:3:"), "{d}");
    // Four preparation pages, two of them with errors of their own: each
    // after the first (by weight, then slug) is reported in the same run.
    for other in ["breathing", "prep-a", "prep-b"] {
        run.diagnostic(&format!(
            "more than one `preparation` page: content/before-you-start.md and content/{other}.md"
        ));
    }
    assert_eq!(run.errors(), 7, "{run}");
}
