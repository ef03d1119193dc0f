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
    // A vbscript: link is not followed as a file (and exit 0: no error).
    assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);
}
