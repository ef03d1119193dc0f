//! Front matter: TOML and YAML, byte-order marks and CRLF, fences, missing
//! and unknown keys — each error at `path:line:column` with the source line,
//! a caret and what is accepted.

use super::support::{TestSite, stretch};

const KNEE: &str = "content/stretches/01-knee-hug.md";

#[test]
fn yaml_crlf_and_bom_files_build_like_toml() {
    let site = TestSite::new("full");
    let crlf = std::fs::read(site.path("content/stretches/02-pelvic-tilt.md")).unwrap();
    assert!(
        crlf.windows(2).any(|w| w == b"\r\n"),
        "the fixture has CRLF line ends"
    );
    let bom = std::fs::read(site.path("content/stretches/03-cat-stretch.md")).unwrap();
    assert!(
        bom.starts_with(b"\xEF\xBB\xBF+++"),
        "the fixture starts with a BOM"
    );
    site.build(&[]).success();

    // YAML with CRLF: every value read, no stray `\r`.
    let tilt = site.read("public/stretches/pelvic-tilt/index.html");
    assert!(tilt.contains("<h1"), "{tilt}");
    assert!(tilt.contains("Pelvic tilt"));
    assert!(tilt.contains("A small rocking of the pelvis."));
    assert!(tilt.contains("<dt>Hold</dt><dd>3–5 s</dd>"), "{tilt}");
    assert!(tilt.contains("<dd>10 times</dd>"));
    assert!(!tilt.contains('\r'), "no carriage return reaches the page");
    assert!(
        tilt.contains("../../images/bed.svg"),
        "the image under static/"
    );
    // TOML with a BOM: the explicit slug and the first key are read.
    let cat = site.read("public/stretches/cat-cow/index.html");
    assert!(cat.contains("Cat–cow on all fours"));
    assert!(!cat.contains('\u{feff}'));
    assert!(
        cat.contains("<dt>Hold</dt><dd>About 30 s, both sides</dd>"),
        "{cat}"
    );
    // YAML flow lists and bare `brief`.
    let press = site.read("public/stretches/prone-press-up/index.html");
    assert!(press.contains("<dt>Hold</dt><dd>Brief</dd>"), "{press}");
    assert!(press.contains("Lying on your front"), "{press}");
}

#[test]
fn errors_in_a_crlf_file_point_at_the_right_line_without_the_carriage_return() {
    let site = TestSite::new("minimal");
    let text = "---\r\ntitle: Knee hug\r\nposition: supine\r\nhold: 20 to 30 minutes\r\ntargets: [Lower back]\r\ncautions: [Stop if it hurts.]\r\ncue: Hug one knee.\r\n---\r\nBody\r\n";
    site.write(KNEE, text);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`hold` is \"20 to 30 minutes\", which is not a hold time");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:4:7\n"),
        "{d}"
    );
    assert!(d.contains("4 | hold: 20 to 30 minutes\n"), "{d}");
    assert!(d.contains("  |       ^^^^^^^^^^^^^^^^\n"), "{d}");
    assert!(!d.contains('\r'));
    assert!(
        d.contains("help: accepted forms: \"30 s\", \"about 30 s\", \"20-30 s\", \"20–30 seconds\", \"up to 30 s\", \"3 to 5 s\", \"brief\""),
        "{d}"
    );
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let site = TestSite::new("minimal");
    let text = format!("\u{feff}{}", stretch(&[("holds", Some("\"30 s\""))]));
    site.write(KNEE, &text);
    let run = site.build(&[]).failure();
    let d = run.diagnostic("unknown key `holds` in front matter");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:8:1\n"),
        "{d}"
    );
    assert!(d.contains("8 | holds = \"30 s\"\n  | ^^^^^\n"), "{d}");
    assert!(
        d.contains("help: did you mean `hold`? Known keys: `title`"),
        "{d}"
    );
}

