//! `gen check`: everything `gen build` validates, plus links, anchors, images
//! and the position order of routines; it writes nothing.

use super::editor_support::{EditorSite, position_of};

const KNEE: &str = "content/stretches/01-knee-to-chest.md";

#[test]
fn a_good_site_passes_and_nothing_is_written() {
    let site = EditorSite::fixture("editor");
    let run = site.run(&["check"]).status(0);
    assert!(run.stdout.contains("nothing is broken"), "{}", run.stdout);
    assert!(
        run.stdout.lines().count() == 1,
        "one summary line: {}",
        run.stdout
    );
    assert!(!site.path("public").exists());
}

#[test]
fn broken_references_are_errors_at_their_place() {
    let site = EditorSite::fixture("editor");
    let body = "\n\
        See [the tilt](02-pelvic-tilt.md#stepz).\n\n\
        ![A missing picture](missing.svg)\n\n\
        Read [nothing](../nowhere/index.html).\n\n\
        Back to [the top](#nope).\n\n\
        Not an anchor: [the viewport](#viewport).\n\n\
        Fine: [steps](#steps), [the bed](../../images/bed.svg), [help](@/when-to-get-help.md).\n";
    let text = site.read(KNEE) + body;
    site.write(KNEE, &text);
    let run = site.run(&["check"]).status(1);
    for (needle, message) in [
        ("[the tilt]", "no anchor `#stepz`"),
        ("![A missing picture]", "image `missing.svg`"),
        ("[nothing]", "link `../nowhere/index.html`"),
        ("[the top]", "no anchor `#nope`"),
        ("[the viewport]", "no anchor `#viewport`"),
    ] {
        let place = position_of(&site, KNEE, needle);
        assert!(run.stderr.contains(&place), "no {place} in\n{}", run.stderr);
        assert!(
            run.stderr.contains(message),
            "no {message:?} in\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("did you mean `#steps`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Check failed: 5 errors."),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists());
}

#[test]
fn a_routine_that_comes_back_to_a_position_is_warned_about() {
    let site = EditorSite::fixture("editor");
    site.replace(
        "content/routines/morning.md",
        "[\"knee-to-chest\", \"pelvic-tilt\", \"press-up\"]",
        "[\"knee-to-chest\", \"press-up\", \"pelvic-tilt\"]",
    );
    let run = site.run(&["check"]).status(0);
    let place = position_of(&site, "content/routines/morning.md", "\"pelvic-tilt\"");
    assert!(
        run.stderr
            .contains("warning: the routine comes back to `supine`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&place), "no {place} in\n{}", run.stderr);
    assert!(run.stdout.contains("1 warning"), "{}", run.stdout);
}

#[test]
fn build_errors_are_check_errors() {
    let site = EditorSite::fixture("editor");
    site.replace(
        "content/stretches/02-pelvic-tilt.md",
        "hold = \"3 to 5 s\"",
        "hold = \"forever\"",
    );
    let run = site.run(&["check"]).status(1);
    let place = position_of(&site, "content/stretches/02-pelvic-tilt.md", "\"forever\"");
    assert!(run.stderr.contains(&place), "no {place} in\n{}", run.stderr);
    assert!(
        run.stderr.contains("Check failed: 1 error."),
        "{}",
        run.stderr
    );
}

#[test]
fn drafts_are_checked_with_drafts() {
    let site = EditorSite::fixture("editor");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\ndraft = true\n+++\n\nSee [this](#missing).\n",
    );
    site.run(&["check"]).status(0);
    let run = site.run(&["check", "--drafts"]).status(1);
    assert!(
        run.stderr.contains("content/about.md:6:5"),
        "{}",
        run.stderr
    );
}

#[test]
fn links_written_from_the_root_are_warned_about() {
    let site = EditorSite::fixture("editor");
    let text = site.read(KNEE) + "\nSee [the bed](/images/bed.svg) and [mail](vbscript:x).\n";
    site.write(KNEE, &text);
    let run = site.run(&["check"]).status(0);
    let place = position_of(&site, KNEE, "[the bed]");
    assert!(run.stderr.contains(&place), "no {place} in\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("`/images/bed.svg` is written from the site's root, so it breaks"),
        "{}",
        run.stderr
    );
    // The help writes that very address from the page.
    assert!(
        run.stderr
            .contains("help: write it relative to this page: `../../images/bed.svg`, or link"),
        "{}",
        run.stderr
    );
    // A vbscript: link is not followed as a file (and exit 0: no error); it
    // is left out, which is the other warning.
    assert!(
        run.stderr
            .contains("warning: the address `vbscript:x` is left out"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("warning:").count(), 2, "{}", run.stderr);
}

#[test]
fn a_missing_image_gets_a_path_written_from_its_page() {
    // The suggested path is relative to the page that shows the image, from
    // a top-level page and from a stretch page alike, and names a file the
    // site publishes when one has the image's name.
    let site = EditorSite::fixture("full");
    let prep = "content/before-you-start.md";
    let tilt = "content/stretches/02-pelvic-tilt.md";
    site.replace(
        prep,
        "Read this first.",
        "Read this first.\n\n![knee](../stretches/01-knee-to-chest.svg) ![bed](bed.svg)",
    );
    site.replace(
        tilt,
        "## Steps",
        "![knee](01-knee-to-chest.svg) ![gone](../../stretches/gone.svg)\r\n\r\n## Steps",
    );
    let run = site.run(&["check"]).status(1);
    let cases = [
        (
            prep,
            "![knee]",
            "before-you-start/index.html",
            "the site publishes stretches/knee-to-chest/01-knee-to-chest.svg: from this page, write `../stretches/knee-to-chest/01-knee-to-chest.svg`",
        ),
        (
            prep,
            "![bed]",
            "before-you-start/index.html",
            "the site publishes images/bed.svg: from this page, write `../images/bed.svg`",
        ),
        (
            tilt,
            "![knee]",
            "stretches/pelvic-tilt/index.html",
            "the site publishes stretches/knee-to-chest/01-knee-to-chest.svg: from this page, write `../../stretches/knee-to-chest/01-knee-to-chest.svg`",
        ),
        (
            tilt,
            "![gone]",
            "stretches/pelvic-tilt/index.html",
            "put the picture at static/stretches/gone.svg, where this link finds it, or at static/images/gone.svg and write `../../images/gone.svg` from this page",
        ),
    ];
    assert_eq!(
        run.stderr.matches("error: image").count(),
        cases.len(),
        "{run}"
    );
    site.run(&["build"]).status(0);
    for (file, needle, page, help) in cases {
        let place = position_of(&site, file, needle);
        let block = run
            .stderr
            .split("error: ")
            .find(|b| b.contains(&place))
            .unwrap_or_else(|| panic!("no error at {place}\n{run}"));
        assert!(block.contains(&format!("help: {help}")), "{block}");
        // The path suggested resolves, from the page, inside the output.
        let written = help.rsplit_once('`').and_then(|(a, _)| a.rsplit_once('`'));
        let written = written.map(|(_, path)| path).unwrap_or_default();
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in written.split('/') {
            match part {
                ".." => assert!(parts.pop().is_some(), "{written} leaves the site"),
                part => parts.push(part),
            }
        }
        let target = parts.join("/");
        if help.starts_with("the site publishes") {
            assert!(site.path(&format!("public/{target}")).is_file(), "{target}");
        } else {
            assert_eq!(target, "images/gone.svg");
        }
    }
}

#[test]
fn a_fragment_of_a_file_that_is_no_web_page_is_not_an_anchor_to_find() {
    // `#page=2` opens a PDF at its second page; only a web page's ids are
    // known to `gen check`.
    let site = EditorSite::fixture("editor");
    site.write("static/docs/leaflet.pdf", "%PDF-1.4\n");
    let text = site.read(KNEE) + "\nRead [the leaflet](../../docs/leaflet.pdf#page=2).\n";
    site.write(KNEE, &text);
    let run = site.run(&["check"]).status(0);
    assert!(!run.stderr.contains("anchor"), "{}", run.stderr);

    // At the wrong depth, the help names the file the site has, written
    // from the page.
    let text = site.read(KNEE) + "\nOr [here](../docs/leaflet.pdf#page=3).\n";
    site.write(KNEE, &text);
    let run = site.run(&["check"]).status(1);
    assert!(
        run.stderr.contains(
            "help: the site publishes docs/leaflet.pdf: from this page, write `../../docs/leaflet.pdf`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_picture_with_no_address_is_an_error_to_check_and_a_warning_to_build() {
    let site = EditorSite::fixture("editor");
    let text = site.read(KNEE) + "\nA picture: ![A pillow under the knees]().\n";
    site.write(KNEE, &text);
    let place = position_of(&site, KNEE, "![A pillow");
    let run = site.run(&["check"]).status(1);
    let error = run
        .stderr
        .find("error: this picture has no address")
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let rest = &run.stderr[error..];
    // Once, as an error: not the build's warning as well.
    assert_eq!(
        run.stderr.matches("this picture has no address").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(rest.contains(&place), "no {place} in\n{}", run.stderr);
    assert!(
        rest.contains("help: write the picture's URL between the parentheses, relative to the page, e.g. `../../images/pillow.svg`"),
        "{}",
        run.stderr
    );
    // The build writes the page with the picture's description, and no
    // `<img src="">`, which is not valid HTML.
    let run = site.run(&["build"]).status(0);
    assert!(
        run.stderr.contains(
            "warning: this picture has no address, so it is left out and its description shown"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&place), "no {place} in\n{}", run.stderr);
    // The help writes the address from the page.
    assert!(
        run.stderr
            .contains("e.g. `![A pillow under the knees](../../images/pillow.svg)`"),
        "{}",
        run.stderr
    );
    let html = site.read("public/stretches/knee-to-chest/index.html");
    assert!(
        html.contains("A picture: A pillow under the knees."),
        "{html}"
    );
    assert!(!html.contains("src=\"\""), "{html}");
    // From the home page, at the top of the output.
    let home = site.read("content/_index.md") + "\n![A pillow]()\n";
    site.write("content/_index.md", &home);
    let run = site.run(&["build"]).status(0);
    assert!(
        run.stderr
            .contains("e.g. `![A pillow under the knees](images/pillow.svg)`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_link_to_a_handout_pdf_is_a_warning_that_only_pdf_builds_write_it() {
    let site = EditorSite::fixture("editor");
    let body = "\n\
        Print [the handout](../../handout.pdf) or [this one](../../routines/morning/handout.pdf#page=1).\n\n\
        Not a routine: [none](../../routines/evening/handout.pdf).\n";
    let text = site.read(KNEE) + body;
    site.write(KNEE, &text);
    let run = site.run(&["check"]).status(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    for needle in ["[the handout]", "[this one]"] {
        let place = position_of(&site, KNEE, needle);
        let at = lines
            .iter()
            .position(|l| l.contains(&place))
            .unwrap_or_else(|| panic!("no {place} in\n{}", run.stderr));
        assert!(
            at > 0 && lines[at - 1].starts_with("warning: link `"),
            "{needle} is a warning:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .contains("points at a handout's PDF, which only `gen build --pdf` writes"),
        "{}",
        run.stderr
    );
    // The help names each handout's page, written as the link is.
    for page in [
        "`../../handout/index.html`",
        "`../../routines/morning/handout/index.html`",
    ] {
        assert!(
            run.stderr
                .contains(&format!("or link the handout's page ({page}) instead")),
            "no {page} in\n{}",
            run.stderr
        );
    }
    let place = position_of(&site, KNEE, "[none]");
    assert!(run.stderr.contains(&place), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: link `../../routines/evening/handout.pdf` points at routines/evening/handout.pdf, which the site does not have"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Check failed: 1 error."),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_beside_a_page_that_is_not_published_is_named_so() {
    // A picture or a PDF beside the Markdown file is not published (only a
    // stretch's `image` is), so a body that links it as written is broken.
    // `gen check` said the site lacks `guides/leaflet.pdf` and told the
    // editor to link "a content file by its path", of a file that is there.
    let site = EditorSite::fixture("full");
    let guide = "content/guides/sleeping.md";
    std::fs::write(site.path("content/guides/leaflet.pdf"), "%PDF-1.4\n").expect("a PDF");
    std::fs::write(
        site.path("content/guides/pillow photo.png"),
        b"\x89PNG\r\n\x1a\n",
    )
    .expect("a PNG");
    let text =
        site.read(guide) + "\n[The leaflet](leaflet.pdf) and ![A pillow](pillow%20photo.png).\n";
    site.write(guide, &text);
    let run = site.run(&["check"]).status(1);
    for (needle, message, help) in [
        (
            "[The leaflet]",
            "error: link `leaflet.pdf` names content/guides/leaflet.pdf, which is not published",
            "help: move it to static/files/leaflet.pdf and write `../files/leaflet.pdf` from this page",
        ),
        (
            "![A pillow]",
            "error: image `pillow%20photo.png` names content/guides/pillow photo.png, which is not published",
            "help: move it to static/images/pillow photo.png and write `../images/pillow photo.png` from this page",
        ),
    ] {
        let place = position_of(&site, guide, needle);
        let block = run
            .stderr
            .split("error: ")
            .find(|b| b.contains(&place))
            .map(|b| format!("error: {b}"))
            .unwrap_or_else(|| panic!("no error at {place}\n{run}"));
        assert!(block.contains(message), "{block}");
        assert!(block.contains(help), "{block}");
    }
    assert_eq!(run.stderr.matches("error: ").count(), 2, "{run}");
}
