//! Problems that span files (slugs, references, roles), configuration and
//! template errors, every problem in one run, and exit statuses.

use super::support::{TestSite, page, quoted, routine, stretch};

#[test]
fn every_problem_is_reported_in_one_run() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("hold", Some("\"forever\""))]),
    );
    site.write("content/stretches/02-pelvic-tilt.md", "++++\n");
    site.write("content/about.md", &page(&[("weigth", Some("2"))]));
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        " --> content/stretches/01-knee-hug.md:4:8",
        " --> content/stretches/02-pelvic-tilt.md:1:1",
        " --> content/about.md:3:1",
        "did you mean `weight`?",
    ]);
    assert_eq!(
        run.errors(),
        3,
        "three files, three errors, no cascade:\n{run}"
    );
    assert!(
        run.stderr.trim_end().ends_with("Build failed: 3 errors."),
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn a_routine_of_too_many_stretches_still_has_them_checked_against_the_library() {
    let site = TestSite::new("minimal");
    site.write(
        "content/routines/morning.md",
        "+++\ntitle = \"Morning routine\"\nstretches = [\"knee-hug\", \"pelvic-tilt\", \"pelvic-tilt\", \"nope\", \"knee-hug-2\", \"a\", \"b\"]\n+++\n",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`stretches` has 7 entries; it takes 1 to 6");
    run.diagnostic("stretch `pelvic-tilt` is listed twice in `stretches`");
    for slug in ["nope", "knee-hug-2", "a", "b"] {
        run.diagnostic(&format!("routine lists `{slug}`, which is not a stretch"));
    }
    assert_eq!(run.errors(), 6, "{run}");
}

#[test]
fn the_aliases_of_a_file_with_other_errors_are_checked_in_the_same_run() {
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "title = \"Pelvic tilt\"\n",
        "title = \"Pelvic tilt\"\nslug = \"Pelvic Tilt\"\naliases = [\"../../../etc/x/\", \"/old-tilt/\"]\n",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("slug \"Pelvic Tilt\" is not valid");
    let d = run.diagnostic("alias \"../../../etc/x/\" is not a path inside the site");
    assert!(
        d.contains(" --> content/stretches/02-pelvic-tilt.md:4:12\n"),
        "{d}"
    );
    // The routine that lists the file by its name is not failed as well.
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_stretch_with_a_bad_value_still_has_its_image_and_aliases_checked() {
    // One run reports every problem: a hold that is not valid does not hide
    // the missing image, nor an alias that takes a page's path.
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[
            ("hold", Some("\"bad\"")),
            ("image", Some("\"nope.svg\"")),
            ("aliases", Some("[\"/stretches/\"]")),
        ]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`hold` is \"bad\", which is not a hold time");
    run.diagnostic("image \"nope.svg\" is not found");
    run.diagnostic("alias \"/stretches/\" collides with stretches/index.html, the stretch library");
    assert_eq!(run.errors(), 3, "{run}");
}

#[test]
fn a_drafts_aliases_are_checked_without_drafts_too() {
    // As a draft's slug is: a clash is found before the draft is published,
    // and the site does not fail only once it is previewed.
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        &page(&[("aliases", Some("[\"/old/\"]"))]),
    );
    site.write(
        "content/later.md",
        &page(&[
            ("title", Some("\"Later\"")),
            ("draft", Some("true")),
            ("aliases", Some("[\"/old/\", \"/routines/\"]")),
        ]),
    );
    for args in [&[][..], &["--drafts"][..]] {
        let run = site.build(args).failure();
        let d = run.diagnostic("alias \"/old/\" is also an alias of content/about.md");
        assert!(d.contains(" --> content/later.md:"), "{d}");
        run.diagnostic(
            "alias \"/routines/\" collides with routines/index.html, the list of routines",
        );
        assert_eq!(run.errors(), 2, "{run}");
    }
    // Left out, it makes no redirect page.
    site.write(
        "content/later.md",
        &page(&[
            ("title", Some("\"Later\"")),
            ("draft", Some("true")),
            ("aliases", Some("[\"/later-old/\"]")),
        ]),
    );
    site.build(&[]).success();
    assert!(site.exists("public/old/index.html"));
    assert!(!site.exists("public/later-old"));
}

#[test]
fn an_invalid_explicit_slug_suggests_a_valid_one() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("slug", Some("\"Knee Hug!\""))]),
    );
    site.write("content/about.md", &page(&[("slug", Some("\"--\""))]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("slug \"Knee Hug!\" is not valid");
    assert!(d.contains(" --> content/stretches/01-knee-hug.md:8:8\n  |\n8 | slug = \"Knee Hug!\"\n  |        ^^^^^^^^^^^\n"), "{d}");
    assert!(
        d.contains(
            "help: a slug is lower-case letters and digits joined by single dashes: try `knee-hug`"
        ),
        "{d}"
    );
    let d = run.diagnostic("slug \"--\" is not valid");
    assert!(d.contains("e.g. `knee-to-chest`"), "{d}");
    // The stretch is known under the slug it would get: no cascade into the routine.
    assert!(!run.stderr.contains("which is not a stretch"), "{run}");
}

#[test]
fn a_bad_explicit_slug_does_not_cascade_into_routines_that_list_the_file() {
    // The routine lists the stretches by their file names' slugs. Before the
    // fix, an empty `slug`, or an invalid one whose suggestion is another
    // slug, also made the routine fail: "lists `knee-hug`, which is not a
    // stretch", an error that goes away with the real one.
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("slug", Some("\"\""))]),
    );
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        &stretch(&[
            ("title", Some("\"Pelvic tilt\"")),
            ("slug", Some("\"Tilt One!\"")),
        ]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`slug` is empty");
    run.diagnostic("slug \"Tilt One!\" is not valid");
    assert!(!run.stderr.contains("which is not a stretch"), "{run}");
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn an_empty_slug_is_an_error_naming_the_file() {
    let site = TestSite::new("minimal");
    site.write("content/stretches/07.md", &stretch(&[]));
    site.write("content/__.md", &page(&[]));
    site.write("content/404.md", &page(&[]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("content/stretches/07.md gives an empty slug");
    assert!(d.contains(" --> content/stretches/07.md"), "{d}");
    assert!(d.contains("help: rename the file"), "{d}");
    run.diagnostic("content/__.md gives an empty slug");
    run.diagnostic("content/404.md gives an empty slug");
    assert_eq!(run.errors(), 3, "{run}");
}

#[test]
fn duplicate_slugs_name_both_files() {
    let site = TestSite::new("minimal");
    site.write("content/stretches/05-knee-hug.md", &stretch(&[]));
    site.write(
        "content/stretches/06-other.md",
        &stretch(&[("slug", Some("\"pelvic-tilt\""))]),
    );
    site.write("content/a.md", &page(&[("slug", Some("\"about\""))]));
    site.write("content/guides/about.md", &page(&[]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("two stretches have the slug `knee-hug`");
    assert!(
        d.contains("content/stretches/01-knee-hug.md and content/stretches/05-knee-hug.md"),
        "{d}"
    );
    let d = run.diagnostic("two stretches have the slug `pelvic-tilt`");
    assert!(
        d.contains(" --> content/stretches/06-other.md:8:8\n"),
        "at the explicit slug: {d}"
    );
    assert!(d.contains("content/stretches/02-pelvic-tilt.md"), "{d}");
    let d = run.diagnostic("two pages have the slug `about`");
    assert!(
        d.contains("content/a.md") && d.contains("content/guides/about.md"),
        "{d}"
    );
    assert!(
        d.contains("help: rename one file or set a different `slug`"),
        "{d}"
    );
}

#[test]
fn a_draft_stretch_of_a_taken_slug_is_one_error_not_two() {
    // A draft copy of a published stretch (same slug): the duplicate is the
    // error. Before the fix the routine listing the published stretch was
    // also told it "lists `knee-hug`, which is a draft", since the draft,
    // found last, answered for the slug.
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/05-knee-hug.md",
        &stretch(&[("draft", Some("true"))]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("two stretches have the slug `knee-hug`");
    run.stderr_lacks(&["which is a draft"]);
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_file_with_errors_of_its_own_still_has_its_slug_checked() {
    // Every problem in one run: before the fix a file with another error
    // was left out of the slug checks, so the duplicate or reserved slug
    // came up only in the next run, once that error was mended.
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/05-knee-hug.md",
        &stretch(&[("position", Some("\"bed\""))]),
    );
    site.write(
        "content/x.md",
        &page(&[("role", Some("\"nope\"")), ("slug", Some("\"routines\""))]),
    );
    site.write("content/about.md", &page(&[]));
    site.write("content/guides/about.md", &page(&[("weigth", Some("2"))]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("two stretches have the slug `knee-hug`");
    assert!(
        d.contains("content/stretches/01-knee-hug.md and content/stretches/05-knee-hug.md"),
        "{d}"
    );
    let d = run.diagnostic("page slug `routines` of content/x.md");
    assert!(d.contains(" --> content/x.md:4:8\n"), "at the slug: {d}");
    run.diagnostic("two pages have the slug `about`");
    run.diagnostic("`position` is `bed`");
    run.diagnostic("`role` is `nope`");
    run.diagnostic("unknown key `weigth`");
    assert_eq!(run.errors(), 6, "{run}");
}

#[test]
fn a_page_slug_may_not_take_a_generated_path() {
    let site = TestSite::new("minimal");
    for (file, slug) in [
        ("stretches.md", None),
        ("e.md", Some("\"404\"")),
        ("handout.md", None),
        ("b.md", Some("\"positions\"")),
        ("c.md", Some("\"targets\"")),
        ("d.md", Some("\"routines\"")),
    ] {
        site.write(&format!("content/{file}"), &page(&[("slug", slug)]));
    }
    let run = site.build(&[]).failure();
    for slug in [
        "stretches",
        "404",
        "handout",
        "positions",
        "targets",
        "routines",
    ] {
        let d = run.diagnostic(&format!("page slug `{slug}` of content/"));
        assert!(d.contains("collides with a path the site generates"), "{d}");
        assert!(
            d.contains("help: reserved: stretches, routines, positions, targets, handout, 404"),
            "{d}"
        );
    }
    let d = run.diagnostic("page slug `positions` of content/b.md");
    assert!(d.contains(" --> content/b.md:3:8\n"), "at the slug: {d}");
    assert_eq!(run.errors(), 6, "{run}");
}

#[test]
fn a_page_may_share_its_folder_with_static_files() {
    // No file is written twice, so nothing collides: the page and the
    // pictures share `img/`, as in Hugo and Zola.
    let site = TestSite::new("minimal");
    site.write(
        "static/img/bed.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site.write("content/img.md", &page(&[]));
    site.build(&[]).success();
    assert!(site.read("public/img/index.html").contains("<h1"));
    assert!(site.read("public/img/bed.svg").starts_with("<svg"));
    // A static `img/index.html` is the page's own file: an error.
    site.write("static/img/index.html", "<p>mine</p>\n");
    let run = site.build(&[]).failure();
    run.diagnostic("static file static/img/index.html collides with img/index.html");
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_file_name_of_letters_beyond_a_to_z_only_needs_a_slug() {
    let site = TestSite::new("minimal");
    site.write("content/stretches/03-背中.md", &stretch(&[]));
    site.write("content/Ünter Rücken.md", &page(&[]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("content/stretches/03-背中.md gives an empty slug");
    assert!(
        d.contains("its file name has no letters or digits of a–z and 0–9 after the number prefix"),
        "{d}"
    );
    assert!(d.contains("or set `slug`"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    // Other letters are left out: `Ünter Rücken` is `nter-r-cken`.
    site.write(
        "content/stretches/03-背中.md",
        &stretch(&[("slug", Some("\"upper-back\""))]),
    );
    site.build(&[]).success();
    assert!(site.exists("public/nter-r-cken/index.html"));
    assert!(site.exists("public/stretches/upper-back/index.html"));
}

#[test]
fn static_files_and_aliases_may_not_take_a_page_path() {
    let site = TestSite::new("minimal");
    site.write("static/when-to-get-help/index.html", "<p>old</p>\n");
    site.write("static/404.html", "<p>mine</p>\n");
    site.write("static/index.html", "<p>my home</p>\n");
    site.write("static/positions/supine/index.html", "<p>mine</p>\n");
    site.write(
        "content/about.md",
        &page(&[(
            "aliases",
            Some("[\"/stretches/knee-hug/\", \"../up\", \"/old/\"]"),
        )]),
    );
    site.write(
        "content/more.md",
        &page(&[(
            "aliases",
            Some("[\"/targets/lower-back/\", \"routines/morning/handout\", \"/handout/\"]"),
        )]),
    );
    site.write(
        "content/other.md",
        &page(&[("aliases", Some("[\"old\", \"/search?q=x\", \"/a/<b>/\"]"))]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic(
        "static file static/when-to-get-help/index.html collides with when-to-get-help/index.html",
    );
    assert!(
        d.contains("content/when-to-get-help.md"),
        "names the page: {d}"
    );
    run.diagnostic("static file static/404.html collides with 404.html, the not-found page");
    run.diagnostic("static file static/index.html collides with index.html, the home page");
    run.diagnostic("static file static/positions/supine/index.html collides with positions/supine/index.html, the page of the position `supine`");
    run.diagnostic("alias \"/targets/lower-back/\" collides with targets/lower-back/index.html, the page of the target `lower-back`");
    run.diagnostic("alias \"routines/morning/handout\" collides with routines/morning/handout/index.html, the handout of content/routines/morning.md");
    run.diagnostic(
        "alias \"/handout/\" collides with handout/index.html, the main routine's handout",
    );
    let d = run
        .diagnostic("alias \"/stretches/knee-hug/\" collides with stretches/knee-hug/index.html");
    assert!(d.contains("content/stretches/01-knee-hug.md"), "{d}");
    assert!(d.contains(" --> content/about.md:3:12\n"), "{d}");
    run.diagnostic("alias \"../up\" is not a path inside the site");
    let d = run.diagnostic("alias \"old\" is also an alias of content/about.md");
    assert!(d.contains(" --> content/other.md:3:"), "{d}");
    run.diagnostic("alias \"/search?q=x\" has `?`, which cannot be part of a page's path");
    run.diagnostic("alias \"/a/<b>/\" has `<`, which cannot be part of a page's path");
    assert!(!site.exists("public"));
}

#[test]
fn a_routine_naming_an_unknown_stretch_suggests_the_closest() {
    let site = TestSite::new("minimal");
    site.write(
        "content/routines/morning.md",
        &routine(&[(
            "stretches",
            Some("[\"knee-hug\", \"pelvic-tlit\", \"zzz\"]"),
        )]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("routine lists `pelvic-tlit`, which is not a stretch");
    assert!(d.contains(" --> content/routines/morning.md:3:26\n"), "{d}");
    assert!(
        d.contains("  |                          ^^^^^^^^^^^^^\n"),
        "{d}"
    );
    assert!(d.contains("help: did you mean `pelvic-tilt`?"), "{d}");
    let d = run.diagnostic("routine lists `zzz`, which is not a stretch");
    assert!(!d.contains("did you mean"), "{d}");
}

#[test]
fn a_routine_naming_a_draft_stretch_is_an_error_unless_drafts_are_built() {
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "reps = 10\n",
        "reps = 10\ndraft = true\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("routine lists `pelvic-tilt`, which is a draft");
    assert!(
        d.contains("note: content/stretches/02-pelvic-tilt.md has `draft = true`"),
        "{d}"
    );
    assert!(d.contains("help: publish the stretch"), "{d}");
    site.build(&["--drafts"]).success();
    // A draft routine may hold a draft stretch.
    site.replace(
        "content/routines/morning.md",
        "+++\n\n",
        "draft = true\n+++\n\n",
    );
    let run = site.build(&[]).success();
    run.stderr_has(&["warning: the site has no routine"]);
}

#[test]
fn a_file_with_errors_is_not_reported_again_where_it_is_named() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("hold", Some("\"long\""))]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`hold` is \"long\", which is not a hold time");
    assert_eq!(run.errors(), 1, "no second error about the routine:\n{run}");

    // Nor a routine with errors `handout.routine` (nor a "no routine" warning).
    let site = TestSite::new("minimal");
    site.write("gen.toml", "[handout]\nroutine = \"morning\"\n");
    site.replace(
        "content/routines/morning.md",
        "title = \"Morning routine\"",
        "title = 5",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`title` must be text in quotes, found an integer");
    assert_eq!((run.errors(), run.warnings()), (1, 0), "{run}");
}

#[test]
fn the_red_flags_page_is_required_and_unique() {
    let site = TestSite::new("minimal");
    site.remove("content/when-to-get-help.md");
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: the site has no red-flags page",
        "help: add a page with `role = \"red-flags\"` and its `handout_points`",
    ]);
    assert_eq!(run.errors(), 1, "{run}");

    // A draft red-flags page does not count.
    let site = TestSite::new("minimal");
    site.replace(
        "content/when-to-get-help.md",
        "+++\n\n",
        "draft = true\n+++\n\n",
    );
    site.build(&[])
        .failure()
        .stderr_has(&["the site has no red-flags page"]);

    let site = TestSite::new("minimal");
    site.write(
        "content/emergency.md",
        &page(&[
            ("role", Some("\"red-flags\"")),
            ("handout_points", Some("[\"Call for help.\"]")),
        ]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("more than one `red-flags` page");
    assert!(
        d.contains("content/emergency.md") && d.contains("content/when-to-get-help.md"),
        "{d}"
    );
}

#[test]
fn a_missing_red_flags_page_is_reported_with_the_other_errors() {
    // Every problem in one run (SPEC §7): other errors do not hide it.
    let site = TestSite::new("minimal");
    site.remove("content/when-to-get-help.md");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "reps = 10",
        "reps = 100",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`reps` is 100");
    run.diagnostic("the site has no red-flags page");
    assert_eq!(run.errors(), 2, "{run}");

    // A page with a `role` and errors of its own may be the red-flags page:
    // its errors are reported, not a missing red-flags page.
    let site = TestSite::new("minimal");
    site.replace(
        "content/when-to-get-help.md",
        "role = \"red-flags\"",
        "role = \"red-flags\"\nbogus = 1",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("unknown key `bogus`");
    run.stderr_lacks(&["no red-flags page"]);
    assert_eq!(run.errors(), 1, "{run}");

    // So may a page whose front matter does not parse.
    site.write("content/when-to-get-help.md", "+++\nrole = \n+++\n");
    let run = site.build(&[]).failure();
    run.stderr_lacks(&["no red-flags page"]);
}

#[test]
fn handout_routine_must_name_a_published_routine() {
    let site = TestSite::new("minimal");
    site.write("gen.toml", "[handout]\nroutine = \"mornin\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`handout.routine` names `mornin`, which is not a published routine");
    assert!(
        d.contains(" --> gen.toml:2:11\n  |\n2 | routine = \"mornin\"\n  |           ^^^^^^^^\n"),
        "{d}"
    );
    assert!(d.contains("help: routines: `morning`"), "{d}");

    site.replace(
        "content/routines/morning.md",
        "+++\n\n",
        "draft = true\n+++\n\n",
    );
    site.write("gen.toml", "[handout]\nroutine = \"morning\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`handout.routine` names `morning`, which is not a published routine");
    assert!(
        d.contains("= note: content/routines/morning.md is a draft, left out of the build"),
        "{d}"
    );
    assert!(
        d.contains("= help: publish it (remove `draft`), or build with --drafts to preview it"),
        "{d}"
    );
    // With --drafts it is published, and it is the main routine.
    site.build(&["--drafts"]).success();
    assert!(site.path("public/handout/index.html").is_file());
}

#[test]
fn raw_html_is_left_out_with_a_warning_unless_allowed() {
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nHello <b>there</b>.\n\n<div class=\"box\">Boxed</div>\n",
    );
    let run = site.build(&[]).success();
    let d = run.diagnostic("raw HTML is left out");
    assert!(d.starts_with("warning: "), "{d}");
    assert!(
        d.contains(" --> content/about.md:5:7\n  |\n5 | Hello <b>there</b>.\n"),
        "{d}"
    );
    assert!(
        d.contains(
            "help: write it in Markdown, or set `raw_html = true` under [markdown] in gen.toml"
        ),
        "{d}"
    );
    assert!(run.stderr.contains(" --> content/about.md:7:1"), "{run}");
    assert_eq!(run.warnings(), 2, "one warning per line or block: {run}");
    assert!(run.stdout.contains(" warnings"), "{run}");
    let html = site.read("public/about/index.html");
    assert!(
        !html.contains("<b>there</b>") && !html.contains("<div class=\"box\">"),
        "{html}"
    );
    assert!(html.contains("Hello there."), "{html}");

    site.write("gen.toml", "[markdown]\nraw_html = true\n");
    let run = site.build(&[]).success();
    assert!(run.stderr.is_empty(), "{run}");
    let html = site.read("public/about/index.html");
    assert!(
        html.contains("<b>there</b>") && html.contains("<div class=\"box\">Boxed</div>"),
        "{html}"
    );
}

#[test]
fn html_comments_are_left_out_without_a_warning() {
    // Editors keep notes and linter switches in comments; they show nothing,
    // so leaving them out needs no warning (Hugo stopped warning too). They
    // warned like any raw HTML. An unclosed comment, which hides the rest of
    // the page, and a block that holds more than comments still warn.
    let site = TestSite::new("minimal");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\n<!-- TODO: a photo -->\n\n<!--\nmarkdownlint-disable MD036\n-->\n\nA <!-- hidden --> word, a <!-- two\nlines --> note<!---->.\n\n<div>\n<!-- c -->\n</div>\n\nBold <b>x</b> <!-- c -->\n\n<!-- never closed\n\nGone.\n",
    );
    let run = site.build(&[]).success();
    assert_eq!(run.warnings(), 3, "{run}");
    for place in [
        " --> content/about.md:14:1\n",
        " --> content/about.md:18:6\n",
        " --> content/about.md:20:1\n",
    ] {
        assert!(run.stderr.contains(place), "lacks {place:?}: {run}");
    }
    let html = site.read("public/about/index.html");
    assert!(html.contains("A  word, a  note."), "{html}");
    assert!(!html.contains("<!--") && !html.contains("TODO"), "{html}");

    site.write("gen.toml", "[markdown]\nraw_html = true\n");
    let run = site.build(&[]).success();
    assert!(run.stderr.is_empty(), "{run}");
    assert!(
        site.read("public/about/index.html")
            .contains("<!-- TODO: a photo -->"),
        "comments are kept with raw_html"
    );
}

#[test]
fn gen_toml_problems_are_errors_with_suggestions() {
    let site = TestSite::new("minimal");
    site.write(
        "gen.toml",
        "titel = \"My site\"\npaginate_by = 0\n\n[handout]\npaper = \"a5\"\n\n[markdown]\nraw-html = true\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("unknown key `titel` in gen.toml");
    assert!(
        d.contains(" --> gen.toml:1:1\n  |\n1 | titel = \"My site\"\n  | ^^^^^\n"),
        "{d}"
    );
    assert!(d.contains("help: did you mean `title`?"), "{d}");
    run.diagnostic("`paginate_by` is 0; it must be from 1 to 100000");
    let d = run.diagnostic("`paper` is `a5`, which is not accepted");
    assert!(d.contains("accepted: `a4`, `letter`"), "{d}");
    let d = run.diagnostic("unknown key `raw-html` in [markdown] of gen.toml");
    assert!(d.contains("did you mean `raw_html`?"), "{d}");
    assert!(!site.exists("public"));

    site.write("gen.toml", "title = \"My site\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("invalid TOML");
    assert!(d.contains(" --> gen.toml:1:"), "{d}");

    site.write("gen.toml", "title = \"x\"\ntheme = \"fancy\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("theme `fancy` is not found: there is no folder themes/fancy/");
    // SPEC §7: every error at path:line:column, with the line and a caret.
    assert!(d.contains(" --> gen.toml:2:9\n"), "{d}");
    assert!(d.contains("theme = \"fancy\"\n  |         ^^^^^^^"), "{d}");

    // A theme is a folder's name, never a path, even to a folder that exists.
    site.write("themes/calm/templates/.keep", "");
    site.write("gen.toml", "title = \"x\"\ntheme = \"../content\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("theme `../content` is a path");
    assert!(d.contains(" --> gen.toml:2:9\n"), "{d}");
    assert!(d.contains("themes/calm/"), "{d}");

    // A locale as Unix writes it gets the tag HTML takes.
    site.write("gen.toml", "language = \"en_US\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`language` \"en_US\" is not a language tag");
    assert!(d.contains(" --> gen.toml:1:12\n"), "{d}");
    assert!(
        d.contains(
            "help: did you mean \"en-US\"? A language tag joins its parts with `-`, not `_`"
        ),
        "{d}"
    );

    // A language's name is not its tag.
    site.write("gen.toml", "language = \"english\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`language` \"english\" is not a language tag");
    assert!(d.contains(" --> gen.toml:1:12\n"), "{d}");
    assert!(d.contains("\"en\" for English"), "{d}");
    for good in ["en", "fil", "sgn-BE-FR", "zh-Hant-TW"] {
        site.write("gen.toml", &format!("language = \"{good}\"\n"));
        let run = site.run(&["check"]);
        run.stderr_lacks(&["is not a language tag"]);
    }

    // An empty name is not the folder themes/ itself.
    site.write("themes/calm/templates/.keep", "");
    site.write("gen.toml", "title = \"x\"\ntheme = \"\"\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`theme` is empty");
    assert!(d.contains(" --> gen.toml:2:9\n"), "{d}");
    assert!(d.contains("`theme = \"default\"`"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    assert!(!site.exists("public"));

    site.write("gen.toml", "[markdown]\nhighlight_theme = \"Nope\"\n");
    let run = site.build(&[]).failure();
    run.stderr_has(&["highlight theme `Nope` is not known", "InspiredGitHub"]);
    let d = run.diagnostic("highlight theme `Nope` is not known");
    assert!(d.contains(" --> gen.toml:2:19\n"), "{d}");

    // Reported with the content's problems, not after them.
    site.write("gen.toml", "[markdown]\nhighlight_theme_dark = \"Nope\"\n");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "sides = \"each\"",
        "sides = \"each\"\nreps = 100",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&["highlight theme `Nope` is not known", " --> gen.toml:2:24"]);
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_target_without_letters_or_digits_is_an_error_at_the_entry() {
    // A target is a taxonomy term; an empty slug is an error (SPEC §1), at
    // path:line:column (SPEC §7).
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "targets = [\"Lower back\", \"Core\"]",
        "targets = [\"Lower back\", \"!!!\"]",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("target \"!!!\" has no letters or digits");
    assert!(
        d.contains(" --> content/stretches/02-pelvic-tilt.md:6:26\n"),
        "{d}"
    );
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn help_lines_up_with_the_gutter_of_long_line_numbers() {
    // The rustc layout the README shows: `= help` under the `|` of the
    // source lines, also past line 9.
    let site = TestSite::new("minimal");
    site.write("gen.toml", &format!("{}paginate_by = 0\n", "\n".repeat(11)));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`paginate_by` is 0");
    assert!(
        d.contains(
            "  --> gen.toml:12:15\n   |\n12 | paginate_by = 0\n   |               ^\n   = help: "
        ),
        "{d}"
    );
}

#[test]
fn a_themes_theme_toml_is_read_when_it_has_one() {
    // SPEC §1 lists theme.toml in a theme folder. Without one the theme
    // builds; with one, its TOML, its keys and its values are checked.
    let site = TestSite::new("minimal");
    site.write("gen.toml", "theme = \"calm\"\n");
    site.write("themes/calm/static/calm.css", "body { color: navy; }\n");
    site.build(&[]).success();
    let without = site.files("public");

    site.write("themes/calm/theme.toml", "name = \n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("invalid TOML");
    assert!(d.contains(" --> themes/calm/theme.toml:1:"), "{d}");
    assert!(d.contains("help: see https://toml.io"), "{d}");
    assert_eq!(run.errors(), 1, "{run}");

    site.write(
        "themes/calm/theme.toml",
        "name = \"calm\"\nauthor = [\"A. Writer\"]\nlicence = \"MIT\"\nhomepage = \"example.org/calm\"\nmin_version = \"99.0\"\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("unknown key `author` in theme.toml");
    assert!(
        d.contains(
            " --> themes/calm/theme.toml:2:1\n  |\n2 | author = [\"A. Writer\"]\n  | ^^^^^^\n"
        ),
        "{d}"
    );
    assert!(d.contains("help: did you mean `authors`?"), "{d}");
    let d = run.diagnostic("unknown key `licence` in theme.toml");
    assert!(d.contains(" --> themes/calm/theme.toml:3:1"), "{d}");
    assert!(d.contains("help: did you mean `license`?"), "{d}");
    let d = run.diagnostic("`homepage` \"example.org/calm\" is not a web address");
    assert!(d.contains(" --> themes/calm/theme.toml:4:12"), "{d}");
    let d = run.diagnostic("the theme needs gen 99.0 or later; this gen is ");
    assert!(d.contains(" --> themes/calm/theme.toml:5:15"), "{d}");
    assert!(d.contains("help: install a newer gen"), "{d}");
    assert_eq!(run.errors(), 4, "{run}");
    // gen check reports them too.
    assert_eq!(site.run(&["check"]).failure().errors(), 4);

    // Every documented key, and the output is what it was without the file.
    site.write(
        "themes/calm/theme.toml",
        "name = \"calm\"\ndescription = \"Calm pages.\"\nlicense = \"MIT\"\nhomepage = \"https://example.org/calm/\"\ndemo = \"https://calm.example.org/\"\nauthors = [\"A. Writer\"]\nmin_version = \"0.1.0\"\n\n[extra]\nnote = \"free-form\"\n",
    );
    let run = site.build(&[]).success();
    assert_eq!(run.warnings(), 0, "{run}");
    assert_eq!(site.files("public"), without);
}

#[test]
fn a_gen_toml_error_does_not_hide_the_other_problems_of_the_site() {
    // Every problem in one run (SPEC §7): the valid keys of a gen.toml with
    // an error still count, so the main routine and theme are checked too.
    let site = TestSite::new("minimal");
    site.write("gen.toml", "title = 5\n[handout]\nroutine = \"evening\"\n");
    let run = site.build(&[]).failure();
    run.diagnostic("`title` must be text in quotes, found an integer");
    let d = run.diagnostic("`handout.routine` names `evening`, which is not a published routine");
    assert!(d.contains(" --> gen.toml:3:11"), "{d}");
    assert_eq!(run.errors(), 2, "{run}");

    // A missing theme does not stop the checks of the rest of the site.
    site.write(
        "gen.toml",
        "paginate_by = 0\ntheme = \"fancy\"\n[handout]\nroutine = \"evening\"\n",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`paginate_by` is 0");
    run.diagnostic("theme `fancy` is not found");
    run.diagnostic("`handout.routine` names `evening`");
    assert_eq!(run.errors(), 3, "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn a_routine_with_an_error_still_has_its_stretches_checked() {
    // Every problem in one run (SPEC §7): a bad `updated` does not hide an
    // unknown stretch in the same routine.
    let site = TestSite::new("minimal");
    site.write(
        "content/routines/morning.md",
        "+++\ntitle = \"Morning\"\nupdated = \"soon\"\nstretches = [\"knee-hug\", \"knee-hg\", \"knee-hg\"]\n+++\n",
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`updated` is \"soon\", which is not a date");
    run.diagnostic("stretch `knee-hg` is listed twice");
    let d = run.diagnostic("routine lists `knee-hg`, which is not a stretch");
    assert!(d.contains(" --> content/routines/morning.md:4:26"), "{d}");
    assert!(d.contains("did you mean `knee-hug`?"), "{d}");
    assert_eq!(run.errors(), 3, "{run}");
}

#[test]
fn a_template_parse_error_has_its_position() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock content %}\n",
    );
    site.write("templates/stretch.html", "{% if %}\n");
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template does not parse");
    assert!(d.contains(" --> templates/page.html:3:"), "{d}");
    assert!(d.contains("3 | <h1>{{ page.title }</h1>\n"), "{d}");
    assert!(d.contains("^"), "{d}");
    assert!(
        d.contains("help: see https://keats.github.io/tera/docs/"),
        "{d}"
    );
    run.stderr_has(&[" --> templates/stretch.html:1:"]);
    assert_eq!(run.errors(), 2, "both templates: {run}");
    assert!(!site.exists("public"));

    // A tag left open: Tera says what it expected at the end of the file;
    // the note says which tag.
    site.remove("templates/stretch.html");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if page.title %}\n<p>{{ page.title }}</p>\n{% endblock %}\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("template does not parse");
    assert!(d.contains(" --> templates/page.html:5:1\n"), "{d}");
    assert!(
        d.contains("note: the `{% if %}` at 3:1 has no `{% endif %}`\n"),
        "{d}"
    );
}

#[test]
fn templates_that_render_each_other_forever_are_errors_not_crashes() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{% include \"partials/loop.html\" %}{% endblock content %}\n",
    );
    site.write(
        "templates/partials/loop.html",
        "{% include \"page.html\" %}",
    );
    site.write(
        "templates/tree.html",
        "{% macro branch(n) %}{{ self::branch(n=n) }}{% endmacro branch %}",
    );
    site.write(
        "templates/404.html",
        "{% import \"tree.html\" as tree %}{{ tree::branch(n=1) }}",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("templates lead back to themselves");
    assert!(
        d.contains("`page.html` renders `partials/loop.html` renders `page.html`"),
        "{d}"
    );
    assert!(d.contains(" --> templates/page.html"), "{d}");
    let d = run.diagnostic("macro `branch` of `tree.html`");
    assert!(d.contains(" --> templates/tree.html"), "{d}");
    assert_eq!(run.errors(), 2, "{run}");
    assert!(!site.exists("public"));
    site.run(&["check"]).failure();
}

#[test]
fn a_template_render_error_names_template_page_and_expression() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.subtitle.text }}</p>\n{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d =
        run.diagnostic("template `page.html` failed while rendering content/when-to-get-help.md");
    assert!(
        d.contains("page.subtitle.text"),
        "names the expression: {d}"
    );
    assert!(
        d.contains(" --> templates/page.html:4:7\n"),
        "points at the expression in the template file: {d}"
    );
    assert!(!site.exists("public"));
}

#[test]
fn a_render_error_in_the_shared_header_names_the_expression_and_file() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/partials/header.html",
        "<header>{{ site.title }} {{ site.tagline.text }}</header>\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("failed while rendering");
    assert!(d.contains("site.tagline.text"), "names the expression: {d}");
    assert!(
        d.contains(" --> templates/partials/header.html:1:29\n"),
        "points at the expression in the file it is in: {d}"
    );
    // Every page meets it: one error, naming how many other pages do.
    assert!(d.contains("= note: the same error in "), "{d}");
    assert_eq!(run.errors(), 1, "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn a_command_line_syntax_error_exits_with_status_2() {
    let site = TestSite::new("minimal");
    let run = site.build(&["--no-such-flag"]).status(2);
    assert!(
        run.stderr.contains("unexpected argument '--no-such-flag'"),
        "{run}"
    );
    site.build(&["--browser", "chromium"]).status(2);
    site.run(&["frobnicate"]).status(2);
    site.run(&["build", "--color", "sometimes"]).status(2);
    assert!(!site.exists("public"));
    // Help and version are not errors.
    let run = site.run(&["build", "--help"]).success();
    assert!(run.stdout.contains("--output-dir"), "{run}");
    let run = site.run(&["--version"]).success();
    assert_eq!(run.stdout, format!("gen {}\n", env!("CARGO_PKG_VERSION")));
    // After a command too, it is `gen`'s version (not `gen-build`'s).
    let run = site.run(&["build", "--version"]).success();
    assert_eq!(run.stdout, format!("gen {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_command_line_syntax_error_follows_color() {
    // clap decided the colour of its own messages alone: `--color never`
    // on a terminal still got escape codes, `--color always` in a pipe none.
    let site = TestSite::new("minimal");
    let run = site.run(&["biuld", "--color", "always"]).status(2);
    assert!(
        run.stderr.contains("\u{1b}[") && run.stderr.contains("similar subcommand exists"),
        "{run}"
    );
    let run = site.run(&["--color=always", "build", "--frce"]).status(2);
    assert!(run.stderr.contains("\u{1b}["), "{run}");
    let run = site.run(&["biuld", "--color", "never"]).status(2);
    assert!(!run.stderr.contains('\u{1b}'), "{run}");
    assert!(
        run.stderr
            .contains("tip: a similar subcommand exists: 'build'"),
        "{run}"
    );
}

#[test]
fn no_content_folder_is_an_error() {
    let site = TestSite::empty();
    // The help fits `gen check` as well as `gen build`.
    for command in ["build", "check"] {
        let run = site.run(&[command]).failure();
        run.stderr_has(&[
            "error: no content/ folder in",
            "help: run gen in the site folder, the one that holds content/, or pass `--root DIR`",
        ]);
        assert!(!run.stderr.contains("gen build"), "{run}");
        assert_eq!(run.warnings(), 0, "no noise beside the error: {run}");
    }
    assert!(!site.exists("public"));

    // Nor an error about `handout.routine`, which names a routine of the
    // missing content/.
    site.write("gen.toml", "[handout]\nroutine = \"morning\"\n");
    let run = site.build(&[]).failure();
    run.stderr_lacks(&["handout.routine"]);
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn run_inside_a_site_gen_says_where_the_site_is() {
    let site = TestSite::new("minimal");
    let inside = site.path("content/stretches");
    let run = super::support::gen_in(&inside, &["build"], &[]).failure();
    run.stderr_has(&[
        "error: no content/ folder in .",
        "help: the site above is ../..: run gen there, or pass `--root ../..`",
    ]);
    assert!(!site.exists("public"));
    assert!(!site.exists("content/stretches/public"));
}

/// A mistyped `--root` is one clear error: no warning about what the
/// missing site lacks, and no folder made for it or its output.
#[test]
fn a_site_folder_that_does_not_exist_is_one_error_and_is_not_made() {
    let site = TestSite::empty();
    let missing = site.parent().join("no-such-site");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["build", "--root", missing],
        vec!["build", "--root", missing, "-o", "out/public"],
        vec!["check", "--root", missing],
        vec!["serve", "--root", missing, "--port", "0"],
        vec!["new", "stretch", "Cat Cow", "--root", missing],
    ] {
        let run = site.run(&args).failure();
        let d = run.diagnostic(&format!("the site folder {missing} does not exist"));
        assert!(
            d.contains("help: pass the folder that holds the site's content/ with --root DIR"),
            "{d}"
        );
        assert_eq!((run.errors(), run.warnings()), (1, 0), "{args:?}\n{run}");
        assert!(
            !std::path::Path::new(missing).exists(),
            "{args:?} made {missing}"
        );
        assert!(!site.exists("out"), "{args:?} made the output's folder");
    }
    site.write("file", "x");
    let run = site.build(&["--root", "file"]).failure();
    run.stderr_has(&["the site folder file is a file, not a folder"]);
    assert_eq!(run.warnings(), 0, "{run}");
}

#[test]
fn content_files_too_deep_or_misplaced_indexes_are_reported() {
    let site = TestSite::new("minimal");
    site.write("content/stretches/more/03-deep.md", &stretch(&[]));
    site.write("content/guides/_index.md", &page(&[]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("content/stretches/more/03-deep.md is too deep");
    assert!(
        d.contains(
            " --> content/stretches/more/03-deep.md
"
        ),
        "{d}"
    );
    assert!(
        d.contains(
            "help: move it: content files go in content/, content/stretches/, content/routines/"
        ),
        "{d}"
    );
    let d = run.diagnostic("content/guides/_index.md is ignored");
    assert!(d.starts_with("warning: "), "{d}");
}

#[test]
fn a_gen_toml_key_in_the_wrong_table_says_where_it_belongs() {
    // A key appended at the end of gen.toml lands in its last table; one
    // written without its heading lands at the top level. Either is a known
    // key, so "did you mean" has nothing to offer: say where it goes.
    let site = TestSite::new("minimal");
    site.write(
        "gen.toml",
        "paper = \"letter\"\n\n[markdown]\nraw_html = true\nbase_url = \"https://example.org/\"\npaper = \"a4\"\n",
    );
    let run = site.run(&["check"]).failure();
    let d = run.diagnostic("unknown key `base_url` in [markdown] of gen.toml");
    assert!(d.contains(" --> gen.toml:5:1\n"), "{d}");
    assert!(
        d.contains(
            "help: `base_url` is a top-level key, but every key after the `[markdown]` heading belongs to [markdown]: move `base_url` above the first `[table]` heading"
        ),
        "{d}"
    );
    let d = run.diagnostic("unknown key `paper` in gen.toml");
    assert!(d.contains(" --> gen.toml:1:1\n"), "{d}");
    assert!(
        d.contains("help: `paper` belongs in [handout]: write it under a `[handout]` heading"),
        "{d}"
    );
    let d = run.diagnostic("unknown key `paper` in [markdown] of gen.toml");
    assert!(d.contains("`paper` belongs in [handout]"), "{d}");
    assert_eq!(run.errors(), 3, "{run}");
}

#[test]
fn gen_toml_problems_come_in_the_order_of_the_file() {
    let site = TestSite::new("minimal");
    site.write(
        "gen.toml",
        "paginate_by = 0\ntitle = 5\n[handout]\npaper = \"a5\"\n[markdown]\nraw_htm = true\n",
    );
    let run = site.build(&[]).failure();
    let places: Vec<usize> = ["gen.toml:1:", "gen.toml:2:", "gen.toml:4:", "gen.toml:6:"]
        .iter()
        .map(|place| {
            run.stderr
                .find(place)
                .unwrap_or_else(|| panic!("no {place} in\n{run}"))
        })
        .collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{run}");
}

#[test]
fn broken_links_are_reported_with_the_other_errors_of_the_run() {
    let site = TestSite::new("minimal");
    // A stretch with an error of its own, which a page links to: that link is not
    // reported (the stretch's error is), a link to nothing is.
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("title", Some("\"Knee hug\"")), ("reps", Some("0"))]),
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nSee [the hug](stretches/01-knee-hug.md) and [this](nope.md).\n",
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: `reps` is 0",
        "error: link `nope.md` does not resolve",
        " --> content/about.md:5:45",
    ]);
    assert!(
        !run.stderr.contains("01-knee-hug.md` does not resolve"),
        "{run}"
    );
    assert_eq!(run.errors(), 2, "{run}");

    // Broken templates: the content is not rendered, its links are still followed.
    site.write("content/stretches/01-knee-hug.md", &stretch(&[]));
    site.write("templates/page.html", "{% if %}\n");
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: template does not parse",
        "error: link `nope.md` does not resolve",
    ]);
    assert_eq!(run.errors(), 2, "{run}");
    assert!(!site.exists("public"));
}

#[test]
fn a_stretch_with_an_error_still_has_its_image_checked() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("summary", Some("3")), ("image", Some("\"nope.svg\""))]),
    );
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: `summary` must be text in quotes",
        "error: image \"nope.svg\" is not found",
    ]);
    assert_eq!(run.errors(), 2, "{run}");
}

#[test]
fn a_draft_in_a_routine_is_named_as_its_yaml_file_spells_it() {
    let site = TestSite::new("minimal");
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        "---\ntitle: Pelvic tilt\ndraft: true\nposition: supine\nhold: 5 s\n\
         targets: [Lower back]\ncautions: [Stop if it hurts.]\ncue: Tilt your pelvis.\n---\nTilt.\n",
    );
    site.write(
        "content/routines/morning.md",
        &routine(&[("stretches", Some("[\"knee-hug\", \"pelvic-tilt\"]"))]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("which is a draft");
    assert!(d.contains("has `draft: true`"), "{d}");
    assert!(d.contains("(remove `draft: true`)"), "{d}");
}

#[test]
fn a_file_where_the_site_needs_a_folder_or_a_folder_where_it_writes_a_file_is_an_error() {
    // SPEC §1: collisions with generated paths are errors naming both;
    // found before anything is written, never as I/O errors mid-write.
    let site = TestSite::new("minimal");
    site.build(&["--base-url", "https://example.org/"])
        .success();
    let before = site.files("public");
    site.write("static/handout", "a file where handout/ goes\n");
    site.write(
        "static/positions/supine",
        "a file where a term's folder goes\n",
    );
    site.write("static/404.html/a.txt", "a folder where 404.html goes\n");
    site.write("static/404.html/b.txt", "one error for the folder\n");
    site.write(
        "static/sitemap.xml/c.txt",
        "a folder where sitemap.xml goes\n",
    );
    site.write("static/fonts", "a file where the theme's fonts/ goes\n");
    site.write(
        "content/about.md",
        &page(&[(
            "aliases",
            Some("[\"/css/style.css\", \"/.bedside-build\", \"old.html\", \"/old.html/x/\"]"),
        )]),
    );
    let run = site
        .build(&["--base-url", "https://example.org/"])
        .failure();
    run.stderr_lacks(&[
        "cannot write",
        "cannot copy",
        "Is a directory",
        "Not a directory",
    ]);

    let d = run.diagnostic("static file static/handout collides with handout/, the folder of handout/index.html, the main routine's handout");
    assert!(
        d.contains("content/routines/morning.md"),
        "names the routine: {d}"
    );
    assert!(d.contains(" --> static/handout\n"), "{d}");
    assert!(
        d.contains("help: a file and a folder cannot share a path"),
        "{d}"
    );
    run.diagnostic("static file static/positions/supine collides with positions/supine/, the folder of positions/supine/index.html, the page of the position `supine`");
    let d = run.diagnostic(
        "static folder static/404.html collides with 404.html, the not-found page (generated by gen)",
    );
    assert!(d.contains(" --> static/404.html\n"), "{d}");
    run.diagnostic(
        "static folder static/sitemap.xml collides with sitemap.xml, the sitemap (generated by gen)",
    );
    run.diagnostic("static file static/fonts collides with fonts/, the folder of fonts/");
    let d = run.diagnostic("alias \"/css/style.css\" collides with css/style.css, the static file (built-in theme)/static/css/style.css");
    assert!(
        d.contains(" --> content/about.md:3:12\n"),
        "at the alias: {d}"
    );
    assert!(
        d.contains("css/style.css/index.html needs a folder there"),
        "{d}"
    );
    let d = run.diagnostic(
        "alias \"/.bedside-build\" collides with .bedside-build, the build marker (generated by gen)",
    );
    assert!(d.contains(" --> content/about.md:3:30\n"), "{d}");
    let d = run.diagnostic("alias \"/old.html/x/\" collides with old.html, the redirect page of alias \"old.html\" at content/about.md:3:");
    assert!(d.contains(" --> content/about.md:3:61\n"), "{d}");
    assert_eq!(run.errors(), 8, "one error per collision: {run}");
    assert_eq!(site.files("public"), before, "the old output changed");
}

#[test]
fn an_explicit_empty_slug_is_one_error_at_its_value() {
    let site = TestSite::new("minimal");
    site.write("content/about.md", &page(&[("slug", Some("\"\""))]));
    site.write("content/more.md", &page(&[("slug", Some("\"--\""))]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("`slug` is empty");
    assert!(d.contains(" --> content/about.md:3:8\n"), "{d}");
    assert!(
        d.contains("help: remove `slug` to take the slug from the file name"),
        "{d}"
    );
    let d = run.diagnostic("slug \"--\" is not valid");
    assert!(d.contains(" --> content/more.md:3:8\n"), "{d}");
    run.stderr_lacks(&["gives an empty slug"]);
    assert_eq!(run.errors(), 2, "one error per mistake: {run}");
}

#[test]
fn a_duplicate_slug_points_at_the_explicit_slug_of_either_file() {
    let site = TestSite::new("minimal");
    // `a.md` comes first and sets the slug; `guides/about.md` takes its
    // slug from its file name, which has no line to point at.
    site.write("content/a.md", &page(&[("slug", Some("\"about\""))]));
    site.write("content/guides/about.md", &page(&[]));
    let run = site.build(&[]).failure();
    let d = run.diagnostic("two pages have the slug `about`");
    assert!(d.contains(" --> content/a.md:3:8\n"), "at the `slug`: {d}");
    assert!(d.contains("content/guides/about.md"), "{d}");
}

#[test]
fn more_than_one_red_flags_page_points_at_each_role() {
    let site = TestSite::new("minimal");
    site.write(
        "content/emergency.md",
        &page(&[
            ("role", Some("\"red-flags\"")),
            ("handout_points", Some("[\"Call for help.\"]")),
        ]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("more than one `red-flags` page");
    assert!(
        d.contains(" --> content/when-to-get-help.md:3:8\n  |\n3 | role = \"red-flags\"\n"),
        "at the second page's role: {d}"
    );
    assert!(
        d.contains("note: the first `red-flags` page is content/emergency.md:3:8"),
        "{d}"
    );
    assert_eq!(run.errors(), 1, "{run}");
}

#[test]
fn a_second_page_of_a_role_is_reported_when_either_has_other_errors() {
    let site = TestSite::new("minimal");
    // Each page of a pair has an error of its own: the pair is reported in
    // the same run all the same.
    site.write(
        "content/emergency.md",
        &page(&[
            ("role", Some("\"red-flags\"")),
            ("handout_points", Some(&format!("[{}]", quoted('ü', 81)))),
        ]),
    );
    site.write(
        "content/before.md",
        &page(&[
            ("role", Some("\"preparation\"")),
            (
                "handout_points",
                Some("[\"a\", \"b\", \"c\", \"d\", \"e\"]"),
            ),
            ("weight", Some("1")),
        ]),
    );
    site.write(
        "content/breathe.md",
        &page(&[("role", Some("\"preparation\"")), ("weight", Some("2"))]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("`handout_points` is 81 characters long; the limit is 80");
    run.diagnostic("a `preparation` page takes at most 4 handout points; this one has 5");
    let d = run.diagnostic(
        "more than one `red-flags` page: content/emergency.md and content/when-to-get-help.md",
    );
    assert!(d.contains(" --> content/when-to-get-help.md:3:8\n"), "{d}");
    let d = run
        .diagnostic("more than one `preparation` page: content/before.md and content/breathe.md");
    assert!(d.contains(" --> content/breathe.md:3:8\n"), "{d}");
    assert!(
        d.contains("note: the first `preparation` page is content/before.md:3:8"),
        "{d}"
    );
    assert_eq!(run.errors(), 4, "{run}");
}

#[test]
fn a_red_flags_page_without_points_warns_and_a_draft_one_is_named() {
    let site = TestSite::new("minimal");
    site.write(
        "content/when-to-get-help.md",
        "+++\ntitle = \"When to get help\"\nrole = \"red-flags\"\n+++\n\nSigns.\n",
    );
    let run = site.build(&[]).success();
    let d =
        run.diagnostic("the red-flags page content/when-to-get-help.md has no `handout_points`");
    assert!(d.starts_with("warning: "), "{d}");
    assert!(d.contains("help: list the signs"), "{d}");

    site.write(
        "content/when-to-get-help.md",
        "+++\ntitle = \"When to get help\"\nrole = \"red-flags\"\ndraft = true\nhandout_points = [\"Pain down a leg: see a doctor.\"]\n+++\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("the site has no red-flags page");
    assert!(
        d.contains("note: content/when-to-get-help.md has `role = \"red-flags\"` but is a draft"),
        "{d}"
    );
    site.build(&["--drafts", "--quiet"]).success();
}

#[test]
fn an_image_whose_bytes_are_not_its_kind_is_an_error() {
    let site = TestSite::new("minimal");
    site.write("content/stretches/fake.png", "not a png\n");
    site.write("static/img/x.svg", "<html>not an svg</html>\n");
    site.write(
        "static/img/ok.svg",
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("image", Some("\"fake.png\""))]),
    );
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        &stretch(&[
            ("title", Some("\"Pelvic tilt\"")),
            ("image", Some("\"/img/x.svg\"")),
        ]),
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("image \"fake.png\" is not a PNG image");
    assert!(
        d.contains("note: the file is content/stretches/fake.png"),
        "{d}"
    );
    run.diagnostic("image \"/img/x.svg\" is not an SVG image");
    assert_eq!(run.errors(), 2, "{run}");
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        &stretch(&[
            ("title", Some("\"Pelvic tilt\"")),
            ("image", Some("\"/img/ok.svg\"")),
        ]),
    );
    site.remove("content/stretches/fake.png");
    site.write("content/stretches/01-knee-hug.md", &stretch(&[]));
    site.build(&["--quiet"]).success();
}

#[test]
fn a_toml_key_or_table_given_twice_is_named() {
    let site = TestSite::new("minimal");
    site.write(
        "gen.toml",
        "title = \"x\"\n[handout]\npaper = \"a4\"\n[handout]\nroutine = \"morning\"\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("invalid TOML: duplicate key `handout`");
    assert!(d.contains(" --> gen.toml:4:2"), "{d}");
    assert!(
        d.contains("help: give each key, and each `[table]`, once"),
        "{d}"
    );
    site.write("gen.toml", "title = \"x\"\n");
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("cue", Some("\"Hug.\"\ncue = \"Hug again.\""))]),
    );
    let run = site.build(&[]).failure();
    run.diagnostic("invalid TOML: duplicate key `cue`");
}

#[test]
fn handout_texts_in_capitals_are_warned_about_where_they_are_written() {
    let site = TestSite::new("minimal");
    site.write(
        "content/when-to-get-help.md",
        "+++\ntitle = \"When to get help\"\nrole = \"red-flags\"\n\
         handout_points = [\"Pain down a leg: see a doctor.\", \"NUMB LEGS OR WEAKNESS: GET HELP NOW\"]\n+++\n",
    );
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[
            ("cue", Some("\"HUG ONE KNEE TO YOUR CHEST.\"")),
            ("cautions", Some("[\"STOP IF IT HURTS, EVEN A LITTLE.\"]")),
        ]),
    );
    let run = site.build(&[]).success();
    let d = run.diagnostic("a handout point is written in capitals");
    assert!(d.contains(" --> content/when-to-get-help.md:4:53"), "{d}");
    assert!(d.contains("help: write it in sentence case"), "{d}");
    run.diagnostic("the cue is written in capitals");
    run.diagnostic("the main caution is written in capitals");
    assert_eq!(run.warnings(), 3, "{run}");
}

#[test]
fn an_unknown_filter_is_pointed_at_in_its_template() {
    let site = TestSite::new("minimal");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.title | nosuch }}</p>\n{% endblock content %}\n",
    );
    let run = site.build(&[]).failure();
    let d =
        run.diagnostic("template `page.html` uses the filter `nosuch`, which Tera does not have");
    assert!(d.contains(" --> templates/page.html:3:20\n"), "{d}");
    assert!(d.contains("help: the filters there are: "), "{d}");
}

#[test]
fn a_file_where_the_site_needs_its_static_or_templates_folder_is_an_error() {
    let site = TestSite::new("minimal");
    site.write("static", "not a folder\n");
    site.write("templates", "not a folder\n");
    let run = site.build(&[]).failure();
    run.stderr_has(&[
        "error: static is a file; it must be a folder",
        "error: templates is a file; it must be a folder",
    ]);
    assert!(!site.exists("public"));
}

#[test]
fn a_base_url_with_a_user_name_or_password_is_refused() {
    let site = TestSite::new("minimal");
    let run = site
        .build(&["--base-url", "https://user:pw@example.org/"])
        .failure();
    run.stderr_has(&["is not a web address", "without a user name or password"]);
}

#[test]
fn a_base_url_naming_a_page_is_refused() {
    // Page paths are joined after it: `…/index.html/stretches/` would be
    // printed on every page, in the sitemap and in the QR code.
    let site = TestSite::new("minimal");
    site.write(
        "gen.toml",
        "base_url = \"https://example.org/back/index.html\"\n",
    );
    let run = site.build(&[]).failure();
    let d = run.diagnostic("base_url");
    assert!(d.contains(" --> gen.toml:1:12\n"), "{d}");
    assert!(
        d.contains("not of a page (`index.html`), e.g. `https://example.org/back/`"),
        "{d}"
    );
    let run = site
        .build(&["--base-url", "https://example.org/Start.HTM"])
        .failure();
    run.stderr_has(&["not of a page (`Start.HTM`), e.g. `https://example.org/`"]);
    // A folder whose name ends so is a folder when written as one.
    site.write("gen.toml", "base_url = \"https://example.org/v1.html/\"\n");
    site.build(&[]).success();
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://example.org/v1.html/</loc>")
    );
}

#[test]
fn output_paths_that_differ_only_in_case_are_warned_about() {
    let site = TestSite::new("minimal");
    site.replace(
        "content/stretches/01-knee-hug.md",
        "position = \"supine\"",
        "position = \"supine\"\naliases = [\"/When-To-Get-Help/\"]",
    );
    site.write(
        "static/img/A.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site.write(
        "static/img/a.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    let run = site.build(&[]).success();
    let d = run.diagnostic("When-To-Get-Help/index.html (the redirect page of alias");
    assert!(d.starts_with("warning: "), "{d}");
    assert!(d.contains("when-to-get-help/index.html (the page of content/when-to-get-help.md) differ only in case"), "{d}");
    run.diagnostic("img/A.svg (the static file static/img/A.svg) and img/a.svg");
    assert_eq!(run.warnings(), 2, "{run}");
}

#[test]
fn a_name_too_long_for_a_folder_is_an_error_at_its_value() {
    // A slug, a target's term slug or a part of an alias names a folder of
    // the output; file systems take 255 bytes. Before the fix the build
    // failed late with "cannot create <temporary folder>/…" and no place in
    // the content, and `gen check` said nothing was broken.
    let site = TestSite::new("minimal");
    let long = "a".repeat(256);
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("slug", Some(&format!("\"{long}\"")))]),
    );
    site.write(
        "content/stretches/02-pelvic-tilt.md",
        &stretch(&[
            ("title", Some("\"Pelvic tilt\"")),
            ("targets", Some(&format!("[\"Back\", \"{long}\"]"))),
        ]),
    );
    site.write(
        "content/about.md",
        &page(&[("aliases", Some(&format!("[\"/old/{long}/\"]")))]),
    );
    for command in ["build", "check"] {
        let run = site.run(&[command]).failure();
        let d = run.diagnostic("`slug` is 256 characters long; a folder name takes at most 255");
        assert!(
            d.contains(" --> content/stretches/01-knee-hug.md:8:8\n"),
            "{d}"
        );
        let d = run.diagnostic("makes a term page name of 256 characters");
        assert!(
            d.contains(" --> content/stretches/02-pelvic-tilt.md:5:20\n"),
            "{d}"
        );
        let d = run.diagnostic("has a part of 256 bytes; a folder name takes at most 255");
        assert!(d.contains(" --> content/about.md:3:12\n"), "{d}");
        run.stderr_lacks(&["cannot create", "which is not a stretch"]);
        assert_eq!(run.errors(), 3, "{run}");
    }
    assert!(!site.exists("public"));

    // 255 is a name a file system takes.
    let edge = "a".repeat(255);
    site.write(
        "content/stretches/01-knee-hug.md",
        &stretch(&[("slug", Some(&format!("\"{edge}\"")))]),
    );
    site.remove("content/stretches/02-pelvic-tilt.md");
    site.write(
        "content/about.md",
        &page(&[("aliases", Some(&format!("[\"/old/{edge}/\"]")))]),
    );
    site.write(
        "content/routines/morning.md",
        &routine(&[("stretches", Some(&format!("[\"{edge}\"]")))]),
    );
    site.build(&[]).success();
    assert!(site.exists(&format!("public/stretches/{edge}/index.html")));
    assert!(site.exists(&format!("public/old/{edge}/index.html")));
}