#[test]
fn unknown_keys_name_the_key_and_suggest_the_closest() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        &stretch(&[
            ("positon", Some("\"supine\"")),
            ("position", None),
            ("colour", Some("\"red\"")),
        ]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("unknown key `positon`");
    assert!(
        d.contains("help: did you mean `position`? It is required, and missing"),
        "{d}"
    );
    let d = run.diagnostic("unknown key `colour`");
    assert!(
        !d.contains("did you mean"),
        "no far-fetched suggestion: {d}"
    );
    assert!(d.contains("known keys: `title`, `slug`, `position`"), "{d}");
    // The missing `position` is the same mistake: not reported again.
    run.stderr_lacks(&["missing required key `position`"]);
    assert_eq!(run.errors(), 2, "{run}");

    // A misspelt key that means one that is there is its own error.
    site.write(KNEE, &stretch(&[("titel", Some("\"Knee hug\""))]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("unknown key `titel`");
    assert!(d.contains("did you mean `title`? Known keys:"), "{d}");
    assert!(d.contains("free-form data goes under `extra`"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_value_of_the_wrong_type_gets_the_line_that_would_do() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        &stretch(&[
            ("title", Some("42")),
            ("reps", Some("\"5\"")),
            ("targets", Some("\"Lower back\"")),
        ]),
    );
    let run = site.build(&[]).failure();
    for (message, help) in [
        (
            "`title` must be text in quotes, found an integer",
            "help: put it in quotes to make it text: `title = \"42\"`",
        ),
        (
            "`reps` must be a whole number, found a string",
            "help: write the number without quotes: `reps = 5`",
        ),
        (
            "`targets` must be a list of text",
            "help: write it as a list, in brackets: `targets = [\"Lower back\"]`",
        ),
    ] {
        let d = run.diagnostic(message);
        assert!(d.contains(help), "lacks {help:?}:\n{d}");
    }
    assert_eq!(run.errors(), 3, "{run}");

    // A number where one of a few names goes: quoting it would not make it
    // one, so the help lists them.
    site.write(
        KNEE,
        &stretch(&[("position", Some("3")), ("sides", Some("[\"each\"]"))]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`position` must be text in quotes, found an integer");
    assert!(
        d.contains("help: write one of \"supine\", \"prone\", \"side-lying\", \"seated\", \"kneeling\", \"standing\", in quotes: `position = \"supine\"`"),
        "{d}"
    );
    let d = run.diagnostic("`sides` must be text in quotes, found a list");
    assert!(
        d.contains(
            "help: write one of \"each\", \"both\", \"none\", in quotes: `sides = \"each\"`"
        ),
        "{d}"
    );
    assert_eq!(run.errors(), 2, "{run}");

    // A whole number written with a decimal point, and a table written as
    // a value, in front matter and in gen.toml.
    site.write(
        KNEE,
        &stretch(&[("reps", Some("3.0")), ("extra", Some("1"))]),
    );
    site.write("gen.toml", "handout = \"a4\"\n");
    let run = site.build(&[]).failure();
    for (message, help) in [
        (
            "`reps` must be a whole number, found a number",
            "help: write it without a decimal point: `reps = 3`",
        ),
        (
            "`extra` must be a table, found an integer",
            "help: write `[extra]` on a line of its own, below the other keys, and its keys on the lines after it",
        ),
        (
            "`handout` must be a table, found a string",
            "help: write `[handout]` on a line of its own",
        ),
    ] {
        let d = run.diagnostic(message);
        assert!(d.contains(help), "lacks {help:?}:\n{d}");
    }
    assert_eq!(run.errors(), 3, "{run}");
    site.remove("gen.toml");

    // An entry of a list: the entry is quoted, the list kept.
    site.write(KNEE, &stretch(&[("targets", Some("[\"Lower back\", 5]"))]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`targets` must be text in quotes, found an integer");
    assert!(
        d.contains("help: put the entry in quotes to make it text: `\"5\"`"),
        "{d}"
    );

    // In YAML front matter, the help is YAML.
    site.write(
        KNEE,
        "---\ntitle: 42\nposition: supine\nhold: 30 s\ntargets: [Lower back]\ncautions: [Stop if it hurts.]\ncue: Lie down and breathe.\n---\nDo the stretch.\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`title` must be text");
    assert!(
        d.contains("help: put it in quotes to make it text: `title: \"42\"`"),
        "{d}"
    );

    // So are the helps that give an example line.
    site.write(KNEE, &stretch(&[]));
    site.write(
        "content/routines/morning.md",
        "---\ntitle: Morning\nstretches: [knee-hug]\nupdated: \"2026-02-30\"\n---\n",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About\nhandout_points: [Sit up slowly.]\n---\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`updated` is \"2026-02-30\", which is not a date");
    assert!(d.contains("e.g. `updated: 2026-11-23`"), "{d}");
    let d = run.diagnostic("`handout_points` is only used on a page with a `role`");
    assert!(
        d.contains("help: add `role: \"preparation\"` or `role: \"red-flags\"`"),
        "{d}"
    );
}

#[test]
fn a_missing_required_key_points_at_the_closing_fence() {
    let site = TestSite::new("minimal");
    site.write(KNEE, &stretch(&[("cue", None)]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("missing required key `cue` in front matter");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:7:1\n"),
        "{d}"
    );
    assert!(d.contains("7 | +++\n  | ^^^\n"), "{d}");
    assert!(d.contains("help: add a line such as `cue = "), "{d}");
    assert_eq!(run.errors(), 1, "one error, no cascade: {run}");

    // In YAML, at the closing `---`.
    site.write(KNEE, "---\ntitle: Knee hug\nposition: supine\nhold: 30 s\ntargets: [Back]\ncautions: [Careful.]\n---\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("missing required key `cue`");
    assert!(d.contains(":7:1\n") && d.contains("7 | ---\n"), "{d}");
}

#[test]
fn front_matter_in_the_other_format_says_which_fences_it_needs() {
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "---\n# About\ntitle = \"About\"\n---\n\nText.\n",
    );
    site.write(
        "content/more.md",
        "+++\n\ntitle: More\ndescription: Some more\n+++\n\nText.\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("front matter must be a table of keys, found a string");
    assert!(d.contains(" --> content/about.md:3:1\n"), "{d}");
    assert!(
        d.contains("help: this is TOML, but its fences are `---`, which hold YAML: write TOML between `+++` fences, or YAML between `---`: `title: About`"),
        "{d}"
    );
    // One error for the YAML, at its first key, not one per line.
    let d = run.diagnostic("this front matter is YAML, but its fences are `+++`, which hold TOML");
    assert!(
        d.contains(" --> content/more.md:3:1\n  |\n3 | title: More\n  | ^^^^^^^^^^^\n"),
        "{d}"
    );
    assert!(
        d.contains("help: write YAML between `---` fences, or TOML between `+++`"),
        "{d}"
    );
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn yaml_anchors_aliases_and_merge_keys_are_each_an_error_at_its_place() {
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "---\ntitle: About\nextra: &a {x: 1}\ndescription: *a\nmore:\n  <<: {y: 2}\n---\n\nText.\n",
    );
    let run = site.build(&[]).failure();
    for (message, at, caret) in [
        (
            "YAML anchors (`&name`)",
            "3:8",
            "3 | extra: &a {x: 1}\n  |        ^^\n",
        ),
        (
            "YAML aliases (`*name`)",
            "4:14",
            "4 | description: *a\n  |              ^^\n",
        ),
        (
            "YAML merge keys (`<<:`)",
            "6:3",
            "6 |   <<: {y: 2}\n  |   ^^\n",
        ),
    ] {
        let d = run.diagnostic(&format!(
            "error: {message} are not supported in front matter"
        ));
        assert!(d.contains(&format!(" --> content/about.md:{at}\n")), "{d}");
        assert!(d.contains(caret), "{d}");
        assert!(
            d.contains("help: write the value out in full where it is used"),
            "{d}"
        );
    }
    assert_eq!(run.errors(), 3, "{run}");
}

#[test]
fn malformed_fences_are_errors() {
    let site = TestSite::new("minimal");
    site.write(KNEE, "++++\ntitle = \"Knee hug\"\n++++\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("malformed front-matter fence `++++`");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:1:1\n  |\n1 | ++++\n  | ^^^^\n"),
        "{d}"
    );
    assert!(
        d.contains(
            "help: open the front matter with a line of exactly `+++` (TOML) or `---` (YAML)"
        ),
        "{d}"
    );

    // After blank lines, which are skipped before a fence, it is the same
    // error, at its own line; the page was read as one without front
    // matter, its fences and keys shown as text.
    site.write(
        "content/about.md",
        "\n\n++++\ntitle = \"About\"\n++++\n\nBody.\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("malformed front-matter fence `++++`");
    assert!(
        d.contains(" --> content/about.md:3:1\n  |\n3 | ++++\n  | ^^^^\n"),
        "{d}"
    );
    site.remove("content/about.md");

    site.write(KNEE, &stretch(&[]).replacen("\n+++\n", "\n++++\n", 1));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("malformed front-matter fence `++++`");
    assert!(d.contains(":8:1\n"), "{d}");
    assert!(
        d.contains("help: close the front matter with a line of exactly `+++`"),
        "{d}"
    );
}

#[test]
fn an_unclosed_fence_is_an_error_at_the_opening_fence() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "+++\ntitle = \"Knee hug\"\nposition = \"supine\"\n\nThe body.\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("front matter is never closed");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:1:1\n  |\n1 | +++\n  | ^^^\n"),
        "{d}"
    );
    assert!(
        d.contains("help: add a line of exactly `+++` after the last key"),
        "{d}"
    );

    site.write(KNEE, "---\ntitle: Knee hug\n");
    let run = site.build(&[]).failure();
    run.diagnostic("front matter is never closed");
    run.stderr_has(&["exactly `---`"]);
}

/// YAML's end-of-document line `...` is not a closing fence (nor is it in Hugo): the
/// error points at it, not at the opening fence, and an indented `...` in a block of
/// text is text.
#[test]
fn yaml_document_end_is_an_error_at_its_line() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "---\ntitle: Knee hug\nposition: supine\nhold: 30 s\ntargets: [Lower back]\n\
         cautions: [Stop.]\ncue: |\n  Lie down.\n  ...\n...\nThe body.\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`...` ends a YAML document, not the front matter");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:10:1\n   |\n10 | ...\n   | ^^^\n"),
        "{d}"
    );
    assert!(
        d.contains("help: close the front matter with a line of exactly `---`"),
        "{d}"
    );
    run.stderr_has(&["Build failed: 1 error."]);
}

/// A `...` before the closing `---` is valid YAML, as in Hugo: the file builds.
/// Before the fix the `...` was an error even with the `---` after it.
#[test]
fn yaml_document_end_before_the_closing_fence_is_valid() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "---\ntitle: Knee hug ends\nposition: supine\nhold: 30 s\ntargets: [Lower back]\n\
         cautions: [Stop.]\ncue: Lie down.\n...\n---\nThe body.\n",
    );
    let run = site.build(&[]).success();
    run.stderr_lacks(&["error:"]);
    let html = site.read("public/stretches/knee-hug/index.html");
    assert!(html.contains("Knee hug ends") && html.contains("The body."));
}

#[test]
fn a_stretch_or_routine_without_front_matter_is_an_error_a_page_is_not() {
    let site = TestSite::new("minimal");
    site.write(KNEE, "# Knee hug\n\nJust a body.\n");
    site.write("content/routines/evening.md", "An evening routine.\n");
    site.write("content/02-about-us.md", "About us.\n");
    site.write("content/_index.md", "Welcome to the **site**.\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("content/stretches/01-knee-hug.md has no front matter");
    assert!(d.contains("a stretch needs at least a `title`"), "{d}");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:1:1\n"),
        "{d}"
    );
    assert!(d.contains("help: start the file with a `+++` line"), "{d}");
    let d = run.diagnostic("content/routines/evening.md has no front matter");
    // A routine's title may come from its file name; its stretches may not.
    assert!(d.contains("a routine needs at least `stretches`"), "{d}");
    assert!(
        d.contains("help: start the file with a `+++` line, `stretches = [\"…\"]`"),
        "{d}"
    );
    assert!(!d.contains("`title`"), "{d}");
    assert!(!run.stderr.contains("about-us"), "{run}");
    assert!(!run.stderr.contains("_index.md"), "{run}");
    assert!(
        !run.stderr.contains("knee-hug`, which is not a stretch"),
        "no cascade: {run}"
    );
    assert_eq!(run.errors(), 2, "{run}");

    // Pages (and the home page) need no front matter: the title comes
    // from the file name.
    site.write(KNEE, &stretch(&[("title", Some("\"Knee hug\""))]));
    site.remove("content/routines/evening.md");
    site.build(&[]).success();
    assert!(
        site.read("public/index.html")
            .contains("Welcome to the <strong>site</strong>.")
    );
    let about = site.read("public/about-us/index.html");
    assert!(
        about.contains("<h1 id=\"page-title\">About us</h1>"),
        "{about}"
    );
}

#[test]
fn a_page_or_routine_without_a_title_takes_one_from_its_file_name() {
    let site = TestSite::new("minimal");
    let routine = site.read("content/routines/morning.md");
    let without: String = routine
        .lines()
        .filter(|line| !line.starts_with("title"))
        .map(|line| format!("{line}\n"))
        .collect();
    site.write("content/routines/morning.md", &without);
    site.write(
        "content/notes_for-carers.md",
        "+++\nweight = 3\n+++\n\nNotes.\n",
    );
    site.build(&[]).success();
    assert!(
        site.read("public/routines/morning/index.html")
            .contains(">Morning</h1>")
    );
    assert!(
        site.read("public/notes-for-carers/index.html")
            .contains(">Notes for carers</h1>")
    );
    // Digits that begin a word stay in the title; the slug drops them, as
    // the slug rule says.
    site.write("content/04-12th-rib-notes.md", "Notes.\n");
    site.build(&[]).success();
    assert!(
        site.read("public/th-rib-notes/index.html")
            .contains(">12th rib notes</h1>")
    );
    site.remove("content/04-12th-rib-notes.md");

    // A title is still checked when given.
    site.write("content/notes_for-carers.md", "+++\ntitle = \"\"\n+++\n");
    site.build(&[]).failure().stderr_has(&["`title` is empty"]);
    site.write(
        "content/notes_for-carers.md",
        "+++\nweight = 3\n+++\n\nNotes.\n",
    );

    // A title from a file name keeps the limit of 60 characters of a
    // routine's title, and says so.
    let long = format!("content/routines/{}.md", "longword-".repeat(8));
    site.write(&long, "+++\nstretches = [\"knee-hug\"]\n+++\n");
    let run = site.build(&[]).failure();
    let d =
        run.diagnostic("the title taken from the file name is 71 characters, over the limit of 60");
    assert!(
        d.contains(&format!(" --> {long}:3:1\n")),
        "at the closing fence: {d}"
    );
    assert!(d.contains("help: set a shorter `title`, e.g. `title = \"Morning routine\"`, or shorten the file name"), "{d}");
    run.stderr_lacks(&["missing required key"]);
    assert_eq!(run.errors(), 1, "{run}");
    site.replace(&long, "+++\nstretches", "+++\ntitle = \"Long\"\nstretches");
    site.build(&[]).success();

    // A file name that gives no title gives no slug either: one error.
    site.write("content/07.md", "Notes.\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("content/07.md gives an empty slug");
    assert!(d.contains("or set `title` and `slug`"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    // With a `slug`, the missing title is the one error, at the closing fence.
    site.write("content/07.md", "+++\nslug = \"notes\"\n+++\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("the file name 07.md gives no title");
    assert!(d.contains(" --> content/07.md:3:1\n"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn an_empty_file_or_empty_front_matter_is_an_error_not_a_crash() {
    let site = TestSite::new("minimal");
    site.write(KNEE, "");
    site.write("content/stretches/02-pelvic-tilt.md", "+++\n+++\n");
    site.write("content/_index.md", "");
    let run = site.build(&[]).failure();
    run.diagnostic("content/stretches/01-knee-hug.md has no front matter");
    // Empty front matter: each missing key at the closing fence (line 2).
    for key in ["title", "position", "hold", "targets", "cautions", "cue"] {
        let d = run.diagnostic(&format!("missing required key `{key}` in front matter"));
        assert!(
            d.contains(" --> content/stretches/02-pelvic-tilt.md:2:1\n"),
            "{d}"
        );
    }
}

#[test]
fn invalid_toml_and_yaml_are_errors_with_positions() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "+++\ntitle = \"Knee hug\nposition = \"supine\"\n+++\n",
    );
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        "---\ntitle: Tilt\ntargets: [a, b\n---\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("invalid TOML");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:2:"),
        "{d}"
    );
    assert!(d.contains("help: see https://toml.io"), "{d}");
    let d = run.diagnostic("invalid YAML");
    assert!(
        d.contains(" --> content/stretches/02-pelvic-tilt.md:"),
        "{d}"
    );
}

#[test]
fn wrong_types_name_the_key_and_what_was_found() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        &stretch(&[
            ("reps", Some("\"ten\"")),
            ("targets", Some("\"Lower back\"")),
            ("draft", Some("\"no\"")),
        ]),
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: `reps` must be a whole number, found a string",
        "error: `targets` must be a list of text, like `[\"a\", \"b\"]`, found a string",
        "error: `draft` must be `true` or `false`, found a string",
    ]);
}

/// `yes`, `no`, `on` and `off` were booleans in YAML 1.1 (and in older Hugo): where a
/// boolean belongs, the error says how to write the one meant, in the file's own syntax.
#[test]
fn yes_and_no_for_a_boolean_get_the_boolean_meant() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "---\ntitle: Knee hug\nposition: supine\nhold: 30 s\ntargets: [Lower back]\n\
         cautions: [Stop.]\ncue: Lie down.\ndraft: no\n---\nBody\n",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\ndraft = \"Yes\"\n+++\nAbout us.\n",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        " --> content/stretches/01-knee-hug.md:8:8\n  |\n8 | draft: no\n  |        ^^\n  = help: write `draft: false`, without quotes: `no` is text here",
        " --> content/about.md:3:9\n  |\n3 | draft = \"Yes\"\n  |         ^^^^^\n  = help: write `draft = true`, without quotes: `Yes` is text here",
    ]);
    // Any other text gets no guess.
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\ndraft = \"soon\"\n+++\nAbout us.\n",
    );
    site.write(KNEE, &stretch(&[]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`draft` must be `true` or `false`, found a string");
    assert!(!d.contains("help:"), "{d}");
}

#[test]
fn bad_hold_and_position_show_what_is_accepted() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        &stretch(&[
            ("hold", Some("\"30 to 20 s\"")),
            ("position", Some("\"Side lying\"")),
        ]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`hold` is \"30 to 20 s\", which is not a hold time");
    assert!(
        d.contains(":4:8\n  |\n4 | hold = \"30 to 20 s\"\n  |        ^^^^^^^^^^^^\n"),
        "{d}"
    );
    assert!(d.contains("\"about 30 s\""), "{d}");
    let d = run.diagnostic("`position` is `Side lying`, which is not accepted");
    assert!(d.contains(":3:12\n"), "{d}");
    assert!(
        d.contains("help: did you mean `side-lying`? accepted: `supine`, `prone`, `side-lying`, `seated`, `kneeling`, `standing`"),
        "{d}"
    );
}

#[test]
fn every_accepted_hold_form_builds() {
    let site = TestSite::new("minimal");
    let forms = [
        ("30 s", "30 s"),
        ("about 30 s", "About 30 s"),
        ("20-30 s", "20–30 s"),
        ("20–30 seconds", "20–30 s"),
        ("up to 30 s", "Up to 30 s"),
        ("3 to 5 s", "3–5 s"),
        ("brief", "Brief"),
    ];
    for (i, (form, _)) in forms.iter().enumerate() {
        site.write(
            &format!("content/stretches/1{i}-hold-{i}.md"),
            &stretch(&[
                ("title", Some(&format!("\"Hold {i}\""))),
                ("hold", Some(&format!("\"{form}\""))),
            ]),
        );
    }
    site.build(&[]).success();
    for (i, (form, shown)) in forms.iter().enumerate() {
        let html = site.read(&format!("public/stretches/hold-{i}/index.html"));
        let dose = format!("<dt>Hold</dt><dd>{shown}</dd>");
        assert!(html.contains(&dose), "{form}: lacks {dose}");
    }
}

#[test]
fn a_toml_date_is_a_date_only_where_a_date_is_taken() {
    // `updated` takes a TOML date or a string; text keys take text, so an
    // unquoted date there is a type error (it was taken as the text).
    let site = TestSite::new("minimal");
    site.replace(
        "content/routines/morning.md",
        "title = \"Morning routine\"",
        "title = \"Morning routine\"\nupdated = 2026-11-23",
    );
    site.build(&[]).success();
    assert!(
        site.read("public/handout/index.html")
            .contains("<time datetime=\"2026-11-23\">"),
    );
    // A date and time, as Zola and Hugo take it, is taken as its date.
    site.replace(
        "content/routines/morning.md",
        "updated = 2026-11-23",
        "updated = 2026-11-24T08:30:00+01:00",
    );
    site.build(&[]).success();
    assert!(
        site.read("public/handout/index.html")
            .contains("<time datetime=\"2026-11-24\">"),
    );

    site.replace(
        "content/stretches/01-knee-hug.md",
        "title = \"Knee hug\"",
        "title = 2026-11-23",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`title` must be text in quotes, found a date");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:2:9"),
        "{d}"
    );
}

#[test]
fn yaml_files_get_their_examples_in_yaml() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "---\nposition: supine\nhold: 20-30 s\ntargets: [Hips]\ncautions: [Go slowly.]\ncue: Hug one knee.\n---\n\nBody.\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("missing required key `title` in front matter");
    assert!(
        d.contains("add a line such as `title: \"Knee-to-Chest Pull\"`"),
        "{d}"
    );

    // TOML files keep TOML examples.
    site.write(KNEE, &stretch(&[("title", None)]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("missing required key `title` in front matter");
    assert!(
        d.contains("add a line such as `title = \"Knee-to-Chest Pull\"`"),
        "{d}"
    );
}

#[test]
fn a_hold_written_as_a_bare_number_asks_for_its_unit() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        "---\ntitle: Knee hug\nposition: supine\nhold: 30\ntargets: [Lower back]\n\
         cautions: [Stop.]\ncue: Lie down.\n---\nBody\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`hold` is the number 30, without a unit");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:4:7"),
        "{d}"
    );
    assert!(d.contains("e.g. `hold: \"30 s\"`"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    // Another key that takes text, given a number in YAML: what to write.
    site.write(
        "content/stretches/01-knee-hug.md",
        "---\ntitle: 1984\nposition: supine\nhold: 30 s\ntargets: [Lower back]\n\
         cautions: [Stop.]\ncue: Lie down.\n---\nBody\n",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`title` must be text (in YAML, put a value that reads as a number, a date or true/false in quotes), found an integer");
    // Given a list or nothing, the quotes are not the way out.
    site.write(
        "content/stretches/01-knee-hug.md",
        "---\ntitle: [A, B]\nposition: supine\nhold: 30 s\ntargets: [Lower back]\n\
         cautions: [Stop.]\ncue: ~\n---\nBody\n",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`title` must be text, found a list");
    run.stderr_lacks(&["reads as a number"]);
}

#[test]
fn blank_lines_before_the_front_matter_do_not_turn_it_into_body_text() {
    // Zola and Hugo skip blank lines before the opening fence. Before the
    // fix, a page's front matter after a blank line was printed as its body
    // (`+++ title = …`), and a stretch's was "no front matter".
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "\n\n+++\ntitle = \"About this site\"\n+++\nWho we are.\n",
    );
    site.write(
        "content/contact.md",
        "\r\n\u{feff}---\r\ntitle: How to reach us\r\n---\r\nWrite to us.\r\n",
    );
    let knee = site.read(KNEE);
    site.write(KNEE, &format!("\n{knee}"));
    site.build(&[]).success();
    let about = site.read("public/about/index.html");
    assert!(
        about.contains("<h1 id=\"page-title\">About this site</h1>"),
        "{about}"
    );
    assert!(!about.contains("+++"), "{about}");
    let contact = site.read("public/contact/index.html");
    assert!(
        contact.contains("<h1 id=\"page-title\">How to reach us</h1>"),
        "{contact}"
    );
    assert!(
        site.read("public/stretches/knee-hug/index.html")
            .contains("Knee hug")
    );

    // Positions still count from the first line of the file.
    site.write(KNEE, &format!("\n{}", knee.replace("20-30 s", "a while")));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`hold` is \"a while\"");
    assert!(
        d.contains(" --> content/stretches/01-knee-hug.md:5:8\n"),
        "{d}"
    );
}

#[test]
fn a_yaml_key_given_twice_is_pointed_at_like_a_toml_one() {
    // Before the fix the caret stood under the second value (under a whole
    // nested table for `extra:`), with a help about YAML syntax in general.
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "---\ntitle: About\nextra:\n  a: 1\nweight: 2\nextra:\n  b: 2\n---\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("key `extra` is given twice");
    assert!(
        d.contains(" --> content/about.md:6:1\n  |\n6 | extra:\n  | ^^^^^\n"),
        "{d}"
    );
    assert!(d.contains("help: give each key once"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
}

/// The diagnostic (from its `error:` line to the next) that holds `needle`
/// on any of its lines.
fn diagnostic_with(run: &super::support::Run, needle: &str) -> String {
    run.stderr
        .split("\nerror: ")
        .find(|block| block.contains(needle))
        .unwrap_or_else(|| panic!("no diagnostic with {needle:?}\n{run}"))
        .to_string()
}

/// The quoted source line (line 2) of the diagnostic that holds `needle`,
/// and the caret line under it.
fn caret_under(run: &super::support::Run, needle: &str) -> (String, String) {
    let d = diagnostic_with(run, needle);
    let lines: Vec<&str> = d.lines().collect();
    let quoted = lines
        .iter()
        .position(|l| l.starts_with("2 | "))
        .unwrap_or(0);
    (
        lines[quoted].to_string(),
        lines.get(quoted + 1).unwrap_or(&"").to_string(),
    )
}

#[test]
fn the_caret_stands_under_the_error_after_marks_joiners_and_escapes() {
    // The same TOML error, after characters a terminal shows in fewer or
    // more cells than one: the caret was one cell out for each combining
    // mark and zero-width character before it, five for a C1 control (shown
    // as `\u{85}`), and a right-to-left override turned the quoted line
    // around in a terminal that honours it.
    let site = TestSite::new("minimal");
    let cases = [
        ("a", "e\u{301}e\u{301}"),
        ("b", "\u{85}"),
        ("c", "\u{200b}\u{200d}x"),
        ("d", "\u{202e}abc"),
        ("e", "\u{1F468}\u{200D}\u{1F469}\u{1F680}"),
        ("f", "\u{feff}x"),
    ];
    for (name, inside) in cases {
        site.write(
            &format!("content/{name}.md"),
            &format!("+++\ntitle = \"{inside}\" oops\n+++\n"),
        );
    }
    let run = site.build(&[]).failure();
    let expected = [
        ("a", "2 | title = \"e\u{301}e\u{301}\" oops", 13),
        ("b", "2 | title = \"\\u{85}\" oops", 17),
        ("c", "2 | title = \"\u{200b}\u{200d}x\" oops", 12),
        ("d", "2 | title = \"\\u{202e}abc\" oops", 22),
        (
            "e",
            "2 | title = \"\u{1F468}\u{200D}\u{1F469}\u{1F680}\" oops",
            15,
        ),
        ("f", "2 | title = \"\\u{feff}x\" oops", 20),
    ];
    for (name, quoted, cell) in expected {
        let (line, caret) = caret_under(&run, &format!("content/{name}.md:2:"));
        assert_eq!(line, quoted, "{name}");
        // `  | ` and then the caret under `o` of `oops`.
        assert_eq!(caret, format!("  | {}^", " ".repeat(cell)), "{name}: {run}");
    }
}

#[test]
fn an_error_at_a_crlf_line_end_or_the_end_of_the_file_is_on_a_line_of_it() {
    // A string left open at a CRLF line end was placed one column past the
    // line's end (the CR counted); a block left open at the end of a file
    // that ends its last line, on a line after the last.
    let site = TestSite::new("minimal");
    site.write(
        "content/a.md",
        "+++\r\ntitle = \"open\r\nweight = 1\r\n+++\r\n",
    );
    site.write(
        "templates/partials/footer.html",
        "<footer>\n{% if site.title %}\n</footer>\n",
    );
    let run = site.build(&[]).failure();
    let d = diagnostic_with(&run, "content/a.md:2:");
    assert!(d.contains(" --> content/a.md:2:14\n"), "{d}");
    assert!(
        d.contains("2 | title = \"open\n  |              ^\n"),
        "{d}"
    );
    let d = run.diagnostic("template does not parse");
    assert!(
        d.contains(" --> templates/partials/footer.html:3:10\n"),
        "{d}"
    );
    assert!(d.contains("3 | </footer>\n  |          ^\n"), "{d}");
}

#[test]
fn a_yaml_table_of_many_keys_is_checked() {
    // Each key was compared with every key before it: 300,000 keys under
    // `extra` (a file under 4 MiB) took minutes.
    let site = TestSite::new("minimal");
    let mut text = String::from(
        "---\ntitle: Keys\nposition: supine\nhold: 30 s\ntargets: [Lower back]\ncautions: [Stop if it hurts.]\ncue: Lie down.\nextra:\n",
    );
    for i in 0..300_000 {
        text.push_str(&format!("  k{i}: 1\n"));
    }
    text.push_str("---\n");
    assert!(text.len() < 4 * 1024 * 1024);
    site.write("content/stretches/03-keys.md", &text);
    // No clock here: like every run of the tests, it is stopped after a
    // minute, which the quadratic work this guards against went far past.
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(0), "{run}");
}

#[test]
fn thousands_of_errors_in_one_file_are_all_placed() {
    // Each error was placed by counting the lines from the top of the file:
    // 80,000 unknown keys took minutes.
    let site = TestSite::new("minimal");
    let mut text = String::from("+++\ntitle = \"Keys\"\n");
    for i in 0..80_000 {
        text.push_str(&format!("k{i} = 1\n"));
    }
    text.push_str("+++\n");
    site.write("content/keys.md", &text);
    // No clock here: like every run of the tests, it is stopped after a
    // minute, which the quadratic work this guards against went far past.
    let run = site.run(&["check"]);
    assert_eq!(
        run.code,
        Some(1),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(2000)..]
    );
    assert!(
        run.stderr.contains(" --> content/keys.md:80002:1\n"),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(2000)..]
    );
}

/// A YAML list that breaks a rule is marked whole, as a TOML one is: the caret runs
/// under the flow list to its `]`, and under the first item of a block list.
#[test]
fn a_yaml_list_is_marked_whole() {
    let site = TestSite::new("minimal");
    site.write(
        KNEE,
        "---\ntitle: Knee hug\nposition: supine\nhold: 30 s\n\
         targets: [a, b, c, d, e, f, g]  # seven\ncautions: [Stop.]\ncue: Lie down.\n---\nBody\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`targets` has 7 entries; it takes 1 to 6");
    assert!(
        d.contains(
            "5 | targets: [a, b, c, d, e, f, g]  # seven\n  |          ^^^^^^^^^^^^^^^^^^^^^\n"
        ),
        "{d}"
    );
    site.write(
        KNEE,
        "---\ntitle: Knee hug\nposition: supine\nhold: 30 s\ntargets:\n  - a\n  - b\n  - c\n\
         \x20 - d\n  - e\n  - f\n  - g\ncautions: [Stop.]\ncue: Lie down.\n---\nBody\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`targets` has 7 entries; it takes 1 to 6");
    assert!(d.contains("6 |   - a\n  |   ^^^\n"), "{d}");
}
